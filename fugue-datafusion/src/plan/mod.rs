//! Plan building: every fugue operation as a DataFusion logical plan over
//! `datafusion::DataFrame`s. Nothing here executes anything (no runtime, no
//! `await`), so a distributed engine can reuse these plans unchanged; the
//! engine decides where they run.
//!
//! Each function takes the input frames with their (normalised) fugue
//! schemas, validates with the core's shared validators, and returns the
//! new DataFusion frame.

pub(crate) mod expr;
pub(crate) mod map;

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema as ArrowSchema};
use datafusion::common::{NullEquality, ScalarValue};
use datafusion::dataframe::DataFrame;
use datafusion::functions::expr_fn::coalesce;
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{
    Expr, ExprFunctionExt, JoinType as DfJoinType, LogicalPlanBuilder, SortExpr, lit, when,
};
use fugue_core::engine::{DropnaHow, FillValue, JoinType, NaPosition};
use fugue_core::spi::plan::JoinPlan;
use fugue_core::spi::plan::{dropna_columns, fillna_plan};
use fugue_core::spi::select::{
    AggregationPlan, SelectPlan, plan_aggregate, plan_assign, plan_filter, plan_select,
};
use fugue_core::spi::value::rows_to_batch;
use fugue_core::{ColumnExpr, Error, Result, Schema, SelectColumns, Value};

use crate::error::DfResultExt;
use crate::udf::{cast_expr, isna_expr};
use expr::{compile, compile_agg, ident};

/// The fugue schema of a DataFusion frame (normalised, SCH-TYPE-8).
///
/// # Errors
/// `ERR-SCHEMA` for types fugue cannot represent.
pub(crate) fn fugue_schema(df: &DataFrame) -> Result<Schema> {
    Schema::from_arrow(df.schema().as_arrow())
}

/// `df` projected to `exprs`.
fn project(df: DataFrame, exprs: Vec<Expr>, op: &str) -> Result<DataFrame> {
    df.select(exprs).fugue(op)
}

/// `df` with every column whose DataFusion type differs from its
/// normalised fugue type cast to the fugue type (e.g. `Utf8View` → `Utf8`),
/// so set operations and joins see the same types on both sides.
pub(crate) fn normalise(df: DataFrame) -> Result<DataFrame> {
    let schema = fugue_schema(&df)?;
    let arrow = df.schema().as_arrow().clone();
    let same =
        arrow.fields().iter().zip(schema.fields()).all(|(a, b)| a.data_type() == b.data_type());
    if same {
        return Ok(df);
    }
    let exprs = arrow
        .fields()
        .iter()
        .zip(schema.fields())
        .map(|(a, b)| {
            cast_expr(ident(a.name()), a.data_type(), b.data_type()).alias(a.name().as_str())
        })
        .collect();
    project(df, exprs, "normalise types")
}

// ------------------------------------------------------------------ columns

/// `SELECT columns` (names already validated).
pub(crate) fn select_columns(df: DataFrame, columns: &[&str]) -> Result<DataFrame> {
    project(df, columns.iter().map(|c| ident(c)).collect(), "select_columns")
}

/// Renames (already validated) `pairs` simultaneously.
pub(crate) fn rename(df: DataFrame, schema: &Schema, pairs: &[(&str, &str)]) -> Result<DataFrame> {
    let exprs = schema
        .names()
        .into_iter()
        .map(|n| match pairs.iter().find(|(old, _)| *old == n) {
            Some((_, new)) => ident(n).alias(*new),
            None => ident(n),
        })
        .collect();
    project(df, exprs, "rename")
}

/// Every column of `schema` converted to the type of `target` (same names
/// and order) with DF-CAST rules.
pub(crate) fn convert(df: DataFrame, schema: &Schema, target: &Schema) -> Result<DataFrame> {
    let exprs = schema
        .fields()
        .iter()
        .zip(target.fields())
        .map(|(f, t)| cast_expr(ident(f.name()), f.data_type(), t.data_type()).alias(t.name()))
        .collect();
    project(df, exprs, "alter_columns")
}

