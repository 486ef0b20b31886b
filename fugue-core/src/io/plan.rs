//! Load and save planning: every decision a `load_df` / `save_df` makes
//! before bytes are read or written, once for every engine (ENG-IO-1..10).
//! Engines read the plan and only read or write bytes.

use std::path::Path;

use super::format::{Compression, FileFormat, resolve_format};
use super::listing::{DataFile, list_load_files};
use super::options::{CsvOptions, JsonOptions, ParquetOptions};
use super::save::SaveMode;
use crate::engine::{LoadOptions, SaveOptions};
use crate::error::{Error, Result};
use crate::schema::Schema;

/// `ERR-NOT-SUPPORTED` for a gzip-compressed text file (allowed by ENG-IO-2).
pub fn gzip_not_supported(path: &str) -> Error {
    Error::not_supported(format!(
        "gzip-compressed file `{path}`: fugue-rs reads and writes uncompressed csv and json only"
    ))
}

/// The files a `load_df(paths, options)` reads, in order (ENG-IO-1..3): the
/// format hint parsed (an empty hint is none), paths listed with
/// [`list_load_files`], gzip files refused.
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for an unknown hint or a gzip file; those of
/// [`list_load_files`] (`ERR-NOT-FOUND` for missing paths, ...).
pub fn plan_load(paths: &[&str], options: &LoadOptions) -> Result<Vec<DataFile>> {
    let hint = match options.format_hint.as_deref() {
        Some(h) if !h.is_empty() => Some(FileFormat::parse(h)?),
        _ => None,
    };
    let files = list_load_files(paths, hint)?;
    if let Some(gz) = files.iter().find(|f| f.compression == Compression::Gzip) {
        return Err(gzip_not_supported(&gz.path.display().to_string()));
    }
    Ok(files)
}

/// What a `save_df` of a frame with `schema` to `path` writes (ENG-IO-2,
/// ENG-IO-5..10), decided by [`plan_save`].
#[derive(Debug, Clone, PartialEq)]
pub struct SavePlan {
    /// The file format, from the hint or the path's suffix (ENG-IO-2).
    pub format: FileFormat,
    /// The csv options when the format is csv (ENG-IO-10, ENG-CSV-2).
    pub csv: Option<CsvOptions>,
    /// Hive layout keys (ENG-IO-8): the spec's keys unless `force_single`;
    /// empty for no Hive layout.
    pub hive_keys: Vec<String>,
    /// The column indices of [`SavePlan::hive_keys`] in the schema.
    pub hive_key_indices: Vec<usize>,
    /// `SaveMode::Append` onto an existing single file: the engine rewrites
    /// the file with the old rows followed by the new ones, atomically, after
    /// checking with [`check_append_schema`] (ENG-IO-5).
    pub append_to_file: bool,
}

/// Plans a save: format and options resolved and checked, the Hive layout
/// checked against `schema`, csv column types checked.
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for an unknown format, gzip, nested columns in csv,
/// or partition keys with csv/json; `ERR-ARG` for bad format options;
/// `ERR-NOT-FOUND` for a partition key that is not a column; `ERR-SCHEMA`
/// when every column is a partition key.
pub fn plan_save(schema: &Schema, path: &str, options: &SaveOptions) -> Result<SavePlan> {
    let (format, compression) = resolve_format(path, options.format_hint.as_deref())?;
    if compression == Compression::Gzip {
        return Err(gzip_not_supported(path));
    }
    let csv = match format {
        FileFormat::Parquet => {
            ParquetOptions::from_options(&options.format_options)?;
            None
        }
        FileFormat::Csv => Some(CsvOptions::from_options(&options.format_options)?),
        FileFormat::Json => {
            JsonOptions::from_options(&options.format_options)?;
            None
        }
    };
    if csv.is_some()
        && let Some(f) = schema.fields().iter().find(|f| f.data_type().is_nested())
    {
        return Err(Error::not_supported(format!(
            "saving column `{}` of type `{}` as csv: csv holds no nested values; \
             save as parquet or json",
            f.name(),
            crate::schema::data_type_to_expr(f.data_type())
        )));
    }
    let keys = options.partition_spec.partition_by();
    let (hive_keys, hive_key_indices) = if !keys.is_empty() && !options.force_single {
        if format != FileFormat::Parquet {
            return Err(Error::not_supported(format!(
                "saving {format} partitioned by `{}`: the hive layout is written for parquet \
                 only; save as parquet or set force_single",
                keys.join(",")
            )));
        }
        let indices = keys.iter().map(|k| schema.index_of(k)).collect::<Result<Vec<_>>>()?;
        if (0..schema.len()).all(|i| indices.contains(&i)) {
            return Err(Error::schema(format!(
                "every column of `{schema}` is a partition key, so the files would have no column"
            )));
        }
        (keys.to_vec(), indices)
    } else {
        (Vec::new(), Vec::new())
    };
    let append_to_file = options.mode == SaveMode::Append && Path::new(path).is_file();
    Ok(SavePlan { format, csv, hive_keys, hive_key_indices, append_to_file })
}

