//! Typed plans of `fugue_core::expr` compiled to Polars [`Expr`]s, and
//! select / filter / assign / aggregate over them (ENG-EXPR-*, ENG-SEL-1..8,
//! ENG-FILTER-1, ENG-ASSIGN-1..3, ENG-AGG-1..3).
//!
//! All typing, coercion and validation is done by the core
//! ([`fugue_core::spi::typed`], [`fugue_core::spi::select`]); this module
//! only translates the typed tree node by node:
//!
//! - casts that cannot fail (null to anything, widening integers, integers
//!   and `float` to `double`) are Polars casts; every other cast runs the
//!   shared DF-CAST code ([`fugue_core::spi::value::cast_array`]) per chunk inside
//!   the plan, through the zero-copy bridge, so `ERR-CAST` and the text
//!   forms of values are those of every engine; casts of literals are
//!   computed once, when the plan is built;
//! - floating `+ - *` are Polars arithmetic; integer and decimal `+ - *` run
//!   Arrow's checked kernels per chunk (overflow is `ERR-CAST`, not a
//!   wrapped value); `/` is floating division with null for a zero divisor
//!   (ENG-EXPR-SEM-3);
//! - `AND` / `OR` are Kleene (ENG-EXPR-SEM-1), comparisons with null give null.
//!
//! Aggregations run as one Polars `group_by(keys).agg(...)` (keys and
//! aggregates of the core's [`AggregationPlan`]) or one `select` of
//! aggregations without keys (one row, also for empty input). SQL semantics
//! are kept: `sum`/`min`/`max`/`avg` of no values is null, `count` counts
//! non-null values, `count_distinct` ignores nulls, `first`/`last` are the
//! first / last non-null values.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Scalar};
use arrow::compute::kernels::numeric;
use arrow::datatypes::DataType;
use fugue_core::expr::{AggFunc, BinaryOp, UnaryOp};
use fugue_core::schema::data_type_to_expr;
use fugue_core::spi::select::{
    AggregationPlan, SelectPlan, plan_aggregate, plan_assign, plan_filter, plan_select,
};
use fugue_core::spi::typed::{TypedAgg, TypedExpr, TypedKind};
use fugue_core::spi::types::int_width;
use fugue_core::spi::value::cast_array;
use fugue_core::{
    ColumnExpr, DataFrame, Error, PartitionSpec, Result, Schema, SelectColumns, Value,
};
use polars::prelude::{
    Column, DataType as PlDataType, Expr, Field as PlField, IntoColumn, NULL, PlSmallStr,
    UniqueKeepStrategy, lit, when,
};

use crate::exact_col as col;

use crate::bridge::{polars_type, series_arrays, series_from_arrays};
use crate::error::carry;
use crate::frame::PolarsDataFrame;

/// True when a Polars cast from `from` to `to` never fails and gives the
/// same values as the DF-CAST rules.
fn lossless_polars_cast(from: &DataType, to: &DataType) -> bool {
    use DataType as D;
    if *from == D::Null {
        return true;
    }
    let widening_int = (from.is_signed_integer() && to.is_signed_integer()
        || from.is_unsigned_integer() && to.is_unsigned_integer())
        && int_width(from) <= int_width(to)
        || from.is_unsigned_integer() && to.is_signed_integer() && int_width(from) < int_width(to);
    let to_double = *to == D::Float64
        && (matches!(from, D::Float32 | D::Float16) || from.is_integer() && int_width(from) <= 32);
    widening_int || to_double || matches!((from, to), (D::Float16, D::Float32))
}

/// `expr` (of Arrow type `from`) cast to `to` with the DF-CAST rules
/// (see the module docs). Errors of the cast surface when the plan runs,
/// with their fugue kind (`ERR-CAST`).
///
/// # Errors
/// `ERR-EXECUTION` when `to` has no Polars counterpart.
pub(crate) fn fugue_cast(expr: Expr, from: &DataType, to: &DataType) -> Result<Expr> {
    let pl_to = polars_type(to)?;
    if from == to {
        return Ok(expr);
    }
    if lossless_polars_cast(from, to) {
        return Ok(expr.cast(pl_to));
    }
    let (from, to) = (from.clone(), to.clone());
    let out_type = pl_to.clone();
    Ok(expr.map(
        move |c: Column| cast_column(&c, &from, &to).map_err(carry),
        move |_, f: &PlField| Ok(PlField::new(f.name().clone(), out_type.clone())),
    ))
}

