//! `load_df` / `save_df` over local Arrow data: Parquet, CSV and JSON on the
//! arrow-rs readers and writers (`spec/ENGINE.md` §15: ENG-IO-1..10,
//! ENG-PQ-1/2, ENG-CSV-1..8, ENG-JSON-1..3).
//!
//! The engine-neutral decisions (which files a load reads, save modes and
//! crash-safe targets, Hive folder names, option parsing) come from
//! [`crate::io`]; this module only reads and writes bytes:
//!
//! * [`load`]: [`crate::io::list_load_files`] → one arrow-rs reader per file (in
//!   parallel, results kept in file order) → Hive partition columns added
//!   back → the `columns` selection (ENG-IO-4) → one [`LocalDataFrame`];
//! * [`save`]: [`crate::io::SaveTarget::prepare`] → one file, a
//!   folder of part files (ENG-IO-7) or a Hive layout (ENG-IO-8) written at
//!   the target's temporary path → [`crate::io::SaveTarget::commit`].
//!
//! gzip-compressed text files (`.csv.gz`, `.json.gz`) are not supported yet
//! (`ERR-NOT-SUPPORTED`, allowed by ENG-IO-2).

mod read;
mod write;

use std::sync::Arc;

use crate::engine::LoadOptions;
use crate::io::{CsvOptions, DataFile, FileFormat, JsonOptions, LoadColumns, ParquetOptions};
use crate::value::cast_array;
use crate::{Error, LocalDataFrame, Result, Schema};
use arrow::array::{ArrayRef, RecordBatch};
use arrow::datatypes::SchemaRef;

pub use write::save;

/// Saves the partitions of a frame whose schema is `schema` at `path`
/// (ENG-IO-5..9): the default `save_df` of every engine, and the one engines
/// with local partitions call.
///
/// - `SaveMode::Append` onto an existing single file rewrites it with the
///   old rows followed by the new ones, atomically (the write goes to a
///   temporary sibling first, ENG-IO-5); the schemas must be equal.
/// - No partition (a frame without rows) still writes the schema (ENG-PQ-1).
/// - Everything else is [`save`].
///
/// # Errors
/// `ERR-SCHEMA` when appended rows have another schema than the file;
/// those of [`load`] (reading the file appended to) and [`save`].
pub fn save_df(
    partitions: &[LocalDataFrame],
    schema: &Schema,
    path: &str,
    options: &crate::engine::SaveOptions,
) -> Result<()> {
    use crate::DataFrame as _;
    use crate::io::SaveMode;
    if options.mode == SaveMode::Append && std::path::Path::new(path).is_file() {
        let old = load(&[path], &crate::io::append_load_options(options))?;
        crate::io::check_append_schema(old.schema(), schema, path)?;
        let batches = old
            .batches()
            .iter()
            .chain(partitions.iter().flat_map(|p| p.batches()))
            .cloned()
            .collect();
        let combined = [LocalDataFrame::new(schema.clone(), batches)?];
        let rewrite = crate::engine::SaveOptions {
            mode: SaveMode::Overwrite,
            force_single: true,
            ..options.clone()
        };
        return save(&combined, path, &rewrite);
    }
    if partitions.is_empty() {
        // keep the schema in the written data (ENG-PQ-1) even with no rows
        return save(&[LocalDataFrame::empty(schema.clone())?], path, options);
    }
    save(partitions, path, options)
}

/// Loads the files at `paths` as one local frame (ENG-IO-1..4, ENG-PQ-1/2,
/// ENG-CSV-1..8, ENG-JSON-2/3).
///
/// `paths` are files, folders, globs or a mix, resolved with
/// [`crate::io::list_load_files`] and concatenated in that order; their schemas must
/// agree. `options.columns` selects (names) or selects and converts
/// (schema, DF-CAST) the columns.
///
/// # Errors
/// Those of [`crate::io::list_load_files`]; `ERR-NOT-SUPPORTED` for an unknown format
/// hint or a gzip file; `ERR-ARG` for bad format options or csv column
/// arguments ([`crate::io::check_csv_load_args`]); `ERR-NOT-FOUND` for
/// a requested column that no file has; `ERR-SCHEMA` when files disagree
/// (naming the file); `ERR-CAST` when a schema conversion fails; reader
/// errors as `ERR-EXECUTION` naming the file.
pub fn load(paths: &[&str], options: &LoadOptions) -> Result<LocalDataFrame> {
    let files = crate::io::plan_load(paths, options)?;
    let requested = options.columns.names();
    // every format present reads its own files (csv and json infer one schema
    // over all of their files); results go back into file order
    let mut results: Vec<Option<FileBatches>> = vec![None; files.len()];
    for format in FileFormat::ALL {
        let (indices, group): (Vec<usize>, Vec<&DataFile>) =
            files.iter().enumerate().filter(|(_, f)| f.format == format).unzip();
        if group.is_empty() {
            continue;
        }
        let read = match format {
            FileFormat::Parquet => {
                ParquetOptions::from_options(&options.format_options)?;
                read::read_parquet(&group, requested.as_deref())?
            }
            FileFormat::Json => {
                JsonOptions::from_options(&options.format_options)?;
                read::read_json(&group, requested.as_deref())?
            }
            FileFormat::Csv => {
                let csv = CsvOptions::from_options(&options.format_options)?;
                read::read_csv(&group, &csv, &options.columns)?
            }
        };
        for (i, r) in indices.into_iter().zip(read) {
            results[i] = Some(r);
        }
    }
    let mut schema: Option<(Schema, &DataFile)> = None;
    let mut batches = Vec::new();
    for (file, result) in files.iter().zip(results) {
        let result = result
            .ok_or_else(|| Error::internal(format!("`{}` was not read", file.path.display())))?;
        let file_schema = Schema::from_arrow(&result.schema)?;
        match &schema {
            None => schema = Some((file_schema, file)),
            Some((first, first_file)) if *first != file_schema => {
                return Err(crate::io::files_disagree(file, &file_schema, first_file, first));
            }
            Some(_) => {}
        }
        batches.extend(result.batches);
    }
    let (schema, _) = schema.ok_or_else(|| Error::internal("no file was loaded"))?;
    let df = LocalDataFrame::new(schema, batches)?;
    match &options.columns {
        LoadColumns::Schema(target) => convert(df, target),
        _ => Ok(df),
    }
}

/// What one file gave: its output schema (after partition columns and the
/// selection) and its batches (possibly none).
#[derive(Debug, Clone)]
struct FileBatches {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

/// An arrow-rs reader or writer error on `path`, as `ERR-EXECUTION`.
fn file_error(
    operation: &str,
    path: &std::path::Path,
    e: impl Into<crate::error::BoxError>,
) -> Error {
    Error::backend("native", format!("{operation} {}", path.display()), e)
}

/// `df` with its columns converted to `target`'s types (same names, same
/// order), DF-CAST rules (ENG-IO-4).
fn convert(df: LocalDataFrame, target: &Schema) -> Result<LocalDataFrame> {
    use crate::dataframe::DataFrame;
    if df.schema() == target && df.schema().types() == target.types() {
        return Ok(df);
    }
    let batches = df
        .batches()
        .iter()
        .map(|batch| {
            let columns = batch
                .columns()
                .iter()
                .zip(target.fields())
                .map(|(c, f)| cast_array(c, f.data_type()))
                .collect::<Result<Vec<ArrayRef>>>()?;
            Ok(RecordBatch::try_new(Arc::clone(target.arrow()), columns)?)
        })
        .collect::<Result<Vec<_>>>()?;
    LocalDataFrame::new(target.clone(), batches)
}

#[cfg(test)]
mod tests;
