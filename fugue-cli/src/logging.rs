//! Log output of the `fugue`, `fugue-scheduler` and `fugue-executor`
//! binaries: the `log` records of Ballista and DataFusion and fugue's own
//! `tracing` events (through tracing's `log` feature), on stderr.
//!
//! `RUST_LOG` chooses what is shown, in env_logger's syntax
//! (`RUST_LOG=ballista_scheduler=debug,info`); without it each binary shows
//! its default filter: warnings for `fugue` (a failed Ballista poll or task
//! reaches the user instead of looking like a hang; `main.rs`), informational
//! records for the servers (jobs, stages, executors joining and leaving).

/// Installs the logger once, with the filter `default` (`"info"`,
/// `"warn,polars=error"`) when `RUST_LOG` is unset. A second call is a
/// no-op.
pub fn init(default: &str) {
    let env = env_logger::Env::default().default_filter_or(default);
    let _ = env_logger::Builder::from_env(env).try_init();
}
