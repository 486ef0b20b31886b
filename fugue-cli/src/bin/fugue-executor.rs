//! `fugue-executor`: a Ballista executor that decodes fugue's plans
//! (`fugue::ballista::cluster::run_executor`) and links every engine and
//! registered extension the `fugue` CLI links. Jobs using extensions of
//! other crates need an executor built with those crates linked: a `main`
//! of your own calling `fugue::ballista::cluster::run_executor`.
//!
//! Prints one line `fugue-executor ID listening on ...` to stderr, then
//! waits for the scheduler (up to `--connect-timeout`), registers (a
//! second line, `fugue-executor ID registered with the scheduler`), and
//! runs tasks until ctrl-c / SIGTERM. Errors: `error: ...` on stderr and exit
//! code 1 (2 for bad command-line usage).

#[path = "../logging.rs"]
mod logging;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use fugue::ballista::cluster::{ExecutorOptions, FugueExecutor, server_runtime};
// The registered extensions `fugue` links (benchmark workloads' transformers).
use fugue_benches as _;

/// A Ballista executor with fugue's plan codec.
#[derive(Parser, Debug)]
#[command(
    version,
    after_help = "Example (two executors on one machine):\n  \
                  fugue-executor --scheduler df://127.0.0.1:50050 --port 50051 --grpc-port 50052\n  \
                  fugue-executor --scheduler df://127.0.0.1:50050 --port 50061 --grpc-port 50062"
)]
struct Args {
    /// The scheduler, df://HOST[:PORT] (port 50050 when omitted)
    #[arg(long, default_value = "df://127.0.0.1:50050")]
    scheduler: String,
    /// IP address the executor's servers listen on
    #[arg(long, default_value = "127.0.0.1")]
    bind_host: String,
    /// Host name advertised to the scheduler (default: the address the
    /// scheduler sees the executor connect from)
    #[arg(long)]
    external_host: Option<String>,
    /// Port of the Arrow Flight service (shuffle and result data); 0 picks
    /// a port free at start
    #[arg(long, default_value_t = 50051)]
    port: u16,
    /// Port of the gRPC service (tasks from the scheduler); 0 picks a port
    /// free at start
    #[arg(long, default_value_t = 50052)]
    grpc_port: u16,
    /// Task slots, tasks run at once (0: the number of CPUs)
    #[arg(long, default_value_t = 0)]
    slots: usize,
    /// Directory for shuffle and result files (default: a temporary one)
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Seconds to wait for the scheduler at start
    #[arg(long, default_value_t = 30)]
    connect_timeout: u64,
    /// Seconds between heartbeats to the scheduler (keep it well under the
    /// scheduler's --executor-timeout); at least 1
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    heartbeat: u64,
}

fn main() -> ExitCode {
    logging::init("info");
    fugue::link_engines();
    let args = Args::parse();
    let opts = ExecutorOptions {
        scheduler: args.scheduler,
        bind_host: args.bind_host,
        external_host: args.external_host,
        port: args.port,
        grpc_port: args.grpc_port,
        slots: args.slots,
        work_dir: args.work_dir,
        connect_timeout: Duration::from_secs(args.connect_timeout),
        heartbeat_interval: Duration::from_secs(args.heartbeat),
    };
    let executor = match FugueExecutor::new(opts) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match server_runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "fugue-executor {} listening on {} (flight) and {} (grpc), scheduler {}",
        executor.id(),
        executor.flight_addr(),
        executor.grpc_addr(),
        executor.scheduler(),
    );
    let (id, ready) = (executor.id().to_string(), executor.readiness());
    runtime.spawn(async move {
        while !ready.is_ready() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        eprintln!("fugue-executor {id} registered with the scheduler");
    });
    match runtime.block_on(executor.run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
