//! select / filter / assign / aggregate over column expressions
//! (ENG-SEL-1..8, ENG-FILTER-1, ENG-ASSIGN-1..3, ENG-AGG-1..3).
//!
//! Every entry point runs the core's typed plans ([`plan_select`],
//! [`plan_filter`], [`plan_assign`], [`plan_aggregate`]: validation, typing
//! and the aggregating rewrite, the same on every engine), then works on
//! whole Arrow arrays: expressions through [`super::eval`], grouping and
//! aggregates through [`super::groupby`], `DISTINCT` through the row format.
//!
//! An aggregating select runs the plan's steps: evaluate the group keys and
//! the argument of every aggregate over the (`where`-filtered) input and
//! aggregate per group into the hidden columns; filter them by `having`;
//! evaluate the output columns over the aggregated batch (literals are
//! broadcast there, ENG-SEL-6).

use std::collections::HashSet;
use std::sync::Arc;

use crate::dataframe::DataFrame;
use crate::expr::AggFunc;
use crate::spi::select::{
    AggregationPlan, OutputColumn, SelectPlan, plan_aggregate, plan_assign, plan_filter,
    plan_select,
};
use crate::spi::typed::TypedAgg;
use crate::value::cast_array;
use crate::{ColumnExpr, Error, LocalDataFrame, Result, Schema, SelectColumns};
use arrow::array::ArrayRef;
use arrow::array::UInt64Array;
use arrow::compute::{concat_batches, filter_record_batch, take, take_record_batch};
use arrow::datatypes::{Field, FieldRef, Schema as ArrowSchema};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use arrow::row::{RowConverter, SortField};
use rayon::prelude::*;

use super::eval::{evaluate, evaluate_predicate};
use super::groupby::{
    Groups, aggregate as aggregate_values, count_distinct, count_rows, group_rows,
};

/// `SELECT cols [WHERE where_] [GROUP BY inferred keys] [HAVING having]`
/// over `df` (ENG-SEL-1..8), per the core's [`plan_select`].
///
/// Output: one column per item in item order (`*` expanded to the input
/// columns at its position), named by [`ColumnExpr::output_name`], typed by
/// the plan (ENG-SEL-8). Without aggregation: one row per input row passing
/// `where_`, in input order. With aggregation: one row per group of the
/// inferred keys ([`SelectColumns::group_keys`], null keys forming one
/// group), or exactly one row without keys (also for empty input), in order
/// of first appearance of the key; `having` filters the groups and may use
/// aggregates that are not selected (ENG-SEL-5, ENG-SEL-6). `distinct`
/// keeps the first of equal output rows (ENG-SEL-7).
///
/// # Errors
/// * `ERR-ARG` and `ERR-NOT-FOUND` per [`plan_select`] (ENG-SEL-1..4, type
///   errors, a column outside an aggregation that is not a group key,
///   missing columns);
/// * `ERR-CAST` when a cast fails or integer arithmetic overflows.
pub fn select(
    df: &LocalDataFrame,
    cols: &SelectColumns,
    where_: Option<&ColumnExpr>,
    having: Option<&ColumnExpr>,
) -> Result<LocalDataFrame> {
    run_select(df, &plan_select(df.schema(), cols, where_, having)?)
}

/// Runs a typed select plan over `df`.
fn run_select(df: &LocalDataFrame, plan: &SelectPlan) -> Result<LocalDataFrame> {
    let where_batch = |batch: &RecordBatch| -> Result<RecordBatch> {
        match plan.where_() {
            Some(w) => Ok(filter_record_batch(batch, &evaluate_predicate(w, batch)?)?),
            None => Ok(batch.clone()),
        }
    };
    if let Some(agg) = plan.aggregation() {
        let batch = where_batch(&df.to_batch()?)?;
        let mut out = aggregate_batch(&batch, plan, agg)?;
        if plan.is_distinct() {
            out = distinct_rows(&out)?;
        }
        return LocalDataFrame::from_batch(out);
    }
    // no aggregation: batch by batch (an empty frame still gives the types)
    let empty;
    let inputs = match df.batches() {
        [] => {
            empty = [RecordBatch::new_empty(df.schema().arrow().clone())];
            &empty[..]
        }
        batches => batches,
    };
    let outs = inputs
        .iter()
        .map(|b| project(&where_batch(b)?, plan.columns()))
        .collect::<Result<Vec<_>>>()?;
    let Some(first) = outs.first() else {
        return Err(Error::internal("select produced no batch"));
    };
    let out_schema = first.schema();
    if plan.is_distinct() {
        let all = concat_batches(&out_schema, &outs)?;
        return LocalDataFrame::from_batch(distinct_rows(&all)?);
    }
    LocalDataFrame::new(Schema::from_arrow(&out_schema)?, outs)
}

/// Keeps the rows of `df` where `condition` is true; null and false rows are
/// dropped (ENG-FILTER-1, ENG-EXPR-SEM-2). Schema unchanged, input order
/// kept; each batch is filtered on its own. The condition is typed by
/// [`plan_filter`] also when there are no rows.
///
/// # Errors
/// As [`plan_filter`]: `ERR-ARG` for an invalid or non-boolean condition,
/// `ERR-NOT-FOUND` for a missing column.
pub fn filter(df: &LocalDataFrame, condition: &ColumnExpr) -> Result<LocalDataFrame> {
    let cond = plan_filter(df.schema(), condition)?;
    let batches = df
        .batches()
        .iter()
        .map(|b| Ok(filter_record_batch(b, &evaluate_predicate(&cond, b)?)?))
        .collect::<Result<Vec<_>>>()?;
    LocalDataFrame::new(df.schema().clone(), batches)
}

