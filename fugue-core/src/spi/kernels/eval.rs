//! Columnar evaluation of the core's typed expressions
//! ([`crate::spi::typed::TypedExpr`]) over a [`RecordBatch`]
//! (ENG-EXPR-SEM-1..5). All typing and validation is done by
//! [`crate::spi::typed::resolve`]; this module only computes each node with
//! Arrow kernels (`numeric`, `cmp`, the Kleene boolean kernels, `nullif`,
//! `zip`), casts with the DF-CAST rules of [`cast_array`]. Literals are
//! evaluated once as one-element *scalar* arrays (Arrow's `Scalar` datum)
//! and only broadcast to the batch length when a kernel needs full arrays
//! or at the very end.

use crate::expr::{BinaryOp, UnaryOp};
use crate::spi::typed::{TypedExpr, TypedKind};
use crate::value::cast_array;
use crate::{Error, Result, Value};
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
}

/// Evaluates the typed expression `expr` over `batch` (the batch of the
/// schema `expr` was resolved against) to an array of `batch.num_rows()`
/// values of type `expr.data_type()`. Semantics: SQL three-valued logic
/// (ENG-EXPR-SEM-1), `/` is floating division with null for a zero divisor
/// (ENG-EXPR-SEM-3).
///
/// # Errors
/// * `ERR-NOT-FOUND` for a column missing from `batch`;
/// * `ERR-CAST` when a cast fails or integer arithmetic overflows;
/// * `ERR-INTERNAL` when a node does not produce its planned type.
pub(crate) fn evaluate(expr: &TypedExpr, batch: &RecordBatch) -> Result<ArrayRef> {
    let out = Evaluator { batch }.eval(expr)?;
    if out.array.data_type() != expr.data_type() {
        return Err(Error::internal(format!(
            "expression evaluated to `{}` instead of `{}`",
            out.array.data_type(),
            expr.data_type()
        )));
    }
    broadcast(&out.array, batch.num_rows())
}

