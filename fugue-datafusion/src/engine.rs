//! `DataFusionExecutionEngine`: every fugue operation on Apache DataFusion.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use arrow::array::UInt64Array;
use arrow::compute::{concat_batches, take_record_batch};
use datafusion::catalog::MemTable;
use datafusion::config::ConfigOptions;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::context::{SessionConfig, SessionContext, SessionState};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::logical_expr::Partitioning as LogicalPartitioning;
use fugue_core::conf::{Conf, MAX_PARTITIONS, MAX_THREADS};
use fugue_core::dataframe::{DataFrame, DataFrameRef};
use fugue_core::engine::portable::{BuiltMap, MapRecipe};
use fugue_core::engine::{
    Capabilities, DropnaHow, EngineRef, ExecutionEngine, FillValue, JoinType, LoadOptions,
    MapEngine, NaPosition, SampleSpec, SaveOptions, SqlEngineRef,
};
use fugue_core::engine::{MapFn, OnInitFn};
use fugue_core::partition::{PartitionAlgo, parse_size_bytes};
use fugue_core::spi::kernels;
use fugue_core::spi::map::check_map_output_schema;
use fugue_core::spi::plan::{check_set_schemas, plan_join};
use fugue_core::spi::{SqlFacetSlot, configured_sql_engine};
use fugue_core::{
    ColumnExpr, Error, LocalDataFrame, PartitionSpec, Result, Schema, SelectColumns,
    make_sql_engine,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::{DfResultExt, ENGINE};
use crate::frame::DataFusionDataFrame;
use crate::plan::expr::ident;
use crate::plan::map::{MapParams, MapSource, MapTable, materialized};
use crate::runtime::EngineRuntime;
use crate::{layout, plan};

/// Conf key: worker threads of the engine's tokio runtime (default: the
/// number of CPUs). It is the engine's parallelism (ENG-GEN-6).
pub const DATAFUSION_THREADS: &str = "fugue.datafusion.threads";
/// Conf key: DataFusion's target partitions (default: the parallelism).
pub const DATAFUSION_TARGET_PARTITIONS: &str = "fugue.datafusion.target_partitions";
/// Conf key: DataFusion's batch size in rows (default: DataFusion's, 8192).
pub const DATAFUSION_BATCH_SIZE: &str = "fugue.datafusion.batch_size";
/// Conf key: memory limit of DataFusion's memory pool, in bytes or as size
/// text (`"2g"`); unset means unlimited; zero, negative or unparsable
/// values are `ERR-ARG`.
pub const DATAFUSION_MEMORY_LIMIT: &str = "fugue.datafusion.memory_limit";
/// Conf keys starting with `datafusion.` are DataFusion's own session
/// options, passed through unchanged (`--conf
/// datafusion.optimizer.enable_window_topn=true`; the names are DataFusion's
/// `ConfigOptions`, as `SET` and `SHOW ALL` spell them). An unknown name or
/// a value DataFusion rejects is `ERR-ARG` when the engine is built.
pub const DATAFUSION_OPTION_PREFIX: &str = "datafusion.";
/// Conf key: when true, `map_dataframe` returns the lazy plan and the user
/// function runs only when the result is used; by default (false) the map
/// runs during the call and its output is kept in memory, so side effects
/// and errors of the user function belong to the call (ENG-MAP-9).
pub const DATAFUSION_LAZY_MAP: &str = "fugue.datafusion.lazy_map";

/// What every handle of one engine (and every frame it made) shares: the
/// conf, the DataFusion session and the runtime plans execute on.
pub(crate) struct Shared {
    conf: Conf,
    ctx: SessionContext,
    runtime: EngineRuntime,
    target_partitions: usize,
}

impl Shared {
    pub(crate) fn ctx(&self) -> &SessionContext {
        &self.ctx
    }

    pub(crate) fn runtime(&self) -> &EngineRuntime {
        &self.runtime
    }
}

/// The DataFusion execution engine (registered as `datafusion`): every
/// operation of `spec/ENGINE.md` as DataFusion logical plans, run lazily on
/// the engine's own multi-thread tokio runtime.
///
/// - Built from a [`Conf`] mapped to DataFusion's `SessionConfig`: target
///   partitions = the parallelism (`fugue.datafusion.threads`, default the
///   number of CPUs) unless `fugue.datafusion.target_partitions` is set;
///   `fugue.datafusion.batch_size`; `fugue.datafusion.memory_limit`.
/// - The API is synchronous and works from any thread, also from inside
///   another tokio runtime (a `#[tokio::test]`, a web handler).
/// - Frames are [`DataFusionDataFrame`]s; `to_df` takes frames of any engine
///   (local Arrow data is registered without copying) and
///   [`DataFusionExecutionEngine::from_datafusion`] takes a DataFusion frame.
/// - Its SQL facet is [`crate::DataFusionSqlEngine`] (ENG-SQL).
/// - Clones are the same engine (ENG-GEN-3).
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::{col, Conf, DataFrame, DataFrameRef, ExecutionEngine, LocalDataFrame, Value};
/// use fugue_datafusion::DataFusionExecutionEngine;
///
/// let engine = DataFusionExecutionEngine::new(Conf::new())?;
/// let rows = vec![vec![Value::from(1), Value::from("x")], vec![Value::from(2), Value::Null]];
/// let df: DataFrameRef = Arc::new(LocalDataFrame::from_rows(rows, "a:int,b:str")?);
/// let kept = engine.filter(&df, &col("b").not_null())?;
/// assert_eq!(kept.count()?, 1);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Clone)]
pub struct DataFusionExecutionEngine {
    shared: Arc<Shared>,
    sql: SqlFacetSlot,
}

impl fmt::Debug for DataFusionExecutionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataFusionExecutionEngine")
            .field("threads", &self.shared.runtime.threads())
            .field("target_partitions", &self.shared.target_partitions)
            .finish()
    }
}

