//! Criterion benches of the standard workloads W1–W7 on every linked
//! engine, beside plain-Arrow baselines where one exists (W1: the lexsort
//! that orders its groups). The workloads are the ones `fugue bench` runs:
//! one definition each, in `fugue_benches` (this crate's library).
//!
//! Scale: `FUGUE_BENCH_SF` (default 0.01, about 60k lineitem rows).
//! Run: `cargo bench -p fugue-benches` (release build; see the README for
//! build times), or one group: `cargo bench -p fugue-benches -- W1`.
//! An engine that cannot run a workload (W7 without a SQL engine) is skipped
//! with its reason on stderr. Figures are only comparable as ratios within
//! one run.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fugue::core::Conf;
use fugue::core::engine::EngineRef;
use fugue_benches::{self as w, Source, TpchData, Workload};

fn scale() -> f64 {
    std::env::var("FUGUE_BENCH_SF").ok().and_then(|s| s.parse().ok()).unwrap_or(0.01)
}

/// Every engine linked into this binary, read from the registry.
fn engines() -> Vec<EngineRef> {
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

fn bench(c: &mut Criterion) {
    let sf = scale();
    let data = match TpchData::generate(sf) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot generate TPC-H data at SF {sf}: {e}");
            return;
        }
    };
    let engines = engines();
    for workload in Workload::ALL {
        if workload == Workload::W5
            && let Err(e) = data.lineitem_parquet()
        {
            eprintln!("skipping W5: cannot write lineitem Parquet: {e}");
            continue;
        }
        let rows = workload.rows_in(&data) as u64;
        let mut g = c.benchmark_group(format!("{}_{}", workload.id(), workload.name()));
        g.throughput(Throughput::Elements(rows));
        g.sample_size(10);
        if workload == Workload::W1
            && let Source::Memory(li) = &data.lineitem
            && let Ok(li) = li.as_local_bounded()
        {
            g.bench_function(BenchmarkId::new("arrow_lexsort_baseline", rows), |b| {
                b.iter(|| w::w1_lexsort_baseline(&li).unwrap_or(0))
            });
        }
        for e in &engines {
            if let Err(err) = w::run(workload, e, &data) {
                eprintln!("skipping {} on `{}`: {err}", workload.id(), e.name());
                continue;
            }
            g.bench_function(BenchmarkId::new(e.name(), rows), |b| {
                b.iter(|| w::run(workload, e, &data).map(|o| o.num_rows()).unwrap_or(0))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