// --------------------------------------------------------------------- join

fn key_name(side: &str, i: usize) -> String {
    format!("__fugue_{side}k_{i}")
}

/// `join(df1, df2, how)` resolved by `plan_join` (ENG-JOIN-1..11).
///
/// Keyed joins are DataFusion equi-joins on the key columns with
/// [`NullEquality::NullEqualsNothing`] set explicitly (ENG-JOIN-6); the
/// right keys travel under temporary names, and both sides' keys are cast
/// to the plan's key types (`JoinPlan::key_types`, ENG-JOIN-10: the core's
/// rule, no coercion of DataFusion's own). The output holds every df1
/// column once with df1's key types and values (ENG-JOIN-4); in right and
/// full outer joins a key without a left row holds the right key converted
/// to df1's key type with the DF-CAST rules (ENG-JOIN-7); then df2's
/// non-key columns with unchanged types (ENG-JOIN-11). Semi/anti are
/// DataFusion's left semi/anti joins (ENG-JOIN-8); cross is a cross join.
///
/// # Errors
/// DataFusion planning errors; `ERR-CAST` (when the plan runs) for a right
/// key that does not fit df1's key type.
pub(crate) fn join(
    left: DataFrame,
    right: DataFrame,
    ls: &Schema,
    rs: &Schema,
    plan: &JoinPlan,
) -> Result<DataFrame> {
    let left = normalise(left)?;
    let right = normalise(right)?;
    if plan.how == JoinType::Cross {
        let (state, lplan) = left.into_parts();
        let (_, rplan) = right.into_parts();
        let joined = LogicalPlanBuilder::from(lplan)
            .cross_join(rplan)
            .and_then(|b| b.build())
            .fugue("cross join")?;
        return Ok(DataFrame::new(state, joined));
    }
    // right side: keys renamed (and widened), other columns as they are
    let mut right_exprs = Vec::new();
    let mut left_exprs: Vec<Expr> = ls.names().into_iter().map(ident).collect();
    let mut left_on = Vec::new();
    let mut right_on = Vec::new();
    if plan.key_types.len() != plan.keys.len() {
        return Err(Error::internal("join plan without a key type per key"));
    }
    for (i, (k, common)) in plan.keys.iter().zip(&plan.key_types).enumerate() {
        let (Some(lt), Some(rt)) = (ls.data_type(k), rs.data_type(k)) else {
            return Err(Error::internal(format!("join key `{k}` vanished")));
        };
        let rk = key_name("r", i);
        right_exprs.push(cast_expr(ident(k), rt, common).alias(rk.as_str()));
        right_on.push(rk);
        if common == lt {
            left_on.push(k.clone());
        } else {
            let lk = key_name("l", i);
            left_exprs.push(cast_expr(ident(k), lt, common).alias(lk.as_str()));
            left_on.push(lk);
        }
    }
    let right_rest: Vec<&str> =
        rs.names().into_iter().filter(|n| !plan.keys.iter().any(|k| k == n)).collect();
    right_exprs.extend(right_rest.iter().map(|n| ident(n)));
    let left = project(left, left_exprs, "join")?;
    let right = project(right, right_exprs, "join")?;
    let how = match plan.how {
        JoinType::Inner => DfJoinType::Inner,
        JoinType::LeftOuter => DfJoinType::Left,
        JoinType::RightOuter => DfJoinType::Right,
        JoinType::FullOuter => DfJoinType::Full,
        JoinType::Semi => DfJoinType::LeftSemi,
        JoinType::Anti => DfJoinType::LeftAnti,
        JoinType::Cross => return Err(Error::internal("cross join with keys")),
    };
    let (state, lplan) = left.into_parts();
    let (_, rplan) = right.into_parts();
    let joined = LogicalPlanBuilder::from(lplan)
        .join_detailed(
            rplan,
            how,
            (
                left_on.iter().map(datafusion::common::Column::new_unqualified).collect(),
                right_on.iter().map(datafusion::common::Column::new_unqualified).collect(),
            ),
            None,
            NullEquality::NullEqualsNothing,
        )
        .and_then(|b| b.build())
        .fugue("join")?;
    let joined = DataFrame::new(state, joined);
    let mut out = Vec::with_capacity(plan.output_schema.len());
    for f in ls.fields() {
        let name = f.name();
        let key = plan.keys.iter().position(|k| k == name);
        out.push(match (key, plan.how) {
            (Some(i), JoinType::RightOuter | JoinType::FullOuter) => {
                // df1's key where not null, else the right key; only the
                // right keys used are converted (no spurious ERR-CAST)
                let used =
                    when(ident(name).is_null(), ident(&key_name("r", i))).end().fugue("join")?;
                coalesce(vec![ident(name), cast_expr(used, &plan.key_types[i], f.data_type())])
                    .alias(name)
            }
            _ => ident(name),
        });
    }
    if !matches!(plan.how, JoinType::Semi | JoinType::Anti) {
        out.extend(right_rest.iter().map(|n| ident(n)));
    }
    project(joined, out, "join")
}

