//! `load_df` of the Polars engine (ENG-IO-1..4, ENG-PQ-1/2, ENG-CSV-1..8,
//! ENG-JSON-2/3). Saving is the core's IO kernel
//! (`fugue_core::spi::kernels::save_df`, arrow-rs writers), shared with every
//! engine.
//!
//! The engine-neutral decisions (which files a load reads, format
//! inference, save modes and crash-safe targets, Hive folder names, option
//! parsing) come from [`fugue_core::io`], so every engine behaves the same.
//! Bytes are read by:
//!
//! | format | read |
//! |---|---|
//! | csv | Polars' csv reader, with the column types fixed up front (see below) and the requested columns pushed into the reader |
//! | json (lines) | Polars' ndjson reader with the schema fixed up front, requested columns projected |
//! | parquet | arrow-rs' reader, lazily: the footer at load, then only the column chunks a plan reads, handed to Polars through the zero-copy bridge (see [`crate::scan`]) |
//!
//! Types are decided before Polars reads, with the same inference as the
//! native engine (arrow-rs' csv / json schema inference), so a file loads
//! with the same schema on every engine: csv columns are `str` without
//! inference and `long` / `double` / `str` with it (ENG-CSV-5), json
//! integers are `long` (ENG-JSON-2).
//!
//! Parquet goes through arrow-rs because Polars' parquet support
//! (`polars-io/parquet`) unconditionally compiles the zstd and lz4 C
//! libraries, and its lazy scans need the new-streaming engine, which pulls
//! the cloud stack (object_store, reqwest, rustls/ring); the workspace
//! builds without any C code. gzip-compressed text is `ERR-NOT-SUPPORTED`
//! (allowed by ENG-IO-2), as on the native engine.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::{FieldRef, Schema as ArrowSchema, SchemaRef};
use fugue_core::engine::LoadOptions;
use fugue_core::io::{CsvOptions, FileFormat, JsonOptions, LoadColumns, ParquetOptions};
use fugue_core::spi::io::{
    DataFile, ParquetFile, ParquetScan, csv_load_schema, files_disagree, json_load_schema,
    plan_load,
};
use fugue_core::{DataFrame, Error, LocalDataFrame, Result, Schema};
use polars::prelude::{DataFrame as PlDataFrame, PlSmallStr};

use crate::exact_col as col;
use polars_io::SerReader;
use polars_io::csv::read::CsvReadOptions;
use polars_io::json::{JsonFormat, JsonReader};
use rayon::prelude::*;

use crate::bridge::{polars_type, to_polars_df};
use crate::error::from_polars;
use crate::expr::fugue_cast;
use crate::frame::PolarsDataFrame;
use crate::scan::ParquetData;

fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| Error::io(path.display(), e))
}

/// A reader or writer error on `path`, as `ERR-EXECUTION`.
fn file_error(op: &str, path: &Path, e: impl Into<fugue_core::error::BoxError>) -> Error {
    Error::backend("polars", format!("{op} {}", path.display()), e)
}

/// One file's data: its Fugue schema and rows as a Polars frame.
struct Loaded {
    schema: Schema,
    data: LoadedData,
}

/// Rows as a reader gives them: a Parquet file not decoded yet (its footer
/// read), Arrow batches (an empty csv file) or a Polars frame (Polars' csv
/// / ndjson readers).
enum LoadedData {
    Parquet(ParquetFile, Option<Vec<String>>),
    Arrow(LocalDataFrame),
    Polars(PlDataFrame),
}

impl LoadedData {
    /// The rows as Arrow batches (a Parquet file decoded now); `None` for
    /// a Polars frame.
    fn into_batches(self) -> Result<Option<Vec<RecordBatch>>> {
        match self {
            LoadedData::Parquet(file, requested) => Ok(Some(file.read(requested.as_deref())?)),
            LoadedData::Arrow(local) => Ok(Some(local.into_batches())),
            LoadedData::Polars(_) => Ok(None),
        }
    }

    fn into_polars(self, schema: &Schema) -> Result<PlDataFrame> {
        match self {
            LoadedData::Polars(df) => Ok(df),
            other => {
                let batches = other.into_batches()?.unwrap_or_default();
                to_polars_df(&LocalDataFrame::new(schema.clone(), batches)?)
            }
        }
    }
}

/// The Polars schema for an Arrow schema (each type as Polars imports it).
fn polars_schema(schema: &ArrowSchema) -> Result<polars::prelude::Schema> {
    schema
        .fields()
        .iter()
        .map(|f| Ok((PlSmallStr::from_str(f.name()), polars_type(f.data_type())?)))
        .collect()
}

