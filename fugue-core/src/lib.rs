//! # fugue-core
//!
//! The engine-neutral core of fugue-rs: everything an execution engine, an
//! extension or the conformance suite needs, and nothing that depends on a
//! particular backend.
//!
//! | module | holds | spec |
//! |---|---|---|
//! | [`error`] | [`Error`], [`ErrorKind`], [`Result`] | `SCHEMA_AND_DATAFRAME.md` §0 |
//! | [`schema`] | [`Schema`]: the schema expression grammar, printing, operations, output-schema hints | SCH-* |
//! | [`value`] | [`Value`], [`Row`]: rows in / rows out, value casts | DF-VAL-*, DF-OUT-*, DF-CAST-* |
//! | [`dataframe`] | the [`DataFrame`] trait, [`LocalDataFrame`], [`LocalStreamDataFrame`], [`DataFrames`] | DF-*, DFS-* |
//! | [`partition`] | [`PartitionSpec`], [`PartitionCursor`], validation rules | PS-*, PC-*, PG-* |
//! | [`conf`] | [`Conf`] and the `fugue.*` keys | CFG-*, ENG-CONF-* |
//! | [`expr`] | column expressions and [`SelectColumns`] | ENG-EXPR-*, ENG-SEL-* |
//! | [`engine`] | the [`ExecutionEngine`], [`MapEngine`] and [`SqlEngine`] traits | ENG-* |
//! | [`io`] | format inference, path listing, save modes | ENG-IO-* |
//! | [`registry`] | link-time engine registry ([`make_engine`], [`registered_engines`]) | ENG-CTX-6 |
//! | [`spi`] | for backend authors only: the kernels every engine falls back on | ENGINE.md |
#![deny(missing_docs)]

pub mod conf;
pub mod dataframe;
pub mod engine;
pub mod error;
pub mod expr;
pub mod io;
pub mod partition;
pub mod registry;
pub mod schema;
pub mod spi;
pub mod value;

pub use conf::Conf;
pub use dataframe::{
    DataFrame, DataFrameExt, DataFrameRef, DataFrames, LocalDataFrame, LocalStreamDataFrame,
};
pub use engine::{
    EngineRef, ExecutionEngine, ExecutionEngineExt, MapEngine, SqlEngine, SqlEngineRef,
};
pub use error::{Error, ErrorKind, Result};
pub use expr::{ColumnExpr, SelectColumns, all_cols, col, lit, null};
pub use partition::{PartitionCursor, PartitionSpec};
pub use registry::{make_engine, make_sql_engine, registered_engines, registered_sql_engines};
pub use schema::Schema;
pub use value::{Row, Value};

/// Re-export of the Arrow version fugue-rs is built on, so users name the
/// same types (`RecordBatch`, `DataType`) without a second dependency line.
pub use arrow;
