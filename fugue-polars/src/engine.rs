//! `PolarsExecutionEngine`: every fugue operation on Polars.

use std::fmt;
use std::sync::Arc;

use fugue_core::conf::Conf;
use fugue_core::dataframe::DataFrameRef;
use fugue_core::engine::{
    Capabilities, DropnaHow, EngineRef, ExecutionEngine, FillValue, JoinType, LoadOptions,
    MapEngine, NaPosition, SampleSpec, SaveOptions, SqlEngineRef,
};
use fugue_core::engine::{MapFn, OnInitFn};
use fugue_core::spi::kernels;
use fugue_core::spi::plan::{check_set_schemas, plan_join};
use fugue_core::spi::{SqlFacetSlot, configured_sql_engine};
use fugue_core::{
    ColumnExpr, PartitionSpec, Result, Schema, SelectColumns, make_sql_engine,
    registered_sql_engines,
};
use polars::prelude::{DataFrame as PlDataFrame, LazyFrame};

use crate::frame::PolarsDataFrame;
use crate::map::MapDefaults;

/// The Polars execution engine: every operation of `spec/ENGINE.md` as
/// Polars lazy plans (joins, set operations, distinct, dropna, fillna,
/// take, select / filter / assign / aggregate through compiled Polars
/// expressions), `sample` and IO on Polars' eager APIs, `map_dataframe` on
/// Polars' thread pool with the user function seeing Arrow
/// [`fugue_core::LocalDataFrame`]s.
///
/// Build it with [`PolarsExecutionEngine::new`] or by name through the
/// registry (`fugue_core::make_engine("polars", conf)`). The engine is a
/// shared handle (ENG-GEN-3): clones are the same engine. Its parallelism
/// is the size of Polars' global thread pool (`POLARS_MAX_THREADS`,
/// ENG-GEN-6). Its SQL facet is [`crate::PolarsSqlEngine`] unless
/// `fugue.sql.engine` names another registered SQL engine (ENG-SQL-4).
///
/// Results are [`PolarsDataFrame`]s: lazy until rows are needed. `to_df`
/// takes any fugue frame, Arrow batches (via
/// `ExecutionEngineExt::to_df_batches`) and, with
/// [`PolarsExecutionEngine::from_polars`] / [`PolarsExecutionEngine::from_lazy`],
/// a Polars `DataFrame` or `LazyFrame`.
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::expr::{col, functions::sum};
/// use fugue_core::{Conf, DataFrame, DataFrameRef, ExecutionEngine, LocalDataFrame, PartitionSpec, Value};
/// use fugue_polars::PolarsExecutionEngine;
///
/// let engine = PolarsExecutionEngine::new(Conf::new())?;
/// let rows = vec![
///     vec![Value::from("a"), Value::from(3)],
///     vec![Value::from("b"), Value::from(1)],
///     vec![Value::from("a"), Value::from(5)],
/// ];
/// let df: DataFrameRef = Arc::new(LocalDataFrame::from_rows(rows, "k:str,v:int")?);
/// let out = engine.aggregate(&df, &PartitionSpec::by(["k"])?, &[sum(col("v")).alias("s")])?;
/// assert_eq!(out.schema().to_string(), "k:str,s:long");
/// assert_eq!(out.count()?, 2);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Clone)]
pub struct PolarsExecutionEngine {
    shared: Arc<Shared>,
    sql: SqlFacetSlot,
}

struct Shared {
    conf: Conf,
}

fn pool_size() -> usize {
    polars_core::runtime::THREAD_POOL.current_num_threads().max(1)
}

impl fmt::Debug for PolarsExecutionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolarsExecutionEngine").field("threads", &pool_size()).finish()
    }
}

impl fmt::Display for PolarsExecutionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PolarsExecutionEngine(polars {}, threads={})", polars::VERSION, pool_size())
    }
}

