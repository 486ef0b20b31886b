//! select / filter / assign / aggregate over column expressions
//! (ENG-SEL-1..8, ENG-FILTER-1, ENG-ASSIGN-1..3, ENG-AGG-1..3). (Being written.)

use fugue_core::{ColumnExpr, Error, LocalDataFrame, Result, SelectColumns};

/// SELECT cols [WHERE where_] [GROUP BY inferred keys] [HAVING having].
pub(crate) fn select(
    df: &LocalDataFrame,
    cols: &SelectColumns,
    where_: Option<&ColumnExpr>,
    having: Option<&ColumnExpr>,
) -> Result<LocalDataFrame> {
    let _ = (df, cols, where_, having);
    Err(Error::unsupported("native", "select"))
}

/// Keeps rows where `condition` is true.
pub(crate) fn filter(df: &LocalDataFrame, condition: &ColumnExpr) -> Result<LocalDataFrame> {
    let _ = (df, condition);
    Err(Error::unsupported("native", "filter"))
}

/// Replaces or appends columns.
pub(crate) fn assign(df: &LocalDataFrame, columns: &[ColumnExpr]) -> Result<LocalDataFrame> {
    let _ = (df, columns);
    Err(Error::unsupported("native", "assign"))
}

/// Aggregates by `keys`.
pub(crate) fn aggregate(
    df: &LocalDataFrame,
    keys: &[String],
    aggs: &[ColumnExpr],
) -> Result<LocalDataFrame> {
    let _ = (df, keys, aggs);
    Err(Error::unsupported("native", "aggregate"))
}
