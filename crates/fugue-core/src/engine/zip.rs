//! The engine-neutral `zip` and `comap` (ENG-ZIP-1..9, ENG-COMAP-1..7) over
//! `map_dataframe`. (Being written.)

use super::{CoMapFn, CoOnInitFn, ExecutionEngine, JoinType};
use crate::dataframe::{DataFrameRef, DataFrames};
use crate::error::{Error, Result};
use crate::partition::PartitionSpec;
use crate::schema::Schema;

pub(super) fn zip_over_map<E: ExecutionEngine + ?Sized>(
    engine: &E,
    dfs: &DataFrames,
    how: JoinType,
    partition_spec: &PartitionSpec,
) -> Result<DataFrameRef> {
    let _ = (dfs, how, partition_spec);
    Err(Error::unsupported(engine.name(), "zip"))
}

pub(super) fn comap_over_map<E: ExecutionEngine + ?Sized>(
    engine: &E,
    df: &DataFrameRef,
    map_fn: CoMapFn,
    output_schema: &Schema,
    partition_spec: &PartitionSpec,
    on_init: Option<CoOnInitFn>,
) -> Result<DataFrameRef> {
    let _ = (df, map_fn, output_schema, partition_spec, on_init);
    Err(Error::unsupported(engine.name(), "comap"))
}
