//! The standard workloads of `shared/bench/WORKLOADS.md`, defined once and
//! shared by the criterion benches (`benches/workloads.rs`) and, later, by
//! `fugue bench`.
//!
//! Each workload runs through the public fugue API on any engine and
//! returns its result materialised as a local Arrow frame plus a
//! [`Checksum`] that every engine must agree on.
//!
//! Data: TPC-H `lineitem` and `orders` generated in-process with `tpchgen`
//! (deterministic per scale factor); `l_quantity`, `l_extendedprice`,
//! `l_discount` and `o_totalprice` are cast to `double` on load.

use std::sync::Arc;

use fugue::core::arrow::array::{Array, ArrayRef, Float64Array, Int64Array};
use fugue::core::arrow::compute::kernels::numeric::div;
use fugue::core::arrow::compute::sum;
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::core::dataframe::DataFrameRef;
use fugue::core::engine::map::map_fn;
use fugue::core::engine::{EngineRef, JoinType, NaPosition};
use fugue::core::expr::functions::{avg, count, sum as sum_of};
use fugue::core::{
    DataFrame, Error, LocalDataFrame, PartitionSpec, Result, Schema, SelectColumns, all_cols, col,
};
use tpchgen::generators::{LineItemGenerator, OrderGenerator};
use tpchgen_arrow::{LineItemArrow, OrderArrow};

/// Rows per generated batch.
const BATCH_ROWS: usize = 8192;

/// TPC-H `lineitem` at scale factor `sf` (6,001,215 rows at SF 1), with the
/// money and quantity columns as `double`.
///
/// # Errors
/// Arrow errors of the generator or the casts.
pub fn lineitem(sf: f64) -> Result<LocalDataFrame> {
    let batches = LineItemArrow::new(LineItemGenerator::new(sf, 1, 1))
        .with_batch_size(BATCH_ROWS)
        .collect::<std::result::Result<Vec<RecordBatch>, _>>()?;
    let df = LocalDataFrame::from_batches(batches)?;
    let altered =
        df.alter_columns(&"l_quantity:double,l_extendedprice:double,l_discount:double".parse()?)?;
    altered.as_local_bounded()
}

/// TPC-H `orders` at scale factor `sf` (1,500,000 rows at SF 1), with
/// `o_totalprice` as `double`.
///
/// # Errors
/// Arrow errors of the generator or the casts.
pub fn orders(sf: f64) -> Result<LocalDataFrame> {
    let batches = OrderArrow::new(OrderGenerator::new(sf, 1, 1))
        .with_batch_size(BATCH_ROWS)
        .collect::<std::result::Result<Vec<RecordBatch>, _>>()?;
    let df = LocalDataFrame::from_batches(batches)?;
    df.alter_columns(&"o_totalprice:double".parse()?)?.as_local_bounded()
}

/// What a workload's result must agree on across engines: the row count,
/// exact integer sums and float sums rounded to 6 significant digits.
#[derive(Debug, Clone, PartialEq)]
pub struct Checksum {
    /// Rows of the result.
    pub rows: usize,
    /// Named sums, in a fixed order: integers exactly, floats rounded.
    pub sums: Vec<(String, String)>,
}

fn round6(x: f64) -> String {
    format!("{x:.6e}")
}

