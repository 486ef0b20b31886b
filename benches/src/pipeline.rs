//! The TPC-H pipeline of `fugue pipeline` (issue 12): a `FugueWorkflow`
//! that loads `lineitem` and `orders` from Parquet, ranks each supplier's
//! lines by ship date with W1's per-group function, keeps the ranked frame
//! in a deterministic checkpoint, joins it to `orders`, aggregates per order
//! priority and yields the result. A second run with the same checkpoint
//! path finds the checkpoint and skips the load and transform feeding it
//! (WF-CKPT-3).

use std::path::Path;
use std::sync::Arc;

use fugue::FugueWorkflow;
use fugue::core::arrow::array::{Float64Array, Int64Array};
use fugue::core::arrow::compute::{kernels::numeric::div, sum};
use fugue::core::conf::WORKFLOW_CHECKPOINT_PATH;
use fugue::core::engine::EngineRef;
use fugue::core::expr::functions::{count, sum as sum_of};
use fugue::core::{Conf, Error, LocalDataFrame, Result, Value, col};

/// W1's per-group function as a transformer body: each line's share of its
/// supplier's quantity (`qty_share`) and its rank by ship date (`rn`).
///
/// Also registered by name (`share_and_rank`, output `*,qty_share:double,
/// rn:long`), so FugueSQL scripts run by the `fugue` CLI reach it with
/// `TRANSFORM ... USING share_and_rank` (`fugue-sql/examples/tpch.fsql`).
///
/// # Errors
/// `ERR-USER` when `l_quantity` is not a double column.
#[fugue::transformer(schema = "*,qty_share:double,rn:long")]
pub fn share_and_rank(df: LocalDataFrame) -> Result<LocalDataFrame> {
    let qty = df.column("l_quantity")?;
    let qty = qty
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| Error::user("l_quantity is not a double column"))?;
    let share = div(qty, &Float64Array::new_scalar(sum(qty).unwrap_or(0.0)))?;
    let rn = Int64Array::from_iter_values(1..=df.num_rows() as i64);
    df.with_column("qty_share", share)?.with_column("rn", Arc::new(rn))
}

/// The pipeline over `dir/lineitem.parquet` and `dir/orders.parquet`.
///
/// # Errors
/// Builder errors (none for valid paths).
pub fn build(dir: &Path) -> Result<FugueWorkflow> {
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
    ranked
        .inner_join(&orders)?
        .partition_by(["o_orderpriority"])?
        .aggregate([count(col("rn")).alias("lines"), sum_of(col("qty_share")).alias("share")])?
        .yield_dataframe_as("by_priority", true)?;
    Ok(dag)
}

/// Runs `dag` on `engine` with checkpoints under `checkpoints`; returns the
/// result rows sorted, as text (`priority lines share`), the shares rounded
/// to 6 decimals so engines compare equal.
///
/// # Errors
/// The run's errors.
pub fn run(dag: &FugueWorkflow, engine: &EngineRef, checkpoints: &Path) -> Result<Vec<String>> {
    let conf =
        Conf::from_pairs([(WORKFLOW_CHECKPOINT_PATH, checkpoints.to_string_lossy().to_string())]);
    let result = dag.run_with_conf(engine.clone(), conf)?;
    let rows = fugue::api::as_local(result.get("by_priority")?.clone())?.rows()?;
    let mut text: Vec<String> = rows
        .iter()
        .map(|r| match r.as_slice() {
            [Value::Str(p), Value::Int64(n), Value::Float64(s)] => format!("{p} {n} {s:.6}"),
            other => format!("{other:?}"),
        })
        .collect();
    text.sort();
    Ok(text)
}