// ------------------------------------------------------------ set operations

/// UNION / UNION ALL (ENG-SET-3); schemas checked by the caller.
pub(crate) fn union(a: DataFrame, b: DataFrame, distinct: bool) -> Result<DataFrame> {
    let (a, b) = (normalise(a)?, normalise(b)?);
    if distinct { a.union_distinct(b).fugue("union") } else { a.union(b).fugue("union") }
}

/// EXCEPT (ENG-SET-4), null equal to null. EXCEPT ALL does not come here:
/// DataFusion's `except` removes every copy of a row found on the right
/// instead of `m` copies, so the engine runs core's multiset kernel (ENG-SET-6).
pub(crate) fn subtract(a: DataFrame, b: DataFrame) -> Result<DataFrame> {
    let (a, b) = (normalise(a)?, normalise(b)?);
    a.except_distinct(b).fugue("subtract")
}

/// INTERSECT (ENG-SET-5), null equal to null. INTERSECT ALL does not come
/// here: DataFusion's `intersect` keeps every matched left copy instead of
/// `min(n, m)`, so the engine runs core's multiset kernel (ENG-SET-6).
pub(crate) fn intersect(a: DataFrame, b: DataFrame) -> Result<DataFrame> {
    let (a, b) = (normalise(a)?, normalise(b)?);
    a.intersect_distinct(b).fugue("intersect")
}

// ------------------------------------------------------------------ cleaning

/// `dropna` as a filter (ENG-DROPNA-1..4): NaN counts as null through
/// `fugue_isna`; `thresh` counts present values, `any` / `all` combine them.
///
/// # Errors
/// `ERR-NOT-FOUND` for a missing subset column.
pub(crate) fn dropna(
    df: DataFrame,
    schema: &Schema,
    how: DropnaHow,
    thresh: Option<usize>,
    subset: Option<&[&str]>,
) -> Result<DataFrame> {
    let cols = dropna_columns(schema, subset)?;
    let present: Vec<Expr> =
        cols.iter().map(|c| Expr::Not(Box::new(isna_expr(ident(c))))).collect();
    let cond = match thresh {
        Some(0) => return Ok(df),
        Some(t) => {
            let counts = present
                .into_iter()
                .map(|p| when(p, lit(1i64)).otherwise(lit(0i64)))
                .collect::<datafusion::error::Result<Vec<_>>>()
                .fugue("dropna")?;
            let total = counts.into_iter().reduce(|a, b| a + b).unwrap_or_else(|| lit(0i64));
            total.gt_eq(lit(i64::try_from(t).unwrap_or(i64::MAX)))
        }
        None => {
            let combine = |a: Expr, b: Expr| if how == DropnaHow::Any { a.and(b) } else { a.or(b) };
            match present.into_iter().reduce(combine) {
                Some(c) => c,
                None => return Ok(df),
            }
        }
    };
    df.filter(cond).fugue("dropna")
}

