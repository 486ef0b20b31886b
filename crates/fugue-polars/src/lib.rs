//! # fugue-polars (skeleton)
//!
//! This crate will hold `PolarsExecutionEngine` (every fugue operation on
//! Polars 0.55, lazily where Polars is lazy), `PolarsSqlEngine` (polars-sql)
//! and the zero-copy Arrow <-> Polars bridge through the Arrow C Data
//! Interface. It will register itself as execution engine and SQL engine
//! `polars`.
//!
//! **Status:** not implemented yet (tracked by the "fugue-polars" issue). It
//! does not depend on Polars yet, so the workspace builds quickly until then;
//! it exports nothing that pretends to work.
#![deny(missing_docs)]
