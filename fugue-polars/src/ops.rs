//! Joins, set operations, distinct, dropna, fillna, sample and take as
//! Polars lazy operations (ENG-JOIN, ENG-SET, ENG-DISTINCT, ENG-DROPNA,
//! ENG-FILLNA, ENG-SAMPLE, ENG-TAKE). Validation goes through the core's
//! shared functions; where Polars' defaults differ from the spec the plan
//! sets them explicitly (see each function).

use std::sync::Arc;

use arrow::datatypes::{DataType, Field};
use fugue_core::engine::{DropnaHow, FillValue, JoinType, NaPosition, SampleSpec};
use fugue_core::spi::plan::{JoinPlan, TakePlan, plan_take};
use fugue_core::spi::plan::{dropna_columns, fillna_plan};

use fugue_core::spi::value::rows_to_batch;
use fugue_core::{DataFrame, Error, PartitionSpec, Result, Schema, Value};
use polars::prelude::{
    Expr, JoinArgs, JoinCoalesce, JoinType as PlJoinType, LazyFrame, NULL, PlSmallStr,
    SortMultipleOptions, UnionArgs, UniqueKeepStrategy, concat, lit, when,
};

use crate::exact_col as col;

use crate::error::from_polars;
use crate::expr::fugue_cast;
use crate::frame::PolarsDataFrame;

fn c(name: &str) -> Expr {
    col(PlSmallStr::from_str(name))
}

fn all_columns(schema: &Schema) -> Vec<Expr> {
    schema.names().iter().map(|n| c(n)).collect()
}

/// Joins two frames as `plan` says (keys, key types and output schema
/// resolved by the core's `plan_join`).
///
/// Polars' join with these settings, set explicitly:
/// - the keys of both sides are matched as temporary columns cast to the
///   plan's key types (`JoinPlan::key_types`, ENG-JOIN-10: by value, the
///   core's rule, none of Polars' own); the original key columns stay
///   untouched, so output keys keep df1's types and values (ENG-JOIN-4);
/// - `nulls_equal = false`: a null key never matches (ENG-JOIN-6);
/// - key columns not coalesced by Polars: right outer / full outer output
///   keys are df1's key where the left row exists, else the right key
///   converted to df1's key type with the DF-CAST rules (ENG-JOIN-7; a
///   right key that does not fit is `ERR-CAST` when the plan runs);
/// - the output columns are selected in the plan's order (df1's columns,
///   then df2's non-key columns, ENG-JOIN-4); column types never change
///   (ENG-JOIN-11).
///
/// # Errors
/// `ERR-EXECUTION` for a key type without a Polars counterpart; errors of
/// the plan surface when it runs.
pub(crate) fn join(
    left: &PolarsDataFrame,
    right: &PolarsDataFrame,
    plan: &JoinPlan,
) -> Result<PolarsDataFrame> {
    let (l, r) = (left.native(), right.native());
    let out_schema = plan.output_schema.clone();
    if plan.how == JoinType::Cross {
        let lazy = l.cross_join(r, None).select(all_columns(&out_schema));
        return PolarsDataFrame::from_lazy(lazy, out_schema);
    }
    if plan.key_types.len() != plan.keys.len() {
        return Err(Error::internal("join plan without a key type per key"));
    }
    let (ls, rs) = (left.schema(), right.schema());
    let key_name = |side: &str, i: usize| PlSmallStr::from_string(format!("__fugue_{side}k_{i}"));
    let (mut lkeys, mut rkeys) = (Vec::new(), Vec::new());
    for (i, (k, common)) in plan.keys.iter().zip(&plan.key_types).enumerate() {
        let (lt, rt) = match (ls.data_type(k), rs.data_type(k)) {
            (Some(a), Some(b)) => (a, b),
            _ => return Err(Error::internal(format!("join key `{k}` vanished"))),
        };
        lkeys.push(fugue_cast(c(k), lt, common)?.alias(key_name("l", i)));
        rkeys.push(fugue_cast(c(k), rt, common)?.alias(key_name("r", i)));
    }
    let right_rest: Vec<Expr> =
        rs.names().into_iter().filter(|n| !plan.keys.iter().any(|k| k == n)).map(c).collect();
    let l = l.with_columns(lkeys);
    let r = r.select(rkeys.into_iter().chain(right_rest).collect::<Vec<_>>());
    let left_on: Vec<Expr> = (0..plan.keys.len()).map(|i| col(key_name("l", i))).collect();
    let right_on: Vec<Expr> = (0..plan.keys.len()).map(|i| col(key_name("r", i))).collect();
    let how = match plan.how {
        JoinType::Inner => PlJoinType::Inner,
        JoinType::LeftOuter => PlJoinType::Left,
        JoinType::RightOuter => PlJoinType::Right,
        JoinType::FullOuter => PlJoinType::Full,
        JoinType::Semi => PlJoinType::Semi,
        JoinType::Anti => PlJoinType::Anti,
        JoinType::Cross => PlJoinType::Cross,
    };
    let mut args = JoinArgs::new(how).with_coalesce(JoinCoalesce::KeepColumns);
    args.nulls_equal = false;
    let joined = l.join(r, left_on, right_on, args);
    let from_right = matches!(plan.how, JoinType::RightOuter | JoinType::FullOuter);
    let outputs = out_schema
        .names()
        .iter()
        .map(|n| match plan.keys.iter().position(|k| k == n) {
            Some(i) if from_right => {
                let (want, common) = (ls.data_type(n), &plan.key_types[i]);
                let want = want.ok_or_else(|| Error::internal("join key vanished"))?;
                // df1's key where it is not null, else the right key (null
                // too on left rows: an unmatched left row has no right key);
                // only the right keys used are converted (no spurious
                // ERR-CAST from matched rows)
                let used = when(c(n).is_null()).then(col(key_name("r", i))).otherwise(lit(NULL));
                let right_key = fugue_cast(used, common, want)?;
                Ok(when(c(n).is_not_null())
                    .then(c(n))
                    .otherwise(right_key)
                    .alias(PlSmallStr::from_str(n)))
            }
            _ => Ok(c(n)),
        })
        .collect::<Result<Vec<_>>>()?;
    PolarsDataFrame::from_lazy(joined.select(outputs), out_schema)
}

