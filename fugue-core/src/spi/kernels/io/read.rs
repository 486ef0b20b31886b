//! The per-format readers of [`super::load`]: parquet (projection pushdown,
//! Hive partition columns), csv (header / positional names, optional type
//! inference) and line-delimited json (inferred types).

use std::fs::File;
use std::io::BufReader;
use std::sync::Arc;

use crate::io::{CsvOptions, DataFile, LoadColumns, csv_load_schema, json_load_schema};
use crate::{Error, Result};
use arrow::datatypes::{FieldRef, Schema as ArrowSchema, SchemaRef};
use arrow::error::ArrowError;
use rayon::prelude::*;

use super::{FileBatches, file_error};

fn open(file: &DataFile) -> Result<File> {
    File::open(&file.path).map_err(|e| Error::io(file.path.display(), e))
}

// ---------------------------------------------------------------- parquet

/// Reads parquet `files` (in parallel, results in file order), each with
/// its exact stored schema (ENG-PQ-1) plus its Hive partition values as
/// `str` columns (ENG-PQ-2), then `requested` (ENG-IO-4). Only the
/// requested stored columns are decoded (projection pushdown).
pub(super) fn read_parquet(
    files: &[&DataFile],
    requested: Option<&[String]>,
) -> Result<Vec<FileBatches>> {
    files.par_iter().map(|f| read_parquet_file(f, requested)).collect()
}

fn read_parquet_file(file: &DataFile, requested: Option<&[String]>) -> Result<FileBatches> {
    let (schema, batches) = crate::io::parquet_file::read_parquet_file(file, requested)?;
    Ok(FileBatches { schema, batches })
}

// -------------------------------------------------------------------- csv

fn csv_format(opts: &CsvOptions) -> arrow::csv::reader::Format {
    arrow::csv::reader::Format::default()
        .with_header(opts.header)
        .with_delimiter(opts.delimiter)
        .with_quote(opts.quote)
}

/// Reads csv `files` (ENG-CSV-1, ENG-CSV-3..8): one Arrow schema for all of
/// them (names from the header, or positional from `columns` when
/// headerless; every column `str` without inference, else the types
/// inferred over all files merged), empty fields → null; with a header a
/// `columns` list selects and reorders (projection inside the reader).
///
/// # Errors
/// `ERR-ARG` per [`crate::io::check_csv_load_args`]; `ERR-SCHEMA` when headers differ
/// between files or a headerless file's width differs from `columns`;
/// `ERR-NOT-FOUND` for a requested name not in the header.
pub(super) fn read_csv(
    files: &[&DataFile],
    opts: &CsvOptions,
    columns: &LoadColumns,
) -> Result<Vec<FileBatches>> {
    // one schema for every file (the core's rules)
    let schema = Arc::new(csv_load_schema(files, opts, columns)?.schema);
    let projection = match (opts.header, columns.names()) {
        (true, Some(wanted)) => Some(
            wanted
                .iter()
                .map(|n| {
                    schema.index_of(n).map_err(|_| {
                        let names: Vec<&String> =
                            schema.fields().iter().map(|f| f.name()).collect();
                        Error::not_found("column", n.as_str(), names)
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        _ => None,
    };
    let out_schema = match &projection {
        Some(p) => Arc::new(schema.project(p)?),
        None => Arc::clone(&schema),
    };
    files
        .par_iter()
        .map(|file| {
            let mut builder =
                arrow::csv::ReaderBuilder::new(Arc::clone(&schema)).with_format(csv_format(opts));
            if let Some(p) = &projection {
                builder = builder.with_projection(p.clone());
            }
            let read_error = |e: ArrowError| file_error("reading csv", &file.path, e);
            let reader = builder.build(open(file)?).map_err(read_error)?;
            let batches = reader.collect::<std::result::Result<Vec<_>, _>>().map_err(read_error)?;
            Ok(FileBatches { schema: Arc::clone(&out_schema), batches })
        })
        .collect()
}

// ------------------------------------------------------------------- json

/// Reads line-delimited json `files` (ENG-JSON-2, ENG-JSON-3): the types
/// are inferred over all files together (integers → long, floats → double,
/// strings → str, booleans → bool, arrays → lists, objects → structs, a
/// column that is always null → str); `requested` selects and reorders
/// (other keys are skipped by the reader).
///
/// # Errors
/// `ERR-NOT-FOUND` for a requested key no object has; reader errors (not an
/// object per line, bad json) as `ERR-EXECUTION` naming the file.
pub(super) fn read_json(
    files: &[&DataFile],
    requested: Option<&[String]>,
) -> Result<Vec<FileBatches>> {
    // one schema for every file (the core's inference)
    let fields: Vec<FieldRef> = json_load_schema(files)?.fields().iter().cloned().collect();
    let fields = match requested {
        None => fields,
        Some(names) => names
            .iter()
            .map(|n| {
                fields.iter().find(|f| f.name() == n).cloned().ok_or_else(|| {
                    Error::not_found("column", n.as_str(), fields.iter().map(|f| f.name()))
                })
            })
            .collect::<Result<Vec<_>>>()?,
    };
    let schema: SchemaRef = Arc::new(ArrowSchema::new(fields));
    files
        .par_iter()
        .map(|file| {
            let read_error = |e: ArrowError| file_error("reading json", &file.path, e);
            let reader = arrow::json::ReaderBuilder::new(Arc::clone(&schema))
                .with_coerce_primitive(true)
                .build(BufReader::new(open(file)?))
                .map_err(read_error)?;
            let batches = reader.collect::<std::result::Result<Vec<_>, _>>().map_err(read_error)?;
            Ok(FileBatches { schema: Arc::clone(&schema), batches })
        })
        .collect()
}
