//! `BallistaExecutionEngine`: the DataFusion engine's plans run on a
//! Ballista cluster.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use fugue_core::conf::{Conf, MAX_THREADS};
use fugue_core::dataframe::DataFrameRef;
use fugue_core::engine::portable::{MapRecipe, local_recipe};
use fugue_core::engine::{
    Capabilities, DropnaHow, EngineRef, ExecutionEngine, FillValue, JoinType, LoadOptions,
    MapEngine, MapFn, NaPosition, OnInitFn, SampleSpec, SaveOptions, SqlEngineRef,
};
use fugue_core::spi::map::check_map_output_schema;
use fugue_core::{ColumnExpr, Error, LocalDataFrame, PartitionSpec, Result, Schema, SelectColumns};
use fugue_datafusion::{DATAFUSION_THREADS, DataFusionExecutionEngine};

use crate::session;

/// The registry name of this engine.
pub(crate) const ENGINE: &str = "ballista";

/// Conf key: the Ballista scheduler to run on, `df://host:port` (port
/// 50050 when omitted). Unset or empty: a standalone cluster (scheduler and
/// one executor) is started inside the engine.
pub const BALLISTA_URL: &str = "fugue.ballista.url";

/// Conf key: task slots of the standalone executor (default: the engine's
/// parallelism, `fugue.datafusion.threads`, else the number of CPUs).
/// Ignored with [`BALLISTA_URL`].
pub const BALLISTA_STANDALONE_SLOTS: &str = "fugue.ballista.standalone_slots";

/// Where the engine's plans run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cluster {
    /// A scheduler and an executor on the engine's own runtime; the
    /// scheduler's `df://localhost:port`.
    Standalone(String),
    /// A running scheduler (`fugue.ballista.url`, as given).
    Remote(String),
}

/// The Ballista execution engine (registered as `ballista`): the
/// [`DataFusionExecutionEngine`]'s logical plans (the same code, not a
/// copy), each run as one Ballista job.
///
/// - Built from a [`Conf`]: every `fugue.datafusion.*` key keeps its
///   meaning for the client session; [`BALLISTA_URL`] selects a running
///   scheduler, else a standalone cluster is started in-process (a
///   scheduler and one executor with [`BALLISTA_STANDALONE_SLOTS`] slots,
///   on ephemeral localhost ports), stopped when the engine and all its
///   frames are gone.
/// - Plans are planned physically on the client and submitted as physical
///   plans, so frames made from local data travel with the job.
/// - Frames are [`fugue_datafusion::DataFusionDataFrame`]s over the Ballista
///   session; the SQL facet is the DataFusion SQL engine on that session.
/// - `map_dataframe` runs the DataFusion engine's map node on the
///   executors: extensions registered by name (`transform(df, "name")`,
///   FugueSQL `USING name`) anywhere, Rust closures only on the standalone
///   cluster, whose executor shares this process (see
///   [`MapEngine::map_dataframe`] below).
///
/// Why a wrapper: the DataFusion engine fixes its name (`datafusion`) and
/// runs `map_dataframe` as an in-process plan node; this type changes only
/// those (plus `capabilities` and `Display`) and forwards every other
/// operation unchanged.
#[derive(Clone)]
pub struct BallistaExecutionEngine {
    inner: DataFusionExecutionEngine,
    cluster: Cluster,
}

impl fmt::Debug for BallistaExecutionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BallistaExecutionEngine")
            .field("cluster", &self.cluster)
            .field("datafusion", &self.inner)
            .finish()
    }
}

impl fmt::Display for BallistaExecutionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cluster {
            Cluster::Standalone(url) => write!(
                f,
                "BallistaExecutionEngine(standalone {url}, target_partitions={})",
                self.inner.target_partitions()
            ),
            Cluster::Remote(url) => write!(
                f,
                "BallistaExecutionEngine({url}, target_partitions={})",
                self.inner.target_partitions()
            ),
        }
    }
}

