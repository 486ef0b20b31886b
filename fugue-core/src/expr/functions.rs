//! Column functions (Fugue's `fugue.column.functions`): the aggregates of
//! ENG-EXPR-12 and the scalar `coalesce` of ENG-EXPR-13.
//!
//! Each aggregate takes exactly one [`ColumnExpr`] (not `impl Into<ColumnExpr>`,
//! so `max("b")` does not compile; write `max(col("b"))`). An aggregate's
//! output name is its argument's (ENG-EXPR-NAME-4) and it makes the whole
//! expression an aggregation (ENG-EXPR-14). Semantics: ENG-EXPR-SEM-4.
//!
//! ```
//! use fugue_core::expr::{all_cols, col, functions as f};
//!
//! assert_eq!(f::count(all_cols()).to_string(), "COUNT(*)");
//! assert_eq!(f::count_distinct(col("a")).to_string(), "COUNT(DISTINCT a)");
//! assert_eq!(f::min(-col("y")).output_name(), Some("y"));
//! assert!((-f::max(col("a"))).is_agg());
//! ```

use super::{AggFunc, ColumnExpr, ExprKind, ScalarFunc};

fn agg(func: AggFunc, arg: ColumnExpr) -> ColumnExpr {
    ColumnExpr::bare(ExprKind::Agg(func, Box::new(arg)))
}

/// `MIN(e)`: smallest non-null value; type = `e`'s (ENG-EXPR-TYPE-7).
pub fn min(e: ColumnExpr) -> ColumnExpr {
    agg(AggFunc::Min, e)
}

/// `MAX(e)`: largest non-null value; type = `e`'s (ENG-EXPR-TYPE-7).
pub fn max(e: ColumnExpr) -> ColumnExpr {
    agg(AggFunc::Max, e)
}

/// `COUNT(e)`: number of non-null values; `count(all_cols())` is `COUNT(*)`,
/// the number of rows (no output name). Type long (ENG-EXPR-TYPE-8).
pub fn count(e: ColumnExpr) -> ColumnExpr {
    agg(AggFunc::Count, e)
}

/// `COUNT(DISTINCT e)`: number of distinct non-null values; type long
/// (ENG-EXPR-TYPE-8).
pub fn count_distinct(e: ColumnExpr) -> ColumnExpr {
    agg(AggFunc::CountDistinct, e)
}

/// `AVG(e)`: mean of non-null values; type double (ENG-EXPR-TYPE-8).
pub fn avg(e: ColumnExpr) -> ColumnExpr {
    agg(AggFunc::Avg, e)
}

/// `SUM(e)`: sum of non-null values; type long / ulong / double for signed /
/// unsigned / float input (ENG-EXPR-TYPE-8).
pub fn sum(e: ColumnExpr) -> ColumnExpr {
    agg(AggFunc::Sum, e)
}

/// `FIRST(e)`: some value of the group (order not guaranteed); type = `e`'s.
pub fn first(e: ColumnExpr) -> ColumnExpr {
    agg(AggFunc::First, e)
}

/// `LAST(e)`: some value of the group (order not guaranteed); type = `e`'s.
pub fn last(e: ColumnExpr) -> ColumnExpr {
    agg(AggFunc::Last, e)
}

/// `COALESCE(e1, e2, ...)` (ENG-EXPR-13): the first non-null argument per row.
/// Non-expression arguments become literals: `coalesce([col("a"), 0.into()])`
/// (strings are literals too). No output name (ENG-EXPR-NAME-5).
///
/// Zero arguments give [`null()`](super::null) (the coalesce of nothing is
/// null), so engines never see an empty `COALESCE`.
pub fn coalesce<I>(args: I) -> ColumnExpr
where
    I: IntoIterator,
    I::Item: Into<ColumnExpr>,
{
    let args: Vec<ColumnExpr> = args.into_iter().map(Into::into).collect();
    if args.is_empty() {
        return super::null();
    }
    ColumnExpr::bare(ExprKind::Function(ScalarFunc::Coalesce, args))
}
