//! load_df / save_df for Parquet, CSV and JSON (ENG-IO, ENG-PQ, ENG-CSV,
//! ENG-JSON) on arrow-rs readers and writers. (Being written.)

use fugue_core::engine::{LoadOptions, SaveOptions};
use fugue_core::{Error, LocalDataFrame, Result};

/// Loads `paths`.
pub(crate) fn load(paths: &[&str], options: &LoadOptions) -> Result<LocalDataFrame> {
    let _ = (paths, options);
    Err(Error::unsupported("native", "load_df"))
}

/// Saves the physical partitions `partitions` (all with the same schema) to `path`.
pub(crate) fn save(partitions: &[LocalDataFrame], path: &str, options: &SaveOptions) -> Result<()> {
    let _ = (partitions, path, options);
    Err(Error::unsupported("native", "save_df"))
}
