//! Physical layouts that need the whole input at once (PA-4, PA-6, PA-7,
//! `rand`): computed over one sorted batch with the core's helpers, as the
//! native engine does. Keyed hash layouts never come here: they stream
//! through DataFusion's `RepartitionExec` (see [`crate::plan::map`]).

use arrow::array::UInt32Array;
use arrow::compute::take_record_batch;
use arrow::record_batch::RecordBatch;
use fugue_core::partition::PartitionAlgo;
use fugue_core::spi::map::{contiguous_chunks, key_ranges, sort_batch};
use fugue_core::{Error, PartitionSpec, Result, Schema};
use rand::SeedableRng;
use rand::seq::SliceRandom;

/// Splits `batch` (all rows of a frame with `schema`) into physical
/// partitions per `spec` with the evaluated number `n` (≤ 0: no request,
/// then `default_count`):
///
/// - keys with `even`: sorted by keys + presort, whole logical partitions
///   dealt contiguously, the number of keys per partition differing by at
///   most one; N ≤ 0 → one partition per key (PA-4);
/// - no keys: sorted by presort, then `hash` deals rows round robin, `rand`
///   deals a random permutation in equal chunks (each chunk kept in sorted
///   order), anything else cuts contiguous chunks whose sizes differ by at
///   most one (PA-7, PA-4, PA-6 for `per_row`).
///
/// # Errors
/// `ERR-NOT-FOUND` for missing key or presort columns; Arrow errors.
pub(crate) fn split(
    batch: &RecordBatch,
    schema: &Schema,
    spec: &PartitionSpec,
    n: i64,
    default_count: usize,
) -> Result<Vec<Vec<RecordBatch>>> {
    let sorts = spec.get_sorts(schema, true)?;
    let whole = sort_batch(batch, schema, &sorts, false)?;
    let keys = spec.partition_by();
    let rows = whole.num_rows();
    if rows == 0 {
        return Ok(vec![]);
    }
    if !keys.is_empty() {
        let ranges = key_ranges(&whole, schema, keys)?;
        let groups = ranges.len();
        let buckets =
            if n > 0 { usize::try_from(n).unwrap_or(usize::MAX).min(groups) } else { groups };
        let buckets = buckets.max(1);
        let (base, extra) = (groups / buckets, groups % buckets);
        let mut out = Vec::with_capacity(buckets);
        let mut g = 0;
        for b in 0..buckets {
            let count = base + usize::from(b < extra);
            if count == 0 {
                break;
            }
            let (Some(first), Some(last)) = (ranges.get(g), ranges.get(g + count - 1)) else {
                return Err(Error::internal("even layout: group index out of range"));
            };
            out.push(vec![whole.slice(first.start, last.end - first.start)]);
            g += count;
        }
        return Ok(out);
    }
    let n = if n > 0 { usize::try_from(n).unwrap_or(usize::MAX) } else { default_count.max(1) };
    if n == 1 {
        return Ok(vec![vec![whole]]);
    }
    let rows_u32 = u32::try_from(rows)
        .map_err(|_| Error::not_supported(format!("laying out `{rows}` rows at once")))?;
    Ok(match spec.algo_or_default() {
        PartitionAlgo::Hash => (0..u32::try_from(n).unwrap_or(u32::MAX).min(rows_u32))
            .map(|start| {
                let idx = UInt32Array::from_iter_values((start..rows_u32).step_by(n));
                Ok(vec![take_record_batch(&whole, &idx)?])
            })
            .collect::<Result<Vec<_>>>()?,
        PartitionAlgo::Rand => {
            let mut perm: Vec<u32> = (0..rows_u32).collect();
            perm.shuffle(&mut rand::rngs::StdRng::seed_from_u64(
                fugue_core::spi::kernels::fresh_seed(),
            ));
            let (base, extra) = (perm.len() / n, perm.len() % n);
            let mut out = Vec::new();
            let mut offset = 0;
            for i in 0..n {
                let len = base + usize::from(i < extra);
                if len == 0 {
                    break;
                }
                let mut chunk = perm[offset..offset + len].to_vec();
                offset += len;
                chunk.sort_unstable();
                out.push(vec![take_record_batch(&whole, &UInt32Array::from(chunk))?]);
            }
            out
        }
        _ => contiguous_chunks(&whole, n).into_iter().map(|b| vec![b]).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fugue_core::{LocalDataFrame, Value};

    fn batch(n: i32) -> (RecordBatch, Schema) {
        let rows = (0..n).map(|i| vec![Value::Int32(i % 3), Value::Int32(i)]).collect();
        let df = LocalDataFrame::from_rows(rows, "k:int,v:int").expect("frame");
        let schema = fugue_core::DataFrame::schema(&df).clone();
        (df.to_batch().expect("batch"), schema)
    }

    fn sizes(parts: &[Vec<RecordBatch>]) -> Vec<usize> {
        parts.iter().map(|p| p.iter().map(RecordBatch::num_rows).sum()).collect()
    }

    #[test]
    fn pa_7_contiguous_split_sizes_differ_by_one() {
        let (b, s) = batch(5);
        let spec = PartitionSpec::builder().presort("v").num(3).build().expect("spec");
        assert_eq!(sizes(&split(&b, &s, &spec, 3, 1).expect("split")), vec![2, 2, 1]);
    }

    #[test]
    fn pa_4_even_with_keys_deals_whole_logical_partitions() {
        let (b, s) = batch(10);
        let spec = PartitionSpec::builder().by(["k"]).algo("even").build().expect("spec");
        assert_eq!(sizes(&split(&b, &s, &spec, 2, 1).expect("split")), vec![7, 3]);
        assert_eq!(split(&b, &s, &spec, 0, 1).expect("split").len(), 3);
    }
}
