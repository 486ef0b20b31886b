//! `map_dataframe` on the Polars engine (ENG-MAP-1..12, PG-1..8, PA-1..8).
//!
//! 1. Polars sorts the input by the partition keys (ascending) then the
//!    presort, nulls last, stable (one multi-threaded sort, PG-2, PG-4) and
//!    computes it as one chunk.
//! 2. The sorted frame crosses to Arrow through the zero-copy bridge: the
//!    user function sees the same [`LocalDataFrame`] as on every engine
//!    (and can view it as a Polars frame again with
//!    [`crate::to_polars_df`], without copying).
//! 3. The rows are laid out in physical partitions (contiguous slices, no
//!    copy): with keys, logical partitions (runs of equal keys, null equal
//!    to null) are dealt to N partitions in contiguous blocks whose sizes
//!    differ by at most one logical partition; without keys, N contiguous
//!    chunks (PA-7; `hash` deals rows round robin, `rand` a random
//!    permutation). N comes from the spec (`ROWCOUNT`, `CONCURRENCY` = the
//!    Polars pool size); N ≤ 0 keeps one partition, except `even` (one
//!    bucket per key, or `fugue.default.partitions` / the pool size without
//!    keys) and keyed maps (`fugue.default.partitions`, else pool size × 4).
//! 4. The physical partitions run in parallel on Polars' own rayon pool
//!    (ENG-MAP-12): `on_init` once per non-empty partition (ENG-MAP-4),
//!    then one call per logical partition (or one per physical partition
//!    without keys or with `coarse`, ENG-MAP-2), the cursor set to the
//!    first row (ENG-MAP-5), each output checked against the output schema
//!    (ENG-MAP-6); user errors and panics are `ERR-USER` naming the keys.
//! 5. The outputs go back into Polars as one frame (zero copy) and the
//!    result is a lazy frame over it (ENG-MAP-7).

use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

use arrow::array::{RecordBatch, UInt32Array};
use arrow::compute::take_record_batch;
use fugue_core::engine::map::{
    MapFn, OnInitFn, call_user, check_map_output_schema, check_output_schema, contiguous_chunks,
    key_ranges,
};
use fugue_core::partition::{PartitionAlgo, PartitionCursor};
use fugue_core::value::row_at;
use fugue_core::{DataFrame, Error, LocalDataFrame, PartitionSpec, Result, Schema};
use polars::prelude::{PlSmallStr, SortMultipleOptions, col};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rayon::prelude::*;

use crate::bridge::from_polars_df;
use crate::error::run_polars;
use crate::frame::PolarsDataFrame;

/// Logical partitions per pool thread for keyed maps without a number.
pub(crate) const MAP_PARTITIONS_PER_THREAD: usize = 4;

/// How many physical partitions a map uses by default.
pub(crate) struct MapDefaults {
    /// The Polars pool size (`CONCURRENCY`).
    pub(crate) parallelism: usize,
    /// `fugue.default.partitions` when > 0.
    pub(crate) default_partitions: Option<usize>,
}

/// One physical partition: its rows (sorted) and, with keys, the ranges of
/// its logical partitions inside them.
struct Physical {
    batch: RecordBatch,
    logical: Vec<Range<usize>>,
}

/// Runs `map_fn` over `df` (see the module docs).
///
/// # Errors
/// `ERR-SCHEMA` for an empty output schema or an output that does not match
/// it; `ERR-NOT-FOUND` for missing keys or presort columns (also for empty
/// input); `ERR-ARG` for a bad `num`; `ERR-USER` for user errors and panics.
pub(crate) fn map_dataframe(
    df: &PolarsDataFrame,
    map_fn: &MapFn,
    output_schema: &Schema,
    spec: &PartitionSpec,
    on_init: Option<&OnInitFn>,
    defaults: &MapDefaults,
) -> Result<PolarsDataFrame> {
    check_map_output_schema(output_schema)?;
    let schema = df.schema().clone();
    let sorts = spec.get_sorts(&schema, true)?;
    let mut lazy = df.native();
    if !sorts.is_empty() {
        let by: Vec<_> = sorts.iter().map(|(n, _)| col(PlSmallStr::from_str(n))).collect();
        let options = SortMultipleOptions::default()
            .with_order_descending_multi(sorts.iter().map(|(_, asc)| !asc))
            .with_nulls_last(true)
            .with_maintain_order(true);
        lazy = lazy.sort_by_exprs(by, options);
    }
    let mut data = run_polars("map_dataframe", || lazy.collect())?;
    if data.height() == 0 {
        return PolarsDataFrame::from_local(&LocalDataFrame::empty(output_schema.clone())?);
    }
    data.rechunk_mut_par();
    let batch = from_polars_df(&data, &schema)?.to_batch()?;
    let parts = lay_out(&batch, &schema, spec, defaults)?;
    let coarse = spec.algo() == Some(PartitionAlgo::Coarse);
    let outputs: Vec<Vec<RecordBatch>> = polars_core::runtime::THREAD_POOL.install(|| {
        parts
            .par_iter()
            .enumerate()
            .map(|(no, part)| {
                let run = AssertUnwindSafe(|| {
                    run_physical(part, no, &schema, map_fn, output_schema, spec, on_init, coarse)
                });
                catch_unwind(run).unwrap_or_else(|_| {
                    Err(Error::internal(format!(
                        "the polars map panicked in physical partition {no}"
                    )))
                })
            })
            .collect::<Result<Vec<_>>>()
    })?;
    let batches: Vec<RecordBatch> = outputs.into_iter().flatten().collect();
    PolarsDataFrame::from_local(&LocalDataFrame::new(output_schema.clone(), batches)?)
}

