//! `map_dataframe` on the native engine: physical partitions in parallel on
//! the engine's rayon pool, each through the core's reference algorithm
//! (sort by keys + presort, split by key, call per logical partition).

use std::sync::Arc;

use fugue_core::dataframe::DataFrameRef;
use fugue_core::engine::map::{MapFn, OnInitFn, check_map_output_schema, map_physical_partition};
use fugue_core::{LocalDataFrame, PartitionSpec, Result, Schema};
use rayon::prelude::*;

use crate::engine::NativeExecutionEngine;
use crate::frame::NativeDataFrame;

pub(crate) fn map_dataframe(
    engine: &NativeExecutionEngine,
    df: &DataFrameRef,
    map_fn: MapFn,
    output_schema: &Schema,
    spec: &PartitionSpec,
    on_init: Option<OnInitFn>,
) -> Result<DataFrameRef> {
    check_map_output_schema(output_schema)?;
    let input = engine.to_native(df)?;
    let parts = crate::repartition::repartition(engine, &input, spec)?;
    let outputs: Vec<Result<LocalDataFrame>> = engine.pool().install(|| {
        parts
            .partitions()
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                let batches =
                    map_physical_partition(p, i, &map_fn, output_schema, spec, on_init.as_ref())?;
                LocalDataFrame::new(output_schema.clone(), batches)
            })
            .collect()
    });
    let outputs = outputs.into_iter().collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(NativeDataFrame::new(output_schema.clone(), outputs)?))
}