/// A semi (`keep = true`) or anti join on every column with null equal to
/// null: the row identity of set operations (ENG-SET-2).
fn rows_in(l: LazyFrame, r: LazyFrame, schema: &Schema, keep: bool) -> LazyFrame {
    let on = all_columns(schema);
    let mut args = JoinArgs::new(if keep { PlJoinType::Semi } else { PlJoinType::Anti });
    args.nulls_equal = true;
    l.join(r, on.clone(), on, args)
}

/// UNION (`distinct`) or UNION ALL (ENG-SET-3): Polars `concat`, then
/// `unique` (null equals null, NaN equals NaN).
pub(crate) fn union(
    a: &PolarsDataFrame,
    b: &PolarsDataFrame,
    distinct: bool,
) -> Result<PolarsDataFrame> {
    let mut lazy = concat([a.native(), b.native()], UnionArgs::default())
        .map_err(|e| from_polars(e, "union"))?;
    if distinct {
        lazy = lazy.unique(None, UniqueKeepStrategy::Any);
        return Ok(PolarsDataFrame::from_lazy(lazy, a.schema().clone())?.with_distinct_rows());
    }
    PolarsDataFrame::from_lazy(lazy, a.schema().clone())
}

/// `a`'s plan with duplicates removed, unless its rows are known distinct.
fn unique_rows(a: &PolarsDataFrame) -> LazyFrame {
    if a.has_distinct_rows() {
        a.native()
    } else {
        a.native().unique(None, UniqueKeepStrategy::Any)
    }
}

