//! Running a Ballista cluster that understands fugue's plans: a scheduler
//! and executors built from *your* binary, with fugue's physical plan codec.
//!
//! Ballista's own `ballista-scheduler` / `ballista-executor` binaries decode
//! plans with Ballista's codec only, so a fugue job that uses fugue's scalar
//! functions (`fugue_cast`, `fugue_isna`) fails there ("PhysicalExtensionCodec
//! is not provided"). The functions here start the same servers with fugue's
//! codec instead:
//!
//! - [`run_scheduler`] (or [`FugueScheduler::bind`] then
//!   [`FugueScheduler::serve`]): one scheduler, the address clients put in
//!   `fugue.ballista.url` (`df://host:port`);
//! - [`run_executor`] (or [`FugueExecutor::new`] then [`FugueExecutor::run`]):
//!   one executor, registered with a scheduler, running its tasks.
//!
//! The `fugue-cli` package ships them as the binaries `fugue-scheduler` and
//! `fugue-executor`.
//!
//! ## Why your own `main`
//!
//! Plans refer to fugue extensions (transformers and the other kinds
//! registered with `fugue_api::register_transformer!` and its siblings, or
//! the `#[fugue::transformer]` attributes) **by registered name**; an
//! executor finds them in its own process's registry. An executor can
//! therefore only run the extensions of the crates linked into its binary:
//! the `fugue-executor` binary links fugue's engines and the benchmark
//! workloads, nothing of yours. To run jobs that use your extensions, build
//! an executor from your own crate — a `main` that links the crates with
//! your extensions and calls [`run_executor`]:
//!
//! ```no_run
//! use fugue_ballista::cluster::{ExecutorOptions, run_executor, server_runtime};
//!
//! // Linking the crates with your extensions is enough: their
//! // registrations run at start-up (e.g. `use my_extensions as _;`).
//!
//! fn main() -> fugue_core::Result<()> {
//!     let opts = ExecutorOptions {
//!         scheduler: "df://127.0.0.1:50050".into(),
//!         port: 50051,
//!         grpc_port: 50052,
//!         slots: 4,
//!         ..ExecutorOptions::default()
//!     };
//!     // Until ctrl-c / SIGTERM.
//!     server_runtime()?.block_on(run_executor(opts))
//! }
//! ```
//!
//! Run the servers on [`server_runtime`] (or a runtime with worker stacks
//! of [`SERVER_STACK_BYTES`]): decoding and planning deep plans recurses,
//! and with tokio's default 2 MiB stacks a scheduler given a long
//! expression overflows its stack and aborts the whole process.
//!
//! The scheduler only splits plans into stages and never runs them, so the
//! plain `fugue-scheduler` serves any executor (it still needs fugue's
//! codec, which it has, to decode the plans clients submit).
//!
//! ## Ports
//!
//! A scheduler can listen on port 0 (an ephemeral port, reported by
//! [`FugueScheduler::local_addr`]). An executor advertises its ports to the
//! scheduler when it registers, and Ballista 55 advertises the *configured*
//! ports, not the bound ones; so port 0 for an executor means "a port free
//! at start-up" picked by binding port 0 and releasing it (another process
//! could take it in between; give fixed ports on shared machines).

use std::net::{IpAddr, SocketAddr, TcpListener as StdListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ballista_core::serde::BallistaLogicalExtensionCodec;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_executor::health::ExecutorHealth;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::{SchedulerConfig, TaskDistributionPolicy};
use ballista_scheduler::scheduler_process::{create_scheduler, start_grpc_service_with_listener};
use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};
use fugue_core::{Error, Result};

use crate::codec::FuguePhysicalCodec;
use crate::session::{GRPC_MAX_MESSAGE_BYTES, backend, scheduler_url};

/// Stack size of the worker threads of [`server_runtime`]: 32 MiB, as
/// Ballista's own binaries use (see the module docs).
pub const SERVER_STACK_BYTES: usize = 32 << 20;