fn column<'a, T: 'static>(batch: &'a RecordBatch, name: &str) -> Result<&'a T> {
    let idx = batch.schema().index_of(name).map_err(Error::from)?;
    batch
        .column(idx)
        .as_any()
        .downcast_ref::<T>()
        .ok_or_else(|| Error::internal(format!("column `{name}` has an unexpected type")))
}

fn float_sum(batch: &RecordBatch, name: &str) -> Result<f64> {
    Ok(sum(column::<Float64Array>(batch, name)?).unwrap_or(0.0))
}

fn int_sum(batch: &RecordBatch, name: &str) -> Result<i128> {
    Ok(column::<Int64Array>(batch, name)?.iter().flatten().map(i128::from).sum())
}

/// W1: partition lineitem by `l_suppkey`, presort `l_shipdate, l_orderkey`;
/// per group add `qty_share = l_quantity / sum(l_quantity)` and `rn` (1-based
/// row number in presort order). Output `*,qty_share:double,rn:long`.
///
/// # Errors
/// Engine errors.
pub fn w1_transform(engine: &EngineRef, lineitem: &DataFrameRef) -> Result<LocalDataFrame> {
    let input = engine.to_df(lineitem)?.select_columns(&[
        "l_orderkey",
        "l_suppkey",
        "l_quantity",
        "l_shipdate",
    ])?;
    let spec = PartitionSpec::builder()
        .by(["l_suppkey"])
        .presort("l_shipdate asc, l_orderkey asc")
        .build()?;
    let output: Schema = input.schema().transform("*,qty_share:double,rn:long")?;
    let out_schema = output.clone();
    let f = map_fn(move |_cursor, part: LocalDataFrame| {
        let batch = part.to_batch()?;
        let qty = column::<Float64Array>(&batch, "l_quantity")?;
        let total = sum(qty).unwrap_or(0.0);
        let share: ArrayRef = div(qty, &Float64Array::new_scalar(total))?;
        let rn: ArrayRef = Arc::new(Int64Array::from_iter_values(1..=batch.num_rows() as i64));
        let mut columns = batch.columns().to_vec();
        columns.extend([share, rn]);
        LocalDataFrame::new(
            out_schema.clone(),
            vec![RecordBatch::try_new(out_schema.arrow().clone(), columns)?],
        )
    });
    engine.map_dataframe(&input, f, &output, &spec, None)?.as_local_bounded()
}

/// W1's checksum: rows, sum(rn), sum(qty_share), and the exact
/// sum(rn × l_orderkey) that checks the presort order.
///
/// # Errors
/// Missing or mistyped columns.
pub fn w1_checksum(result: &LocalDataFrame) -> Result<Checksum> {
    let b = result.to_batch()?;
    let rn = column::<Int64Array>(&b, "rn")?;
    let ok = column::<Int64Array>(&b, "l_orderkey")?;
    let weighted: i128 = rn
        .iter()
        .zip(ok.iter())
        .map(|(r, o)| i128::from(r.unwrap_or(0)) * i128::from(o.unwrap_or(0)))
        .sum();
    Ok(Checksum {
        rows: b.num_rows(),
        sums: vec![
            ("rn".into(), int_sum(&b, "rn")?.to_string()),
            ("qty_share".into(), round6(float_sum(&b, "qty_share")?)),
            ("rn_x_orderkey".into(), weighted.to_string()),
        ],
    })
}

/// W2: lineitem (`l_orderkey` → `orderkey`, `l_quantity`) inner join orders
/// (`o_orderkey` → `orderkey`, `o_totalprice`) on `orderkey`.
///
/// # Errors
/// Engine errors.
pub fn w2_join(
    engine: &EngineRef,
    lineitem: &DataFrameRef,
    orders: &DataFrameRef,
) -> Result<LocalDataFrame> {
    let l = engine
        .to_df(lineitem)?
        .select_columns(&["l_orderkey", "l_quantity"])?
        .rename(&[("l_orderkey", "orderkey")])?;
    let o = engine
        .to_df(orders)?
        .select_columns(&["o_orderkey", "o_totalprice"])?
        .rename(&[("o_orderkey", "orderkey")])?;
    engine.join(&l, &o, JoinType::Inner, &["orderkey"])?.as_local_bounded()
}

/// W2's checksum: rows and sum(l_quantity).
///
/// # Errors
/// Missing or mistyped columns.
pub fn w2_checksum(result: &LocalDataFrame) -> Result<Checksum> {
    let b = result.to_batch()?;
    Ok(Checksum {
        rows: b.num_rows(),
        sums: vec![("l_quantity".into(), round6(float_sum(&b, "l_quantity")?))],
    })
}

/// W3: lineitem grouped by `l_returnflag, l_linestatus` with
/// `sum(l_quantity) sum_qty, sum(l_extendedprice) sum_price,
/// avg(l_discount) avg_disc, count(*) n`.
///
/// # Errors
/// Engine errors.
pub fn w3_aggregate(engine: &EngineRef, lineitem: &DataFrameRef) -> Result<LocalDataFrame> {
    let df = engine.to_df(lineitem)?;
    let cols = SelectColumns::new(
        vec![
            col("l_returnflag"),
            col("l_linestatus"),
            sum_of(col("l_quantity")).alias("sum_qty"),
            sum_of(col("l_extendedprice")).alias("sum_price"),
            avg(col("l_discount")).alias("avg_disc"),
            count(all_cols()).alias("n"),
        ],
        false,
    )?;
    engine.select(&df, &cols, None, None)?.as_local_bounded()
}

/// W3's checksum: rows, sum(sum_qty), sum(n).
///
/// # Errors
/// Missing or mistyped columns.
pub fn w3_checksum(result: &LocalDataFrame) -> Result<Checksum> {
    let b = result.to_batch()?;
    Ok(Checksum {
        rows: b.num_rows(),
        sums: vec![
            ("sum_qty".into(), round6(float_sum(&b, "sum_qty")?)),
            ("n".into(), int_sum(&b, "n")?.to_string()),
        ],
    })
}

/// W4: the top 2 rows of lineitem per `l_suppkey` by `l_extendedprice desc`;
/// columns `l_suppkey, l_orderkey, l_extendedprice`.
///
/// # Errors
/// Engine errors.
pub fn w4_take(engine: &EngineRef, lineitem: &DataFrameRef) -> Result<LocalDataFrame> {
    let df =
        engine.to_df(lineitem)?.select_columns(&["l_suppkey", "l_orderkey", "l_extendedprice"])?;
    let spec = PartitionSpec::by(["l_suppkey"])?;
    engine.take(&df, 2, "l_extendedprice desc", NaPosition::Last, &spec)?.as_local_bounded()
}

/// W4's checksum: rows and sum(l_extendedprice).
///
/// # Errors
/// Missing or mistyped columns.
pub fn w4_checksum(result: &LocalDataFrame) -> Result<Checksum> {
    let b = result.to_batch()?;
    Ok(Checksum {
        rows: b.num_rows(),
        sums: vec![("l_extendedprice".into(), round6(float_sum(&b, "l_extendedprice")?))],
    })
}