/// Loads the files at `paths` as one frame (ENG-IO-1..4, ENG-PQ-1/2,
/// ENG-CSV-1..8, ENG-JSON-2/3), the same rules as every engine: files
/// listed by [`list_load_files`], concatenated in that order, schemas must
/// agree; `options.columns` selects (names) or selects and converts
/// (schema, DF-CAST, inside the plan).
///
/// # Errors
/// Those of [`list_load_files`]; `ERR-NOT-SUPPORTED` for an unknown hint or
/// gzip; `ERR-ARG` for bad options ([`fugue_core::spi::io::check_csv_load_args`]);
/// `ERR-NOT-FOUND` for a missing column; `ERR-SCHEMA` when files disagree;
/// reader errors as `ERR-EXECUTION` naming the file.
pub(crate) fn load(paths: &[&str], options: &LoadOptions) -> Result<PolarsDataFrame> {
    let files = plan_load(paths, options)?;
    let requested = options.columns.names();
    let mut results: Vec<Option<Loaded>> = (0..files.len()).map(|_| None).collect();
    for format in FileFormat::ALL {
        let (indices, group): (Vec<usize>, Vec<&DataFile>) =
            files.iter().enumerate().filter(|(_, f)| f.format == format).unzip();
        if group.is_empty() {
            continue;
        }
        let read = match format {
            FileFormat::Parquet => {
                ParquetOptions::from_options(&options.format_options)?;
                // arrow-rs decodes a file on one thread: files in parallel
                // on Polars' pool, results in file order
                polars_core::runtime::THREAD_POOL.install(|| {
                    group
                        .par_iter()
                        .map(|f| read_parquet(f, requested.as_deref()))
                        .collect::<Result<Vec<_>>>()
                })?
            }
            FileFormat::Json => {
                JsonOptions::from_options(&options.format_options)?;
                read_json(&group, requested.as_deref())?
            }
            FileFormat::Csv => {
                let csv = CsvOptions::from_options(&options.format_options)?;
                read_csv(&group, &csv, &options.columns)?
            }
        };
        for (i, r) in indices.into_iter().zip(read) {
            results[i] = Some(r);
        }
    }
    let mut loaded: Vec<(Schema, LoadedData, &DataFile)> = Vec::with_capacity(files.len());
    for (file, result) in files.iter().zip(results) {
        let r = result
            .ok_or_else(|| Error::internal(format!("`{}` was not read", file.path.display())))?;
        if let Some((first, _, first_file)) = loaded.first()
            && *first != r.schema
        {
            return Err(files_disagree(file, &r.schema, first_file, first));
        }
        loaded.push((r.schema, r.data, file));
    }
    let schema = loaded
        .first()
        .map(|(s, _, _)| s.clone())
        .ok_or_else(|| Error::internal("no file was loaded"))?;
    let df = if loaded.iter().all(|(_, d, _)| matches!(d, LoadedData::Parquet(..))) {
        // Parquet stays undecoded: the plans that read the frame decode the
        // columns they use (the Parquet scan); count reads the footers;
        // saving or collecting decodes to Arrow and never crosses the bridge
        let mut files = Vec::with_capacity(loaded.len());
        for (_, d, _) in loaded {
            if let LoadedData::Parquet(file, _) = d {
                files.push(file);
            }
        }
        PolarsDataFrame::from_parquet(ParquetData::new(ParquetScan::from_files(files, schema)))?
    } else if loaded.iter().all(|(_, d, _)| !matches!(d, LoadedData::Polars(_))) {
        // Arrow batches stay Arrow: Polars reads the columns a plan uses
        // through the Arrow scan; saving or counting never crosses the bridge
        let mut batches: Vec<RecordBatch> = Vec::new();
        for (_, d, _) in loaded {
            batches.extend(d.into_batches()?.unwrap_or_default());
        }
        PolarsDataFrame::from_local(&LocalDataFrame::new(schema, batches)?)?
    } else {
        let mut data: Option<PlDataFrame> = None;
        for (_, d, _) in loaded {
            let d = d.into_polars(&schema)?;
            match &mut data {
                None => data = Some(d),
                Some(acc) => {
                    acc.vstack_mut_owned(d).map_err(|e| from_polars(e, "load_df"))?;
                }
            }
        }
        let data = data.ok_or_else(|| Error::internal("no file was loaded"))?;
        PolarsDataFrame::from_polars(data, schema)?
    };
    match &options.columns {
        LoadColumns::Schema(target) => convert(&df, target),
        _ => Ok(df),
    }
}

/// `df` with its columns converted to `target`'s types (same names and
/// order), DF-CAST rules, inside the plan (ENG-IO-4).
fn convert(df: &PolarsDataFrame, target: &Schema) -> Result<PolarsDataFrame> {
    if df.schema() == target && df.schema().types() == target.types() {
        return Ok(df.clone());
    }
    let exprs = df
        .schema()
        .fields()
        .iter()
        .zip(target.fields())
        .map(|(from, to)| {
            let c = col(PlSmallStr::from_str(from.name()));
            Ok(fugue_cast(c, from.data_type(), to.data_type())?
                .alias(PlSmallStr::from_str(to.name())))
        })
        .collect::<Result<Vec<_>>>()?;
    df.derive(df.native().select(exprs), target.clone())
}

// ---------------------------------------------------------------- parquet