/// A multi-threaded tokio runtime (every timer and IO driver on) whose
/// worker threads have [`SERVER_STACK_BYTES`] of stack, to run
/// [`run_scheduler`] / [`run_executor`] on.
///
/// # Errors
/// `ERR-EXECUTION` when the runtime cannot start (threads).
pub fn server_runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("fugue-ballista-server")
        .thread_stack_size(SERVER_STACK_BYTES)
        .build()
        .map_err(|e| backend("start the server runtime", e))
}

/// Default port of a scheduler (Ballista's).
pub const DEFAULT_SCHEDULER_PORT: u16 = 50050;

/// How the scheduler spreads a stage's tasks over the executors
/// (Ballista's task distribution policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskDistribution {
    /// Fill each executor's free slots before the next one (Ballista's
    /// default, `bias`).
    #[default]
    Bias,
    /// One task per executor in turn (`round-robin`): spreads small jobs
    /// over every executor.
    RoundRobin,
}

/// Options of [`run_scheduler`] / [`FugueScheduler::bind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerOptions {
    /// Address the scheduler's gRPC service listens on (default
    /// `127.0.0.1:50050`); port 0 picks an ephemeral port.
    pub bind: SocketAddr,
    /// Host name of the scheduler as executors reach it: with push-staged
    /// scheduling, executors report task status to `external_host:port`
    /// (the bound port). Default: `None`, the bind IP, or `localhost` when
    /// that is unspecified (`0.0.0.0`): set it when executors run on other
    /// machines.
    pub external_host: Option<String>,
    /// How tasks are spread over executors (default [`TaskDistribution::Bias`]).
    pub task_distribution: TaskDistribution,
    /// An executor whose heartbeats stop for this long is lost: its
    /// running tasks, and the finished map outputs it held, run again on
    /// the other executors (Ballista's executor-lost handling); when no
    /// executor is left for this long the running jobs fail. Default 180 s
    /// (Ballista's). Whole seconds, at least 2; keep it a few times the
    /// executors' [`ExecutorOptions::heartbeat_interval`].
    pub executor_timeout: Duration,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        SchedulerOptions {
            bind: SocketAddr::from(([127, 0, 0, 1], DEFAULT_SCHEDULER_PORT)),
            external_host: None,
            task_distribution: TaskDistribution::Bias,
            executor_timeout: DEFAULT_EXECUTOR_TIMEOUT,
        }
    }
}

/// Default of [`SchedulerOptions::executor_timeout`] (Ballista's).
pub const DEFAULT_EXECUTOR_TIMEOUT: Duration = Duration::from_secs(180);
/// Default of [`ExecutorOptions::heartbeat_interval`] (Ballista's).
pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(60);

/// A Ballista scheduler with fugue's codec, bound to its address but not
/// yet serving (so a caller can report the address first, e.g. after port 0).
pub struct FugueScheduler {
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    config: SchedulerConfig,
}

