//! The typed expression tree: one type-coercion pass shared by every engine
//! (`spec/ENGINE.md` §11, ENG-EXPR-TYPE-*, ENG-EXPR-SEM-*), like
//! DataFusion's single type-coercion analyzer feeding every physical planner.
//!
//! [`resolve`] turns a [`ColumnExpr`] and the input [`Schema`] into a
//! [`TypedExpr`] where every node carries its Arrow [`DataType`], column
//! references are resolved to name and index, literals are typed, and every
//! implicit conversion is an explicit [`TypedKind::Cast`] node. All type
//! errors of bad input are raised here, before any engine sees the tree, so
//! every engine raises the same `ERR-*` for the same input. An engine only
//! translates node by node; it applies no typing rule of its own.
//!
//! # Rules (the native engine's, which every engine follows)
//!
//! | node | operands | result type |
//! |---|---|---|
//! | column | — | the schema type (`ERR-NOT-FOUND` when missing) |
//! | literal | — | bool, long, ulong (above `i64::MAX`), double, str; null → `Null` |
//! | `is_null`, `not_null` | any | bool |
//! | `NOT e` | bool (a `Null` operand gives a bool null) | bool |
//! | `-e` | a number; unsigned integers cast to long first | the operand's; `Null` stays `Null` |
//! | `+ - *` | both cast to the result type | [`ColumnExpr::infer_type`] of the node, else [`common_numeric`] |
//! | `/` | both cast to double | double; a zero divisor gives null (ENG-EXPR-SEM-3) |
//! | `= != < <= > >=` | equal types stay; numbers cast to the type of `l + r`; temporal right operand cast to the left's type | bool |
//! | `AND`, `OR` | bool (`Null` operands become bool nulls) | bool, Kleene logic (ENG-EXPR-SEM-1) |
//! | `coalesce` | all cast to the result type | inferred, else the common type of the non-null arguments |
//!
//! An operation with a `Null`-typed operand (`col(a) + null()`, `a = null()`)
//! is folded to a typed null literal of the result type. Every node is then
//! cast to its inferred type ([`ColumnExpr::infer_type`]) or its explicit cast
//! type when that differs from the computed one (ENG-EXPR-TYPE-1: a cast node
//! uses the DF-CAST rules of [`crate::value::cast_array`]).
//!
//! Aggregates ([`TypedAgg`], ENG-EXPR-SEM-4): `count`/`count_distinct` →
//! long; `min`/`max`/`first`/`last` → the argument's type; `sum` → long,
//! ulong, double or `decimal(38,s)` with the argument already cast to that
//! type (a `Null` argument gives `Null`); `avg` → double with the argument
//! cast to double.
//!
//! Errors (all `ERR-ARG` unless said): `*` outside `count`, an aggregation
//! evaluated row by row, arithmetic on strings (ENG-EXPR-SEM-5) or other
//! non-numbers, negation of a non-number, `NOT`/`AND`/`OR` of non-booleans,
//! comparing incomparable types, `coalesce` of incompatible types, `sum` /
//! `avg` of non-numbers, a non-bool condition; `ERR-NOT-FOUND` for a missing
//! column; `ERR-NOT-SUPPORTED` for a literal outside ENG-EXPR-2.

use arrow::datatypes::DataType;

use super::types::{common_numeric, is_numeric, is_temporal};
use crate::error::{Error, Result};
use crate::expr::{AggFunc, BinaryOp, ColumnExpr, ExprKind, ScalarFunc, UnaryOp};
use crate::schema::{Schema, data_type_to_expr};
use crate::value::Value;

/// A resolved, typed expression node (see the module docs): the body
/// ([`TypedKind`]) and the Arrow type the node produces. Values are always
/// nullable. Build it with [`resolve`] / [`resolve_predicate`].
#[derive(Clone, Debug, PartialEq)]
pub struct TypedExpr {
    kind: TypedKind,
    data_type: DataType,
}

