//! Hostile SQL text on every SQL engine (issue 16, own cases): an
//! expression too large for the parsers' and planners' stacks is one
//! `ERR-ARG` before any engine parses it (ENG-SQL-1: every engine renders
//! the statement, and rendering checks the operator limit), while long but
//! reasonable expressions still run.

use fugue_core::DataFrames;
use fugue_core::engine::{MAX_SQL_OPERATORS, StructuredSql};

use super::*;
use crate::Need;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![case!("sql/long_expressions", ["ENG-SQL-1"], needs = [Need::Sql], long_expressions)]
}

// own: a 20,000-term `SELECT 1+1+...` overflowed the stack (exit 134 in
// the CLI) on the default and the Polars SQL engines.
fn long_expressions(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let sql = ok(e.sql_engine(), "sql_engine")?;
    let t = ctx.df(vec![vec![l(2)], vec![l(3)]], "a:long")?;
    let dfs = ok(DataFrames::named([("t".to_string(), Arc::clone(&t))]), "frames")?;
    let huge = format!("SELECT {} AS x FROM t", vec!["a"; 20_000].join("+"));
    for statement in
        [StructuredSql::text(huge.clone()), StructuredSql::text(huge.replace('+', " OR a = "))]
    {
        expect_kind(
            sql.select(&dfs, &statement).map(|_| ()),
            ErrorKind::InvalidArgument,
            "20k operators",
        )?;
    }
    // 400 terms (399 operators, below the limit) run and are right
    let terms = 400;
    check(terms < MAX_SQL_OPERATORS, || "400 terms must be below the limit".to_string())?;
    let text = format!("SELECT {} AS x FROM t", vec!["a"; terms].join(" + "));
    let statement = ok(StructuredSql::with_tables(&text, &["t"]), "with_tables")?;
    let out = ok(sql.select(&dfs, &statement), "400 terms")?;
    let mut values: Vec<i64> = rows_of(&out)?
        .iter()
        .filter_map(|r| match r.first() {
            Some(Value::Int64(v)) => Some(*v),
            Some(Value::Int32(v)) => Some(i64::from(*v)),
            _ => None,
        })
        .collect();
    values.sort_unstable();
    check(values == [800, 1200], || format!("400 × a: expected [800, 1200], got {values:?}"))
}
