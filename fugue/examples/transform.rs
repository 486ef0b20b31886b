//! A partitioned transform on a small real table: TPC-H `lineitem` at scale
//! factor 0.001 (about 6,000 rows, generated in-process with `tpchgen`),
//! partitioned by `l_suppkey` and presorted by `l_shipdate, l_orderkey`.
//! The per-group function adds `qty_share` (the row's share of its group's
//! quantity) and `rn` (1-based row number in presort order) — workload W1 of
//! `bench/WORKLOADS.md` in miniature — written once with `fugue::api` and
//! run on every linked engine, which must agree.
//!
//! Run it with `cargo run -p fugue --example transform` (native only) or
//! `cargo run -p fugue --features all --example transform`.

use std::sync::Arc;

use fugue::LocalDataFrame;
use fugue::core::arrow::array::{Float64Array, Int64Array};
use fugue::core::arrow::compute::{kernels::numeric::div, sum};
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::{Error, Result};
use tpchgen::generators::LineItemGenerator;
use tpchgen_arrow::LineItemArrow;

/// The per-group function: columnar, over the group's rows (sorted by the
/// presort). Declared output columns are taken by name (WF-SIG-5).
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

fn main() -> Result<()> {
    fugue::link_engines();
    // 1. A real table: TPC-H lineitem, SF 0.001, four columns.
    let batches = LineItemArrow::new(LineItemGenerator::new(0.001, 1, 1))
        .with_batch_size(2048)
        .collect::<std::result::Result<Vec<RecordBatch>, _>>()?;
    let lineitem = fugue::api::select(
        batches,
        ["l_orderkey", "l_suppkey", "l_quantity", "l_shipdate"].map(fugue::core::col),
    )
    .run()?;
    let lineitem = fugue::api::alter_columns(lineitem, "l_quantity:double")?;

    // 2. The same transform on every linked engine, chosen by name.
    let mut results = Vec::new();
    for engine in fugue::enabled_engine_features() {
        let out = fugue::api::transform(lineitem.clone(), share_and_rank)
            .schema("*,qty_share:double,rn:long")
            .partition(("l_suppkey", "l_shipdate, l_orderkey"))
            .engine(engine)
            .run()?;
        let first = fugue::api::take(out.clone(), 5).presort("l_suppkey, rn").run()?;
        println!("{engine}: {} rows", out.iter().map(RecordBatch::num_rows).sum::<usize>());
        fugue::api::show(first, 5)?;
        results.push(fugue::api::as_local(out)?.rows()?.len());
    }
    if results.windows(2).any(|w| w[0] != w[1]) {
        return Err(Error::user(format!("engines disagree on the row count: {results:?}")));
    }
    Ok(())
}
