//! select / filter / assign / aggregate over column expressions
//! (ENG-SEL-1..8, ENG-FILTER-1, ENG-ASSIGN-1..3, ENG-AGG-1..3).
//!
//! Every entry point first runs the shared validators of
//! `crate::expr` (so the errors match every engine), then works on
//! whole Arrow arrays: expressions through [`crate::eval`], grouping and
//! aggregates through [`crate::groupby`], `DISTINCT` through the row format.
//!
//! An aggregating select is computed in three steps: (1) evaluate the group
//! keys and the argument of every aggregate over the (`where`-filtered)
//! input and aggregate per group into hidden columns; (2) rewrite every item
//! and the `having` condition so that group keys and aggregates become
//! references to those hidden columns (`max(a) + 1` → `__agg_0 + 1`); (3)
//! filter by `having` and evaluate the rewritten items over the aggregated
//! batch (literals are broadcast there, ENG-SEL-6).

use std::collections::HashSet;
use std::sync::Arc;

use crate::dataframe::DataFrame;
use crate::expr::{
    AggFunc, ExprKind, aggregate_select, assign_select, check_columns_exist, validate_filter,
    validate_select,
};
use crate::value::cast_array;
use crate::{ColumnExpr, Error, LocalDataFrame, Result, Schema, SelectColumns};
use arrow::array::ArrayRef;
use arrow::array::UInt64Array;
use arrow::compute::{concat_batches, filter_record_batch, take, take_record_batch};
use arrow::datatypes::{Field, FieldRef, Schema as ArrowSchema};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use arrow::row::{RowConverter, SortField};

use super::eval::{evaluate, evaluate_predicate};
use super::groupby::{
    Groups, aggregate as aggregate_values, count_distinct, count_rows, group_rows,
};

/// `SELECT cols [WHERE where_] [GROUP BY inferred keys] [HAVING having]`
/// over `df` (ENG-SEL-1..8).
///
/// Output: one column per item in item order (`*` expanded to the input
/// columns at its position), named by [`ColumnExpr::output_name`], typed by
/// [`ColumnExpr::infer_type`] where inferable (ENG-SEL-8). Without
/// aggregation: one row per input row passing `where_`, in input order.
/// With aggregation: one row per group of the inferred keys
/// ([`SelectColumns::group_keys`], null keys forming one group), or exactly
/// one row without keys (also for empty input), in order of first
/// appearance of the key; `having` filters the groups and may use
/// aggregates that are not selected (ENG-SEL-5, ENG-SEL-6). `distinct`
/// keeps the first of equal output rows (ENG-SEL-7).
///
/// # Errors
/// * `ERR-ARG` per [`validate_select`] and [`SelectColumns::replace_wildcard`]
///   (ENG-SEL-1..4), for a column used outside an aggregation that is not a
///   group key, and for type errors of the expressions (see
///   [`super::eval::evaluate`]);
/// * `ERR-NOT-FOUND` for a column missing from `df`;
/// * `ERR-CAST` when a cast fails.
pub fn select(
    df: &LocalDataFrame,
    cols: &SelectColumns,
    where_: Option<&ColumnExpr>,
    having: Option<&ColumnExpr>,
) -> Result<LocalDataFrame> {
    validate_select(cols, where_, having)?;
    let schema = df.schema();
    let cols = cols.replace_wildcard(schema)?;
    cols.check_columns_exist(schema)?;
    for cond in where_.iter().chain(having.iter()) {
        check_columns_exist(cond, schema)?;
    }
    let where_batch = |batch: &RecordBatch| -> Result<RecordBatch> {
        match where_ {
            Some(w) => Ok(filter_record_batch(batch, &evaluate_predicate(w, batch, schema)?)?),
            None => Ok(batch.clone()),
        }
    };
    if cols.has_agg() {
        let batch = where_batch(&df.to_batch()?)?;
        let mut out = aggregate_batch(&batch, schema, &cols, having)?;
        if cols.is_distinct() {
            out = distinct_rows(&out)?;
        }
        return LocalDataFrame::from_batch(out);
    }
    // no aggregation: batch by batch (an empty frame still gives the types)
    let empty;
    let inputs = match df.batches() {
        [] => {
            empty = [RecordBatch::new_empty(schema.arrow().clone())];
            &empty[..]
        }
        batches => batches,
    };
    let outs = inputs
        .iter()
        .map(|b| project(&where_batch(b)?, schema, cols.items()))
        .collect::<Result<Vec<_>>>()?;
    let Some(first) = outs.first() else {
        return Err(Error::internal("select produced no batch"));
    };
    let out_schema = first.schema();
    if cols.is_distinct() {
        let all = concat_batches(&out_schema, &outs)?;
        return LocalDataFrame::from_batch(distinct_rows(&all)?);
    }
    LocalDataFrame::new(Schema::from_arrow(&out_schema)?, outs)
}

