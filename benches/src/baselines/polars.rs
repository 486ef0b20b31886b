//! Hand-written Polars (0.55, the features `fugue-polars` compiles) for
//! W1-W7: the baselines of the Polars engine.
//!
//! | id | hand-written Polars |
//! |---|---|
//! | W1 | lazy: project the 4 columns, then window expressions `l_quantity / sum(l_quantity).over(l_suppkey)` and `int_range(0, len()).over(l_suppkey, order_by = [l_shipdate, l_orderkey]) + 1` (row number in presort order); faster than a global sort followed by plain windows (see [`w1_transform`]) |
//! | W2 | lazy inner `join` on `orderkey` (Polars' defaults: null keys never match, key coalesced) |
//! | W3 | lazy `group_by(l_returnflag, l_linestatus).agg(sum, sum, mean, len)` |
//! | W4 | lazy sort by `l_suppkey, l_extendedprice desc` (nulls last), `group_by_stable(l_suppkey).head(2)` |
//! | W5 | arrow-rs' Parquet reader → Polars `DataFrame` through the zero-copy bridge; Polars' columns exported as they are (string views kept) to arrow-rs' `ArrowWriter`; read back the same way and take the height: what a Polars user without `polars-io/parquet` (not compiled in this workspace: it needs the zstd and lz4 C libraries) writes. The engine reads with the same arrow-rs reader but keeps the batches Arrow until a Polars plan reads them, so its W5 never crosses the bridge |
//! | W6 | lazy `unique` of the pairs `concat`-ed with the pairs of `l_quantity > 25`, anti `join` with the pairs of even `l_suppkey` |
//! | W7 | polars-sql's `SQLContext` over the lazy `lineitem`, Q1 and Q6 collected |
//!
//! The input frames are converted from the in-memory Arrow data once
//! ([`PolarsInput::new`]), outside the timed span; each run starts from
//! them and ends with Polars' collected result (see the parent module).

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use ::polars::prelude::{
    DataFrame as PlDataFrame, IntoLazy, JoinArgs, JoinType, LazyFrame, PolarsError,
    SortMultipleOptions, SortOptions, UnionArgs, UniqueKeepStrategy, WindowMapping, col, concat,
    int_range, len, lit,
};
use ::polars::sql::SQLContext;
use fugue::core::arrow::datatypes::{Field, Schema as ArrowSchema};
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::core::dataframe::DataFrameRef;
use fugue::core::{Error, LocalDataFrame, Result};
use fugue_polars::bridge::{arrow_type, from_polars_df, fugue_schema, series_arrays};
use fugue_polars::{PolarsDataFrame, to_polars_df};
use parquet::arrow::ArrowWriter;

use super::{RawOutput, sql_over};
use crate::{Frames, Output, Q1, Q6, Source, TpchData, Workload};

/// The engine name in errors.
const POLARS: &str = "raw polars";

fn pl(op: &'static str) -> impl FnOnce(PolarsError) -> Error {
    move |e| Error::backend(POLARS, op, e)
}

fn pq(op: &'static str, path: &Path) -> impl FnOnce(parquet::errors::ParquetError) -> Error {
    let path = path.display().to_string();
    move |e| Error::backend(POLARS, format!("{op} `{path}`"), e)
}

/// The inputs of the Polars baselines: `lineitem` and `orders` as Polars
/// frames, converted once from the run's in-memory Arrow data.
#[derive(Debug, Clone)]
pub struct PolarsInput {
    /// `lineitem` (casts of [`crate::LINEITEM_CASTS`] applied, as the workloads see it).
    pub lineitem: PlDataFrame,
    /// `orders` (casts of [`crate::ORDERS_CASTS`] applied).
    pub orders: PlDataFrame,
}

impl PolarsInput {
    /// Converts `data`'s in-memory `lineitem` and `orders` to Polars frames
    /// (the zero-copy bridge; Polars builds its `String` view columns here)
    /// and computes them, so nothing of the conversion is left for a run.
    ///
    /// # Errors
    /// Parquet errors for data read from a folder (read whole here); bridge
    /// errors.
    pub fn new(data: &TpchData) -> Result<PolarsInput> {
        let li = polars_frame(&data.lineitem, None, crate::LINEITEM_CASTS)?;
        let ord = polars_frame(&data.orders, None, crate::ORDERS_CASTS)?;
        Ok(PolarsInput { lineitem: compute(li)?, orders: compute(ord)? })
    }