/// The fill value `v` as a scalar of type `dt` (DF-VAL rules).
fn fill_scalar(column: &str, dt: &DataType, v: &Value) -> Result<ScalarValue> {
    let schema = Arc::new(ArrowSchema::new(vec![Field::new(column, dt.clone(), true)]));
    let batch = rows_to_batch(&schema, &[vec![v.clone()]])?;
    ScalarValue::try_from_array(batch.column(0), 0).fugue("fillna value")
}

/// `fillna` (ENG-FILLNA-1..6): `CASE WHEN fugue_isna(c) THEN value ELSE c END`
/// for every column of [`fillna_plan`]; schema unchanged.
///
/// # Errors
/// As [`fillna_plan`].
pub(crate) fn fillna(
    df: DataFrame,
    schema: &Schema,
    value: &FillValue,
    subset: Option<&[&str]>,
) -> Result<DataFrame> {
    let plan = fillna_plan(schema, value, subset)?;
    let mut exprs = Vec::with_capacity(schema.len());
    for f in schema.fields() {
        let name = f.name();
        exprs.push(match plan.iter().find(|(c, _)| c == name) {
            Some((_, v)) => {
                let fill = lit(fill_scalar(name, f.data_type(), v)?);
                when(isna_expr(ident(name)), fill)
                    .otherwise(ident(name))
                    .fugue("fillna")?
                    .alias(name.as_str())
            }
            None => ident(name),
        });
    }
    project(df, exprs, "fillna")
}

// ---------------------------------------------------------------------- take

/// Sort expressions for `sorts`, nulls first or last for every column
/// (ENG-TAKE-4, PG-2).
pub(crate) fn sort_exprs(sorts: &[(String, bool)], nulls_first: bool) -> Vec<SortExpr> {
    sorts.iter().map(|(c, asc)| ident(c).sort(*asc, nulls_first)).collect()
}

/// `take` (ENG-TAKE-1..6) with the effective sort `sorts` already resolved:
/// without keys a sort + limit (or a plain limit); with keys the window
/// `row_number() OVER (PARTITION BY keys ORDER BY sorts)` filtered to
/// `<= n`, null keys forming their own group.
///
/// # Errors
/// DataFusion planning errors.
pub(crate) fn take(
    df: DataFrame,
    schema: &Schema,
    n: usize,
    sorts: &[(String, bool)],
    na_position: NaPosition,
    keys: &[String],
) -> Result<DataFrame> {
    let nulls_first = na_position == NaPosition::First;
    if keys.is_empty() {
        let df = if sorts.is_empty() {
            df
        } else {
            df.sort(sort_exprs(sorts, nulls_first)).fugue("take")?
        };
        return df.limit(0, Some(n)).fugue("take");
    }
    if n == 0 {
        return df.limit(0, Some(0)).fugue("take");
    }
    const RN: &str = "__fugue_row_number";
    // without a presort any order will do; DataFusion needs one
    let order = if sorts.is_empty() {
        keys.iter().map(|k| ident(k).sort(true, false)).collect()
    } else {
        sort_exprs(sorts, nulls_first)
    };
    let rn = row_number()
        .partition_by(keys.iter().map(|k| ident(k)).collect())
        .order_by(order)
        .build()
        .fugue("take")?
        .alias(RN);
    let mut with_rn: Vec<Expr> = schema.names().into_iter().map(ident).collect();
    with_rn.push(rn);
    let df = project(df, with_rn, "take")?;
    let df = df.filter(ident(RN).lt_eq(lit(n as u64))).fugue("take")?;
    project(df, schema.names().into_iter().map(ident).collect(), "take")
}

// ---------------------------------------------------------- select & friends

/// `filter(df, cond)` (ENG-FILTER-1): the core's [`plan_filter`].
///
/// # Errors
/// As [`plan_filter`]: `ERR-ARG` for an invalid or non-bool condition,
/// `ERR-NOT-FOUND` for a missing column.
pub(crate) fn filter(df: DataFrame, schema: &Schema, cond: &ColumnExpr) -> Result<DataFrame> {
    let pred = compile(&plan_filter(schema, cond)?, df.schema())?;
    df.filter(pred).fugue("filter")
}

