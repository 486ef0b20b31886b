//! Column expressions compiled to Polars [`Expr`]s, and select / filter /
//! assign / aggregate over them (ENG-EXPR-*, ENG-SEL-1..8, ENG-FILTER-1,
//! ENG-ASSIGN-1..3, ENG-AGG-1..3).
//!
//! The compiler follows the native engine's evaluator node by node, so the
//! types and errors agree on every engine:
//!
//! - every node is made exactly its inferred type
//!   ([`ColumnExpr::infer_type`], ENG-EXPR-TYPE) or its cast type;
//! - type errors (`+` on strings, comparing `str` with `int`, `NOT` of a
//!   number, ...) are `ERR-ARG` when the plan is built, before any row is
//!   read;
//! - casts that cannot fail (null to anything, widening integers, integers
//!   and `float` to `double`) are Polars casts; every other cast runs the
//!   shared DF-CAST code ([`fugue_core::value::cast_array`]) per chunk inside
//!   the plan, through the zero-copy bridge, so `ERR-CAST` and the text
//!   forms of values are those of every engine;
//! - floating `+ - *` are Polars arithmetic; integer and decimal `+ - *` run
//!   Arrow's checked kernels per chunk (overflow is `ERR-CAST`, not a
//!   wrapped value); `/` is floating division with null for a zero divisor
//!   (ENG-EXPR-SEM-3);
//! - `AND` / `OR` are Kleene (ENG-EXPR-SEM-1), comparisons with null give null.
//!
//! Aggregations run as one Polars `group_by(keys).agg(...)` (first-appearance
//! order of keys, null keys one group) or one `select` of aggregations
//! without keys (one row, also for empty input). SQL semantics are kept:
//! `sum`/`min`/`max`/`avg` of no values is null, `count` counts non-null
//! values, `count_distinct` ignores nulls, `first`/`last` are the first /
//! last non-null values.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Scalar};
use arrow::compute::kernels::numeric;
use arrow::datatypes::DataType;
use fugue_core::expr::types::{common_numeric, int_width, is_numeric, is_temporal};
use fugue_core::expr::{
    AggFunc, BinaryOp, ExprKind, ScalarFunc, UnaryOp, aggregate_select, assign_select,
    check_columns_exist, validate_filter, validate_select,
};
use fugue_core::schema::data_type_to_expr;
use fugue_core::value::cast_array;
use fugue_core::{
    ColumnExpr, DataFrame, Error, PartitionSpec, Result, Schema, SelectColumns, Value,
};
use polars::prelude::{
    Column, DataType as PlDataType, Expr, Field as PlField, IntoColumn, NULL, PlSmallStr,
    UniqueKeepStrategy, col, lit, when,
};

use crate::bridge::{polars_type, series_arrays, series_from_arrays};
use crate::error::carry;
use crate::frame::PolarsDataFrame;

/// A compiled node: the Polars expression and the Arrow type it produces.
#[derive(Clone)]
pub(crate) struct Typed {
    pub(crate) expr: Expr,
    pub(crate) dtype: DataType,
    /// The value when the node is an uncast literal (casts of literals are
    /// computed once, when the plan is built).
    pub(crate) value: Option<Value>,
}

impl Typed {
    fn new(expr: Expr, dtype: DataType) -> Self {
        Typed { expr, dtype, value: None }
    }
}

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

/// Compiles expressions over frames with schema `schema`.
pub(crate) struct Compiler<'a> {
    pub(crate) schema: &'a Schema,
}