impl PolarsExecutionEngine {
    /// An engine from `conf` overlaid on the global defaults (ENG-CONF-1).
    ///
    /// # Errors
    /// None today; kept fallible for configuration checks.
    pub fn new(conf: Conf) -> Result<Self> {
        let conf = Conf::new().with(&conf);
        route_polars_warnings();
        Ok(PolarsExecutionEngine { shared: Arc::new(Shared { conf }), sql: SqlFacetSlot::new() })
    }

    /// A fresh engine for the conformance suite (`fugue.test = true`).
    ///
    /// # Errors
    /// As [`PolarsExecutionEngine::new`].
    pub fn for_tests() -> Result<EngineRef> {
        let conf = Conf::empty().with_entry(fugue_core::conf::TEST, true);
        Ok(Arc::new(Self::new(conf)?))
    }

    /// Converts any frame into a Polars frame (ENG-TODF-1/2): a Polars frame
    /// is returned as is (a cheap clone sharing its plan and metadata);
    /// anything else is materialised as Arrow and handed to Polars without
    /// copying (metadata kept; a zero-row frame keeps its schema).
    ///
    /// # Errors
    /// Errors of the source frame while materialising.
    pub fn to_polars(&self, df: &DataFrameRef) -> Result<PolarsDataFrame> {
        if let Some(p) = df.downcast_ref::<PolarsDataFrame>() {
            return Ok(p.clone());
        }
        PolarsDataFrame::from_local(&df.as_local_bounded()?)
    }

    /// A frame of this engine over a Polars `DataFrame` (ENG-TODF-2); the
    /// Fugue schema is derived from the Polars schema (SCH-TYPE-8).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for types outside the schema grammar.
    pub fn from_polars(&self, df: PlDataFrame) -> Result<DataFrameRef> {
        Ok(Arc::new(PolarsDataFrame::from_polars_infer(df)?))
    }

    /// A frame of this engine over a Polars `LazyFrame` (nothing is
    /// computed; the schema is resolved from the plan).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for types outside the schema grammar; plan errors.
    pub fn from_lazy(&self, lazy: LazyFrame) -> Result<DataFrameRef> {
        Ok(Arc::new(PolarsDataFrame::from_lazy_infer(lazy)?))
    }

    fn polars(&self, df: &DataFrameRef) -> Result<PolarsDataFrame> {
        self.to_polars(df)
    }

    /// `fugue.sql.engine` when set, else `polars` (the built-in facet).
    fn sql_engine_name(&self) -> Result<String> {
        Ok(configured_sql_engine(&self.shared.conf, Some("polars"))?.unwrap_or_default())
    }

    fn map_defaults(&self) -> Result<MapDefaults> {
        let n = fugue_core::spi::layout::conf_default_partitions(&self.shared.conf)?;
        Ok(MapDefaults {
            parallelism: pool_size(),
            default_partitions: usize::try_from(n).ok().filter(|n| *n > 0),
        })
    }
}

pub(crate) fn build_engine(conf: Conf) -> Result<EngineRef> {
    Ok(Arc::new(PolarsExecutionEngine::new(conf)?))
}

fn wrap(df: PolarsDataFrame) -> DataFrameRef {
    Arc::new(df)
}

impl MapEngine for PolarsExecutionEngine {
    /// See the `map` module docs of this crate: one Polars sort by keys and
    /// presort, partitions run in parallel on Polars' pool, the user
    /// function sees Arrow frames (ENG-MAP-1..12).
    fn map_dataframe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
    ) -> Result<DataFrameRef> {
        let input = self.polars(df)?;
        let defaults = self.map_defaults()?;
        Ok(wrap(crate::map::map_dataframe(
            &input,
            &map_fn,
            output_schema,
            partition_spec,
            on_init.as_ref(),
            &defaults,
        )?))
    }
}

impl ExecutionEngine for PolarsExecutionEngine {
    fn name(&self) -> &str {
        "polars"
    }

    fn conf(&self) -> &Conf {
        &self.shared.conf
    }