/// `assign(df, exprs)` (ENG-ASSIGN-1..3): the core's [`plan_assign`].
///
/// # Errors
/// As [`plan_assign`].
pub(crate) fn assign(df: DataFrame, schema: &Schema, columns: &[ColumnExpr]) -> Result<DataFrame> {
    match plan_assign(schema, columns)? {
        Some(plan) => run_select(df, &plan),
        None => Ok(df),
    }
}

/// `aggregate(df, keys, aggs)` (ENG-AGG-1..3): the core's [`plan_aggregate`].
///
/// # Errors
/// As [`plan_aggregate`].
pub(crate) fn aggregate(
    df: DataFrame,
    schema: &Schema,
    keys: &[String],
    aggs: &[ColumnExpr],
) -> Result<DataFrame> {
    run_select(df, &plan_aggregate(schema, keys, aggs)?)
}

/// `SELECT cols [WHERE] [GROUP BY inferred keys] [HAVING]` (ENG-SEL-1..8):
/// the core's [`plan_select`] as DataFusion plans: `where` filters, then
/// either a projection, or an aggregation into the plan's hidden key /
/// aggregate columns (cast to their planned types), the `having` filter and
/// a projection of the output columns. `distinct` last.
///
/// # Errors
/// As [`plan_select`] (`ERR-ARG`, `ERR-NOT-FOUND`).
pub(crate) fn select(
    df: DataFrame,
    schema: &Schema,
    cols: &SelectColumns,
    where_: Option<&ColumnExpr>,
    having: Option<&ColumnExpr>,
) -> Result<DataFrame> {
    run_select(df, &plan_select(schema, cols, where_, having)?)
}

fn run_select(df: DataFrame, plan: &SelectPlan) -> Result<DataFrame> {
    let df = match plan.where_() {
        Some(w) => {
            let pred = compile(w, df.schema())?;
            df.filter(pred).fugue("select where")?
        }
        None => df,
    };
    let df = match plan.aggregation() {
        Some(agg) => {
            let df = aggregate_frame(df, agg)?;
            match plan.having() {
                Some(h) => {
                    let pred = compile(h, df.schema())?;
                    df.filter(pred).fugue("having")?
                }
                None => df,
            }
        }
        None => df,
    };
    let exprs = plan
        .columns()
        .iter()
        .map(|c| Ok(compile(c.expr(), df.schema())?.alias(c.name())))
        .collect::<Result<Vec<_>>>()?;
    let df = project(df, exprs, "select")?;
    if plan.is_distinct() { df.distinct().fugue("select distinct") } else { Ok(df) }
}

/// The grouping step: one DataFusion aggregate into the hidden columns of
/// [`AggregationPlan::schema`], each cast to its planned type.
fn aggregate_frame(df: DataFrame, plan: &AggregationPlan) -> Result<DataFrame> {
    let group = plan
        .keys()
        .iter()
        .enumerate()
        .map(|(j, k)| Ok(compile(k, df.schema())?.alias(AggregationPlan::key_name(j))))
        .collect::<Result<Vec<_>>>()?;
    let aggs = plan
        .aggs()
        .iter()
        .enumerate()
        .map(|(i, a)| Ok(compile_agg(a, df.schema())?.alias(AggregationPlan::agg_name(i))))
        .collect::<Result<Vec<_>>>()?;
    let df = df.aggregate(group, aggs).fugue("aggregate")?;
    let arrow = df.schema().as_arrow().clone();
    let typed = plan
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let name = f.name();
            let from = arrow.field_with_name(name).map(|a| a.data_type().clone())?;
            Ok(cast_expr(ident(name), &from, f.data_type()).alias(name))
        })
        .collect::<Result<Vec<_>>>()?;
    project(df, typed, "aggregate")
}
