//! [`SelectColumns`] and the validation rules of select, filter, assign and
//! aggregate (`spec/ENGINE.md` §12), shared by every engine so all engines give
//! the same errors for the same input.

use std::collections::HashSet;
use std::fmt;

use arrow::datatypes::DataType;

use super::{AggFunc, ColumnExpr, ExprKind, col};
use crate::error::{Error, Result};
use crate::schema::Schema;

/// The ordered items of a `SELECT` plus the `DISTINCT` flag (Fugue's
/// `SelectColumns`), validated on construction (ENG-SEL-1, ENG-SEL-2).
///
/// Items are stored with their inferred names made explicit aliases
/// ([`ColumnExpr::infer_alias`]), like Fugue's `all_cols`: `max(col("b"))` is
/// stored as `MAX(b) AS b`, `col("a").cast(long)` as `CAST(a AS long) AS a`,
/// while a bare `col("a")` stays as is. So every item except `*` has an
/// [`output_name`](ColumnExpr::output_name), and the names are unique.
///
/// Output shape (ENG-SEL-8): one column per item in item order, `*` expanding
/// to all input columns at its position (ENG-SEL-3); types per
/// [`ColumnExpr::infer_type`] ([`output_schema_hint`](SelectColumns::output_schema_hint)).
/// With aggregation the rows are grouped by [`group_keys`](SelectColumns::group_keys)
/// (ENG-SEL-5); `distinct` removes duplicate output rows (ENG-SEL-7).
#[derive(Clone, Debug, PartialEq)]
pub struct SelectColumns {
    items: Vec<ColumnExpr>,
    distinct: bool,
    has_agg: bool,
    wildcard: Option<usize>,
}

/// `ERR-ARG` unless every `*` in `e` is the direct, unaliased, uncast argument
/// of `count` / `count_distinct`.
fn check_nested_wildcards(e: &ColumnExpr, context: &str) -> Result<()> {
    if let ExprKind::Agg(AggFunc::Count | AggFunc::CountDistinct, arg) = e.kind()
        && arg.is_wildcard()
    {
        return check_bare_wildcard(arg, context);
    }
    if e.is_wildcard() {
        return Err(Error::arg(
            context,
            format!(
                "`*` can only be a whole select item or the argument of count / count_distinct, \
                 found in `{e}`"
            ),
        ));
    }
    e.children().into_iter().try_for_each(|c| check_nested_wildcards(c, context))
}

/// `ERR-ARG` when a `*` carries an alias or a cast.
fn check_bare_wildcard(w: &ColumnExpr, context: &str) -> Result<()> {
    if w.alias_name().is_some() || w.cast_type().is_some() {
        return Err(Error::arg(context, format!("`*` can't have an alias or a cast: `{w}`")));
    }
    Ok(())
}

/// `ERR-ARG` for an aggregate inside an aggregate (`max(min(a))`), which no
/// engine can evaluate.
fn check_nested_agg(e: &ColumnExpr, context: &str) -> Result<()> {
    if let ExprKind::Agg(_, arg) = e.kind() {
        if arg.is_agg() {
            return Err(Error::arg(context, format!("nested aggregation in `{e}`")));
        }
        return Ok(());
    }
    e.children().into_iter().try_for_each(|c| check_nested_agg(c, context))
}

impl SelectColumns {
    /// Validates and builds a select list.
    ///
    /// # Errors
    /// `ERR-ARG` when:
    /// * `items` is empty;
    /// * `*` appears more than once, carries an alias or cast, or appears
    ///   nested anywhere but as the argument of `count` / `count_distinct`
    ///   (ENG-SEL-1);
    /// * `*` is combined with any aggregation (ENG-SEL-1);
    /// * a non-`*` item has no output name, or two items share one (ENG-SEL-2);
    /// * `*` is present and a column item (`col(x)`, also when cast) has no
    ///   explicit alias, e.g. `select("*", "x")` (ENG-SEL-2);
    /// * an aggregate is nested in another aggregate (`max(min(a))`).
    pub fn new(items: Vec<ColumnExpr>, distinct: bool) -> Result<Self> {
        if items.is_empty() {
            return Err(Error::arg("select", "at least one column is required"));
        }
        Self::build(items, distinct)
    }

