//! `load_df` / `save_df` through DataFusion's readers and writers
//! (`spec/ENGINE.md` §15: ENG-IO-1..10, ENG-PQ-1/2, ENG-CSV-1..8,
//! ENG-JSON-1..3).
//!
//! The engine-neutral decisions come from [`fugue_core::io`]: which files a
//! load reads ([`list_load_files`]), save targets and modes
//! ([`SaveTarget`]), option parsing. The schema rules of csv and json follow
//! the native engine exactly, so both engines load the same types: the
//! Arrow schema is computed first (csv: header or positional names, every
//! column `str` unless `infer_schema`, then integers → long, decimals →
//! double, else str; json: types inferred over all files, an all-null
//! column → str) and given to DataFusion's reader. Every file is one
//! DataFusion scan; scans are concatenated in file order, Hive partition
//! values are added as `str` columns, and the `columns` selection is a
//! projection DataFusion pushes into the scans.
//!
//! Saves write with DataFusion's parquet and csv writers (one file, or a
//! Hive layout for parquet with partition keys); json is written with
//! arrow-json's line-delimited writer over the plan's stream, because
//! DataFusion's json writer drops null fields (ENG-JSON-1 wants `null`).
//! gzip text files are `ERR-NOT-SUPPORTED` (ENG-IO-2 allows it).

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::Schema as ArrowSchema;
use datafusion::common::ScalarValue;
use datafusion::config::CsvOptions as DfCsvOptions;
use datafusion::dataframe::{DataFrame as DfFrame, DataFrameWriteOptions};
use datafusion::execution::options::{CsvReadOptions, JsonReadOptions, ParquetReadOptions};
use datafusion::logical_expr::{Expr, lit};
use fugue_core::dataframe::DataFrame;
use fugue_core::engine::{LoadOptions, SaveOptions};
use fugue_core::io::{CsvOptions, FileFormat, JsonOptions, LoadColumns, ParquetOptions, SaveMode};
use fugue_core::spi::io::{
    DataFile, PathKind, SaveTarget, append_load_options, check_append_schema, csv_load_schema,
    files_disagree, json_load_schema, plan_load, plan_save,
};
use fugue_core::{Error, Result, Schema};
use futures::StreamExt;

use crate::engine::DataFusionExecutionEngine;
use crate::error::{DfResultExt, ENGINE};
use crate::frame::DataFusionDataFrame;
use crate::plan::{self, expr::ident};

fn file_error(operation: &str, path: &Path, e: impl Into<fugue_core::error::BoxError>) -> Error {
    Error::backend(ENGINE, format!("{operation} {}", path.display()), e)
}

fn path_str(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| Error::arg("path", format!("`{}` is not utf-8", path.display())))
}

/// A listed file as a `file://` URL, so DataFusion reads exactly that file:
/// given a plain path it would take `[`, `*` or `?` in the name as a glob
/// (`x[1].csv` silently read `x1.csv`). Globs were already expanded by
/// `list_load_files`.
fn file_url(path: &Path) -> Result<String> {
    let absolute = std::path::absolute(path).map_err(|e| Error::io(path.display(), e))?;
    url::Url::from_file_path(&absolute).map(String::from).map_err(|()| {
        Error::arg("path", format!("`{}` cannot be written as a file URL", absolute.display()))
    })
}

// --------------------------------------------------------------------- load

