//! Criterion benches of the standard workloads W1–W7 on every linked
//! engine, beside baselines in the same group:
//!
//! - plain Arrow where one exists (W1: `arrow_lexsort_baseline`, the lexsort
//!   that orders its groups);
//! - hand-written Polars (`raw_polars`) and DataFusion (`raw_datafusion`)
//!   code for W1, W2, W3, W5 and W7 (`fugue_benches::baselines`), each run
//!   right after its fugue engine (`polars`, `datafusion`), so the overhead
//!   ratio `engine / raw` comes from one run. The raw entries start from
//!   inputs converted beforehand; `raw_polars_from_arrow` (W1, W2, W3, W7)
//!   converts the columns it reads from the Arrow data inside its timed
//!   span, as the engine's `to_df` + scan does;
//!   `polars_on_polars_input` runs the fugue Polars engine on the same
//!   Polars frames `raw_polars` starts from (`fugue_benches::run_on_frames`),
//!   so `polars_on_polars_input / raw_polars` is fugue's own overhead with
//!   identical input on both sides.
//!
//! One more group, `input_to_df`, times each engine's `to_df` of the
//! in-memory `lineitem` alone: it is part of every fugue workload's timed
//! span, while the raw baselines start from frames converted beforehand.
//!
//! Scale: `FUGUE_BENCH_SF` (default 0.01, about 60k lineitem rows).
//! Samples: 10 per entry; `FUGUE_BENCH_SECS` (default 3) is the measuring
//! time per entry, 1 s of warm-up.
//! Run: `cargo bench -p fugue-benches` (release build; see the README for
//! build times), or some groups: `cargo bench -p fugue-benches -- W1 W3`.
//! An engine that cannot run a workload (W7 without a SQL engine) is skipped
//! with its reason on stderr. Figures are only comparable as ratios within
//! one run.

use std::time::Duration;

use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group,
    criterion_main, measurement::WallTime,
};
use fugue::core::Conf;
use fugue::core::engine::EngineRef;
use fugue_benches::baselines::{self, datafusion as raw_df, polars as raw_pl};
use fugue_benches::{self as w, Source, TpchData, Workload};

fn scale() -> f64 {
    std::env::var("FUGUE_BENCH_SF").ok().and_then(|s| s.parse().ok()).unwrap_or(0.01)
}

fn measuring_time() -> Duration {
    let secs = std::env::var("FUGUE_BENCH_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(3.0);
    Duration::from_secs_f64(if secs > 0.0 { secs } else { 3.0 })
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

/// The hand-written baselines, when their inputs could be built.
struct Raw {
    polars: Option<raw_pl::PolarsInput>,
    datafusion: Option<raw_df::DataFusionInput>,
}

impl Raw {
    fn new(data: &TpchData) -> Raw {
        let polars =
            raw_pl::PolarsInput::new(data).map_err(|e| eprintln!("skipping raw_polars: {e}")).ok();
        let datafusion = raw_df::DataFusionInput::new(data)
            .map_err(|e| eprintln!("skipping raw_datafusion: {e}"))
            .ok();
        Raw { polars, datafusion }
    }

    /// Benches the baseline of `engine`'s backend for `workload`, if any.
    fn bench(
        &self,
        g: &mut BenchmarkGroup<'_, WallTime>,
        e: &EngineRef,
        workload: Workload,
        data: &TpchData,
        rows: u64,
    ) {
        if !baselines::has_baseline(workload) {
            return;
        }
        match (e.name(), &self.polars, &self.datafusion) {
            ("polars", Some(input), _) => {
                if let Err(e) = raw_pl::run(workload, input, data) {
                    eprintln!("skipping raw_polars {}: {e}", workload.id());
                    return;
                }
                // the engine on the very frames the raw entry starts from
                match input.engine_frames() {
                    Ok(frames) if workload != Workload::W5 => {
                        g.bench_function(BenchmarkId::new("polars_on_polars_input", rows), |b| {
                            b.iter(|| {
                                w::run_on_frames(workload, e, data, &frames)
                                    .map(|o| o.num_rows())
                                    .unwrap_or(0)
                            })
                        });
                    }
                    Ok(_) => {}
                    Err(err) => eprintln!("skipping polars_on_polars_input: {err}"),
                }
                g.bench_function(BenchmarkId::new("raw_polars", rows), |b| {
                    b.iter(|| raw_pl::run(workload, input, data).map(|_| ()).ok())
                });
                if workload != Workload::W5 {
                    g.bench_function(BenchmarkId::new("raw_polars_from_arrow", rows), |b| {
                        b.iter(|| raw_pl::run_from_arrow(workload, data).map(|_| ()).ok())
                    });
                }
            }
            ("datafusion", _, Some(input)) => {
                if let Err(e) = raw_df::run(workload, input, data) {
                    eprintln!("skipping raw_datafusion {}: {e}", workload.id());
                    return;
                }
                g.bench_function(BenchmarkId::new("raw_datafusion", rows), |b| {
                    b.iter(|| raw_df::run(workload, input, data).map(|_| ()).ok())
                });
            }
            _ => {}
        }
    }
}

fn configure(g: &mut BenchmarkGroup<'_, WallTime>, rows: u64) {
    g.throughput(Throughput::Elements(rows));
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(measuring_time());
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
    let raw = Raw::new(&data);

    if let Source::Memory(li) = &data.lineitem {
        let rows = data.lineitem_rows as u64;
        let mut g = c.benchmark_group("input_to_df");
        configure(&mut g, rows);
        for e in &engines {
            g.bench_function(BenchmarkId::new(e.name(), rows), |b| {
                b.iter(|| e.to_df(li).map(|df| df.schema().len()).unwrap_or(0))
            });
        }
        g.finish();
    }

    for workload in Workload::ALL {
        if workload == Workload::W5
            && let Err(e) = data.lineitem_parquet()
        {
            eprintln!("skipping W5: cannot write lineitem Parquet: {e}");
            continue;
        }
        let rows = workload.rows_in(&data) as u64;
        let mut g = c.benchmark_group(format!("{}_{}", workload.id(), workload.name()));
        configure(&mut g, rows);
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
            raw.bench(&mut g, e, workload, &data, rows);
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