impl fmt::Display for DataFusionExecutionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DataFusionExecutionEngine(threads={}, target_partitions={})",
            self.shared.runtime.threads(),
            self.shared.target_partitions
        )
    }
}

/// The largest accepted `fugue.datafusion.batch_size` (rows per batch).
const MAX_BATCH_SIZE: i64 = 1 << 24;

/// A conf value in `1..=max`; `None` when unset or ≤ 0 (the default then
/// applies, as documented for each key).
///
/// # Errors
/// `ERR-ARG` naming the key when the value is not an integer or above `max`.
fn positive(conf: &Conf, key: &str, max: i64, why: &str) -> Result<Option<usize>> {
    let v = conf.get_int_in(key, i64::MIN, max, why)?.unwrap_or(0);
    Ok(usize::try_from(v).ok().filter(|v| *v > 0))
}

/// The memory limit in bytes: a positive integer or size text (`"512m"`);
/// `None` when unset.
///
/// # Errors
/// `ERR-ARG` for a value that is not a size, or zero or negative (use no
/// limit by leaving the key unset).
fn memory_limit(conf: &Conf) -> Result<Option<usize>> {
    let bad = |v: &str| {
        Error::arg(
            DATAFUSION_MEMORY_LIMIT,
            format!(
                "conf value `{v}` is not a memory size: expected a positive number of bytes \
                 or size text such as `512m` or `2g` (leave the key unset for no limit)"
            ),
        )
    };
    let text: Option<String> = conf.get_or_none(DATAFUSION_MEMORY_LIMIT)?;
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    let bytes = match text.trim().parse::<i64>() {
        Ok(b) if b > 0 => usize::try_from(b).map_err(|_| bad(&text))?,
        Ok(_) => return Err(bad(&text)),
        Err(_) => {
            if text.trim().starts_with('-') {
                return Err(bad(&text));
            }
            let bytes = parse_size_bytes(&text).map_err(|_| bad(&text))?;
            usize::try_from(bytes).unwrap_or(usize::MAX)
        }
    };
    if bytes == 0 {
        return Err(bad(&text));
    }
    Ok(Some(bytes))
}

/// What an engine takes from its conf: the conf itself, the parallelism
/// and the DataFusion session state built from it.
struct Setup {
    conf: Conf,
    threads: usize,
    state: SessionState,
}

impl Setup {
    /// The conf mapped to DataFusion's `SessionConfig` and runtime
    /// environment (see [`DataFusionExecutionEngine::new`]).
    fn from_conf(conf: Conf) -> Result<Self> {
        let conf = Conf::new().with(&conf);
        let threads = match positive(
            &conf,
            DATAFUSION_THREADS,
            MAX_THREADS,
            "the tokio runtime starts every worker thread up front",
        )? {
            Some(t) => t,
            None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        };
        let target_partitions = positive(
            &conf,
            DATAFUSION_TARGET_PARTITIONS,
            MAX_PARTITIONS,
            "every partition is a stream held in memory",
        )?
        .unwrap_or(threads);
        let mut config = SessionConfig::new().with_target_partitions(target_partitions);
        if let Some(b) =
            positive(&conf, DATAFUSION_BATCH_SIZE, MAX_BATCH_SIZE, "each batch is allocated whole")?
        {
            config = config.with_batch_size(b);
        }
        {
            // fugue's str is Utf8: keep DataFusion from switching to views
            let options = config.options_mut();
            options.execution.parquet.schema_force_view_types = false;
            options.sql_parser.map_string_types_to_utf8view = false;
            datafusion_options(&conf, options)?;
        }
        let mut rt = RuntimeEnvBuilder::new();
        if let Some(limit) = memory_limit(&conf)? {
            rt = rt.with_memory_limit(limit, 1.0);
        }
        let rt = rt.build_arc().fugue("build the datafusion runtime environment")?;
        let state = SessionStateBuilder::new()
            .with_config(config)
            .with_runtime_env(rt)
            .with_default_features()
            .build();
        Ok(Setup { conf, threads, state })
    }
}

/// Every conf entry whose key starts with [`DATAFUSION_OPTION_PREFIX`]
/// (`datafusion.optimizer.enable_window_topn`, `datafusion.execution.
/// parquet.pushdown_filters`, ...) set on DataFusion's `ConfigOptions` as
/// DataFusion's own `SET key = value` would (booleans and numbers as their
/// text). They are applied after fugue's own mapping, so they win over it.
///
/// # Errors
/// `ERR-ARG` naming the key when DataFusion has no such option or rejects
/// the value (DataFusion's message kept).
fn datafusion_options(conf: &Conf, options: &mut ConfigOptions) -> Result<()> {
    for (key, value) in conf.iter() {
        if !key.starts_with(DATAFUSION_OPTION_PREFIX) {
            continue;
        }
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => value.to_string(),
            other => {
                return Err(Error::arg(
                    key,
                    format!("a DataFusion option takes a string, number or boolean, not {other}"),
                ));
            }
        };
        options
            .set(key, &text)
            .map_err(|e| Error::arg(key, format!("DataFusion rejects `{key} = {text}`: {e}")))?;
    }
    Ok(())
}

