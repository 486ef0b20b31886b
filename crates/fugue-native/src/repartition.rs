//! Physical layout per a partition spec (ENG-REPART-1, PA-1..8, PS-NUM-6).
//! (Minimal version: keys → one physical partition per engine thread by
//! key hash; no keys and N > 1 → contiguous split; being extended.)

use fugue_core::engine::map::contiguous_chunks;
use fugue_core::{DataFrame, LocalDataFrame, PartitionSpec, Result};

use crate::engine::NativeExecutionEngine;
use crate::frame::NativeDataFrame;

pub(crate) fn repartition(
    engine: &NativeExecutionEngine,
    df: &NativeDataFrame,
    spec: &PartitionSpec,
) -> Result<NativeDataFrame> {
    if spec.is_empty() {
        return Ok(df.clone());
    }
    let n = spec.eval_num_partitions(
        || df.count(),
        || {
            use fugue_core::ExecutionEngine;
            engine.get_current_parallelism()
        },
    )?;
    let local = df.to_local()?;
    if spec.partition_by().is_empty() && n > 1 {
        let parts = contiguous_chunks(&local.to_batch()?, n as usize)
            .into_iter()
            .map(|b| LocalDataFrame::new(local.schema().clone(), vec![b]))
            .collect::<Result<Vec<_>>>()?;
        return NativeDataFrame::new(local.schema().clone(), parts);
    }
    NativeDataFrame::new(local.schema().clone(), vec![local])
}