/// One column cast with the DF-CAST rules, chunk by chunk.
fn cast_column(c: &Column, from: &DataType, to: &DataType) -> Result<Column> {
    let series = c.as_materialized_series();
    let arrays = series_arrays(series, from)?;
    let cast = arrays.iter().map(|a| cast_array(a, to)).collect::<Result<Vec<_>>>()?;
    Ok(series_from_arrays(series.name().as_str(), &cast, to)?.into_column())
}

fn typed_null(dtype: &DataType) -> Result<Expr> {
    if *dtype == DataType::Null {
        return Ok(lit(NULL));
    }
    Ok(lit(NULL).cast(polars_type(dtype)?))
}

/// The Polars expression of the typed node `t` (a plain translation: `t`
/// and its children already have their final types).
///
/// # Errors
/// `ERR-EXECUTION` for a type without a Polars counterpart; `ERR-CAST` for
/// a literal that does not convert to its cast type.
pub(crate) fn compile(t: &TypedExpr) -> Result<Expr> {
    let dtype = t.data_type();
    Ok(match t.kind() {
        TypedKind::Column { name, .. } => col(PlSmallStr::from_str(name)),
        TypedKind::Literal(Value::Null) => typed_null(dtype)?,
        TypedKind::Literal(v) => literal(v)?,
        TypedKind::Cast(x) => match x.kind() {
            TypedKind::Literal(v) => literal_as(v, x.data_type(), dtype)?,
            _ => fugue_cast(compile(x)?, x.data_type(), dtype)?,
        },
        TypedKind::Unary(op, x) => {
            let v = compile(x)?;
            match op {
                UnaryOp::IsNull => v.is_null(),
                UnaryOp::NotNull => v.is_not_null(),
                UnaryOp::Not => v.not(),
                UnaryOp::Neg if dtype.is_floating() => -v,
                UnaryOp::Neg => {
                    let zero = literal_as(&Value::Int64(0), &DataType::Int64, dtype)?;
                    checked_arith(BinaryOp::Sub, zero, v, dtype)?
                }
            }
        }
        TypedKind::Binary(op, l, r) => {
            let (a, b) = (compile(l)?, compile(r)?);
            match op {
                // ENG-EXPR-SEM-3: a zero divisor gives null
                BinaryOp::Div => when(b.clone().eq(lit(0.0f64)))
                    .then(typed_null(&DataType::Float64)?)
                    .otherwise(a / b),
                BinaryOp::Add if dtype.is_floating() => a + b,
                BinaryOp::Sub if dtype.is_floating() => a - b,
                BinaryOp::Mul if dtype.is_floating() => a * b,
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => checked_arith(*op, a, b, dtype)?,
                BinaryOp::Eq => a.eq(b),
                BinaryOp::NotEq => a.neq(b),
                BinaryOp::Lt => a.lt(b),
                BinaryOp::LtEq => a.lt_eq(b),
                BinaryOp::Gt => a.gt(b),
                BinaryOp::GtEq => a.gt_eq(b),
                // Polars' `and` / `or` on booleans are Kleene (ENG-EXPR-SEM-1)
                BinaryOp::And => a.and(b),
                BinaryOp::Or => a.or(b),
            }
        }
        TypedKind::Coalesce(args) => {
            let exprs = args.iter().map(compile).collect::<Result<Vec<_>>>()?;
            polars::prelude::coalesce(&exprs)
        }
    })
}

/// A literal (ENG-EXPR-2, ENG-EXPR-TYPE-3), typed (not one of Polars'
/// dynamic literals, whose type depends on the other operand).
fn literal(v: &Value) -> Result<Expr> {
    Ok(match v {
        Value::Null => lit(NULL),
        Value::Bool(b) => lit(*b),
        Value::Int64(i) => typed_lit(polars::prelude::Scalar::from(*i)),
        Value::UInt64(u) => typed_lit(polars::prelude::Scalar::from(*u)),
        Value::Float64(f) => typed_lit(polars::prelude::Scalar::from(*f)),
        Value::Str(s) => lit(s.as_str()),
        other => {
            return Err(Error::not_supported(format!(
                "literal `{other:?}`: a literal must be null, bool, integer, float or string"
            )));
        }
    })
}

/// A typed Polars literal (not one of Polars' dynamic literals).
fn typed_lit(scalar: polars::prelude::Scalar) -> Expr {
    Expr::Literal(polars::prelude::LiteralValue::from(scalar))
}