/// Evaluates a typed condition (ENG-EXPR-SEM-2, a bool expression from
/// [`crate::spi::typed::resolve_predicate`]): a boolean array of
/// `batch.num_rows()` values where null means "not true".
///
/// # Errors
/// As [`evaluate`]; `ERR-INTERNAL` when the condition is not bool.
pub(crate) fn evaluate_predicate(expr: &TypedExpr, batch: &RecordBatch) -> Result<BooleanArray> {
    let array = evaluate(expr, batch)?;
    match array.as_boolean_opt() {
        Some(b) => Ok(b.clone()),
        None => Err(Error::internal(format!("condition of type `{}`", array.data_type()))),
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

/// A one-element array holding literal `v` of type `t` (ENG-EXPR-2,
/// ENG-EXPR-TYPE-3); a null is a null of `t`.
fn literal_array(v: &Value, t: &DataType) -> Result<ArrayRef> {
    Ok(match v {
        Value::Null => new_null_array(t, 1),
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

struct Evaluator<'a> {
    batch: &'a RecordBatch,
}

impl Evaluator<'_> {
    fn eval(&self, e: &TypedExpr) -> Result<Evaluated> {
        match e.kind() {
            TypedKind::Column { name, index } => {
                let schema = self.batch.schema();
                let idx = match schema.fields().get(*index) {
                    Some(f) if f.name() == name => *index,
                    _ => schema.index_of(name).map_err(|_| {
                        Error::not_found(
                            "column",
                            name.as_str(),
                            schema.fields().iter().map(|f| f.name().clone()),
                        )
                    })?,
                };
                Ok(Evaluated::array(self.batch.column(idx).clone()))
            }
            TypedKind::Literal(v) => {
                Ok(Evaluated { array: literal_array(v, e.data_type())?, scalar: true })
            }
            TypedKind::Cast(x) => {
                let v = self.eval(x)?;
                if v.array.data_type() == e.data_type() {
                    return Ok(v);
                }
                let array = cast_array(&v.array, e.data_type())?;
                Ok(v.with(array))
            }
            TypedKind::Unary(op, x) => {
                let v = self.eval(x)?;
                let out: ArrayRef = match op {
                    UnaryOp::IsNull => Arc::new(is_null(v.array.as_ref())?),
                    UnaryOp::NotNull => Arc::new(is_not_null(v.array.as_ref())?),
                    UnaryOp::Not => Arc::new(not(v.array.as_boolean())?),
                    UnaryOp::Neg => numeric::neg(v.array.as_ref())?,
                };
                Ok(v.with(out))
            }
            TypedKind::Binary(op, l, r) => self.binary(*op, l, r),
            TypedKind::Coalesce(args) => self.coalesce(e, args),
        }
    }

    fn binary(&self, op: BinaryOp, l: &TypedExpr, r: &TypedExpr) -> Result<Evaluated> {
        let lv = self.eval(l)?;
        let rv = self.eval(r)?;
        let scalar = lv.scalar && rv.scalar;
        let array: ArrayRef = match op {
            BinaryOp::Add => numeric::add(&lv, &rv)?,
            BinaryOp::Sub => numeric::sub(&lv, &rv)?,
            BinaryOp::Mul => numeric::mul(&lv, &rv)?,
            BinaryOp::Div => {
                // ENG-EXPR-SEM-3: a zero divisor gives null
                let zeros =
                    BooleanArray::from_unary(rv.array.as_primitive::<Float64Type>(), |v| v == 0.0);
                let rv = rv.with(nullif(rv.array.as_ref(), &zeros)?);
                numeric::div(&lv, &rv)?
            }
            BinaryOp::Eq => Arc::new(cmp::eq(&lv, &rv)?),
            BinaryOp::NotEq => Arc::new(cmp::neq(&lv, &rv)?),
            BinaryOp::Lt => Arc::new(cmp::lt(&lv, &rv)?),
            BinaryOp::LtEq => Arc::new(cmp::lt_eq(&lv, &rv)?),
            BinaryOp::Gt => Arc::new(cmp::gt(&lv, &rv)?),
            BinaryOp::GtEq => Arc::new(cmp::gt_eq(&lv, &rv)?),
            BinaryOp::And | BinaryOp::Or => {
                let len = if scalar { 1 } else { self.batch.num_rows() };
                let la = broadcast(&lv.array, len)?;
                let ra = broadcast(&rv.array, len)?;
                if op == BinaryOp::And {
                    Arc::new(and_kleene(la.as_boolean(), ra.as_boolean())?)
                } else {
                    Arc::new(or_kleene(la.as_boolean(), ra.as_boolean())?)
                }
            }
        };
        Ok(Evaluated { array, scalar })
    }

    fn coalesce(&self, e: &TypedExpr, args: &[TypedExpr]) -> Result<Evaluated> {
        let values = args.iter().map(|a| self.eval(a)).collect::<Result<Vec<_>>>()?;
        let all_scalar = values.iter().all(|v| v.scalar);
        let len = self.batch.num_rows();
        if *e.data_type() == DataType::Null {
            let n = if all_scalar { 1 } else { len };
            return Ok(Evaluated { array: new_null_array(&DataType::Null, n), scalar: all_scalar });
        }
        let mut iter = values.into_iter();
        let Some(mut acc) = iter.next() else {
            return Err(Error::internal("coalesce without arguments"));
        };
        if !all_scalar {
            acc = Evaluated::array(broadcast(&acc.array, len)?);
        }
        for next in iter {
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
    use crate::spi::typed::{resolve, resolve_predicate};
    use crate::{ColumnExpr, ErrorKind, Schema, col, lit, null};
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
        evaluate(&resolve(&e, &s)?, &b)
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
        let pred = |e: ColumnExpr| evaluate_predicate(&resolve_predicate(&e, &s)?, &b);
        let p = pred(col("a").gt(0)).unwrap();
        assert_eq!(p.iter().collect::<Vec<_>>(), vec![Some(true), None, Some(true), Some(false)]);
        let err = pred(col("a")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        let p = pred(null()).unwrap();
        assert_eq!(p.null_count(), 4);
    }
}
