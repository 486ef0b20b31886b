//! # fugue-api
//!
//! The programming model of fugue-rs, re-exported by the facade `fugue`:
//!
//! - [`api`]: free functions a user calls without touching an engine
//!   (`transform`, `out_transform`, `load`, `save`, `join`, `union`, ...,
//!   `raw_sql`; ENG-API, WF-API-1..4);
//! - [`like`]: x-like inputs, one conversion trait per role (dataframe,
//!   schema, partition, conf) so each call accepts what a user has in hand;
//! - [`context`]: which engine runs a call ([`engine_context`],
//!   [`set_global_engine`], [`current_conf`]; ENG-CTX-1..7);
//! - [`extension`]: transformers, cotransformers, output variants,
//!   processors, outputters and creators, as traits or closures, with
//!   output-schema hints, params, validation rules and `ignore_errors`
//!   (WF-EXT, WF-CTX, WF-TR, WF-COTR, WF-OTR, WF-PROC, WF-OUT, WF-CREATE,
//!   WF-SIG, WF-VAL);
//! - [`registry`]: extensions by name (WF-REG-1, WF-ID-5), so FugueSQL and
//!   executors in other processes can find user code;
//! - [`rpc`]: callbacks from transformers to the driver (WF-RPC-1..9).
//!
//! It sits above the engines' contract (`fugue-core`) and below FugueSQL and
//! the distributed engine, which find extensions through its registry.
#![deny(missing_docs)]

pub mod api;
pub mod context;
pub mod extension;
pub mod like;
#[cfg(any(feature = "polars", feature = "datafusion"))]
mod native_frames;
pub mod registry;
pub mod rpc;

pub use context::{
    EngineContextGuard, EngineLike, clear_global_engine, current_conf, engine_context,
    set_global_engine,
};

#[doc(hidden)]
pub use inventory;
