//! # fugue
//!
//! Write dataframe logic once — a Rust closure over Arrow data, a column
//! expression, a SQL statement — and run it unchanged on any execution
//! engine: the plain native engine (Arrow kernels + rayon), Polars, or
//! Apache DataFusion. This is the facade applications depend on.
//!
//! ## Crate organisation
//!
//! | crate | what it holds |
//! |---|---|
//! | [`fugue_core`] | `Schema`, `DataFrame`, `PartitionSpec`, `Conf`, column expressions, the engine traits, the registry, `Error` |
//! | `fugue-workflow` | [`FugueWorkflow`]: the lazy DAG with checkpoints, yields, concurrency ([`workflow`]) |
//! | `fugue-api` | the programming model: [`api`], [`extension`], [`extensions`] (registry), [`context`], [`like`], [`rpc`] |
//! | `fugue-native` | the native engine (feature `native`, on by default) |
//! | `fugue-polars` | the Polars engine and SQL engine (feature `polars`) |
//! | `fugue-datafusion` | the DataFusion engine and SQL engine (feature `datafusion`) |
//! | `fugue-ballista` | the Ballista (distributed DataFusion) engine, and `fugue::ballista::cluster` to run a scheduler or executor that decodes fugue's plans (feature `ballista`, not in `all`) |
//! | `fugue-test-suite` | the conformance suite every backend runs |
//! | `fugue-macros` | `#[transformer]` and sibling attribute macros, re-exported here as `fugue::transformer` etc. |
//!
//! ## Features
//!
//! `native` (default), `polars`, `datafusion`, `all`, and `ballista`
//! (implies `datafusion`; not in `all`). Enabling a feature links
//! that backend crate, and linking it registers its engines, so choosing an
//! engine at run time is a string: `fugue::core::make_engine("polars", conf)`.
//! Call [`link_engines`] once in a binary that only uses engines by name, so
//! the linker keeps every enabled backend.
//!
//! All three backends pass the same conformance suite (`fugue-test-suite`).
//!
//! ## Example: load, rank per key with a closure, save — 8 lines
//!
//! The program of the README: load a Parquet file, number the rows of each
//! supplier by ship date with a Rust closure, save the result. The engine is
//! a name (`"native"`, `"polars"`, `"datafusion"` with their features);
//! without `.engine(..)` the call runs on the context engine
//! ([`engine_context`]), else the global one, else the default.
//!
//! ```
//! # use fugue::core::arrow::array::{Int64Array as I, StringArray as S};
//! # use fugue::core::arrow::record_batch::RecordBatch;
//! # let dir = tempfile::tempdir().map_err(fugue::Error::user)?;
//! # let path = dir.path().join("lineitem.parquet");
//! # let (input, output) = (path.to_str().unwrap_or_default(), dir.path().join("ranked.parquet"));
//! # let output = output.to_str().unwrap_or_default();
//! # let batch = RecordBatch::try_from_iter([
//! #     ("l_suppkey", Arc::new(I::from(vec![1, 2, 1])) as _),
//! #     ("l_shipdate", Arc::new(S::from(vec!["1995-01-02", "1996-03-04", "1997-05-06"])) as _),
//! # ])?;
//! # fugue::api::save(batch, input).run()?;
//! use std::sync::Arc;
//! use fugue::LocalDataFrame;
//! use fugue::core::arrow::array::Int64Array;
//!
//! fugue::api::transform(input, |df: LocalDataFrame| {
//!     let rn = Int64Array::from_iter_values(1..=df.num_rows() as i64);
//!     df.with_column("rn", Arc::new(rn))
//! })
//! .schema("*,rn:long")
//! .partition(("l_suppkey", "l_shipdate desc"))
//! .engine("native") // or "polars", "datafusion"
//! .save(output)?;
//! # let ranked = fugue::api::load(output).run()?;
//! # assert_eq!(fugue::api::count(ranked)?, 3);
//! # Ok::<(), fugue::Error>(())
//! ```
//!
//! ## Extensions by name: attribute macros
//!
//! `#[fugue::transformer(..)]` (and `cotransformer`, `output_transformer`,
//! `output_cotransformer`, `processor`, `outputter`, `creator`) keeps a
//! plain function as it is and registers it at link time under a stable
//! name and optional version (WF-SIG-8, WF-REG-1, WF-ID-5), so any call
//! (and FugueSQL's `USING`) can use it by name. Keys: `schema`, `name`,
//! `version`, the validation rules (`partitionby_has`, `presort_is`, ...),
//! `callback`; mistakes are compile errors.
//!
//! ```
//! use std::sync::Arc;
//! use fugue::core::arrow::array::Int64Array;
//! use fugue::{DataFrame, LocalDataFrame, Result, Value, api};
//!
//! #[fugue::transformer(schema = "*,rn:long", partitionby_has = "k", version = "1")]
//! fn rank(df: LocalDataFrame) -> Result<LocalDataFrame> {
//!     let n = df.num_rows() as i64;
//!     df.with_column("rn", Arc::new(Int64Array::from_iter_values(1..=n)))
//! }
//!
//! fn main() -> Result<()> {
//!     let df = LocalDataFrame::from_rows(
//!         vec![vec![Value::from("a"), Value::from(3)], vec![Value::from("a"), Value::from(5)]],
//!         "k:str,v:int",
//!     )?;
//!     let ranked = api::transform(df, "rank").partition(("k", "v desc")).engine("native").run()?;
//!     assert_eq!(ranked.schema().to_string(), "k:str,v:int,rn:long");
//!     Ok(())
//! }
//! ```
//!
//! ## Modules
//!
//! - [`api`]: every operation as a free function (ENG-API, WF-API);
//! - [`extension`]: transformers, cotransformers, processors, outputters,
//!   creators as traits or closures; [`extensions`]: the registry by name;
//! - [`context`] / [`like`]: engine resolution and x-like inputs;
//! - [`rpc`]: callbacks from partitions to the driver;
//! - [`workflow`]: the lazy DAG ([`FugueWorkflow`]); [`sql`]: FugueSQL
//!   scripts compiled into workflows (`fugue-sql`);
//! - [`core`]: the data model and the engine contract (`fugue-core`).
#![deny(missing_docs)]