impl BallistaExecutionEngine {
    /// An engine from `conf` overlaid on the global defaults (ENG-CONF-1):
    /// on the scheduler of [`BALLISTA_URL`], else on a standalone cluster
    /// started now.
    ///
    /// # Errors
    /// `ERR-ARG` for a URL that is not `df://host[:port]` and for the
    /// DataFusion engine's bad conf values; `ERR-EXECUTION` when the
    /// standalone cluster cannot start.
    pub fn new(conf: Conf) -> Result<Self> {
        let full = Conf::new().with(&conf);
        let url: Option<String> = full.get_or_none(BALLISTA_URL)?;
        let url = url.filter(|u| !u.trim().is_empty());
        let (inner, cluster) = match url {
            Some(given) => {
                let scheduler = session::scheduler_url(BALLISTA_URL, &given)?;
                let inner =
                    DataFusionExecutionEngine::with_session_context(ENGINE, conf, |state| {
                        session::remote(state, scheduler)
                    })?;
                (inner, Cluster::Remote(given))
            }
            None => {
                let slots = full
                    .get_int_in(
                        BALLISTA_STANDALONE_SLOTS,
                        i64::MIN,
                        MAX_THREADS,
                        "every slot runs a task at once",
                    )?
                    .filter(|v| *v > 0)
                    .or(full.get_int_in(
                        DATAFUSION_THREADS,
                        i64::MIN,
                        MAX_THREADS,
                        "the tokio runtime starts every worker thread up front",
                    )?)
                    .and_then(|v| usize::try_from(v).ok())
                    .filter(|v| *v > 0)
                    .unwrap_or_else(|| {
                        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
                    });
                let port = Arc::new(AtomicU16::new(0));
                let seen = Arc::clone(&port);
                let inner = DataFusionExecutionEngine::with_session_context(
                    ENGINE,
                    conf,
                    move |state| async move {
                        let (ctx, port) = session::standalone(state, slots).await?;
                        seen.store(port, Ordering::SeqCst);
                        Ok(ctx)
                    },
                )?;
                let url = format!("df://localhost:{}", port.load(Ordering::SeqCst));
                (inner, Cluster::Standalone(url))
            }
        };
        Ok(BallistaExecutionEngine { inner, cluster })
    }

    /// A fresh engine on its own standalone cluster for the conformance
    /// suite (`fugue.test = true`, two threads and two slots).
    ///
    /// # Errors
    /// As [`BallistaExecutionEngine::new`].
    pub fn for_tests() -> Result<EngineRef> {
        let conf = Conf::empty()
            .with_entry(fugue_core::conf::TEST, true)
            .with_entry(DATAFUSION_THREADS, 2)
            .with_entry(BALLISTA_STANDALONE_SLOTS, 2);
        Ok(Arc::new(Self::new(conf)?))
    }

    /// The DataFusion engine this engine delegates to: its session is the
    /// Ballista client session (every plan of it runs on the cluster).
    pub fn datafusion(&self) -> &DataFusionExecutionEngine {
        &self.inner
    }

    /// True when the engine runs its own standalone cluster.
    pub fn is_standalone(&self) -> bool {
        matches!(self.cluster, Cluster::Standalone(_))
    }

    /// The scheduler the engine runs on, as a [`BALLISTA_URL`] value: the
    /// conf's URL, or `df://localhost:port` of the standalone scheduler
    /// (other engines, in this process or others on the machine, can run
    /// on it while this engine lives).
    pub fn scheduler(&self) -> &str {
        match &self.cluster {
            Cluster::Standalone(url) | Cluster::Remote(url) => url,
        }
    }
}

pub(crate) fn build_engine(conf: Conf) -> Result<EngineRef> {
    Ok(Arc::new(BallistaExecutionEngine::new(conf)?))
}

impl MapEngine for BallistaExecutionEngine {
    /// The DataFusion engine's map node, run on the executors.
    ///
    /// - Standalone: the executor is in this process, so the closure runs
    ///   there: it is kept in this process's table of local maps
    ///   ([`local_recipe`]) for as long as the map's frame lives, and the
    ///   node carries its id.
    /// - On a remote scheduler: `ERR-NOT-SUPPORTED` before anything runs
    ///   (after the checks that need no data: an empty output schema is
    ///   `ERR-SCHEMA`, missing key or presort columns `ERR-NOT-FOUND`): a
    ///   closure cannot reach executors in other processes. The fix named
    ///   in the error: register the extension by name, which
    ///   [`map_dataframe_with_recipe`](MapEngine::map_dataframe_with_recipe)
    ///   runs anywhere. `zip` and `comap` go through this method.
    fn map_dataframe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
    ) -> Result<DataFrameRef> {
        check_map_output_schema(output_schema)?;
        partition_spec.get_sorts(df.schema(), true)?;
        if let Cluster::Remote(url) = &self.cluster {
            return Err(closure_on_remote(url));
        }
        let local = Arc::new(local_recipe(Arc::clone(&map_fn), on_init.clone()));
        let recipe = local.recipe().clone();
        // the closure stays in the table while the map node (which holds
        // this function) can run
        let held: MapFn = Arc::new(move |cursor, part| {
            let _keep = &local;
            map_fn(cursor, part)
        });
        self.inner.map_dataframe_with_recipe(
            df,
            held,
            output_schema,
            partition_spec,
            on_init,
            &recipe,
        )
    }

    /// The DataFusion engine's map node with `recipe`, which every executor
    /// rebuilds the functions from (an extension registered by name is
    /// found in the executor's own registry: the executor binary must link
    /// the crate that registers it, see [`crate::cluster`]).
    ///
    /// # Errors
    /// As `map_dataframe`; a process-local recipe on a remote scheduler is
    /// `ERR-NOT-SUPPORTED`.
    fn map_dataframe_with_recipe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
        recipe: &MapRecipe,
    ) -> Result<DataFrameRef> {
        if let Cluster::Remote(url) = &self.cluster
            && recipe.is_process_local()
        {
            return Err(closure_on_remote(url));
        }
        self.inner.map_dataframe_with_recipe(
            df,
            map_fn,
            output_schema,
            partition_spec,
            on_init,
            recipe,
        )
    }
}

