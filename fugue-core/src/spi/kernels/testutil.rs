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

/// `n` pseudo-random rows of `k:long,s:str,f:double` from `seed`: few
/// distinct keys, nulls in every column, NaN, `-0.0` and `0.0` among the
/// doubles, so hash kernels see duplicates and every equality rule.
pub(crate) fn random_frame(n: usize, seed: u64) -> LocalDataFrame {
    use crate::Value;
    let mut state = seed | 1;
    let mut next = move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    let rows = (0..n)
        .map(|_| {
            let k = if next(23) == 0 { Value::Null } else { Value::Int64(next(40) as i64) };
            let s = match next(9) {
                0 => Value::Null,
                v => Value::from(format!("s{}", v % 4)),
            };
            let f = match next(12) {
                0 => Value::Null,
                1 => Value::Float64(f64::NAN),
                2 => Value::Float64(-0.0),
                3 => Value::Float64(0.0),
                _ => Value::Float64(next(6) as f64 / 2.0),
            };
            vec![k, s, f]
        })
        .collect();
    LocalDataFrame::from_rows(rows, "k:long,s:str,f:double").expect("random frame")
}
