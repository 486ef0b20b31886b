//! A TPC-H pipeline as a `FugueWorkflow`, run on every linked engine:
//! load `lineitem` and `orders` from Parquet, rank each supplier's lines by
//! ship date with a Rust transformer (W1's per-group function), keep the
//! ranked frame in a deterministic checkpoint, join it to `orders`,
//! aggregate per order priority and yield the result. The workflow itself
//! is `benches/src/pipeline.rs`, the same file `fugue pipeline` runs.
//!
//! Each engine runs the pipeline twice: the second run finds the
//! deterministic checkpoint and skips the load and the transform that feed
//! it (WF-CKPT-3). The engines must agree on the result.
//!
//! `cargo run -p fugue --features all --example pipeline [SF]` (default SF 0.01).

use std::time::Instant;

use fugue::core::arrow::record_batch::RecordBatch;
use fugue::core::{Conf, make_engine};
use fugue::{Error, Result};
use tpchgen::generators::{LineItemGenerator, OrderGenerator};
use tpchgen_arrow::{LineItemArrow, OrderArrow};

#[path = "../../benches/src/pipeline.rs"]
mod pipeline;

fn main() -> Result<()> {
    fugue::link_engines();
    let sf: f64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0.01);
    let dir = tempfile::tempdir().map_err(Error::user)?;
    let li: Vec<RecordBatch> = LineItemArrow::new(LineItemGenerator::new(sf, 1, 1))
        .collect::<std::result::Result<_, _>>()?;
    let orders: Vec<RecordBatch> =
        OrderArrow::new(OrderGenerator::new(sf, 1, 1)).collect::<std::result::Result<_, _>>()?;
    fugue::api::save(li, dir.path().join("lineitem.parquet").to_string_lossy()).single().run()?;
    fugue::api::save(orders, dir.path().join("orders.parquet").to_string_lossy()).single().run()?;

    let dag = pipeline::build(dir.path())?;
    println!("{}", dag.explain());
    let mut answers = Vec::new();
    for name in fugue::enabled_engine_features() {
        let engine = make_engine(name, Conf::empty())?;
        let ckpt = dir.path().join(format!("checkpoints_{name}"));
        let t0 = Instant::now();
        let first = pipeline::run(&dag, &engine, &ckpt)?;
        let t1 = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let second = pipeline::run(&dag, &engine, &ckpt)?;
        let t2 = t0.elapsed().as_secs_f64();
        if first != second {
            return Err(Error::user(format!("{name}: the second run differs from the first")));
        }
        println!(
            "{name:>10}: first run {t1:.3} s, second run (checkpoint reused) {t2:.3} s, ratio {:.2}",
            t2 / t1
        );
        answers.push((name, first));
    }
    for (name, rows) in answers.iter().skip(1) {
        if rows != &answers[0].1 {
            return Err(Error::user(format!("{name} disagrees with {}", answers[0].0)));
        }
    }
    println!("by order priority (all engines agree):");
    for row in answers.first().map(|a| a.1.as_slice()).unwrap_or_default() {
        println!("  {row}");
    }
    Ok(())
}
