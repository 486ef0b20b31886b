//! `fugue engines`: what the registry holds, never a hard-coded list.

use fugue::core::registry::EngineInfo;
use fugue::core::{registered_engines, registered_sql_engines};

use crate::util::{CliError, print, table};

fn rows(kind: &str, engines: &[EngineInfo]) -> Vec<Vec<String>> {
    engines
        .iter()
        .map(|e| {
            let aliases = if e.aliases.is_empty() { "-".into() } else { e.aliases.join(", ") };
            vec![kind.into(), e.name.into(), aliases, e.origin.into(), e.version.into()]
        })
        .collect()
}

/// Prints one table of the execution engines and SQL engines, then a line
/// for a kind with nothing linked.
///
/// # Errors
/// A failed write to stdout.
pub fn run() -> Result<(), CliError> {
    let exec = registered_engines();
    let sql = registered_sql_engines();
    let mut all = rows("execution", &exec);
    all.extend(rows("sql", &sql));
    let mut out = table(&["kind", "name", "aliases", "crate", "version"], &all);
    if exec.is_empty() {
        out.push_str(
            "no execution engine is linked: build with a feature of the `fugue` crate \
             (native, polars, datafusion)\n",
        );
    }
    if sql.is_empty() {
        out.push_str(
            "no SQL engine is linked: features `datafusion` or `polars` of the `fugue` crate \
             (or of `fugue-cli`) provide one\n",
        );
    }
    print(&out)
}
