//! The execution-engine traits: [`ExecutionEngine`] (every operation of
//! `spec/ENGINE.md`), its map facet [`MapEngine`] (`map_dataframe`) and the
//! SQL facet [`SqlEngine`], plus typed parameters ([`params`]) and the map
//! machinery shared by engines ([`map`]).
//!
//! # Contract (every engine)
//! - Every method accepts any [`DataFrame`] — of this engine, another engine,
//!   local or stream — and converts it with `to_df` first (ENG-GEN-1).
//!   Inputs are never mutated.
//! - Results are frames of this engine (ENG-GEN-2); row order is unspecified
//!   unless an operation promises it (ENG-GEN-8).
//! - Validation goes through the shared functions of [`params`],
//!   [`crate::expr`] and [`crate::dataframe`], so every engine raises the
//!   same error kinds for the same bad input.
//! - The API is synchronous. Engines that are async inside own their runtime
//!   and work when called from inside another tokio runtime.
//! - Engines are shared handles (`Arc<dyn ExecutionEngine>`, ENG-GEN-3) and
//!   `Send + Sync`.

pub(crate) mod map;
pub(crate) mod params;
pub mod portable;
mod sql;
pub(crate) mod take;
#[cfg(test)]
pub(crate) mod toy;
mod zip;

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use crate::conf::Conf;
use crate::dataframe::{DataFrame, DataFrameRef, DataFrames, LocalDataFrame};
use crate::error::{Error, Result};
use crate::expr::{ColumnExpr, SelectColumns};
use crate::io::{FormatOptions, LoadColumns, SaveMode};
use crate::partition::PartitionSpec;
use crate::schema::Schema;
use crate::spi::kernels;
use crate::value::Row;

pub use map::{MapFn, OnInitFn, map_fn};

/// Runs `f` in `pool` ([`ExecutionEngine::kernel_pool`]); in rayon's
/// current pool when `None`.
fn in_pool<R: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}
pub use sql::{MAX_SQL_OPERATORS, SqlEngine, SqlPart, StructuredSql};

/// The user function of `comap`: called once per zipped key group with the
/// cursor (key values of the group) and one member per zipped input, in input
/// order, list-like or dict-like as zipped; an input without rows for the key
/// is an empty frame with its schema (ENG-COMAP-2, ENG-COMAP-4).
pub type CoMapFn = Arc<
    dyn Fn(&crate::partition::PartitionCursor, DataFrames) -> Result<LocalDataFrame> + Send + Sync,
>;

/// Called once per physical partition of a `comap` with a collection of the
/// same mode, keys and schemas as the zip, every member empty (ENG-COMAP-5).
pub type CoOnInitFn = Arc<dyn Fn(usize, &DataFrames) -> Result<()> + Send + Sync>;
pub use params::{DropnaHow, FillValue, JoinType, MAX_SAMPLE_ROWS, NaPosition, SampleSpec};

/// A shared handle to an execution engine (ENG-GEN-3: clones are the same engine).
pub type EngineRef = Arc<dyn ExecutionEngine>;

/// A shared handle to a SQL engine.
pub type SqlEngineRef = Arc<dyn SqlEngine>;

/// What an engine can do beyond the required operation set; read by the
/// conformance suite (to mark cases that need a capability) and by callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// The engine has a SQL facet, so `select` via SQL and `sql_engine()` work (ENG-SQL-7).
    pub sql: bool,
    /// The SQL facet stores tables (`save_table` / `load_table`, ENG-SQL-5).
    pub table_storage: bool,
    /// `save_df` supports `SaveMode::Append` (ENG-IO-5).
    pub save_append: bool,
    /// The engine is distributed (ENG-GEN-4).
    pub distributed: bool,
}

