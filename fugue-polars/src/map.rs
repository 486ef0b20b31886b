//! `map_dataframe` on the Polars engine (ENG-MAP-1..12, PG-1..8, PA-1..8).
//!
//! 1. The input rows are Arrow data: a frame built from Arrow (`to_df`,
//!    an earlier map) is used as it is; a Polars plan is computed and
//!    crosses the zero-copy bridge once.
//! 2. With keys or presort, Polars computes the order: a scan of only the
//!    key and presort columns, with a row index, sorted by keys
//!    (ascending) then presort, nulls last (one multi-threaded Polars sort,
//!    PG-2, PG-4; ties keep no defined order). The other columns never
//!    enter Polars. The logical partitions (runs of equal keys, null equal
//!    to null) are found on the sorted keys.
//! 3. Logical partitions are dealt to N physical partitions in contiguous
//!    blocks whose sizes differ by at most one logical partition; without
//!    keys, the rows are cut into N contiguous chunks (PA-7; `hash` deals
//!    rows round robin, `rand` a random permutation). N comes from the
//!    spec (`ROWCOUNT`, `CONCURRENCY` = the Polars pool size); N ≤ 0 keeps
//!    one partition, except `even` (one bucket per key, or
//!    `fugue.default.partitions` / the pool size without keys) and keyed
//!    maps (`fugue.default.partitions`, else pool size × 4).
//! 4. The physical partitions run in parallel on Polars' own rayon pool
//!    (ENG-MAP-12): each gathers its rows in sorted order from the input
//!    batches (one Arrow `interleave` per column, so the gather is parallel
//!    too), calls `on_init` once if it is non-empty (ENG-MAP-4), then the
//!    user function once per logical partition (or once without keys or
//!    with `coarse`, ENG-MAP-2), the cursor set to the first row (ENG-MAP-5),
//!    each output checked against the output schema (ENG-MAP-6); user
//!    errors and panics are `ERR-USER` naming the keys. The user function
//!    sees the same [`LocalDataFrame`] as on every engine (and can view it as
//!    a Polars frame with [`crate::to_polars_df`], without copying).
//! 5. The result is a frame over the output batches (ENG-MAP-7): Polars
//!    reads them through the Arrow scan when a plan uses them, and
//!    `as_local_bounded` returns them without crossing the bridge.

use arrow::array::{Array, ArrayRef, RecordBatch, RecordBatchOptions, UInt32Array};
use arrow::compute::{interleave, take_record_batch};
use fugue_core::partition::{PartitionAlgo, PartitionCursor};
use fugue_core::spi::map::{
    MapFn, OnInitFn, call_user, check_map_output_schema, check_output_schema,
};
use fugue_core::spi::value::row_at;
use fugue_core::{DataFrame, Error, LocalDataFrame, PartitionSpec, Result, Schema};
use polars::prelude::{IdxSize, LazyFrame, PlSmallStr, SortMultipleOptions};

use crate::exact_col as col;
use polars_arrow::array::PrimitiveArray;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rayon::prelude::*;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::run_polars;
use crate::frame::PolarsDataFrame;

/// Logical partitions per pool thread for keyed maps without a number.
pub(crate) const MAP_PARTITIONS_PER_THREAD: usize = 4;

/// The row index column of the sort plan (underscores are appended when
/// an input column has the name).
const ROW_INDEX: &str = "__fugue_row";

/// How many physical partitions a map uses by default.
pub(crate) struct MapDefaults {
    /// The Polars pool size (`CONCURRENCY`).
    pub(crate) parallelism: usize,
    /// `fugue.default.partitions` when > 0.
    pub(crate) default_partitions: Option<usize>,
}

/// The input rows in sorted order: either one batch already in order, or
/// the input batches plus the sorted order as (batch, row) pairs.
enum Rows {
    Batch(RecordBatch),
    Gather { batches: Vec<RecordBatch>, order: Vec<(usize, usize)> },
}