/// The physical partitions of the sorted `batch` (see the module docs).
fn lay_out(
    batch: &RecordBatch,
    schema: &Schema,
    spec: &PartitionSpec,
    defaults: &MapDefaults,
) -> Result<Vec<Physical>> {
    let rows = batch.num_rows();
    let n = spec.eval_num_partitions(|| Ok(rows), || defaults.parallelism)?;
    let requested = usize::try_from(n).ok().filter(|n| *n > 0);
    let algo = spec.algo_or_default();
    let keys = spec.partition_by();
    if keys.is_empty() {
        let count = match requested {
            Some(n) => n,
            None if algo == PartitionAlgo::Even => {
                defaults.default_partitions.unwrap_or(defaults.parallelism).max(1)
            }
            None => 1,
        };
        let chunks = match algo {
            PartitionAlgo::Hash if count > 1 => dealt(batch, count, None)?,
            PartitionAlgo::Rand if count > 1 => dealt(batch, count, Some(rows))?,
            _ => contiguous_chunks(batch, count),
        };
        return Ok(chunks
            .into_iter()
            .filter(|b| b.num_rows() > 0)
            .map(|b| Physical { logical: std::iter::once(0..b.num_rows()).collect(), batch: b })
            .collect());
    }
    let ranges = key_ranges(batch, schema, keys)?;
    let count = match requested {
        Some(n) => n,
        None if algo == PartitionAlgo::Even => ranges.len(),
        None => defaults
            .default_partitions
            .unwrap_or(defaults.parallelism * MAP_PARTITIONS_PER_THREAD)
            .max(1),
    }
    .min(ranges.len())
    .max(1);
    // deal whole logical partitions in contiguous blocks, sizes differing by ≤ 1
    let (base, extra) = (ranges.len() / count, ranges.len() % count);
    let mut out = Vec::with_capacity(count);
    let mut next = 0;
    for i in 0..count {
        let len = base + usize::from(i < extra);
        let block = &ranges[next..next + len];
        next += len;
        let (Some(first), Some(last)) = (block.first(), block.last()) else { continue };
        let start = first.start;
        out.push(Physical {
            batch: batch.slice(start, last.end - start),
            logical: block.iter().map(|r| r.start - start..r.end - start).collect(),
        });
    }
    Ok(out)
}

/// Rows dealt round robin (`shuffle = None`) or after a random permutation
/// into `count` partitions; each partition keeps the sorted order of its
/// rows (indices ascending).
fn dealt(batch: &RecordBatch, count: usize, shuffle: Option<usize>) -> Result<Vec<RecordBatch>> {
    let rows = batch.num_rows();
    let mut order: Vec<u32> = (0..rows)
        .map(|i| u32::try_from(i).map_err(|_| Error::arg("num", "too many rows to deal")))
        .collect::<Result<_>>()?;
    if shuffle.is_some() {
        order.shuffle(&mut rand::rngs::StdRng::from_os_rng());
    }
    let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); count];
    for (i, row) in order.into_iter().enumerate() {
        buckets[i % count].push(row);
    }
    buckets
        .into_iter()
        .map(|mut b| {
            b.sort_unstable();
            Ok(take_record_batch(batch, &UInt32Array::from(b))?)
        })
        .collect()
}