impl std::fmt::Debug for FugueScheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FugueScheduler").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl FugueScheduler {
    /// Binds the scheduler's listener at `opts.bind` and builds its config:
    /// push-staged scheduling (Ballista's default, matching
    /// [`run_executor`]), fugue's physical codec, Ballista's logical codec,
    /// in-memory cluster state.
    ///
    /// # Errors
    /// `ERR-ARG` for an `executor_timeout` under 2 s; `ERR-EXECUTION` when
    /// the address cannot be bound (in use, not local) or Ballista rejects
    /// the config.
    pub async fn bind(opts: SchedulerOptions) -> Result<Self> {
        let timeout = opts.executor_timeout.as_secs();
        if timeout < 2 {
            return Err(Error::arg(
                "executor_timeout",
                format!("{:?} is under 2 s (whole seconds)", opts.executor_timeout),
            ));
        }
        let listener = tokio::net::TcpListener::bind(opts.bind)
            .await
            .map_err(|e| backend(&format!("bind the scheduler to {}", opts.bind), e))?;
        let addr = listener.local_addr().map_err(|e| backend("bind the scheduler", e))?;
        let external = opts.external_host.clone().unwrap_or_else(|| host_name(addr.ip()));
        let config = SchedulerConfig {
            bind_host: addr.ip().to_string(),
            bind_port: addr.port(),
            external_host: external,
            task_distribution: match opts.task_distribution {
                TaskDistribution::Bias => TaskDistributionPolicy::Bias,
                TaskDistribution::RoundRobin => TaskDistributionPolicy::RoundRobin,
            },
            override_physical_codec: Some(Arc::new(FuguePhysicalCodec::default())),
            override_logical_codec: Some(Arc::new(BallistaLogicalExtensionCodec::default())),
            grpc_server_max_decoding_message_size: GRPC_MAX_MESSAGE_BYTES,
            grpc_server_max_encoding_message_size: GRPC_MAX_MESSAGE_BYTES,
            // the scheduler's client to the executors: a task carries its
            // plan with the frames made from local data, and past Ballista's
            // 16 MiB default the launch failed and the executors were taken
            // for lost (W1 at SF 0.1 in memory)
            grpc_client_max_message_size: GRPC_MAX_MESSAGE_BYTES,
            executor_timeout_seconds: timeout,
            // checked often enough to notice a loss soon after the timeout
            expire_dead_executor_interval_seconds: (timeout / 3).clamp(1, 15),
            no_executors_grace_period_seconds: timeout,
            ..SchedulerConfig::default()
        };
        config.validate().map_err(|e| backend("configure the scheduler", e))?;
        Ok(FugueScheduler { listener, addr, config })
    }

    /// The address the scheduler listens on (the real port after port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The `df://host:port` URL clients put in `fugue.ballista.url`
    /// (`localhost` for an unspecified bind IP).
    pub fn url(&self) -> String {
        format!("df://{}:{}", url_host(&host_name(self.addr.ip())), self.addr.port())
    }

    /// Serves until ctrl-c (or SIGTERM on Unix), then returns `Ok`.
    ///
    /// # Errors
    /// `ERR-EXECUTION` when the scheduler cannot start or its server fails.
    pub async fn serve(self) -> Result<()> {
        let cluster = BallistaCluster::new_from_config(&self.config)
            .await
            .map_err(|e| backend("start the scheduler", e))?;
        let scheduler =
            create_scheduler::<LogicalPlanNode, PhysicalPlanNode>(cluster, Arc::new(self.config))
                .await
                .map_err(|e| backend("start the scheduler", e))?;
        tokio::select! {
            served = start_grpc_service_with_listener(self.listener, scheduler) => {
                served.map_err(|e| backend("serve the scheduler", e))
            }
            () = shutdown_signal() => Ok(()),
        }
    }
}

/// Runs a scheduler with fugue's codec until ctrl-c / SIGTERM:
/// [`FugueScheduler::bind`] then [`FugueScheduler::serve`].
///
/// # Errors
/// As [`FugueScheduler::bind`] and [`FugueScheduler::serve`].
pub async fn run_scheduler(opts: SchedulerOptions) -> Result<()> {
    FugueScheduler::bind(opts).await?.serve().await
}

/// Options of [`run_executor`] / [`FugueExecutor::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutorOptions {
    /// The scheduler, `df://host[:port]` (port 50050 when omitted; default
    /// `df://127.0.0.1:50050`).
    pub scheduler: String,
    /// IP the executor's servers listen on (default `127.0.0.1`; `0.0.0.0`
    /// for every interface).
    pub bind_host: String,
    /// Host name the executor advertises to the scheduler, which hands it
    /// to other executors and clients to fetch results. Default: `None`,
    /// the IP the scheduler sees the executor connect from.
    pub external_host: Option<String>,
    /// Port of the executor's Arrow Flight service, which serves its
    /// shuffle and result data (default 50051; 0: a port free at start,
    /// see the module docs).
    pub port: u16,
    /// Port of the executor's gRPC service, which receives tasks from the
    /// scheduler (default 50052; 0: a port free at start).
    pub grpc_port: u16,
    /// Task slots: tasks run at once (default 0: the number of CPUs).
    pub slots: usize,
    /// Directory for shuffle and result files (default `None`: a
    /// temporary directory).
    pub work_dir: Option<PathBuf>,
    /// How long to wait for the scheduler to accept connections at start
    /// (default 30 s).
    pub connect_timeout: Duration,
    /// How often the executor tells the scheduler it is alive (default
    /// 60 s, Ballista's; whole seconds, at least 1). Keep it well under the
    /// scheduler's [`SchedulerOptions::executor_timeout`].
    pub heartbeat_interval: Duration,
}

