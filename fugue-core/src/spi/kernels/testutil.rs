//! Helpers shared by the kernels' unit tests.

use crate::{DataFrame, LocalDataFrame, Row};

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