/// The literal `v` (of the literal type `from`) cast to `to` with the
/// DF-CAST rules, computed now, as a Polars literal of `to`'s type.
///
/// # Errors
/// `ERR-CAST` when the value does not convert.
fn literal_as(v: &Value, from: &DataType, to: &DataType) -> Result<Expr> {
    let array: ArrayRef = if *from == DataType::Null {
        arrow::array::new_null_array(to, 1)
    } else {
        let schema = Arc::new(arrow::datatypes::Schema::new(vec![arrow::datatypes::Field::new(
            "v",
            from.clone(),
            true,
        )]));
        let batch = fugue_core::spi::value::rows_to_batch(&schema, &[vec![v.clone()]])?;
        cast_array(batch.column(0), to)?
    };
    scalar_literal(&array, to)
}

/// The first value of `array` (of type `dtype`) as a typed Polars literal.
pub(crate) fn scalar_literal(array: &ArrayRef, dtype: &DataType) -> Result<Expr> {
    let series = series_from_arrays("literal", std::slice::from_ref(array), dtype)?;
    let value = series.get(0).map_err(|e| crate::error::from_polars(e, "literal"))?.into_static();
    Ok(typed_lit(polars::prelude::Scalar::new(series.dtype().clone(), value)))
}

/// Integer / decimal `+ - *` of two expressions already of type `target`,
/// through Arrow's checked kernels (overflow → `ERR-CAST`, like the native
/// engine). A one-row side (a literal) is used as a scalar.
fn checked_arith(op: BinaryOp, l: Expr, r: Expr, target: &DataType) -> Result<Expr> {
    let pl_target = polars_type(target)?;
    let t = target.clone();
    let expr = l.map_many(
        move |cols: &mut [Column]| arith_columns(op, cols, &t).map_err(carry),
        &[r],
        move |_, fields: &[PlField]| {
            let name = fields.first().map(|f| f.name().clone()).unwrap_or_default();
            Ok(PlField::new(name, pl_target.clone()))
        },
    );
    Ok(expr)
}

fn single_array(c: &Column, t: &DataType) -> Result<ArrayRef> {
    let s = c.as_materialized_series().rechunk();
    let arrays = series_arrays(&s, t)?;
    match arrays.into_iter().next() {
        Some(a) => Ok(a),
        None => Ok(arrow::array::new_empty_array(t)),
    }
}

fn arith_columns(op: BinaryOp, cols: &[Column], t: &DataType) -> Result<Column> {
    let [lc, rc] = cols else {
        return Err(Error::internal("arithmetic needs two operands"));
    };
    let la = single_array(lc, t)?;
    let ra = single_array(rc, t)?;
    let f = match op {
        BinaryOp::Add => numeric::add,
        BinaryOp::Sub => numeric::sub,
        _ => numeric::mul,
    };
    let out = match (la.len(), ra.len()) {
        (a, b) if a == b => f(&la, &ra)?,
        (1, _) => f(&Scalar::new(la), &ra)?,
        (_, 1) => f(&la, &Scalar::new(ra))?,
        (a, b) => {
            return Err(Error::internal(format!("operands of {a} and {b} rows")));
        }
    };
    Ok(series_from_arrays(lc.name().as_str(), &[out], t)?.into_column())
}

/// Half the range of 64-bit integers: a wrapped integer sum differs from
/// the floating sum of the same values by a multiple of 2^64, while
/// rounding errors of the floating sum stay far below this.
const OVERFLOW_GAP: f64 = 4_611_686_018_427_387_904.0;

/// The integer sum column `sum` of an aggregated frame, failing with
/// `ERR-CAST` when it overflowed (Polars' integer sums wrap; the spec's
/// engines raise, like the native engine's checked sums). `shadow` is the
/// floating sum of the same values.
fn checked_sum(sum: Expr, shadow: Expr, target: &DataType) -> Expr {
    let diff = sum.clone().cast(PlDataType::Float64) - shadow;
    let overflow = diff.clone().gt(lit(OVERFLOW_GAP)).or(diff.lt(lit(-OVERFLOW_GAP)));
    let type_text = data_type_to_expr(target);
    sum.map_many(
        move |cols: &mut [Column]| {
            let [sum, flag] = cols else {
                return Err(carry(Error::internal("checked sum needs two columns")));
            };
            let overflowed = flag.as_materialized_series().bool().is_ok_and(|b| b.any());
            if overflowed {
                return Err(carry(Error::cast("sum", type_text.clone(), "the sum overflows")));
            }
            Ok(std::mem::take(sum))
        },
        &[overflow],
        |_, fields: &[PlField]| {
            fields.first().cloned().ok_or_else(|| {
                polars::prelude::PolarsError::ComputeError("checked sum without input".into())
            })
        },
    )
}