/// EXCEPT (ENG-SET-4): distinct rows of `a` anti-joined with `b` on every
/// column, null equal to null. EXCEPT ALL runs core's multiset kernel in the
/// engine (ENG-SET-6).
pub(crate) fn subtract(a: &PolarsDataFrame, b: &PolarsDataFrame) -> Result<PolarsDataFrame> {
    let lazy = rows_in(unique_rows(a), b.native(), a.schema(), false);
    Ok(PolarsDataFrame::from_lazy(lazy, a.schema().clone())?.with_distinct_rows())
}

/// INTERSECT (ENG-SET-5): distinct rows of `a` semi-joined with `b` on
/// every column, null equal to null. INTERSECT ALL runs core's multiset
/// kernel in the engine (ENG-SET-6).
pub(crate) fn intersect(a: &PolarsDataFrame, b: &PolarsDataFrame) -> Result<PolarsDataFrame> {
    let lazy = rows_in(unique_rows(a), b.native(), a.schema(), true);
    Ok(PolarsDataFrame::from_lazy(lazy, a.schema().clone())?.with_distinct_rows())
}

/// Removes duplicate rows, null equal to null (ENG-DISTINCT-1); a frame
/// whose rows are known distinct comes back as it is.
pub(crate) fn distinct(df: &PolarsDataFrame) -> Result<PolarsDataFrame> {
    if df.has_distinct_rows() {
        return Ok(df.clone());
    }
    Ok(df.derive(unique_rows(df), df.schema().clone())?.with_distinct_rows())
}

/// "Has a value": not null, and not NaN for floating columns (ENG-DROPNA-4).
fn present(name: &str, t: &DataType) -> Expr {
    let e = c(name).is_not_null();
    if t.is_floating() { e.and(c(name).is_not_nan().fill_null(lit(false))) } else { e }
}

/// Drops rows with nulls (ENG-DROPNA-1..4) with one Polars filter:
/// `thresh` counts present values per row, else `how` is `all` / `any`
/// over the considered columns.
///
/// # Errors
/// `ERR-NOT-FOUND` for a missing subset column.
pub(crate) fn dropna(
    df: &PolarsDataFrame,
    how: DropnaHow,
    thresh: Option<usize>,
    subset: Option<&[&str]>,
) -> Result<PolarsDataFrame> {
    let schema = df.schema();
    let cols = dropna_columns(schema, subset)?;
    let present: Vec<Expr> =
        cols.iter().map(|n| present(n, schema.data_type(n).unwrap_or(&DataType::Null))).collect();
    let pe = |e| from_polars(e, "dropna");
    let keep = match thresh {
        Some(0) => return Ok(df.clone()),
        Some(t) => {
            let counts: Vec<Expr> =
                present.into_iter().map(|p| p.cast(polars::prelude::DataType::UInt32)).collect();
            polars::lazy::dsl::sum_horizontal(counts, true)
                .map_err(pe)?
                .gt_eq(lit(u32::try_from(t).unwrap_or(u32::MAX)))
        }
        None => match how {
            DropnaHow::Any => polars::lazy::dsl::all_horizontal(present).map_err(pe)?,
            DropnaHow::All => polars::lazy::dsl::any_horizontal(present).map_err(pe)?,
        },
    };
    df.derive(df.native().filter(keep), schema.clone())
}

/// A Polars literal holding `v` converted to `dtype` (DF-VAL rules, e.g. an
/// integer fill value into a `double` column).
fn typed_literal(v: &Value, dtype: &DataType) -> Result<Expr> {
    let schema =
        Arc::new(arrow::datatypes::Schema::new(vec![Field::new("v", dtype.clone(), true)]));
    let batch = rows_to_batch(&schema, &[vec![v.clone()]])?;
    crate::expr::scalar_literal(batch.column(0), dtype)
}

