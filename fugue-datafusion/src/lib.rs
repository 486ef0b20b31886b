//! # fugue-datafusion
//!
//! The Apache DataFusion (55.x) backend of fugue-rs:
//!
//! - [`DataFusionExecutionEngine`], registered as execution engine
//!   `datafusion`: every operation of `spec/ENGINE.md` as DataFusion logical
//!   plans over [`DataFusionDataFrame`]s, run lazily on the engine's own
//!   tokio runtime behind a synchronous API that also works from inside
//!   other tokio runtimes;
//! - [`DataFusionSqlEngine`], registered as SQL engine `datafusion`: SQL
//!   over frames of any engine, the default SQL facet of this engine (and
//!   of the native engine when both are linked).
//!
//! ## How operations map to DataFusion
//!
//! | operation | plan |
//! |---|---|
//! | join | equi-join with `NullEquality::NullEqualsNothing` (null keys never match), keys once in the output; cross join |
//! | union / subtract / intersect | `UNION [ALL]`, `EXCEPT [ALL]`, `INTERSECT [ALL]` (null equals null) |
//! | distinct, dropna, fillna | `DISTINCT`, filters / `CASE` with the `fugue_isna` UDF (NaN counts as null) |
//! | select, filter, assign, aggregate | column expressions compiled to `Expr` with fugue's types (`fugue_cast` UDF for DF-CAST) |
//! | take | sort + limit without keys; per key, two phases: the core's heap kernel keeps each input partition's top `n` per group (a map node, no sort, no shuffle of every row), then `row_number()` over the keys filtered to `<= n` ranks the survivors (one phase, the window plan, for `n` over 64, nested sort or key columns, and on Ballista) |
//! | map_dataframe | `RepartitionExec` (hash of the keys) → `SortExec` (keys + presort) → a custom streaming `ExecutionPlan` |
//! | load / save | DataFusion's parquet / csv / json scans (projection pushdown) and parquet / csv writers |
//! | sample | materialised, seeded index sampling (the native engine's algorithm) |
//!
//! Plan building (module `plan`) never executes anything; the engine runs
//! plans on its runtime. A distributed engine can reuse the plan code.
//!
//! ## Configuration
//!
//! | key | meaning |
//! |---|---|
//! | `fugue.datafusion.threads` | worker threads of the runtime = the parallelism (default: CPUs) |
//! | `fugue.datafusion.target_partitions` | DataFusion target partitions (default: the parallelism) |
//! | `fugue.datafusion.batch_size` | rows per batch (default 8192) |
//! | `fugue.datafusion.memory_limit` | memory pool limit, bytes or size text (default: unlimited) |
//! | `fugue.datafusion.lazy_map` | `map_dataframe` returns the lazy plan instead of running it during the call (default false) |
//! | `datafusion.*` | DataFusion's own session options, passed through (`datafusion.optimizer.enable_window_topn=true`); unknown names and rejected values are `ERR-ARG` |
#![deny(missing_docs)]

mod engine;
mod error;
mod frame;
mod io;
mod layout;
mod plan;
mod runtime;
mod sql;
mod udf;

pub use engine::{
    DATAFUSION_BATCH_SIZE, DATAFUSION_LAZY_MAP, DATAFUSION_MEMORY_LIMIT, DATAFUSION_OPTION_PREFIX,
    DATAFUSION_TARGET_PARTITIONS, DATAFUSION_THREADS, DataFusionExecutionEngine,
};
pub use error::to_df as to_datafusion_error;
pub use frame::DataFusionDataFrame;
pub use plan::map::{decode_map_exec, encode_map_exec, expose_map_inputs};
pub use sql::DataFusionSqlEngine;
pub use udf::{decode_fugue_udf, encode_fugue_udf};

/// Re-export of the DataFusion version this crate is built on.
pub use datafusion;

fugue_core::register_engine!("datafusion", [], engine::build_engine);
fugue_core::register_sql_engine!("datafusion", [], sql::build_sql_engine);