impl Compiler<'_> {
    fn cast_to(&self, t: Typed, to: &DataType) -> Result<Typed> {
        if &t.dtype == to {
            return Ok(t);
        }
        if let Some(v) = &t.value {
            return Ok(Typed::new(literal_as(v, &t.dtype, to)?, to.clone()));
        }
        Ok(Typed::new(fugue_cast(t.expr, &t.dtype, to)?, to.clone()))
    }

    /// Compiles a non-aggregate expression and makes it its inferred (or
    /// cast) type.
    pub(crate) fn compile(&self, e: &ColumnExpr) -> Result<Typed> {
        let raw = self.compile_body(e)?;
        match e.infer_type(self.schema) {
            Some(t) => self.cast_to(raw, &t),
            None => match e.cast_type() {
                Some(t) => self.cast_to(raw, t),
                None => Ok(raw),
            },
        }
    }

    /// Compiles a condition (ENG-EXPR-SEM-2): a boolean expression where
    /// null means "not true".
    pub(crate) fn predicate(&self, e: &ColumnExpr) -> Result<Expr> {
        let t = self.compile(e)?;
        match t.dtype {
            DataType::Boolean => Ok(t.expr),
            DataType::Null => Ok(lit(false)),
            other => Err(Error::arg(
                "condition",
                format!("`{e}` must be a bool expression, found `{}`", data_type_to_expr(&other)),
            )),
        }
    }

    fn compile_body(&self, e: &ColumnExpr) -> Result<Typed> {
        match e.kind() {
            ExprKind::Column(name) => {
                let dtype = self.schema.data_type(name).cloned().ok_or_else(|| {
                    Error::not_found("column", name.as_str(), self.schema.names())
                })?;
                Ok(Typed::new(col(PlSmallStr::from_str(name)), dtype))
            }
            ExprKind::Literal(v) => literal(v),
            ExprKind::Wildcard => Err(Error::arg(
                "expression",
                "`*` can only be a whole select item or the argument of count",
            )),
            ExprKind::Agg(..) => Err(Error::arg(
                "expression",
                format!("aggregation `{e}` can't be evaluated row by row"),
            )),
            ExprKind::Unary(op, x) => self.unary(*op, e, x),
            ExprKind::Binary(op, l, r) => {
                if op.is_arithmetic() {
                    self.arithmetic(*op, e, l, r)
                } else if op.is_comparison() {
                    self.comparison(*op, e, l, r)
                } else {
                    self.logical(*op, e, l, r)
                }
            }
            ExprKind::Function(ScalarFunc::Coalesce, args) => self.coalesce(e, args),
        }
    }

    fn unary(&self, op: UnaryOp, e: &ColumnExpr, x: &ColumnExpr) -> Result<Typed> {
        let v = self.compile(x)?;
        let t = v.dtype.clone();
        match op {
            UnaryOp::IsNull => Ok(Typed::new(v.expr.is_null(), DataType::Boolean)),
            UnaryOp::NotNull => Ok(Typed::new(v.expr.is_not_null(), DataType::Boolean)),
            UnaryOp::Not => match t {
                DataType::Boolean => Ok(Typed::new(v.expr.not(), DataType::Boolean)),
                DataType::Null => {
                    Ok(Typed::new(typed_null(&DataType::Boolean)?, DataType::Boolean))
                }
                other => Err(Error::arg(
                    "expression",
                    format!("NOT needs a bool operand, `{e}` has `{}`", data_type_to_expr(&other)),
                )),
            },
            UnaryOp::Neg => {
                if t == DataType::Null {
                    return Ok(v);
                }
                if !is_numeric(&t) {
                    return Err(Error::arg(
                        "expression",
                        format!("negation needs a number, `{e}` has `{}`", data_type_to_expr(&t)),
                    ));
                }
                let v =
                    if t.is_unsigned_integer() { self.cast_to(v, &DataType::Int64)? } else { v };
                if v.dtype.is_floating() {
                    return Ok(Typed::new(-v.expr, v.dtype));
                }
                let dtype = v.dtype.clone();
                let zero = self.cast_to(literal(&Value::Int64(0))?, &dtype)?;
                Ok(checked_arith(BinaryOp::Sub, zero.expr, v.expr, &dtype)?)
            }
        }
    }

    fn arithmetic(
        &self,
        op: BinaryOp,
        e: &ColumnExpr,
        l: &ColumnExpr,
        r: &ColumnExpr,
    ) -> Result<Typed> {
        let lv = self.compile(l)?;
        let rv = self.compile(r)?;
        let (lt, rt) = (lv.dtype.clone(), rv.dtype.clone());
        let string = |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8);
        if string(&lt) || string(&rt) {
            return Err(Error::arg(
                "expression",
                format!("`{}` is not defined for strings: `{e}`", op.sql()),
            ));
        }
        let ok = |t: &DataType| is_numeric(t) || *t == DataType::Null;
        if !ok(&lt) || !ok(&rt) {
            return Err(Error::arg(
                "expression",
                format!(
                    "`{}` needs numbers, `{e}` has `{}` and `{}`",
                    op.sql(),
                    data_type_to_expr(&lt),
                    data_type_to_expr(&rt)
                ),
            ));
        }
        let target = if op == BinaryOp::Div {
            DataType::Float64
        } else {
            match e.body().infer_type(self.schema) {
                Some(t) => t,
                None if lt == DataType::Null => rt.clone(),
                None if rt == DataType::Null => lt.clone(),
                None => common_numeric(&lt, &rt),
            }
        };
        if lt == DataType::Null || rt == DataType::Null {
            return Ok(Typed::new(typed_null(&target)?, target));
        }
        let lv = self.cast_to(lv, &target)?;
        let rv = self.cast_to(rv, &target)?;
        if op == BinaryOp::Div {
            // ENG-EXPR-SEM-3: a zero divisor gives null
            let expr = when(rv.expr.clone().eq(lit(0.0f64)))
                .then(typed_null(&DataType::Float64)?)
                .otherwise(lv.expr / rv.expr);
            return Ok(Typed::new(expr, DataType::Float64));
        }
        if target.is_floating() {
            let expr = match op {
                BinaryOp::Add => lv.expr + rv.expr,
                BinaryOp::Sub => lv.expr - rv.expr,
                _ => lv.expr * rv.expr,
            };
            return Ok(Typed::new(expr, target));
        }
        checked_arith(op, lv.expr, rv.expr, &target)
    }

    fn comparison(
        &self,
        op: BinaryOp,
        e: &ColumnExpr,
        l: &ColumnExpr,
        r: &ColumnExpr,
    ) -> Result<Typed> {
        let lv = self.compile(l)?;
        let rv = self.compile(r)?;
        let (lt, rt) = (lv.dtype.clone(), rv.dtype.clone());
        if lt == DataType::Null || rt == DataType::Null {
            return Ok(Typed::new(typed_null(&DataType::Boolean)?, DataType::Boolean));
        }
        let (lv, rv) = if lt == rt {
            (lv, rv)
        } else if is_numeric(&lt) && is_numeric(&rt) {
            let target = ColumnExpr::binary(BinaryOp::Add, l.clone(), r.clone())
                .infer_type(self.schema)
                .unwrap_or_else(|| common_numeric(&lt, &rt));
            (self.cast_to(lv, &target)?, self.cast_to(rv, &target)?)
        } else if is_temporal(&lt) && is_temporal(&rt) {
            (lv, self.cast_to(rv, &lt)?)
        } else {
            return Err(Error::arg(
                "expression",
                format!(
                    "cannot compare `{}` with `{}` in `{e}`",
                    data_type_to_expr(&lt),
                    data_type_to_expr(&rt)
                ),
            ));
        };
        let (a, b) = (lv.expr, rv.expr);
        let expr = match op {
            BinaryOp::Eq => a.eq(b),
            BinaryOp::NotEq => a.neq(b),
            BinaryOp::Lt => a.lt(b),
            BinaryOp::LtEq => a.lt_eq(b),
            BinaryOp::Gt => a.gt(b),
            _ => a.gt_eq(b),
        };
        Ok(Typed::new(expr, DataType::Boolean))
    }

    fn logical(
        &self,
        op: BinaryOp,
        e: &ColumnExpr,
        l: &ColumnExpr,
        r: &ColumnExpr,
    ) -> Result<Typed> {
        let boolean = |v: Typed| -> Result<Expr> {
            match v.dtype {
                DataType::Boolean => Ok(v.expr),
                DataType::Null => typed_null(&DataType::Boolean),
                other => Err(Error::arg(
                    "expression",
                    format!(
                        "`{}` needs bool operands, `{e}` has `{}`",
                        op.sql(),
                        data_type_to_expr(&other)
                    ),
                )),
            }
        };
        let la = boolean(self.compile(l)?)?;
        let ra = boolean(self.compile(r)?)?;
        // Polars' `and` / `or` on booleans are Kleene (ENG-EXPR-SEM-1)
        let expr = if op == BinaryOp::And { la.and(ra) } else { la.or(ra) };
        Ok(Typed::new(expr, DataType::Boolean))
    }

    fn coalesce(&self, e: &ColumnExpr, args: &[ColumnExpr]) -> Result<Typed> {
        let values = args.iter().map(|a| self.compile(a)).collect::<Result<Vec<_>>>()?;
        let typed: Vec<&DataType> =
            values.iter().map(|v| &v.dtype).filter(|t| **t != DataType::Null).collect();
        let target = match e.body().infer_type(self.schema) {
            Some(t) => t,
            None => match typed.split_first() {
                None => DataType::Null,
                Some((first, rest)) if rest.iter().all(|t| t == first) => (*first).clone(),
                Some((first, rest)) if is_numeric(first) && rest.iter().all(|t| is_numeric(t)) => {
                    rest.iter().fold((*first).clone(), |acc, t| common_numeric(&acc, t))
                }
                Some(_) => {
                    return Err(Error::arg(
                        "coalesce",
                        format!("arguments of `{e}` have incompatible types"),
                    ));
                }
            },
        };
        if values.is_empty() {
            return Err(Error::arg("coalesce", "needs at least one argument"));
        }
        let exprs = values
            .into_iter()
            .map(|v| Ok(self.cast_to(v, &target)?.expr))
            .collect::<Result<Vec<_>>>()?;
        Ok(Typed::new(polars::prelude::coalesce(&exprs), target))
    }
}

