//! `NativeExecutionEngine`: the reference engine.

use std::fmt;
use std::sync::Arc;

use fugue_core::conf::{Conf, MAX_THREADS};
use fugue_core::dataframe::DataFrameRef;
use fugue_core::engine::{
    Capabilities, EngineRef, ExecutionEngine, LoadOptions, MapEngine, SaveOptions, SqlEngineRef,
};
use fugue_core::engine::{MapFn, OnInitFn};
use fugue_core::expr::columns_read;
use fugue_core::spi::io::ParquetScan;
use fugue_core::spi::{SqlFacetSlot, configured_sql_engine, kernels};
use fugue_core::{
    ColumnExpr, Error, LocalDataFrame, PartitionSpec, Result, Schema, SelectColumns, col,
    make_sql_engine, registered_sql_engines,
};

use crate::frame::NativeDataFrame;

/// Conf key: number of rayon threads of the engine's pool (default: the
/// number of CPUs). Rust-specific tuning key (CONFIG.md §3).
pub const NATIVE_THREADS: &str = "fugue.native.threads";

/// The native execution engine: Arrow compute kernels plus a rayon thread
/// pool; the reference backend (see the crate docs).
///
/// Build it with [`NativeExecutionEngine::new`] or by name through the
/// registry (`fugue_core::make_engine("native", conf)`).
///
/// The engine is a shared handle (ENG-GEN-3): `clone` gives the same engine
/// (same pool, same conf, same SQL facet). Its parallelism is the pool size
/// (ENG-GEN-6), which feeds `CONCURRENCY`; `map_dataframe` and
/// `repartition` run physical partitions in parallel on the pool.
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::engine::map_fn;
/// use fugue_core::{Conf, DataFrame, DataFrameRef, LocalDataFrame, MapEngine, PartitionSpec, Value};
/// use fugue_native::NativeExecutionEngine;
///
/// let engine = NativeExecutionEngine::new(Conf::new())?;
/// let rows = vec![
///     vec![Value::from("a"), Value::from(3)],
///     vec![Value::from("b"), Value::from(1)],
///     vec![Value::from("a"), Value::from(5)],
/// ];
/// let df: DataFrameRef = Arc::new(LocalDataFrame::from_rows(rows, "k:str,v:int")?);
/// // one call per key, rows sorted by `v desc`: keep the top row of each key
/// let spec = PartitionSpec::builder().by(["k"]).presort("v desc").build()?;
/// let top = map_fn(|_cursor, part| Ok(part.slice(0, 1)));
/// let out = engine.map_dataframe(&df, top, &"k:str,v:int".parse()?, &spec, None)?;
/// assert_eq!(out.count()?, 2);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Clone)]
pub struct NativeExecutionEngine {
    shared: Arc<Shared>,
    sql: SqlFacetSlot,
}

/// What every handle of one engine shares.
struct Shared {
    conf: Conf,
    pool: rayon::ThreadPool,
}

impl fmt::Debug for NativeExecutionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NativeExecutionEngine")
            .field("threads", &self.shared.pool.current_num_threads())
            .finish()
    }
}

impl fmt::Display for NativeExecutionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NativeExecutionEngine(threads={})", self.shared.pool.current_num_threads())
    }
}

