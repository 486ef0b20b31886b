//! `fugue run SCRIPT.fsql`: compiles a FugueSQL script (issue 13,
//! spec/FUGUESQL.md) into a workflow and runs it on one engine. PRINT
//! output goes to stdout while the workflow runs; a summary of each
//! dataframe yield (name, schema, row count) follows at the end.

use fugue::core::{Conf, make_engine};

use crate::cli::RunArgs;
use crate::util::{CliError, error_chain, print, thousands};

/// Runs `fugue run`.
///
/// # Errors
/// An unreadable script; a syntax error (its caret display is written to
/// stderr first, the returned error is one line); `--param` (templating,
/// FSQL-TPL, is not supported yet); an unknown engine; the compile and run
/// errors of the workflow.
pub fn run(args: &RunArgs, conf: &Conf) -> Result<(), CliError> {
    let path = args.script.display().to_string();
    let script = std::fs::read_to_string(&args.script)
        .map_err(|e| CliError::new(format!("cannot read the script `{path}`: {e}")))?;
    if let Some((k, _)) = args.params.first() {
        return Err(CliError::new(format!(
            "--param {k}=...: script parameters (templating, FSQL-TPL) are not supported yet by fugue-sql"
        )));
    }
    if let Err(e) = fugue_sql::check_syntax(&script) {
        // FSQL-RUST-ERR-1/2: the offending line with a caret, then the
        // one-line error of every failed command.
        eprintln!("{path}: {e}");
        return Err(CliError::new(format!(
            "{path}: syntax error at line {}, column {}: {}",
            e.line, e.column, e.message
        )));
    }
    let dag = fugue_sql::compile(&script)
        .map_err(|e| CliError::new(format!("{path}: {}", error_chain(&e))))?;
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