impl DataFusionExecutionEngine {
    /// An engine from `conf` overlaid on the global defaults (ENG-CONF-1),
    /// with its own DataFusion session and tokio runtime.
    ///
    /// # Errors
    /// `ERR-ARG` for conf values that are not numbers (or size text for the
    /// memory limit); `ERR-EXECUTION` when the runtime cannot be built.
    pub fn new(conf: Conf) -> Result<Self> {
        let setup = Setup::from_conf(conf)?;
        let runtime = EngineRuntime::new(setup.threads, ENGINE)?;
        Ok(Self::assemble(setup.conf, SessionContext::new_with_state(setup.state), runtime))
    }

    /// An engine whose DataFusion session is built by `make` — the way a
    /// backend that runs DataFusion plans elsewhere (fugue-ballista: a
    /// Ballista cluster) reuses this engine's plan building unchanged.
    ///
    /// `make` receives the session state [`DataFusionExecutionEngine::new`]
    /// would use (the conf mapped to DataFusion's config and runtime
    /// environment) and returns the context the engine plans and runs on.
    /// It runs on the engine's own tokio runtime, so tasks it spawns (an
    /// in-process scheduler, say) live as long as the engine and its frames,
    /// and stop with them. The target partitions are read back from the
    /// returned context. DataFusion's errors while running plans name
    /// `engine` (the outer engine's registry name, e.g. `ballista`) instead
    /// of `datafusion`.
    ///
    /// # Errors
    /// As [`DataFusionExecutionEngine::new`], and the errors of `make`.
    pub fn with_session_context<F, Fut>(engine: &'static str, conf: Conf, make: F) -> Result<Self>
    where
        F: FnOnce(SessionState) -> Fut,
        Fut: Future<Output = Result<SessionContext>> + Send,
    {
        let setup = Setup::from_conf(conf)?;
        let runtime = EngineRuntime::new(setup.threads, engine)?;
        let ctx = runtime.block_on(make(setup.state))?;
        Ok(Self::assemble(setup.conf, ctx, runtime))
    }

    fn assemble(conf: Conf, ctx: SessionContext, runtime: EngineRuntime) -> Self {
        let target_partitions = ctx.copied_config().target_partitions();
        DataFusionExecutionEngine {
            shared: Arc::new(Shared { conf, ctx, runtime, target_partitions }),
            sql: SqlFacetSlot::new(),
        }
    }

    /// A fresh engine for the conformance suite (`fugue.test = true`).
    ///
    /// # Errors
    /// As [`DataFusionExecutionEngine::new`].
    pub fn for_tests() -> Result<EngineRef> {
        let conf = Conf::empty().with_entry(fugue_core::conf::TEST, true);
        Ok(Arc::new(Self::new(conf)?))
    }

    /// `take` (ENG-TAKE-1..6) as one DataFusion plan: `row_number()` over
    /// the partition keys in presort order, filtered to `<= n` (a sort of
    /// every row, or DataFusion's per-partition top-k when
    /// `datafusion.optimizer.enable_window_topn` is on). What
    /// [`ExecutionEngine::take`] runs where its two-phase plan does not
    /// apply, and what distributed engines built on this one (Ballista)
    /// run, since the two-phase plan's first phase is a map of a Rust
    /// closure.
    ///
    /// # Errors
    /// As [`ExecutionEngine::take`].
    pub fn take_by_window(
        &self,
        df: &DataFrameRef,
        n: usize,
        presort: &str,
        na_position: NaPosition,
        partition_spec: &PartitionSpec,
    ) -> Result<DataFrameRef> {
        let a = self.frame(df)?;
        let schema = a.schema().clone();
        let take = fugue_core::spi::plan::plan_take(&schema, presort, partition_spec)?;
        let out = plan::take(
            plan::normalise(a.to_native())?,
            &schema,
            n,
            &take.sorts,
            na_position,
            &take.keys,
        )?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(Arc::clone(&self.shared), out, schema)))
    }

    /// The engine's DataFusion session (register tables, UDFs, read files).
    pub fn session_context(&self) -> &SessionContext {
        &self.shared.ctx
    }

    /// DataFusion's target partitions of this engine.
    pub fn target_partitions(&self) -> usize {
        self.shared.target_partitions
    }

    /// A frame of this engine over a DataFusion frame (no copy, nothing runs).
    ///
    /// # Errors
    /// `ERR-SCHEMA` when the frame has no column or types fugue cannot represent.
    pub fn from_datafusion(&self, df: datafusion::dataframe::DataFrame) -> Result<DataFrameRef> {
        Ok(Arc::new(DataFusionDataFrame::new(Arc::clone(&self.shared), df)?))
    }

    /// Any frame as a DataFusion frame of this engine (ENG-TODF-1/2): a
    /// DataFusion frame is returned as is; local Arrow data becomes a
    /// `MemTable` sharing its buffers (no copy); other frames are
    /// materialised first. Metadata kept; a zero-row frame keeps its schema.
    ///
    /// # Errors
    /// Errors of the source frame while materialising.
    pub fn to_datafusion(&self, df: &DataFrameRef) -> Result<DataFusionDataFrame> {
        if let Some(d) = df.downcast_ref::<DataFusionDataFrame>() {
            return Ok(d.clone());
        }
        self.local_frame(df.as_local_bounded()?)
    }

    /// A frame over local Arrow batches (zero copy).
    pub(crate) fn local_frame(&self, local: LocalDataFrame) -> Result<DataFusionDataFrame> {
        let schema = local.schema().clone();
        let metadata = local.metadata().clone();
        let table = MemTable::try_new(Arc::clone(schema.arrow()), vec![local.into_batches()])
            .fugue("to_df")?;
        let df = self.shared.ctx.read_table(Arc::new(table)).fugue("to_df")?;
        Ok(DataFusionDataFrame::with_schema(Arc::clone(&self.shared), df, schema)
            .with_metadata_map(metadata))
    }

    fn frame(&self, df: &DataFrameRef) -> Result<DataFusionDataFrame> {
        self.to_datafusion(df)
    }

    fn wrap(&self, df: datafusion::dataframe::DataFrame) -> Result<DataFrameRef> {
        Ok(Arc::new(DataFusionDataFrame::new(Arc::clone(&self.shared), df)?))
    }

    /// All rows of `df` as one batch with its normalised schema.
    fn one_batch(
        &self,
        df: &DataFusionDataFrame,
    ) -> Result<(LocalDataFrame, arrow::record_batch::RecordBatch)> {
        let local = df.local_in_partition_order()?;
        let batch = concat_batches(local.schema().arrow(), local.batches())?;
        Ok((local, batch))
    }

    /// `fugue.default.partitions` when > 0, else the target partitions
    /// (PS-NUM-6 "engine default").
    fn default_partitions(&self) -> Result<usize> {
        fugue_core::spi::layout::default_partitions(
            &self.shared.conf,
            self.shared.target_partitions,
        )
    }

    /// The SQL engine name to use: `fugue.sql.engine` when set, else `datafusion`.
    fn sql_engine_name(&self) -> Result<String> {
        Ok(configured_sql_engine(&self.shared.conf, Some(ENGINE))?.unwrap_or_default())
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

pub(crate) fn build_engine(conf: Conf) -> Result<EngineRef> {
    Ok(Arc::new(DataFusionExecutionEngine::new(conf)?))
}

impl MapEngine for DataFusionExecutionEngine {
    /// `map_dataframe` as a plan node (a streaming `ExecutionPlan` over the
    /// laid-out input): keyed specs (except `even`) hash-partition by the keys into N
    /// partitions (N = the spec's number, else `fugue.default.partitions`,
    /// else the target partitions) and stream each partition through the
    /// user function; unkeyed specs without a number keep the input's
    /// partitions; `even`, contiguous splits, `rand` and `per_row` lay the
    /// rows out from the materialised input (they need the whole input).
    fn map_dataframe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
    ) -> Result<DataFrameRef> {
        self.map_with(df, BuiltMap { map_fn, on_init }, output_schema, partition_spec, None)
    }

    /// As `map_dataframe`; the recipe travels with the map node (for
    /// distributed engines built on this one, see [`crate::encode_map_exec`]).
    fn map_dataframe_with_recipe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
        recipe: &MapRecipe,
    ) -> Result<DataFrameRef> {
        let functions = BuiltMap { map_fn, on_init };
        self.map_with(df, functions, output_schema, partition_spec, Some(recipe.clone()))
    }
}

