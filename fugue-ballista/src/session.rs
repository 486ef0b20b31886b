//! The Ballista session under the DataFusion engine: a standalone cluster
//! (scheduler + executor on the engine's runtime) or a remote scheduler, and
//! the query planner that sends each plan to it as a physical plan.
//!
//! Why physical plans: Ballista's own planner (`BallistaQueryPlanner`) ships
//! the *logical* plan, and datafusion-proto cannot serialise the in-memory
//! tables every fugue frame made from local data is (`MemTable`: "Error
//! serializing custom table"). A physical plan carries them
//! (`MemorySourceConfig` serialises its batches), so [`SubmitPhysicalPlan`]
//! plans locally with DataFusion's planner and submits the physical plan
//! through `ballista_core::execution_plans::execute_physical_plan`; the
//! scheduler splits it into stages at its exchanges.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ballista_core::extension::{SessionConfigExt, SessionStateExt};
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode, TreeNodeRecursion};
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::source::{DataSource, DataSourceExec};
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::context::{QueryPlanner, SessionState};
use datafusion::execution::{SessionStateBuilder, TaskContext};
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::limit::LocalLimitExec;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties,
    SendableRecordBatchStream,
};
use datafusion::physical_planner::{DefaultPhysicalPlanner, PhysicalPlanner};
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion_proto::protobuf::PhysicalPlanNode;
use fugue_core::{Error, Result};
use futures::TryStreamExt;

use crate::codec::FuguePhysicalCodec;
use crate::engine::ENGINE;

/// How long [`start_standalone`] waits for the in-process scheduler to
/// accept connections before giving up (Ballista's own `standalone()`
/// retries forever).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// A DataFusion error of Ballista as a fugue `ERR-EXECUTION` error.
pub(crate) fn backend(
    operation: &str,
    e: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> Error {
    Error::backend(ENGINE, operation, e)
}

/// The scheduler URL of a `df://host:port` conf value: `http://host:port`
/// (port 50050, Ballista's default, when omitted).
///
/// # Errors
/// `ERR-ARG` naming `key` when the value is not a `df://host[:port]` URL.
pub(crate) fn scheduler_url(key: &str, value: &str) -> Result<String> {
    let bad = |why: &str| {
        Error::arg(
            key,
            format!("`{value}` is not a Ballista scheduler URL (df://host:port): {why}"),
        )
    };
    let url = url::Url::parse(value.trim()).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "df" {
        return Err(bad("the scheme must be `df`"));
    }
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad("no host"))?;
    Ok(format!("http://{host}:{}", url.port().unwrap_or(50050)))
}

/// `state` (the DataFusion engine's, built from the fugue conf) upgraded
/// for Ballista: Ballista's config defaults and optimizer rules, the plans
/// submitted physically to `url` ([`SubmitPhysicalPlan`]), and DataFusion's
/// own `cache()` (collect into memory) instead of Ballista's, which is a
/// no-op by default and would make `persist` recompute.
fn client_state(state: SessionState, url: String) -> DfResult<SessionState> {
    let config = for_ballista_jobs(state.config().clone())
        .with_ballista_query_planner(Arc::new(SubmitPhysicalPlan { scheduler_url: url.clone() }));
    let state = SessionStateBuilder::new_from_existing(state).with_config(config).build();
    let state = state.upgrade_for_ballista(url)?;
    Ok(SessionStateBuilder::new_from_existing(state).with_cache_factory(None).build())
}

/// The largest gRPC message between client, scheduler and executors:
/// 512 MiB (Ballista's default is 16 MiB). Frames made from local data
/// travel inside the physical plan, and a plan that reads such a frame
/// several times (W6's set operations at SF 0.01) passed 16 MiB.
pub(crate) const GRPC_MAX_MESSAGE_BYTES: u32 = 512 * 1024 * 1024;

/// `config` for Ballista jobs: fugue's physical plan codec
/// ([`FuguePhysicalCodec`]), the message limit [`GRPC_MAX_MESSAGE_BYTES`],
/// and the DataFusion optimizations a job cut into stages cannot take (hash
/// join dynamic filters, window top-k), off.
fn for_ballista_jobs(config: SessionConfig) -> SessionConfig {
    config
        .with_ballista_physical_extension_codec(Arc::new(FuguePhysicalCodec::default()))
        .with_ballista_grpc_client_max_message_size(GRPC_MAX_MESSAGE_BYTES as usize)
        // No dynamic filters on hash joins: the scheduler's join selection
        // swaps a join's inputs when it resolves a stage from measured
        // shuffle sizes, and DataFusion 55 refuses to swap a join whose
        // dynamic filter exists ("Cannot swap HashJoinExec inputs after
        // dynamic filters have been constructed"); Ballista 55 then drops
        // the task statuses and the job never finishes. A dynamic filter
        // cannot cross a shuffle anyway.
        .set_bool(JOIN_DYNAMIC_FILTERS, false)
        // No window top-k (`PartitionedTopKExec`): datafusion-proto 55
        // cannot serialise it, so a `take` per key would fail to reach the
        // executors. Forced off even when the fugue conf turns it on
        // (`datafusion.*` keys pass through to the DataFusion engine).
        .set_bool(WINDOW_TOPN, false)
}