impl NativeExecutionEngine {
    /// An engine from `conf` overlaid on the global defaults (ENG-CONF-1).
    /// `fugue.native.threads` sets the pool size (default: number of CPUs).
    ///
    /// # Errors
    /// `ERR-ARG` for a non-integer thread count; `ERR-EXECUTION` when the
    /// thread pool cannot be created.
    pub fn new(conf: Conf) -> Result<Self> {
        let conf = Conf::new().with(&conf);
        let threads = conf
            .get_int_in(NATIVE_THREADS, 0, MAX_THREADS, "the pool starts every thread up front")?
            .map_or(0, |t| t as usize);
        let mut builder =
            rayon::ThreadPoolBuilder::new().thread_name(|i| format!("fugue-native-{i}"));
        if threads > 0 {
            builder = builder.num_threads(threads);
        }
        let pool = builder.build().map_err(|e| Error::backend("native", "build thread pool", e))?;
        Ok(NativeExecutionEngine {
            shared: Arc::new(Shared { conf, pool }),
            sql: SqlFacetSlot::new(),
        })
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
    /// is returned as is (a cheap clone sharing its data and metadata);
    /// anything else is materialised as one partition, metadata kept, a
    /// zero-row frame keeping its schema (ENG-TODF-4).
    ///
    /// # Errors
    /// Errors of the source frame while materialising.
    pub fn to_native(&self, df: &DataFrameRef) -> Result<NativeDataFrame> {
        if let Some(n) = df.downcast_ref::<NativeDataFrame>() {
            return Ok(n.clone());
        }
        Ok(NativeDataFrame::from_local(df.as_local_bounded()?))
    }

    pub(crate) fn pool(&self) -> &rayon::ThreadPool {
        &self.shared.pool
    }

    /// The SQL engine name to use: `fugue.sql.engine` when set, else the
    /// first registered SQL engine (by name).
    fn sql_engine_name(&self) -> Result<Option<String>> {
        let first = registered_sql_engines().first().map(|e| e.name);
        configured_sql_engine(&self.shared.conf, first)
    }
}

/// `df` restricted to the columns `exprs` read (plus those of `having` that
/// are input columns: the others are aggregate aliases) when it is a lazy
/// Parquet load, so only those are decoded; `df` itself otherwise, when
/// the expressions read every column (`*`), or when they name a column
/// `df` lacks (the kernel then reports it against the whole schema).
fn project_lazy<'a>(
    df: &DataFrameRef,
    exprs: impl IntoIterator<Item = &'a ColumnExpr>,
    having: Option<&ColumnExpr>,
) -> Result<DataFrameRef> {
    let lazy = df.downcast_ref::<NativeDataFrame>().is_some_and(|n| n.parquet_scan().is_some());
    if !lazy {
        return Ok(Arc::clone(df));
    }
    let Some(mut names) = columns_read(exprs) else { return Ok(Arc::clone(df)) };
    let schema = df.schema();
    if names.iter().any(|n| !schema.contains(n)) {
        return Ok(Arc::clone(df));
    }
    if let Some(h) = having {
        let Some(more) = columns_read([h]) else { return Ok(Arc::clone(df)) };
        names.extend(more.into_iter().filter(|n| schema.contains(n)));
    }
    let all = schema.names();
    let mut keep: Vec<&str> =
        all.iter().copied().filter(|n| names.iter().any(|m| m == n)).collect();
    if keep.len() == all.len() {
        return Ok(Arc::clone(df));
    }
    if keep.is_empty() {
        // nothing read (`count(*)` alone): any one column carries the rows
        keep.extend(all.first());
    }
    df.select_columns(&keep)
}

