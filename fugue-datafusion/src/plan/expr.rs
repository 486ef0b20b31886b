//! The core's typed expressions ([`fugue_core::spi::typed`]) translated to
//! DataFusion [`Expr`]s, node by node. All typing, coercion and validation
//! is done by the core (the same rules and errors on every engine); this
//! module only spells each node in DataFusion: casts follow DF-CAST through
//! [`crate::udf::cast_expr`], `/` is a `double` division with null for a
//! zero divisor (`nullif`, ENG-EXPR-SEM-3), `AND`/`OR` are SQL's Kleene
//! logic (ENG-EXPR-SEM-1). Where DataFusion's own result type of a node
//! differs from the planned one (e.g. a `Utf8View` column), the node is cast
//! to the planned type, so every expression has exactly its fugue type.

use arrow::datatypes::DataType;
use datafusion::common::{Column, DFSchema, ScalarValue};
use datafusion::functions::expr_fn::{coalesce, nullif};
use datafusion::functions_aggregate::expr_fn::{
    avg, count, count_distinct, first_value, last_value, max, min, sum,
};
use datafusion::logical_expr::{BinaryExpr, Expr, ExprSchemable, Operator, lit};
use fugue_core::expr::{AggFunc, BinaryOp, UnaryOp};
use fugue_core::spi::typed::{TypedAgg, TypedExpr, TypedKind};
use fugue_core::{Error, Result, Value};

use crate::error::DfResultExt;
use crate::udf::cast_expr;

/// A column reference by exact name (never parsed: `a.b` and `b c` are names).
pub(crate) fn ident(name: &str) -> Expr {
    Expr::Column(Column::new_unqualified(name))
}

/// The literal `v` (ENG-EXPR-2, ENG-EXPR-TYPE-3).
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for a value that is not null, bool, integer, float or string.
pub(crate) fn scalar(v: &Value) -> Result<ScalarValue> {
    Ok(match v {
        Value::Null => ScalarValue::Null,
        Value::Bool(b) => ScalarValue::Boolean(Some(*b)),
        Value::Int64(i) => ScalarValue::Int64(Some(*i)),
        Value::UInt64(u) => ScalarValue::UInt64(Some(*u)),
        Value::Float64(f) => ScalarValue::Float64(Some(*f)),
        Value::Str(s) => ScalarValue::Utf8(Some(s.clone())),
        other => {
            return Err(Error::not_supported(format!(
                "literal `{other:?}`: a literal must be null, bool, integer, float or string"
            )));
        }
    })
}

/// A typed null literal.
fn null_of(t: &DataType) -> Result<Expr> {
    Ok(lit(ScalarValue::try_new_null(t).fugue("null literal")?))
}

/// `e` (over `df_schema`) cast to `to` when DataFusion types it otherwise.
///
/// Strings are the exception: a `Utf8View` / `LargeUtf8` expression stays
/// as DataFusion holds it where fugue's type is `str` (`Utf8`). Frames
/// report the normalised type (SCH-TYPE-8) and convert where plain types
/// are needed (local frames, joins, unions, maps, saves), so a group-by or
/// a filter on view strings read from Parquet does not copy every string.
fn ensure_type(e: Expr, to: &DataType, df_schema: &DFSchema) -> Result<Expr> {
    let from = e.get_type(df_schema).fugue("expression type")?;
    if *to == DataType::Utf8 && matches!(from, DataType::Utf8View | DataType::LargeUtf8) {
        return Ok(e);
    }
    Ok(cast_expr(e, &from, to))
}

/// The typed node `t` as a DataFusion expression over a plan with schema
/// `df_schema`, of exactly type `t.data_type()`. Aliases are not applied.
///
/// # Errors
/// `ERR-EXECUTION` when DataFusion cannot type a node (a column missing
/// from `df_schema`).
pub(crate) fn compile(t: &TypedExpr, df_schema: &DFSchema) -> Result<Expr> {
    let dtype = t.data_type();
    let e = match t.kind() {
        TypedKind::Column { name, .. } => ident(name),
        TypedKind::Literal(Value::Null) => return null_of(dtype),
        TypedKind::Literal(v) => lit(scalar(v)?),
        TypedKind::Cast(x) => return Ok(cast_expr(compile(x, df_schema)?, x.data_type(), dtype)),
        TypedKind::Unary(op, x) => {
            let v = compile(x, df_schema)?;
            match op {
                UnaryOp::IsNull => v.is_null(),
                UnaryOp::NotNull => v.is_not_null(),
                UnaryOp::Not => Expr::Not(Box::new(v)),
                UnaryOp::Neg => Expr::Negative(Box::new(v)),
            }
        }
        TypedKind::Binary(op, l, r) => {
            let (lv, rv) = (compile(l, df_schema)?, compile(r, df_schema)?);
            let operator = match op {
                BinaryOp::Add => Operator::Plus,
                BinaryOp::Sub => Operator::Minus,
                BinaryOp::Mul => Operator::Multiply,
                BinaryOp::Div => Operator::Divide,
                BinaryOp::Eq => Operator::Eq,
                BinaryOp::NotEq => Operator::NotEq,
                BinaryOp::Lt => Operator::Lt,
                BinaryOp::LtEq => Operator::LtEq,
                BinaryOp::Gt => Operator::Gt,
                BinaryOp::GtEq => Operator::GtEq,
                BinaryOp::And => Operator::And,
                BinaryOp::Or => Operator::Or,
            };
            // ENG-EXPR-SEM-3: a zero divisor gives null
            let rv = if *op == BinaryOp::Div { nullif(rv, lit(0.0f64)) } else { rv };
            Expr::BinaryExpr(BinaryExpr::new(Box::new(lv), operator, Box::new(rv)))
        }
        TypedKind::Coalesce(_) if *dtype == DataType::Null => return Ok(lit(ScalarValue::Null)),
        TypedKind::Coalesce(args) => {
            coalesce(args.iter().map(|a| compile(a, df_schema)).collect::<Result<Vec<_>>>()?)
        }
    };
    ensure_type(e, dtype, df_schema)
}

/// The aggregate `agg` as a DataFusion aggregate expression over a plan with
/// schema `df_schema`, in DataFusion's result type (callers cast the
/// aggregated column to [`TypedAgg::data_type`]).
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for `count_distinct(*)`; as [`compile`] for the argument.
pub(crate) fn compile_agg(agg: &TypedAgg, df_schema: &DFSchema) -> Result<Expr> {
    let Some(arg) = agg.arg() else {
        return match agg.func() {
            AggFunc::CountDistinct => {
                Err(Error::not_supported("count_distinct(*) on the datafusion engine"))
            }
            // `*` only comes with count / count_distinct (core invariant)
            _ => Ok(count(lit(1i64))),
        };
    };
    let a = compile(arg, df_schema)?;
    Ok(match agg.func() {
        AggFunc::Min => min(a),
        AggFunc::Max => max(a),
        AggFunc::Count => count(a),
        AggFunc::CountDistinct => count_distinct(a),
        AggFunc::Avg => avg(a),
        AggFunc::Sum => sum(a),
        AggFunc::First => first_value(a, vec![]),
        AggFunc::Last => last_value(a, vec![]),
    })
}
