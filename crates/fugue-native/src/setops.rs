//! Set operations and distinct (ENG-SET-1..7, ENG-DISTINCT-1). (Being written.)

use fugue_core::{Error, LocalDataFrame, Result};

/// UNION / UNION ALL.
pub(crate) fn union(
    a: &LocalDataFrame,
    b: &LocalDataFrame,
    distinct: bool,
) -> Result<LocalDataFrame> {
    let _ = (a, b, distinct);
    Err(Error::unsupported("native", "union"))
}

/// EXCEPT / EXCEPT ALL.
pub(crate) fn subtract(
    a: &LocalDataFrame,
    b: &LocalDataFrame,
    distinct: bool,
) -> Result<LocalDataFrame> {
    let _ = (a, b, distinct);
    Err(Error::unsupported("native", "subtract"))
}

/// INTERSECT / INTERSECT ALL.
pub(crate) fn intersect(
    a: &LocalDataFrame,
    b: &LocalDataFrame,
    distinct: bool,
) -> Result<LocalDataFrame> {
    let _ = (a, b, distinct);
    Err(Error::unsupported("native", "intersect"))
}

/// DISTINCT.
pub(crate) fn distinct(a: &LocalDataFrame) -> Result<LocalDataFrame> {
    let _ = a;
    Err(Error::unsupported("native", "distinct"))
}