/// Keeps the rows of `df` where `condition` is true; null and false rows are
/// dropped (ENG-FILTER-1, ENG-EXPR-SEM-2). Schema unchanged, input order
/// kept; each batch is filtered on its own.
///
/// # Errors
/// `ERR-ARG` per [`validate_filter`] or when the condition is not boolean;
/// `ERR-NOT-FOUND` for a missing column.
pub fn filter(df: &LocalDataFrame, condition: &ColumnExpr) -> Result<LocalDataFrame> {
    validate_filter(condition)?;
    let schema = df.schema();
    check_columns_exist(condition, schema)?;
    if df.batches().is_empty() {
        // type-check the condition even without rows
        let empty = RecordBatch::new_empty(schema.arrow().clone());
        evaluate_predicate(condition, &empty, schema)?;
        return Ok(df.clone());
    }
    let batches = df
        .batches()
        .iter()
        .map(|b| {
            let keep = evaluate_predicate(condition, b, schema)?;
            Ok(filter_record_batch(b, &keep)?)
        })
        .collect::<Result<Vec<_>>>()?;
    LocalDataFrame::new(schema.clone(), batches)
}

/// Replaces or appends columns (ENG-ASSIGN-1..3): an expression named like
/// an input column replaces it in place, others are appended in the given
/// order; types per ENG-EXPR-TYPE (an integer literal is `long`). Same rows
/// in the same order; an empty `columns` returns the input.
///
/// # Errors
/// As [`crate::expr::validate_assign`] (`ERR-ARG`, `ERR-NOT-FOUND`), plus
/// evaluation errors.
pub fn assign(df: &LocalDataFrame, columns: &[ColumnExpr]) -> Result<LocalDataFrame> {
    let cols = assign_select(columns, df.schema())?;
    if columns.is_empty() {
        return Ok(df.clone());
    }
    select(df, &cols, None, None)
}

/// Aggregates `df` by `keys` (ENG-AGG-1..3): output = the keys in `keys`
/// order, then one column per aggregation; one row per distinct key (null
/// keys form one group), or one row without keys.
///
/// # Errors
/// `ERR-ARG` per [`crate::expr::validate_aggregate`] (empty `aggs`, a
/// non-aggregation item, unnamed or duplicate names); `ERR-NOT-FOUND` for a
/// missing key or column.
pub fn aggregate(
    df: &LocalDataFrame,
    keys: &[String],
    aggs: &[ColumnExpr],
) -> Result<LocalDataFrame> {
    let cols = aggregate_select(keys, aggs)?;
    select(df, &cols, None, None)
}

/// Evaluates non-aggregate `items` (no `*`) over `batch`.
fn project(batch: &RecordBatch, schema: &Schema, items: &[ColumnExpr]) -> Result<RecordBatch> {
    let mut arrays = Vec::with_capacity(items.len());
    for item in items {
        let array = evaluate(item, batch, schema)?;
        arrays.push((output_name(item)?, array));
    }
    make_batch(arrays, batch.num_rows())
}

fn output_name(item: &ColumnExpr) -> Result<String> {
    item.output_name().map(str::to_string).ok_or_else(|| {
        Error::arg("select", format!("`{item}` has no output name, give it an alias"))
    })
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

fn key_name(j: usize) -> String {
    format!("__fugue_key_{j}")
}

fn agg_name(i: usize) -> String {
    format!("__fugue_agg_{i}")
}

/// Rewrites expressions of an aggregating select over the aggregated batch:
/// group keys → `__fugue_key_j`, aggregates → `__fugue_agg_i` (collected in
/// `aggs`, deduplicated), casts and aliases kept.
struct Rewriter<'a> {
    keys: &'a [ColumnExpr],
    aggs: Vec<ColumnExpr>,
}

