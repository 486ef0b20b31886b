//! The schema of a csv load (ENG-CSV-1, ENG-CSV-3..8), decided once for
//! every engine: each engine then reads the files with its own reader and
//! this schema.

use std::fs::File;
use std::io::BufReader;

use arrow::datatypes::{DataType, Field, Schema as ArrowSchema};

use super::{CsvOptions, DataFile, LoadColumns, check_csv_load_args};
use crate::{Error, Result};

/// A csv column type from inference (ENG-CSV-5): integers → long,
/// decimals → double, anything else → str; `Unknown` when every field seen
/// was empty (str unless another file knows better).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CsvType {
    Unknown,
    Long,
    Double,
    Str,
}

impl CsvType {
    fn from_inferred(t: &DataType) -> CsvType {
        match t {
            DataType::Null => CsvType::Unknown,
            DataType::Int64 => CsvType::Long,
            DataType::Float64 => CsvType::Double,
            _ => CsvType::Str,
        }
    }

    /// The common type of a column typed `self` in some files and `other`
    /// in others.
    fn merge(self, other: CsvType) -> CsvType {
        use CsvType::*;
        match (self, other) {
            (Unknown, t) | (t, Unknown) => t,
            (a, b) if a == b => a,
            (Long, Double) | (Double, Long) => Double,
            _ => Str,
        }
    }

    fn data_type(self) -> DataType {
        match self {
            CsvType::Long => DataType::Int64,
            CsvType::Double => DataType::Float64,
            CsvType::Unknown | CsvType::Str => DataType::Utf8,
        }
    }
}

/// The schema every file of a csv load is read with, and which files are
/// empty.
#[derive(Debug, Clone)]
pub struct CsvLoadSchema {
    /// The full file schema: names from the header, or positionally from
    /// `columns` without one; every column `str` unless `infer_schema`,
    /// then the types inferred over all files, merged (`long` with
    /// `double` is `double`, anything else mixed is `str`).
    pub schema: ArrowSchema,
    /// Per file, in order: true when the file has no line at all (no
    /// header, no width): it gives no rows.
    pub empty: Vec<bool>,
}

/// Decides the schema of a csv load of `files` (ENG-CSV-1, ENG-CSV-3..8)
/// by reading each file's header (and, with `infer_schema`, all its
/// records) with arrow-csv.
///
/// # Errors
/// `ERR-ARG` per [`check_csv_load_args`]; `ERR-SCHEMA` when headers differ
/// between files or a headerless file's width differs from `columns`;
/// `ERR-IO` when a file cannot be opened; reader errors as `ERR-EXECUTION`
/// naming the file.
pub fn csv_load_schema(
    files: &[&DataFile],
    opts: &CsvOptions,
    columns: &LoadColumns,
) -> Result<CsvLoadSchema> {
    check_csv_load_args(opts, columns)?;
    let format = arrow::csv::reader::Format::default()
        .with_header(opts.header)
        .with_delimiter(opts.delimiter)
        .with_quote(opts.quote);
    // without inference only the header (or the first line's width) is read
    let max_records = if opts.infer_schema { None } else { Some(0) };
    let mut scans = Vec::with_capacity(files.len());
    for file in files {
        let handle = File::open(&file.path).map_err(|e| Error::io(file.path.display(), e))?;
        let (schema, _) =
            format.infer_schema(BufReader::new(handle), max_records).map_err(|e| {
                Error::backend("arrow-csv", format!("reading csv {}", file.path.display()), e)
            })?;
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let types: Vec<CsvType> =
            schema.fields().iter().map(|f| CsvType::from_inferred(f.data_type())).collect();
        scans.push((names, types));
    }
    let names = if opts.header {
        let (Some(first_file), Some((first, _))) = (files.first(), scans.first()) else {
            return Err(Error::internal("no csv file to read"));
        };
        for (file, (names, _)) in files.iter().zip(&scans).skip(1) {
            if names != first {
                return Err(Error::schema(format!(
                    "csv file `{}` has header `{}`, but `{}` has `{}`; \
                     all loaded files must have the same columns",
                    file.path.display(),
                    names.join(","),
                    first_file.path.display(),
                    first.join(",")
                )));
            }
        }
        first.clone()
    } else {
        let names =
            columns.names().ok_or_else(|| Error::internal("headerless csv load without names"))?;
        for (file, (scan, _)) in files.iter().zip(&scans) {
            // an empty file has no width and simply gives no rows
            if !scan.is_empty() && scan.len() != names.len() {
                return Err(Error::schema(format!(
                    "csv file `{}` has {} columns, but `columns` names {} ({})",
                    file.path.display(),
                    scan.len(),
                    names.len(),
                    names.join(",")
                )));
            }
        }
        names
    };
    let mut types = vec![CsvType::Unknown; names.len()];
    for (_, scan) in &scans {
        for (t, u) in types.iter_mut().zip(scan) {
            *t = t.merge(*u);
        }
    }
    let fields: Vec<Field> =
        names.iter().zip(types).map(|(n, t)| Field::new(n, t.data_type(), true)).collect();
    Ok(CsvLoadSchema {
        schema: ArrowSchema::new(fields),
        empty: scans.iter().map(|(names, _)| names.is_empty()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> DataFile {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        DataFile {
            path,
            format: super::super::FileFormat::Csv,
            compression: super::super::Compression::None,
            partition_values: vec![],
        }
    }

    #[test]
    fn eng_csv_5_types_merge_over_files_and_empty_files_are_flagged() {
        let dir = tempfile::tempdir().expect("dir");
        let a = file(&dir, "a.csv", "x,y,z\n1,2,a\n,3,b\n");
        let b = file(&dir, "b.csv", "x,y,z\n2,2.5,1\n");
        let opts = CsvOptions { header: true, infer_schema: true, ..CsvOptions::default() };
        let got = csv_load_schema(&[&a, &b], &opts, &LoadColumns::All).expect("schema");
        let types: Vec<&DataType> = got.schema.fields().iter().map(|f| f.data_type()).collect();
        assert_eq!(types, [&DataType::Int64, &DataType::Float64, &DataType::Utf8]);
        assert_eq!(got.empty, [false, false]);
        let c = file(&dir, "c.csv", "x,q,z\n1,2,3\n");
        let err = csv_load_schema(&[&a, &c], &opts, &LoadColumns::All).expect_err("headers");
        assert!(err.is_schema(), "{err}");
        let no_header = CsvOptions { header: false, ..opts };
        let empty = file(&dir, "e.csv", "");
        let names = LoadColumns::Names(vec!["p".into(), "q".into(), "r".into()]);
        let got = csv_load_schema(&[&empty, &b], &no_header, &names).expect("headerless");
        assert_eq!(got.empty, [true, false]);
        assert_eq!(got.schema.field(0).name(), "p");
    }
}
