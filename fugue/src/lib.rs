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
//! | [`fugue_core`](core) | `Schema`, `DataFrame`, `PartitionSpec`, `Conf`, column expressions, the engine traits, the registry, `Error` |
//! | `fugue-native` | the native engine (feature `native`, on by default) |
//! | `fugue-polars` | the Polars engine and SQL engine (feature `polars`) |
//! | `fugue-datafusion` | the DataFusion engine and SQL engine (feature `datafusion`) |
//! | `fugue-test-suite` | the conformance suite every backend runs |
//!
//! ## Features
//!
//! `native` (default), `polars`, `datafusion`, `all`. Enabling a feature links
//! that backend crate, and linking it registers its engines, so choosing an
//! engine at run time is a string: `fugue::core::make_engine("polars", conf)`.
//! Call [`link_engines`] once in a binary that only uses engines by name, so
//! the linker keeps every enabled backend.
//!
//! All three backends pass the same conformance suite (`fugue-test-suite`).
//!
//! ## Example: a partitioned transform on an engine chosen by name
//!
//! ```
//! use std::sync::Arc;
//! use fugue::core::engine::map_fn;
//! use fugue::core::{DataFrame, DataFrameRef, ExecutionEngine};
//! use fugue::{Conf, LocalDataFrame, PartitionSpec, Schema, Value};
//!
//! fugue::link_engines();
//! let engine = fugue::core::make_engine("native", Conf::new())?; // or "polars", "datafusion"
//! let df: DataFrameRef = Arc::new(LocalDataFrame::from_rows(
//!     vec![
//!         vec![Value::from("a"), Value::from(3)],
//!         vec![Value::from("b"), Value::from(1)],
//!         vec![Value::from("a"), Value::from(5)],
//!     ],
//!     "k:str,v:int",
//! )?);
//! // one call per key; each call sees its rows sorted by `v desc`
//! let spec = PartitionSpec::builder().by(["k"]).presort("v desc").build()?;
//! let output: Schema = "k:str,v:int".parse()?;
//! let top = map_fn(|_cursor, part| Ok(part.slice(0, 1)));
//! let result = engine.map_dataframe(&df, top, &output, &spec, None)?;
//! assert_eq!(result.count()?, 2);
//! # Ok::<(), fugue::core::Error>(())
//! ```
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
pub use fugue_core::{
    Conf, DataFrame, DataFrameRef, DataFrames, Error, ErrorKind, LocalDataFrame, PartitionSpec,
    Result, Row, Schema, Value,
};

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
    v
}