    /// The same Polars frames as frames of the fugue Polars engine
    /// (`PolarsDataFrame` over each computed `DataFrame`, schema derived
    /// from Polars'), for [`crate::run_on_frames`]: the engine then starts
    /// from exactly the input the baselines start from.
    ///
    /// # Errors
    /// `ERR-SCHEMA` for a Polars type outside the schema grammar.
    pub fn engine_frames(&self) -> Result<Frames> {
        let frame = |df: &PlDataFrame| -> Result<DataFrameRef> {
            Ok(Arc::new(PolarsDataFrame::from_polars_infer(df.clone())?))
        };
        Ok(Frames { lineitem: frame(&self.lineitem)?, orders: frame(&self.orders)? })
    }
}

/// Every column fully converted (Polars' string views built), so a run
/// finds nothing left to do.
fn compute(df: PlDataFrame) -> Result<PlDataFrame> {
    df.lazy().collect().map_err(pl("convert input"))
}

/// The table `source` (only `columns` when given) as a Polars frame
/// through the zero-copy bridge: one Polars chunk per Arrow batch, `str`
/// columns as string views over the Arrow bytes. A Parquet file is read
/// with arrow-rs (only `columns`, row groups as the reader gives them) and
/// `casts` (`name:double,...`, [`crate::LINEITEM_CASTS`]) applied, what the
/// workloads see after the engines' `load_df` + `alter_columns`.
fn polars_frame(source: &Source, columns: Option<&[&str]>, casts: &str) -> Result<PlDataFrame> {
    match source {
        Source::Memory(df) => {
            let df = match columns {
                Some(cols) => df.select_columns(cols)?,
                None => df.clone(),
            };
            to_polars_df(&df.as_local_bounded()?)
        }
        Source::Parquet(p) => to_polars_df(&super::read_parquet_cast(p, columns, casts)?),
    }
}

/// Runs the Polars baseline of `workload` (the timed span).
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for a workload without a baseline (W4, W6); Polars,
/// Parquet and IO errors.
pub fn run(
    workload: Workload,
    input: &PolarsInput,
    data: &TpchData,
) -> Result<RawOutput<PlDataFrame>> {
    match workload {
        Workload::W1 => Ok(RawOutput::Frame(w1_transform(&input.lineitem)?)),
        Workload::W2 => Ok(RawOutput::Frame(w2_join(&input.lineitem, &input.orders)?)),
        Workload::W3 => Ok(RawOutput::Frame(w3_aggregate(&input.lineitem)?)),
        Workload::W5 => {
            let src = data.lineitem_parquet()?;
            let dir = data.fresh_dir()?;
            Ok(RawOutput::Count(w5_io(&src, &dir.path().join("lineitem.parquet"))?))
        }
        Workload::W7 => {
            let (q1, q6) = w7_sql(&input.lineitem)?;
            Ok(RawOutput::Queries { q1, q6 })
        }
        Workload::W4 => Ok(RawOutput::Frame(w4_take(&input.lineitem)?)),
        Workload::W6 => Ok(RawOutput::Frame(w6_set_ops(&input.lineitem)?)),
    }
}

/// The `lineitem` columns each workload reads.
fn lineitem_columns(workload: Workload) -> &'static [&'static str] {
    match workload {
        Workload::W1 => &["l_orderkey", "l_suppkey", "l_quantity", "l_shipdate"],
        Workload::W2 => &["l_orderkey", "l_quantity"],
        Workload::W3 => {
            &["l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice", "l_discount"]
        }
        Workload::W4 => &["l_suppkey", "l_orderkey", "l_extendedprice"],
        Workload::W6 => &["l_orderkey", "l_suppkey", "l_quantity"],
        _ => &[
            "l_returnflag",
            "l_linestatus",
            "l_quantity",
            "l_extendedprice",
            "l_discount",
            "l_tax",
            "l_shipdate",
        ],
    }
}