// ---------------------------------------------------------------------------
// select / filter / assign / aggregate
// ---------------------------------------------------------------------------

fn schema_of(columns: Vec<(String, DataType)>) -> Result<Schema> {
    let fields: Vec<arrow::datatypes::Field> =
        columns.into_iter().map(|(n, t)| arrow::datatypes::Field::new(n, t, true)).collect();
    Schema::from_fields(fields)
}

/// `SELECT cols [WHERE where_] [GROUP BY inferred keys] [HAVING having]`
/// (ENG-SEL-1..8): the core's [`plan_select`] run as one lazy plan. Row
/// order is unspecified (ENG-GEN-8): groups come in Polars' hash order
/// (`group_by`, not the slower order-keeping `group_by_stable`) and
/// `distinct` keeps any one of equal output rows.
///
/// # Errors
/// As [`plan_select`] (`ERR-ARG`, `ERR-NOT-FOUND`, when the plan is built);
/// `ERR-CAST` when a cast fails (when the plan runs).
pub(crate) fn select(
    df: &PolarsDataFrame,
    cols: &SelectColumns,
    where_: Option<&ColumnExpr>,
    having: Option<&ColumnExpr>,
) -> Result<PolarsDataFrame> {
    let plan = plan_select(df.schema(), cols, where_, having)?;
    run_select(df, &plan)
}

/// Runs a typed select plan over `df`.
fn run_select(df: &PolarsDataFrame, plan: &SelectPlan) -> Result<PolarsDataFrame> {
    let mut lazy = df.native();
    if let Some(w) = plan.where_() {
        lazy = lazy.filter(compile(w)?);
    }
    if let Some(agg) = plan.aggregation() {
        lazy = aggregate_frame(lazy, df.schema(), agg)?;
        if let Some(h) = plan.having() {
            lazy = lazy.filter(compile(h)?);
        }
    }
    let exprs = plan
        .columns()
        .iter()
        .map(|c| Ok(compile(c.expr())?.alias(PlSmallStr::from_str(c.name()))))
        .collect::<Result<Vec<_>>>()?;
    let mut lazy = lazy.select(exprs);
    if plan.is_distinct() {
        lazy = lazy.unique(None, UniqueKeepStrategy::Any);
    }
    df.derive(lazy, schema_of(plan.output_types())?)
}

/// The Polars aggregation of `agg` over an input of schema `schema`, plus,
/// for integer sums, a floating "shadow" sum used to detect overflow (see
/// [`checked_sum`]). The result has type [`TypedAgg::data_type`].
fn compile_agg(agg: &TypedAgg, schema: &Schema) -> Result<(Expr, Option<Expr>)> {
    let target = agg.data_type();
    let Some(arg) = agg.arg() else {
        return match agg.func() {
            AggFunc::Count => Ok((polars::prelude::len().cast(PlDataType::Int64), None)),
            AggFunc::CountDistinct => {
                let cols: Vec<Expr> =
                    schema.names().iter().map(|n| col(PlSmallStr::from_str(n))).collect();
                let any_value = polars::lazy::dsl::any_horizontal(
                    cols.iter().map(|c| c.clone().is_not_null()).collect::<Vec<_>>(),
                )
                .map_err(|e| crate::error::from_polars(e, "count_distinct"))?;
                let expr = polars::prelude::as_struct(cols)
                    .filter(any_value)
                    .n_unique()
                    .cast(PlDataType::Int64);
                Ok((expr, None))
            }
            other => Err(Error::internal(format!("`*` as the argument of {}", other.sql()))),
        };
    };
    Ok(match agg.func() {
        AggFunc::Count => (compile(arg)?.count().cast(PlDataType::Int64), None),
        AggFunc::CountDistinct => {
            (compile(arg)?.drop_nulls().n_unique().cast(PlDataType::Int64), None)
        }
        AggFunc::Min => (compile(arg)?.min(), None),
        // floats in total order, NaN largest (the native engine's order);
        // Polars' plain `max` skips NaN
        AggFunc::Max if target.is_floating() => (compile(arg)?.nan_max(), None),
        AggFunc::Max => (compile(arg)?.max(), None),
        AggFunc::First => (compile(arg)?.drop_nulls().first(), None),
        AggFunc::Last => (compile(arg)?.drop_nulls().last(), None),
        AggFunc::Sum if *target == DataType::Null => (lit(NULL).first(), None),
        AggFunc::Sum => {
            // the argument already has the sum's type
            let e = compile(arg)?;
            let shadow = target.is_integer().then(|| e.clone().cast(PlDataType::Float64).sum());
            let sum = e.clone().sum();
            let sum = if matches!(target, DataType::Decimal128(..)) {
                sum.cast(polars_type(target)?)
            } else {
                sum
            };
            let expr = when(e.count().eq(lit(0u32))).then(typed_null(target)?).otherwise(sum);
            (expr, shadow)
        }
        AggFunc::Avg => {
            // the argument is cast to double; a numeric source is cast by
            // Polars (the same values, without the DF-CAST bridge)
            let e = match arg.kind() {
                TypedKind::Cast(x) if x.data_type().is_integer() || x.data_type().is_floating() => {
                    compile(x)?.cast(PlDataType::Float64)
                }
                _ => compile(arg)?,
            };
            (e.mean(), None)
        }
    })
}

