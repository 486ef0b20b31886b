//! Engine-neutral column expressions (`spec/ENGINE.md` §11, ENG-EXPR-*) and the
//! select / filter / assign / aggregate rules built on them (§12, ENG-SEL-*,
//! ENG-FILTER-1, ENG-ASSIGN-*, ENG-AGG-*).
//!
//! A [`ColumnExpr`] is a small tree: an [`ExprKind`] body plus an optional
//! alias (the output name) and an optional cast (the output type), like
//! Fugue's `ColumnExpr` with `as_name` / `as_type`. Engines do not type it
//! themselves: [`typed::resolve`] and [`plan::plan_select`] turn it into a
//! typed tree / plan once, and every backend translates that by matching on
//! [`typed::TypedKind`]; the enums
//! are deliberately *not* `#[non_exhaustive]`, so a new operator or function
//! breaks every engine's `match` at compile time instead of failing at run time.
//!
//! | piece | items | spec |
//! |---|---|---|
//! | tree | [`ColumnExpr`], [`ExprKind`], [`UnaryOp`], [`BinaryOp`], [`ScalarFunc`], [`AggFunc`] | ENG-EXPR-1..15 |
//! | constructors | [`col`], [`lit`], [`try_lit`], [`null`], [`all_cols`], [`coalesce`], [`functions`] | ENG-EXPR-1..4, 12, 13 |
//! | operators | `+ - * /`, unary `-`, `!` (NOT), `&` (AND), `\|` (OR), [`ColumnExpr::eq`] .. [`ColumnExpr::gt_eq`] | ENG-EXPR-5..9 |
//! | inference | [`ColumnExpr::output_name`], [`ColumnExpr::infer_type`], [`ColumnExpr::is_agg`] | ENG-EXPR-NAME-*, ENG-EXPR-TYPE-*, ENG-EXPR-14 |
//! | typing | [`typed::resolve`], [`typed::resolve_predicate`], [`typed::resolve_agg`], [`typed::TypedExpr`], [`typed::TypedAgg`] | ENG-EXPR-TYPE-*, ENG-EXPR-SEM-* |
//! | plans | [`plan::plan_select`], [`plan::plan_filter`], [`plan::plan_assign`], [`plan::plan_aggregate`], [`plan::SelectPlan`] | ENG-SEL-*, ENG-FILTER-1, ENG-ASSIGN-*, ENG-AGG-* |
//! | select | [`SelectColumns`], [`validate_select`], [`validate_filter`], [`validate_assign`], [`assign_plan`], [`assign_select`], [`validate_aggregate`], [`aggregate_select`], [`check_columns_exist`] | ENG-SEL-*, ENG-FILTER-1, ENG-ASSIGN-*, ENG-AGG-* |
//!
//! # Strings: column names or literals?
//!
//! In Fugue a string passed to `select` is a column name while a string used
//! as an operator operand is a literal. Rust has one `From<&str>`, so fugue-rs
//! picks the *operand* meaning: `ColumnExpr::from("x")` (and therefore
//! `col("a").eq("x")`, `coalesce([col("a"), "x".into()])`) is the string
//! literal `'x'`. Column names are always explicit: [`col`] for one name,
//! [`SelectColumns::from_names`] for a list of names (where `"*"` is
//! [`all_cols`]). Aggregate functions take a [`ColumnExpr`], not
//! `impl Into<ColumnExpr>`, so `functions::max("b")` does not compile instead of
//! silently meaning `MAX('b')`.
//!
//! # Example
//!
//! ```
//! use fugue_core::arrow::datatypes::{DataType, Field};
//! use fugue_core::expr::{col, functions, lit, SelectColumns};
//! use fugue_core::Schema;
//! use std::sync::Arc;
//!
//! let x = (col("a") + 1).alias("x");
//! assert_eq!(x.to_string(), "(a + 1) AS x");
//! assert_eq!(x.output_name(), Some("x"));
//!
//! let m = functions::max(col("b"));
//! assert!(m.is_agg());
//! assert_eq!(m.output_name(), Some("b")); // ENG-EXPR-NAME-4
//!
//! let sel = SelectColumns::new(vec![col("a"), m, lit(1).alias("one")], false)?;
//! assert_eq!(sel.group_keys(), vec![col("a")]); // ENG-SEL-5
//!
//! let schema = Schema::from_fields_unchecked_types([
//!     Arc::new(Field::new("a", DataType::Utf8, true)),
//!     Arc::new(Field::new("b", DataType::Int32, true)),
//! ])?;
//! assert_eq!(
//!     sel.output_schema_hint(&schema),
//!     vec![
//!         ("a".to_string(), Some(DataType::Utf8)),
//!         ("b".to_string(), Some(DataType::Int32)),
//!         ("one".to_string(), Some(DataType::Int64)),
//!     ]
//! );
//!
//! // `*` plus a bare column is rejected (ENG-SEL-2)
//! assert!(SelectColumns::from_names(["*", "x"], false).unwrap_err().is_invalid_argument());
//! # Ok::<(), fugue_core::Error>(())
//! ```

use std::fmt;
use std::ops;

use arrow::datatypes::DataType;

use crate::error::{Error, Result};
use crate::schema::Schema;
use crate::value::Value;

pub mod functions;
mod select;

pub use functions::coalesce;
pub use select::{
    AssignTarget, SelectColumns, aggregate_select, assign_plan, assign_select, check_columns_exist,
    validate_aggregate, validate_assign, validate_filter, validate_select,
};

#[cfg(test)]
mod tests;

// ---------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------