    /// `sql` is true unless `fugue.sql.engine` names an unregistered SQL
    /// engine; appending is supported (ENG-IO-5).
    fn capabilities(&self) -> Capabilities {
        let sql = match self.sql_engine_name() {
            Ok(name) if name.eq_ignore_ascii_case("polars") => true,
            Ok(name) => registered_sql_engines().iter().any(|e| {
                e.name.eq_ignore_ascii_case(&name)
                    || e.aliases.iter().any(|a| a.eq_ignore_ascii_case(&name))
            }),
            Err(_) => false,
        };
        Capabilities { sql, table_storage: false, save_append: true, distributed: false }
    }

    /// The size of Polars' thread pool (ENG-GEN-6).
    fn get_current_parallelism(&self) -> usize {
        pool_size()
    }

    /// The SQL facet (ENG-SQL-4, ENG-GEN-5): [`crate::PolarsSqlEngine`], or the
    /// registered SQL engine named by `fugue.sql.engine`, built on first use
    /// and shared by every clone of the engine.
    ///
    /// # Errors
    /// `ERR-PLUGIN` when the configured name is not registered.
    fn sql_engine(&self) -> Result<SqlEngineRef> {
        self.sql.get_or_build(|slot| {
            let name = self.sql_engine_name()?;
            let facet_handle =
                PolarsExecutionEngine { shared: Arc::clone(&self.shared), sql: slot };
            if name.eq_ignore_ascii_case("polars") {
                crate::sql::build_sql_engine(Arc::new(facet_handle))
            } else {
                make_sql_engine(&name, Arc::new(facet_handle))
            }
        })
    }

    /// ENG-TODF-1..4: a Polars frame is returned as is (the same `Arc`);
    /// any other frame is handed to Polars through the zero-copy bridge.
    fn to_df(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        if df.is::<PolarsDataFrame>() {
            return Ok(Arc::clone(df));
        }
        Ok(wrap(self.to_polars(df)?))
    }

    /// A Polars frame has one physical partition and no layout to change;
    /// the spec is checked (missing keys or presort columns are
    /// `ERR-NOT-FOUND`) and the frame returned as is (ENG-REPART-1 allows a
    /// local engine to keep the layout).
    fn repartition(&self, df: &DataFrameRef, spec: &PartitionSpec) -> Result<DataFrameRef> {
        let out = self.to_df(df)?;
        spec.get_sorts(out.schema(), true)?;
        Ok(out)
    }

    /// A local engine has nothing to replicate: `to_df` (ENG-BCAST-1/2).
    fn broadcast(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        self.to_df(df)
    }

    /// Computes the plan once and keeps the Polars result inside the frame
    /// (ENG-PERSIST-1..5): eager by default, at first use with `lazy`. The
    /// same `Arc` comes back for a Polars frame (idempotent, no copy),
    /// metadata kept.
    fn persist(&self, df: &DataFrameRef, lazy: bool) -> Result<DataFrameRef> {
        let out = self.to_df(df)?;
        if !lazy && let Some(p) = out.downcast_ref::<PolarsDataFrame>() {
            p.compute()?;
        }
        Ok(out)
    }

    fn join(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        how: JoinType,
        on: &[&str],
    ) -> Result<DataFrameRef> {
        let plan = plan_join(df1.schema(), df2.schema(), how, on)?;
        Ok(wrap(crate::ops::join(&self.polars(df1)?, &self.polars(df2)?, &plan)?))
    }

    fn union(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        check_set_schemas("union", df1.schema(), df2.schema())?;
        Ok(wrap(crate::ops::union(&self.polars(df1)?, &self.polars(df2)?, distinct)?))
    }

    fn subtract(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        check_set_schemas("subtract", df1.schema(), df2.schema())?;
        if !distinct {
            // EXCEPT ALL (ENG-SET-6): Polars has no multiset anti-join; core's
            // kernel keeps `max(n − m, 0)` copies, null equal to null.
            return self.wrap_local(kernels::subtract(
                &df1.as_local_bounded()?,
                &df2.as_local_bounded()?,
                false,
            )?);
        }
        Ok(wrap(crate::ops::subtract(&self.polars(df1)?, &self.polars(df2)?)?))
    }

