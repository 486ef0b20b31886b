//! The engine-neutral `take` (ENG-TAKE-1..6) over `map_dataframe`.

use std::sync::Arc;

use super::map::sort_batch;
use super::{ExecutionEngine, NaPosition};
use crate::dataframe::{DataFrame, DataFrameRef, LocalDataFrame};
use crate::error::Result;
use crate::partition::{PartitionSpec, parse_presort};
use crate::schema::Schema;

/// What a `take` sorts by and groups by, resolved once for every engine
/// (ENG-TAKE-1..6), see [`plan_take`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakePlan {
    /// `(column, ascending)` sort items: the `presort` argument, or the
    /// spec's presort when the argument is empty (ENG-TAKE-3).
    pub sorts: Vec<(String, bool)>,
    /// The spec's partition keys: `n` rows are taken per key group; none →
    /// `n` rows overall. The spec's `num` and `algo` are ignored (ENG-TAKE-6).
    pub keys: Vec<String>,
}

/// Resolves `take(df, n, presort, na_position, partition_spec)` against the
/// frame's `schema` (ENG-TAKE-1..6).
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for a bad presort; `ERR-NOT-FOUND` for a sort or key
/// column missing from `schema`.
pub fn plan_take(
    schema: &Schema,
    presort: &str,
    partition_spec: &PartitionSpec,
) -> Result<TakePlan> {
    // ENG-TAKE-3: the argument replaces the spec's presort.
    let sorts = {
        let parsed = parse_presort(presort)?;
        if parsed.is_empty() { partition_spec.presort().to_vec() } else { parsed }
    };
    for (c, _) in &sorts {
        schema.index_of(c)?;
    }
    for k in partition_spec.partition_by() {
        schema.index_of(k)?;
    }
    Ok(TakePlan { sorts, keys: partition_spec.partition_by().to_vec() })
}

pub(super) fn take_over_map<E: ExecutionEngine + ?Sized>(
    engine: &E,
    df: &DataFrameRef,
    n: usize,
    presort: &str,
    na_position: NaPosition,
    partition_spec: &PartitionSpec,
) -> Result<DataFrameRef> {
    let df = engine.to_df(df)?;
    let schema = df.schema().clone();
    let TakePlan { sorts, keys } = plan_take(&schema, presort, partition_spec)?;
    // ENG-TAKE-6: num/algo ignored; group by keys only (no presort in the
    // map spec: the take presort may name keys, which PS-VAL-2 forbids).
    let map_spec = if keys.is_empty() {
        PartitionSpec::num(1)
    } else {
        PartitionSpec::by(keys.iter().cloned())?
    };
    let nulls_first = na_position == NaPosition::First;
    let out_schema = schema.clone();
    let f = move |_: &crate::partition::PartitionCursor, part: LocalDataFrame| {
        let sorted = sort_batch(&part.to_batch()?, part.schema(), &sorts, nulls_first)?;
        let keep = n.min(sorted.num_rows());
        LocalDataFrame::new(part.schema().clone(), vec![sorted.slice(0, keep)])
    };
    engine.map_dataframe(&df, Arc::new(f), &out_schema, &map_spec, None)
}