/// An engine-neutral column expression: a body ([`ExprKind`]) plus an optional
/// alias (output name, ENG-EXPR-10) and an optional cast (output type,
/// ENG-EXPR-11).
///
/// Build it with [`col`], [`lit`], [`null`], [`all_cols`], [`coalesce`], the
/// aggregates of [`functions`] and the operators; walk it with
/// [`kind`](ColumnExpr::kind), [`alias_name`](ColumnExpr::alias_name),
/// [`cast_type`](ColumnExpr::cast_type) and [`children`](ColumnExpr::children).
///
/// Invariants (kept by every constructor): literals hold only
/// [`Value::Null`], [`Value::Bool`], [`Value::Int64`], [`Value::UInt64`]
/// (values above `i64::MAX` only), [`Value::Float64`] or [`Value::Str`]
/// (ENG-EXPR-2); an alias is never empty.
///
/// Equality is structural (same body, alias and cast); it is what
/// [`SelectColumns::group_keys`] compares.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnExpr {
    kind: ExprKind,
    alias: Option<String>,
    cast: Option<DataType>,
}

/// The body of a [`ColumnExpr`] (what is computed, before alias and cast).
///
/// Aggregates are their own variant with exactly one argument, so engines
/// never meet a wrong arity.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A column of the input, by name (ENG-EXPR-1).
    Column(String),
    /// A constant (ENG-EXPR-2, ENG-EXPR-3); see [`ColumnExpr`] for the allowed values.
    Literal(Value),
    /// `*`: all input columns (ENG-EXPR-4). Valid only as a whole select item
    /// or as the argument of `count` / `count_distinct` (ENG-SEL-1).
    Wildcard,
    /// A unary operator applied to an expression (ENG-EXPR-5).
    Unary(UnaryOp, Box<ColumnExpr>),
    /// A binary operator (ENG-EXPR-6..8): `(op, left, right)`.
    Binary(BinaryOp, Box<ColumnExpr>, Box<ColumnExpr>),
    /// A scalar (row-wise) function with its arguments (ENG-EXPR-13).
    Function(ScalarFunc, Vec<ColumnExpr>),
    /// An aggregate function of one argument (ENG-EXPR-12).
    Agg(AggFunc, Box<ColumnExpr>),
}

/// Unary operators (ENG-EXPR-5). Rust has no unary `+`; Fugue's `+e` is `e`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// Arithmetic negation `-e`.
    Neg,
    /// Logical `NOT e` (Fugue's `~e`; Rust's `!e`).
    Not,
    /// `e IS NULL`.
    IsNull,
    /// `e IS NOT NULL`.
    NotNull,
}

/// Binary operators (ENG-EXPR-6..8). Semantics: SQL three-valued logic
/// (ENG-EXPR-SEM-1); `/` is true division (ENG-EXPR-SEM-3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/` (floating division; division by zero SHOULD give null).
    Div,
    /// `=`.
    Eq,
    /// `!=`.
    NotEq,
    /// `<`.
    Lt,
    /// `<=`.
    LtEq,
    /// `>`.
    Gt,
    /// `>=`.
    GtEq,
    /// Logical `AND`.
    And,
    /// Logical `OR`.
    Or,
}

impl BinaryOp {
    /// The SQL spelling of the operator (`+`, `=`, `AND`, ...).
    pub fn sql(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::And => "AND",
            BinaryOp::Or => "OR",
        }
    }

    /// True for `+ - * /` (ENG-EXPR-6).
    pub fn is_arithmetic(self) -> bool {
        matches!(self, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div)
    }

    /// True for `= != < <= > >=` (ENG-EXPR-7).
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq
                | BinaryOp::NotEq
                | BinaryOp::Lt
                | BinaryOp::LtEq
                | BinaryOp::Gt
                | BinaryOp::GtEq
        )
    }

    /// True for `AND` / `OR` (ENG-EXPR-8).
    pub fn is_logical(self) -> bool {
        matches!(self, BinaryOp::And | BinaryOp::Or)
    }
}

/// Scalar (row-wise) functions (ENG-EXPR-13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarFunc {
    /// `COALESCE(e1, e2, ...)`: the first non-null argument; at least one argument.
    Coalesce,
}

impl ScalarFunc {
    /// The SQL function name (`COALESCE`).
    pub fn sql(self) -> &'static str {
        match self {
            ScalarFunc::Coalesce => "COALESCE",
        }
    }
}

/// Aggregate functions (ENG-EXPR-12); semantics in ENG-EXPR-SEM-4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggFunc {
    /// Minimum of non-null values; null for an all-null group.
    Min,
    /// Maximum of non-null values; null for an all-null group.
    Max,
    /// Number of non-null values; `count(*)` counts rows.
    Count,
    /// Number of distinct non-null values.
    CountDistinct,
    /// Mean of non-null values; null for an all-null group.
    Avg,
    /// Sum of non-null values; null for an all-null group.
    Sum,
    /// Some value of the group (order not guaranteed).
    First,
    /// Some value of the group (order not guaranteed).
    Last,
}

impl AggFunc {
    /// The SQL function name (`MIN`, `COUNT`, ...; `CountDistinct` is `COUNT`
    /// with `DISTINCT`, see [`AggFunc::is_distinct`]; `First`/`Last` are Fugue's
    /// `FIRST`/`LAST`, which SQL engines map to their own spelling).
    pub fn sql(self) -> &'static str {
        match self {
            AggFunc::Min => "MIN",
            AggFunc::Max => "MAX",
            AggFunc::Count | AggFunc::CountDistinct => "COUNT",
            AggFunc::Avg => "AVG",
            AggFunc::Sum => "SUM",
            AggFunc::First => "FIRST",
            AggFunc::Last => "LAST",
        }
    }

    /// True for [`AggFunc::CountDistinct`] (rendered `COUNT(DISTINCT e)`).
    pub fn is_distinct(self) -> bool {
        matches!(self, AggFunc::CountDistinct)
    }
}

// ---------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------

mod sealed {
    pub trait Sealed {}
}

/// Rust values that can be literals (ENG-EXPR-2): `bool`, every integer type,
/// `f32`, `f64`, `&str`, `String`, and `Option` of those (`None` is null).
///
/// Sealed: the allowed set is fixed by the spec. Integers become `long`
/// ([`Value::Int64`]; a `u64` above `i64::MAX` stays [`Value::UInt64`]), floats
/// become `double` ([`Value::Float64`]), per ENG-EXPR-TYPE-3.
pub trait LiteralValue: sealed::Sealed {
    /// The normalised literal value.
    fn into_literal(self) -> Value;
}

