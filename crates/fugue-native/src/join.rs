//! Joins of two local frames (ENG-JOIN-1..11): inner, left/right/full outer,
//! semi, anti, cross. (Being written.)

use fugue_core::engine::JoinPlan;
use fugue_core::{Error, LocalDataFrame, Result};

/// Joins `left` and `right` as `plan` says (keys and output schema resolved
/// by `fugue_core::engine::params::plan_join`).
pub(crate) fn join(
    left: &LocalDataFrame,
    right: &LocalDataFrame,
    plan: &JoinPlan,
) -> Result<LocalDataFrame> {
    let _ = (left, right, plan);
    Err(Error::unsupported("native", "join"))
}