/// Runs the Polars baseline of `workload` starting from the run's Arrow
/// data or Parquet files instead of ready Polars frames: inside the timed
/// span, the columns the workload reads (and only those) are read from the
/// files (arrow-rs, casts applied) and cross the zero-copy bridge, the work
/// a hand-writer starting from Arrow does and the counterpart of the
/// engine's `to_df` / `load_df`. W5 reads files and is the same as [`run`].
///
/// # Errors
/// As [`run`] and [`PolarsInput::new`].
pub fn run_from_arrow(workload: Workload, data: &TpchData) -> Result<RawOutput<PlDataFrame>> {
    let input = match workload {
        Workload::W5 => {
            PolarsInput { lineitem: PlDataFrame::empty(), orders: PlDataFrame::empty() }
        }
        _ => PolarsInput {
            lineitem: polars_frame(
                &data.lineitem,
                Some(lineitem_columns(workload)),
                crate::LINEITEM_CASTS,
            )?,
            orders: if workload == Workload::W2 {
                polars_frame(
                    &data.orders,
                    Some(&["o_orderkey", "o_totalprice"]),
                    crate::ORDERS_CASTS,
                )?
            } else {
                PlDataFrame::empty()
            },
        },
    };
    run(workload, &input, data)
}

/// A baseline's result as the fugue [`Output`] of its workload (not timed).
///
/// # Errors
/// Bridge errors; `ERR-SCHEMA` for a Polars type outside the schema grammar.
pub fn output(raw: &RawOutput<PlDataFrame>) -> Result<Output> {
    raw.to_output(local_of)
}

/// A Polars frame as a local Arrow frame (types normalised).
///
/// # Errors
/// As [`from_polars_df`].
pub fn local_of(df: &PlDataFrame) -> Result<LocalDataFrame> {
    from_polars_df(df, &fugue_schema(df.schema())?)
}

/// W1: `qty_share` and `rn` as window expressions over `l_suppkey`, `rn`
/// ordered by `l_shipdate, l_orderkey` inside the window (Polars sorts
/// each group, not the whole frame). The rows keep the input order; the
/// checksum does not depend on it.
///
/// This beat the other hand-written form, one global multi-threaded
/// `sort` by `l_suppkey, l_shipdate, l_orderkey` then plain `over`
/// windows (65 ms against 95 ms at SF 0.1 on the 2-CPU bench machine, same
/// checksum); a `partition_by` loop materialises one frame per supplier
/// and is slower still.
///
/// # Errors
/// Polars errors.
pub fn w1_transform(lineitem: &PlDataFrame) -> Result<PlDataFrame> {
    let by = vec![col("l_suppkey")];
    let share = (col("l_quantity")
        / col("l_quantity").sum().over(by.clone()).map_err(pl("over"))?)
    .alias("qty_share");
    let presort = vec![col("l_shipdate"), col("l_orderkey")];
    let rn = (int_range(lit(0i64), len(), 1, ::polars::prelude::DataType::Int64)
        .over_with_options(
            Some(by),
            Some((presort, SortOptions::default())),
            WindowMapping::GroupsToRows,
        )
        .map_err(pl("over"))?
        + lit(1i64))
    .alias("rn");
    lineitem
        .clone()
        .lazy()
        .select([col("l_orderkey"), col("l_suppkey"), col("l_quantity"), col("l_shipdate")])
        .with_columns([share, rn])
        .collect()
        .map_err(pl("W1 collect"))
}

/// W2: `lineitem (l_orderkey → orderkey, l_quantity)` inner join
/// `orders (o_orderkey → orderkey, o_totalprice)` on `orderkey`.
///
/// # Errors
/// Polars errors.
pub fn w2_join(lineitem: &PlDataFrame, orders: &PlDataFrame) -> Result<PlDataFrame> {
    let l =
        lineitem.clone().lazy().select([col("l_orderkey").alias("orderkey"), col("l_quantity")]);
    let o =
        orders.clone().lazy().select([col("o_orderkey").alias("orderkey"), col("o_totalprice")]);
    l.join(o, [col("orderkey")], [col("orderkey")], JoinArgs::new(JoinType::Inner))
        .collect()
        .map_err(pl("W2 collect"))
}

/// W3: `group_by(l_returnflag, l_linestatus).agg(...)`.
///
/// # Errors
/// Polars errors.
pub fn w3_aggregate(lineitem: &PlDataFrame) -> Result<PlDataFrame> {
    lineitem
        .clone()
        .lazy()
        .group_by([col("l_returnflag"), col("l_linestatus")])
        .agg([
            col("l_quantity").sum().alias("sum_qty"),
            col("l_extendedprice").sum().alias("sum_price"),
            col("l_discount").mean().alias("avg_disc"),
            len().alias("n"),
        ])
        .collect()
        .map_err(pl("W3 collect"))
}