/// The body of a [`TypedExpr`]. Invariants kept by [`resolve`]:
///
/// * arithmetic [`TypedKind::Binary`] operands have the node's type (`/`:
///   double; a zero divisor gives null, ENG-EXPR-SEM-3);
/// * comparison operands have equal types (never `Null`), result bool;
/// * `AND` / `OR` / `NOT` operands are bool, result bool;
/// * `-e`: `e` has the node's type, a signed integer, float or decimal;
/// * [`TypedKind::Coalesce`] arguments all have the node's type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypedKind {
    /// Input column `name`, at position `index` of the schema it was resolved
    /// against (ENG-EXPR-1).
    Column {
        /// The column name.
        name: String,
        /// The position in the schema.
        index: usize,
    },
    /// A constant of the node's type: [`Value::Null`] is a null of the node's
    /// type (any type); other values are bool / long / ulong / double / str
    /// with the matching node type (ENG-EXPR-2, ENG-EXPR-TYPE-3).
    Literal(Value),
    /// The child converted to the node's type with the DF-CAST rules
    /// ([`crate::value::cast_array`]); `ERR-CAST` at run time when a value
    /// does not convert (ENG-EXPR-11).
    Cast(Box<TypedExpr>),
    /// A unary operator (ENG-EXPR-5).
    Unary(UnaryOp, Box<TypedExpr>),
    /// A binary operator `(op, left, right)` (ENG-EXPR-6..8).
    Binary(BinaryOp, Box<TypedExpr>, Box<TypedExpr>),
    /// `COALESCE(args)`, at least one argument (ENG-EXPR-13).
    Coalesce(Vec<TypedExpr>),
}

impl TypedExpr {
    fn new(kind: TypedKind, data_type: DataType) -> Self {
        TypedExpr { kind, data_type }
    }

    /// A null literal of type `data_type`.
    pub fn null_of(data_type: DataType) -> Self {
        TypedExpr::new(TypedKind::Literal(Value::Null), data_type)
    }

    /// The body.
    pub fn kind(&self) -> &TypedKind {
        &self.kind
    }

    /// The Arrow type the node produces.
    pub fn data_type(&self) -> &DataType {
        &self.data_type
    }

    /// `self` cast to `to` ([`TypedKind::Cast`]); unchanged when already of
    /// type `to`.
    pub fn cast_to(self, to: &DataType) -> TypedExpr {
        if &self.data_type == to {
            return self;
        }
        TypedExpr::new(TypedKind::Cast(Box::new(self)), to.clone())
    }

    /// True when the node is a [`TypedKind::Literal`] (null included).
    pub fn is_literal(&self) -> bool {
        matches!(self.kind, TypedKind::Literal(_))
    }
}

/// A resolved aggregate (ENG-EXPR-12, ENG-EXPR-SEM-4): the function, its
/// typed argument (`None` for `*`, only with `count` / `count_distinct`) and
/// the result type (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct TypedAgg {
    func: AggFunc,
    arg: Option<TypedExpr>,
    data_type: DataType,
}

impl TypedAgg {
    /// The aggregate function.
    pub fn func(&self) -> AggFunc {
        self.func
    }

    /// The argument; `None` means `*` (`count(*)` counts rows,
    /// `count_distinct(*)` counts distinct rows with a non-null value).
    /// For `sum` it already has the result type, for `avg` double.
    pub fn arg(&self) -> Option<&TypedExpr> {
        self.arg.as_ref()
    }

    /// The result type every engine must produce.
    pub fn data_type(&self) -> &DataType {
        &self.data_type
    }
}

fn type_text(t: &DataType) -> String {
    data_type_to_expr(t)
}

fn literal_type(v: &Value) -> Result<DataType> {
    Ok(match v {
        Value::Null => DataType::Null,
        Value::Bool(_) => DataType::Boolean,
        Value::Int64(_) => DataType::Int64,
        Value::UInt64(_) => DataType::UInt64,
        Value::Float64(_) => DataType::Float64,
        Value::Str(_) => DataType::Utf8,
        other => {
            return Err(Error::not_supported(format!(
                "literal `{other:?}`: a literal must be null, bool, integer, float or string"
            )));
        }
    })
}

/// Resolves the non-aggregate expression `expr` against `schema` (see the
/// module docs for the rules): the typed tree whose root has type
/// `expr.infer_type(schema)` when that is known, else the cast type, else
/// the computed type. Aliases are not part of the tree (use
/// [`ColumnExpr::output_name`]).
///
/// # Errors
/// `ERR-NOT-FOUND` for a column missing from `schema`; `ERR-ARG` for type
/// errors, `*` or an aggregation inside `expr`; `ERR-NOT-SUPPORTED` for a
/// literal outside ENG-EXPR-2.
pub fn resolve(expr: &ColumnExpr, schema: &Schema) -> Result<TypedExpr> {
    let raw = resolve_body(expr, schema)?;
    Ok(match expr.infer_type(schema).or_else(|| expr.cast_type().cloned()) {
        Some(t) => raw.cast_to(&t),
        None => raw,
    })
}

