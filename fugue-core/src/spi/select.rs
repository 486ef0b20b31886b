//! Select / filter / assign / aggregate as typed plans (`spec/ENGINE.md`
//! §12, ENG-SEL-1..8, ENG-FILTER-1, ENG-ASSIGN-1..3, ENG-AGG-1..3), built
//! once here so every engine executes the same steps:
//!
//! 1. filter the input by [`SelectPlan::where_`] (a bool [`TypedExpr`]);
//! 2. with [`SelectPlan::aggregation`]: group by the typed
//!    [`AggregationPlan::keys`] (null keys form one group; no keys → one
//!    row, also for empty input) and compute the [`AggregationPlan::aggs`]
//!    per group, giving a frame of hidden columns
//!    ([`AggregationPlan::schema`]: `__fugue_key_j` then `__fugue_agg_i`);
//! 3. filter that frame by [`SelectPlan::having`];
//! 4. project [`SelectPlan::columns`] (over the input, or over the hidden
//!    columns with aggregation) and drop duplicate rows when
//!    [`SelectPlan::is_distinct`].
//!
//! The aggregating rewrite (the native engine's): every select item and the
//! `having` condition are rewritten so that group keys (compared without
//! alias and cast, ENG-SEL-5) become references to `__fugue_key_j` and
//! aggregates become references to `__fugue_agg_i` (deduplicated), then
//! resolved over the hidden columns and cast to the item's inferred type.

use arrow::datatypes::{DataType, Field};
use std::sync::Arc;

use super::typed::{TypedAgg, TypedExpr, resolve, resolve_agg, resolve_predicate};
use crate::error::{Error, Result};
use crate::expr::{
    ColumnExpr, ExprKind, SelectColumns, aggregate_select, assign_select, check_columns_exist,
    validate_filter, validate_select,
};
use crate::schema::Schema;

/// The grouping step of an aggregating [`SelectPlan`].
#[derive(Clone, Debug, PartialEq)]
pub struct AggregationPlan {
    keys: Vec<TypedExpr>,
    aggs: Vec<TypedAgg>,
    schema: Schema,
}

impl AggregationPlan {
    /// The group keys, typed over the (filtered) input; key `j` becomes the
    /// hidden column [`AggregationPlan::key_name`]`(j)`.
    pub fn keys(&self) -> &[TypedExpr] {
        &self.keys
    }

    /// The aggregates, typed over the input; aggregate `i` becomes the hidden
    /// column [`AggregationPlan::agg_name`]`(i)` of type
    /// [`TypedAgg::data_type`].
    pub fn aggs(&self) -> &[TypedAgg] {
        &self.aggs
    }

    /// The schema of the aggregated frame: the keys then the aggregates, by
    /// their hidden names and types (the schema `having` and the output
    /// columns are resolved against).
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The hidden name of group key `j`: `__fugue_key_j`.
    pub fn key_name(j: usize) -> String {
        format!("__fugue_key_{j}")
    }

    /// The hidden name of aggregate `i`: `__fugue_agg_i`.
    pub fn agg_name(i: usize) -> String {
        format!("__fugue_agg_{i}")
    }
}

/// One output column: its name and typed expression.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputColumn {
    name: String,
    expr: TypedExpr,
}

impl OutputColumn {
    /// The output name (ENG-EXPR-NAME-*).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The typed expression; its type is the output column's type (ENG-SEL-8).
    pub fn expr(&self) -> &TypedExpr {
        &self.expr
    }
}

/// A typed `SELECT` (see the module docs for the steps).
#[derive(Clone, Debug, PartialEq)]
pub struct SelectPlan {
    where_: Option<TypedExpr>,
    aggregation: Option<AggregationPlan>,
    having: Option<TypedExpr>,
    columns: Vec<OutputColumn>,
    distinct: bool,
}

impl SelectPlan {
    /// The bool condition on the input rows, applied first.
    pub fn where_(&self) -> Option<&TypedExpr> {
        self.where_.as_ref()
    }

    /// The grouping step; `None` without aggregation.
    pub fn aggregation(&self) -> Option<&AggregationPlan> {
        self.aggregation.as_ref()
    }