macro_rules! literal_value {
    ($($t:ty => |$v:ident| $e:expr),* $(,)?) => {$(
        impl sealed::Sealed for $t {}
        impl LiteralValue for $t {
            fn into_literal(self) -> Value {
                let $v = self;
                $e
            }
        }
    )*};
}

literal_value! {
    bool => |v| Value::Bool(v),
    i8 => |v| Value::Int64(i64::from(v)),
    i16 => |v| Value::Int64(i64::from(v)),
    i32 => |v| Value::Int64(i64::from(v)),
    i64 => |v| Value::Int64(v),
    u8 => |v| Value::Int64(i64::from(v)),
    u16 => |v| Value::Int64(i64::from(v)),
    u32 => |v| Value::Int64(i64::from(v)),
    u64 => |v| i64::try_from(v).map_or(Value::UInt64(v), Value::Int64),
    f32 => |v| Value::Float64(f64::from(v)),
    f64 => |v| Value::Float64(v),
    &str => |v| Value::Str(v.to_string()),
    String => |v| Value::Str(v),
    &String => |v| Value::Str(v.clone()),
}

impl<T: LiteralValue> sealed::Sealed for Option<T> {}
impl<T: LiteralValue> LiteralValue for Option<T> {
    fn into_literal(self) -> Value {
        self.map_or(Value::Null, LiteralValue::into_literal)
    }
}

/// Normalises a literal value (see [`ColumnExpr`] invariants) or refuses it.
fn normalize_literal(value: Value) -> Result<Value> {
    Ok(match value {
        Value::Null | Value::Bool(_) | Value::Int64(_) | Value::Float64(_) | Value::Str(_) => value,
        Value::Int8(v) => v.into_literal(),
        Value::Int16(v) => v.into_literal(),
        Value::Int32(v) => v.into_literal(),
        Value::UInt8(v) => v.into_literal(),
        Value::UInt16(v) => v.into_literal(),
        Value::UInt32(v) => v.into_literal(),
        Value::UInt64(v) => v.into_literal(),
        Value::Float16(v) => Value::Float64(f64::from(v)),
        Value::Float32(v) => v.into_literal(),
        other => {
            return Err(Error::not_supported(format!(
                "literal `{other:?}`: a literal must be null, bool, integer, float or string"
            )));
        }
    })
}

// ---------------------------------------------------------------------------
// Constructors
// ---------------------------------------------------------------------------

/// The input columns `exprs` read together, in first-appearance order;
/// `None` when they read every column (a `*` other than `count(*)`). An
/// engine that can read fewer columns (a lazy Parquet load) projects its
/// input to these before a select, filter or aggregation.
///
/// ```
/// use fugue_core::expr::functions::{count, sum};
/// use fugue_core::expr::{BinaryOp, ColumnExpr, all_cols, col, columns_read, lit};
/// let total = ColumnExpr::binary(BinaryOp::Add, col("b"), col("a"));
/// let items = [col("a"), sum(total), count(all_cols())];
/// assert_eq!(columns_read(&items), Some(vec!["a".to_string(), "b".to_string()]));
/// assert_eq!(columns_read(&[all_cols(), lit(1)]), None);
/// ```
pub fn columns_read<'a>(exprs: impl IntoIterator<Item = &'a ColumnExpr>) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for e in exprs {
        if !e.collect_columns(&mut out) {
            return None;
        }
    }
    Some(out)
}

/// A reference to input column `name` (ENG-EXPR-1); output name `name`
/// (ENG-EXPR-NAME-2), type = the input column's type (ENG-EXPR-TYPE-2).
///
/// `col("*")` is [`all_cols`], as in Fugue. Fugue's "an expression passed to
/// `col` is returned" needs no function in Rust: use the expression itself
/// (re-aliased with [`ColumnExpr::alias`]).
pub fn col(name: impl Into<String>) -> ColumnExpr {
    let name = name.into();
    if name == "*" {
        return all_cols();
    }
    ColumnExpr::bare(ExprKind::Column(name))
}

/// A literal (ENG-EXPR-2) from an allowed Rust value (see [`LiteralValue`]):
/// `lit(1)` is `long`, `lit(1.5)` `double`, `lit("x")` `str`, `lit(true)`
/// `bool`, `lit(None::<i64>)` null (ENG-EXPR-TYPE-3). No output name
/// (ENG-EXPR-NAME-5): alias it for select/assign.
pub fn lit(value: impl LiteralValue) -> ColumnExpr {
    ColumnExpr::bare(ExprKind::Literal(value.into_literal()))
}

/// A literal from any [`Value`] (ENG-EXPR-2). Integers are normalised to
/// `long`, floats to `double` (see [`LiteralValue`]).
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for decimal, binary, date, datetime, timestamp, list,
/// struct and map values.
pub fn try_lit(value: Value) -> Result<ColumnExpr> {
    Ok(ColumnExpr::bare(ExprKind::Literal(normalize_literal(value)?)))
}

/// The null literal, `lit(null)` (ENG-EXPR-3); its type is unknown unless cast.
pub fn null() -> ColumnExpr {
    ColumnExpr::bare(ExprKind::Literal(Value::Null))
}

/// The `*` wildcard (ENG-EXPR-4): all input columns, in order. It has no name,
/// may appear once as a whole select item (ENG-SEL-1) or inside
/// `count` / `count_distinct` (`count(all_cols())` is `COUNT(*)`).
pub fn all_cols() -> ColumnExpr {
    ColumnExpr::bare(ExprKind::Wildcard)
}

impl<T: LiteralValue> From<T> for ColumnExpr {
    /// A literal: operands that are not expressions become literals on either
    /// side of an operator (ENG-EXPR-9). Strings are literals too, never column
    /// names (see the module docs).
    fn from(value: T) -> Self {
        lit(value)
    }
}