/// Resolves a condition (ENG-EXPR-SEM-2): a bool expression where null
/// means "not true"; a `Null`-typed condition (`null()`) becomes a bool null.
///
/// # Errors
/// As [`resolve`]; `ERR-ARG` (`condition`) when the type is not bool.
pub fn resolve_predicate(expr: &ColumnExpr, schema: &Schema) -> Result<TypedExpr> {
    let t = resolve(expr, schema)?;
    match t.data_type {
        DataType::Boolean => Ok(t),
        DataType::Null => Ok(TypedExpr::null_of(DataType::Boolean)),
        ref other => Err(Error::arg(
            "condition",
            format!("`{expr}` must be a bool expression, found `{}`", type_text(other)),
        )),
    }
}

fn resolve_body(e: &ColumnExpr, schema: &Schema) -> Result<TypedExpr> {
    match e.kind() {
        ExprKind::Column(name) => {
            let index = schema
                .index_of(name)
                .map_err(|_| Error::not_found("column", name.as_str(), schema.names()))?;
            let data_type = schema.fields()[index].data_type().clone();
            Ok(TypedExpr::new(TypedKind::Column { name: name.clone(), index }, data_type))
        }
        ExprKind::Literal(v) => Ok(TypedExpr::new(TypedKind::Literal(v.clone()), literal_type(v)?)),
        ExprKind::Wildcard => Err(Error::arg(
            "expression",
            "`*` can only be a whole select item or the argument of count",
        )),
        ExprKind::Agg(..) => Err(Error::arg(
            "expression",
            format!("aggregation `{e}` can't be evaluated row by row"),
        )),
        ExprKind::Unary(op, x) => unary(*op, e, resolve(x, schema)?),
        ExprKind::Binary(op, l, r) => {
            let (lv, rv) = (resolve(l, schema)?, resolve(r, schema)?);
            if op.is_arithmetic() {
                arithmetic(*op, e, lv, rv, schema)
            } else if op.is_comparison() {
                comparison(*op, e, l, r, lv, rv, schema)
            } else {
                logical(*op, e, lv, rv)
            }
        }
        ExprKind::Function(ScalarFunc::Coalesce, args) => coalesce(e, args, schema),
    }
}

fn unary(op: UnaryOp, e: &ColumnExpr, v: TypedExpr) -> Result<TypedExpr> {
    let t = v.data_type.clone();
    match op {
        UnaryOp::IsNull | UnaryOp::NotNull => {
            Ok(TypedExpr::new(TypedKind::Unary(op, Box::new(v)), DataType::Boolean))
        }
        UnaryOp::Not => match t {
            DataType::Boolean => {
                Ok(TypedExpr::new(TypedKind::Unary(op, Box::new(v)), DataType::Boolean))
            }
            DataType::Null => Ok(TypedExpr::null_of(DataType::Boolean)),
            other => Err(Error::arg(
                "expression",
                format!("NOT needs a bool operand, `{e}` has `{}`", type_text(&other)),
            )),
        },
        UnaryOp::Neg => {
            if t == DataType::Null {
                return Ok(v);
            }
            if !is_numeric(&t) {
                return Err(Error::arg(
                    "expression",
                    format!("negation needs a number, `{e}` has `{}`", type_text(&t)),
                ));
            }
            let v = if t.is_unsigned_integer() { v.cast_to(&DataType::Int64) } else { v };
            let t = v.data_type.clone();
            Ok(TypedExpr::new(TypedKind::Unary(op, Box::new(v)), t))
        }
    }
}

fn arithmetic(
    op: BinaryOp,
    e: &ColumnExpr,
    lv: TypedExpr,
    rv: TypedExpr,
    schema: &Schema,
) -> Result<TypedExpr> {
    let (lt, rt) = (lv.data_type.clone(), rv.data_type.clone());
    let string =
        |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
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
                type_text(&lt),
                type_text(&rt)
            ),
        ));
    }
    let target = if op == BinaryOp::Div {
        DataType::Float64
    } else {
        match e.body().infer_type(schema) {
            Some(t) => t,
            None if lt == DataType::Null => rt.clone(),
            None if rt == DataType::Null => lt.clone(),
            None => common_numeric(&lt, &rt),
        }
    };
    if lt == DataType::Null || rt == DataType::Null {
        return Ok(TypedExpr::null_of(target));
    }
    let (lv, rv) = (lv.cast_to(&target), rv.cast_to(&target));
    Ok(TypedExpr::new(TypedKind::Binary(op, Box::new(lv), Box::new(rv)), target))
}