/// DataFusion's window top-k rule (off for Ballista jobs, see
/// [`for_ballista_jobs`]).
const WINDOW_TOPN: &str = "datafusion.optimizer.enable_window_topn";

/// DataFusion's switch for hash-join dynamic filters (off for Ballista jobs,
/// see [`for_ballista_jobs`]).
const JOIN_DYNAMIC_FILTERS: &str = "datafusion.optimizer.enable_join_dynamic_filter_pushdown";

/// A context on the remote scheduler at `url` (`http://host:port`). Nothing
/// connects until the first plan runs.
///
/// The cluster must run fugue's scheduler and executors
/// ([`crate::cluster`], the `fugue-scheduler` / `fugue-executor` binaries):
/// Ballista's own binaries lack fugue's codec, and plans using fugue's
/// scalar functions or map node fail there with "PhysicalExtensionCodec is
/// not provided".
///
/// # Errors
/// `ERR-EXECUTION` when Ballista rejects the session config.
pub(crate) async fn remote(state: SessionState, url: String) -> Result<SessionContext> {
    let state = client_state(state, url).map_err(|e| backend("connect to the scheduler", e))?;
    Ok(SessionContext::new_with_state(state))
}

/// Starts a standalone cluster — a scheduler and one executor with
/// `slots` task slots, both tasks of the current tokio runtime, listening
/// on ephemeral localhost ports — and returns a context on it and the
/// scheduler's port. The
/// executor decodes plans with the same session state (functions, codecs)
/// as the client.
///
/// # Errors
/// `ERR-EXECUTION` when a server cannot start or the scheduler does not
/// answer within 30 s.
pub(crate) async fn standalone(state: SessionState, slots: usize) -> Result<(SessionContext, u16)> {
    let config = for_ballista_jobs(state.config().clone().upgrade_for_ballista());
    let base = SessionStateBuilder::new_from_existing(state).with_config(config).build();
    let addr = ballista_scheduler::standalone::new_standalone_scheduler_from_state(&base)
        .await
        .map_err(|e| backend("start the standalone scheduler", e))?;
    let url = format!("http://localhost:{}", addr.port());
    let deadline = tokio::time::Instant::now() + CONNECT_TIMEOUT;
    let scheduler = loop {
        match SchedulerGrpcClient::connect(url.clone()).await {
            // The executor polls its tasks through this client, and a task
            // carries its plan with the frames made from local data: over
            // tonic's default 4 MiB a poll answer failed to decode, the
            // executor only logged it, and the job waited forever for tasks
            // the scheduler had handed out (W2 at SF 0.01).
            Ok(client) => {
                break client
                    .max_decoding_message_size(GRPC_MAX_MESSAGE_BYTES as usize)
                    .max_encoding_message_size(GRPC_MAX_MESSAGE_BYTES as usize);
            }
            Err(e) if tokio::time::Instant::now() >= deadline => {
                return Err(backend("connect to the standalone scheduler", e));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    ballista_executor::new_standalone_executor_from_state(scheduler, slots.max(1), &base)
        .await
        .map_err(|e| backend("start the standalone executor", e))?;
    let state = client_state(base, url).map_err(|e| backend("start the standalone cluster", e))?;
    Ok((SessionContext::new_with_state(state), addr.port()))
}

/// The query planner of the client session: DataFusion's physical planner,
/// then the whole physical plan as one Ballista job ([`BallistaJobExec`]).
#[derive(Debug)]
struct SubmitPhysicalPlan {
    scheduler_url: String,
}

#[async_trait]
impl QueryPlanner for SubmitPhysicalPlan {
    async fn create_physical_plan(
        &self,
        logical_plan: &LogicalPlan,
        session_state: &dyn Session,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let plan = DefaultPhysicalPlanner::default()
            .create_physical_plan(logical_plan, session_state)
            .await?;
        let plan = limit_memory_scans_outside(prepare_job(plan)?)?;
        Ok(Arc::new(BallistaJobExec::new(
            plan,
            self.scheduler_url.clone(),
            session_state.session_id().to_string(),
        )))
    }
}

/// `plan` ready to ship as one job: the input of every fugue map node
/// exposed as its child (so Ballista cuts stages at the map's repartition
/// and ships the input with it, [`fugue_datafusion::expose_map_inputs`]),
/// and every nested job — a map's input is planned through this planner
/// too — replaced by its own plan.
fn prepare_job(plan: Arc<dyn ExecutionPlan>) -> DfResult<Arc<dyn ExecutionPlan>> {
    fugue_datafusion::expose_map_inputs(plan)?
        .transform_up(|node| match node.downcast_ref::<BallistaJobExec>() {
            Some(job) => Ok(Transformed::yes(prepare_job(Arc::clone(&job.plan))?)),
            None => Ok(Transformed::no(node)),
        })
        .data()
}

/// `plan` with the row limit (`fetch`) of every in-memory scan moved into a
/// `LocalLimitExec` above it (the same per-partition limit).
///
/// Works around Ballista 55: when the scheduler restricts a stage's leaves
/// to a task's partitions (`restrict_plan_to_partitions`) it rebuilds an
/// in-memory scan without its `fetch`, so `take(n)` of a local frame
/// (DataFusion pushes the limit into the scan) returned every row.
fn limit_memory_scans_outside(plan: Arc<dyn ExecutionPlan>) -> DfResult<Arc<dyn ExecutionPlan>> {
    plan.transform_up(|node| {
        let Some(scan) = node.downcast_ref::<DataSourceExec>() else {
            return Ok(Transformed::no(node));
        };
        let source: &dyn std::any::Any = scan.data_source().as_ref();
        let Some(memory) = source.downcast_ref::<MemorySourceConfig>() else {
            return Ok(Transformed::no(node));
        };
        let Some(fetch) = memory.fetch() else {
            return Ok(Transformed::no(node));
        };
        let unlimited = DataSourceExec::from_data_source(memory.clone().with_limit(None));
        Ok(Transformed::yes(Arc::new(LocalLimitExec::new(unlimited, fetch))))
    })
    .data()
}

/// A physical plan run as one job on the Ballista cluster; its single
/// output partition streams the job's result from the executors.
#[derive(Debug)]
struct BallistaJobExec {
    plan: Arc<dyn ExecutionPlan>,
    scheduler_url: String,
    session_id: String,
    properties: Arc<PlanProperties>,
}

impl BallistaJobExec {
    fn new(plan: Arc<dyn ExecutionPlan>, scheduler_url: String, session_id: String) -> Self {
        let properties = Arc::new(PlanProperties::new(
            EquivalenceProperties::new(plan.schema()),
            Partitioning::UnknownPartitioning(1),
            EmissionType::Incremental,
            Boundedness::Bounded,
        ));
        BallistaJobExec { plan, scheduler_url, session_id, properties }
    }
}

impl DisplayAs for BallistaJobExec {
    /// The scheduler, then (except in tree rendering) the job's plan.
    fn fmt_as(&self, t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        match t {
            DisplayFormatType::Default | DisplayFormatType::Verbose => {
                writeln!(f, "BallistaJobExec: scheduler_url={}", self.scheduler_url)?;
                let job = datafusion::physical_plan::displayable(self.plan.as_ref()).indent(true);
                write!(f, "job:\n{job}")
            }
            DisplayFormatType::TreeRender => write!(f, "scheduler_url={}", self.scheduler_url),
        }
    }
}

impl ExecutionPlan for BallistaJobExec {
    fn name(&self) -> &str {
        "BallistaJobExec"
    }

    fn schema(&self) -> SchemaRef {
        self.plan.schema()
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    /// None: the job's plan runs on the cluster, so local optimizer passes
    /// must not rewrite it (it is already optimised).
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>,
    ) -> DfResult<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        _children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        Ok(self)
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        if partition != 0 {
            return Err(DataFusionError::Internal(format!(
                "BallistaJobExec has one partition, asked for {partition}"
            )));
        }
        let config = context.session_config().clone();
        let ballista = config.ballista_config();
        let codec = config.ballista_physical_extension_codec();
        let plan = Arc::clone(&self.plan);
        let (url, session_id) = (self.scheduler_url.clone(), self.session_id.clone());
        let job = async move {
            ballista_core::execution_plans::execute_physical_plan::<PhysicalPlanNode>(
                url,
                &ballista,
                plan,
                codec.as_ref(),
                session_id,
                config,
            )
            .await
        };
        let stream = futures::stream::once(job).try_flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(self.schema(), stream)))
    }
}
