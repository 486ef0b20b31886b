//! `fugue sql`: files registered as tables, a query through an engine's SQL
//! engine, the result printed or saved.

use std::path::Path;

use fugue::core::conf::SQL_COMPILE_DIALECT;
use fugue::core::dataframe::{DataFrameExt, ShowOptions};
use fugue::core::engine::{EngineRef, LoadOptions, SaveOptions, StructuredSql};
use fugue::core::io::{FileFormat, FormatOptions, infer_format};
use fugue::core::{Conf, DataFrames, ErrorKind, make_engine, registered_sql_engines};
use serde_json::Value as Json;

use crate::cli::SqlArgs;
use fugue::DataFrameRef;

use crate::util::{CliError, error_chain, one_line, print, thousands};

/// The message when no SQL engine is linked into the binary.
pub const NO_SQL_ENGINE: &str = "no SQL engine is linked into this binary; the features \
     `datafusion` and `polars` of the `fugue` crate provide one (build the CLI with \
     `cargo run --release -p fugue-cli --features datafusion -- sql ...`)";

fn check_input(name: &str, path: &str) -> Result<FileFormat, CliError> {
    let (format, _) = infer_format(path)
        .map_err(|e| CliError::new(format!("table `{name}`: {}", error_chain(&e))))?;
    if !Path::new(path).exists() {
        return Err(CliError::new(format!("table `{name}`: file `{path}` does not exist")));
    }
    Ok(format)
}

/// CSV inputs have a header line and inferred column types; outputs get a header.
fn format_options(format: FileFormat, load: bool) -> FormatOptions {
    let mut o = FormatOptions::new();
    if format == FileFormat::Csv {
        o.insert("header".into(), Json::Bool(true));
        if load {
            o.insert("infer_schema".into(), Json::Bool(true));
        }
    }
    o
}

fn engine_for(name: Option<&str>, conf: &Conf) -> Result<EngineRef, CliError> {
    Ok(make_engine(name.unwrap_or(""), conf.clone())?)
}

/// Runs `fugue sql`: plain SQL through the engine's SQL engine; a text that
/// does not parse as plain SQL but parses as FugueSQL runs as a FugueSQL
/// script with the tables bound as dataframes (FSQL-SCOPE-8), and its final
/// dataframe (FSQL-API-3) is the result.
///
/// # Errors
/// A bad table argument or missing file, an unknown engine, no SQL engine,
/// the SQL engine's errors, the FugueSQL compile and run errors, a failed
/// save.
pub fn run(args: &SqlArgs, conf: &Conf) -> Result<(), CliError> {
    let query = match (&args.query, &args.file) {
        (_, Some(file)) => std::fs::read_to_string(file).map_err(|e| {
            CliError::new(format!("cannot read the query file `{}`: {e}", file.display()))
        })?,
        (Some(q), None) => q.clone(),
        (None, None) => return Err(CliError::new("no query: give QUERY or --file FILE")),
    };
    if query.trim().is_empty() {
        return Err(CliError::new("the query is empty"));
    }
    let mut inputs = Vec::new();
    for (name, path) in &args.tables {
        if inputs.iter().any(|(n, _, _): &(String, String, FileFormat)| n == name) {
            return Err(CliError::new(format!("table `{name}` is given twice")));
        }
        inputs.push((name.clone(), path.clone(), check_input(name, path)?));
    }
    let engine = engine_for(args.engine.as_deref(), conf)?;
    let sql = engine.sql_engine().map_err(|e| {
        if registered_sql_engines().is_empty() {
            CliError::new(NO_SQL_ENGINE)
        } else if matches!(e.kind(), ErrorKind::NotSupported | ErrorKind::Plugin) {
            CliError::new(format!(
                "engine `{}` has no SQL engine: {}",
                engine.name(),
                error_chain(&e)
            ))
        } else {
            e.into()
        }
    })?;
    let mut tables = Vec::new();
    for (name, path, format) in &inputs {
        let options =
            LoadOptions { format_options: format_options(*format, true), ..LoadOptions::default() };
        let df = engine.load_df(&[path.as_str()], &options).map_err(|e| {
            CliError::new(format!("table `{name}` (`{path}`): {}", error_chain(&e)))
        })?;
        tables.push((name.clone(), df));
    }
    let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
    let dialect = conf.get_or_none::<String>(SQL_COMPILE_DIALECT)?.unwrap_or_default();
    // table names in the query text refer to the registered files (ENG-SQL-1)
    let result = match StructuredSql::with_tables_in(&query, &names, &dialect) {
        Ok(statement) => {
            let dfs = DataFrames::named(tables)?;
            sql.select(&dfs, &statement).map_err(|e| {
                CliError::new(format!("SQL error ({}): {}", sql.name(), error_chain(&e)))
            })?
        }
        // Not plain SQL, but FugueSQL (issue 13): run it as a script. A
        // single SELECT keeps the plain SQL error.
        Err(_)
            if !fugue_sql::is_single_select(&query) && fugue_sql::check_syntax(&query).is_ok() =>
        {
            let mut b = crate::run::builder(query, conf);
            for (name, df) in tables {
                b = b.dataframe(name, df);
            }
            b.run_last_with(&engine, conf.clone(), false).map_err(|e| {
                CliError::new(format!("FugueSQL error: {}", one_line(&error_chain(&e))))
            })?
        }
        Err(e) => {
            let also = match fugue_sql::check_syntax(&query) {
                Err(f) if !looks_like_sql(&query) => {
                    format!("; as FugueSQL: {}", f.to_string().lines().next().unwrap_or_default())
                }
                _ => String::new(),
            };
            return Err(CliError::new(format!("SQL error: {}{also}", error_chain(&e))));
        }
    };
    output(args, &engine, &result)
}

/// True when the first word is `SELECT` or `WITH` (any case).
fn looks_like_sql(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
    first == "SELECT" || first == "WITH" || first.starts_with('(')
}

/// Prints or saves the result.
fn output(args: &SqlArgs, engine: &EngineRef, result: &DataFrameRef) -> Result<(), CliError> {
    match &args.output {
        Some(path) => {
            let text = path.to_string_lossy();
            let (format, _) = infer_format(&text)?;
            let options = SaveOptions {
                force_single: true,
                format_options: format_options(format, false),
                ..SaveOptions::default()
            };
            let local: DataFrameRef = std::sync::Arc::new(result.as_local_bounded()?);
            engine.save_df(&local, &text, &options)?;
            print(&format!("wrote {} rows to {text}\n", thousands(local.count()? as u64)))
        }
        None => {
            let local = result.as_local_bounded()?;
            let limit = args.limit as usize;
            let shown =
                local.show_string(&ShowOptions { n: limit, with_count: false, title: None })?;
            let n = local.num_rows();
            let more = if n > limit { format!(" (first {limit} shown)") } else { String::new() };
            print(&format!("{shown}{} rows{more}\n", thousands(n as u64)))
        }
    }
}
