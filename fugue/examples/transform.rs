//! A partitioned transform on a small real table: TPC-H `lineitem` at scale
//! factor 0.001 (about 6,000 rows, generated in-process with `tpchgen`),
//! partitioned by `l_suppkey` and presorted by `l_shipdate, l_orderkey`.
//! The per-group function adds `qty_share` (the row's share of its group's
//! quantity) and `rn` (1-based row number in presort order) — workload W1 of
//! `bench/WORKLOADS.md` in miniature.
//!
//! Run it with `cargo run -p fugue --example transform`.
//!
//! The map runs on the native engine, built by name from the registry
//! (`make_engine("native", ...)`): suppliers are hashed into physical
//! partitions that run in parallel on its thread pool. The partition
//! semantics (PG-1..8) are the same on every engine; only the row order of
//! the result is unspecified, so it is sorted before printing.

use std::sync::Arc;

use fugue::core::arrow::array::{Array, ArrayRef, Float64Array, Int64Array};
use fugue::core::arrow::compute::{kernels::numeric::div, sum};
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::core::dataframe::{DataFrame, DataFrameExt};
use fugue::core::engine::{NaPosition, map_fn};
use fugue::core::{Conf, Error, LocalDataFrame, PartitionSpec, Result, Schema};
use tpchgen::generators::LineItemGenerator;
use tpchgen_arrow::LineItemArrow;

fn main() -> Result<()> {
    // 1. A real table: TPC-H lineitem, SF 0.001.
    let batches = LineItemArrow::new(LineItemGenerator::new(0.001, 1, 1))
        .with_batch_size(2048)
        .collect::<std::result::Result<Vec<RecordBatch>, _>>()?;
    let lineitem = LocalDataFrame::from_batches(batches)?;
    let df = lineitem
        .select_columns(&["l_orderkey", "l_suppkey", "l_quantity", "l_shipdate"])?
        .alter_columns(&"l_quantity:double".parse()?)?;
    println!("input: {} rows, schema {}", df.count()?, df.schema());

    // 2. The partition spec and the output schema hint `*,qty_share:double,rn:long`.
    let spec = PartitionSpec::builder()
        .by(["l_suppkey"])
        .presort("l_shipdate asc, l_orderkey asc")
        .build()?;
    let output: Schema = df.schema().transform("*,qty_share:double,rn:long")?;

    // 3. The per-group function: columnar, over the group's Arrow batch.
    let add_share_and_rank = map_fn(|_cursor, part: LocalDataFrame| {
        let batch = part.to_batch()?;
        let qty = batch
            .column(2)
            .as_any()
            .downcast_ref::<Float64Array>()
            .ok_or_else(|| Error::user("l_quantity is not a double column"))?;
        let total = sum(qty).unwrap_or(0.0);
        let share: ArrayRef = div(qty, &Float64Array::new_scalar(total))?;
        let rn: ArrayRef = Arc::new(Int64Array::from_iter_values(1..=batch.num_rows() as i64));
        let mut columns = batch.columns().to_vec();
        columns.extend([share, rn]);
        let out_schema: Schema = "l_orderkey:long,l_suppkey:long,l_quantity:double,\
                                  l_shipdate:date,qty_share:double,rn:long"
            .parse()?;
        LocalDataFrame::new(
            out_schema.clone(),
            vec![RecordBatch::try_new(out_schema.arrow().clone(), columns)?],
        )
    });

    // 4. Run it on the native engine from the registry.
    let engine = fugue::core::make_engine("native", Conf::new())?;
    let result = engine.map_dataframe(&df, add_share_and_rank, &output, &spec, None)?;

    // 5. Print the first rows by key then presort (map output order is
    //    unspecified): `take` sorts and keeps the first 10 (ENG-TAKE-1).
    let first = engine.take(
        &result,
        10,
        "l_suppkey,l_shipdate,l_orderkey",
        NaPosition::Last,
        &PartitionSpec::default(),
    )?;
    println!("{} rows", result.count()?);
    first.show(
        10,
        false,
        Some("W1 in miniature: share of group quantity and rank per supplier"),
    )?;
    Ok(())
}