    /// The bool condition on the aggregated frame ([`AggregationPlan::schema`]);
    /// only with aggregation.
    pub fn having(&self) -> Option<&TypedExpr> {
        self.having.as_ref()
    }

    /// The output columns in order (`*` already expanded, ENG-SEL-3, ENG-SEL-8),
    /// over the input schema, or over [`AggregationPlan::schema`] with
    /// aggregation.
    pub fn columns(&self) -> &[OutputColumn] {
        &self.columns
    }

    /// True for `SELECT DISTINCT` (ENG-SEL-7): duplicate output rows are dropped last.
    pub fn is_distinct(&self) -> bool {
        self.distinct
    }

    /// The output columns as `(name, type)` pairs, in order.
    pub fn output_types(&self) -> Vec<(String, DataType)> {
        self.columns.iter().map(|c| (c.name.clone(), c.expr.data_type().clone())).collect()
    }
}

fn output_name(item: &ColumnExpr) -> Result<String> {
    item.output_name().map(str::to_string).ok_or_else(|| {
        Error::arg("select", format!("`{item}` has no output name, give it an alias"))
    })
}

/// Plans `select(df, cols, where_, having)` over input `schema`
/// (ENG-SEL-1..8): validation, `*` expansion, typing and the aggregating
/// rewrite (see the module docs).
///
/// # Errors
/// * `ERR-ARG` per [`validate_select`] and [`SelectColumns::replace_wildcard`],
///   for a column used outside an aggregation that is not a group key, and
///   for type errors (see [`super::typed`]);
/// * `ERR-NOT-FOUND` for a column missing from `schema`.
pub fn plan_select(
    schema: &Schema,
    cols: &SelectColumns,
    where_: Option<&ColumnExpr>,
    having: Option<&ColumnExpr>,
) -> Result<SelectPlan> {
    validate_select(cols, where_, having)?;
    let cols = cols.replace_wildcard(schema)?;
    cols.check_columns_exist(schema)?;
    for cond in where_.iter().chain(having.iter()) {
        check_columns_exist(cond, schema)?;
    }
    let where_ = where_.map(|w| resolve_predicate(w, schema)).transpose()?;
    let distinct = cols.is_distinct();
    if !cols.has_agg() {
        let columns = cols
            .items()
            .iter()
            .map(|i| Ok(OutputColumn { name: output_name(i)?, expr: resolve(i, schema)? }))
            .collect::<Result<Vec<_>>>()?;
        return Ok(SelectPlan { where_, aggregation: None, having: None, columns, distinct });
    }
    let group_keys = cols.group_keys();
    let mut rewriter = Rewriter { keys: &group_keys, aggs: Vec::new() };
    let items = cols.items().iter().map(|i| rewriter.rewrite(i)).collect::<Result<Vec<_>>>()?;
    let having = having.map(|h| rewriter.rewrite(h)).transpose()?;

    let keys = group_keys.iter().map(|k| resolve(k, schema)).collect::<Result<Vec<_>>>()?;
    let aggs = rewriter.aggs.iter().map(|a| resolve_agg(a, schema)).collect::<Result<Vec<_>>>()?;
    let fields = keys
        .iter()
        .enumerate()
        .map(|(j, k)| (AggregationPlan::key_name(j), k.data_type()))
        .chain(aggs.iter().enumerate().map(|(i, a)| (AggregationPlan::agg_name(i), a.data_type())))
        .map(|(n, t)| Arc::new(Field::new(n, t.clone(), true)));
    let agg_schema = Schema::from_fields_unchecked_types(fields)?;
    let having = having.map(|h| resolve_predicate(&h, &agg_schema)).transpose()?;
    let mut columns = Vec::with_capacity(items.len());
    for (item, original) in items.iter().zip(cols.items()) {
        let mut expr = resolve(item, &agg_schema)?;
        if let Some(t) = original.infer_type(schema) {
            expr = expr.cast_to(&t);
        }
        columns.push(OutputColumn { name: output_name(original)?, expr });
    }
    let aggregation = Some(AggregationPlan { keys, aggs, schema: agg_schema });
    Ok(SelectPlan { where_, aggregation, having, columns, distinct })
}