impl From<&ColumnExpr> for ColumnExpr {
    /// A clone, so borrowed expressions work as operands: `&a + &b`.
    fn from(e: &ColumnExpr) -> Self {
        e.clone()
    }
}

// ---------------------------------------------------------------------------
// Builders and accessors
// ---------------------------------------------------------------------------

impl ColumnExpr {
    fn bare(kind: ExprKind) -> Self {
        ColumnExpr { kind, alias: None, cast: None }
    }

    /// Builds an expression from a body, for engines and rewriters that
    /// rebuild trees. No alias, no cast.
    ///
    /// # Errors
    /// `ERR-NOT-SUPPORTED` for a literal outside ENG-EXPR-2 (others are
    /// normalised as by [`try_lit`]); `ERR-ARG` for `COALESCE` without
    /// arguments.
    pub fn from_kind(kind: ExprKind) -> Result<Self> {
        match kind {
            ExprKind::Literal(v) => try_lit(v),
            ExprKind::Function(ScalarFunc::Coalesce, args) if args.is_empty() => {
                Err(Error::arg("coalesce", "needs at least one argument"))
            }
            kind => Ok(Self::bare(kind)),
        }
    }

    /// `op e` (ENG-EXPR-5); `is_null` / `not_null` of a literal is folded to a
    /// boolean literal (ENG-EXPR-15).
    pub fn unary(op: UnaryOp, operand: impl Into<ColumnExpr>) -> Self {
        let operand = operand.into();
        if let (UnaryOp::IsNull | UnaryOp::NotNull, ExprKind::Literal(v)) = (op, &operand.kind) {
            return lit(v.is_null() == (op == UnaryOp::IsNull));
        }
        Self::bare(ExprKind::Unary(op, Box::new(operand)))
    }

    /// `left op right` (ENG-EXPR-6..9); non-expression operands become literals.
    pub fn binary(op: BinaryOp, left: impl Into<ColumnExpr>, right: impl Into<ColumnExpr>) -> Self {
        Self::bare(ExprKind::Binary(op, Box::new(left.into()), Box::new(right.into())))
    }

    /// The body of the expression (without alias and cast).
    pub fn kind(&self) -> &ExprKind {
        &self.kind
    }

    /// The explicit alias set by [`alias`](ColumnExpr::alias), if any (Fugue's
    /// `as_name`). Named `alias_name` because `alias(name)` is the builder.
    /// For the inferred name use [`output_name`](ColumnExpr::output_name).
    pub fn alias_name(&self) -> Option<&str> {
        self.alias.as_deref()
    }

    /// The type set by [`cast`](ColumnExpr::cast), if any (Fugue's `as_type`).
    pub fn cast_type(&self) -> Option<&DataType> {
        self.cast.as_ref()
    }

    /// The expression without alias and cast (ENG-SEL-5 uses it for group keys).
    pub fn body(&self) -> ColumnExpr {
        Self::bare(self.kind.clone())
    }

    /// Splits into body, alias and cast.
    pub fn into_parts(self) -> (ExprKind, Option<String>, Option<DataType>) {
        (self.kind, self.alias, self.cast)
    }

    /// Sets the output name (ENG-EXPR-10); `alias("")` removes the alias.
    /// Replaces any previous alias; keeps the cast.
    pub fn alias(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.alias = if name.is_empty() { None } else { Some(name) };
        self
    }

    /// Casts the result to `data_type` (ENG-EXPR-11); the inferred type becomes
    /// `data_type` (ENG-EXPR-TYPE-1). Replaces any previous cast; keeps the
    /// alias. Casting to nested types is undefined (engine-defined).
    pub fn cast(mut self, data_type: DataType) -> Self {
        self.cast = Some(data_type);
        self
    }