/// The map facet: runs user functions over partitions (ENG-MAP).
pub trait MapEngine: Send + Sync {
    /// Runs `map_fn` over `df` partitioned by `partition_spec` and returns
    /// the union of its outputs with schema `output_schema` (ENG-MAP-1..12,
    /// PG-1..8, PA-1..8).
    ///
    /// - One call per logical partition when keys are given (non-coarse);
    ///   one call per non-empty physical partition otherwise (ENG-MAP-2).
    /// - The frame passed in is local, non-empty, has the input schema and is
    ///   sorted by presort (ENG-MAP-3, PG-6, PG-2).
    /// - `on_init` runs once per non-empty physical partition first (ENG-MAP-4).
    /// - Empty input: no call, an empty result with `output_schema` (ENG-MAP-7).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty `output_schema` or an output that does not
    /// match it; `ERR-NOT-FOUND` for missing key or presort columns;
    /// `ERR-USER` for errors and panics of user code, naming the partition keys.
    fn map_dataframe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
    ) -> Result<DataFrameRef>;

    /// [`map_dataframe`](Self::map_dataframe) with a [`portable::MapRecipe`]
    /// by which another process rebuilds `map_fn` and `on_init` (an
    /// extension registered by name, see [`portable`]).
    ///
    /// Engines that run user code in their own process ignore the recipe
    /// (this default); a distributed engine sends it to its executors so
    /// the map runs there. Same rules and errors as `map_dataframe`, plus the
    /// recipe's build errors on engines that use it.
    fn map_dataframe_with_recipe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
        recipe: &portable::MapRecipe,
    ) -> Result<DataFrameRef> {
        let _ = recipe;
        self.map_dataframe(df, map_fn, output_schema, partition_spec, on_init)
    }
}

/// Options of [`ExecutionEngine::save_df`] beyond path and frame.
#[derive(Debug, Clone, Default)]
pub struct SaveOptions {
    /// Format hint (`csv`, `parquet`, `json`); `None` infers it from the path (ENG-IO-2).
    pub format_hint: Option<String>,
    /// What to do when the path exists (ENG-IO-5).
    pub mode: SaveMode,
    /// With keys: Hive layout `path/key=value/...` (ENG-IO-8).
    pub partition_spec: PartitionSpec,
    /// Write exactly one file at `path` (ENG-IO-6).
    pub force_single: bool,
    /// Format options (`header` for CSV, ...), ENG-IO-10.
    pub format_options: FormatOptions,
}

/// Options of [`ExecutionEngine::load_df`] beyond the paths.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Format hint; `None` infers it per path (ENG-IO-2).
    pub format_hint: Option<String>,
    /// Which columns to load, and optionally their types (ENG-IO-4).
    pub columns: LoadColumns,
    /// Format options (`header`, `infer_schema` for CSV, ...), ENG-IO-10.
    pub format_options: FormatOptions,
}

/// An execution engine: every operation of `spec/ENGINE.md` over frames of
/// any engine. See the [module docs](self) for the contract every engine
/// keeps; each method names the rules it implements.
///
/// Engines are built from a [`Conf`] (directly, or by name through
/// [`crate::registry::make_engine`]).
pub trait ExecutionEngine: MapEngine + Any + Send + Sync + fmt::Debug + fmt::Display {
    /// The registry name, e.g. `native` (ENG-GEN-7 uses `Display` for a human name).
    fn name(&self) -> &str;

    /// The engine's configuration: global defaults overlaid by the conf it
    /// was built with (ENG-CONF-1).
    fn conf(&self) -> &Conf;

    /// What the engine can do beyond the required set. Default: no SQL
    /// facet, no table storage, append supported (the default `save_df`
    /// appends), not distributed.
    fn capabilities(&self) -> Capabilities {
        Capabilities { save_append: true, ..Capabilities::default() }
    }

    /// A positive number: how many partitions this engine processes at once
    /// (ENG-GEN-6; feeds `CONCURRENCY`, PS-NUM-1). Default: 1.
    fn get_current_parallelism(&self) -> usize {
        1
    }

    /// The engine's SQL facet (ENG-SQL-4, `fugue.sql.engine`).
    ///
    /// # Errors
    /// `ERR-NOT-SUPPORTED` when the engine has no SQL facet (ENG-SQL-7).
    fn sql_engine(&self) -> Result<SqlEngineRef> {
        Err(Error::unsupported(self.name(), "sql"))
    }

