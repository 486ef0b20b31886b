//! Hand-written DataFusion (55, the features `fugue-datafusion` compiles)
//! for W1-W7: the baselines of the DataFusion engine.
//!
//! One `SessionContext` with DataFusion's default configuration (target
//! partitions = CPUs, batch size 8192) on a multi-thread tokio runtime with
//! one worker per CPU, the same sizes the engine uses by default. `lineitem`
//! and `orders` are registered once as one-partition `MemTable`s over the
//! in-memory batches (what the engine's `to_df` builds).
//!
//! | id | hand-written DataFusion |
//! |---|---|
//! | W1 | SQL window functions: `l_quantity / sum(l_quantity) OVER (PARTITION BY l_suppkey)` and `row_number() OVER (PARTITION BY l_suppkey ORDER BY l_shipdate, l_orderkey)` (one sort serves both) |
//! | W2 | SQL inner join on `l_orderkey = o_orderkey` |
//! | W3 | SQL `GROUP BY l_returnflag, l_linestatus` |
//! | W4 | SQL `ROW_NUMBER() OVER (PARTITION BY l_suppkey ORDER BY l_extendedprice DESC NULLS LAST) <= 2` |
//! | W5 | `read_parquet` → `write_parquet` (single file) → `read_parquet` + `count` |
//! | W6 | SQL `UNION` then `EXCEPT` |
//! | W7 | SQL Q1 and Q6 |

use std::sync::Arc;

use ::datafusion::catalog::MemTable;
use ::datafusion::dataframe::DataFrameWriteOptions;
use ::datafusion::error::DataFusionError;
use ::datafusion::prelude::{ParquetReadOptions, SessionContext};
use fugue::core::arrow::datatypes::SchemaRef;
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::core::{DataFrame, Error, LocalDataFrame, Result, Schema};

use super::{RawOutput, sql_over};
use crate::{Output, Q1, Q6, Source, TpchData, Workload};

/// The engine name in errors.
const DATAFUSION: &str = "raw datafusion";

fn df_err(op: &'static str) -> impl FnOnce(DataFusionError) -> Error {
    move |e| Error::backend(DATAFUSION, op, e)
}

/// W1 in SQL: both window functions share the partitioning, and the sort
/// `l_suppkey, l_shipdate, l_orderkey` also serves the partition-wide sum.
pub const W1_SQL: &str = "SELECT l_orderkey, l_suppkey, l_quantity, l_shipdate, \
     l_quantity / SUM(l_quantity) OVER (PARTITION BY l_suppkey) AS qty_share, \
     ROW_NUMBER() OVER (PARTITION BY l_suppkey ORDER BY l_shipdate, l_orderkey) AS rn \
     FROM lineitem";

/// W2 in SQL.
pub const W2_SQL: &str = "SELECT l_orderkey AS orderkey, l_quantity, o_totalprice \
     FROM lineitem JOIN orders ON l_orderkey = o_orderkey";

/// W3 in SQL.
pub const W3_SQL: &str = "SELECT l_returnflag, l_linestatus, SUM(l_quantity) AS sum_qty, \
     SUM(l_extendedprice) AS sum_price, AVG(l_discount) AS avg_disc, COUNT(*) AS n \
     FROM lineitem GROUP BY l_returnflag, l_linestatus";

/// W4 in SQL: `ROW_NUMBER()` per supplier by price (nulls last), first 2.
pub const W4_SQL: &str = "SELECT l_suppkey, l_orderkey, l_extendedprice FROM \
     (SELECT l_suppkey, l_orderkey, l_extendedprice, ROW_NUMBER() OVER \
     (PARTITION BY l_suppkey ORDER BY l_extendedprice DESC NULLS LAST) AS rn FROM lineitem) \
     WHERE rn <= 2";

/// W6 in SQL: `UNION` then `EXCEPT` (both distinct).
pub const W6_SQL: &str = "SELECT l_orderkey, l_suppkey FROM \
     (SELECT l_orderkey, l_suppkey FROM lineitem \
      UNION SELECT l_orderkey, l_suppkey FROM lineitem WHERE l_quantity > 25) \
     EXCEPT SELECT l_orderkey, l_suppkey FROM lineitem WHERE l_suppkey % 2 = 0";

/// A collected DataFusion result: its schema and batches.
#[derive(Debug, Clone)]
pub struct Batches {
    /// The result schema (also when there are no batches).
    pub schema: SchemaRef,
    /// The result batches, in DataFusion's output order.
    pub batches: Vec<RecordBatch>,
}

/// The session, runtime and registered tables of the DataFusion baselines.
pub struct DataFusionInput {
    ctx: SessionContext,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for DataFusionInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataFusionInput").finish_non_exhaustive()
    }
}

impl DataFusionInput {
    /// A default `SessionContext` with `lineitem` and `orders` registered as
    /// one-partition `MemTable`s over `data`'s in-memory batches (no copy),
    /// or as views over its Parquet files with the workloads' casts, and a
    /// tokio runtime with one worker per CPU.
    ///
    /// # Errors
    /// DataFusion and runtime errors (for files: reading their schemas).
    pub fn new(data: &TpchData) -> Result<DataFusionInput> {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("raw-datafusion")
            .build()
            .map_err(|e| Error::backend(DATAFUSION, "build tokio runtime", e))?;
        let ctx = SessionContext::new();
        let tables = [
            ("lineitem", &data.lineitem, crate::LINEITEM_CASTS),
            ("orders", &data.orders, crate::ORDERS_CASTS),
        ];
        for (name, source, casts) in tables {
            match source {
                Source::Memory(df) => {
                    let local = df.as_local_bounded()?;
                    let table = MemTable::try_new(
                        local.schema().arrow().clone(),
                        vec![local.into_batches()],
                    )
                    .map_err(df_err("memtable"))?;
                    ctx.register_table(name, Arc::new(table)).map_err(df_err("register"))?;
                }
                Source::Parquet(path) => {
                    let view = runtime.block_on(parquet_view(&ctx, path, casts))?;
                    ctx.register_table(name, view).map_err(df_err("register"))?;
                }
            }
        }
        Ok(DataFusionInput { ctx, runtime })
    }