    /// Casts the result to the type written as a schema type expression
    /// (`"long"`, `"str"`, `"decimal(10,2)"`), ENG-EXPR-11.
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` for a text that is not a type expression.
    pub fn cast_to(self, type_expr: &str) -> Result<Self> {
        Ok(self.cast(crate::schema::parse_data_type(type_expr)?))
    }

    /// Removes the cast (Fugue's `cast(None)`, ENG-EXPR-11).
    pub fn no_cast(mut self) -> Self {
        self.cast = None;
        self
    }

    /// `self IS NULL` (ENG-EXPR-5), boolean; folded for literals (ENG-EXPR-15).
    pub fn is_null(self) -> Self {
        Self::unary(UnaryOp::IsNull, self)
    }

    /// `self IS NOT NULL` (ENG-EXPR-5), boolean; folded for literals (ENG-EXPR-15).
    pub fn not_null(self) -> Self {
        Self::unary(UnaryOp::NotNull, self)
    }

    /// `self = other` (ENG-EXPR-7, Polars' name). Shadows `PartialEq::eq` for
    /// by-value receivers; use `==` for structural equality of trees.
    pub fn eq(self, other: impl Into<ColumnExpr>) -> Self {
        Self::binary(BinaryOp::Eq, self, other)
    }

    /// `self != other` (ENG-EXPR-7).
    pub fn neq(self, other: impl Into<ColumnExpr>) -> Self {
        Self::binary(BinaryOp::NotEq, self, other)
    }

    /// `self < other` (ENG-EXPR-7).
    pub fn lt(self, other: impl Into<ColumnExpr>) -> Self {
        Self::binary(BinaryOp::Lt, self, other)
    }

    /// `self <= other` (ENG-EXPR-7).
    pub fn lt_eq(self, other: impl Into<ColumnExpr>) -> Self {
        Self::binary(BinaryOp::LtEq, self, other)
    }

    /// `self > other` (ENG-EXPR-7).
    pub fn gt(self, other: impl Into<ColumnExpr>) -> Self {
        Self::binary(BinaryOp::Gt, self, other)
    }

    /// `self >= other` (ENG-EXPR-7).
    pub fn gt_eq(self, other: impl Into<ColumnExpr>) -> Self {
        Self::binary(BinaryOp::GtEq, self, other)
    }

    /// `self AND other` (ENG-EXPR-8); same as `self & other`.
    pub fn and(self, other: impl Into<ColumnExpr>) -> Self {
        Self::binary(BinaryOp::And, self, other)
    }

    /// `self OR other` (ENG-EXPR-8); same as `self | other`.
    pub fn or(self, other: impl Into<ColumnExpr>) -> Self {
        Self::binary(BinaryOp::Or, self, other)
    }

    /// The direct sub-expressions, left to right (empty for columns, literals, `*`).
    pub fn children(&self) -> Vec<&ColumnExpr> {
        match &self.kind {
            ExprKind::Column(_) | ExprKind::Literal(_) | ExprKind::Wildcard => vec![],
            ExprKind::Unary(_, e) | ExprKind::Agg(_, e) => vec![e],
            ExprKind::Binary(_, l, r) => vec![l, r],
            ExprKind::Function(_, args) => args.iter().collect(),
        }
    }

    /// Calls `f` on this expression and every sub-expression, pre-order.
    pub fn visit<'a>(&'a self, f: &mut impl FnMut(&'a ColumnExpr)) {
        f(self);
        for c in self.children() {
            c.visit(f);
        }
    }

    /// The input columns this expression reads, added to `out` in
    /// first-appearance order without repeats; `false` when it reads every
    /// column (a `*` anywhere but as the argument of `count`, which counts
    /// rows and reads nothing, ENG-SEL-1). What an engine may project its
    /// input to before evaluating (see [`columns_read`]).
    pub fn collect_columns(&self, out: &mut Vec<String>) -> bool {
        match &self.kind {
            ExprKind::Column(name) => {
                if !out.iter().any(|n| n == name) {
                    out.push(name.clone());
                }
                true
            }
            ExprKind::Wildcard => false,
            ExprKind::Agg(AggFunc::Count, arg) if matches!(arg.kind, ExprKind::Wildcard) => true,
            _ => self.children().into_iter().all(|c| c.collect_columns(out)),
        }
    }

    /// True iff any node satisfies `pred`.
    fn any(&self, pred: &impl Fn(&ColumnExpr) -> bool) -> bool {
        pred(self) || self.children().into_iter().any(|c| c.any(pred))
    }

    /// True when the body is a column reference (with or without alias / cast).
    pub fn is_column(&self) -> bool {
        matches!(self.kind, ExprKind::Column(_))
    }

    /// The column name when the body is a column reference.
    pub fn as_column(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Column(n) => Some(n),
            _ => None,
        }
    }

    /// True when the body is a literal (with or without alias / cast).
    pub fn is_literal(&self) -> bool {
        matches!(self.kind, ExprKind::Literal(_))
    }

    /// The literal value when the body is a literal.
    pub fn as_literal(&self) -> Option<&Value> {
        match &self.kind {
            ExprKind::Literal(v) => Some(v),
            _ => None,
        }
    }

    /// True when the body is `*` ([`all_cols`]).
    pub fn is_wildcard(&self) -> bool {
        matches!(self.kind, ExprKind::Wildcard)
    }

    /// True iff an aggregate function occurs anywhere in the tree (ENG-EXPR-14):
    /// `-max(a)` and `max(a) + min(b)` are aggregations.
    pub fn is_agg(&self) -> bool {
        self.any(&|e| matches!(e.kind, ExprKind::Agg(..)))
    }

    /// True iff `*` occurs anywhere in the tree (including `count(*)`).
    pub fn contains_wildcard(&self) -> bool {
        self.any(&|e| e.is_wildcard())
    }

    /// The input column names the expression references, each once, in order
    /// of first appearance (depth-first, left to right). `*` is not listed.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        self.visit(&mut |e| {
            if let ExprKind::Column(n) = &e.kind
                && !out.contains(&n.as_str())
            {
                out.push(n);
            }
        });
        out
    }

    /// The output name (ENG-EXPR-NAME-1..5), `None` when there is none:
    ///
    /// * the alias, if set (NAME-1);
    /// * `col(a)` (also cast) → `a` (NAME-2);
    /// * a unary op of `e` → `e`'s output name (NAME-3);
    /// * an aggregate of `e` → `e`'s output name (NAME-4): `max(col("b"))` → `b`,
    ///   `min(-col("y"))` → `y`;
    /// * binary ops, literals, `coalesce`, `*` and aggregates of `*` or of
    ///   unnamed expressions → `None` (NAME-5).
    pub fn output_name(&self) -> Option<&str> {
        if let Some(a) = &self.alias {
            return Some(a);
        }
        match &self.kind {
            ExprKind::Column(n) if !n.is_empty() => Some(n),
            ExprKind::Unary(_, e) | ExprKind::Agg(_, e) => e.output_name(),
            _ => None,
        }
    }

    /// The expression with its inferred name made an explicit alias (Fugue's
    /// `infer_alias`): unchanged when it has an alias, is an uncast column
    /// (its name is already the column) or has no inferable name.
    /// [`SelectColumns`] stores its items this way, so a SQL rendering of the
    /// items carries the right output names (`MAX(b) AS b`, `CAST(a AS long) AS a`).
    pub fn infer_alias(self) -> Self {
        if self.alias.is_some() || (self.is_column() && self.cast.is_none()) {
            return self;
        }
        match self.output_name().map(str::to_string) {
            Some(n) => self.alias(n),
            None => self,
        }
    }

    /// The output type inferred from the input `schema`, `None` when unknown
    /// (ENG-EXPR-TYPE-1..8):
    ///
    /// | expression | type |
    /// |---|---|
    /// | any `cast(t)` | `t` (TYPE-1) |
    /// | `col(a)` | `a`'s type; `None` if `a` is not in `schema` (TYPE-2) |
    /// | literal | bool, long (ulong above `i64::MAX`), double, str; null → `None` (TYPE-3) |
    /// | `-e` | `e`'s type if signed integer or float (TYPE-4) |
    /// | `!e` | bool if `e` is bool (TYPE-5) |
    /// | comparisons, AND, OR, `is_null`, `not_null` | bool (TYPE-6, TYPE-8) |
    /// | `min`, `max`, `first`, `last` | the argument's type (TYPE-7) |
    /// | `count`, `count_distinct` | long (TYPE-8) |
    /// | `avg`, `/` | double (TYPE-8) |
    /// | `sum` | long for signed integers, ulong for unsigned, double for floats, else `None` (TYPE-8) |
    /// | `+ - *`, `coalesce` | the common numeric type, see below (TYPE-8, a Rust extension) |
    ///
    /// Common type (Rust rule, documented deviation from Py's "unknown"): two
    /// operands of the same kind (signed integer, unsigned integer, float) give
    /// the wider type (`int + long` → long, `float + double` → double). An
    /// uncast integer literal adopts the other operand's integer type when its
    /// value fits and any float type (`a:int + 1` → int, `a:float * 2` → float),
    /// and an uncast float literal adopts any float type, like Polars' dynamic
    /// literals and SQL integer literals. Mixed kinds (`int + double`,
    /// `int + uint`), decimals and non-numbers give `None`. For `coalesce`,
    /// null literals are ignored and every other argument must unify.
    pub fn infer_type(&self, schema: &Schema) -> Option<DataType> {
        if let Some(t) = &self.cast {
            return Some(t.clone());
        }
        match &self.kind {
            ExprKind::Column(n) => schema.data_type(n).cloned(),
            ExprKind::Literal(v) => literal_type(v),
            ExprKind::Wildcard => None,
            ExprKind::Unary(op, e) => match op {
                UnaryOp::IsNull | UnaryOp::NotNull => Some(DataType::Boolean),
                UnaryOp::Neg => {
                    e.infer_type(schema).filter(|t| t.is_signed_integer() || t.is_floating())
                }
                UnaryOp::Not => e.infer_type(schema).filter(|t| *t == DataType::Boolean),
            },
            ExprKind::Binary(op, l, r) => match op {
                BinaryOp::Div => Some(DataType::Float64),
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => {
                    let lt = l.infer_type(schema)?;
                    let rt = r.infer_type(schema)?;
                    unify_numeric(l, &lt, r, &rt)
                }
                _ => Some(DataType::Boolean),
            },
            ExprKind::Function(ScalarFunc::Coalesce, args) => coalesce_type(args, schema),
            ExprKind::Agg(f, e) => match f {
                AggFunc::Count | AggFunc::CountDistinct => Some(DataType::Int64),
                AggFunc::Avg => Some(DataType::Float64),
                AggFunc::Min | AggFunc::Max | AggFunc::First | AggFunc::Last => {
                    e.infer_type(schema)
                }
                AggFunc::Sum => {
                    let t = e.infer_type(schema)?;
                    if t.is_signed_integer() {
                        Some(DataType::Int64)
                    } else if t.is_unsigned_integer() {
                        Some(DataType::UInt64)
                    } else if t.is_floating() {
                        Some(DataType::Float64)
                    } else {
                        None
                    }
                }
            },
        }
    }
}

fn literal_type(v: &Value) -> Option<DataType> {
    match v {
        Value::Bool(_) => Some(DataType::Boolean),
        Value::Int64(_) => Some(DataType::Int64),
        Value::UInt64(_) => Some(DataType::UInt64),
        Value::Float64(_) => Some(DataType::Float64),
        Value::Str(_) => Some(DataType::Utf8),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NumKind {
    Signed,
    Unsigned,
    Float,
}

fn num_kind(t: &DataType) -> Option<(NumKind, u32)> {
    Some(match t {
        DataType::Int8 => (NumKind::Signed, 8),
        DataType::Int16 => (NumKind::Signed, 16),
        DataType::Int32 => (NumKind::Signed, 32),
        DataType::Int64 => (NumKind::Signed, 64),
        DataType::UInt8 => (NumKind::Unsigned, 8),
        DataType::UInt16 => (NumKind::Unsigned, 16),
        DataType::UInt32 => (NumKind::Unsigned, 32),
        DataType::UInt64 => (NumKind::Unsigned, 64),
        DataType::Float16 => (NumKind::Float, 16),
        DataType::Float32 => (NumKind::Float, 32),
        DataType::Float64 => (NumKind::Float, 64),
        _ => return None,
    })
}

/// Whether an uncast literal `e` can take the numeric type `t` (see
/// [`ColumnExpr::infer_type`]).
fn literal_adopts(e: &ColumnExpr, t: &DataType) -> bool {
    if e.cast.is_some() {
        return false;
    }
    let fits = |v: i128| -> bool {
        match t {
            DataType::Int8 => i8::try_from(v).is_ok(),
            DataType::Int16 => i16::try_from(v).is_ok(),
            DataType::Int32 => i32::try_from(v).is_ok(),
            DataType::Int64 => i64::try_from(v).is_ok(),
            DataType::UInt8 => u8::try_from(v).is_ok(),
            DataType::UInt16 => u16::try_from(v).is_ok(),
            DataType::UInt32 => u32::try_from(v).is_ok(),
            DataType::UInt64 => u64::try_from(v).is_ok(),
            _ => t.is_floating(),
        }
    };
    match &e.kind {
        ExprKind::Literal(Value::Int64(v)) => fits(i128::from(*v)),
        ExprKind::Literal(Value::UInt64(v)) => fits(i128::from(*v)),
        ExprKind::Literal(Value::Float64(_)) => t.is_floating(),
        _ => false,
    }
}

/// The common numeric type of two operands (see [`ColumnExpr::infer_type`]).
fn unify_numeric(l: &ColumnExpr, lt: &DataType, r: &ColumnExpr, rt: &DataType) -> Option<DataType> {
    let (lk, lw) = num_kind(lt)?;
    let (rk, rw) = num_kind(rt)?;
    let l_lit = l.is_literal() && l.cast.is_none();
    let r_lit = r.is_literal() && r.cast.is_none();
    if l_lit && !r_lit && literal_adopts(l, rt) {
        return Some(rt.clone());
    }
    if r_lit && !l_lit && literal_adopts(r, lt) {
        return Some(lt.clone());
    }
    (lk == rk).then(|| if lw >= rw { lt.clone() } else { rt.clone() })
}

/// Two types of the same numeric kind widen; equal types stay.
fn common_type(t: &DataType, u: &DataType) -> Option<DataType> {
    if t == u {
        return Some(t.clone());
    }
    let (tk, tw) = num_kind(t)?;
    let (uk, uw) = num_kind(u)?;
    (tk == uk).then(|| if tw >= uw { t.clone() } else { u.clone() })
}

/// The type of `COALESCE(args)` (see [`ColumnExpr::infer_type`]).
fn coalesce_type(args: &[ColumnExpr], schema: &Schema) -> Option<DataType> {
    let mut literals = Vec::new();
    let mut exprs = Vec::new();
    for a in args {
        let uncast_literal = a.is_literal() && a.cast.is_none();
        if uncast_literal && matches!(a.kind, ExprKind::Literal(Value::Null)) {
            continue;
        }
        let t = a.infer_type(schema)?;
        if uncast_literal { literals.push((a, t)) } else { exprs.push((a, t)) }
    }
    let base = if exprs.is_empty() { &literals } else { &exprs };
    let (first, rest) = base.split_first()?;
    let mut t = first.1.clone();
    for (_, u) in rest {
        t = common_type(&t, u)?;
    }
    if !exprs.is_empty() {
        for (l, lt) in &literals {
            if *lt != t && !literal_adopts(l, &t) {
                return None;
            }
        }
    }
    Some(t)
}

// ---------------------------------------------------------------------------
// Operators (ENG-EXPR-5..9)
// ---------------------------------------------------------------------------

macro_rules! binary_trait {
    ($($tr:ident $m:ident $op:ident $sym:literal),*) => {$(
        impl<T: Into<ColumnExpr>> ops::$tr<T> for ColumnExpr {
            type Output = ColumnExpr;
            #[doc = concat!("`self ", $sym, " rhs`; a non-expression `rhs` becomes a literal (ENG-EXPR-9).")]
            fn $m(self, rhs: T) -> ColumnExpr {
                ColumnExpr::binary(BinaryOp::$op, self, rhs)
            }
        }
        impl<T: Into<ColumnExpr>> ops::$tr<T> for &ColumnExpr {
            type Output = ColumnExpr;
            #[doc = concat!("`self ", $sym, " rhs` on a clone of `self`.")]
            fn $m(self, rhs: T) -> ColumnExpr {
                ColumnExpr::binary(BinaryOp::$op, self.clone(), rhs)
            }
        }
    )*};
}

binary_trait!(Add add Add "+", Sub sub Sub "-", Mul mul Mul "*", Div div Div "/", BitAnd bitand And "AND", BitOr bitor Or "OR");

macro_rules! literal_lhs {
    ($($t:ty),* ; $($tr:ident $m:ident $op:ident),*) => {
        literal_lhs!(@each [$($t),*] [$($tr $m $op),*]);
    };
    (@each [$($t:ty),*] $ops:tt) => {$(
        literal_lhs!(@one $t $ops);
    )*};
    (@one $t:ty [$($tr:ident $m:ident $op:ident),*]) => {$(
        impl ops::$tr<ColumnExpr> for $t {
            type Output = ColumnExpr;
            /// A literal left operand (ENG-EXPR-9): `1 - col("a")`.
            fn $m(self, rhs: ColumnExpr) -> ColumnExpr {
                ColumnExpr::binary(BinaryOp::$op, lit(self), rhs)
            }
        }
    )*};
}

literal_lhs!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64; Add add Add, Sub sub Sub, Mul mul Mul, Div div Div);
literal_lhs!(bool; BitAnd bitand And, BitOr bitor Or);

impl ops::Neg for ColumnExpr {
    type Output = ColumnExpr;
    /// `-self` (ENG-EXPR-5).
    fn neg(self) -> ColumnExpr {
        ColumnExpr::unary(UnaryOp::Neg, self)
    }
}

impl ops::Neg for &ColumnExpr {
    type Output = ColumnExpr;
    /// `-self` on a clone.
    fn neg(self) -> ColumnExpr {
        ColumnExpr::unary(UnaryOp::Neg, self.clone())
    }
}

impl ops::Not for ColumnExpr {
    type Output = ColumnExpr;
    /// Logical `NOT self` (Fugue's `~e`, ENG-EXPR-5).
    fn not(self) -> ColumnExpr {
        ColumnExpr::unary(UnaryOp::Not, self)
    }
}

impl ops::Not for &ColumnExpr {
    type Output = ColumnExpr;
    /// Logical `NOT self` on a clone.
    fn not(self) -> ColumnExpr {
        ColumnExpr::unary(UnaryOp::Not, self.clone())
    }
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

/// How [`ColumnExpr::render`] spells identifiers and types. The default (used
/// by `Display`) quotes with backticks and names types as in the schema
/// grammar (`long`, `str`, `[int]`, SCH-TYPE-2).
#[derive(Clone, Copy, Debug)]
pub struct RenderStyle {
    /// The identifier quote character (backtick by default; `"` for ANSI SQL).
    /// Inside a quoted name it is doubled.
    pub identifier_quote: char,
    /// How a cast target type is written.
    pub type_name: fn(&DataType) -> String,
}