/// Loads `paths` (ENG-IO-1..4): see the module docs.
///
/// # Errors
/// Those of [`list_load_files`] (`ERR-NOT-FOUND` for missing paths);
/// `ERR-NOT-SUPPORTED` for an unknown hint or gzip; `ERR-ARG` for bad
/// options ([`fugue_core::spi::io::check_csv_load_args`]); `ERR-NOT-FOUND` for a requested
/// column no file has; `ERR-SCHEMA` when files disagree; `ERR-CAST` when a
/// schema conversion fails (at the latest when the frame runs).
pub(crate) fn load(
    engine: &DataFusionExecutionEngine,
    paths: &[&str],
    options: &LoadOptions,
) -> Result<DataFusionDataFrame> {
    let files = plan_load(paths, options)?;
    let requested = options.columns.names();
    let csv_schema = if files.iter().any(|f| f.format == FileFormat::Csv) {
        let csv = CsvOptions::from_options(&options.format_options)?;
        let group: Vec<&DataFile> = files.iter().filter(|f| f.format == FileFormat::Csv).collect();
        Some((csv_arrow_schema(&group, &csv, &options.columns)?, csv))
    } else {
        None
    };
    let json_schema = if files.iter().any(|f| f.format == FileFormat::Json) {
        JsonOptions::from_options(&options.format_options)?;
        let group: Vec<&DataFile> = files.iter().filter(|f| f.format == FileFormat::Json).collect();
        Some(json_arrow_schema(&group)?)
    } else {
        None
    };
    if files.iter().any(|f| f.format == FileFormat::Parquet) {
        ParquetOptions::from_options(&options.format_options)?;
    }
    let ctx = engine.session_context().clone();
    let frames = engine.shared().runtime().block_on(async {
        let mut frames = Vec::with_capacity(files.len());
        for file in &files {
            path_str(&file.path)?;
            let url = file_url(&file.path)?;
            let p = url.as_str();
            let df = match file.format {
                FileFormat::Parquet => ctx
                    .read_parquet(p, ParquetReadOptions::new().file_extension(""))
                    .await
                    .map_err(|e| file_error("reading parquet", &file.path, e))?,
                FileFormat::Csv => {
                    let Some((schema, csv)) = &csv_schema else {
                        return Err(Error::internal("csv schema missing"));
                    };
                    let opts = CsvReadOptions::new()
                        .has_header(csv.header)
                        .delimiter(csv.delimiter)
                        .quote(csv.quote)
                        .file_extension("")
                        .schema(schema);
                    ctx.read_csv(p, opts)
                        .await
                        .map_err(|e| file_error("reading csv", &file.path, e))?
                }
                FileFormat::Json => {
                    let Some(schema) = &json_schema else {
                        return Err(Error::internal("json schema missing"));
                    };
                    let opts = JsonReadOptions::default().file_extension("").schema(schema);
                    ctx.read_json(p, opts)
                        .await
                        .map_err(|e| file_error("reading json", &file.path, e))?
                }
            };
            frames.push(df);
        }
        Ok(frames)
    })?;
    let mut out: Option<(DfFrame, Schema, &DataFile)> = None;
    for (file, df) in files.iter().zip(frames) {
        let df = with_partition_columns(df, &file.partition_values)?;
        let df = match &requested {
            None => df,
            Some(names) => {
                let available = plan::fugue_schema(&df)?;
                if let Some(missing) = names.iter().find(|n| !available.contains(n)) {
                    return Err(Error::not_found("column", missing.as_str(), available.names()));
                }
                let cols: Vec<&str> = names.iter().map(String::as_str).collect();
                plan::select_columns(df, &cols)?
            }
        };
        // One file keeps the reader's types (`Utf8View` strings of Parquet
        // files written from views): the frame reports them normalised
        // (SCH-TYPE-8) and every consumer that needs the plain types
        // (joins, unions, maps, saves, `as_local_bounded`) converts there.
        // A cast here would copy every string once more at load. Several
        // files are unioned, so their types must agree.
        let df = if files.len() > 1 { plan::normalise(df)? } else { df };
        let schema = plan::fugue_schema(&df)?;
        out = Some(match out {
            None => (df, schema, file),
            Some((acc, first, first_file)) => {
                if first != schema {
                    return Err(files_disagree(file, &schema, first_file, &first));
                }
                (acc.union(df).fugue("load")?, first, first_file)
            }
        });
    }
    let (df, schema, _) = out.ok_or_else(|| Error::internal("no file was loaded"))?;
    let df = match &options.columns {
        LoadColumns::Schema(target) => plan::convert(df, &schema, target)?,
        _ => df,
    };
    DataFusionDataFrame::new(Arc::clone(engine.shared()), df)
}