pub use fugue_core as core;

pub use fugue_api::{
    EngineContextGuard, EngineLike, clear_global_engine, current_conf, engine_context,
    set_global_engine,
};
pub use fugue_api::{api, context, extension, like, registry as extensions, rpc};
pub use fugue_api::{
    register_cotransformer, register_creator, register_output_cotransformer,
    register_output_transformer, register_outputter, register_processor, register_transformer,
};
/// Attribute macros that register a plain function as a named extension
/// (WF-SIG-8, WF-REG-1, WF-ID-5): `#[fugue::transformer(schema = "*,rn:long",
/// partitionby_has = "k")]` and its siblings; see the crate `fugue-macros`
/// for keys and signatures.
pub use fugue_macros::{
    facade_cotransformer as cotransformer, facade_creator as creator,
    facade_output_cotransformer as output_cotransformer,
    facade_output_transformer as output_transformer, facade_outputter as outputter,
    facade_processor as processor, facade_transformer as transformer,
};
/// FugueSQL (`fugue-sql`): scripts parsed and compiled into a
/// [`FugueWorkflow`], run on any engine (spec/FUGUESQL.md).
pub use fugue_sql as sql;
pub use fugue_workflow as workflow;
pub use fugue_workflow::{FugueWorkflow, WorkflowDataFrame};

/// `fugue_api` under the path the facade's attribute macros expand to
/// (`::fugue::__private_api::register_transformer!(..)`), so users of the
/// facade depend on `fugue` only. Not part of the API.
#[doc(hidden)]
pub use fugue_api as __private_api;

pub use fugue_core::{
    Conf, DataFrame, DataFrameRef, DataFrames, Error, ErrorKind, LocalDataFrame, PartitionSpec,
    Result, Row, Schema, Value,
};

/// The Ballista engine (`fugue-ballista`, feature `ballista`): the engine
/// itself is found by name (`"ballista"`); this path gives the conf keys
/// and [`ballista::cluster`], which runs a scheduler or an executor that
/// decodes fugue's plans from your own `main`.
#[cfg(feature = "ballista")]
pub use fugue_ballista as ballista;
#[cfg(feature = "datafusion")]
use fugue_datafusion as _;
#[cfg(feature = "native")]
use fugue_native as _;
#[cfg(feature = "polars")]
use fugue_polars as _;

/// Keeps every backend enabled by a Cargo feature linked, so its registry
/// entries exist (see `fugue_core::registry`). Call it once at start-up in
/// a binary that selects engines only by name; it does nothing else.
pub fn link_engines() {
    // The `use ... as _` anchors above keep the crates in the dependency
    // graph; this function gives binaries one symbol to reference so the
    // facade itself is linked.
}

/// The engine names each enabled feature should register (checked by the
/// facade's tests against the registry).
pub fn enabled_engine_features() -> Vec<&'static str> {
    let mut v = Vec::new();
    if cfg!(feature = "native") {
        v.push("native");
    }
    if cfg!(feature = "polars") {
        v.push("polars");
    }
    if cfg!(feature = "datafusion") {
        v.push("datafusion");
    }
    if cfg!(feature = "ballista") {
        v.push("ballista");
    }
    v
}