impl Rows {
    fn len(&self) -> usize {
        match self {
            Rows::Batch(b) => b.num_rows(),
            Rows::Gather { order, .. } => order.len(),
        }
    }

    /// The rows `range` (positions in sorted order) as one batch.
    fn rows(&self, schema: &Schema, range: Range<usize>) -> Result<RecordBatch> {
        match self {
            Rows::Batch(b) => Ok(b.slice(range.start, range.len())),
            Rows::Gather { batches, order } => {
                let picks = &order[range];
                let columns = (0..schema.len())
                    .map(|i| {
                        let arrays: Vec<&dyn Array> =
                            batches.iter().map(|b| b.column(i).as_ref()).collect();
                        Ok(interleave(&arrays, picks)?)
                    })
                    .collect::<Result<Vec<ArrayRef>>>()?;
                let options = RecordBatchOptions::new().with_row_count(Some(picks.len()));
                Ok(RecordBatch::try_new_with_options(schema.arrow().clone(), columns, &options)?)
            }
        }
    }
}

/// One physical partition: its rows (positions in sorted order) and, with
/// keys, the ranges of its logical partitions relative to its start.
struct Physical {
    rows: PhysicalRows,
    logical: Vec<Range<usize>>,
}

/// Where a physical partition's rows come from.
enum PhysicalRows {
    /// A range of the sorted rows.
    Range(Range<usize>),
    /// A batch of its own (rows dealt by `hash` / `rand`).
    Batch(RecordBatch),
}