/// Fills nulls and NaN (ENG-FILLNA-1..6): each filled column becomes
/// `fill_null(value)` (and NaN → value for floating columns), the value
/// converted to the column's type; other columns are unchanged.
///
/// # Errors
/// Per the core's `fillna_plan` (`ERR-ARG`, `ERR-NOT-FOUND`, `ERR-CAST`).
pub(crate) fn fillna(
    df: &PolarsDataFrame,
    value: &FillValue,
    subset: Option<&[&str]>,
) -> Result<PolarsDataFrame> {
    let schema = df.schema();
    let pairs = fillna_plan(schema, value, subset)?;
    let mut exprs = Vec::with_capacity(schema.len());
    for f in schema.fields() {
        let name = f.name();
        let Some((_, v)) = pairs.iter().find(|(c, _)| c == name) else {
            exprs.push(c(name));
            continue;
        };
        let fill = typed_literal(v, f.data_type())?;
        let mut e = c(name);
        if f.data_type().is_floating() {
            e = polars::prelude::when(e.clone().is_nan().fill_null(lit(false)))
                .then(fill.clone())
                .otherwise(e);
        }
        exprs.push(e.fill_null(fill).alias(PlSmallStr::from_str(name)));
    }
    df.derive(df.native().select(exprs), schema.clone())
}

/// Samples rows (ENG-SAMPLE-1..7): exactly `n` rows, or `round(frac ×
/// count)` rows, with or without replacement, reproducible with a seed;
/// Polars' `sample_n_literal` on the computed frame.
///
/// # Errors
/// Per `SampleSpec::resolve_size`.
pub(crate) fn sample(df: &PolarsDataFrame, spec: &SampleSpec) -> Result<PolarsDataFrame> {
    let data = df.collect()?;
    let n = spec.resolve_size(data.height())?;
    let out = data
        .sample_n_literal(n, spec.replace, Some(true), spec.seed)
        .map_err(|e| from_polars(e, "sample"))?;
    Ok(PolarsDataFrame::from_polars(out, df.schema().clone())?
        .with_metadata_map(df.metadata().clone()))
}

/// The first `n` rows per logical partition (or overall) after sorting by
/// the effective presort with nulls first or last for every column
/// (ENG-TAKE-1..6): a Polars sort (`nulls_last` per `na_position`,
/// stable) followed by `limit(n)` or `group_by(keys).head(n)` (null keys
/// form one group).
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for a bad presort; `ERR-NOT-FOUND` for a missing column.
pub(crate) fn take(
    df: &PolarsDataFrame,
    n: usize,
    presort: &str,
    na_position: NaPosition,
    spec: &PartitionSpec,
) -> Result<PolarsDataFrame> {
    let schema = df.schema();
    let plan = plan_take(schema, presort, spec)?;
    if fugue_core::spi::kernels::heap_take_applies(schema, &plan, n) {
        // a few rows per group: the core's heap kernel (one pass, parallel
        // slices, no sort of every row) over the input's Arrow data
        let out =
            fugue_core::spi::kernels::take(&df.as_local_bounded()?, n, presort, na_position, spec)?;
        return Ok(PolarsDataFrame::from_local(&out)?.with_metadata_map(df.metadata().clone()));
    }
    let TakePlan { sorts, keys } = plan;
    let mut lazy = df.native();
    if !sorts.is_empty() {
        let by: Vec<Expr> = sorts.iter().map(|(n, _)| c(n)).collect();
        let options = SortMultipleOptions::default()
            .with_order_descending_multi(sorts.iter().map(|(_, asc)| !asc))
            .with_nulls_last(na_position == NaPosition::Last)
            .with_maintain_order(true);
        lazy = lazy.sort_by_exprs(by, options);
    }
    let rows = polars::prelude::IdxSize::try_from(n).unwrap_or(polars::prelude::IdxSize::MAX);
    let lazy = if keys.is_empty() {
        lazy.limit(rows)
    } else {
        let by: Vec<Expr> = keys.iter().map(|k| c(k)).collect();
        lazy.group_by_stable(by).head(Some(n)).select(all_columns(schema))
    };
    df.derive(lazy, schema.clone())
}