impl Default for ExecutorOptions {
    fn default() -> Self {
        ExecutorOptions {
            scheduler: format!("df://127.0.0.1:{DEFAULT_SCHEDULER_PORT}"),
            bind_host: "127.0.0.1".into(),
            external_host: None,
            port: 50051,
            grpc_port: 50052,
            slots: 0,
            work_dir: None,
            connect_timeout: Duration::from_secs(30),
            heartbeat_interval: DEFAULT_HEARTBEAT_INTERVAL,
        }
    }
}

/// A Ballista executor with fugue's codec, configured (options checked,
/// ports resolved) but not yet running.
pub struct FugueExecutor {
    config: ExecutorProcessConfig,
    scheduler: String,
    scheduler_url: String,
    connect_timeout: Duration,
}

impl std::fmt::Debug for FugueExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FugueExecutor")
            .field("id", &self.config.executor_id)
            .field("scheduler", &self.scheduler_url)
            .field("flight", &self.flight_addr())
            .field("grpc", &self.grpc_addr())
            .finish_non_exhaustive()
    }
}

/// Whether a [`FugueExecutor`] is registered: true once its latest
/// heartbeat to the scheduler succeeded (cheap to clone).
#[derive(Clone)]
pub struct ExecutorReadiness(ExecutorHealth);

impl std::fmt::Debug for ExecutorReadiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ExecutorReadiness").field(&self.is_ready()).finish()
    }
}

impl ExecutorReadiness {
    /// True once the executor's latest heartbeat to the scheduler succeeded
    /// (the first one follows its registration).
    pub fn is_ready(&self) -> bool {
        self.0.is_ready()
    }
}