impl Physical {
    fn batch(&self, rows: &Rows, schema: &Schema) -> Result<RecordBatch> {
        match &self.rows {
            PhysicalRows::Range(r) => rows.rows(schema, r.clone()),
            PhysicalRows::Batch(b) => Ok(b.clone()),
        }
    }
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
    let input = match df.arrow() {
        Some(local) => local.clone(),
        None => df.as_local_bounded()?,
    };
    if input.num_rows() == 0 {
        return PolarsDataFrame::from_local(&LocalDataFrame::empty(output_schema.clone())?);
    }
    let (rows, key_ranges) = sorted_rows(&input, &sorts, spec.partition_by())?;
    let parts = lay_out(&rows, &schema, key_ranges, spec, defaults)?;
    let coarse = spec.algo() == Some(PartitionAlgo::Coarse);
    let outputs: Vec<Vec<RecordBatch>> = polars_core::runtime::THREAD_POOL.install(|| {
        parts
            .par_iter()
            .enumerate()
            .map(|(no, part)| {
                let run = AssertUnwindSafe(|| {
                    let batch = part.batch(&rows, &schema)?;
                    run_physical(
                        &batch,
                        &part.logical,
                        no,
                        &schema,
                        map_fn,
                        output_schema,
                        spec,
                        on_init,
                        coarse,
                    )
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

/// The rows of `input` in sorted order and, with keys, the ranges of
/// equal keys in that order. Without sorts the rows keep their order (one
/// batch, concatenated). Otherwise Polars computes the order from the key
/// and presort columns only (with a row index), kept as (batch, row) pairs:
/// with keys, [`grouped_order`]; without, one sort by the presort.
fn sorted_rows(
    input: &LocalDataFrame,
    sorts: &[(String, bool)],
    keys: &[String],
) -> Result<(Rows, Option<Vec<Range<usize>>>)> {
    if sorts.is_empty() {
        return Ok((Rows::Batch(input.to_batch()?), None));
    }
    let mut names: Vec<&str> = Vec::new();
    for (n, _) in sorts {
        if !names.contains(&n.as_str()) {
            names.push(n);
        }
    }
    let sort_columns =
        input.select_columns(&names)?.downcast_ref::<LocalDataFrame>().cloned().ok_or_else(
            || Error::internal("selecting columns of a local frame gave another kind of frame"),
        )?;
    // a row index name that no input column has
    let mut row_index = ROW_INDEX.to_string();
    while names.contains(&row_index.as_str()) {
        row_index.push('_');
    }
    let row_index = row_index.as_str();
    let lazy = PolarsDataFrame::from_local(&sort_columns)?.native().with_row_index(row_index, None);
    let presort: Vec<&(String, bool)> = sorts.iter().filter(|(n, _)| !keys.contains(n)).collect();
    let presort_options = SortMultipleOptions::default()
        .with_order_descending_multi(presort.iter().map(|(_, asc)| !asc))
        .with_nulls_last(true)
        .with_multithreaded(true);
    let presort_by: Vec<_> = presort.iter().map(|(n, _)| col(PlSmallStr::from_str(n))).collect();
    let (indices, ranges) = if keys.is_empty() {
        let lazy = lazy.sort_by_exprs(presort_by, presort_options).select([col(row_index)]);
        let sorted = run_polars("map_dataframe sort", || lazy.collect())?;
        let index = sorted
            .column(row_index)
            .and_then(|c| c.idx().cloned())
            .map_err(|e| crate::error::from_polars(e, "map_dataframe sort"))?;
        (index.into_no_null_iter().collect::<Vec<IdxSize>>(), None)
    } else {
        let (indices, ranges) = grouped_order(lazy, row_index, keys, presort_by, presort_options)?;
        (indices, Some(ranges))
    };
    // (batch, row) of every row in order
    let starts: Vec<usize> = input
        .batches()
        .iter()
        .scan(0usize, |at, b| {
            let start = *at;
            *at += b.num_rows();
            Some(start)
        })
        .collect();
    let order = indices
        .into_iter()
        .map(|i| {
            let i = i as usize;
            let batch = starts.partition_point(|s| *s <= i).saturating_sub(1);
            (batch, i - starts[batch])
        })
        .collect();
    Ok((Rows::Gather { batches: input.batches().to_vec(), order }, ranges))
}

/// The order of a keyed map, as Polars computes it from `lazy` (the key
/// and presort columns with a row index): `group_by(keys)` collecting each
/// logical partition's row indices sorted by the presort inside the group
/// (`sort_by` per group, nulls last: Polars sorts the groups in parallel,
/// never the whole frame), then the groups sorted by their keys (ascending,
/// nulls last, PG-4). Returns the row indices in that order and the range
/// of every logical partition in it. Null keys form one group (PG-8).
fn grouped_order(
    lazy: LazyFrame,
    row_index: &str,
    keys: &[String],
    presort_by: Vec<polars::prelude::Expr>,
    presort_options: SortMultipleOptions,
) -> Result<(Vec<IdxSize>, Vec<Range<usize>>)> {
    let key_exprs: Vec<_> = keys.iter().map(|k| col(PlSmallStr::from_str(k))).collect();
    let rows = if presort_by.is_empty() {
        col(row_index)
    } else {
        col(row_index).sort_by(presort_by, presort_options)
    };
    let key_order = SortMultipleOptions::default().with_nulls_last(true).with_multithreaded(true);
    let lazy = lazy
        .group_by(key_exprs.clone())
        .agg([rows.alias(row_index)])
        .sort_by_exprs(key_exprs, key_order)
        .select([col(row_index)]);
    let mut groups = run_polars("map_dataframe group", || lazy.collect())?;
    groups.rechunk_mut_par();
    let err = |e| crate::error::from_polars(e, "map_dataframe group");
    let lists = groups.column(row_index).and_then(|c| c.list().cloned()).map_err(err)?;
    let mut indices = Vec::new();
    let mut ranges = Vec::with_capacity(lists.len());
    for list in lists.downcast_iter() {
        let values = list
            .values()
            .as_any()
            .downcast_ref::<PrimitiveArray<IdxSize>>()
            .ok_or_else(|| Error::internal("polars group rows are not row indices"))?
            .values();
        for window in list.offsets().windows(2) {
            let (from, to) = (window[0] as usize, window[1] as usize);
            let start = indices.len();
            indices.extend_from_slice(&values[from..to]);
            if to > from {
                ranges.push(start..indices.len());
            }
        }
    }
    Ok((indices, ranges))
}

/// The physical partitions of the sorted `rows` (see the module docs).
fn lay_out(
    rows: &Rows,
    schema: &Schema,
    ranges: Option<Vec<Range<usize>>>,
    spec: &PartitionSpec,
    defaults: &MapDefaults,
) -> Result<Vec<Physical>> {
    let total = rows.len();
    let n = spec.eval_num_partitions(|| Ok(total), || defaults.parallelism)?;
    let requested = usize::try_from(n).ok().filter(|n| *n > 0);
    let algo = spec.algo_or_default();
    let Some(ranges) = ranges else {
        // more partitions than rows would only add empty ones (skipped)
        let count = match requested {
            Some(n) => n,
            None if algo == PartitionAlgo::Even => {
                defaults.default_partitions.unwrap_or(defaults.parallelism).max(1)
            }
            None => 1,
        }
        .min(total.max(1));
        let whole = |r: &RecordBatch| std::iter::once(0..r.num_rows()).collect();
        return Ok(match algo {
            PartitionAlgo::Hash | PartitionAlgo::Rand if count > 1 => {
                let batch = rows.rows(schema, 0..total)?;
                let shuffle = (algo == PartitionAlgo::Rand).then_some(total);
                dealt(&batch, count, shuffle)?
                    .into_iter()
                    .filter(|b| b.num_rows() > 0)
                    .map(|b| Physical { logical: whole(&b), rows: PhysicalRows::Batch(b) })
                    .collect()
            }
            _ => fugue_core::spi::map::contiguous_ranges(total, count)
                .into_iter()
                .map(|r| Physical {
                    logical: std::iter::once(0..r.len()).collect(),
                    rows: PhysicalRows::Range(r),
                })
                .collect(),
        });
    };
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
            rows: PhysicalRows::Range(start..last.end),
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
    batch: &RecordBatch,
    logical: &[Range<usize>],
    no: usize,
    schema: &Schema,
    map_fn: &MapFn,
    output_schema: &Schema,
    spec: &PartitionSpec,
    on_init: Option<&OnInitFn>,
    coarse: bool,
) -> Result<Vec<RecordBatch>> {
    if batch.num_rows() == 0 {
        return Ok(vec![]);
    }
    if let Some(init) = on_init {
        let data = LocalDataFrame::new(schema.clone(), vec![batch.clone()])?;
        call_user(|| format!("physical partition {no} (on_init)"), || init(no, &data))?;
    }
    let mut cursor = PartitionCursor::new(schema.clone(), spec, no)?;
    let whole: Vec<Range<usize>> = std::iter::once(0..batch.num_rows()).collect();
    let ranges: &[Range<usize>] = if coarse { &whole } else { logical };
    let mut out = Vec::new();
    for (logical_no, range) in ranges.iter().enumerate() {
        let rows = batch.slice(range.start, range.len());
        let first = rows.clone();
        cursor.set_lazy(move || row_at(&first, 0), logical_no, 0);
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

    /// The layout of an already sorted batch: (rows, logical ranges) per
    /// physical partition.
    fn lay_out(
        batch: &RecordBatch,
        schema: &Schema,
        spec: &PartitionSpec,
        defaults: &MapDefaults,
    ) -> Result<Vec<Laid>> {
        let ranges = if spec.partition_by().is_empty() {
            None
        } else {
            Some(fugue_core::spi::map::key_ranges(batch, schema, spec.partition_by())?)
        };
        let rows = Rows::Batch(batch.clone());
        super::lay_out(&rows, schema, ranges, spec, defaults)?
            .into_iter()
            .map(|p| Ok(Laid { batch: p.batch(&rows, schema)?, logical: p.logical }))
            .collect()
    }

    struct Laid {
        batch: RecordBatch,
        logical: Vec<Range<usize>>,
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
