//! Columnar evaluation of non-aggregate [`ColumnExpr`]s over a
//! [`RecordBatch`] (ENG-EXPR-SEM-1..5, ENG-EXPR-TYPE-1..8).
//!
//! Every node is computed with Arrow kernels (`numeric`, `cmp`, the Kleene
//! boolean kernels, `nullif`, `zip`) and then made exactly its inferred type
//! ([`ColumnExpr::infer_type`]) when one exists, so `col(a:int) + 1` stays
//! `int` and a cast node has its cast type. Literals are evaluated once as
//! one-element *scalar* arrays (Arrow's `Scalar` datum) and only broadcast to
//! the batch length when a kernel needs full arrays or at the very end.
//!
//! Coercions when inference gives no type: two numbers of different kinds
//! meet as `double` (a signed and a narrower unsigned integer as `long`);
//! temporal values of different types meet in the left operand's type;
//! any other mix (e.g. `str` vs `int`) is `ERR-ARG`.

use crate::expr::types::{common_numeric, is_numeric, is_temporal};
use crate::expr::{BinaryOp, ExprKind, ScalarFunc, UnaryOp};
use crate::schema::data_type_to_expr;
use crate::value::cast_array;
use crate::{ColumnExpr, Error, Result, Schema, Value};
use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Datum, Float64Array, Int64Array, StringArray,
    UInt64Array, new_empty_array, new_null_array,
};
use arrow::compute::kernels::{cmp, numeric, zip::zip};
use arrow::compute::{and_kleene, is_not_null, is_null, not, nullif, or_kleene, take};
use arrow::datatypes::{DataType, Float64Type};
use arrow::record_batch::RecordBatch;
use std::sync::Arc;

/// An evaluated node: an array of the batch length, or (`scalar`) a
/// one-element array standing for the same value on every row.
struct Evaluated {
    array: ArrayRef,
    scalar: bool,
}

impl Datum for Evaluated {
    fn get(&self) -> (&dyn Array, bool) {
        (self.array.as_ref(), self.scalar)
    }
}

impl Evaluated {
    fn array(array: ArrayRef) -> Self {
        Evaluated { array, scalar: false }
    }

    fn with(&self, array: ArrayRef) -> Self {
        Evaluated { array, scalar: self.scalar }
    }

    fn data_type(&self) -> &DataType {
        self.array.data_type()
    }
}

/// Evaluates the non-aggregate expression `expr` over `batch` (whose Fugue
/// schema is `schema`) to an array of `batch.num_rows()` values.
///
/// The result has type `expr.infer_type(schema)` when that is `Some`
/// (ENG-EXPR-TYPE); a cast node uses the DF-CAST rules of
/// [`cast_array`]. Semantics: SQL three-valued logic (ENG-EXPR-SEM-1), `/`
/// is floating division with null for a zero divisor (ENG-EXPR-SEM-3).
///
/// # Errors
/// * `ERR-NOT-FOUND` for a column missing from `batch`;
/// * `ERR-ARG` for `*` or an aggregation inside `expr`, arithmetic on
///   strings (ENG-EXPR-SEM-5) or other non-numbers, comparisons of
///   incomparable types, `NOT` / `AND` / `OR` of non-booleans, `coalesce`
///   of incompatible types;
/// * `ERR-CAST` when a cast fails or integer arithmetic overflows.
pub(crate) fn evaluate(
    expr: &ColumnExpr,
    batch: &RecordBatch,
    schema: &Schema,
) -> Result<ArrayRef> {
    let ev = Evaluator { batch, schema };
    let out = ev.eval(expr)?;
    broadcast(&out.array, batch.num_rows())
}

/// Evaluates a condition (ENG-EXPR-SEM-2): a boolean array of
/// `batch.num_rows()` values where null means "not true". A null-typed
/// condition (`lit(null)`) is all null.
///
/// # Errors
/// As [`evaluate`]; `ERR-ARG` when the condition is not boolean.
pub(crate) fn evaluate_predicate(
    expr: &ColumnExpr,
    batch: &RecordBatch,
    schema: &Schema,
) -> Result<BooleanArray> {
    let array = evaluate(expr, batch, schema)?;
    match array.data_type() {
        DataType::Boolean => Ok(array.as_boolean().clone()),
        DataType::Null => Ok(BooleanArray::new_null(array.len())),
        other => Err(Error::arg(
            "condition",
            format!("`{expr}` must be a bool expression, found `{}`", data_type_to_expr(other)),
        )),
    }
}