    /// Converts any frame into a frame of this engine (ENG-TODF-1..4). A frame
    /// of this engine is returned as is (metadata kept).
    ///
    /// # Errors
    /// Backend errors while converting.
    fn to_df(&self, df: &DataFrameRef) -> Result<DataFrameRef>;

    /// A frame of this engine from a local frame: `to_df` of it. The
    /// default operations return kernel results through it; an engine may
    /// override it with a cheaper wrap.
    ///
    /// # Errors
    /// As `to_df`.
    fn wrap_local(&self, local: LocalDataFrame) -> Result<DataFrameRef> {
        let local: DataFrameRef = Arc::new(local);
        self.to_df(&local)
    }

    /// Lays out `df` physically per `spec` (ENG-REPART-1, PA-*); same schema and rows.
    /// Default: `to_df(df)` after checking the spec against the schema, right
    /// for an engine whose frames are one local partition (the layout only
    /// matters to engines with several physical partitions).
    ///
    /// # Errors
    /// `ERR-ARG` for a bad `num` expression; `ERR-NOT-FOUND` for missing keys.
    fn repartition(&self, df: &DataFrameRef, spec: &PartitionSpec) -> Result<DataFrameRef> {
        if !spec.is_empty() {
            spec.get_sorts(df.schema(), true)?;
            spec.eval_num_partitions(|| df.count(), || self.get_current_parallelism())?;
        }
        self.to_df(df)
    }

    /// Marks `df` for cheap replication; local engines return `to_df(df)`
    /// (ENG-BCAST-1); metadata kept (ENG-BCAST-2). Default: `to_df(df)`.
    ///
    /// # Errors
    /// Backend errors.
    fn broadcast(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        self.to_df(df)
    }

    /// Computes `df` once so later uses do not recompute it (ENG-PERSIST-1..5);
    /// with `lazy`, at first use. Idempotent; metadata kept. Default:
    /// `to_df(df)`, right for engines whose frames are always computed (a lazy
    /// engine overrides it).
    ///
    /// # Errors
    /// Backend errors while computing.
    fn persist(&self, df: &DataFrameRef, lazy: bool) -> Result<DataFrameRef> {
        let _ = lazy;
        self.to_df(df)
    }

    /// [`persist`](Self::persist) with engine options (Python Fugue's
    /// `persist(df, lazy, **kwargs)`, FSQL-STMT-CKPT-3 `PERSIST (level=...)`).
    /// Default, for engines that keep every persisted frame in memory: the
    /// option `level` is accepted when it asks for memory (`memory`,
    /// `memory_only`, any letter case) and the frame is persisted as
    /// `persist` does; empty options are plain `persist`.
    ///
    /// # Errors
    /// `ERR-NOT-SUPPORTED` naming the option for any other option or level
    /// (never silently ignored); as [`persist`](Self::persist).
    fn persist_with(&self, df: &DataFrameRef, lazy: bool, options: &Conf) -> Result<DataFrameRef> {
        for (key, value) in options.iter() {
            let memory = key == "level"
                && value.as_str().is_some_and(|l| {
                    ["memory", "memory_only"].contains(&l.to_ascii_lowercase().as_str())
                });
            if !memory {
                return Err(Error::unsupported(
                    self.name(),
                    format!(
                        "persist option `{key}={value}` (this engine keeps persisted frames in \
                         memory: only `level=\"memory\"` is accepted)"
                    ),
                ));
            }
        }
        self.persist(df, lazy)
    }