/// `df` plus one `str` column per Hive partition value it does not store
/// (ENG-PQ-2), in folder order.
fn with_partition_columns(df: DfFrame, values: &[(String, Option<String>)]) -> Result<DfFrame> {
    let schema = plan::fugue_schema(&df)?;
    let extra: Vec<&(String, Option<String>)> =
        values.iter().filter(|(k, _)| !schema.contains(k)).collect();
    if extra.is_empty() {
        return Ok(df);
    }
    let mut exprs: Vec<Expr> = schema.names().into_iter().map(ident).collect();
    let mut seen: Vec<&str> = Vec::new();
    for (key, value) in extra {
        if seen.contains(&key.as_str()) {
            continue; // the same key twice in the folder path: the outer one wins
        }
        seen.push(key);
        exprs.push(lit(ScalarValue::Utf8(value.clone())).alias(key.as_str()));
    }
    df.select(exprs).fugue("load")
}

/// The Arrow schema every csv file is read with: the core's
/// [`csv_load_schema`] (ENG-CSV-1, ENG-CSV-3..8).
///
/// # Errors
/// As [`csv_load_schema`].
fn csv_arrow_schema(
    files: &[&DataFile],
    opts: &CsvOptions,
    columns: &LoadColumns,
) -> Result<ArrowSchema> {
    Ok(csv_load_schema(files, opts, columns)?.schema)
}

/// The Arrow schema of line-delimited json files (ENG-JSON-2): inferred over
/// all files together, an always-null column as `str`.
///
/// # Errors
/// Reader errors (not an object per line, bad json) as `ERR-EXECUTION`.
fn json_arrow_schema(files: &[&DataFile]) -> Result<ArrowSchema> {
    json_load_schema(files)
}

// --------------------------------------------------------------------- save

/// Saves `df` to `path` (ENG-IO-1, ENG-IO-2, ENG-IO-5..10, ENG-PQ-1,
/// ENG-CSV-1/2, ENG-JSON-1): one file at `path` (also for `force_single`
/// with keys, ENG-IO-6), a Hive layout `path/key=value/...` for parquet with
/// partition keys (ENG-IO-8), and a new part file inside an existing folder
/// in append mode. Appending to a single file rewrites it with the old rows
/// then the new ones. Every write goes to the [`SaveTarget`]'s temporary
/// path first, so a failed save never touches the previous output.
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for unknown formats, gzip, nested csv columns or
/// keys with csv/json; `ERR-ARG` for bad options or a glob in `path`;
/// `ERR-EXISTS` in error mode; `ERR-NOT-FOUND` for a missing key;
/// `ERR-SCHEMA` when every column is a key or an appended file's schema
/// differs; writer errors as `ERR-EXECUTION`.
pub(crate) fn save(
    engine: &DataFusionExecutionEngine,
    df: &DataFusionDataFrame,
    path: &str,
    options: &SaveOptions,
) -> Result<()> {
    let schema = df.schema().clone();
    let save_plan = plan_save(&schema, path, options)?;
    let format = save_plan.format;
    let csv = save_plan.csv.clone();
    let keys = save_plan.hive_keys.as_slice();
    let hive = !keys.is_empty();
    let native = plan::normalise(df.to_native())?;
    if save_plan.append_to_file {
        // appending to a single file rewrites it: old rows, then the new ones
        let old = load(engine, &[path], &append_load_options(options))?;
        check_append_schema(old.schema(), &schema, path)?;
        let combined = old.to_native().union(native).fugue("append")?;
        let combined =
            DataFusionDataFrame::with_schema(Arc::clone(engine.shared()), combined, schema);
        let rewrite =
            SaveOptions { mode: SaveMode::Overwrite, force_single: true, ..options.clone() };
        return save(engine, &combined, path, &rewrite);
    }
    let target = SaveTarget::prepare(path, options.mode)?;
    let append_to_folder =
        options.mode == SaveMode::Append && target.existing() == PathKind::Folder;
    let out_path = if hive {
        target.create_write_dir()?;
        target.write_path().to_path_buf()
    } else if append_to_folder {
        target.create_write_dir()?;
        target.part_path(0, format)
    } else {
        target.write_path().to_path_buf()
    };
    let out = path_str(&out_path)?.to_string();
    let write_options = if hive {
        DataFrameWriteOptions::new().with_partition_by(keys.to_vec())
    } else {
        DataFrameWriteOptions::new().with_single_file_output(true)
    };
    let arrow_schema = Arc::clone(schema.arrow());
    let csv_writer = csv.clone();
    engine.shared().runtime().block_on(async move {
        match format {
            FileFormat::Parquet => {
                native
                    .write_parquet(&out, write_options, None)
                    .await
                    .map_err(|e| file_error("writing parquet", Path::new(&out), e))?;
            }
            FileFormat::Csv => {
                let csv = csv_writer.unwrap_or_default();
                let writer = DfCsvOptions {
                    has_header: Some(csv.header),
                    delimiter: csv.delimiter,
                    quote: csv.quote,
                    ..DfCsvOptions::default()
                };
                native
                    .write_csv(&out, write_options, Some(writer))
                    .await
                    .map_err(|e| file_error("writing csv", Path::new(&out), e))?;
            }
            FileFormat::Json => write_json(native, &out, &arrow_schema).await?,
        }
        Ok(())
    })?;
    if !hive && !out_path.exists() {
        // no rows: write a file that still holds the schema (ENG-PQ-1)
        write_empty(&out_path, format, &schema, csv.as_ref())?;
    }
    target.commit()
}

