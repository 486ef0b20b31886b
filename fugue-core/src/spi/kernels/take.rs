//! `take` (ENG-TAKE-1..6): the first `n` rows of each partition-key group in
//! presort order, in one pass with a bounded heap per group instead of a
//! sort of every row (issue 15: W4 is top 2 of 6M rows per supplier).
//!
//! Sort columns are encoded once with `arrow::row::RowConverter` (each
//! column's direction and the null placement in the encoding, floats in
//! IEEE total order like `lexsort`), so comparing two rows is comparing two
//! byte strings; group keys use the shared row keys of joins and set
//! operations (null equals null, NaN equals NaN, `-0.0` equals `0.0`).
//! Cost: O(rows · log n) comparisons, memory O(groups · n) beyond the
//! encoded rows. Ties keep input order (the earlier row wins). Frames of
//! 64 Ki rows or more are cut into one slice per thread, taken in
//! parallel, and the slices' results taken again (the same rows, in the
//! same order).

use std::collections::BinaryHeap;
use std::collections::hash_map::Entry;

use arrow::array::{ArrayRef, UInt32Array};
use arrow::compute::SortOptions;
use arrow::compute::take_record_batch;
use arrow::row::{RowConverter, Rows, SortField};

use super::rowkeys::RowEncoder;
use crate::dataframe::{DataFrame, LocalDataFrame};
use crate::engine::NaPosition;
use crate::engine::take::{TakePlan, plan_take};
use crate::partition::PartitionSpec;
use crate::{Error, Result, Schema};

/// `take(df, n, presort, na_position, partition_spec)` over local data
/// (ENG-TAKE-1..6): `n` rows per group of the spec's partition keys (or
/// overall without keys), first in `presort` order (the argument, else
/// the spec's presort, ENG-TAKE-3), nulls placed by `na_position`; the
/// spec's `num` and `algo` are ignored (ENG-TAKE-6). Same schema as the
/// input; groups come out in order of their first row, each group's rows in
/// presort order (input order without a presort).
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for a bad presort; `ERR-NOT-FOUND` for a missing
/// sort or key column; `ERR-NOT-SUPPORTED` for sort or key types Arrow
/// cannot compare row-wise.
pub fn take(
    df: &LocalDataFrame,
    n: usize,
    presort: &str,
    na_position: NaPosition,
    partition_spec: &PartitionSpec,
) -> Result<LocalDataFrame> {
    let threads = rayon::current_num_threads();
    if threads > 1 && n > 0 && df.num_rows() >= super::hashed::PARALLEL_MIN_ROWS {
        return take_in_chunks(df, threads, n, presort, na_position, partition_spec);
    }
    take_one(df, n, presort, na_position, partition_spec)
}

/// The largest `n` for which engines plan `take` per key as this kernel
/// over each input partition followed by a final ranking of the
/// survivors (the DataFusion engine's two phases, the Polars engine's
/// kernel call): the first phase keeps up to `groups × n` rows per
/// partition, worth it while `n` is a handful (W4 takes 2 per supplier).
pub const HEAP_TAKE_MAX_N: usize = 64;

/// True when `take` of `n` rows per group of `plan`'s keys suits this
/// kernel in an engine's plan: keyed, `n` in `1..=`[`HEAP_TAKE_MAX_N`],
/// and every key and sort column of `schema` of a flat type (not a list,
/// struct or map), which the kernel's row encodings compare.
pub fn heap_take_applies(schema: &Schema, plan: &TakePlan, n: usize) -> bool {
    let flat =
        |name: &String| schema.data_type(name).is_some_and(|t| !crate::value::cast::is_nested(t));
    !plan.keys.is_empty()
        && (1..=HEAP_TAKE_MAX_N).contains(&n)
        && plan.keys.iter().all(flat)
        && plan.sorts.iter().all(|(c, _)| flat(c))
}