/// The options that read back the file an append rewrites (same format
/// hint and format options, all columns).
pub fn append_load_options(options: &SaveOptions) -> LoadOptions {
    LoadOptions {
        format_hint: options.format_hint.clone(),
        columns: super::LoadColumns::All,
        format_options: options.format_options.clone(),
    }
}

/// `ERR-SCHEMA` when two loaded files have different schemas (ENG-IO-3:
/// all files of one load must agree): `file` has `schema`, the load's
/// first file `first_file` has `first`.
///
/// # Errors
/// Never: returns the error to raise.
pub fn files_disagree(
    file: &DataFile,
    schema: &Schema,
    first_file: &DataFile,
    first: &Schema,
) -> crate::Error {
    crate::Error::schema(format!(
        "file `{}` has schema `{schema}`, but `{}` has `{first}`; \
         all loaded files must have the same schema",
        file.path.display(),
        first_file.path.display()
    ))
}

/// `ERR-SCHEMA` unless rows of `new` can be appended to a file of `old`
/// (equal schemas, ENG-IO-5).
///
/// # Errors
/// As above, naming both schemas and the path.
pub fn check_append_schema(old: &Schema, new: &Schema, path: &str) -> Result<()> {
    if old == new {
        return Ok(());
    }
    Err(Error::schema(format!("cannot append `{new}` to `{path}` whose schema is `{old}`")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PartitionSpec;
    use crate::error::ErrorKind;

    fn schema(s: &str) -> Schema {
        s.parse().expect("schema")
    }

    fn kind<T: std::fmt::Debug>(r: Result<T>) -> Option<ErrorKind> {
        r.err().map(|e| e.kind())
    }

    #[test]
    fn eng_io_2_8_save_plans_check_format_hive_and_csv_types() {
        let opts = SaveOptions::default();
        let plan = plan_save(&schema("a:int,b:str"), "/tmp/x.csv", &opts).expect("plan");
        assert_eq!(plan.format, FileFormat::Csv);
        assert!(plan.csv.is_some() && plan.hive_keys.is_empty() && !plan.append_to_file);
        assert_eq!(
            kind(plan_save(&schema("a:[int]"), "/tmp/x.csv", &opts)),
            Some(ErrorKind::NotSupported),
            "csv holds no nested values"
        );
        assert_eq!(
            kind(plan_save(&schema("a:int"), "/tmp/x.csv.gz", &opts)),
            Some(ErrorKind::NotSupported)
        );
        let hive = SaveOptions {
            partition_spec: PartitionSpec::by(["a"]).expect("spec"),
            ..SaveOptions::default()
        };
        let plan = plan_save(&schema("a:int,b:str"), "/tmp/x.parquet", &hive).expect("plan");
        assert_eq!((plan.hive_keys, plan.hive_key_indices), (vec!["a".to_string()], vec![0]));
        assert_eq!(
            kind(plan_save(&schema("a:int"), "/tmp/x.parquet", &hive)),
            Some(ErrorKind::Schema)
        );
        assert_eq!(
            kind(plan_save(&schema("b:int"), "/tmp/x.parquet", &hive)),
            Some(ErrorKind::NotFound)
        );
        assert_eq!(
            kind(plan_save(&schema("a:int,b:str"), "/tmp/x.json", &hive)),
            Some(ErrorKind::NotSupported),
            "hive layout is parquet only"
        );
        let single = SaveOptions { force_single: true, ..hive };
        let plan = plan_save(&schema("a:int,b:str"), "/tmp/x.json", &single).expect("plan");
        assert!(plan.hive_keys.is_empty(), "force_single wins over keys (ENG-IO-6)");
    }

    #[test]
    fn eng_io_5_append_schema_must_match() {
        assert!(check_append_schema(&schema("a:int"), &schema("a:int"), "p").is_ok());
        assert_eq!(
            kind(check_append_schema(&schema("a:int"), &schema("a:long"), "p")),
            Some(ErrorKind::Schema)
        );
    }

    #[test]
    fn eng_io_2_load_plan_refuses_unknown_hints() {
        let opts = LoadOptions { format_hint: Some("xlsx".into()), ..LoadOptions::default() };
        assert_eq!(kind(plan_load(&["/tmp"], &opts)), Some(ErrorKind::NotSupported));
    }
}
