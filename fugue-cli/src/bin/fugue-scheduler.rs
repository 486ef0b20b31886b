//! `fugue-scheduler`: a Ballista scheduler that decodes fugue's plans
//! (`fugue::ballista::cluster::run_scheduler`). Clients reach it with
//! `--conf fugue.ballista.url=df://HOST:PORT`; executors with
//! `fugue-executor --scheduler df://HOST:PORT`.
//!
//! Prints one line `fugue-scheduler listening on ...` to stderr once bound,
//! then serves until ctrl-c / SIGTERM. Errors: `error: ...` on stderr and
//! exit code 1 (2 for bad command-line usage).

#[path = "../logging.rs"]
mod logging;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use fugue::ballista::cluster::{
    FugueScheduler, SchedulerOptions, TaskDistribution, server_runtime,
};
// The registered extensions `fugue` links (benchmark workloads' transformers).
use fugue_benches as _;

/// A Ballista scheduler with fugue's plan codec.
#[derive(Parser, Debug)]
#[command(
    version,
    after_help = "Example:\n  fugue-scheduler --bind 127.0.0.1:50050\n  \
                  fugue-executor --scheduler df://127.0.0.1:50050 --port 50051 --grpc-port 50052"
)]
struct Args {
    /// Address to listen on (port 0: an ephemeral port, printed at start)
    #[arg(long, default_value = "127.0.0.1:50050")]
    bind: SocketAddr,
    /// Host name executors reach the scheduler by (they report task status
    /// to it); default: the bind IP, `localhost` for 0.0.0.0
    #[arg(long)]
    external_host: Option<String>,
    /// Spread each stage's tasks over the executors one at a time, instead
    /// of filling one executor's slots first
    #[arg(long)]
    round_robin: bool,
    /// Seconds without a heartbeat after which an executor is lost (its
    /// tasks run again elsewhere); at least 2
    #[arg(long, default_value_t = 180, value_parser = clap::value_parser!(u64).range(2..))]
    executor_timeout: u64,
}

fn main() -> ExitCode {
    logging::init("info");
    fugue::link_engines();
    let args = Args::parse();
    let opts = SchedulerOptions {
        bind: args.bind,
        external_host: args.external_host,
        task_distribution: if args.round_robin {
            TaskDistribution::RoundRobin
        } else {
            TaskDistribution::Bias
        },
        executor_timeout: std::time::Duration::from_secs(args.executor_timeout),
    };
    let runtime = match server_runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(async {
        let scheduler = FugueScheduler::bind(opts).await?;
        eprintln!(
            "fugue-scheduler listening on {} (clients: --conf fugue.ballista.url={})",
            scheduler.local_addr(),
            scheduler.url()
        );
        scheduler.serve().await
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