/// The grouping step of a plan: keys and aggregations in one Polars
/// `group_by().agg()` (or a `select` without keys), giving the hidden
/// columns of [`AggregationPlan::schema`].
fn aggregate_frame(
    lazy: polars::prelude::LazyFrame,
    schema: &Schema,
    plan: &AggregationPlan,
) -> Result<polars::prelude::LazyFrame> {
    let key_exprs = plan
        .keys()
        .iter()
        .enumerate()
        .map(|(j, k)| Ok(compile(k)?.alias(PlSmallStr::from_str(&AggregationPlan::key_name(j)))))
        .collect::<Result<Vec<_>>>()?;
    let mut agg_exprs = Vec::with_capacity(plan.aggs().len());
    let mut checks = Vec::new();
    for (i, agg) in plan.aggs().iter().enumerate() {
        let (expr, shadow) = compile_agg(agg, schema)?;
        let name = PlSmallStr::from_str(&AggregationPlan::agg_name(i));
        agg_exprs.push(expr.alias(name.clone()));
        if let Some(shadow) = shadow {
            let shadow_name = PlSmallStr::from_str(&format!("__fugue_aggf_{i}"));
            agg_exprs.push(shadow.alias(shadow_name.clone()));
            checks.push(
                checked_sum(col(name.clone()), col(shadow_name), agg.data_type()).alias(name),
            );
        }
    }
    let mut lazy = if key_exprs.is_empty() {
        lazy.select(agg_exprs)
    } else {
        lazy.group_by(key_exprs).agg(agg_exprs)
    };
    if !checks.is_empty() {
        lazy = lazy.with_columns(checks);
    }
    Ok(lazy)
}

/// Keeps the rows where `condition` is true (ENG-FILTER-1); the condition
/// is type-checked when the plan is built, also for empty frames.
///
/// # Errors
/// As [`plan_filter`]: `ERR-ARG` for an invalid or non-boolean condition,
/// `ERR-NOT-FOUND` for a missing column.
pub(crate) fn filter(df: &PolarsDataFrame, condition: &ColumnExpr) -> Result<PolarsDataFrame> {
    let p = compile(&plan_filter(df.schema(), condition)?)?;
    df.derive(df.native().filter(p), df.schema().clone())
}

/// Replaces or appends columns (ENG-ASSIGN-1..3).
///
/// # Errors
/// As [`plan_assign`].
pub(crate) fn assign(df: &PolarsDataFrame, columns: &[ColumnExpr]) -> Result<PolarsDataFrame> {
    match plan_assign(df.schema(), columns)? {
        Some(plan) => run_select(df, &plan),
        None => Ok(df.clone()),
    }
}

/// Aggregates by the spec's keys (ENG-AGG-1..3).
///
/// # Errors
/// As [`plan_aggregate`].
pub(crate) fn aggregate(
    df: &PolarsDataFrame,
    spec: &PartitionSpec,
    aggs: &[ColumnExpr],
) -> Result<PolarsDataFrame> {
    run_select(df, &plan_aggregate(df.schema(), spec.partition_by(), aggs)?)
}

#[cfg(test)]
mod tests {
    use fugue_core::ErrorKind;
    use fugue_core::expr::{col, lit};