impl DataFusionExecutionEngine {
    /// The lazy plan of `map_dataframe` (nothing runs): a [`MapTable`] scan
    /// over the layout the spec asks for.
    fn map_plan(
        &self,
        df: &DataFrameRef,
        functions: BuiltMap,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        recipe: Option<MapRecipe>,
    ) -> Result<DataFrameRef> {
        check_map_output_schema(output_schema)?;
        let input = self.frame(df)?;
        let schema = input.schema().clone();
        let sorts = partition_spec.get_sorts(&schema, true)?;
        let keys = partition_spec.partition_by().to_vec();
        let algo = partition_spec.algo_or_default();
        let n = partition_spec
            .eval_num_partitions(|| input.count(), || self.get_current_parallelism())?;
        let source = if !keys.is_empty() && algo != PartitionAlgo::Even {
            let n = if n > 0 {
                usize::try_from(n).unwrap_or(usize::MAX)
            } else {
                self.default_partitions()?
            };
            MapSource::Hash {
                input: plan::normalise(input.to_native())?,
                keys: keys.clone(),
                sorts,
                n,
            }
        } else if keys.is_empty() && n <= 0 && algo != PartitionAlgo::Even {
            let presort = partition_spec.get_sorts(&schema, false)?;
            MapSource::Keep { input: plan::normalise(input.to_native())?, sorts: presort }
        } else {
            let (_, batch) = self.one_batch(&input)?;
            let parts =
                layout::split(&batch, &schema, partition_spec, n, self.default_partitions()?)?;
            materialized(parts, Arc::clone(schema.arrow()))
        };
        let params = MapParams::new(
            functions,
            recipe,
            schema,
            output_schema.clone(),
            partition_spec.clone(),
            keys.is_empty() || algo == PartitionAlgo::Coarse,
        );
        let table = MapTable::new(source, params);
        let df = self.shared.ctx.read_table(Arc::new(table)).fugue("map_dataframe")?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(
            Arc::clone(&self.shared),
            df,
            output_schema.clone(),
        )))
    }

    /// `map_dataframe` with the functions and, for other processes, their
    /// recipe: the plan of [`DataFusionExecutionEngine::map_plan`], run now
    /// unless the conf asks for lazy maps.
    fn map_with(
        &self,
        df: &DataFrameRef,
        functions: BuiltMap,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        recipe: Option<MapRecipe>,
    ) -> Result<DataFrameRef> {
        let out = self.map_plan(df, functions, output_schema, partition_spec, recipe)?;
        if self.shared.conf.get(DATAFUSION_LAZY_MAP, false)? {
            return Ok(out);
        }
        // the user function runs now (its side effects and errors belong to
        // this call, ENG-MAP-9); the input still streams through it
        self.persist(&out, false)
    }
}

impl ExecutionEngine for DataFusionExecutionEngine {
    fn name(&self) -> &str {
        ENGINE
    }

    fn conf(&self) -> &Conf {
        &self.shared.conf
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { sql: true, table_storage: false, save_append: true, distributed: false }
    }

    /// The number of worker threads of the engine's runtime (ENG-GEN-6).
    fn get_current_parallelism(&self) -> usize {
        self.shared.runtime.threads().max(1)
    }