/// One parquet file opened with the core's arrow-rs reader
/// ([`ParquetFile`]: its footer read, nothing decoded; later reads decode
/// only the requested column chunks, add Hive partition values as `str`
/// columns, ENG-PQ-2, then select `requested`, ENG-IO-4).
fn read_parquet(file: &DataFile, requested: Option<&[String]>) -> Result<Loaded> {
    let parquet = ParquetFile::open(file)?;
    let schema = Schema::from_arrow(parquet.schema(requested)?.as_ref())?;
    let data = LoadedData::Parquet(parquet, requested.map(<[String]>::to_vec));
    Ok(Loaded { schema, data })
}

// -------------------------------------------------------------------- csv

/// Reads csv `files` (ENG-CSV-1, ENG-CSV-3..8) with Polars: one schema for
/// all of them (names from the header, or positional from `columns`;
/// every column `str` without inference, else the types inferred over all
/// files), empty fields → null; with a header a `columns` list selects
/// and reorders inside the reader.
fn read_csv(files: &[&DataFile], opts: &CsvOptions, columns: &LoadColumns) -> Result<Vec<Loaded>> {
    // one schema for every file (the core's rules)
    let load = csv_load_schema(files, opts, columns)?;
    let full = load.schema;
    let selected = match (opts.header, columns.names()) {
        (true, Some(wanted)) => {
            for n in &wanted {
                if full.index_of(n).is_err() {
                    let names: Vec<&String> = full.fields().iter().map(|f| f.name()).collect();
                    return Err(Error::not_found("column", n.as_str(), names));
                }
            }
            Some(wanted)
        }
        _ => None,
    };
    let out_arrow = match &selected {
        Some(wanted) => {
            let idx = wanted
                .iter()
                .map(|n| full.index_of(n).map_err(|e| Error::schema(e.to_string())))
                .collect::<Result<Vec<_>>>()?;
            full.project(&idx)?
        }
        None => full.clone(),
    };
    let schema = Schema::from_arrow(&out_arrow)?;
    let pl_schema = Arc::new(polars_schema(&full)?);
    files
        .iter()
        .zip(&load.empty)
        .map(|(file, empty)| {
            if *empty {
                // an empty file gives no rows
                let empty = LocalDataFrame::empty(schema.clone())?;
                return Ok(Loaded { schema: schema.clone(), data: LoadedData::Arrow(empty) });
            }
            let (delimiter, quote) = (opts.delimiter, opts.quote);
            let mut read = CsvReadOptions::default()
                .with_has_header(opts.header)
                .with_schema(Some(Arc::clone(&pl_schema)))
                .with_raise_if_empty(false)
                .map_parse_options(|p| p.with_separator(delimiter).with_quote_char(Some(quote)));
            if let Some(wanted) = &selected {
                read = read.with_columns(Some(
                    wanted.iter().map(|n| PlSmallStr::from_str(n)).collect::<Vec<_>>().into(),
                ));
            }
            let data = read
                .try_into_reader_with_file_path(Some(file.path.clone()))
                .and_then(|r| r.finish())
                .map_err(|e| file_error("reading csv", &file.path, from_polars(e, "read csv")))?;
            let data = match &selected {
                Some(wanted) => data
                    .select(wanted.iter().map(|n| PlSmallStr::from_str(n)))
                    .map_err(|e| from_polars(e, "read csv"))?,
                None => data,
            };
            Ok(Loaded { schema: schema.clone(), data: LoadedData::Polars(data) })
        })
        .collect()
}

// ------------------------------------------------------------------- json

/// Reads line-delimited json `files` (ENG-JSON-2, ENG-JSON-3) with Polars'
/// ndjson reader. The schema is inferred over all files together first
/// (integers → long, floats → double, strings → str, booleans → bool,
/// arrays → lists, objects → structs, always-null → str), the same
/// inference as the native engine; `requested` selects and reorders.
fn read_json(files: &[&DataFile], requested: Option<&[String]>) -> Result<Vec<Loaded>> {
    // one schema for every file (the core's inference)
    let fields: Vec<FieldRef> = json_load_schema(files)?.fields().iter().cloned().collect();
    let full = ArrowSchema::new(fields.clone());
    let out: Vec<FieldRef> = match requested {
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
    let out_arrow: SchemaRef = Arc::new(ArrowSchema::new(out));
    let schema = Schema::from_arrow(&out_arrow)?;
    let pl_schema = Arc::new(polars_schema(&full)?);
    files
        .iter()
        .map(|file| {
            let read_error =
                |e| file_error("reading json", &file.path, from_polars(e, "read json"));
            let data = JsonReader::new(open(&file.path)?)
                .with_json_format(JsonFormat::JsonLines)
                .with_schema(Arc::clone(&pl_schema))
                .finish()
                .map_err(read_error)?;
            let data = data
                .select(schema.names().iter().map(|n| PlSmallStr::from_str(n)))
                .map_err(read_error)?;
            Ok(Loaded { schema: schema.clone(), data: LoadedData::Polars(data) })
        })
        .collect()
}
