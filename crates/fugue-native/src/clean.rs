//! dropna and fillna (ENG-DROPNA-1..4, ENG-FILLNA-1..6). (Being written.)

use fugue_core::engine::{DropnaHow, FillValue};
use fugue_core::{Error, LocalDataFrame, Result};

/// Drops rows with nulls.
pub(crate) fn dropna(
    df: &LocalDataFrame,
    how: DropnaHow,
    thresh: Option<usize>,
    subset: Option<&[&str]>,
) -> Result<LocalDataFrame> {
    let _ = (df, how, thresh, subset);
    Err(Error::unsupported("native", "dropna"))
}

/// Fills nulls.
pub(crate) fn fillna(
    df: &LocalDataFrame,
    value: &FillValue,
    subset: Option<&[&str]>,
) -> Result<LocalDataFrame> {
    let _ = (df, value, subset);
    Err(Error::unsupported("native", "fillna"))
}