    fn intersect(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        check_set_schemas("intersect", df1.schema(), df2.schema())?;
        if !distinct {
            // INTERSECT ALL (ENG-SET-6): core's kernel keeps `min(n, m)` copies.
            return self.wrap_local(kernels::intersect(
                &df1.as_local_bounded()?,
                &df2.as_local_bounded()?,
                false,
            )?);
        }
        Ok(wrap(crate::ops::intersect(&self.polars(df1)?, &self.polars(df2)?)?))
    }

    fn distinct(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        Ok(wrap(crate::ops::distinct(&self.polars(df)?)?))
    }

    fn dropna(
        &self,
        df: &DataFrameRef,
        how: DropnaHow,
        thresh: Option<usize>,
        subset: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        Ok(wrap(crate::ops::dropna(&self.polars(df)?, how, thresh, subset)?))
    }

    fn fillna(
        &self,
        df: &DataFrameRef,
        value: &FillValue,
        subset: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        Ok(wrap(crate::ops::fillna(&self.polars(df)?, value, subset)?))
    }

    fn sample(&self, df: &DataFrameRef, spec: &SampleSpec) -> Result<DataFrameRef> {
        Ok(wrap(crate::ops::sample(&self.polars(df)?, spec)?))
    }

    /// A Polars sort (nulls first/last per `na_position`) then `limit(n)`
    /// or `group_by(keys).head(n)` (ENG-TAKE-1..6).
    fn take(
        &self,
        df: &DataFrameRef,
        n: usize,
        presort: &str,
        na_position: NaPosition,
        partition_spec: &PartitionSpec,
    ) -> Result<DataFrameRef> {
        Ok(wrap(crate::ops::take(&self.polars(df)?, n, presort, na_position, partition_spec)?))
    }

    fn select(
        &self,
        df: &DataFrameRef,
        cols: &SelectColumns,
        where_: Option<&ColumnExpr>,
        having: Option<&ColumnExpr>,
    ) -> Result<DataFrameRef> {
        Ok(wrap(crate::expr::select(&self.polars(df)?, cols, where_, having)?))
    }

    fn filter(&self, df: &DataFrameRef, condition: &ColumnExpr) -> Result<DataFrameRef> {
        Ok(wrap(crate::expr::filter(&self.polars(df)?, condition)?))
    }

    fn assign(&self, df: &DataFrameRef, columns: &[ColumnExpr]) -> Result<DataFrameRef> {
        Ok(wrap(crate::expr::assign(&self.polars(df)?, columns)?))
    }

    fn aggregate(
        &self,
        df: &DataFrameRef,
        partition_spec: &PartitionSpec,
        agg_cols: &[ColumnExpr],
    ) -> Result<DataFrameRef> {
        Ok(wrap(crate::expr::aggregate(&self.polars(df)?, partition_spec, agg_cols)?))
    }

    fn load_df(&self, paths: &[&str], options: &LoadOptions) -> Result<DataFrameRef> {
        Ok(wrap(crate::io::load(paths, options)?))
    }

    /// The core's IO kernel (`fugue_core::spi::kernels::save_df`) over the
    /// materialised rows: Parquet, CSV and JSON with arrow-rs writers, Hive
    /// layout, single-file append and crash-safe overwrite (ENG-IO-5..9).
    fn save_df(&self, df: &DataFrameRef, path: &str, options: &SaveOptions) -> Result<()> {
        let local = fugue_core::DataFrame::as_local_bounded(&self.polars(df)?)?;
        fugue_core::spi::kernels::save_df(
            std::slice::from_ref(&local),
            fugue_core::DataFrame::schema(&local),
            path,
            options,
        )
    }
}

/// Polars prints its warnings (e.g. deprecations of casts it runs inside
/// polars-sql) straight to stderr; send them to `tracing` instead so a
/// library user decides what is shown. Process-wide, set once.
fn route_polars_warnings() {
    fn to_tracing(message: &str, kind: polars_core::error::PolarsWarning) {
        tracing::warn!(target: "polars", ?kind, "{message}");
    }
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| polars_core::error::set_warning_function(to_tracing));
}