/// A literal (ENG-EXPR-2, ENG-EXPR-TYPE-3), typed (not one of Polars'
/// dynamic literals, whose type depends on the other operand).
fn literal(v: &Value) -> Result<Typed> {
    let (expr, dtype) = match v {
        Value::Null => (lit(NULL), DataType::Null),
        Value::Bool(b) => (lit(*b), DataType::Boolean),
        Value::Int64(i) => (typed_lit(polars::prelude::Scalar::from(*i)), DataType::Int64),
        Value::UInt64(u) => (typed_lit(polars::prelude::Scalar::from(*u)), DataType::UInt64),
        Value::Float64(f) => (typed_lit(polars::prelude::Scalar::from(*f)), DataType::Float64),
        Value::Str(s) => (lit(s.as_str()), DataType::Utf8),
        other => {
            return Err(Error::not_supported(format!(
                "literal `{other:?}`: a literal must be null, bool, integer, float or string"
            )));
        }
    };
    Ok(Typed { expr, dtype, value: Some(v.clone()) })
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
        let batch = fugue_core::value::rows_to_batch(&schema, &[vec![v.clone()]])?;
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
fn checked_arith(op: BinaryOp, l: Expr, r: Expr, target: &DataType) -> Result<Typed> {
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
    Ok(Typed::new(expr, target.clone()))
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

// ---------------------------------------------------------------------------
// select / filter / assign / aggregate
// ---------------------------------------------------------------------------

fn key_name(j: usize) -> String {
    format!("__fugue_key_{j}")
}

fn agg_name(i: usize) -> String {
    format!("__fugue_agg_{i}")
}

fn output_name(item: &ColumnExpr) -> Result<String> {
    item.output_name().map(str::to_string).ok_or_else(|| {
        Error::arg("select", format!("`{item}` has no output name, give it an alias"))
    })
}

fn schema_of(columns: Vec<(String, DataType)>) -> Result<Schema> {
    let fields: Vec<arrow::datatypes::Field> =
        columns.into_iter().map(|(n, t)| arrow::datatypes::Field::new(n, t, true)).collect();
    Schema::from_fields(fields)
}

/// `SELECT cols [WHERE where_] [GROUP BY inferred keys] [HAVING having]`
/// (ENG-SEL-1..8), as the native engine defines it (see its docs). Row
/// order is unspecified (ENG-GEN-8): groups come in Polars' hash order
/// (`group_by`, not the slower order-keeping `group_by_stable`) and
/// `distinct` keeps any one of equal output rows.
///
/// # Errors
/// As the native engine: `ERR-ARG` per [`validate_select`] and for type
/// errors, `ERR-NOT-FOUND` for missing columns, `ERR-CAST` when a cast
/// fails (when the plan runs).
pub(crate) fn select(
    df: &PolarsDataFrame,
    cols: &SelectColumns,
    where_: Option<&ColumnExpr>,
    having: Option<&ColumnExpr>,
) -> Result<PolarsDataFrame> {
    validate_select(cols, where_, having)?;
    let schema = df.schema();
    let cols = cols.replace_wildcard(schema)?;
    cols.check_columns_exist(schema)?;
    for cond in where_.iter().chain(having.iter()) {
        check_columns_exist(cond, schema)?;
    }
    let compiler = Compiler { schema };
    let mut lazy = df.native();
    if let Some(w) = where_ {
        lazy = lazy.filter(compiler.predicate(w)?);
    }
    if cols.has_agg() {
        return aggregate_select_plan(df, lazy, schema, &cols, having);
    }
    let mut exprs = Vec::with_capacity(cols.items().len());
    let mut out = Vec::with_capacity(cols.items().len());
    for item in cols.items() {
        let t = compiler.compile(item)?;
        let name = output_name(item)?;
        exprs.push(t.expr.alias(PlSmallStr::from_str(&name)));
        out.push((name, t.dtype));
    }
    let mut lazy = lazy.select(exprs);
    if cols.is_distinct() {
        lazy = lazy.unique(None, UniqueKeepStrategy::Any);
    }
    df.derive(lazy, schema_of(out)?)
}

/// Rewrites the items of an aggregating select over the aggregated frame:
/// group keys → `__fugue_key_j`, aggregations → `__fugue_agg_i` (the native
/// engine's rewriter).
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

/// The Polars aggregation of `agg` (an `ExprKind::Agg` body) and its type,
/// plus, for integer sums, a floating "shadow" sum used to detect overflow
/// (see [`checked_sum`]).
fn compile_agg(compiler: &Compiler<'_>, agg: &ColumnExpr) -> Result<(Typed, Option<Expr>)> {
    let mut shadow = None;
    let ExprKind::Agg(func, arg) = agg.kind() else {
        return Err(Error::internal(format!("`{agg}` is not an aggregation")));
    };
    let schema = compiler.schema;
    let raw = if arg.is_wildcard() {
        match func {
            AggFunc::Count => {
                Typed::new(polars::prelude::len().cast(PlDataType::Int64), DataType::Int64)
            }
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
                Typed::new(expr, DataType::Int64)
            }
            _ => {
                return Err(Error::arg(
                    "select",
                    format!("`*` is only allowed in count / count_distinct: `{agg}`"),
                ));
            }
        }
    } else {
        let v = compiler.compile(arg)?;
        let t = v.dtype.clone();
        let e = v.expr;
        let not_numeric =
            |f: &str| Error::arg(f, format!("needs numbers, found `{}`", data_type_to_expr(&t)));
        match func {
            AggFunc::Count => Typed::new(e.count().cast(PlDataType::Int64), DataType::Int64),
            AggFunc::CountDistinct => {
                Typed::new(e.drop_nulls().n_unique().cast(PlDataType::Int64), DataType::Int64)
            }
            AggFunc::Min => Typed::new(e.min(), t.clone()),
            // floats in total order, NaN largest (the native engine's order);
            // Polars' plain `max` skips NaN
            AggFunc::Max if t.is_floating() => Typed::new(e.nan_max(), t.clone()),
            AggFunc::Max => Typed::new(e.max(), t.clone()),
            AggFunc::First => Typed::new(e.drop_nulls().first(), t.clone()),
            AggFunc::Last => Typed::new(e.drop_nulls().last(), t.clone()),
            AggFunc::Sum => {
                let target = if t.is_signed_integer() {
                    DataType::Int64
                } else if t.is_unsigned_integer() {
                    DataType::UInt64
                } else if t.is_floating() {
                    DataType::Float64
                } else if let DataType::Decimal128(_, s) = t {
                    DataType::Decimal128(38, s)
                } else if t == DataType::Null {
                    return Ok((Typed::new(lit(NULL).first(), DataType::Null), None));
                } else {
                    return Err(not_numeric("sum"));
                };
                let v = compiler.cast_to(Typed::new(e, t.clone()), &target)?;
                if target.is_integer() {
                    shadow = Some(v.expr.clone().cast(PlDataType::Float64).sum());
                }
                let sum = v.expr.clone().sum();
                let sum = if matches!(target, DataType::Decimal128(..)) {
                    sum.cast(polars_type(&target)?)
                } else {
                    sum
                };
                let expr =
                    when(v.expr.count().eq(lit(0u32))).then(typed_null(&target)?).otherwise(sum);
                Typed::new(expr, target)
            }
            AggFunc::Avg => {
                if !(t.is_integer()
                    || t.is_floating()
                    || matches!(t, DataType::Decimal128(..) | DataType::Null))
                {
                    return Err(not_numeric("avg"));
                }
                Typed::new(e.cast(PlDataType::Float64).mean(), DataType::Float64)
            }
        }
    };
    let typed = match agg.infer_type(schema) {
        Some(t) if t != raw.dtype => compiler.cast_to(raw, &t)?,
        _ => raw,
    };
    Ok((typed, shadow))
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

/// The aggregating select: keys and aggregations in one Polars
/// `group_by().agg()` (or a `select` without keys), `having` over the
/// aggregated frame, then the rewritten items.
fn aggregate_select_plan(
    df: &PolarsDataFrame,
    lazy: polars::prelude::LazyFrame,
    schema: &Schema,
    cols: &SelectColumns,
    having: Option<&ColumnExpr>,
) -> Result<PolarsDataFrame> {
    let compiler = Compiler { schema };
    let keys = cols.group_keys();
    let mut rewriter = Rewriter { keys: &keys, aggs: Vec::new() };
    let items = cols.items().iter().map(|i| rewriter.rewrite(i)).collect::<Result<Vec<_>>>()?;
    let having = having.map(|h| rewriter.rewrite(h)).transpose()?;

    let mut agg_columns = Vec::new();
    let mut key_exprs = Vec::with_capacity(keys.len());
    for (j, k) in keys.iter().enumerate() {
        let t = compiler.compile(k)?;
        key_exprs.push(t.expr.alias(PlSmallStr::from_str(&key_name(j))));
        agg_columns.push((key_name(j), t.dtype));
    }
    let mut agg_exprs = Vec::with_capacity(rewriter.aggs.len());
    let mut checks = Vec::new();
    for (i, agg) in rewriter.aggs.iter().enumerate() {
        let (t, shadow) = compile_agg(&compiler, agg)?;
        let name = PlSmallStr::from_str(&agg_name(i));
        agg_exprs.push(t.expr.alias(name.clone()));
        if let Some(shadow) = shadow {
            let shadow_name = PlSmallStr::from_str(&format!("__fugue_aggf_{i}"));
            agg_exprs.push(shadow.alias(shadow_name.clone()));
            checks.push(checked_sum(col(name.clone()), col(shadow_name), &t.dtype).alias(name));
        }
        agg_columns.push((agg_name(i), t.dtype));
    }
    let mut lazy = if key_exprs.is_empty() {
        lazy.select(agg_exprs)
    } else {
        lazy.group_by(key_exprs).agg(agg_exprs)
    };
    if !checks.is_empty() {
        lazy = lazy.with_columns(checks);
    }
    let agg_schema =
        Schema::from_fields_unchecked_types(schema_of(agg_columns)?.fields().iter().cloned())?;
    let post = Compiler { schema: &agg_schema };
    if let Some(h) = having {
        lazy = lazy.filter(post.predicate(&h)?);
    }
    let mut exprs = Vec::with_capacity(items.len());
    let mut out = Vec::with_capacity(items.len());
    for (item, original) in items.iter().zip(cols.items()) {
        let mut t = post.compile(item)?;
        if let Some(want) = original.infer_type(schema) {
            t = post.cast_to(t, &want)?;
        }
        let name = output_name(original)?;
        exprs.push(t.expr.alias(PlSmallStr::from_str(&name)));
        out.push((name, t.dtype));
    }
    let mut lazy = lazy.select(exprs);
    if cols.is_distinct() {
        lazy = lazy.unique(None, UniqueKeepStrategy::Any);
    }
    df.derive(lazy, schema_of(out)?)
}

/// Keeps the rows where `condition` is true (ENG-FILTER-1); the condition
/// is type-checked when the plan is built, also for empty frames.
///
/// # Errors
/// `ERR-ARG` per [`validate_filter`] or for a non-boolean condition;
/// `ERR-NOT-FOUND` for a missing column.
pub(crate) fn filter(df: &PolarsDataFrame, condition: &ColumnExpr) -> Result<PolarsDataFrame> {
    validate_filter(condition)?;
    let schema = df.schema();
    check_columns_exist(condition, schema)?;
    let p = Compiler { schema }.predicate(condition)?;
    df.derive(df.native().filter(p), schema.clone())
}

/// Replaces or appends columns (ENG-ASSIGN-1..3).
///
/// # Errors
/// As [`fugue_core::expr::validate_assign`], plus compile errors.
pub(crate) fn assign(df: &PolarsDataFrame, columns: &[ColumnExpr]) -> Result<PolarsDataFrame> {
    let cols = assign_select(columns, df.schema())?;
    if columns.is_empty() {
        return Ok(df.clone());
    }
    select(df, &cols, None, None)
}

/// Aggregates by the spec's keys (ENG-AGG-1..3).
///
/// # Errors
/// As [`fugue_core::expr::validate_aggregate`], plus compile errors.
pub(crate) fn aggregate(
    df: &PolarsDataFrame,
    spec: &PartitionSpec,
    aggs: &[ColumnExpr],
) -> Result<PolarsDataFrame> {
    let cols = aggregate_select(spec.partition_by(), aggs)?;
    select(df, &cols, None, None)
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
        Compiler { schema: &s }.compile(&e).err().map(|e| e.kind())
    }

    fn dtype(e: ColumnExpr) -> DataType {
        let s = schema();
        Compiler { schema: &s }.compile(&e).expect("compiles").dtype
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
    fn eng_expr_type_nodes_get_their_inferred_types() {
        assert_eq!(dtype(col("a") + 1), DataType::Int32, "a literal adopts the column type");
        assert_eq!(dtype(col("a") / 2), DataType::Float64);
        assert_eq!(dtype(col("a") * col("d")), DataType::Float64);
        assert_eq!(dtype(lit(1)), DataType::Int64);
        assert_eq!(dtype(col("a").cast(DataType::Utf8)), DataType::Utf8);
        assert_eq!(dtype(col("a").is_null()), DataType::Boolean);
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