/// [`take`] over `chunks` contiguous slices of `df` in parallel (rayon's
/// current pool), then over the concatenation of their results, in slice
/// order. The same rows in the same order as one pass: a group's first
/// `n` rows overall are among the first `n` of each slice; slices keep
/// input order, so groups still come out in order of their first row and
/// ties still go to the earlier row.
fn take_in_chunks(
    df: &LocalDataFrame,
    chunks: usize,
    n: usize,
    presort: &str,
    na_position: NaPosition,
    partition_spec: &PartitionSpec,
) -> Result<LocalDataFrame> {
    use rayon::prelude::*;
    // the arguments' errors, before any work
    plan_take(df.schema(), presort, partition_spec)?;
    let rows = df.num_rows();
    let size = rows.div_ceil(chunks.max(1)).max(1);
    let parts = (0..rows.div_ceil(size))
        .into_par_iter()
        .map(|c| {
            let start = c * size;
            take_one(
                &df.slice(start, size.min(rows - start)),
                n,
                presort,
                na_position,
                partition_spec,
            )
        })
        .collect::<Result<Vec<LocalDataFrame>>>()?;
    let batches = parts.into_iter().flat_map(LocalDataFrame::into_batches).collect();
    let partial = LocalDataFrame::new(df.schema().clone(), batches)?;
    take_one(&partial, n, presort, na_position, partition_spec)
}

