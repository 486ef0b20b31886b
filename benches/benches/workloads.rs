//! Criterion benches of the standard workloads W1–W4 on every linked engine
//! that supports them, beside plain-Arrow baselines where one exists.
//!
//! Scale: `FUGUE_BENCH_SF` (default 0.01, about 60k lineitem rows).
//! Run: `cargo bench -p fugue-benches` (release build; see the README for
//! build times). Figures are only comparable as ratios within one run.

use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fugue::core::arrow::compute::{SortColumn, SortOptions, lexsort_to_indices, take_record_batch};
use fugue::core::dataframe::DataFrameRef;
use fugue::core::{Conf, LocalDataFrame};
use fugue_benches as w;

fn scale() -> f64 {
    std::env::var("FUGUE_BENCH_SF").ok().and_then(|s| s.parse().ok()).unwrap_or(0.01)
}

fn engines() -> Vec<fugue::core::engine::EngineRef> {
    fugue::link_engines();
    fugue::core::registered_engines()
        .into_iter()
        .filter_map(|e| match fugue::core::make_engine(e.name, Conf::new()) {
            Ok(engine) => Some(engine),
            Err(err) => {
                eprintln!("skipping engine `{}`: {err}", e.name);
                None
            }
        })
        .collect()
}

/// The plain-Arrow part of W1: lexsort the four input columns by
/// (l_suppkey, l_shipdate, l_orderkey) and gather them.
fn lexsort_baseline(li: &LocalDataFrame) -> usize {
    let Ok(batch) = li.to_batch() else { return 0 };
    let idx = |n: &str| batch.schema().index_of(n).ok();
    let (Some(s), Some(d), Some(o), Some(q)) =
        (idx("l_suppkey"), idx("l_shipdate"), idx("l_orderkey"), idx("l_quantity"))
    else {
        return 0;
    };
    let Ok(four) = batch.project(&[o, s, q, d]) else { return 0 };
    let cols: Vec<SortColumn> = [s, d, o]
        .iter()
        .map(|&i| SortColumn {
            values: batch.column(i).clone(),
            options: Some(SortOptions::default()),
        })
        .collect();
    match lexsort_to_indices(&cols, None).and_then(|ix| take_record_batch(&four, &ix)) {
        Ok(sorted) => sorted.num_rows(),
        Err(_) => 0,
    }
}

fn bench(c: &mut Criterion) {
    let sf = scale();
    let (Ok(li), Ok(ord)) = (w::lineitem(sf), w::orders(sf)) else {
        eprintln!("cannot generate TPC-H data at SF {sf}");
        return;
    };
    let rows = li.num_rows() as u64;
    let li_ref: DataFrameRef = Arc::new(li.clone());
    let ord_ref: DataFrameRef = Arc::new(ord);
    let engines = engines();

    let mut g = c.benchmark_group("W1_transform");
    g.throughput(Throughput::Elements(rows));
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("arrow_lexsort_baseline", rows), |b| {
        b.iter(|| lexsort_baseline(&li))
    });
    for e in &engines {
        g.bench_function(BenchmarkId::new(e.name(), rows), |b| {
            b.iter(|| w::w1_transform(e, &li_ref).map(|r| r.num_rows()).unwrap_or(0))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("W2_join");
    g.throughput(Throughput::Elements(rows));
    g.sample_size(10);
    for e in &engines {
        g.bench_function(BenchmarkId::new(e.name(), rows), |b| {
            b.iter(|| w::w2_join(e, &li_ref, &ord_ref).map(|r| r.num_rows()).unwrap_or(0))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("W3_aggregate");
    g.throughput(Throughput::Elements(rows));
    g.sample_size(10);
    for e in &engines {
        g.bench_function(BenchmarkId::new(e.name(), rows), |b| {
            b.iter(|| w::w3_aggregate(e, &li_ref).map(|r| r.num_rows()).unwrap_or(0))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("W4_take");
    g.throughput(Throughput::Elements(rows));
    g.sample_size(10);
    for e in &engines {
        g.bench_function(BenchmarkId::new(e.name(), rows), |b| {
            b.iter(|| w::w4_take(e, &li_ref).map(|r| r.num_rows()).unwrap_or(0))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
