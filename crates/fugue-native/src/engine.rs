//! `NativeExecutionEngine`: the reference engine.

use std::fmt;
use std::sync::Arc;

use fugue_core::conf::Conf;
use fugue_core::dataframe::DataFrameRef;
use fugue_core::engine::map::{MapFn, OnInitFn};
use fugue_core::engine::params::{check_set_schemas, plan_join};
use fugue_core::engine::{
    Capabilities, DropnaHow, EngineRef, ExecutionEngine, FillValue, JoinType, LoadOptions,
    MapEngine, SampleSpec, SaveOptions, SqlEngineRef,
};
use fugue_core::{ColumnExpr, Error, LocalDataFrame, PartitionSpec, Result, Schema, SelectColumns};

use crate::frame::NativeDataFrame;

/// Conf key: number of rayon threads of the engine's pool (default: the
/// number of CPUs). Rust-specific tuning key (CONFIG.md §3).
pub const NATIVE_THREADS: &str = "fugue.native.threads";

/// The native execution engine: Arrow compute kernels plus a rayon thread
/// pool; the reference backend (see the crate docs).
///
/// Build it with [`NativeExecutionEngine::new`] or by name through the
/// registry (`fugue_core::make_engine("native", conf)`).
pub struct NativeExecutionEngine {
    conf: Conf,
    pool: Arc<rayon::ThreadPool>,
}

impl fmt::Debug for NativeExecutionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NativeExecutionEngine")
            .field("threads", &self.pool.current_num_threads())
            .finish()
    }
}

impl fmt::Display for NativeExecutionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NativeExecutionEngine(threads={})", self.pool.current_num_threads())
    }
}

impl NativeExecutionEngine {
    /// An engine from `conf` overlaid on the global defaults (ENG-CONF-1).
    /// `fugue.native.threads` sets the pool size (default: number of CPUs).
    ///
    /// # Errors
    /// `ERR-ARG` for a non-integer or zero thread count; `ERR-EXECUTION`
    /// when the thread pool cannot be created.
    pub fn new(conf: Conf) -> Result<Self> {
        let conf = Conf::new().with(&conf);
        let threads: usize = conf.get(NATIVE_THREADS, 0usize)?;
        let mut builder =
            rayon::ThreadPoolBuilder::new().thread_name(|i| format!("fugue-native-{i}"));
        if threads > 0 {
            builder = builder.num_threads(threads);
        }
        let pool = builder.build().map_err(|e| Error::backend("native", "build thread pool", e))?;
        Ok(NativeExecutionEngine { conf, pool: Arc::new(pool) })
    }

    /// A fresh engine for the conformance suite (`fugue.test = true`).
    ///
    /// # Errors
    /// As [`NativeExecutionEngine::new`].
    pub fn for_tests() -> Result<EngineRef> {
        let conf = Conf::empty().with_entry(fugue_core::conf::TEST, true);
        Ok(Arc::new(Self::new(conf)?))
    }

    /// Converts any frame into a native frame (ENG-TODF-1/2): a native frame
    /// is returned as is, anything else is materialised as one partition.
    ///
    /// # Errors
    /// Errors of the source frame while materialising.
    pub fn to_native(&self, df: &DataFrameRef) -> Result<NativeDataFrame> {
        if let Some(n) = df.downcast_ref::<NativeDataFrame>() {
            return Ok(n.clone());
        }
        Ok(NativeDataFrame::from_local(df.as_local_bounded()?))
    }

    fn local(&self, df: &DataFrameRef) -> Result<LocalDataFrame> {
        self.to_native(df)?.to_local()
    }

    pub(crate) fn pool(&self) -> &rayon::ThreadPool {
        &self.pool
    }
}

pub(crate) fn build_engine(conf: Conf) -> Result<EngineRef> {
    Ok(Arc::new(NativeExecutionEngine::new(conf)?))
}

fn wrap(local: LocalDataFrame) -> DataFrameRef {
    Arc::new(NativeDataFrame::from_local(local))
}

impl MapEngine for NativeExecutionEngine {
    fn map_dataframe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
    ) -> Result<DataFrameRef> {
        crate::map::map_dataframe(self, df, map_fn, output_schema, partition_spec, on_init)
    }
}

impl ExecutionEngine for NativeExecutionEngine {
    fn name(&self) -> &str {
        "native"
    }

    fn conf(&self) -> &Conf {
        &self.conf
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { sql: false, table_storage: false, save_append: true, distributed: false }
    }