impl FugueExecutor {
    /// Checks `opts` and resolves its ports (0: a free port now). The
    /// executor decodes plans with fugue's physical codec and Ballista's
    /// logical codec, and is scheduled push-staged (Ballista's default,
    /// matching [`run_scheduler`]).
    ///
    /// # Errors
    /// `ERR-ARG` for a `scheduler` that is not `df://host[:port]`, a
    /// `bind_host` that is not an IP address, equal non-zero ports or a
    /// `heartbeat_interval` under 1 s;
    /// `ERR-EXECUTION` when no free port can be found for a port 0.
    pub fn new(opts: ExecutorOptions) -> Result<Self> {
        let http = scheduler_url("scheduler", &opts.scheduler)?;
        let parsed = url::Url::parse(&http).map_err(|e| Error::arg("scheduler", e.to_string()))?;
        let scheduler_host = parsed
            .host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_string())
            .ok_or_else(|| Error::arg("scheduler", format!("`{}` has no host", opts.scheduler)))?;
        let scheduler_port = parsed.port().unwrap_or(DEFAULT_SCHEDULER_PORT);
        let ip: IpAddr = opts.bind_host.trim().parse().map_err(|e| {
            Error::arg("bind_host", format!("`{}` is not an IP address: {e}", opts.bind_host))
        })?;
        if opts.port != 0 && opts.port == opts.grpc_port {
            return Err(Error::arg(
                "grpc_port",
                format!(
                    "the gRPC port {} is also the Flight port: the executor runs two servers",
                    opts.grpc_port
                ),
            ));
        }
        let heartbeat = opts.heartbeat_interval.as_secs();
        if heartbeat == 0 {
            return Err(Error::arg(
                "heartbeat_interval",
                format!("{:?} is under 1 s (whole seconds)", opts.heartbeat_interval),
            ));
        }
        // Both free ports are held at once, so they differ.
        let flight_hold = hold_port(ip, opts.port)?;
        let grpc_hold = hold_port(ip, opts.grpc_port)?;
        let port = flight_hold.as_ref().map_or(Ok(opts.port), local_port)?;
        let grpc_port = grpc_hold.as_ref().map_or(Ok(opts.grpc_port), local_port)?;
        drop((flight_hold, grpc_hold));
        let config = ExecutorProcessConfig {
            bind_host: ip.to_string(),
            external_host: opts.external_host.clone(),
            port,
            grpc_port,
            scheduler_host,
            scheduler_port,
            vcores: opts.slots,
            work_dir: opts.work_dir.as_ref().map(|p| p.to_string_lossy().into_owned()),
            print_thread_info: false,
            override_physical_codec: Some(Arc::new(FuguePhysicalCodec::default())),
            override_logical_codec: Some(Arc::new(BallistaLogicalExtensionCodec::default())),
            grpc_max_decoding_message_size: GRPC_MAX_MESSAGE_BYTES,
            grpc_max_encoding_message_size: GRPC_MAX_MESSAGE_BYTES,
            executor_heartbeat_interval_seconds: heartbeat,
            ..ExecutorProcessConfig::default()
        };
        Ok(FugueExecutor {
            config,
            scheduler: opts.scheduler.trim().to_string(),
            scheduler_url: http,
            connect_timeout: opts.connect_timeout,
        })
    }

    /// The executor's id (a fresh UUID), as the scheduler knows it.
    pub fn id(&self) -> &str {
        &self.config.executor_id
    }

    /// The scheduler, as given (`df://host[:port]`).
    pub fn scheduler(&self) -> &str {
        &self.scheduler
    }

    /// Address of the Arrow Flight service (shuffle and result data).
    pub fn flight_addr(&self) -> SocketAddr {
        SocketAddr::new(self.bind_ip(), self.config.port)
    }

    /// Address of the gRPC service (tasks from the scheduler).
    pub fn grpc_addr(&self) -> SocketAddr {
        SocketAddr::new(self.bind_ip(), self.config.grpc_port)
    }

    fn bind_ip(&self) -> IpAddr {
        self.config.bind_host.parse().unwrap_or(IpAddr::from([127, 0, 0, 1]))
    }

    /// A handle telling whether the executor has registered with the
    /// scheduler (its heartbeats succeed).
    pub fn readiness(&self) -> ExecutorReadiness {
        ExecutorReadiness(self.config.health.clone())
    }

    /// Waits (up to the connect timeout) for the scheduler to accept
    /// connections, then registers and runs tasks until ctrl-c, SIGTERM
    /// or a stop request from the scheduler.
    ///
    /// # Errors
    /// `ERR-EXECUTION` when the scheduler does not answer in time, a port
    /// cannot be bound, registration fails, or a server of the executor
    /// fails.
    pub async fn run(self) -> Result<()> {
        let deadline = tokio::time::Instant::now() + self.connect_timeout;
        loop {
            match SchedulerGrpcClient::connect(self.scheduler_url.clone()).await {
                Ok(_) => break,
                Err(e) if tokio::time::Instant::now() >= deadline => {
                    return Err(backend(
                        &format!(
                            "connect to the scheduler at {} within {:?}",
                            self.scheduler_url, self.connect_timeout
                        ),
                        e,
                    ));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
        start_executor_process(Arc::new(self.config))
            .await
            .map_err(|e| backend("run the executor", e))
    }
}

/// Runs an executor with fugue's codec until ctrl-c / SIGTERM:
/// [`FugueExecutor::new`] then [`FugueExecutor::run`]. Link the crates
/// whose extensions its jobs use (see the module docs).
///
/// # Errors
/// As [`FugueExecutor::new`] and [`FugueExecutor::run`].
pub async fn run_executor(opts: ExecutorOptions) -> Result<()> {
    FugueExecutor::new(opts)?.run().await
}

/// A listener holding a free port of `ip` when `port` is 0, else none.
fn hold_port(ip: IpAddr, port: u16) -> Result<Option<StdListener>> {
    if port != 0 {
        return Ok(None);
    }
    StdListener::bind(SocketAddr::new(ip, 0))
        .map(Some)
        .map_err(|e| backend(&format!("find a free port on {ip}"), e))
}

fn local_port(l: &StdListener) -> Result<u16> {
    l.local_addr().map(|a| a.port()).map_err(|e| backend("find a free port", e))
}

/// The host name of a bound IP: `localhost` for an unspecified one.
fn host_name(ip: IpAddr) -> String {
    if ip.is_unspecified() { "localhost".into() } else { ip.to_string() }
}

/// `host` as it appears in a URL (IPv6 in brackets).
fn url_host(host: &str) -> String {
    if host.contains(':') { format!("[{host}]") } else { host.to_string() }
}

/// Completes on ctrl-c, or SIGTERM on Unix.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executor_options_are_checked() {
        let bad_url = ExecutorOptions { scheduler: "http://x:1".into(), ..Default::default() };
        let e = FugueExecutor::new(bad_url).expect_err("http scheme");
        assert_eq!(e.kind(), fugue_core::ErrorKind::InvalidArgument, "{e}");
        let bad_host = ExecutorOptions { bind_host: "not-an-ip".into(), ..Default::default() };
        assert!(FugueExecutor::new(bad_host).is_err());
        let same = ExecutorOptions { port: 7000, grpc_port: 7000, ..Default::default() };
        assert!(FugueExecutor::new(same).unwrap_err().to_string().contains("gRPC port 7000"));
        let silent = ExecutorOptions {
            heartbeat_interval: Duration::from_millis(500),
            ..Default::default()
        };
        let e = FugueExecutor::new(silent).expect_err("sub-second heartbeat");
        assert!(e.to_string().contains("heartbeat_interval"), "{e}");
    }

    #[test]
    fn executor_port_zero_picks_two_free_ports() {
        let opts = ExecutorOptions {
            scheduler: "df://localhost".into(),
            port: 0,
            grpc_port: 0,
            ..Default::default()
        };
        let ex = FugueExecutor::new(opts).expect("executor");
        assert_ne!(ex.flight_addr().port(), 0);
        assert_ne!(ex.grpc_addr().port(), 0);
        assert_ne!(ex.flight_addr().port(), ex.grpc_addr().port());
        assert_eq!(ex.scheduler_url, "http://localhost:50050");
        assert!(!ex.readiness().is_ready());
    }

    #[test]
    fn scheduler_binds_an_ephemeral_port() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        // an ephemeral port with `executor_timeout` (Ballista's default when None)
        let opts = |timeout: Option<u64>| SchedulerOptions {
            bind: "127.0.0.1:0".parse().expect("addr"),
            executor_timeout: timeout.map_or(DEFAULT_EXECUTOR_TIMEOUT, Duration::from_secs),
            ..Default::default()
        };
        rt.block_on(async {
            let s = FugueScheduler::bind(opts(None)).await.expect("bind");
            assert_ne!(s.local_addr().port(), 0);
            assert_eq!(s.url(), format!("df://127.0.0.1:{}", s.local_addr().port()));
            assert_eq!(s.config.executor_timeout_seconds, 180);
            let s = FugueScheduler::bind(opts(Some(6))).await.expect("bind");
            assert_eq!(s.config.executor_timeout_seconds, 6);
            assert_eq!(s.config.expire_dead_executor_interval_seconds, 2);
            let too_short = opts(Some(1));
            let e = FugueScheduler::bind(too_short).await.expect_err("1 s timeout");
            assert_eq!(e.kind(), fugue_core::ErrorKind::InvalidArgument, "{e}");
        });
    }
}
