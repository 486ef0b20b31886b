//! # fugue-native
//!
//! `NativeExecutionEngine`: the plain execution engine of fugue-rs — Arrow
//! compute kernels plus rayon, no Polars and no DataFusion. It is the
//! reference every other backend is compared with, so it implements every
//! operation of `spec/ENGINE.md` and `spec/PARTITION.md`, registered as
//! `native`.
//!
//! A [`NativeDataFrame`] holds physical partitions of Arrow record batches.
//! Hot paths stay columnar (lexsort / row format, `take` / `filter` /
//! `concat` kernels); no value is boxed row by row.
#![deny(missing_docs)]

mod clean;
mod engine;
mod eval;
mod frame;
mod io;
mod join;
mod map;
mod repartition;
mod sample;
mod select;
mod setops;

pub use engine::{NATIVE_THREADS, NativeExecutionEngine};
pub use frame::NativeDataFrame;

fugue_core::register_engine!("native", [], engine::build_engine);
