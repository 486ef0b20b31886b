//! `fugue run SCRIPT.fsql`: compiles a FugueSQL script (issue 13,
//! spec/FUGUESQL.md) into a workflow and runs it on one engine. PRINT
//! output goes to stdout while the workflow runs; a summary of each
//! dataframe yield (name, schema, row count) follows at the end.

use fugue::core::{Conf, make_engine};
use fugue_sql::FugueSql;
use serde_json::Value as Json;

use crate::cli::RunArgs;
use crate::util::{CliError, error_chain, print, thousands};

/// A `--param` value: JSON when it parses (numbers, booleans, lists, ...),
/// else the text as a string.
pub fn param_value(text: &str) -> Json {
    serde_json::from_str::<Json>(text.trim()).unwrap_or_else(|_| Json::String(text.to_string()))
}

/// The FugueSQL builder for `script` with the `--conf` entries as compile
/// conf (`fugue.workflow.*`, `fugue.sql.compile.*`).
pub fn builder(script: String, conf: &Conf) -> FugueSql {
    let mut b = fugue_sql::fsql(script);
    if let Json::Object(m) = conf.to_json() {
        for (k, v) in m {
            b = b.conf(k, v);
        }
    }
    b
}

/// Turns a compile error into the CLI's error: a syntax error writes its
/// caret display (FSQL-RUST-ERR-1/2) to stderr first and returns its first
/// line; other errors are returned whole.
pub fn compile_error(path: &str, e: &fugue::Error) -> CliError {
    if let fugue::Error::FsqlSyntax(display) = e {
        eprintln!("{path}: {display}");
        let first = display.lines().next().unwrap_or_default();
        return CliError::new(format!("{path}: {first}"));
    }
    CliError::new(format!("{path}: {}", error_chain(e)))
}

/// Runs `fugue run`.
///
/// # Errors
/// An unreadable script; a template error (FSQL-TPL-6, e.g. a `{{ x }}`
/// without `--param x=...`); a syntax error (its caret display is written
/// to stderr first, the returned error is one line); an unknown engine; the
/// compile and run errors of the workflow.
pub fn run(args: &RunArgs, conf: &Conf) -> Result<(), CliError> {
    let path = args.script.display().to_string();
    let script = std::fs::read_to_string(&args.script)
        .map_err(|e| CliError::new(format!("cannot read the script `{path}`: {e}")))?;
    let b = builder(script, conf).params(args.params.iter().map(|(k, v)| (k, param_value(v))));
    let dag = b.compile().map_err(|e| compile_error(&path, &e))?;
    let engine = make_engine(args.engine.as_deref().unwrap_or(""), conf.clone())?;
    let result = dag
        .run_with_conf(&engine, conf.clone())
        .map_err(|e| CliError::new(format!("{path}: {}", error_chain(&e))))?;
    let mut summary = String::new();
    for name in result.names() {
        let df = result.get(name)?;
        let n = df.as_local_bounded()?.num_rows();
        let rows = if n == 1 { "row" } else { "rows" };
        summary.push_str(&format!(
            "yield {name}: {} ({} {rows})\n",
            df.schema(),
            thousands(n as u64)
        ));
    }
    print(&summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--param` values: JSON when they parse, else strings (FSQL-TPL-4).
    #[test]
    fn param_values_are_json_or_strings() {
        assert_eq!(param_value("2"), serde_json::json!(2));
        assert_eq!(param_value(" 1.5 "), serde_json::json!(1.5));
        assert_eq!(param_value("true"), serde_json::json!(true));
        assert_eq!(param_value("[1,2]"), serde_json::json!([1, 2]));
        assert_eq!(param_value("paris"), serde_json::json!("paris"));
        assert_eq!(param_value("a b"), serde_json::json!("a b"));
    }
}