impl Default for RenderStyle {
    fn default() -> Self {
        RenderStyle { identifier_quote: '`', type_name: crate::schema::data_type_to_expr }
    }
}

impl ColumnExpr {
    /// SQL-like text of the expression in `style`.
    ///
    /// Shape: columns are identifiers (quoted when not a simple identifier or
    /// when a SQL keyword); string literals use single quotes with `''` for a
    /// quote; binary operations are always parenthesised (`(a + 1)`); unary
    /// operands and negative numbers are parenthesised when not atomic
    /// (`-(-a)`, `(a - (-1))`); a cast is `CAST(e AS t)`; the top-level alias is
    /// ` AS name`. Aliases of sub-expressions are not rendered (SQL has none).
    /// Non-finite floats render as `CAST('NaN' AS double)` and the like.
    pub fn render(&self, style: &RenderStyle) -> String {
        let mut s = String::new();
        self.render_into(&mut s, style, true);
        s
    }

    fn render_into(&self, s: &mut String, style: &RenderStyle, top: bool) {
        if let Some(t) = &self.cast {
            s.push_str("CAST(");
            self.render_body(s, style);
            s.push_str(" AS ");
            s.push_str(&(style.type_name)(t));
            s.push(')');
        } else {
            self.render_body(s, style);
        }
        if top && let Some(a) = &self.alias {
            s.push_str(" AS ");
            push_ident(s, a, style.identifier_quote);
        }
    }