/// Replaces or appends columns (ENG-ASSIGN-1..3): an expression named like
/// an input column replaces it in place, others are appended in the given
/// order; types per ENG-EXPR-TYPE (an integer literal is `long`). Same rows
/// in the same order; an empty `columns` returns the input.
///
/// # Errors
/// As [`plan_assign`] (`ERR-ARG`, `ERR-NOT-FOUND`), plus evaluation errors.
pub fn assign(df: &LocalDataFrame, columns: &[ColumnExpr]) -> Result<LocalDataFrame> {
    match plan_assign(df.schema(), columns)? {
        Some(plan) => run_select(df, &plan),
        None => Ok(df.clone()),
    }
}

/// Aggregates `df` by `keys` (ENG-AGG-1..3): output = the keys in `keys`
/// order, then one column per aggregation; one row per distinct key (null
/// keys form one group), or one row without keys.
///
/// # Errors
/// As [`plan_aggregate`] (empty `aggs`, a non-aggregation item, unnamed or
/// duplicate names: `ERR-ARG`; a missing key or column: `ERR-NOT-FOUND`).
pub fn aggregate(
    df: &LocalDataFrame,
    keys: &[String],
    aggs: &[ColumnExpr],
) -> Result<LocalDataFrame> {
    run_select(df, &plan_aggregate(df.schema(), keys, aggs)?)
}

/// Evaluates the output `columns` over `batch`.
fn project(batch: &RecordBatch, columns: &[OutputColumn]) -> Result<RecordBatch> {
    let arrays = columns
        .iter()
        .map(|c| Ok((c.name().to_string(), evaluate(c.expr(), batch)?)))
        .collect::<Result<Vec<_>>>()?;
    make_batch(arrays, batch.num_rows())
}

/// A record batch of named arrays (all nullable) with `num_rows` rows.
fn make_batch(columns: Vec<(String, ArrayRef)>, num_rows: usize) -> Result<RecordBatch> {
    let fields: Vec<FieldRef> = columns
        .iter()
        .map(|(n, a)| Arc::new(Field::new(n.as_str(), a.data_type().clone(), true)))
        .collect();
    let arrays = columns.into_iter().map(|(_, a)| a).collect();
    let options = RecordBatchOptions::new().with_row_count(Some(num_rows));
    Ok(RecordBatch::try_new_with_options(Arc::new(ArrowSchema::new(fields)), arrays, &options)?)
}

/// The first of every set of equal rows (null equal to null), in order.
fn distinct_rows(batch: &RecordBatch) -> Result<RecordBatch> {
    let converter = RowConverter::new(
        batch.columns().iter().map(|c| SortField::new(c.data_type().clone())).collect(),
    )?;
    let rows = converter.convert_columns(batch.columns())?;
    let mut seen = HashSet::with_capacity(batch.num_rows().min(1 << 16));
    let keep: Vec<u64> =
        (0..batch.num_rows()).filter(|&i| seen.insert(rows.row(i))).map(|i| i as u64).collect();
    if keep.len() == batch.num_rows() {
        return Ok(batch.clone());
    }
    Ok(take_record_batch(batch, &UInt64Array::from(keep))?)
}

/// Computes aggregate `agg` per group, in its planned type.
fn compute_agg(agg: &TypedAgg, batch: &RecordBatch, groups: &Groups) -> Result<ArrayRef> {
    let raw = match agg.arg() {
        None if agg.func() == AggFunc::CountDistinct => count_distinct(batch.columns(), groups)?,
        None => count_rows(groups),
        Some(arg) => aggregate_values(agg.func(), &evaluate(arg, batch)?, groups)?,
    };
    if raw.data_type() == agg.data_type() {
        return Ok(raw);
    }
    cast_array(&raw, agg.data_type())
}

/// The aggregating select (see the module docs): the hidden columns of
/// `agg`, filtered by the plan's `having`, projected to its output columns.
fn aggregate_batch(
    batch: &RecordBatch,
    plan: &SelectPlan,
    agg: &AggregationPlan,
) -> Result<RecordBatch> {
    let key_arrays = agg.keys().iter().map(|k| evaluate(k, batch)).collect::<Result<Vec<_>>>()?;
    let groups = group_rows(&key_arrays, batch.num_rows())?;
    let first_rows = UInt64Array::from_iter_values(groups.first_rows.iter().map(|&i| i as u64));

    let mut columns = Vec::with_capacity(key_arrays.len() + agg.aggs().len());
    for (j, k) in key_arrays.iter().enumerate() {
        columns.push((AggregationPlan::key_name(j), take(k.as_ref(), &first_rows, None)?));
    }
    // the aggregates are independent: computed in parallel
    let aggs = agg
        .aggs()
        .par_iter()
        .map(|a| compute_agg(a, batch, &groups))
        .collect::<Result<Vec<_>>>()?;
    for (i, a) in aggs.into_iter().enumerate() {
        columns.push((AggregationPlan::agg_name(i), a));
    }
    let mut agg_batch = make_batch(columns, groups.num_groups)?;
    if let Some(h) = plan.having() {
        let keep = evaluate_predicate(h, &agg_batch)?;
        agg_batch = filter_record_batch(&agg_batch, &keep)?;
    }
    project(&agg_batch, plan.columns())
}

#[cfg(test)]
mod tests;
