//! Column expressions ([`ColumnExpr`]) compiled to DataFusion [`Expr`]s with
//! the native engine's semantics (ENG-EXPR-SEM-1..5) and types
//! (ENG-EXPR-TYPE-1..8): every node whose type fugue can infer is cast to
//! exactly that type (`col(a:int) + 1` stays `int`, `/` is a `double`
//! division with null for a zero divisor), casts follow DF-CAST through
//! [`crate::udf::cast_expr`], and the coercions when inference gives no
//! type are the native engine's (two numbers of different kinds meet as
//! `double`, temporal values in the left operand's type, anything else is
//! `ERR-ARG`).

use arrow::datatypes::DataType;
use datafusion::common::{Column, DFSchema, ScalarValue};
use datafusion::functions::expr_fn::{coalesce, nullif};
use datafusion::functions_aggregate::expr_fn::{
    avg, count, count_distinct, first_value, last_value, max, min, sum,
};
use datafusion::logical_expr::{BinaryExpr, Expr, ExprSchemable, Operator, lit};
pub(crate) use fugue_core::expr::types::common_numeric;
use fugue_core::expr::types::{is_numeric, is_temporal};
use fugue_core::expr::{AggFunc, BinaryOp, ExprKind, ScalarFunc, UnaryOp};
use fugue_core::schema::data_type_to_expr;
use fugue_core::{ColumnExpr, Error, Result, Schema, Value};

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

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// A typed null literal.
fn null_of(t: &DataType) -> Result<Expr> {
    Ok(lit(ScalarValue::try_new_null(t).fugue("null literal")?))
}

/// Compiles [`ColumnExpr`]s over one input: `schema` is its fugue schema,
/// `df_schema` the DataFusion schema of the plan the expressions run on.
pub(crate) struct Compiler<'a> {
    schema: &'a Schema,
    df_schema: &'a DFSchema,
}

impl<'a> Compiler<'a> {
    /// A compiler over a plan with DataFusion schema `df_schema` whose fugue
    /// schema is `schema`.
    pub(crate) fn new(schema: &'a Schema, df_schema: &'a DFSchema) -> Self {
        Compiler { schema, df_schema }
    }

    fn type_of(&self, e: &Expr) -> Result<DataType> {
        e.get_type(self.df_schema).fugue("expression type")
    }