/// `ERR-NOT-SUPPORTED`: a closure map on the remote cluster `url`.
fn closure_on_remote(url: &str) -> Error {
    Error::unsupported(
        ENGINE,
        format!(
            "map_dataframe with a Rust closure on the cluster {url}: a closure cannot travel to \
             executors in other processes. Register the extension by name \
             (fugue_api::register_transformer! and its siblings) and use it by that name, and \
             link its crate into the executors (fugue_ballista::cluster::run_executor); or use \
             the standalone cluster (no fugue.ballista.url), whose executor is in this process"
        ),
    )
}

impl ExecutionEngine for BallistaExecutionEngine {
    fn name(&self) -> &str {
        ENGINE
    }

    fn conf(&self) -> &Conf {
        self.inner.conf()
    }

    /// The DataFusion engine's, distributed (ENG-GEN-4).
    fn capabilities(&self) -> Capabilities {
        Capabilities { distributed: true, ..self.inner.capabilities() }
    }

    fn get_current_parallelism(&self) -> usize {
        self.inner.get_current_parallelism()
    }

    /// The DataFusion SQL engine on the Ballista session (its queries run
    /// on the cluster).
    fn sql_engine(&self) -> Result<SqlEngineRef> {
        self.inner.sql_engine()
    }

    fn to_df(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        self.inner.to_df(df)
    }

    fn wrap_local(&self, local: LocalDataFrame) -> Result<DataFrameRef> {
        self.inner.wrap_local(local)
    }

    fn repartition(&self, df: &DataFrameRef, spec: &PartitionSpec) -> Result<DataFrameRef> {
        self.inner.repartition(df, spec)
    }

    fn broadcast(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        self.inner.broadcast(df)
    }

    /// Collects the result from the cluster into the client's memory; later
    /// plans send it with their jobs.
    fn persist(&self, df: &DataFrameRef, lazy: bool) -> Result<DataFrameRef> {
        self.inner.persist(df, lazy)
    }

    fn join(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        how: JoinType,
        on: &[&str],
    ) -> Result<DataFrameRef> {
        self.inner.join(df1, df2, how, on)
    }

    fn union(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        self.inner.union(df1, df2, distinct)
    }

    fn subtract(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        self.inner.subtract(df1, df2, distinct)
    }

    fn intersect(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        self.inner.intersect(df1, df2, distinct)
    }

    fn distinct(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        self.inner.distinct(df)
    }

    fn dropna(
        &self,
        df: &DataFrameRef,
        how: DropnaHow,
        thresh: Option<usize>,
        subset: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        self.inner.dropna(df, how, thresh, subset)
    }

    fn fillna(
        &self,
        df: &DataFrameRef,
        value: &FillValue,
        subset: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        self.inner.fillna(df, value, subset)
    }

    fn sample(&self, df: &DataFrameRef, spec: &SampleSpec) -> Result<DataFrameRef> {
        self.inner.sample(df, spec)
    }

    fn take(
        &self,
        df: &DataFrameRef,
        n: usize,
        presort: &str,
        na_position: NaPosition,
        partition_spec: &PartitionSpec,
    ) -> Result<DataFrameRef> {
        // the window plan: the DataFusion engine's two-phase take maps a
        // Rust closure, which cannot reach executors in other processes
        self.inner.take_by_window(df, n, presort, na_position, partition_spec)
    }

    fn select(
        &self,
        df: &DataFrameRef,
        cols: &SelectColumns,
        where_: Option<&ColumnExpr>,
        having: Option<&ColumnExpr>,
    ) -> Result<DataFrameRef> {
        self.inner.select(df, cols, where_, having)
    }

    fn filter(&self, df: &DataFrameRef, condition: &ColumnExpr) -> Result<DataFrameRef> {
        self.inner.filter(df, condition)
    }

    fn assign(&self, df: &DataFrameRef, columns: &[ColumnExpr]) -> Result<DataFrameRef> {
        self.inner.assign(df, columns)
    }

    fn aggregate(
        &self,
        df: &DataFrameRef,
        partition_spec: &PartitionSpec,
        agg_cols: &[ColumnExpr],
    ) -> Result<DataFrameRef> {
        self.inner.aggregate(df, partition_spec, agg_cols)
    }

    fn load_df(&self, paths: &[&str], options: &LoadOptions) -> Result<DataFrameRef> {
        self.inner.load_df(paths, options)
    }

    fn save_df(&self, df: &DataFrameRef, path: &str, options: &SaveOptions) -> Result<()> {
        self.inner.save_df(df, path, options)
    }

    // `zip` and `comap` keep the trait defaults on purpose: they run over
    // `self.map_dataframe` (this engine's answer), where forwarding would
    // run the DataFusion engine's in-process map plan node instead.

    fn on_enter_context(&self) {
        self.inner.on_enter_context();
    }

    fn on_exit_context(&self) {
        self.inner.on_exit_context();
    }

    fn stop(&self) {
        self.inner.stop();
    }
}