    /// Runs `sql` and collects it (for files: the scan is part of it).
    fn sql(&self, sql: &str) -> Result<Batches> {
        let ctx = &self.ctx;
        self.runtime.block_on(async move {
            let df = ctx.sql(sql).await.map_err(df_err("sql"))?;
            let schema = df.schema().inner().clone();
            let batches = df.collect().await.map_err(df_err("collect"))?;
            Ok(Batches { schema, batches })
        })
    }
}

/// A view over the Parquet file `path` with `casts` (`name:double,...`)
/// applied, registered as the workloads' table: nothing is read until a
/// query runs, so the scan (with DataFusion's projection pushdown) is inside
/// the timed span, like the engine's `load_df`.
async fn parquet_view(
    ctx: &SessionContext,
    path: &std::path::Path,
    casts: &str,
) -> Result<Arc<dyn ::datafusion::catalog::TableProvider>> {
    use ::datafusion::arrow::datatypes::DataType;
    use ::datafusion::prelude::{cast, ident};
    let p = path
        .to_str()
        .ok_or_else(|| Error::arg("path", format!("`{}` is not UTF-8", path.display())))?;
    let df = ctx.read_parquet(p, ParquetReadOptions::default()).await.map_err(df_err("read"))?;
    let cast_cols = super::cast_columns(casts);
    let exprs: Vec<_> = df
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let name = f.name().as_str();
            if cast_cols.contains(&name) {
                cast(ident(name), DataType::Float64).alias(name)
            } else {
                ident(name)
            }
        })
        .collect();
    Ok(df.select(exprs).map_err(df_err("cast"))?.into_view())
}

/// Runs the DataFusion baseline of `workload` (the timed span).
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for a workload without a baseline (W4, W6);
/// DataFusion and IO errors.
pub fn run(
    workload: Workload,
    input: &DataFusionInput,
    data: &TpchData,
) -> Result<RawOutput<Batches>> {
    match workload {
        Workload::W1 => Ok(RawOutput::Frame(input.sql(W1_SQL)?)),
        Workload::W2 => Ok(RawOutput::Frame(input.sql(W2_SQL)?)),
        Workload::W3 => Ok(RawOutput::Frame(input.sql(W3_SQL)?)),
        Workload::W5 => {
            let src = data.lineitem_parquet()?;
            let dir = data.fresh_dir()?;
            let dst = dir.path().join("lineitem.parquet");
            Ok(RawOutput::Count(w5_io(input, &src, &dst)?))
        }
        Workload::W7 => {
            let q1 = input.sql(&sql_over(Q1, "lineitem"))?;
            let q6 = input.sql(&sql_over(Q6, "lineitem"))?;
            Ok(RawOutput::Queries { q1, q6 })
        }
        Workload::W4 => Ok(RawOutput::Frame(input.sql(W4_SQL)?)),
        Workload::W6 => Ok(RawOutput::Frame(input.sql(W6_SQL)?)),
    }
}

/// W5: `read_parquet(src)` → `write_parquet(dst)` (one file) →
/// `read_parquet(dst).count()`.
///
/// # Errors
/// DataFusion errors; paths that are not UTF-8.
pub fn w5_io(
    input: &DataFusionInput,
    src: &std::path::Path,
    dst: &std::path::Path,
) -> Result<usize> {
    let utf8 = |p: &std::path::Path| {
        p.to_str()
            .map(str::to_string)
            .ok_or_else(|| Error::arg("path", format!("`{}` is not UTF-8", p.display())))
    };
    let (src, dst) = (utf8(src)?, utf8(dst)?);
    let ctx = &input.ctx;
    input.runtime.block_on(async move {
        let df = ctx
            .read_parquet(src.as_str(), ParquetReadOptions::default())
            .await
            .map_err(df_err("read parquet"))?;
        df.write_parquet(
            dst.as_str(),
            DataFrameWriteOptions::new().with_single_file_output(true),
            None,
        )
        .await
        .map_err(df_err("write parquet"))?;
        let back = ctx
            .read_parquet(dst.as_str(), ParquetReadOptions::default())
            .await
            .map_err(df_err("read parquet"))?;
        back.count().await.map_err(df_err("count"))
    })
}

/// A baseline's result as the fugue [`Output`] of its workload (not timed).
///
/// # Errors
/// `ERR-SCHEMA` for a type outside the schema grammar; cast errors.
pub fn output(raw: &RawOutput<Batches>) -> Result<Output> {
    raw.to_output(local_of)
}

/// Collected batches as a local Arrow frame (types normalised).
///
/// # Errors
/// As [`LocalDataFrame::new`].
pub fn local_of(b: &Batches) -> Result<LocalDataFrame> {
    LocalDataFrame::new(Schema::from_arrow(b.schema.as_ref())?, b.batches.clone())
}