    /// `e` (non-aggregate) as a DataFusion expression of type
    /// `e.infer_type(schema)` when that is known, else of the cast type or
    /// DataFusion's natural type. Aliases are not applied.
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` for a missing column; `ERR-ARG` for `*` or an
    /// aggregation inside `e`, arithmetic on non-numbers (ENG-EXPR-SEM-5),
    /// incomparable operands, non-bool logic, incompatible `coalesce`
    /// arguments.
    pub(crate) fn compile(&self, e: &ColumnExpr) -> Result<Expr> {
        let raw = self.body(e)?;
        match e.infer_type(self.schema).or_else(|| e.cast_type().cloned()) {
            Some(t) => {
                let from = self.type_of(&raw)?;
                Ok(cast_expr(raw, &from, &t))
            }
            None => Ok(raw),
        }
    }

    /// A boolean filter condition (ENG-EXPR-SEM-2): rows where it is true are kept.
    ///
    /// # Errors
    /// As [`Self::compile`]; `ERR-ARG` when `e` is not a bool expression.
    pub(crate) fn predicate(&self, e: &ColumnExpr) -> Result<Expr> {
        let c = self.compile(e)?;
        match self.type_of(&c)? {
            DataType::Boolean => Ok(c),
            DataType::Null => Ok(lit(ScalarValue::Boolean(None))),
            other => Err(Error::arg(
                "condition",
                format!("`{e}` must be a bool expression, found `{}`", data_type_to_expr(&other)),
            )),
        }
    }

    fn body(&self, e: &ColumnExpr) -> Result<Expr> {
        match e.kind() {
            ExprKind::Column(name) => {
                if !self.schema.contains(name) {
                    return Err(Error::not_found("column", name.as_str(), self.schema.names()));
                }
                Ok(ident(name))
            }
            ExprKind::Literal(v) => Ok(lit(scalar(v)?)),
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

    fn unary(&self, op: UnaryOp, e: &ColumnExpr, x: &ColumnExpr) -> Result<Expr> {
        let v = self.compile(x)?;
        let t = self.type_of(&v)?;
        match op {
            UnaryOp::IsNull => Ok(v.is_null()),
            UnaryOp::NotNull => Ok(v.is_not_null()),
            UnaryOp::Not => match t {
                DataType::Boolean => Ok(Expr::Not(Box::new(v))),
                DataType::Null => Ok(lit(ScalarValue::Boolean(None))),
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
                    if t.is_unsigned_integer() { cast_expr(v, &t, &DataType::Int64) } else { v };
                Ok(Expr::Negative(Box::new(v)))
            }
        }
    }

    fn arithmetic(
        &self,
        op: BinaryOp,
        e: &ColumnExpr,
        l: &ColumnExpr,
        r: &ColumnExpr,
    ) -> Result<Expr> {
        let lv = self.compile(l)?;
        let rv = self.compile(r)?;
        let (lt, rt) = (self.type_of(&lv)?, self.type_of(&rv)?);
        if is_string(&lt) || is_string(&rt) {
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
            return null_of(&target);
        }
        let lv = cast_expr(lv, &lt, &target);
        let rv = cast_expr(rv, &rt, &target);
        let operator = match op {
            BinaryOp::Add => Operator::Plus,
            BinaryOp::Sub => Operator::Minus,
            BinaryOp::Mul => Operator::Multiply,
            _ => Operator::Divide,
        };
        // ENG-EXPR-SEM-3: a zero divisor gives null
        let rv = if op == BinaryOp::Div { nullif(rv, lit(0.0f64)) } else { rv };
        Ok(Expr::BinaryExpr(BinaryExpr::new(Box::new(lv), operator, Box::new(rv))))
    }

    fn comparison(
        &self,
        op: BinaryOp,
        e: &ColumnExpr,
        l: &ColumnExpr,
        r: &ColumnExpr,
    ) -> Result<Expr> {
        let lv = self.compile(l)?;
        let rv = self.compile(r)?;
        let (lt, rt) = (self.type_of(&lv)?, self.type_of(&rv)?);
        if lt == DataType::Null || rt == DataType::Null {
            return Ok(lit(ScalarValue::Boolean(None)));
        }
        let (lv, rv) = if lt == rt || (is_string(&lt) && is_string(&rt)) {
            (lv, rv)
        } else if is_numeric(&lt) && is_numeric(&rt) {
            let target = ColumnExpr::binary(BinaryOp::Add, l.clone(), r.clone())
                .infer_type(self.schema)
                .unwrap_or_else(|| common_numeric(&lt, &rt));
            (cast_expr(lv, &lt, &target), cast_expr(rv, &rt, &target))
        } else if is_temporal(&lt) && is_temporal(&rt) {
            (lv, cast_expr(rv, &rt, &lt))
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
        let operator = match op {
            BinaryOp::Eq => Operator::Eq,
            BinaryOp::NotEq => Operator::NotEq,
            BinaryOp::Lt => Operator::Lt,
            BinaryOp::LtEq => Operator::LtEq,
            BinaryOp::Gt => Operator::Gt,
            _ => Operator::GtEq,
        };
        Ok(Expr::BinaryExpr(BinaryExpr::new(Box::new(lv), operator, Box::new(rv))))
    }

    fn logical(
        &self,
        op: BinaryOp,
        e: &ColumnExpr,
        l: &ColumnExpr,
        r: &ColumnExpr,
    ) -> Result<Expr> {
        let boolean = |x: &ColumnExpr| -> Result<Expr> {
            let v = self.compile(x)?;
            match self.type_of(&v)? {
                DataType::Boolean => Ok(v),
                DataType::Null => Ok(lit(ScalarValue::Boolean(None))),
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
        let (lv, rv) = (boolean(l)?, boolean(r)?);
        Ok(if op == BinaryOp::And { lv.and(rv) } else { lv.or(rv) })
    }

    fn coalesce(&self, e: &ColumnExpr, args: &[ColumnExpr]) -> Result<Expr> {
        if args.is_empty() {
            return Err(Error::arg("coalesce", "needs at least one argument"));
        }
        let values = args.iter().map(|a| self.compile(a)).collect::<Result<Vec<_>>>()?;
        let types = values.iter().map(|v| self.type_of(v)).collect::<Result<Vec<_>>>()?;
        let typed: Vec<&DataType> = types.iter().filter(|t| **t != DataType::Null).collect();
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
        if target == DataType::Null {
            return Ok(lit(ScalarValue::Null));
        }
        let args = values.into_iter().zip(&types).map(|(v, t)| cast_expr(v, t, &target)).collect();
        Ok(coalesce(args))
    }

    /// The aggregate `agg` (an [`ExprKind::Agg`] body) as a DataFusion
    /// aggregate expression over this input, in DataFusion's result type
    /// (callers cast to the inferred type after aggregating).
    ///
    /// # Errors
    /// `ERR-ARG` for `*` outside count; `ERR-NOT-SUPPORTED` for
    /// `count_distinct(*)`; as [`Self::compile`] for the argument.
    pub(crate) fn compile_agg(&self, agg: &ColumnExpr) -> Result<Expr> {
        let ExprKind::Agg(func, arg) = agg.kind() else {
            return Err(Error::internal(format!("`{agg}` is not an aggregation")));
        };
        if arg.is_wildcard() {
            return match func {
                AggFunc::Count => Ok(count(lit(1i64))),
                AggFunc::CountDistinct => {
                    Err(Error::not_supported("count_distinct(*) on the datafusion engine"))
                }
                _ => Err(Error::arg(
                    "select",
                    format!("`*` is only allowed in count / count_distinct: `{agg}`"),
                )),
            };
        }
        let a = self.compile(arg)?;
        Ok(match func {
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
}