/// Plans `filter(df, condition)` (ENG-FILTER-1): the typed bool condition
/// over `schema` (rows where it is true are kept; schema unchanged).
///
/// # Errors
/// `ERR-ARG` per [`validate_filter`] or for a non-bool condition;
/// `ERR-NOT-FOUND` for a missing column.
pub fn plan_filter(schema: &Schema, condition: &ColumnExpr) -> Result<TypedExpr> {
    validate_filter(condition)?;
    check_columns_exist(condition, schema)?;
    resolve_predicate(condition, schema)
}

/// Plans `assign(df, exprs)` (ENG-ASSIGN-1..3) as the equivalent select
/// ([`assign_select`]); `None` for an empty `exprs` (the input is returned
/// unchanged).
///
/// # Errors
/// As [`super::validate_assign`] and [`plan_select`].
pub fn plan_assign(schema: &Schema, exprs: &[ColumnExpr]) -> Result<Option<SelectPlan>> {
    let cols = assign_select(exprs, schema)?;
    if exprs.is_empty() {
        return Ok(None);
    }
    plan_select(schema, &cols, None, None).map(Some)
}

/// Plans `aggregate(df, keys, aggs)` (ENG-AGG-1..3) as the equivalent select
/// ([`aggregate_select`]): the keys in order, then the aggregations.
///
/// # Errors
/// As [`aggregate_select`] and [`plan_select`].
pub fn plan_aggregate<S: AsRef<str>>(
    schema: &Schema,
    keys: &[S],
    aggs: &[ColumnExpr],
) -> Result<SelectPlan> {
    plan_select(schema, &aggregate_select(keys, aggs)?, None, None)
}

/// Rewrites expressions of an aggregating select over the aggregated frame:
/// group keys → `__fugue_key_j`, aggregates → `__fugue_agg_i` (collected in
/// `aggs`, deduplicated), casts and aliases kept.
struct Rewriter<'a> {
    keys: &'a [ColumnExpr],
    aggs: Vec<ColumnExpr>,
}