    /// Joins two frames (ENG-JOIN-1..11); keys inferred when `on` is empty.
    /// Null keys never match (ENG-JOIN-6). Resolve keys, key types and the
    /// output schema with [`params::plan_join`].
    ///
    /// Keys match by value (ENG-JOIN-10): an implementation casts both key
    /// columns to the plan's [`JoinPlan::key_types`]
    /// ([`params::join_key_type`]: integers of any widths and signedness
    /// losslessly, e.g. `long` with `ulong` as decimal text so `2^53 + 1`
    /// never matches `2^53`; integers with floats in `double`, as Python
    /// Fugue's pandas-based native engine and DuckDB do) and compares in
    /// exactly those types, with no typing rule of its own. Output key
    /// columns keep df1's types (ENG-JOIN-4) and df1's values; right keys
    /// of unmatched right rows (right/full outer, ENG-JOIN-7) are converted
    /// to df1's key types with the DF-CAST rules.
    ///
    /// # Errors
    /// `ERR-ARG` / `ERR-SCHEMA` per [`params::plan_join`] (`ERR-SCHEMA` for
    /// key types that cannot be compared, e.g. `int` with `str`, before any
    /// engine work); `ERR-CAST` when an unmatched right key does not fit
    /// df1's key type.
    fn join(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        how: JoinType,
        on: &[&str],
    ) -> Result<DataFrameRef> {
        let plan = params::plan_join(df1.schema(), df2.schema(), how, on)?;
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::join(&df1.as_local_bounded()?, &df2.as_local_bounded()?, &plan)
        })?)
    }

    /// UNION (`distinct`) or UNION ALL (ENG-SET-1..3).
    ///
    /// # Errors
    /// `ERR-ARG` when the schemas differ (ENG-SET-1).
    fn union(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        params::check_set_schemas("union", df1.schema(), df2.schema())?;
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::union(&df1.as_local_bounded()?, &df2.as_local_bounded()?, distinct)
        })?)
    }

    /// EXCEPT (`distinct`) or EXCEPT ALL with multiset semantics: a row
    /// occurring `n` times in `df1` and `m` times in `df2` is kept
    /// `max(n − m, 0)` times, null equal to null (ENG-SET-4, ENG-SET-6). Every
    /// engine gives this result (the conformance suite checks it).
    ///
    /// # Errors
    /// `ERR-ARG` when the schemas differ.
    fn subtract(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        params::check_set_schemas("subtract", df1.schema(), df2.schema())?;
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::subtract(&df1.as_local_bounded()?, &df2.as_local_bounded()?, distinct)
        })?)
    }

    /// INTERSECT (`distinct`) or INTERSECT ALL with multiset semantics:
    /// `min(n, m)` copies, null equal to null (ENG-SET-5, ENG-SET-6). Every
    /// engine gives this result (the conformance suite checks it).
    ///
    /// # Errors
    /// `ERR-ARG` when the schemas differ.
    fn intersect(
        &self,
        df1: &DataFrameRef,
        df2: &DataFrameRef,
        distinct: bool,
    ) -> Result<DataFrameRef> {
        params::check_set_schemas("intersect", df1.schema(), df2.schema())?;
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::intersect(&df1.as_local_bounded()?, &df2.as_local_bounded()?, distinct)
        })?)
    }

    /// Removes duplicate rows, null equal to null (ENG-DISTINCT-1).
    ///
    /// # Errors
    /// Backend errors.
    fn distinct(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        self.wrap_local(in_pool(self.kernel_pool(), || kernels::distinct(&df.as_local_bounded()?))?)
    }

    /// Drops rows with nulls (ENG-DROPNA-1..4): `thresh` wins over `how`.
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` for a missing subset column.
    fn dropna(
        &self,
        df: &DataFrameRef,
        how: DropnaHow,
        thresh: Option<usize>,
        subset: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::dropna(&df.as_local_bounded()?, how, thresh, subset)
        })?)
    }

    /// Fills nulls (and NaN) (ENG-FILLNA-1..6); resolve with [`params::fillna_plan`].
    ///
    /// # Errors
    /// Per [`params::fillna_plan`].
    fn fillna(
        &self,
        df: &DataFrameRef,
        value: &FillValue,
        subset: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::fillna(&df.as_local_bounded()?, value, subset)
        })?)
    }

    /// Samples rows (ENG-SAMPLE-1..7).
    ///
    /// # Errors
    /// Per [`SampleSpec::resolve_size`].
    fn sample(&self, df: &DataFrameRef, spec: &SampleSpec) -> Result<DataFrameRef> {
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::sample(&df.as_local_bounded()?, spec)
        })?)
    }

    /// The first `n` rows per logical partition (or overall) after sorting by
    /// `presort` (or the spec's presort), nulls placed per `na_position`
    /// (ENG-TAKE-1..6). The default implementation runs over
    /// [`MapEngine::map_dataframe`] and is right for every engine; engines
    /// may override it with a faster native plan.
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` for a bad presort; `ERR-NOT-FOUND` for a missing column.
    fn take(
        &self,
        df: &DataFrameRef,
        n: usize,
        presort: &str,
        na_position: NaPosition,
        partition_spec: &PartitionSpec,
    ) -> Result<DataFrameRef> {
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::take(&df.as_local_bounded()?, n, presort, na_position, partition_spec)
        })?)
    }

    /// Projection, aggregation and filtering by column expressions
    /// (ENG-SEL-1..8); `where_` filters before, `having` after aggregation.
    ///
    /// # Errors
    /// `ERR-ARG` per [`crate::expr::validate_select`]; `ERR-NOT-FOUND` for
    /// missing columns.
    fn select(
        &self,
        df: &DataFrameRef,
        cols: &SelectColumns,
        where_: Option<&ColumnExpr>,
        having: Option<&ColumnExpr>,
    ) -> Result<DataFrameRef> {
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::select(&df.as_local_bounded()?, cols, where_, having)
        })?)
    }

    /// Keeps rows where `condition` is true (ENG-FILTER-1, ENG-EXPR-SEM-2).
    ///
    /// # Errors
    /// `ERR-ARG` for an aggregation in `condition`.
    fn filter(&self, df: &DataFrameRef, condition: &ColumnExpr) -> Result<DataFrameRef> {
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::filter(&df.as_local_bounded()?, condition)
        })?)
    }

    /// Replaces or appends columns (ENG-ASSIGN-1..3).
    ///
    /// # Errors
    /// `ERR-ARG` per [`crate::expr::validate_assign`].
    fn assign(&self, df: &DataFrameRef, columns: &[ColumnExpr]) -> Result<DataFrameRef> {
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::assign(&df.as_local_bounded()?, columns)
        })?)
    }

    /// Aggregates by the spec's keys (ENG-AGG-1..3): keys then aggregations.
    ///
    /// # Errors
    /// `ERR-ARG` per [`crate::expr::validate_aggregate`].
    fn aggregate(
        &self,
        df: &DataFrameRef,
        partition_spec: &PartitionSpec,
        agg_cols: &[ColumnExpr],
    ) -> Result<DataFrameRef> {
        let keys = partition_spec.partition_by().to_vec();
        self.wrap_local(in_pool(self.kernel_pool(), || {
            kernels::aggregate(&df.as_local_bounded()?, &keys, agg_cols)
        })?)
    }

    /// The thread pool the default kernel-backed methods (`join`, set
    /// operations, `distinct`, `dropna`, `fillna`, `sample`, `take`,
    /// `select`, `filter`, `assign`, `aggregate`, `load_df`) run the core's
    /// kernels in: their parallel paths use rayon's current pool. Default
    /// `None`: rayon's global pool (one thread per CPU). An engine with its
    /// own pool returns it, so its configured parallelism (ENG-GEN-6; the
    /// native engine's `fugue.native.threads`) bounds the kernels too.
    fn kernel_pool(&self) -> Option<&rayon::ThreadPool> {
        None
    }

    /// Loads files (ENG-IO-1..4, ENG-PQ, ENG-CSV, ENG-JSON).
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` for missing paths or columns; `ERR-NOT-SUPPORTED` for
    /// unknown formats; `ERR-ARG` for bad option combinations.
    fn load_df(&self, paths: &[&str], options: &LoadOptions) -> Result<DataFrameRef> {
        self.wrap_local(in_pool(self.kernel_pool(), || kernels::load(paths, options))?)
    }

    /// Saves a frame (ENG-IO-5..9). Overwrite never destroys the previous
    /// data when the write fails (see [`crate::io::SaveTarget`]).
    ///
    /// # Errors
    /// `ERR-EXISTS` in `error` mode; `ERR-NOT-SUPPORTED` for unsupported
    /// modes/formats; `ERR-ARG` for a glob in the path.
    fn save_df(&self, df: &DataFrameRef, path: &str, options: &SaveOptions) -> Result<()> {
        let local = df.as_local_bounded()?;
        kernels::save_df(std::slice::from_ref(&local), df.schema(), path, options)
    }

    /// Groups several frames by common keys so a cotransformer can see, per
    /// key, one sub-frame of each input (ENG-ZIP-1..8). `how` is one of
    /// inner, left_outer, right_outer, full_outer, cross. The default runs
    /// over [`MapEngine::map_dataframe`] and is right for every engine.
    ///
    /// # Errors
    /// `ERR-ARG` for no input or no common key; `ERR-NOT-SUPPORTED` for semi/anti;
    /// `ERR-INVALID-OP` for keys with cross; `ERR-SCHEMA` for missing keys.
    fn zip(
        &self,
        dfs: &DataFrames,
        how: JoinType,
        partition_spec: &PartitionSpec,
    ) -> Result<DataFrameRef> {
        zip::zip_over_map(self, dfs, how, partition_spec)
    }

    /// Runs `map_fn` once per key group of a zipped frame (ENG-COMAP-1..7).
    /// The default runs over [`MapEngine::map_dataframe`].
    ///
    /// # Errors
    /// `ERR-ARG` when `df` is not a zip result; as `map_dataframe` otherwise.
    fn comap(
        &self,
        df: &DataFrameRef,
        map_fn: CoMapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<CoOnInitFn>,
    ) -> Result<DataFrameRef> {
        zip::comap_over_map(self, df, map_fn, output_schema, partition_spec, on_init)
    }

    /// Runs each time a context (an engine context or the global role)
    /// starts using this engine (ENG-CTX-4). The default does nothing.
    fn on_enter_context(&self) {}

    /// Runs each time a context stops using this engine, before a possible
    /// [`stop`](Self::stop) (ENG-CTX-4). The default does nothing.
    fn on_exit_context(&self) {}

    /// Releases what the engine created; the engine stays usable (ENG-STOP-1..3).
    fn stop(&self) {}
}

impl dyn ExecutionEngine {
    /// Downcasts to the concrete engine type.
    pub fn downcast_ref<T: ExecutionEngine>(&self) -> Option<&T> {
        (self as &dyn Any).downcast_ref::<T>()
    }
}

/// Conveniences over every [`ExecutionEngine`].
pub trait ExecutionEngineExt: ExecutionEngine {
    /// A frame of this engine from rows and a schema (ENG-TODF-3, DF-VAL).
    ///
    /// # Errors
    /// As [`LocalDataFrame::from_rows`].
    fn to_df_rows(&self, rows: Vec<Row>, schema: &str) -> Result<DataFrameRef> {
        let local: DataFrameRef = Arc::new(LocalDataFrame::from_rows(rows, schema)?);
        self.to_df(&local)
    }

    /// A frame of this engine from Arrow record batches (ENG-TODF-4).
    ///
    /// # Errors
    /// As [`LocalDataFrame::from_batches`].
    fn to_df_batches(
        &self,
        batches: Vec<arrow::record_batch::RecordBatch>,
    ) -> Result<DataFrameRef> {
        let local: DataFrameRef = Arc::new(LocalDataFrame::from_batches(batches)?);
        self.to_df(&local)
    }
}

impl<T: ExecutionEngine + ?Sized> ExecutionEngineExt for T {}

/// The local frame behind `df` when it is one (no copy), for engines whose
/// frames are local Arrow data.
pub fn as_local_frame(df: &DataFrameRef) -> Option<&LocalDataFrame> {
    df.downcast_ref::<LocalDataFrame>()
}

#[allow(dead_code)]
fn _object_safe(_: &dyn ExecutionEngine, _: &dyn SqlEngine, _: &dyn DataFrame) {}
