//! The `fugue` command: how a newcomer first meets fugue-rs and how users
//! compare backends.
//!
//! | command | what it does |
//! |---|---|
//! | `fugue engines` | the execution and SQL engines linked into this binary, from the registry |
//! | `fugue datagen tpch` | TPC-H tables as Parquet files, streamed with constant memory |
//! | `fugue bench` | the standard workloads W1–W7 on every linked engine, with checksums |
//! | `fugue sql` | a SQL (or FugueSQL) query over files, through an engine's SQL engine |
//! | `fugue run` | a FugueSQL script (with `--param` template values) as a workflow on one engine |
//!
//! Every command takes `--conf key=value` (repeatable), passed into the
//! engine's `Conf`. Errors are one line on stderr (`error: ...`) and a
//! non-zero exit code: 1 for a failed run (bad path, unknown engine, SQL
//! error, checksums that disagree), 2 for bad command-line usage. The
//! binary never shows a panic message or a backtrace.
//!
//! Engines are never listed here by hand: whatever the `fugue` crate's
//! features link (`native` by default; this crate's features `polars`,
//! `datafusion`, `all`, `ballista` forward to them) appears in every
//! command.
//!
//! With the feature `ballista` the package also builds `fugue-scheduler`
//! and `fugue-executor` (`src/bin/`): a Ballista scheduler and executor
//! that decode fugue's plans and link what this binary links, for `--conf
//! fugue.ballista.url=df://HOST:PORT`.

mod alloc;
mod bench;
mod chart;
mod cli;
mod datagen;
mod engines;
mod logging;
mod pipeline;
mod run;
mod sql;
mod util;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, DatagenKind};
use crate::util::CliError;

/// The `fugue` command's filter without `RUST_LOG`: warnings, except
/// Polars' own warnings (target `polars`, e.g. deprecations of the casts
/// polars-sql runs for TPC-H Q1 in `fugue bench` W7), which say nothing
/// the user of the command can act on; `RUST_LOG=warn` shows them.
const LOG_FILTER: &str = "warn,polars=error";

fn main() -> ExitCode {
    alloc::keep_freed_pages();
    // A panic is a bug: report it as one line, without a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let at =
            info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "error: internal error{at}: {}; this is a bug in fugue, please report it",
            util::one_line(&msg)
        );
    }));
    logging::init(LOG_FILTER);
    fugue::link_engines();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return util::clap_exit(&e),
    };
    // The command runs on a thread with a large stack: SQL parsers and
    // planners recurse over expression trees, and the operator limit of
    // `StructuredSql` is sized for the default 8 MiB; the reserve costs only
    // address space.
    let worker = std::thread::Builder::new()
        .name("fugue".into())
        .stack_size(COMMAND_STACK_BYTES)
        .spawn(move || std::panic::catch_unwind(|| run(cli)));
    let outcome = match worker {
        Ok(handle) => handle.join().unwrap_or_else(Err),
        Err(e) => {
            eprintln!("error: cannot start the command thread: {e}");
            return ExitCode::from(1);
        }
    };
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("error: {}", util::one_line(&e.message));
            ExitCode::from(e.code)
        }
        Err(_) => ExitCode::from(101),
    }
}

/// Stack of the thread that runs a command (256 MiB of address space).
const COMMAND_STACK_BYTES: usize = 256 << 20;

fn run(cli: Cli) -> Result<(), CliError> {
    let conf = util::make_conf(&cli.conf);
    match cli.command {
        Command::Engines => engines::run(),
        Command::Datagen { kind: DatagenKind::Tpch(args) } => datagen::run(&args),
        Command::Bench(args) => bench::run(&args, &conf),
        Command::Sql(args) => sql::run(&args, &conf),
        Command::Pipeline(args) => pipeline::run(&args, &conf),
        Command::Run(args) => run::run(&args, &conf),
    }
}