impl Rewriter<'_> {
    fn rewrite(&mut self, e: &ColumnExpr) -> Result<ColumnExpr> {
        let body = e.body();
        let kind = if let Some(j) = self.keys.iter().position(|k| *k == body) {
            ExprKind::Column(AggregationPlan::key_name(j))
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
                    ExprKind::Column(AggregationPlan::agg_name(i))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::expr::{BinaryOp, col, functions as f, lit, null};
    use crate::spi::typed::TypedKind;

    fn schema() -> Schema {
        "a:int,u:ubyte,s:str,b:bool,d:double".parse().expect("schema")
    }

    fn ty(e: ColumnExpr) -> DataType {
        resolve(&e, &schema()).expect("resolves").data_type().clone()
    }

    fn err(e: ColumnExpr) -> ErrorKind {
        resolve(&e, &schema()).expect_err("fails").kind()
    }

    #[test]
    fn eng_expr_type_node_types() {
        assert_eq!(ty(col("a") + 1), DataType::Int32, "a literal adopts the column type");
        assert_eq!(ty(col("a") / 2), DataType::Float64);
        assert_eq!(ty(col("a") * col("d")), DataType::Float64);
        assert_eq!(ty(col("a") + col("u")), DataType::Int64, "signed with narrow unsigned");
        assert_eq!(ty(-col("u")), DataType::Int64);
        assert_eq!(ty(lit(1)), DataType::Int64);
        assert_eq!(ty(col("a").cast(DataType::Utf8)), DataType::Utf8);
        assert_eq!(ty(col("s").is_null()), DataType::Boolean);
        assert_eq!(ty(crate::expr::coalesce([col("a"), col("d")])), DataType::Float64);
        assert_eq!(ty(col("a") + null()), DataType::Int32);
    }

    #[test]
    fn implicit_conversions_are_cast_nodes() {
        let t = resolve(&(col("a") + 1), &schema()).expect("resolves");
        let TypedKind::Binary(BinaryOp::Add, l, r) = t.kind() else { panic!("{t:?}") };
        assert_eq!(l.kind(), &TypedKind::Column { name: "a".into(), index: 0 });
        assert!(matches!(r.kind(), TypedKind::Cast(x) if x.is_literal()));
        assert_eq!(r.data_type(), &DataType::Int32);
        let t = resolve(&col("a").gt(1.5), &schema()).expect("resolves");
        let TypedKind::Binary(BinaryOp::Gt, l, _) = t.kind() else { panic!("{t:?}") };
        assert_eq!(l.data_type(), &DataType::Float64);
        let t = resolve(&col("a").eq(null()), &schema()).expect("resolves");
        assert_eq!(t, TypedExpr::null_of(DataType::Boolean));
    }

    #[test]
    fn eng_expr_sem_5_type_errors() {
        assert_eq!(err(col("s") + 1), ErrorKind::InvalidArgument);
        assert_eq!(err(col("b") - 1), ErrorKind::InvalidArgument);
        assert_eq!(err(col("s").eq(col("a"))), ErrorKind::InvalidArgument);
        assert_eq!(err(!col("a")), ErrorKind::InvalidArgument);
        assert_eq!(err(col("a") & col("b")), ErrorKind::InvalidArgument);
        assert_eq!(err(-col("s")), ErrorKind::InvalidArgument);
        assert_eq!(err(crate::expr::coalesce([col("s"), col("a")])), ErrorKind::InvalidArgument);
        assert_eq!(err(f::max(col("a"))), ErrorKind::InvalidArgument);
        assert_eq!(err(col("zz") + 1), ErrorKind::NotFound);
        let e = resolve_predicate(&col("a"), &schema()).expect_err("not bool");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        let e = resolve_agg(&f::sum(col("s")), &schema()).expect_err("sum of str");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn eng_expr_sem_4_aggregate_types() {
        let s = schema();
        let t = |e: ColumnExpr| resolve_agg(&e, &s).expect("resolves").data_type().clone();
        assert_eq!(t(f::sum(col("a"))), DataType::Int64);
        assert_eq!(t(f::sum(col("u"))), DataType::UInt64);
        assert_eq!(t(f::avg(col("a"))), DataType::Float64);
        assert_eq!(t(f::count(crate::expr::all_cols())), DataType::Int64);
        assert_eq!(t(f::max(col("s"))), DataType::Utf8);
        let sum = resolve_agg(&f::sum(col("a")), &s).expect("resolves");
        assert_eq!(sum.arg().map(TypedExpr::data_type), Some(&DataType::Int64));
    }

    #[test]
    fn eng_sel_5_aggregating_select_is_rewritten_once() {
        let cols = SelectColumns::new(
            vec![col("s"), (f::max(col("a")) + 1).alias("m"), lit(1).alias("one")],
            false,
        )
        .expect("cols");
        let having = f::count(col("a")).gt(0);
        let plan = plan_select(&schema(), &cols, Some(&col("b")), Some(&having)).expect("plan");
        let agg = plan.aggregation().expect("aggregates");
        assert_eq!(agg.keys().len(), 1);
        assert_eq!(agg.aggs().len(), 2, "max(a) and the having's count(a)");
        assert_eq!(agg.schema().names(), vec!["__fugue_key_0", "__fugue_agg_0", "__fugue_agg_1"]);
        assert_eq!(
            plan.output_types(),
            vec![
                ("s".to_string(), DataType::Utf8),
                ("m".to_string(), DataType::Int32),
                ("one".to_string(), DataType::Int64),
            ]
        );
        assert!(plan.having().is_some() && plan.where_().is_some());
    }

    #[test]
    fn eng_sel_errors() {
        let s = schema();
        let cols = SelectColumns::new(vec![col("s"), f::max(col("a")) + col("d")], false);
        let cols = cols.map(|c| plan_select(&s, &c, None, None));
        assert_eq!(cols.and_then(|r| r).expect_err("d").kind(), ErrorKind::InvalidArgument);
        let cols = SelectColumns::from_names(["zz"], false).expect("cols");
        assert_eq!(plan_select(&s, &cols, None, None).expect_err("zz").kind(), ErrorKind::NotFound);
        assert_eq!(
            plan_filter(&s, &col("a")).expect_err("not bool").kind(),
            ErrorKind::InvalidArgument
        );
        assert!(plan_assign(&s, &[]).expect("empty").is_none());
        let plan = plan_aggregate(&s, &["s"], &[f::sum(col("a")).alias("t")]).expect("plan");
        assert_eq!(plan.output_types()[1], ("t".to_string(), DataType::Int64));
    }
}