/// `array` repeated to `len` rows when it is a one-element scalar array;
/// unchanged when it already has `len` rows.
pub(crate) fn broadcast(array: &ArrayRef, len: usize) -> Result<ArrayRef> {
    if array.len() == len {
        return Ok(array.clone());
    }
    if len == 0 {
        return Ok(new_empty_array(array.data_type()));
    }
    if array.len() != 1 {
        return Err(Error::internal(format!(
            "cannot broadcast an array of {} values to {len} rows",
            array.len()
        )));
    }
    let indices = UInt64Array::from_value(0, len);
    Ok(take(array.as_ref(), &indices, None)?)
}

/// A one-element array holding literal `v` (ENG-EXPR-2, ENG-EXPR-TYPE-3).
fn literal_array(v: &Value) -> Result<ArrayRef> {
    Ok(match v {
        Value::Null => new_null_array(&DataType::Null, 1),
        Value::Bool(b) => Arc::new(BooleanArray::from(vec![*b])),
        Value::Int64(i) => Arc::new(Int64Array::from(vec![*i])),
        Value::UInt64(u) => Arc::new(UInt64Array::from(vec![*u])),
        Value::Float64(f) => Arc::new(Float64Array::from(vec![*f])),
        Value::Str(s) => Arc::new(StringArray::from(vec![s.as_str()])),
        other => {
            return Err(Error::not_supported(format!(
                "literal `{other:?}`: a literal must be null, bool, integer, float or string"
            )));
        }
    })
}

/// `ev` cast to `to` (same scalar-ness).
fn cast_to(ev: Evaluated, to: &DataType) -> Result<Evaluated> {
    if ev.data_type() == to {
        return Ok(ev);
    }
    let array = cast_array(&ev.array, to)?;
    Ok(ev.with(array))
}

struct Evaluator<'a> {
    batch: &'a RecordBatch,
    schema: &'a Schema,
}

