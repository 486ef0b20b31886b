//! The cost of coming back from Polars, where every imported array is
//! validated (offsets, UTF-8, views, children; issue 16): `from_polars_df`
//! on a lineitem-like frame (600,572 rows: two longs, a double, a 1-char
//! and a 25-char string column), beside arrow's `validate_full` alone on
//! the same arrays, so the validation share is a ratio from one run.
//!
//! Run: `cargo bench -p fugue-benches --bench bridge`.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use fugue::core::arrow::array::{Array, ArrayRef, Float64Array, Int64Array, StringArray};
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::core::{DataFrame, LocalDataFrame, Result};
use fugue_polars::bridge::{from_polars_df, to_polars_df};

fn frame() -> Result<LocalDataFrame> {
    let n = 600_572usize;
    let keys: ArrayRef = Arc::new(Int64Array::from_iter_values((0..n as i64).map(|i| i / 4)));
    let supp: ArrayRef = Arc::new(Int64Array::from_iter_values((0..n as i64).map(|i| i % 1000)));
    let qty: ArrayRef = Arc::new(Float64Array::from_iter_values((0..n).map(|i| (i % 50) as f64)));
    let flag: ArrayRef =
        Arc::new(StringArray::from_iter_values((0..n).map(|i| ["A", "N", "R"][i % 3])));
    let comment: ArrayRef = Arc::new(StringArray::from_iter_values(
        (0..n).map(|i| format!("furiously regular {i:07} deps")),
    ));
    LocalDataFrame::from_batch(RecordBatch::try_from_iter([
        ("l_orderkey", keys),
        ("l_suppkey", supp),
        ("l_quantity", qty),
        ("l_returnflag", flag),
        ("l_comment", comment),
    ])?)
}

fn bench(c: &mut Criterion) {
    let prepared = frame().and_then(|local| {
        let pl = to_polars_df(&local)?;
        let back = from_polars_df(&pl, local.schema())?.to_batch()?;
        Ok((local, pl, back))
    });
    let (local, pl, back) = match prepared {
        Ok(x) => x,
        Err(e) => {
            eprintln!("cannot prepare the bridge bench: {e}");
            return;
        }
    };
    let mut g = c.benchmark_group("polars_bridge_back");
    g.sample_size(10);
    g.bench_function("from_polars_df (validates)", |b| {
        b.iter(|| from_polars_df(&pl, local.schema()).map(|d| d.num_rows()).unwrap_or(0))
    });
    g.bench_function("validate_full alone", |b| {
        b.iter(|| back.columns().iter().filter(|c| c.to_data().validate_full().is_ok()).count())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