    /// Whether the rendering of this expression is safe as an operand.
    fn is_atomic(&self) -> bool {
        if self.cast.is_some() {
            return true;
        }
        match &self.kind {
            ExprKind::Unary(..) => false,
            ExprKind::Literal(Value::Int64(v)) => *v >= 0,
            ExprKind::Literal(Value::Float64(v)) => !v.is_sign_negative() || !v.is_finite(),
            _ => true,
        }
    }

    fn render_operand(&self, s: &mut String, style: &RenderStyle) {
        if self.is_atomic() {
            self.render_into(s, style, false);
        } else {
            s.push('(');
            self.render_into(s, style, false);
            s.push(')');
        }
    }

    fn render_body(&self, s: &mut String, style: &RenderStyle) {
        match &self.kind {
            ExprKind::Column(n) => push_ident(s, n, style.identifier_quote),
            ExprKind::Wildcard => s.push('*'),
            ExprKind::Literal(v) => push_literal(s, v, style),
            ExprKind::Unary(op, e) => match op {
                UnaryOp::Neg => {
                    s.push('-');
                    e.render_operand(s, style);
                }
                UnaryOp::Not => {
                    s.push_str("NOT ");
                    e.render_operand(s, style);
                }
                UnaryOp::IsNull | UnaryOp::NotNull => {
                    e.render_operand(s, style);
                    s.push_str(if *op == UnaryOp::IsNull { " IS NULL" } else { " IS NOT NULL" });
                }
            },
            ExprKind::Binary(op, l, r) => {
                s.push('(');
                l.render_operand(s, style);
                s.push(' ');
                s.push_str(op.sql());
                s.push(' ');
                r.render_operand(s, style);
                s.push(')');
            }
            ExprKind::Function(f, args) => {
                s.push_str(f.sql());
                s.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    a.render_into(s, style, false);
                }
                s.push(')');
            }
            ExprKind::Agg(f, e) => {
                s.push_str(f.sql());
                s.push('(');
                if f.is_distinct() {
                    s.push_str("DISTINCT ");
                }
                e.render_into(s, style, false);
                s.push(')');
            }
        }
    }
}