    fn get_current_parallelism(&self) -> usize {
        self.pool.current_num_threads().max(1)
    }

    fn sql_engine(&self) -> Result<SqlEngineRef> {
        Err(Error::unsupported(
            "native",
            "sql (no SQL engine is linked; enable feature `datafusion` or `polars` of `fugue`)",
        ))
    }

    fn to_df(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        if df.is::<NativeDataFrame>() {
            return Ok(Arc::clone(df));
        }
        Ok(Arc::new(self.to_native(df)?))
    }

    fn repartition(&self, df: &DataFrameRef, spec: &PartitionSpec) -> Result<DataFrameRef> {
        let native = self.to_native(df)?;
        Ok(Arc::new(crate::repartition::repartition(self, &native, spec)?))
    }

    fn broadcast(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        self.to_df(df)
    }

    fn persist(&self, df: &DataFrameRef, _lazy: bool) -> Result<DataFrameRef> {
        // Native frames are always computed: persisting is converting (ENG-PERSIST-1..5).
        self.to_df(df)
    }

    fn join(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        how: JoinType,
        on: &[&str],
    ) -> Result<DataFrameRef> {
        let plan = plan_join(df1.schema(), df2.schema(), how, on)?;
        Ok(wrap(crate::join::join(&self.local(df1)?, &self.local(df2)?, &plan)?))
    }

    fn union(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        check_set_schemas("union", df1.schema(), df2.schema())?;
        Ok(wrap(crate::setops::union(&self.local(df1)?, &self.local(df2)?, distinct)?))
    }

    fn subtract(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        check_set_schemas("subtract", df1.schema(), df2.schema())?;
        Ok(wrap(crate::setops::subtract(&self.local(df1)?, &self.local(df2)?, distinct)?))
    }

    fn intersect(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        check_set_schemas("intersect", df1.schema(), df2.schema())?;
        Ok(wrap(crate::setops::intersect(&self.local(df1)?, &self.local(df2)?, distinct)?))
    }

    fn distinct(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        Ok(wrap(crate::setops::distinct(&self.local(df)?)?))
    }

    fn dropna(
        &self,
        df: &DataFrameRef,
        how: DropnaHow,
        thresh: Option<usize>,
        subset: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        Ok(wrap(crate::clean::dropna(&self.local(df)?, how, thresh, subset)?))
    }

    fn fillna(
        &self,
        df: &DataFrameRef,
        value: &FillValue,
        subset: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        Ok(wrap(crate::clean::fillna(&self.local(df)?, value, subset)?))
    }

    fn sample(&self, df: &DataFrameRef, spec: &SampleSpec) -> Result<DataFrameRef> {
        Ok(wrap(crate::sample::sample(&self.local(df)?, spec)?))
    }

    fn select(
        &self,
        df: &DataFrameRef,
        cols: &SelectColumns,
        where_: Option<&ColumnExpr>,
        having: Option<&ColumnExpr>,
    ) -> Result<DataFrameRef> {
        Ok(wrap(crate::select::select(&self.local(df)?, cols, where_, having)?))
    }

    fn filter(&self, df: &DataFrameRef, condition: &ColumnExpr) -> Result<DataFrameRef> {
        Ok(wrap(crate::select::filter(&self.local(df)?, condition)?))
    }

    fn assign(&self, df: &DataFrameRef, columns: &[ColumnExpr]) -> Result<DataFrameRef> {
        Ok(wrap(crate::select::assign(&self.local(df)?, columns)?))
    }

    fn aggregate(
        &self,
        df: &DataFrameRef,
        partition_spec: &PartitionSpec,
        agg_cols: &[ColumnExpr],
    ) -> Result<DataFrameRef> {
        let keys = partition_spec.partition_by().to_vec();
        Ok(wrap(crate::select::aggregate(&self.local(df)?, &keys, agg_cols)?))
    }

    fn load_df(&self, paths: &[&str], options: &LoadOptions) -> Result<DataFrameRef> {
        Ok(wrap(crate::io::load(paths, options)?))
    }

    fn save_df(&self, df: &DataFrameRef, path: &str, options: &SaveOptions) -> Result<()> {
        let native = self.to_native(df)?;
        if native.partitions().is_empty() {
            // keep the schema in the written data (ENG-PQ-1) even with no rows
            let empty = [LocalDataFrame::empty(fugue_core::DataFrame::schema(&native).clone())?];
            return crate::io::save(&empty, path, options);
        }
        crate::io::save(native.partitions(), path, options)
    }
}
