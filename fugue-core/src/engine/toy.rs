//! A tiny in-crate toy engine for core tests (STYLE §8): local frames and
//! the reference `map_local`; every other operation is the trait's default
//! (the core kernels), as for any minimal backend.

use std::fmt;
use std::sync::Arc;

use super::map::{MapFn, OnInitFn, map_local};
use super::{ExecutionEngine, MapEngine};
use crate::conf::Conf;
use crate::dataframe::DataFrameRef;
use crate::error::Result;
use crate::partition::PartitionSpec;
use crate::schema::Schema;

#[derive(Debug, Default)]
pub(crate) struct ToyEngine {
    conf: Conf,
}

impl fmt::Display for ToyEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ToyEngine")
    }
}

impl MapEngine for ToyEngine {
    fn map_dataframe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
    ) -> Result<DataFrameRef> {
        let local = df.as_local_bounded()?;
        Ok(Arc::new(map_local(&local, &map_fn, output_schema, partition_spec, on_init.as_ref())?))
    }
}

impl ExecutionEngine for ToyEngine {
    fn name(&self) -> &str {
        "toy"
    }
    fn conf(&self) -> &Conf {
        &self.conf
    }
    fn to_df(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        Ok(Arc::new(df.as_local_bounded()?))
    }
}