/// One physical partition: `on_init`, then one call per logical partition
/// (one call for the whole partition with `coarse`), outputs checked.
#[allow(clippy::too_many_arguments)]
fn run_physical(
    part: &Physical,
    no: usize,
    schema: &Schema,
    map_fn: &MapFn,
    output_schema: &Schema,
    spec: &PartitionSpec,
    on_init: Option<&OnInitFn>,
    coarse: bool,
) -> Result<Vec<RecordBatch>> {
    if part.batch.num_rows() == 0 {
        return Ok(vec![]);
    }
    if let Some(init) = on_init {
        let data = LocalDataFrame::new(schema.clone(), vec![part.batch.clone()])?;
        call_user(|| format!("physical partition {no} (on_init)"), || init(no, &data))?;
    }
    let mut cursor = PartitionCursor::new(schema.clone(), spec, no)?;
    let whole: Vec<Range<usize>> = std::iter::once(0..part.batch.num_rows()).collect();
    let ranges: &[Range<usize>] = if coarse { &whole } else { &part.logical };
    let mut out = Vec::new();
    for (logical_no, range) in ranges.iter().enumerate() {
        let rows = part.batch.slice(range.start, range.len());
        cursor.set(row_at(&rows, 0)?, logical_no, 0);
        let input = LocalDataFrame::new(schema.clone(), vec![rows])?;
        let result = call_user(|| cursor.describe_keys(), || map_fn(&cursor, input))?;
        check_output_schema(result.schema(), output_schema)?;
        out.extend(result.into_batches());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{AsArray, Int32Array};
    use arrow::datatypes::Int32Type;

    use super::*;

    fn sorted_keys() -> (RecordBatch, Schema) {
        let schema: Schema = "k:int".parse().expect("schema");
        let keys = Int32Array::from(vec![1, 1, 2, 3, 3, 3, 4, 5]);
        let batch = RecordBatch::try_new(schema.arrow().clone(), vec![Arc::new(keys)]).expect("b");
        (batch, schema)
    }

    fn defaults() -> MapDefaults {
        MapDefaults { parallelism: 2, default_partitions: None }
    }

    fn values(b: &RecordBatch) -> Vec<i32> {
        b.column(0).as_primitive::<Int32Type>().values().to_vec()
    }

    #[test]
    fn pa_4_pg_1_even_deals_whole_logical_partitions_in_balanced_blocks() {
        let (batch, schema) = sorted_keys();
        let spec = PartitionSpec::builder().by(["k"]).num(2).algo("even").build().expect("spec");
        let parts = lay_out(&batch, &schema, &spec, &defaults()).expect("layout");
        let logical: Vec<usize> = parts.iter().map(|p| p.logical.len()).collect();
        assert_eq!(logical, vec![3, 2], "5 keys over 2 partitions");
        assert_eq!(values(&parts[0].batch), vec![1, 1, 2, 3, 3, 3]);
        let spec = PartitionSpec::builder().by(["k"]).algo("even").build().expect("spec");
        let parts = lay_out(&batch, &schema, &spec, &defaults()).expect("layout");
        assert_eq!(parts.len(), 5, "N ≤ 0 with even: one partition per key");
    }

    #[test]
    fn pa_7_contiguous_split_and_round_robin_keep_sorted_order() {
        let (batch, schema) = sorted_keys();
        let parts = lay_out(&batch, &schema, &PartitionSpec::num(3), &defaults()).expect("layout");
        let sizes: Vec<usize> = parts.iter().map(|p| p.batch.num_rows()).collect();
        assert_eq!(sizes, vec![3, 3, 2]);
        let hash = PartitionSpec::builder().num(3).algo("hash").build().expect("spec");
        let parts = lay_out(&batch, &schema, &hash, &defaults()).expect("layout");
        assert_eq!(values(&parts[0].batch), vec![1, 3, 4]);
        let rand = PartitionSpec::builder().num(3).algo("rand").build().expect("spec");
        let parts = lay_out(&batch, &schema, &rand, &defaults()).expect("layout");
        for p in &parts {
            let v = values(&p.batch);
            assert!(v.windows(2).all(|w| w[0] <= w[1]), "PG-2: order kept inside a partition");
        }
        assert_eq!(parts.iter().map(|p| p.batch.num_rows()).sum::<usize>(), 8);
    }

    #[test]
    fn ps_num_6_keyed_default_uses_pool_size_times_four() {
        let (batch, schema) = sorted_keys();
        let spec = PartitionSpec::by(["k"]).expect("spec");
        let parts = lay_out(&batch, &schema, &spec, &defaults()).expect("layout");
        assert_eq!(parts.len(), 5, "min(2 × 4, 5 keys)");
    }
}