impl Evaluator<'_> {
    /// The length of a result combining `l` and `r`.
    fn len_of(&self, scalar: bool) -> usize {
        if scalar { 1 } else { self.batch.num_rows() }
    }

    /// Evaluates a node and makes it its inferred (or cast) type.
    fn eval(&self, e: &ColumnExpr) -> Result<Evaluated> {
        let raw = self.eval_body(e)?;
        match e.infer_type(self.schema) {
            Some(t) => cast_to(raw, &t),
            None => match e.cast_type() {
                Some(t) => cast_to(raw, t),
                None => Ok(raw),
            },
        }
    }

    fn eval_body(&self, e: &ColumnExpr) -> Result<Evaluated> {
        match e.kind() {
            ExprKind::Column(name) => {
                let idx = self.batch.schema().index_of(name).map_err(|_| {
                    Error::not_found(
                        "column",
                        name.as_str(),
                        self.batch.schema().fields().iter().map(|f| f.name().clone()),
                    )
                })?;
                Ok(Evaluated::array(self.batch.column(idx).clone()))
            }
            ExprKind::Literal(v) => Ok(Evaluated { array: literal_array(v)?, scalar: true }),
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

    fn unary(&self, op: UnaryOp, e: &ColumnExpr, x: &ColumnExpr) -> Result<Evaluated> {
        let v = self.eval(x)?;
        let t = v.data_type().clone();
        match op {
            UnaryOp::IsNull => Ok(v.with(Arc::new(is_null(v.array.as_ref())?))),
            UnaryOp::NotNull => Ok(v.with(Arc::new(is_not_null(v.array.as_ref())?))),
            UnaryOp::Not => match t {
                DataType::Boolean => Ok(v.with(Arc::new(not(v.array.as_boolean())?))),
                DataType::Null => Ok(v.with(Arc::new(BooleanArray::new_null(v.array.len())))),
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
                let v = if t.is_unsigned_integer() { cast_to(v, &DataType::Int64)? } else { v };
                let out = numeric::neg(v.array.as_ref())?;
                Ok(v.with(out))
            }
        }
    }

    fn arithmetic(
        &self,
        op: BinaryOp,
        e: &ColumnExpr,
        l: &ColumnExpr,
        r: &ColumnExpr,
    ) -> Result<Evaluated> {
        let lv = self.eval(l)?;
        let rv = self.eval(r)?;
        let (lt, rt) = (lv.data_type().clone(), rv.data_type().clone());
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
        let scalar = lv.scalar && rv.scalar;
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
            return Ok(Evaluated { array: new_null_array(&target, self.len_of(scalar)), scalar });
        }
        let lv = cast_to(lv, &target)?;
        let rv = cast_to(rv, &target)?;
        let out = match op {
            BinaryOp::Add => numeric::add(&lv, &rv)?,
            BinaryOp::Sub => numeric::sub(&lv, &rv)?,
            BinaryOp::Mul => numeric::mul(&lv, &rv)?,
            _ => {
                // ENG-EXPR-SEM-3: a zero divisor gives null
                let zeros =
                    BooleanArray::from_unary(rv.array.as_primitive::<Float64Type>(), |v| v == 0.0);
                let rv = rv.with(nullif(rv.array.as_ref(), &zeros)?);
                numeric::div(&lv, &rv)?
            }
        };
        Ok(Evaluated { array: out, scalar })
    }

    fn comparison(
        &self,
        op: BinaryOp,
        e: &ColumnExpr,
        l: &ColumnExpr,
        r: &ColumnExpr,
    ) -> Result<Evaluated> {
        let lv = self.eval(l)?;
        let rv = self.eval(r)?;
        let scalar = lv.scalar && rv.scalar;
        let (lt, rt) = (lv.data_type().clone(), rv.data_type().clone());
        if lt == DataType::Null || rt == DataType::Null {
            return Ok(Evaluated {
                array: Arc::new(BooleanArray::new_null(self.len_of(scalar))),
                scalar,
            });
        }
        let (lv, rv) = if lt == rt {
            (lv, rv)
        } else if is_numeric(&lt) && is_numeric(&rt) {
            let target = ColumnExpr::binary(BinaryOp::Add, l.clone(), r.clone())
                .infer_type(self.schema)
                .unwrap_or_else(|| common_numeric(&lt, &rt));
            (cast_to(lv, &target)?, cast_to(rv, &target)?)
        } else if is_temporal(&lt) && is_temporal(&rt) {
            (lv, cast_to(rv, &lt)?)
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
        let out = match op {
            BinaryOp::Eq => cmp::eq(&lv, &rv)?,
            BinaryOp::NotEq => cmp::neq(&lv, &rv)?,
            BinaryOp::Lt => cmp::lt(&lv, &rv)?,
            BinaryOp::LtEq => cmp::lt_eq(&lv, &rv)?,
            BinaryOp::Gt => cmp::gt(&lv, &rv)?,
            _ => cmp::gt_eq(&lv, &rv)?,
        };
        Ok(Evaluated { array: Arc::new(out), scalar })
    }

    fn logical(
        &self,
        op: BinaryOp,
        e: &ColumnExpr,
        l: &ColumnExpr,
        r: &ColumnExpr,
    ) -> Result<Evaluated> {
        let lv = self.eval(l)?;
        let rv = self.eval(r)?;
        let scalar = lv.scalar && rv.scalar;
        let len = self.len_of(scalar);
        let boolean = |v: Evaluated| -> Result<ArrayRef> {
            match v.data_type() {
                DataType::Boolean | DataType::Null => {
                    broadcast(&cast_array(&v.array, &DataType::Boolean)?, len)
                }
                other => Err(Error::arg(
                    "expression",
                    format!(
                        "`{}` needs bool operands, `{e}` has `{}`",
                        op.sql(),
                        data_type_to_expr(other)
                    ),
                )),
            }
        };
        let la = boolean(lv)?;
        let ra = boolean(rv)?;
        let out = if op == BinaryOp::And {
            and_kleene(la.as_boolean(), ra.as_boolean())?
        } else {
            or_kleene(la.as_boolean(), ra.as_boolean())?
        };
        Ok(Evaluated { array: Arc::new(out), scalar })
    }

    fn coalesce(&self, e: &ColumnExpr, args: &[ColumnExpr]) -> Result<Evaluated> {
        let values = args.iter().map(|a| self.eval(a)).collect::<Result<Vec<_>>>()?;
        let typed: Vec<&DataType> =
            values.iter().map(Evaluated::data_type).filter(|t| **t != DataType::Null).collect();
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
        let all_scalar = values.iter().all(|v| v.scalar);
        let len = self.batch.num_rows();
        let mut iter = values.into_iter();
        let Some(first) = iter.next() else {
            return Err(Error::arg("coalesce", "needs at least one argument"));
        };
        let mut acc = cast_to(first, &target)?;
        if !all_scalar {
            acc = Evaluated::array(broadcast(&acc.array, len)?);
        }
        for next in iter {
            let next = cast_to(next, &target)?;
            let mask = is_not_null(acc.array.as_ref())?;
            let out = zip(&mask, &acc, &next)?;
            acc = Evaluated { array: out, scalar: all_scalar };
        }
        Ok(acc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::coalesce;
    use crate::{ErrorKind, col, lit, null};
    use arrow::array::Int32Array;
    use arrow::datatypes::{Field, Int32Type, Int64Type};

    fn batch() -> (RecordBatch, Schema) {
        let a: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None, Some(3), Some(0)]));
        let b: ArrayRef = Arc::new(Float64Array::from(vec![Some(2.0), Some(1.0), None, Some(0.0)]));
        let s: ArrayRef = Arc::new(StringArray::from(vec![Some("x"), Some("y"), None, Some("x")]));
        let f: ArrayRef =
            Arc::new(BooleanArray::from(vec![Some(true), None, Some(false), Some(true)]));
        let fields = vec![
            Field::new("a", DataType::Int32, true),
            Field::new("b", DataType::Float64, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("f", DataType::Boolean, true),
        ];
        let schema = Schema::from_fields(fields).unwrap();
        let batch = RecordBatch::try_new(schema.arrow().clone(), vec![a, b, s, f]).unwrap();
        (batch, schema)
    }

    fn run(e: ColumnExpr) -> Result<ArrayRef> {
        let (b, s) = batch();
        evaluate(&e, &b, &s)
    }

    fn bools(a: &ArrayRef) -> Vec<Option<bool>> {
        a.as_boolean().iter().collect()
    }

    #[test]
    fn eng_expr_type_8_int_plus_literal_stays_int() {
        let out = run(col("a") + 1).unwrap();
        assert_eq!(out.data_type(), &DataType::Int32);
        let v: Vec<_> = out.as_primitive::<Int32Type>().iter().collect();
        assert_eq!(v, vec![Some(2), None, Some(4), Some(1)]);
    }

    #[test]
    fn eng_expr_type_3_literal_int_is_long_and_broadcast() {
        let out = run(lit(7)).unwrap();
        assert_eq!(out.data_type(), &DataType::Int64);
        assert_eq!(out.len(), 4);
        assert_eq!(out.as_primitive::<Int64Type>().value(3), 7);
        let out = run(lit("z")).unwrap();
        assert_eq!(out.data_type(), &DataType::Utf8);
        assert_eq!(out.as_string::<i32>().value(2), "z");
        let out = run(null()).unwrap();
        assert_eq!(out.logical_null_count(), 4);
    }

    #[test]
    fn eng_expr_sem_1_mixed_arithmetic_and_nulls() {
        let out = run(col("a") * col("b")).unwrap();
        assert_eq!(out.data_type(), &DataType::Float64);
        let v: Vec<_> = out.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(v, vec![Some(2.0), None, None, Some(0.0)]);
        let out = run(col("a") + null()).unwrap();
        assert_eq!(out.null_count(), 4);
    }

    #[test]
    fn eng_expr_sem_3_true_division_and_zero_divisor_is_null() {
        let out = run(col("a") / 2).unwrap();
        assert_eq!(out.data_type(), &DataType::Float64);
        let v: Vec<_> = out.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(v, vec![Some(0.5), None, Some(1.5), Some(0.0)]);
        let out = run(col("a") / col("b")).unwrap();
        let v: Vec<_> = out.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(v, vec![Some(0.5), None, None, None]);
        let out = run(col("a") / 0).unwrap();
        assert_eq!(out.null_count(), 4);
    }

    #[test]
    fn eng_expr_sem_5_string_addition_is_arg_error() {
        let err = run(col("s") + "x").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        let err = run(col("f") - 1).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn eng_expr_7_comparisons_coerce_numbers() {
        assert_eq!(
            bools(&run(col("a").eq(col("b"))).unwrap()),
            vec![Some(false), None, None, Some(true)]
        );
        assert_eq!(
            bools(&run(col("a").gt(1.5)).unwrap()),
            vec![Some(false), None, Some(true), Some(false)]
        );
        assert_eq!(
            bools(&run(col("s").neq("x")).unwrap()),
            vec![Some(false), Some(true), None, Some(false)]
        );
        assert_eq!(bools(&run(lit(1).lt_eq(col("a"))).unwrap())[2], Some(true));
        let err = run(col("s").eq(col("a"))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn eng_expr_sem_1_three_valued_logic() {
        let t = col("f");
        assert_eq!(
            bools(&run(t.clone().and(false)).unwrap()),
            vec![Some(false), Some(false), Some(false), Some(false)]
        );
        assert_eq!(
            bools(&run(t.clone().or(true)).unwrap()),
            vec![Some(true), Some(true), Some(true), Some(true)]
        );
        assert_eq!(
            bools(&run(t.clone().and(null())).unwrap()),
            vec![None, None, Some(false), None]
        );
        assert_eq!(bools(&run(!t).unwrap()), vec![Some(false), None, Some(true), Some(false)]);
        let err = run(col("a").and(true)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn eng_expr_5_unary_ops() {
        let out = run(-col("a")).unwrap();
        assert_eq!(out.data_type(), &DataType::Int32);
        assert_eq!(out.as_primitive::<Int32Type>().value(2), -3);
        assert_eq!(
            bools(&run(col("a").is_null()).unwrap()),
            vec![Some(false), Some(true), Some(false), Some(false)]
        );
        assert_eq!(
            bools(&run(col("s").not_null()).unwrap()),
            vec![Some(true), Some(true), Some(false), Some(true)]
        );
        assert_eq!(run(-col("s")).unwrap_err().kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn eng_expr_13_coalesce() {
        let out = run(coalesce([col("a"), lit(9)])).unwrap();
        assert_eq!(out.data_type(), &DataType::Int32);
        let v: Vec<_> = out.as_primitive::<Int32Type>().iter().collect();
        assert_eq!(v, vec![Some(1), Some(9), Some(3), Some(0)]);
        let out = run(coalesce([col("a"), col("b")])).unwrap();
        assert_eq!(out.data_type(), &DataType::Float64);
        let v: Vec<_> = out.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(v, vec![Some(1.0), Some(1.0), Some(3.0), Some(0.0)]);
        let out = run(coalesce([null(), col("s"), lit("d")])).unwrap();
        let v: Vec<_> = out.as_string::<i32>().iter().collect();
        assert_eq!(v, vec![Some("x"), Some("y"), Some("d"), Some("x")]);
        let err = run(coalesce([col("s"), col("a")])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn eng_expr_type_1_cast_uses_df_cast_rules() {
        let out = run(col("a").cast(DataType::Utf8)).unwrap();
        let v: Vec<_> = out.as_string::<i32>().iter().collect();
        assert_eq!(v, vec![Some("1"), None, Some("3"), Some("0")]);
        let out = run((col("a") + 1).cast(DataType::Int64)).unwrap();
        assert_eq!(out.data_type(), &DataType::Int64);
        let err = run(col("s").cast(DataType::Int32)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Cast);
    }

    #[test]
    fn missing_column_is_not_found() {
        assert_eq!(run(col("zz") + 1).unwrap_err().kind(), ErrorKind::NotFound);
    }

    #[test]
    fn predicate_rejects_non_bool() {
        let (b, s) = batch();
        let p = evaluate_predicate(&col("a").gt(0), &b, &s).unwrap();
        assert_eq!(p.iter().collect::<Vec<_>>(), vec![Some(true), None, Some(true), Some(false)]);
        let err = evaluate_predicate(&col("a"), &b, &s).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        let p = evaluate_predicate(&null(), &b, &s).unwrap();
        assert_eq!(p.null_count(), 4);
    }
}
