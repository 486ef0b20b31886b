//! # fugue-native
//!
//! `NativeExecutionEngine`: the plain execution engine of fugue-rs — Arrow
//! compute kernels plus rayon, no Polars and no DataFusion. It is the
//! reference every other backend is compared with, so it implements every
//! operation of `spec/ENGINE.md` and `spec/PARTITION.md`, registered as
//! `native`.
//!
//! A [`NativeDataFrame`] holds physical partitions of Arrow record batches
//! ([`NativeDataFrame::partitions`]). Hot paths stay columnar (lexsort / row
//! format, `take` / `filter` / `concat` kernels); no value is boxed row by
//! row.
//!
//! ## Parallelism and layout
//!
//! - The engine owns a rayon pool (`fugue.native.threads`, default: the
//!   number of CPUs); `get_current_parallelism` is its size and feeds the
//!   `CONCURRENCY` keyword of partition numbers.
//! - `repartition` lays rows out per `PARTITION.md`: with keys, a fixed hash
//!   of the key values (Arrow row format) modulo N, or `even` dealing whole
//!   logical partitions; without keys, a contiguous split after presort
//!   (PA-7), round robin for `hash`, a random permutation for `rand`. N ≤ 0
//!   means `fugue.default.partitions` when > 0, else the pool size, for the
//!   layouts that need a count, and keeps the layout otherwise (PS-NUM-6).
//!   Rows inside each partition are sorted by keys then presort, nulls last.
//! - `map_dataframe` lays the input out the same way and runs the
//!   partitions in parallel on the pool. Keyed maps without a number hash
//!   into `pool size × 4` partitions (or `fugue.default.partitions`) so every
//!   thread stays busy.
//! - SQL: the engine has no SQL of its own; `sql_engine()` binds the
//!   registered SQL engine named by `fugue.sql.engine`, else the first
//!   registered one (features `datafusion` / `polars` of `fugue`).
#![deny(missing_docs)]

mod engine;
mod frame;
mod map;
mod repartition;
#[cfg(test)]
mod testutil;

pub use engine::{NATIVE_THREADS, NativeExecutionEngine};
pub use frame::NativeDataFrame;

fugue_core::register_engine!("native", [], engine::build_engine);