/// Line-delimited json with explicit `null`s (ENG-JSON-1), streamed from the plan.
async fn write_json(df: DfFrame, out: &str, schema: &arrow::datatypes::SchemaRef) -> Result<()> {
    let path = Path::new(out);
    let file = File::create(path).map_err(|e| Error::io(path.display(), e))?;
    let mut writer = arrow::json::WriterBuilder::new()
        .with_explicit_nulls(true)
        .build::<_, arrow::json::writer::LineDelimited>(std::io::BufWriter::new(file));
    let mut stream = df.execute_stream().await.fugue("save json")?;
    while let Some(batch) = stream.next().await {
        let batch = batch.fugue("save json")?;
        let batch = fugue_core::LocalDataFrame::new(Schema::from_arrow(schema)?, vec![batch])?;
        for b in batch.batches() {
            writer.write(b).map_err(|e| file_error("writing json", path, e))?;
        }
    }
    writer.finish().map_err(|e| file_error("writing json", path, e))?;
    Ok(())
}

/// An empty file of `format` holding `schema` (parquet) or a header (csv).
fn write_empty(
    path: &Path,
    format: FileFormat,
    schema: &Schema,
    csv: Option<&CsvOptions>,
) -> Result<()> {
    let file = File::create(path).map_err(|e| Error::io(path.display(), e))?;
    match format {
        FileFormat::Parquet => {
            let mut w = datafusion::parquet::arrow::ArrowWriter::try_new(
                file,
                Arc::clone(schema.arrow()),
                None,
            )
            .map_err(|e| file_error("writing parquet", path, e))?;
            w.flush().map_err(|e| file_error("writing parquet", path, e))?;
            w.close().map_err(|e| file_error("writing parquet", path, e))?;
        }
        FileFormat::Csv => {
            if csv.is_some_and(|c| c.header) {
                let mut w = arrow::csv::WriterBuilder::new().with_header(true).build(file);
                w.write(&arrow::record_batch::RecordBatch::new_empty(Arc::clone(schema.arrow())))
                    .map_err(|e| file_error("writing csv", path, e))?;
            }
        }
        FileFormat::Json => {}
    }
    Ok(())
}
