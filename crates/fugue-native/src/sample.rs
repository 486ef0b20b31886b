//! sample (ENG-SAMPLE-1..7). (Being written.)

use fugue_core::engine::SampleSpec;
use fugue_core::{Error, LocalDataFrame, Result};

/// Samples rows.
pub(crate) fn sample(df: &LocalDataFrame, spec: &SampleSpec) -> Result<LocalDataFrame> {
    let _ = (df, spec);
    Err(Error::unsupported("native", "sample"))
}