/// W4: the 2 rows of highest `l_extendedprice` per `l_suppkey` (nulls
/// last): a sort by supplier and price, then the first 2 rows of each group.
///
/// # Errors
/// Polars errors.
pub fn w4_take(lineitem: &PlDataFrame) -> Result<PlDataFrame> {
    lineitem
        .clone()
        .lazy()
        .select([col("l_suppkey"), col("l_orderkey"), col("l_extendedprice")])
        .sort_by_exprs(
            [col("l_suppkey"), col("l_extendedprice")],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, true])
                .with_nulls_last(true)
                .with_multithreaded(true),
        )
        .group_by_stable([col("l_suppkey")])
        .head(Some(2))
        .collect()
        .map_err(pl("W4 collect"))
}

/// W6: the distinct `(l_orderkey, l_suppkey)` pairs, union (distinct) the
/// pairs of rows with `l_quantity > 25`, minus (an anti join) the pairs
/// whose `l_suppkey` is even.
///
/// # Errors
/// Polars errors.
pub fn w6_set_ops(lineitem: &PlDataFrame) -> Result<PlDataFrame> {
    let keys = || [col("l_orderkey"), col("l_suppkey")];
    let li = lineitem.clone().lazy();
    let pairs = li.clone().select(keys());
    let big = li.filter(col("l_quantity").gt(lit(25.0))).select(keys());
    let union = concat([pairs.clone(), big], UnionArgs::default())
        .map_err(pl("W6 concat"))?
        .unique(None, UniqueKeepStrategy::Any);
    let even = pairs.filter((col("l_suppkey") % lit(2i64)).eq(lit(0i64)));
    union
        .join(even, keys(), keys(), JoinArgs::new(JoinType::Anti))
        .collect()
        .map_err(pl("W6 collect"))
}

/// Reads a Parquet file with arrow-rs (all columns) into a Polars frame
/// through the zero-copy bridge.
fn read_parquet(path: &Path) -> Result<PlDataFrame> {
    to_polars_df(&super::read_parquet_cast(path, None, "")?)
}

/// Writes a Polars frame to `path` with arrow-rs' `ArrowWriter`, each
/// column exported in Polars' own Arrow type (string views kept).
fn write_parquet(df: &PlDataFrame, path: &Path) -> Result<()> {
    let mut df = df.clone();
    df.align_chunks_par();
    let mut fields = Vec::with_capacity(df.width());
    let mut columns = Vec::with_capacity(df.width());
    for c in df.columns() {
        let t = arrow_type(c.dtype())?;
        fields.push(Field::new(c.name().as_str(), t.clone(), true));
        columns.push(series_arrays(c.as_materialized_series(), &t)?);
    }
    let schema = Arc::new(ArrowSchema::new(fields));
    let file = File::create(path).map_err(|e| Error::io(path.display(), e))?;
    let mut writer =
        ArrowWriter::try_new(file, schema.clone(), None).map_err(pq("create", path))?;
    let chunks = columns.first().map_or(0, Vec::len);
    for i in 0..chunks {
        let arrays = columns
            .iter()
            .map(|c| c.get(i).cloned().ok_or_else(|| Error::user("unaligned chunks")))
            .collect::<Result<Vec<_>>>()?;
        writer.write(&RecordBatch::try_new(schema.clone(), arrays)?).map_err(pq("write", path))?;
    }
    writer.close().map_err(pq("close", path))?;
    Ok(())
}

/// W5: read `src`, write it to `dst`, read `dst` and count its rows.
///
/// # Errors
/// IO, Parquet and bridge errors.
pub fn w5_io(src: &Path, dst: &Path) -> Result<usize> {
    let df = read_parquet(src)?;
    write_parquet(&df, dst)?;
    Ok(read_parquet(dst)?.height())
}

/// W7: TPC-H Q1 and Q6 through polars-sql over the lazy `lineitem`.
///
/// # Errors
/// Polars errors.
pub fn w7_sql(lineitem: &PlDataFrame) -> Result<(PlDataFrame, PlDataFrame)> {
    let mut ctx = SQLContext::new();
    ctx.register("lineitem", lineitem.clone().lazy());
    let mut query = |q: [&str; 2]| -> Result<PlDataFrame> {
        let lazy: LazyFrame = ctx.execute(&sql_over(q, "lineitem")).map_err(pl("W7 sql"))?;
        lazy.collect().map_err(pl("W7 collect"))
    };
    let q1 = query(Q1)?;
    let q6 = query(Q6)?;
    Ok((q1, q6))
}