/// [`take`] in one pass on the calling thread.
fn take_one(
    df: &LocalDataFrame,
    n: usize,
    presort: &str,
    na_position: NaPosition,
    partition_spec: &PartitionSpec,
) -> Result<LocalDataFrame> {
    let schema = df.schema();
    let plan = plan_take(schema, presort, partition_spec)?;
    let batch = df.to_batch()?;
    let rows = batch.num_rows();
    if n == 0 || rows == 0 {
        return LocalDataFrame::new(schema.clone(), vec![batch.slice(0, 0)]);
    }
    let index = |i: usize| -> Result<u32> {
        u32::try_from(i).map_err(|_| {
            Error::not_supported(format!("take over more than {} rows in one frame", u32::MAX))
        })
    };
    // the sort order as comparable bytes
    let sort_rows: Option<Rows> = if plan.sorts.is_empty() {
        None
    } else {
        let nulls_first = na_position == NaPosition::First;
        let mut fields = Vec::with_capacity(plan.sorts.len());
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(plan.sorts.len());
        for (name, asc) in &plan.sorts {
            let column = batch.column(schema.index_of(name)?).clone();
            let options = SortOptions { descending: !asc, nulls_first };
            fields.push(SortField::new_with_options(column.data_type().clone(), options));
            columns.push(column);
        }
        if !RowConverter::supports_fields(&fields) {
            return Err(Error::not_supported(format!(
                "take cannot sort by the types of `{}`",
                plan.sorts.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        Some(RowConverter::new(fields)?.convert_columns(&columns)?)
    };
    // the group of every row, groups numbered by first appearance
    let groups: Vec<usize> = if plan.keys.is_empty() {
        vec![0; rows]
    } else {
        let mut columns = Vec::with_capacity(plan.keys.len());
        for k in &plan.keys {
            columns.push(batch.column(schema.index_of(k)?).clone());
        }
        let encoder =
            RowEncoder::new("take", columns.iter().map(|c| c.data_type().clone()).collect())?;
        let keys = encoder.encode(&columns)?;
        let mut ids: ahash::AHashMap<&[u8], usize> = ahash::AHashMap::new();
        let mut out = Vec::with_capacity(rows);
        for i in 0..rows {
            let next = ids.len();
            let id = match ids.entry(keys.row(i).data()) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => *e.insert(next),
            };
            out.push(id);
        }
        out
    };
    let group_count = groups.iter().copied().max().map_or(0, |m| m + 1);
    let mut indices: Vec<u32> = Vec::new();
    match &sort_rows {
        None => {
            // no presort: the first n rows of each group, in input order
            let mut taken = vec![0usize; group_count];
            let mut per_group: Vec<Vec<u32>> = vec![Vec::new(); group_count];
            for (i, &g) in groups.iter().enumerate() {
                if taken[g] < n {
                    taken[g] += 1;
                    per_group[g].push(index(i)?);
                }
            }
            indices.extend(per_group.into_iter().flatten());
        }
        Some(sort_rows) => {
            // a max-heap of the n smallest (sort bytes, row) per group
            let mut heaps: Vec<BinaryHeap<(arrow::row::Row<'_>, usize)>> =
                (0..group_count).map(|_| BinaryHeap::new()).collect();
            for (i, &g) in groups.iter().enumerate() {
                let item = (sort_rows.row(i), i);
                let heap = &mut heaps[g];
                if heap.len() < n {
                    heap.push(item);
                } else if heap.peek().is_some_and(|top| item < *top) {
                    heap.pop();
                    heap.push(item);
                }
            }
            for heap in heaps {
                for (_, i) in heap.into_sorted_vec() {
                    indices.push(index(i)?);
                }
            }
        }
    }
    let taken = take_record_batch(&batch, &UInt32Array::from(indices))?;
    LocalDataFrame::new(schema.clone(), vec![taken])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;

    fn frame() -> LocalDataFrame {
        LocalDataFrame::from_rows(
            vec![
                vec![Value::Str("a".into()), Value::Int64(3), Value::Float64(1.0)],
                vec![Value::Str("b".into()), Value::Int64(5), Value::Null],
                vec![Value::Str("a".into()), Value::Int64(1), Value::Float64(2.0)],
                vec![Value::Null, Value::Int64(7), Value::Float64(f64::NAN)],
                vec![Value::Str("a".into()), Value::Int64(2), Value::Float64(2.0)],
                vec![Value::Str("b".into()), Value::Int64(4), Value::Float64(0.5)],
                vec![Value::Null, Value::Int64(8), Value::Float64(1.0)],
            ],
            "k:str,v:long,f:double",
        )
        .expect("frame")
    }

    fn by_k() -> PartitionSpec {
        PartitionSpec::by(["k"]).expect("spec")
    }

    fn vs(df: &LocalDataFrame) -> Vec<i64> {
        df.rows()
            .expect("rows")
            .into_iter()
            .map(|r| match r[1] {
                Value::Int64(v) => v,
                ref other => panic!("{other:?}"),
            })
            .collect()
    }

    /// Parallel chunks give exactly the one-pass rows, in the same order
    /// (groups by first row, ties to the earlier row, nulls placed), with
    /// and without keys and presort, for chunk counts that do and do not
    /// divide the rows.
    #[test]
    fn chunks_give_the_one_pass_rows_in_order() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        let rows = (0..5_000)
            .map(|i| {
                let k = if next(23) == 0 { Value::Null } else { Value::Int64(next(40) as i64) };
                let f = match next(30) {
                    0 => Value::Null,
                    1 => Value::Float64(f64::NAN),
                    _ => Value::Float64(next(50) as f64 / 4.0),
                };
                vec![k, Value::Int64(i), f]
            })
            .collect();
        let df = LocalDataFrame::from_rows(rows, "k:long,v:long,f:double").expect("frame");
        let specs = [by_k(), PartitionSpec::default()];
        for spec in &specs {
            for presort in ["f desc", "f", "", "f desc, v"] {
                for na in [NaPosition::First, NaPosition::Last] {
                    for n in [1, 3] {
                        let one = take_one(&df, n, presort, na, spec).expect("one pass");
                        for chunks in [2, 3, 7] {
                            let par =
                                take_in_chunks(&df, chunks, n, presort, na, spec).expect("chunks");
                            assert_eq!(
                                par.rows().expect("rows"),
                                one.rows().expect("rows"),
                                "{presort:?} {na:?} n={n} chunks={chunks} keys={:?}",
                                spec.partition_by()
                            );
                        }
                    }
                }
            }
        }
        // the arguments' errors come first, as in one pass
        let err = take_in_chunks(&df, 2, 1, "nope", NaPosition::Last, &by_k()).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::NotFound);
    }

    /// ENG-TAKE-1/2: n rows per key group (null keys form one group), in
    /// presort order; groups in order of their first row.
    #[test]
    fn top_n_per_group_in_presort_order() {
        let out = take(&frame(), 2, "v desc", NaPosition::Last, &by_k()).expect("take");
        assert_eq!(vs(&out), vec![3, 2, 5, 4, 8, 7]);
        assert_eq!(out.schema().to_string(), "k:str,v:long,f:double");
    }

    /// ENG-TAKE-4: null placement of the sort column whatever its
    /// direction; ties keep input order (`a` has f = 2.0 twice: the earlier
    /// row wins).
    #[test]
    fn nulls_and_ties() {
        let first = take(&frame(), 1, "f desc", NaPosition::First, &by_k()).expect("take");
        assert_eq!(vs(&first)[..2], [1, 5]);
        let last = take(&frame(), 1, "f desc", NaPosition::Last, &by_k()).expect("take");
        assert_eq!(vs(&last)[..2], [1, 4]);
        let asc = take(&frame(), 1, "f", NaPosition::First, &by_k()).expect("take");
        assert_eq!(vs(&asc)[..2], [3, 5]);
    }

    /// The heap gives what a full sort then a slice per group gives (the
    /// kernel it replaces), NaN and nulls included, every direction and
    /// null placement, several n.
    #[test]
    fn same_rows_as_sort_then_slice() {
        use crate::engine::map::{key_ranges, sort_batch};
        let df = frame();
        let batch = df.to_batch().expect("batch");
        for presort in ["f desc", "f", "v desc, f", "f desc, v desc"] {
            for na in [NaPosition::First, NaPosition::Last] {
                for n in 1..4 {
                    let got = vs(&take(&df, n, presort, na, &by_k()).expect("take"));
                    let sorts = crate::partition::parse_presort(presort).expect("presort");
                    let mut all = vec![("k".to_string(), true)];
                    all.extend(sorts);
                    let sorted = sort_batch(&batch, df.schema(), &all, na == NaPosition::First)
                        .expect("sort");
                    let mut want = Vec::new();
                    for r in key_ranges(&sorted, df.schema(), &["k".to_string()]).expect("ranges") {
                        let part = sorted.slice(r.start, (r.end - r.start).min(n));
                        let part =
                            LocalDataFrame::new(df.schema().clone(), vec![part]).expect("df");
                        want.extend(vs(&part));
                    }
                    let (mut g, mut w) = (got.clone(), want.clone());
                    g.sort_unstable();
                    w.sort_unstable();
                    assert_eq!(g, w, "{presort} {na:?} n={n}: {got:?} vs {want:?}");
                }
            }
        }
    }

    /// ENG-TAKE-3/5: without keys n rows overall; without a presort the first
    /// rows in input order; the spec's presort when the argument is empty.
    #[test]
    fn overall_and_unsorted_and_spec_presort() {
        let all = PartitionSpec::default();
        assert_eq!(
            vs(&take(&frame(), 3, "v", NaPosition::Last, &all).expect("take")),
            vec![1, 2, 3]
        );
        assert_eq!(
            vs(&take(&frame(), 1, "", NaPosition::Last, &by_k()).expect("take")),
            vec![3, 5, 7]
        );
        let spec = PartitionSpec::builder().by(["k"]).presort("v").build().expect("spec");
        assert_eq!(
            vs(&take(&frame(), 1, "", NaPosition::Last, &spec).expect("take")),
            vec![1, 4, 7]
        );
        assert_eq!(take(&frame(), 0, "v", NaPosition::Last, &by_k()).expect("take").num_rows(), 0);
        assert_eq!(take(&frame(), 100, "v", NaPosition::Last, &all).expect("take").num_rows(), 7);
    }

    #[test]
    fn errors_name_the_column() {
        let e = take(&frame(), 1, "zz", NaPosition::Last, &by_k()).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::NotFound);
    }
}
