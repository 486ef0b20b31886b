//! The backend-author interface: what a backend needs to implement
//! [`ExecutionEngine`](crate::ExecutionEngine) and nothing a user calls.
//!
//! - [`kernels`]: every operation over local Arrow data (join, set
//!   operations, distinct, dropna/fillna, sample, select/filter/assign/
//!   aggregate, Parquet/CSV/JSON load and save). The default methods of
//!   [`ExecutionEngine`](crate::ExecutionEngine) materialise their inputs,
//!   run these kernels and convert the result back with `to_df`, so a new
//!   backend only overrides what it can do better in its own engine.
//!
//! - [`layout`]: physical partition layouts per a partition spec (hash,
//!   rand, even, coarse, contiguous; PA-1..8) over local Arrow partitions.
//!
//! - [`SqlFacetSlot`], [`configured_sql_engine`]: the lazily built SQL facet
//!   every engine keeps (ENG-GEN-5, ENG-SQL-4).
//!
//! A user of fugue-rs never needs this module: the engines, the
//! [`DataFrame`](crate::DataFrame) API and the conformance suite are the
//! user-facing surface.

pub mod kernels;
pub mod layout;
mod sql_facet;

pub use sql_facet::{SqlFacetSlot, configured_sql_engine};