    use super::*;

    fn schema() -> Schema {
        "a:int,s:str,f:bool,d:double".parse().expect("schema")
    }

    fn kind(e: ColumnExpr) -> Option<ErrorKind> {
        let s = schema();
        fugue_core::spi::typed::resolve(&e, &s).and_then(|t| compile(&t)).err().map(|e| e.kind())
    }

    /// The Arrow type the core plans for `e` and the Polars type the
    /// compiled expression really produces over a one-row frame.
    fn dtypes(e: ColumnExpr) -> (DataType, PlDataType) {
        use polars::prelude::{IntoLazy, NamedFrom, Series};
        let s = schema();
        let t = fugue_core::spi::typed::resolve(&e, &s).expect("resolves");
        let frame = polars::prelude::DataFrame::new(
            1,
            vec![
                Series::new("a".into(), &[1i32]).into(),
                Series::new("s".into(), &["x"]).into(),
                Series::new("f".into(), &[true]).into(),
                Series::new("d".into(), &[2.0f64]).into(),
            ],
        )
        .expect("frame");
        let out = crate::error::run_polars("test", || {
            frame.lazy().select([compile(&t).expect("compiles").alias("x")]).collect()
        })
        .expect("runs");
        let pl = out.column("x").expect("x").dtype().clone();
        (t.data_type().clone(), pl)
    }

    #[test]
    fn eng_expr_sem_5_type_errors_are_err_arg_when_the_plan_is_built() {
        assert_eq!(kind(col("s") + 1), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(col("s").eq(col("a"))), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(!col("a")), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(col("a") & col("f")), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(col("zz") + 1), Some(ErrorKind::NotFound));
    }

    #[test]
    fn eng_expr_type_compiled_nodes_produce_the_planned_types() {
        for (e, want) in [
            (col("a") + 1, DataType::Int32),
            (col("a") / 2, DataType::Float64),
            (col("a") * col("d"), DataType::Float64),
            (-col("a"), DataType::Int32),
            (lit(1), DataType::Int64),
            (col("a").cast(DataType::Utf8), DataType::Utf8),
            (col("a").is_null(), DataType::Boolean),
            (col("a").gt(1.5) & col("f"), DataType::Boolean),
        ] {
            let (planned, produced) = dtypes(e.clone());
            assert_eq!(planned, want, "{e}");
            assert_eq!(produced, polars_type(&want).expect("type"), "{e}");
        }
    }

    #[test]
    fn eng_expr_sem_4_wrapped_integer_sums_are_detected() {
        use polars::prelude::{IntoLazy, NamedFrom, Series};
        // what a release build of Polars gives for [i64::MAX, 1]: a wrapped sum
        let wrapped = i64::MAX.wrapping_add(1);
        let shadow = i64::MAX as f64 + 1.0;
        let frame = |s: i64, f: f64| {
            polars::prelude::DataFrame::new(
                1,
                vec![Series::new("s".into(), &[s]).into(), Series::new("f".into(), &[f]).into()],
            )
            .expect("frame")
        };
        let pc = |n: &str| polars::prelude::col(PlSmallStr::from_str(n));
        let check = || checked_sum(pc("s"), pc("f"), &DataType::Int64).alias("s");
        let err = crate::error::run_polars("sum", || {
            frame(wrapped, shadow).lazy().select([check()]).collect()
        })
        .err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Cast));
        let ok = crate::error::run_polars("sum", || {
            frame(i64::MAX, i64::MAX as f64).lazy().select([check()]).collect()
        });
        assert_eq!(ok.map(|df| df.height()).ok(), Some(1));
    }

    #[test]
    fn only_lossless_casts_run_as_polars_casts() {
        assert!(lossless_polars_cast(&DataType::Int32, &DataType::Int64));
        assert!(lossless_polars_cast(&DataType::UInt16, &DataType::Int32));
        assert!(lossless_polars_cast(&DataType::Int32, &DataType::Float64));
        assert!(lossless_polars_cast(&DataType::Null, &DataType::Utf8));
        assert!(!lossless_polars_cast(&DataType::Int64, &DataType::Int32));
        assert!(!lossless_polars_cast(&DataType::Int64, &DataType::Float64));
        assert!(!lossless_polars_cast(&DataType::Float64, &DataType::Int32));
        assert!(!lossless_polars_cast(&DataType::Int32, &DataType::Utf8));
    }
}
