//! # fugue-native (skeleton)
//!
//! This crate will hold `NativeExecutionEngine`, the reference execution
//! engine of fugue-rs: Arrow compute kernels plus rayon, no Polars and no
//! DataFusion. It will implement every operation of `spec/ENGINE.md` and
//! `spec/PARTITION.md` and register itself as `native`.
//!
//! **Status:** not implemented yet (tracked by the "fugue-native" issue).
//! The crate compiles so that the workspace, the facade's `native` feature and
//! the CLI can be wired up; it exports nothing that pretends to work.
#![deny(missing_docs)]