    /// The SQL facet (ENG-SQL-4, ENG-GEN-5): [`crate::DataFusionSqlEngine`]
    /// unless `fugue.sql.engine` names another registered SQL engine; built
    /// on first use, then shared by every clone of the engine.
    ///
    /// # Errors
    /// `ERR-PLUGIN` when the configured name is not registered.
    fn sql_engine(&self) -> Result<SqlEngineRef> {
        self.sql.get_or_build(|slot| {
            let facet_handle =
                DataFusionExecutionEngine { shared: Arc::clone(&self.shared), sql: slot };
            let name = self.sql_engine_name()?;
            if name.eq_ignore_ascii_case(ENGINE) {
                Ok(Arc::new(crate::sql::DataFusionSqlEngine::bound(
                    Arc::new(facet_handle.clone()),
                    facet_handle,
                )))
            } else {
                make_sql_engine(&name, Arc::new(facet_handle))
            }
        })
    }

    /// ENG-TODF-1..4: a DataFusion frame is returned as is (the same `Arc`,
    /// metadata kept); local Arrow data is registered without copying; any
    /// other frame is materialised first.
    fn to_df(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        if df.is::<DataFusionDataFrame>() {
            return Ok(Arc::clone(df));
        }
        Ok(Arc::new(self.to_datafusion(df)?))
    }

    /// Keyed specs (except `even`) become a logical hash repartition into N
    /// partitions (the spec's number, else the engine default); other specs
    /// keep the layout (ENG-REPART-1 allows it for local engines). Metadata kept.
    fn repartition(&self, df: &DataFrameRef, spec: &PartitionSpec) -> Result<DataFrameRef> {
        let input = self.frame(df)?;
        if spec.is_empty() {
            return Ok(Arc::new(input));
        }
        spec.get_sorts(input.schema(), true)?;
        let keys = spec.partition_by();
        if keys.is_empty() || spec.algo_or_default() == PartitionAlgo::Even {
            return Ok(Arc::new(input));
        }
        let n = spec.eval_num_partitions(|| input.count(), || self.get_current_parallelism())?;
        let n = if n > 0 {
            usize::try_from(n).unwrap_or(usize::MAX)
        } else {
            self.default_partitions()?
        };
        let exprs = keys.iter().map(|k| ident(k)).collect();
        let out = input
            .to_native()
            .repartition(LogicalPartitioning::Hash(exprs, n))
            .fugue("repartition")?;
        Ok(Arc::new(input.derive(out)?.with_metadata_map(input.metadata().clone())))
    }

    /// A local engine has nothing to replicate: `to_df` (ENG-BCAST-1/2).
    fn broadcast(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        self.to_df(df)
    }

    /// Computes the plan into memory (DataFusion's `cache`) so later uses do
    /// not recompute it (ENG-PERSIST-1); a persisted frame comes back as the
    /// same `Arc` (ENG-PERSIST-2); metadata kept (ENG-PERSIST-4). `lazy`
    /// persists eagerly too.
    fn persist(&self, df: &DataFrameRef, _lazy: bool) -> Result<DataFrameRef> {
        if df.downcast_ref::<DataFusionDataFrame>().is_some_and(DataFusionDataFrame::is_persisted) {
            return Ok(Arc::clone(df));
        }
        let input = self.frame(df)?;
        let native = input.to_native();
        let cached =
            self.shared.runtime.block_on(async move { native.cache().await.fugue("persist") })?;
        Ok(Arc::new(
            DataFusionDataFrame::with_schema(
                Arc::clone(&self.shared),
                cached,
                input.schema().clone(),
            )
            .with_metadata_map(input.metadata().clone())
            .into_persisted(),
        ))
    }