pub(crate) fn build_engine(conf: Conf) -> Result<EngineRef> {
    Ok(Arc::new(NativeExecutionEngine::new(conf)?))
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
        &self.shared.conf
    }

    /// `sql` is true when a SQL engine is available to [`Self::sql_engine`]
    /// (the configured one is registered, or any is when none is configured).
    fn capabilities(&self) -> Capabilities {
        let sql = match self.sql_engine_name() {
            Ok(Some(name)) => registered_sql_engines().iter().any(|e| {
                e.name.eq_ignore_ascii_case(&name)
                    || e.aliases.iter().any(|a| a.eq_ignore_ascii_case(&name))
            }),
            _ => false,
        };
        Capabilities { sql, table_storage: false, save_append: true, distributed: false }
    }

    /// The engine's pool (`fugue.native.threads`): the core's kernels
    /// behind the default methods run in it, so the configured thread
    /// count bounds them (ENG-GEN-6).
    fn kernel_pool(&self) -> Option<&rayon::ThreadPool> {
        Some(self.pool())
    }

    /// The size of the engine's rayon pool (ENG-GEN-6).
    fn get_current_parallelism(&self) -> usize {
        self.shared.pool.current_num_threads().max(1)
    }

    /// The SQL facet (ENG-SQL-4, ENG-GEN-5): the registered SQL engine named
    /// by `fugue.sql.engine`, else the first registered one, bound to this
    /// engine; built on first use and then shared by every clone of the
    /// engine.
    ///
    /// # Errors
    /// `ERR-PLUGIN` when the configured name is not registered;
    /// `ERR-NOT-SUPPORTED` when no SQL engine is linked at all (features
    /// `datafusion` and `polars` of `fugue` provide one).
    fn sql_engine(&self) -> Result<SqlEngineRef> {
        self.sql.get_or_build(|slot| {
            let name = self.sql_engine_name()?.ok_or_else(|| {
                Error::unsupported(
                    "native",
                    "sql: no SQL engine is linked; enable feature `datafusion` or `polars` of \
                     the `fugue` crate (or set `fugue.sql.engine` to a registered SQL engine)",
                )
            })?;
            let facet_handle =
                NativeExecutionEngine { shared: Arc::clone(&self.shared), sql: slot };
            make_sql_engine(&name, Arc::new(facet_handle))
        })
    }

    /// ENG-TODF-1..4: a native frame is returned as is (the same `Arc`,
    /// metadata kept); any other frame is materialised as one partition.
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

    /// A local engine has nothing to replicate: `to_df` (ENG-BCAST-1/2).
    fn broadcast(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        self.to_df(df)
    }

    /// Native frames are always computed, so persisting is converting
    /// (ENG-PERSIST-1..5): a native frame comes back as the same `Arc`
    /// (idempotent, no copy), anything else is materialised once; metadata
    /// kept. `lazy` makes no difference.
    fn persist(&self, df: &DataFrameRef, _lazy: bool) -> Result<DataFrameRef> {
        self.to_df(df)
    }

    /// Kernel results become one-partition native frames without a copy.
    fn wrap_local(&self, local: LocalDataFrame) -> Result<DataFrameRef> {
        Ok(Arc::new(NativeDataFrame::from_local(local)))
    }

    /// The core's select kernel (ENG-SEL-1..8) over only the columns the
    /// select reads when `df` is a lazy Parquet load (see
    /// [`NativeDataFrame::from_parquet`]); the rows are the same.
    ///
    /// # Errors
    /// As the core's `kernels::select`.
    fn select(
        &self,
        df: &DataFrameRef,
        cols: &SelectColumns,
        where_: Option<&ColumnExpr>,
        having: Option<&ColumnExpr>,
    ) -> Result<DataFrameRef> {
        let input = project_lazy(df, cols.items().iter().chain(where_), having)?;
        let out = self
            .pool()
            .install(|| kernels::select(&input.as_local_bounded()?, cols, where_, having))?;
        self.wrap_local(out)
    }

    /// Keeps the rows where `condition` is true (ENG-FILTER-1). On a lazy
    /// Parquet load the filter is recorded instead
    /// ([`fugue_core::spi::io::ParquetScan::filter`]): later column
    /// operations stay lazy, and the first use decodes the condition's
    /// columns and the kept columns only. Anything else runs the core's
    /// kernel now.
    ///
    /// # Errors
    /// `ERR-ARG` for an aggregation or a non-bool condition,
    /// `ERR-NOT-FOUND` for a missing column (at the call, on every path).
    fn filter(&self, df: &DataFrameRef, condition: &ColumnExpr) -> Result<DataFrameRef> {
        let scan = df.downcast_ref::<NativeDataFrame>().and_then(NativeDataFrame::parquet_scan);
        if let Some(scan) = scan
            && let Some(filtered) = scan.filter(condition)?
        {
            return Ok(Arc::new(NativeDataFrame::from_parquet(filtered)));
        }
        let out = self.pool().install(|| kernels::filter(&df.as_local_bounded()?, condition))?;
        self.wrap_local(out)
    }

    /// The core's aggregate kernel (ENG-AGG-1..3) over only the key and
    /// aggregated columns when `df` is a lazy Parquet load.
    ///
    /// # Errors
    /// As the core's `kernels::aggregate`.
    fn aggregate(
        &self,
        df: &DataFrameRef,
        partition_spec: &PartitionSpec,
        agg_cols: &[ColumnExpr],
    ) -> Result<DataFrameRef> {
        let keys = partition_spec.partition_by().to_vec();
        let key_exprs: Vec<ColumnExpr> = keys.iter().map(col).collect();
        let input = project_lazy(df, key_exprs.iter().chain(agg_cols), None)?;
        let out = self
            .pool()
            .install(|| kernels::aggregate(&input.as_local_bounded()?, &keys, agg_cols))?;
        self.wrap_local(out)
    }

    /// Loads files (ENG-IO-1..4, the core's rules). When every listed file
    /// is Parquet the frame is lazy ([`NativeDataFrame::from_parquet`]):
    /// only the footers are read here (on the engine's pool), `count` comes
    /// from them, and the first operation that needs rows decodes only the
    /// columns the frame still has. Reader errors of the data pages surface
    /// at that first use. Other formats load eagerly with the core's
    /// kernels.
    ///
    /// # Errors
    /// As the core's `kernels::load`.
    fn load_df(&self, paths: &[&str], options: &LoadOptions) -> Result<DataFrameRef> {
        match self.pool().install(|| ParquetScan::open(paths, options))? {
            Some(scan) => Ok(Arc::new(NativeDataFrame::from_parquet(scan))),
            None => self.wrap_local(self.pool().install(|| kernels::load(paths, options))?),
        }
    }

    /// Writes each physical partition (ENG-IO-7 part files) with the core's
    /// IO kernel, which also handles single-file append (ENG-IO-5).
    fn save_df(&self, df: &DataFrameRef, path: &str, options: &SaveOptions) -> Result<()> {
        let native = self.to_native(df)?;
        self.pool().install(|| {
            kernels::save_df(
                native.partitions()?,
                fugue_core::DataFrame::schema(&native),
                path,
                options,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use fugue_core::conf::SQL_ENGINE;
    use fugue_core::dataframe::{DataFrames, Metadata};
    use fugue_core::engine::{SqlEngine, StructuredSql};
    use fugue_core::{ErrorKind, Value};

    use super::*;

    /// A SQL engine that only remembers the engine it is bound to.
    #[derive(Debug)]
    struct FakeSql {
        engine: EngineRef,
    }

    impl SqlEngine for FakeSql {
        fn name(&self) -> &str {
            "native-test-sql"
        }
        fn select(&self, _: &DataFrames, _: &StructuredSql) -> Result<DataFrameRef> {
            Err(Error::unsupported("native-test-sql", "select"))
        }
    }

    fn build_fake(engine: EngineRef) -> Result<SqlEngineRef> {
        Ok(Arc::new(FakeSql { engine }))
    }

    fugue_core::register_sql_engine!("native-test-sql", [], build_fake);

    fn engine() -> NativeExecutionEngine {
        NativeExecutionEngine::new(Conf::empty().with_entry(NATIVE_THREADS, 2i64)).expect("engine")
    }

    fn local_with_metadata() -> DataFrameRef {
        let mut md = Metadata::new();
        md.insert("m".into(), "x".into());
        let local = LocalDataFrame::from_rows(vec![vec![Value::Int32(1)]], "a:int").expect("df");
        Arc::new(local.with_metadata_map(md))
    }

    #[test]
    fn eng_gen_6_parallelism_is_the_pool_size() {
        assert_eq!(engine().get_current_parallelism(), 2);
        assert_eq!(engine().to_string(), "NativeExecutionEngine(threads=2)", "ENG-GEN-7");
        // the core's kernels behind the default methods run in that pool
        let one = NativeExecutionEngine::new(Conf::empty().with_entry(NATIVE_THREADS, 1i64));
        let one = one.expect("engine");
        assert_eq!(one.kernel_pool().map(rayon::ThreadPool::current_num_threads), Some(1));
        assert_eq!(engine().kernel_pool().map(rayon::ThreadPool::current_num_threads), Some(2));
    }

    #[test]
    fn eng_todf_1_2_4_native_frames_pass_through_others_are_converted() {
        let e = engine();
        let local = local_with_metadata();
        let native = e.to_df(&local).expect("to_df");
        assert!(native.is::<NativeDataFrame>(), "ENG-TODF-2");
        assert_eq!(native.metadata(), local.metadata(), "metadata kept");
        let again = e.to_df(&native).expect("to_df");
        assert!(Arc::ptr_eq(&again, &native), "ENG-TODF-1: same object");
        let empty: DataFrameRef =
            Arc::new(LocalDataFrame::empty("a:int,b:str".parse().expect("schema")).expect("e"));
        let empty = e.to_df(&empty).expect("to_df");
        assert_eq!(empty.schema().to_string(), "a:int,b:str", "ENG-TODF-4");
        assert_eq!(empty.count().ok(), Some(0));
    }

    #[test]
    fn eng_bcast_2_eng_persist_2_4_keep_metadata_and_are_idempotent() {
        let e = engine();
        let local = local_with_metadata();
        let b = e.broadcast(&local).expect("broadcast");
        assert_eq!(b.metadata(), local.metadata());
        let p = e.persist(&local, false).expect("persist");
        assert_eq!(p.metadata(), local.metadata());
        let p2 = e.persist(&p, true).expect("persist");
        assert!(Arc::ptr_eq(&p, &p2), "persisting a persisted frame is the identity");
        let r = e.repartition(&p, &PartitionSpec::num(1)).expect("repartition");
        assert_eq!(r.metadata(), local.metadata());
    }

    #[test]
    fn eng_gen_3_clones_are_the_same_engine() {
        let e = engine();
        let c = e.clone();
        assert!(Arc::ptr_eq(&e.shared, &c.shared));
    }

    #[test]
    fn eng_sql_4_sql_facet_comes_from_the_registry_and_is_shared() {
        let e = engine();
        assert!(e.capabilities().sql, "a SQL engine is registered in this binary");
        let sql = e.sql_engine().expect("sql engine");
        assert_eq!(sql.name(), "native-test-sql");
        let again = e.clone().sql_engine().expect("sql engine");
        assert!(Arc::ptr_eq(&sql, &again), "ENG-GEN-5: one facet per engine");
        // the facet is bound to this engine: same pool, and it sees the same facet
        let any: &dyn std::any::Any = sql.as_ref();
        let fake = any.downcast_ref::<FakeSql>().expect("fake");
        let bound = fake.engine.downcast_ref::<NativeExecutionEngine>().expect("native");
        assert!(Arc::ptr_eq(&bound.shared, &e.shared));
        let via_bound = fake.engine.sql_engine().expect("sql engine");
        assert!(Arc::ptr_eq(&via_bound, &sql));
    }

    #[test]
    fn eng_sql_4_configured_name_must_be_registered() {
        let conf = Conf::empty().with_entry(SQL_ENGINE, "NATIVE-TEST-SQL");
        let e = NativeExecutionEngine::new(conf).expect("engine");
        assert!(e.capabilities().sql);
        assert_eq!(
            e.sql_engine().map(|s| s.name().to_string()).ok().as_deref(),
            Some("native-test-sql")
        );
        let conf = Conf::empty().with_entry(SQL_ENGINE, "nope");
        let e = NativeExecutionEngine::new(conf).expect("engine");
        assert!(!e.capabilities().sql);
        assert_eq!(e.sql_engine().err().map(|e| e.kind()), Some(ErrorKind::Plugin));
    }

    #[test]
    fn eng_conf_bad_thread_count_is_err_arg() {
        let err =
            NativeExecutionEngine::new(Conf::empty().with_entry(NATIVE_THREADS, "many")).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::InvalidArgument));
        for bad in [1_000_000i64, -1] {
            let err = NativeExecutionEngine::new(Conf::empty().with_entry(NATIVE_THREADS, bad))
                .expect_err("out of range");
            assert_eq!(err.kind(), ErrorKind::InvalidArgument);
            assert!(err.to_string().contains(NATIVE_THREADS), "{err}");
        }
    }
}
