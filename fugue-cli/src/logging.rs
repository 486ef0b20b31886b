//! Log output of the `fugue`, `fugue-scheduler` and `fugue-executor`
//! binaries: the `log` records of Ballista and DataFusion and fugue's own
//! `tracing` events (through tracing's `log` feature), on stderr.
//!
//! `RUST_LOG` chooses what is shown, in env_logger's syntax
//! (`RUST_LOG=ballista_scheduler=debug,info`); without it each binary shows
//! its default filter: [`CLI_DEFAULT`] for `fugue` (a failed Ballista poll
//! or task reaches the user instead of looking like a hang), informational
//! records for the servers (jobs, stages, executors joining and leaving).

/// The `fugue` command's filter without `RUST_LOG`: warnings, except
/// Polars' own warnings (target `polars`, e.g. deprecations of the casts
/// polars-sql runs for TPC-H Q1 in `fugue bench` W7), which say nothing
/// the user of the command can act on; `RUST_LOG=warn` shows them.
pub const CLI_DEFAULT: &str = "warn,polars=error";

/// Installs the logger once, with `default_level` (`"warn"`, `"info"`)
/// when `RUST_LOG` is unset. A second call is a no-op.
pub fn init(default_level: &str) {
    let env = env_logger::Env::default().default_filter_or(default_level);
    let _ = env_logger::Builder::from_env(env).try_init();
}
