//! Helpers shared by the unit tests of this crate.

use fugue_core::conf::Conf;

use crate::engine::{NATIVE_THREADS, NativeExecutionEngine};

/// An engine with a pool of `threads` threads.
pub(crate) fn engine(threads: usize) -> NativeExecutionEngine {
    let conf = Conf::empty().with_entry(NATIVE_THREADS, threads as i64);
    NativeExecutionEngine::new(conf).expect("engine")
}
