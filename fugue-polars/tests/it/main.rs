//! Integration tests of fugue-polars beyond the conformance suite: the
//! Arrow ↔ Polars bridge round trip of every type of the schema grammar
//! (with nulls and slices), the SQL engine, native-object access and
//! Polars-specific behaviour.

mod bridge;
mod engine;
