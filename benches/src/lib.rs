//! Criterion benches of fugue-rs (skeleton).
//!
//! This crate will hold the standard workloads W1–W7 of
//! `shared/bench/WORKLOADS.md`, defined once and shared with `fugue bench`,
//! and criterion benches that run them on every linked engine beside
//! plain-Arrow, raw-Polars and raw-DataFusion baselines (tracked by the engine
//! and CLI issues). Nothing is benchmarked yet.
