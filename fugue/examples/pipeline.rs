//! A TPC-H pipeline as a `FugueWorkflow`, run on every linked engine:
//! load `lineitem` and `orders` from Parquet, rank each supplier's lines by
//! ship date with a Rust transformer (W1's per-group function), keep the
//! ranked frame in a deterministic checkpoint, join it to `orders`,
//! aggregate per order priority, save and yield the result.
//!
//! Each engine runs the pipeline twice: the second run finds the
//! deterministic checkpoint and skips the load and the transform that feed
//! it (WF-CKPT-3). The engines must agree on the result.
//!
//! `cargo run -p fugue --features all --example pipeline [SF]` (default SF 0.01).

use std::sync::Arc;
use std::time::Instant;

use fugue::core::arrow::array::{Float64Array, Int64Array};
use fugue::core::arrow::compute::{kernels::numeric::div, sum};
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::core::conf::WORKFLOW_CHECKPOINT_PATH;
use fugue::core::expr::functions::{count, sum as sum_of};
use fugue::core::{Conf, col};
use fugue::{Error, FugueWorkflow, LocalDataFrame, Result};
use tpchgen::generators::{LineItemGenerator, OrderGenerator};
use tpchgen_arrow::{LineItemArrow, OrderArrow};

/// W1's per-group function: each line's share of its supplier's quantity
/// and its rank by ship date.
fn share_and_rank(df: LocalDataFrame) -> Result<LocalDataFrame> {
    let qty = df.column("l_quantity")?;
    let qty = qty
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| Error::user("l_quantity is not a double column"))?;
    let share = div(qty, &Float64Array::new_scalar(sum(qty).unwrap_or(0.0)))?;
    let rn = Int64Array::from_iter_values(1..=df.num_rows() as i64);
    df.with_column("qty_share", share)?.with_column("rn", Arc::new(rn))
}

/// The pipeline; returns the aggregate as sorted rows (its checksum).
fn pipeline(dir: &std::path::Path, engine: &str, ckpt: &std::path::Path) -> Result<Vec<String>> {
    let dag = FugueWorkflow::new();
    let lineitem = dag
        .load(dir.join("lineitem.parquet").to_string_lossy())?
        .select_columns(&["l_orderkey", "l_suppkey", "l_quantity", "l_shipdate"])?
        .alter_columns("l_quantity:double")?;
    let ranked = lineitem
        .partition(("l_suppkey", "l_shipdate, l_orderkey"))?
        .transform(share_and_rank, "*,qty_share:double,rn:long")?
        .deterministic_checkpoint(Some("pipeline-v1"))?;
    let orders = dag
        .load(dir.join("orders.parquet").to_string_lossy())?
        .select_columns(&["o_orderkey", "o_orderpriority"])?
        .rename(&[("o_orderkey", "l_orderkey")])?;
    let by_priority = ranked
        .inner_join(&orders)?
        .partition_by(["o_orderpriority"])?
        .aggregate([count(col("rn")).alias("lines"), sum_of(col("qty_share")).alias("share")])?;
    by_priority.save(&dir.join(format!("by_priority_{engine}.parquet")).to_string_lossy())?;
    by_priority.yield_dataframe_as("by_priority", true)?;
    if engine == "native" {
        println!("{}", dag.explain());
    }
    let conf = Conf::from_pairs([(WORKFLOW_CHECKPOINT_PATH, ckpt.to_string_lossy().to_string())]);
    let result = dag.run_with_conf(engine, conf)?;
    let rows = fugue::api::as_local(result.get("by_priority")?.clone())?.rows()?;
    let mut text: Vec<String> = rows
        .iter()
        .map(|r| match r.as_slice() {
            [p, n, fugue::Value::Float64(s)] => format!("{p:?} {n:?} {s:.6}"),
            other => format!("{other:?}"),
        })
        .collect();
    text.sort();
    Ok(text)
}

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

    let mut answers = Vec::new();
    for engine in fugue::enabled_engine_features() {
        let ckpt = dir.path().join(format!("checkpoints_{engine}"));
        let t0 = Instant::now();
        let first = pipeline(dir.path(), engine, &ckpt)?;
        let t1 = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let second = pipeline(dir.path(), engine, &ckpt)?;
        let t2 = t0.elapsed().as_secs_f64();
        if first != second {
            return Err(Error::user(format!("{engine}: the second run differs from the first")));
        }
        println!(
            "{engine:>10}: first run {t1:.3} s, second run (checkpoint reused) {t2:.3} s, ratio {:.2}",
            t2 / t1
        );
        answers.push((engine, first));
    }
    for (engine, rows) in &answers[1..] {
        if rows != &answers[0].1 {
            return Err(Error::user(format!("{engine} disagrees with {}", answers[0].0)));
        }
    }
    println!("by order priority (all engines agree):");
    for row in &answers[0].1 {
        println!("  {row}");
    }
    Ok(())
}