    /// [`SelectColumns::new`] from column names (API string items, ENG-SEL):
    /// each name is [`col`], and `"*"` is [`all_cols`](super::all_cols).
    ///
    /// # Errors
    /// As [`SelectColumns::new`].
    pub fn from_names<I, S>(names: I, distinct: bool) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::new(names.into_iter().map(|n| col(n.as_ref())).collect(), distinct)
    }

    /// Validation without the non-empty check (an expanded `*` over an empty
    /// schema is empty).
    fn build(items: Vec<ColumnExpr>, distinct: bool) -> Result<Self> {
        const CTX: &str = "select";
        let mut wildcard = None;
        for (i, item) in items.iter().enumerate() {
            if item.is_wildcard() {
                check_bare_wildcard(item, CTX)?;
                if wildcard.is_some() {
                    return Err(Error::arg(CTX, "`*` can be used at most once"));
                }
                wildcard = Some(i);
            } else {
                check_nested_wildcards(item, CTX)?;
                check_nested_agg(item, CTX)?;
            }
        }
        let has_agg = items.iter().any(ColumnExpr::is_agg);
        if has_agg && wildcard.is_some() {
            return Err(Error::arg(CTX, "`*` can't be used together with aggregation"));
        }
        let mut names: HashSet<&str> = HashSet::new();
        for item in items.iter().filter(|i| !i.is_wildcard()) {
            if wildcard.is_some() && item.is_column() && item.alias_name().is_none() {
                return Err(Error::arg(
                    CTX,
                    format!("with `*`, every column item needs an explicit alias: `{item}`"),
                ));
            }
            let Some(name) = item.output_name() else {
                return Err(Error::arg(
                    CTX,
                    format!("`{item}` has no output name, give it an alias"),
                ));
            };
            if !names.insert(name) {
                return Err(Error::arg(CTX, format!("duplicate output name `{name}`")));
            }
        }
        let items = items.into_iter().map(ColumnExpr::infer_alias).collect();
        Ok(SelectColumns { items, distinct, has_agg, wildcard })
    }

    /// The items in order, with inferred aliases made explicit (see the type docs).
    pub fn items(&self) -> &[ColumnExpr] {
        &self.items
    }

    /// The items, consuming the select.
    pub fn into_items(self) -> Vec<ColumnExpr> {
        self.items
    }

    /// True for `SELECT DISTINCT` (ENG-SEL-7).
    pub fn is_distinct(&self) -> bool {
        self.distinct
    }

    /// True when any item is an aggregation (ENG-EXPR-14); then the select
    /// groups by [`group_keys`](SelectColumns::group_keys) (ENG-SEL-5).
    pub fn has_agg(&self) -> bool {
        self.has_agg
    }

    /// True when an item is `*` (never together with aggregation).
    pub fn has_wildcard(&self) -> bool {
        self.wildcard.is_some()
    }

    /// The position of the `*` item, if any.
    pub fn wildcard_position(&self) -> Option<usize> {
        self.wildcard
    }

    /// True when some item is a literal (ENG-SEL-6).
    pub fn has_literals(&self) -> bool {
        self.items.iter().any(ColumnExpr::is_literal)
    }

    /// True when every item is `*` or an uncast column (aliases allowed): the
    /// select is a projection plus renames. Deviation from Fugue's
    /// `simple`, which also counts cast columns: excluding them makes the
    /// projection shortcut exact.
    pub fn simple(&self) -> bool {
        self.items.iter().all(|i| i.is_wildcard() || (i.is_column() && i.cast_type().is_none()))
    }

    /// The inferred group keys (ENG-SEL-5): empty without aggregation;
    /// otherwise every item that is neither an aggregation nor a literal,
    /// stripped of alias and cast ([`ColumnExpr::body`]), in item order.
    /// Empty with aggregation means one global group.
    pub fn group_keys(&self) -> Vec<ColumnExpr> {
        if !self.has_agg {
            return vec![];
        }
        self.non_agg_items().into_iter().map(ColumnExpr::body).collect()
    }

    /// The aggregation items (those containing an aggregate), in order.
    pub fn agg_items(&self) -> Vec<&ColumnExpr> {
        self.items.iter().filter(|i| i.is_agg()).collect()
    }

    /// The literal items, in order (ENG-SEL-6: with aggregation they are
    /// evaluated per output row at their positions).
    pub fn literal_items(&self) -> Vec<&ColumnExpr> {
        self.items.iter().filter(|i| i.is_literal()).collect()
    }

    /// Items that are neither aggregations nor literals nor `*`, in order, with
    /// their aliases and casts (with aggregation: the group keys as selected).
    pub fn non_agg_items(&self) -> Vec<&ColumnExpr> {
        self.items.iter().filter(|i| !i.is_agg() && !i.is_literal() && !i.is_wildcard()).collect()
    }

    /// The same select with `*` replaced by `col(n)` for every column `n` of
    /// `schema`, in order, at the position of `*` (ENG-SEL-3). Only a whole `*`
    /// item is replaced (`count(*)` stays). Without `*` it is a clone.
    ///
    /// # Errors
    /// `ERR-ARG` when an expanded name duplicates another item's output name
    /// (ENG-SEL-2), e.g. `select("*", col("x").alias("a"))` over `a, x`.
    pub fn replace_wildcard(&self, schema: &Schema) -> Result<SelectColumns> {
        if self.wildcard.is_none() {
            return Ok(self.clone());
        }
        let mut items = Vec::with_capacity(self.items.len() + schema.len());
        for item in &self.items {
            if item.is_wildcard() {
                items.extend(schema.names().into_iter().map(col));
            } else {
                items.push(item.clone());
            }
        }
        Self::build(items, self.distinct)
    }

    /// The output columns as `(name, type)` for input `schema` (ENG-SEL-8):
    /// `*` expands to the input columns with their types; other items give
    /// their output name and [`ColumnExpr::infer_type`] (`None` = not inferable;
    /// the engine then keeps its own type). Engines MUST cast each `Some` type
    /// that differs from their raw result (ENG-EXPR-TYPE).
    pub fn output_schema_hint(&self, schema: &Schema) -> Vec<(String, Option<DataType>)> {
        let mut out = Vec::with_capacity(self.items.len());
        for item in &self.items {
            if item.is_wildcard() {
                out.extend(
                    schema.fields().iter().map(|f| (f.name().clone(), Some(f.data_type().clone()))),
                );
            } else {
                out.push((
                    item.output_name().unwrap_or_default().to_string(),
                    item.infer_type(schema),
                ));
            }
        }
        out
    }

    /// Checks that every column the items reference exists in `schema`.
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` naming the first missing column.
    pub fn check_columns_exist(&self, schema: &Schema) -> Result<()> {
        self.items.iter().try_for_each(|i| check_columns_exist(i, schema))
    }
}

impl fmt::Display for SelectColumns {
    /// The select list as SQL-like text: `DISTINCT a, MAX(b) AS b`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}

/// Checks that every column `expr` references exists in `schema`.
///
/// # Errors
/// `ERR-NOT-FOUND` (`column`) naming the first missing column and listing the
/// available ones.
pub fn check_columns_exist(expr: &ColumnExpr, schema: &Schema) -> Result<()> {
    match expr.columns().into_iter().find(|c| !schema.contains(c)) {
        Some(missing) => Err(Error::not_found("column", missing, schema.names())),
        None => Ok(()),
    }
}

/// Validates the `where` and `having` of `select(df, cols, where, having)`.
/// Aliases of the conditions are ignored.
///
/// # Errors
/// `ERR-ARG` when `where_` contains an aggregation (ENG-SEL-4) or any `*`;
/// when `having` is given but `cols` has no aggregation (ENG-SEL-3, the Rust
/// SHOULD; Py silently ignores it); when `having` uses `*` other than in
/// `count(*)` or nests aggregates.
pub fn validate_select(
    cols: &SelectColumns,
    where_: Option<&ColumnExpr>,
    having: Option<&ColumnExpr>,
) -> Result<()> {
    if let Some(w) = where_ {
        if w.is_agg() {
            return Err(Error::arg("where", format!("`{w}` contains an aggregation")));
        }
        check_nested_wildcards(w, "where")?;
    }
    if let Some(h) = having {
        if !cols.has_agg() {
            return Err(Error::arg(
                "having",
                format!("`{h}` is given but the select has no aggregation"),
            ));
        }
        check_nested_wildcards(h, "having")?;
        check_nested_agg(h, "having")?;
    }
    Ok(())
}

/// Validates the condition of `filter(df, cond)` (ENG-FILTER-1: select `*`
/// where `cond`, schema unchanged).
///
/// # Errors
/// `ERR-ARG` when `cond` contains an aggregation or a `*`.
pub fn validate_filter(cond: &ColumnExpr) -> Result<()> {
    if cond.is_agg() {
        return Err(Error::arg("filter", format!("`{cond}` contains an aggregation")));
    }
    check_nested_wildcards(cond, "filter")
}

/// Where an `assign` expression goes (ENG-ASSIGN-2).
#[derive(Clone, Debug, PartialEq)]
pub enum AssignTarget {
    /// Replaces the input column at `position` in place; `expr` is aliased
    /// with that column's name.
    Replace {
        /// Index of the replaced column in the input schema.
        position: usize,
        /// The new value, aliased with the column name.
        expr: ColumnExpr,
    },
    /// Appended after the input columns (in the given order); `expr` is aliased
    /// with its output name.
    Append {
        /// The new column, aliased with its output name.
        expr: ColumnExpr,
    },
}

impl AssignTarget {
    /// The expression (always aliased).
    pub fn expr(&self) -> &ColumnExpr {
        match self {
            AssignTarget::Replace { expr, .. } | AssignTarget::Append { expr } => expr,
        }
    }

    /// The output column name.
    pub fn name(&self) -> &str {
        self.expr().alias_name().unwrap_or_default()
    }
}

/// Validates `assign(df, exprs)` against the input `schema` (ENG-ASSIGN-1,
/// ENG-ASSIGN-2). An empty `exprs` is valid (nothing changes).
///
/// # Errors
/// * `ERR-ARG` when an expression contains `*` or an aggregation, has no
///   output name, or two expressions share an output name;
/// * `ERR-NOT-FOUND` when an expression references a column not in `schema`.
pub fn validate_assign(exprs: &[ColumnExpr], schema: &Schema) -> Result<()> {
    const CTX: &str = "assign";
    let mut names: HashSet<&str> = HashSet::new();
    for e in exprs {
        if e.contains_wildcard() {
            return Err(Error::arg(CTX, format!("`*` is not allowed: `{e}`")));
        }
        if e.is_agg() {
            return Err(Error::arg(CTX, format!("aggregation is not allowed: `{e}`")));
        }
        let Some(name) = e.output_name() else {
            return Err(Error::arg(CTX, format!("`{e}` has no output name, give it an alias")));
        };
        if !names.insert(name) {
            return Err(Error::arg(CTX, format!("duplicate output name `{name}`")));
        }
    }
    exprs.iter().try_for_each(|e| check_columns_exist(e, schema))
}

/// Where each `assign` expression goes (ENG-ASSIGN-2): an output name equal to
/// an input column replaces it in place, other names are appended in the given
/// order. One target per expression, in the order of `exprs`.
///
/// # Errors
/// As [`validate_assign`].
pub fn assign_plan(exprs: &[ColumnExpr], schema: &Schema) -> Result<Vec<AssignTarget>> {
    validate_assign(exprs, schema)?;
    Ok(exprs
        .iter()
        .map(|e| {
            let name = e.output_name().unwrap_or_default().to_string();
            let position = schema.index_of(&name).ok();
            let expr = e.clone().alias(name);
            match position {
                Some(position) => AssignTarget::Replace { position, expr },
                None => AssignTarget::Append { expr },
            }
        })
        .collect())
}

/// `assign(df, exprs)` as the equivalent non-aggregating select: every input
/// column in order (replaced ones at their position, aliased with their
/// name), then the appended expressions (ENG-ASSIGN-2). Its
/// [`output_schema_hint`](SelectColumns::output_schema_hint) gives the output
/// types (e.g. `col("b").cast(str)` makes `b: str`).
///
/// # Errors
/// As [`validate_assign`].
pub fn assign_select(exprs: &[ColumnExpr], schema: &Schema) -> Result<SelectColumns> {
    let plan = assign_plan(exprs, schema)?;
    let mut items: Vec<ColumnExpr> = schema.names().into_iter().map(col).collect();
    for t in plan {
        match t {
            AssignTarget::Replace { position, expr } => {
                if let Some(slot) = items.get_mut(position) {
                    *slot = expr;
                }
            }
            AssignTarget::Append { expr } => items.push(expr),
        }
    }
    SelectColumns::build(items, false)
}

/// Validates `aggregate(df, partition_spec, aggs)` (ENG-AGG-1) where `keys`
/// are the partition keys in `by` order; see [`aggregate_select`].
///
/// # Errors
/// As [`aggregate_select`].
pub fn validate_aggregate<S: AsRef<str>>(keys: &[S], aggs: &[ColumnExpr]) -> Result<()> {
    aggregate_select(keys, aggs).map(|_| ())
}

/// `aggregate(df, partition_spec, aggs)` as the equivalent select (ENG-AGG-2):
/// `col(k)` for every key in order, then the aggregations. Output: the keys
/// then the aggregation columns; no keys → one row.
///
/// # Errors
/// `ERR-ARG` when `aggs` is empty, when an item is not an aggregation (e.g. a
/// literal `lit(1).alias("x")`) (ENG-AGG-1), or when the select is invalid
/// (ENG-SEL-1/2: unnamed aggregation, duplicate names, a key `*`).
pub fn aggregate_select<S: AsRef<str>>(keys: &[S], aggs: &[ColumnExpr]) -> Result<SelectColumns> {
    const CTX: &str = "aggregate";
    if aggs.is_empty() {
        return Err(Error::arg(CTX, "at least one aggregation is required"));
    }
    if let Some(e) = aggs.iter().find(|e| !e.is_agg()) {
        return Err(Error::arg(CTX, format!("`{e}` is not an aggregation")));
    }
    let items = keys.iter().map(|k| col(k.as_ref())).chain(aggs.iter().cloned()).collect();
    SelectColumns::new(items, false)
}