    fn join(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        how: JoinType,
        on: &[&str],
    ) -> Result<DataFrameRef> {
        let jp = plan_join(df1.schema(), df2.schema(), how, on)?;
        let (a, b) = (self.frame(df1)?, self.frame(df2)?);
        let out = plan::join(a.to_native(), b.to_native(), a.schema(), b.schema(), &jp)?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(
            Arc::clone(&self.shared),
            out,
            jp.output_schema,
        )))
    }

    fn union(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        check_set_schemas("union", df1.schema(), df2.schema())?;
        let (a, b) = (self.frame(df1)?, self.frame(df2)?);
        let out = plan::union(a.to_native(), b.to_native(), distinct)?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(
            Arc::clone(&self.shared),
            out,
            a.schema().clone(),
        )))
    }

    fn subtract(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        check_set_schemas("subtract", df1.schema(), df2.schema())?;
        if !distinct {
            // EXCEPT ALL (ENG-SET-6): DataFusion's `except` drops every copy of a row
            // found on the right (upstream bug); core's kernel keeps `max(n − m, 0)`.
            let (a, b) = (df1.as_local_bounded()?, df2.as_local_bounded()?);
            return Ok(Arc::new(self.local_frame(kernels::subtract(&a, &b, false)?)?));
        }
        let (a, b) = (self.frame(df1)?, self.frame(df2)?);
        let out = plan::subtract(a.to_native(), b.to_native())?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(
            Arc::clone(&self.shared),
            out,
            a.schema().clone(),
        )))
    }

    fn intersect(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        check_set_schemas("intersect", df1.schema(), df2.schema())?;
        if !distinct {
            // INTERSECT ALL (ENG-SET-6): DataFusion's `intersect` keeps every matched
            // left copy (upstream bug); core's kernel keeps `min(n, m)`.
            let (a, b) = (df1.as_local_bounded()?, df2.as_local_bounded()?);
            return Ok(Arc::new(self.local_frame(kernels::intersect(&a, &b, false)?)?));
        }
        let (a, b) = (self.frame(df1)?, self.frame(df2)?);
        let out = plan::intersect(a.to_native(), b.to_native())?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(
            Arc::clone(&self.shared),
            out,
            a.schema().clone(),
        )))
    }

    fn distinct(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        let a = self.frame(df)?;
        let out = plan::normalise(a.to_native())?.distinct().fugue("distinct")?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(
            Arc::clone(&self.shared),
            out,
            a.schema().clone(),
        )))
    }

    fn dropna(
        &self,
        df: &DataFrameRef,
        how: DropnaHow,
        thresh: Option<usize>,
        subset: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        let a = self.frame(df)?;
        let out = plan::dropna(a.to_native(), a.schema(), how, thresh, subset)?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(
            Arc::clone(&self.shared),
            out,
            a.schema().clone(),
        )))
    }

    fn fillna(
        &self,
        df: &DataFrameRef,
        value: &FillValue,
        subset: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        let a = self.frame(df)?;
        let out = plan::fillna(plan::normalise(a.to_native())?, a.schema(), value, subset)?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(
            Arc::clone(&self.shared),
            out,
            a.schema().clone(),
        )))
    }

    /// Materialises the input and draws row indices with a seeded `StdRng`,
    /// exactly as the native engine does (ENG-SAMPLE-1..7): `n` rows or
    /// `round(frac × count)` rows, distinct rows in input order without
    /// replacement; the same seed on the same input gives the same rows.
    fn sample(&self, df: &DataFrameRef, spec: &SampleSpec) -> Result<DataFrameRef> {
        let a = self.frame(df)?;
        // the checks that do not depend on the row count, before running anything
        spec.check()?;
        let (local, batch) = self.one_batch(&a)?;
        let count = batch.num_rows();
        let size = spec.resolve_size(count)?;
        if size == 0 || count == 0 {
            let empty = LocalDataFrame::empty(local.schema().clone())?;
            return Ok(Arc::new(self.local_frame(empty)?));
        }
        let mut rng =
            StdRng::seed_from_u64(spec.seed.unwrap_or_else(fugue_core::spi::kernels::fresh_seed));
        let indices: Vec<u64> = if spec.replace {
            let mut v = Vec::new();
            v.try_reserve_exact(size).map_err(|e| {
                Error::arg("sample", format!("cannot allocate {size} sampled row indices: {e}"))
            })?;
            v.extend((0..size).map(|_| rng.random_range(0..count) as u64));
            v
        } else {
            let mut picked: Vec<u64> = rand::seq::index::sample(&mut rng, count, size)
                .into_iter()
                .map(|i| i as u64)
                .collect();
            picked.sort_unstable();
            picked
        };
        let out = take_record_batch(&batch, &UInt64Array::from(indices))?;
        let local = LocalDataFrame::new(local.schema().clone(), vec![out])?;
        Ok(Arc::new(self.local_frame(local)?))
    }

    /// `take` as a plan (ENG-TAKE-1..6): without keys a sort + limit; with
    /// keys `row_number()` over the keys ordered by the effective presort,
    /// nulls placed per `na_position` for every column, filtered to `<= n`
    /// ([`DataFusionExecutionEngine::take_by_window`]). Where the core's
    /// heap kernel applies (keys, `n` up to
    /// [`kernels::HEAP_TAKE_MAX_N`], flat columns) that window plan runs
    /// over the kernel's top `n` per group of every input partition.
    fn take(
        &self,
        df: &DataFrameRef,
        n: usize,
        presort: &str,
        na_position: NaPosition,
        partition_spec: &PartitionSpec,
    ) -> Result<DataFrameRef> {
        // the frame is converted once, by the plan that reads it
        let schema = df.schema().clone();
        let take = fugue_core::spi::plan::plan_take(&schema, presort, partition_spec)?;
        if !kernels::heap_take_applies(&schema, &take, n) {
            return self.take_by_window(df, n, presort, na_position, partition_spec);
        }
        // Two phases (issue 15, W4): every input partition keeps its own
        // top n per group with the core's heap kernel (one pass, no sort,
        // no shuffle of all rows), then the window plan ranks the few
        // survivors. Exact: a group's top n overall are among the union of
        // its top n per partition.
        let (presort_text, spec) = (presort.to_string(), partition_spec.clone());
        let partial_fn = fugue_core::engine::map_fn(move |_, part| {
            kernels::take(&part, n, &presort_text, na_position, &spec)
        });
        // no keys, no number: one call per input partition, as it comes
        let functions = BuiltMap { map_fn: partial_fn, on_init: None };
        let partial = self.map_plan(df, functions, &schema, &PartitionSpec::default(), None)?;
        self.take_by_window(&partial, n, presort, na_position, partition_spec)
    }

    fn select(
        &self,
        df: &DataFrameRef,
        cols: &SelectColumns,
        where_: Option<&ColumnExpr>,
        having: Option<&ColumnExpr>,
    ) -> Result<DataFrameRef> {
        let a = self.frame(df)?;
        self.wrap(plan::select(a.to_native(), a.schema(), cols, where_, having)?)
    }

    fn filter(&self, df: &DataFrameRef, condition: &ColumnExpr) -> Result<DataFrameRef> {
        let a = self.frame(df)?;
        let out = plan::filter(a.to_native(), a.schema(), condition)?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(
            Arc::clone(&self.shared),
            out,
            a.schema().clone(),
        )))
    }

    fn assign(&self, df: &DataFrameRef, columns: &[ColumnExpr]) -> Result<DataFrameRef> {
        let a = self.frame(df)?;
        self.wrap(plan::assign(a.to_native(), a.schema(), columns)?)
    }

    fn aggregate(
        &self,
        df: &DataFrameRef,
        partition_spec: &PartitionSpec,
        agg_cols: &[ColumnExpr],
    ) -> Result<DataFrameRef> {
        let a = self.frame(df)?;
        let keys = partition_spec.partition_by();
        self.wrap(plan::aggregate(a.to_native(), a.schema(), keys, agg_cols)?)
    }

    fn load_df(&self, paths: &[&str], options: &LoadOptions) -> Result<DataFrameRef> {
        Ok(Arc::new(crate::io::load(self, paths, options)?))
    }

    fn save_df(&self, df: &DataFrameRef, path: &str, options: &SaveOptions) -> Result<()> {
        let a = self.frame(df)?;
        crate::io::save(self, &a, path, options)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use fugue_core::engine::map_fn;
    use fugue_core::{Error, ErrorKind, Value, col};

    use super::*;

    fn engine_with(entries: &[(&str, i64)]) -> DataFusionExecutionEngine {
        let mut conf = Conf::empty();
        for (k, v) in entries {
            conf = conf.with_entry(*k, *v);
        }
        DataFusionExecutionEngine::new(conf).expect("engine")
    }

    fn engine() -> DataFusionExecutionEngine {
        engine_with(&[(DATAFUSION_THREADS, 2)])
    }

    fn frame(rows: Vec<Vec<Value>>, schema: &str) -> DataFrameRef {
        Arc::new(LocalDataFrame::from_rows(rows, schema).expect("frame"))
    }

    fn i(v: i32) -> Value {
        Value::Int32(v)
    }

    #[test]
    fn eng_gen_6_parallelism_and_conf_mapping() {
        let e = engine();
        assert_eq!(e.get_current_parallelism(), 2);
        assert_eq!(e.target_partitions(), 2, "target partitions default to the parallelism");
        let e = engine_with(&[(DATAFUSION_THREADS, 2), (DATAFUSION_TARGET_PARTITIONS, 5)]);
        assert_eq!(e.target_partitions(), 5);
        assert_eq!(e.session_context().state().config().target_partitions(), 5);
        let e = engine_with(&[(DATAFUSION_THREADS, 1), (DATAFUSION_BATCH_SIZE, 100)]);
        assert_eq!(e.session_context().state().config().batch_size(), 100);
        assert!(e.to_string().starts_with("DataFusionExecutionEngine("), "ENG-GEN-7");
    }

    #[test]
    fn eng_conf_3_bad_values_are_err_arg() {
        let bad = Conf::empty().with_entry(DATAFUSION_THREADS, "many");
        let err = DataFusionExecutionEngine::new(bad).err().map(|e| e.kind());
        assert_eq!(err, Some(ErrorKind::InvalidArgument));
        let limited = Conf::empty().with_entry(DATAFUSION_MEMORY_LIMIT, "64m");
        assert!(DataFusionExecutionEngine::new(limited).is_ok());
        let bytes = Conf::empty().with_entry(DATAFUSION_MEMORY_LIMIT, 1 << 26);
        assert!(DataFusionExecutionEngine::new(bytes).is_ok());
    }

    /// Hostile sizes are one `ERR-ARG` naming the key, never a runtime
    /// that spawns a million threads and panics, never "unlimited".
    #[test]
    fn eng_conf_3_values_out_of_range_are_err_arg() {
        let cases: Vec<(&str, serde_json::Value)> = vec![
            (DATAFUSION_THREADS, 1_000_000.into()),
            (DATAFUSION_TARGET_PARTITIONS, (1i64 << 40).into()),
            (DATAFUSION_BATCH_SIZE, i64::MAX.into()),
            (DATAFUSION_MEMORY_LIMIT, (-1).into()),
            (DATAFUSION_MEMORY_LIMIT, 0.into()),
            (DATAFUSION_MEMORY_LIMIT, "-5g".into()),
            (DATAFUSION_MEMORY_LIMIT, "lots".into()),
        ];
        for (key, value) in cases {
            let conf =
                Conf::empty().with_entry(DATAFUSION_THREADS, 1).with_entry(key, value.clone());
            let err = DataFusionExecutionEngine::new(conf).expect_err(&format!("{key}={value}"));
            assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{key}={value}: {err}");
            assert!(err.to_string().contains(key), "{key}={value}: {err}");
        }
    }

    #[test]
    fn eng_gen_3_clones_share_the_engine_and_the_sql_facet() {
        let e = engine();
        let c = e.clone();
        assert!(Arc::ptr_eq(&e.shared, &c.shared));
        let s1 = e.sql_engine().expect("sql");
        let s2 = c.sql_engine().expect("sql");
        assert!(Arc::ptr_eq(&s1, &s2), "ENG-GEN-5: one facet per engine");
    }

    #[test]
    fn eng_persist_2_persisting_twice_is_the_identity() {
        let e = engine();
        let df = frame(vec![vec![i(1)], vec![i(2)]], "a:int");
        let p = e.persist(&df, false).expect("persist");
        let p2 = e.persist(&p, true).expect("persist");
        assert!(Arc::ptr_eq(&p, &p2));
        assert_eq!(p2.count().ok(), Some(2));
    }

    #[test]
    fn eng_map_9_user_errors_fail_the_call_and_lazy_maps_defer_them() {
        let df = frame(vec![vec![i(1)], vec![i(2)]], "a:int");
        let calls = Arc::new(AtomicUsize::new(0));
        let c2 = Arc::clone(&calls);
        let failing = map_fn(move |_, _| {
            c2.fetch_add(1, Ordering::SeqCst);
            Err(Error::arg("x", "user says no"))
        });
        let schema: Schema = "a:int".parse().expect("schema");
        let spec = PartitionSpec::default();
        let err = engine().map_dataframe(&df, failing.clone(), &schema, &spec, None).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::User));
        let lazy = engine_with(&[(DATAFUSION_THREADS, 2)]);
        let lazy = DataFusionExecutionEngine::new(
            lazy.conf().clone().with_entry(DATAFUSION_LAZY_MAP, true),
        )
        .expect("engine");
        calls.store(0, Ordering::SeqCst);
        let out = lazy.map_dataframe(&df, failing, &schema, &spec, None).expect("lazy map");
        assert_eq!(calls.load(Ordering::SeqCst), 0, "nothing runs before the result is used");
        assert_eq!(out.count().err().map(|e| e.kind()), Some(ErrorKind::User));
    }

    #[test]
    fn pg_1_eng_map_4_keyed_map_streams_hash_partitions() {
        let e = engine_with(&[(DATAFUSION_THREADS, 2), (DATAFUSION_BATCH_SIZE, 4)]);
        let rows = (0..40).map(|r| vec![i(r % 7), i(r)]).collect();
        let df = frame(rows, "k:int,v:int");
        type Seen = Arc<Mutex<Vec<(usize, Vec<Value>)>>>;
        let seen: Seen = Arc::default();
        let s2 = Arc::clone(&seen);
        let f = map_fn(move |c, part| {
            let keys: Vec<Value> = part.rows()?.into_iter().map(|r| r[0].clone()).collect();
            s2.lock().map_err(|_| Error::user("poisoned"))?.push((c.physical_partition_no(), keys));
            Ok(part)
        });
        let inits: Arc<Mutex<Vec<usize>>> = Arc::default();
        let i2 = Arc::clone(&inits);
        let on_init: OnInitFn = Arc::new(move |p, _| {
            i2.lock().map_err(|_| Error::user("poisoned"))?.push(p);
            Ok(())
        });
        let spec = PartitionSpec::builder().by(["k"]).num(3).build().expect("spec");
        let schema = df.schema().clone();
        let out = e.map_dataframe(&df, f, &schema, &spec, Some(on_init)).expect("map");
        assert_eq!(out.count().ok(), Some(40));
        let seen = seen.lock().expect("lock").clone();
        assert_eq!(seen.len(), 7, "one call per key");
        assert!(seen.iter().all(|(p, ks)| *p < 3 && ks.iter().all(|k| k == &ks[0])));
        let mut inits = inits.lock().expect("lock").clone();
        inits.sort_unstable();
        let mut physical: Vec<usize> = seen.iter().map(|(p, _)| *p).collect();
        physical.sort_unstable();
        physical.dedup();
        assert_eq!(inits, physical, "on_init once per non-empty physical partition");
    }

    #[test]
    fn eng_join_6_null_keys_never_match_eng_set_2_but_rows_compare_equal() {
        let e = engine();
        let a = frame(vec![vec![i(1), i(10)], vec![Value::Null, i(20)]], "k:int,a:int");
        let b = frame(vec![vec![i(1), i(30)], vec![Value::Null, i(40)]], "k:int,b:int");
        let inner = e.join(&a, &b, JoinType::Inner, &[]).expect("join");
        assert_eq!(inner.count().ok(), Some(1));
        let same = e.intersect(&a, &a, true).expect("intersect");
        assert_eq!(same.count().ok(), Some(2), "null equals null in set operations");
        let none = e.subtract(&a, &a, true).expect("subtract");
        assert_eq!(none.count().ok(), Some(0));
    }

    #[test]
    fn eng_take_4_nulls_first_for_every_sort_direction() {
        let e = engine();
        let df = frame(vec![vec![i(1)], vec![Value::Null], vec![i(3)]], "a:int");
        let spec = PartitionSpec::default();
        for presort in ["a", "a desc"] {
            let first = e.take(&df, 1, presort, NaPosition::First, &spec).expect("take");
            let rows = first.as_local_bounded().and_then(|l| l.rows()).expect("rows");
            assert_eq!(rows, vec![vec![Value::Null]], "presort {presort}");
        }
        let top = e.take(&df, 1, "a desc", NaPosition::Last, &spec).expect("take");
        let rows = top.as_local_bounded().and_then(|l| l.rows()).expect("rows");
        assert_eq!(rows, vec![vec![i(3)]]);
    }

    #[test]
    fn eng_expr_sem_3_division_is_double_and_zero_gives_null() {
        let e = engine();
        let df = frame(vec![vec![i(3), i(2)], vec![i(1), i(0)]], "a:int,b:int");
        let cols = SelectColumns::new(vec![(col("a") / col("b")).alias("q")], false).expect("cols");
        let out = e.select(&df, &cols, None, None).expect("select");
        assert_eq!(out.schema().to_string(), "q:double");
        let rows = out.as_local_bounded().and_then(|l| l.rows()).expect("rows");
        assert_eq!(rows, vec![vec![Value::Float64(1.5)], vec![Value::Null]]);
    }

    #[test]
    fn sch_type_8_string_views_are_reported_as_str() {
        let e = engine();
        let df = e
            .session_context()
            .read_batches(vec![{
                use arrow::array::StringViewArray;
                let a: arrow::array::ArrayRef = Arc::new(StringViewArray::from(vec!["x", "y"]));
                arrow::record_batch::RecordBatch::try_from_iter(vec![("s", a)]).expect("batch")
            }])
            .expect("frame");
        let f = e.from_datafusion(df).expect("wrap");
        assert_eq!(f.schema().to_string(), "s:str");
        let local = f.as_local_bounded().expect("local");
        assert_eq!(local.batches()[0].column(0).data_type(), &arrow::datatypes::DataType::Utf8);
    }
}