impl Rewriter<'_> {
    fn rewrite(&mut self, e: &ColumnExpr) -> Result<ColumnExpr> {
        let body = e.body();
        let kind = if let Some(j) = self.keys.iter().position(|k| *k == body) {
            ExprKind::Column(key_name(j))
        } else {
            match e.kind() {
                ExprKind::Agg(..) => {
                    let i = match self.aggs.iter().position(|a| *a == body) {
                        Some(i) => i,
                        None => {
                            self.aggs.push(body);
                            self.aggs.len() - 1
                        }
                    };
                    ExprKind::Column(agg_name(i))
                }
                ExprKind::Column(n) => {
                    return Err(Error::arg(
                        "select",
                        format!(
                            "column `{n}` must be a group key or be used inside an aggregation"
                        ),
                    ));
                }
                ExprKind::Literal(_) | ExprKind::Wildcard => e.kind().clone(),
                ExprKind::Unary(op, x) => ExprKind::Unary(*op, Box::new(self.rewrite(x)?)),
                ExprKind::Binary(op, l, r) => {
                    ExprKind::Binary(*op, Box::new(self.rewrite(l)?), Box::new(self.rewrite(r)?))
                }
                ExprKind::Function(f, args) => ExprKind::Function(
                    *f,
                    args.iter().map(|a| self.rewrite(a)).collect::<Result<Vec<_>>>()?,
                ),
            }
        };
        let mut out = ColumnExpr::from_kind(kind)?;
        if let Some(t) = e.cast_type() {
            out = out.cast(t.clone());
        }
        if let Some(a) = e.alias_name() {
            out = out.alias(a);
        }
        Ok(out)
    }
}

/// Computes aggregate `agg` (an `ExprKind::Agg` body) per group.
fn compute_agg(
    agg: &ColumnExpr,
    batch: &RecordBatch,
    schema: &Schema,
    groups: &Groups,
) -> Result<ArrayRef> {
    let ExprKind::Agg(func, arg) = agg.kind() else {
        return Err(Error::internal(format!("`{agg}` is not an aggregation")));
    };
    let raw = if arg.is_wildcard() {
        match func {
            AggFunc::Count => count_rows(groups),
            AggFunc::CountDistinct => count_distinct(batch.columns(), groups)?,
            _ => {
                return Err(Error::arg(
                    "select",
                    format!("`*` is only allowed in count / count_distinct: `{agg}`"),
                ));
            }
        }
    } else {
        let values = evaluate(arg, batch, schema)?;
        aggregate_values(*func, &values, groups)?
    };
    match agg.infer_type(schema) {
        Some(t) if &t != raw.data_type() => cast_array(&raw, &t),
        _ => Ok(raw),
    }
}

/// The aggregating select (see the module docs).
fn aggregate_batch(
    batch: &RecordBatch,
    schema: &Schema,
    cols: &SelectColumns,
    having: Option<&ColumnExpr>,
) -> Result<RecordBatch> {
    let keys = cols.group_keys();
    let mut rewriter = Rewriter { keys: &keys, aggs: Vec::new() };
    let items = cols.items().iter().map(|i| rewriter.rewrite(i)).collect::<Result<Vec<_>>>()?;
    let having = having.map(|h| rewriter.rewrite(h)).transpose()?;

    let key_arrays = keys.iter().map(|k| evaluate(k, batch, schema)).collect::<Result<Vec<_>>>()?;
    let groups = group_rows(&key_arrays, batch.num_rows())?;
    let first_rows = UInt64Array::from_iter_values(groups.first_rows.iter().map(|&i| i as u64));

    let mut columns = Vec::with_capacity(keys.len() + rewriter.aggs.len());
    for (j, k) in key_arrays.iter().enumerate() {
        columns.push((key_name(j), take(k.as_ref(), &first_rows, None)?));
    }
    for (i, agg) in rewriter.aggs.iter().enumerate() {
        columns.push((agg_name(i), compute_agg(agg, batch, schema, &groups)?));
    }
    let mut agg_batch = make_batch(columns, groups.num_groups)?;
    let agg_schema =
        Schema::from_fields_unchecked_types(agg_batch.schema().fields().iter().cloned())?;
    if let Some(h) = having {
        let keep = evaluate_predicate(&h, &agg_batch, &agg_schema)?;
        agg_batch = filter_record_batch(&agg_batch, &keep)?;
    }
    let mut out = Vec::with_capacity(items.len());
    for (item, original) in items.iter().zip(cols.items()) {
        let mut array = evaluate(item, &agg_batch, &agg_schema)?;
        if let Some(t) = original.infer_type(schema)
            && &t != array.data_type()
        {
            array = cast_array(&array, &t)?;
        }
        out.push((output_name(original)?, array));
    }
    make_batch(out, agg_batch.num_rows())
}

#[cfg(test)]
mod tests;
