//! Helpers shared by the unit tests of this crate.

use fugue_core::conf::Conf;
use fugue_core::{DataFrame, LocalDataFrame, Row};

use crate::engine::{NATIVE_THREADS, NativeExecutionEngine};

/// An engine with a pool of `threads` threads.
pub(crate) fn engine(threads: usize) -> NativeExecutionEngine {
    let conf = Conf::empty().with_entry(NATIVE_THREADS, threads as i64);
    NativeExecutionEngine::new(conf).expect("engine")
}

/// All rows of `df`, sorted by every column (row order is unspecified, ENG-GEN-8).
pub(crate) fn sorted<D: DataFrame + ?Sized>(df: &D) -> Vec<Row> {
    let local: LocalDataFrame = df.as_local_bounded().expect("local");
    let mut rows = local.rows().expect("rows");
    rows.sort_by(|x, y| {
        x.iter()
            .zip(y)
            .map(|(a, b)| a.total_cmp(b))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    rows
}