impl fmt::Display for ColumnExpr {
    /// [`ColumnExpr::render`] in the default [`RenderStyle`]: `(a + 1) AS x`,
    /// `CAST(a AS long)`, `COUNT(*)`, `'it''s'`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&RenderStyle::default()))
    }
}

const SQL_KEYWORDS: &[&str] = &[
    "ALL",
    "AND",
    "AS",
    "ASC",
    "BETWEEN",
    "BY",
    "CASE",
    "CAST",
    "CROSS",
    "DESC",
    "DISTINCT",
    "ELSE",
    "END",
    "EXCEPT",
    "FALSE",
    "FROM",
    "FULL",
    "GROUP",
    "HAVING",
    "IN",
    "INNER",
    "INTERSECT",
    "IS",
    "JOIN",
    "LEFT",
    "LIKE",
    "LIMIT",
    "NOT",
    "NULL",
    "ON",
    "OR",
    "ORDER",
    "OUTER",
    "RIGHT",
    "SELECT",
    "THEN",
    "TRUE",
    "UNION",
    "USING",
    "WHEN",
    "WHERE",
    "WITH",
];

/// A simple identifier per SCH-PRINT-2 that is not a SQL keyword.
fn is_bare_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.chars().all(|c| c == '_')
        && !SQL_KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name))
}

fn push_ident(s: &mut String, name: &str, quote: char) {
    if is_bare_identifier(name) {
        s.push_str(name);
        return;
    }
    s.push(quote);
    for c in name.chars() {
        if c == quote {
            s.push(quote);
        }
        s.push(c);
    }
    s.push(quote);
}

fn push_literal(s: &mut String, v: &Value, style: &RenderStyle) {
    match v {
        Value::Null => s.push_str("NULL"),
        Value::Bool(b) => s.push_str(if *b { "TRUE" } else { "FALSE" }),
        Value::Int64(i) => s.push_str(&i.to_string()),
        Value::UInt64(i) => s.push_str(&i.to_string()),
        Value::Float64(x) if x.is_finite() => s.push_str(&format!("{x:?}")),
        Value::Float64(x) => {
            let text = if x.is_nan() {
                "NaN"
            } else if *x > 0.0 {
                "inf"
            } else {
                "-inf"
            };
            s.push_str(&format!("CAST('{text}' AS {})", (style.type_name)(&DataType::Float64)));
        }
        Value::Str(t) => {
            s.push('\'');
            s.push_str(&t.replace('\'', "''"));
            s.push('\'');
        }
        // unreachable by the ColumnExpr invariants; render something readable
        other => s.push_str(&format!("{other:?}")),
    }
}