fn comparison(
    op: BinaryOp,
    e: &ColumnExpr,
    l: &ColumnExpr,
    r: &ColumnExpr,
    lv: TypedExpr,
    rv: TypedExpr,
    schema: &Schema,
) -> Result<TypedExpr> {
    let (lt, rt) = (lv.data_type.clone(), rv.data_type.clone());
    if lt == DataType::Null || rt == DataType::Null {
        return Ok(TypedExpr::null_of(DataType::Boolean));
    }
    let (lv, rv) = if lt == rt {
        (lv, rv)
    } else if is_numeric(&lt) && is_numeric(&rt) {
        let target = ColumnExpr::binary(BinaryOp::Add, l.clone(), r.clone())
            .infer_type(schema)
            .unwrap_or_else(|| common_numeric(&lt, &rt));
        (lv.cast_to(&target), rv.cast_to(&target))
    } else if is_temporal(&lt) && is_temporal(&rt) {
        (lv, rv.cast_to(&lt))
    } else {
        return Err(Error::arg(
            "expression",
            format!("cannot compare `{}` with `{}` in `{e}`", type_text(&lt), type_text(&rt)),
        ));
    };
    Ok(TypedExpr::new(TypedKind::Binary(op, Box::new(lv), Box::new(rv)), DataType::Boolean))
}

fn logical(op: BinaryOp, e: &ColumnExpr, lv: TypedExpr, rv: TypedExpr) -> Result<TypedExpr> {
    let boolean = |v: TypedExpr| -> Result<TypedExpr> {
        match v.data_type {
            DataType::Boolean => Ok(v),
            DataType::Null => Ok(TypedExpr::null_of(DataType::Boolean)),
            ref other => Err(Error::arg(
                "expression",
                format!("`{}` needs bool operands, `{e}` has `{}`", op.sql(), type_text(other)),
            )),
        }
    };
    let (lv, rv) = (boolean(lv)?, boolean(rv)?);
    Ok(TypedExpr::new(TypedKind::Binary(op, Box::new(lv), Box::new(rv)), DataType::Boolean))
}

fn coalesce(e: &ColumnExpr, args: &[ColumnExpr], schema: &Schema) -> Result<TypedExpr> {
    if args.is_empty() {
        return Err(Error::arg("coalesce", "needs at least one argument"));
    }
    let values = args.iter().map(|a| resolve(a, schema)).collect::<Result<Vec<_>>>()?;
    let typed: Vec<&DataType> =
        values.iter().map(TypedExpr::data_type).filter(|t| **t != DataType::Null).collect();
    let target = match e.body().infer_type(schema) {
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
    let args = values.into_iter().map(|v| v.cast_to(&target)).collect();
    Ok(TypedExpr::new(TypedKind::Coalesce(args), target))
}

/// Resolves an aggregate body `agg` (an [`ExprKind::Agg`], alias and cast
/// ignored) against `schema`; see the module docs for the result types.
///
/// # Errors
/// `ERR-ARG` when `agg` is not an aggregate, for `*` outside `count` /
/// `count_distinct`, for `sum` / `avg` of non-numbers; as [`resolve`] for
/// the argument.
pub fn resolve_agg(agg: &ColumnExpr, schema: &Schema) -> Result<TypedAgg> {
    let ExprKind::Agg(func, arg) = agg.kind() else {
        return Err(Error::arg("aggregate", format!("`{agg}` is not an aggregation")));
    };
    let func = *func;
    if arg.is_wildcard() {
        return match func {
            AggFunc::Count | AggFunc::CountDistinct => {
                Ok(TypedAgg { func, arg: None, data_type: DataType::Int64 })
            }
            _ => Err(Error::arg(
                "select",
                format!("`*` is only allowed in count / count_distinct: `{agg}`"),
            )),
        };
    }
    let a = resolve(arg, schema)?;
    let t = a.data_type.clone();
    let not_numeric = |f: &str| Error::arg(f, format!("needs numbers, found `{}`", type_text(&t)));
    let (arg, data_type) = match func {
        AggFunc::Count | AggFunc::CountDistinct => (a, DataType::Int64),
        AggFunc::Min | AggFunc::Max | AggFunc::First | AggFunc::Last => (a, t.clone()),
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
                DataType::Null
            } else {
                return Err(not_numeric("sum"));
            };
            (a.cast_to(&target), target)
        }
        AggFunc::Avg => {
            if !(t.is_integer()
                || t.is_floating()
                || matches!(t, DataType::Decimal128(..) | DataType::Null))
            {
                return Err(not_numeric("avg"));
            }
            (a.cast_to(&DataType::Float64), DataType::Float64)
        }
    };
    Ok(TypedAgg { func, arg: Some(arg), data_type })
}
