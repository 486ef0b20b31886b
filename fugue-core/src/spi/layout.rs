//! Physical layout per a partition spec (ENG-REPART-1, PS-NUM-6, PG-1..8,
//! PA-1..8), columnar throughout.
//!
//! The number N comes from [`PartitionSpec::eval_num_partitions`]
//! (`ROWCOUNT` = the frame's row count, `CONCURRENCY` = the engine's
//! parallelism). The layouts, by algorithm:
//!
//! | algo | with keys | without keys |
//! |---|---|---|
//! | `default`, `hash`, `coarse`, `rand` | bucket = hash of the key values (Arrow row format, fixed hasher) mod N; N ≤ 0 → the engine default count | N ≤ 0 keeps the layout; N = 1 one partition; N > 1: contiguous split after presort (PA-7); `hash` deals rows round robin, `rand` deals a random permutation in equal-sized chunks |
//! | `even` | whole logical partitions dealt contiguously in key order, the number of keys per bucket differing by ≤ 1; N ≤ 0 → one bucket per key | contiguous split (row counts differ by ≤ 1); N ≤ 0 → the engine default count |
//!
//! The engine default count is `fugue.default.partitions` when > 0, else
//! the pool size. Empty partitions are dropped. Rows inside every
//! materialised partition are sorted by keys ascending then presort, nulls
//! last (PG-4). Splitting never boxes values: bucket ids are computed per
//! batch, then `take` gathers each bucket's rows.

use std::collections::BTreeMap;

use arrow::array::{ArrayRef, UInt32Array};
use arrow::compute::{concat_batches, take_record_batch};
use arrow::record_batch::RecordBatch;
use arrow::row::{RowConverter, SortField};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rayon::prelude::*;

use crate::conf::{Conf, DEFAULT_PARTITIONS};
use crate::engine::map::{contiguous_chunks, key_ranges, sort_batch};
use crate::partition::PartitionAlgo;
use crate::{Error, LocalDataFrame, PartitionSpec, Result, Schema};

/// How a layout is computed for its caller.
#[derive(Debug, Clone, Copy)]
pub struct LayoutOptions<'a> {
    /// Sort every resulting partition by keys + presort (PG-4). `repartition`
    /// needs it; `map_dataframe` may skip it because the core's per-partition
    /// algorithm ([`crate::engine::map::map_physical_partition`]) sorts anyway.
    pub sort: bool,
    /// Number of hash buckets for keyed, non-even specs with N ≤ 0.
    pub keyed_default: usize,
    /// The engine default count for unkeyed `even` with N ≤ 0 (PA-4), see
    /// [`default_partitions`].
    pub default_partitions: usize,
    /// The engine's parallelism: the value of `CONCURRENCY` (PS-NUM-1).
    pub parallelism: usize,
    /// The thread pool the parallel steps run on (`None`: rayon's global pool).
    pub pool: Option<&'a rayon::ThreadPool>,
}

impl LayoutOptions<'_> {
    /// Options for a single-threaded engine: no pool, parallelism 1, one
    /// bucket for keyed specs without a number, sorted partitions.
    pub fn single() -> Self {
        LayoutOptions {
            sort: true,
            keyed_default: 1,
            default_partitions: 1,
            parallelism: 1,
            pool: None,
        }
    }

    fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match self.pool {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }
}

/// `fugue.default.partitions` when > 0, else `parallelism` (PS-NUM-6
/// "engine default").
///
/// # Errors
/// `ERR-ARG` when the conf value is not an integer or is above
/// [`MAX_PARTITIONS`](crate::conf::MAX_PARTITIONS).
pub fn default_partitions(conf: &Conf, parallelism: usize) -> Result<usize> {
    let n = conf_default_partitions(conf)?;
    Ok(match usize::try_from(n) {
        Ok(n) if n > 0 => n,
        _ => parallelism.max(1),
    })
}

/// `fugue.default.partitions` as given (≤ 0: the engine decides, PS-NUM-6),
/// at most [`MAX_PARTITIONS`](crate::conf::MAX_PARTITIONS).
///
/// # Errors
/// `ERR-ARG` when the value is not an integer or is out of range.
pub fn conf_default_partitions(conf: &Conf) -> Result<i64> {
    Ok(conf
        .get_int_in(
            DEFAULT_PARTITIONS,
            i64::MIN,
            crate::conf::MAX_PARTITIONS,
            "every partition is held in memory",
        )?
        .unwrap_or(-1))
}

/// Lays out the rows of `partitions` (physical partitions of one frame with
/// `schema`) per `spec` (see the module docs): the shared heart of
/// `repartition` and `map_dataframe` for engines whose partitions are local
/// Arrow data. Empty partitions are dropped. An empty spec keeps the layout.
///
/// # Errors
/// `ERR-NOT-FOUND` for a key or presort column missing from the schema;
/// `ERR-ARG` for a bad `num` expression.
pub fn lay_out(
    partitions: &[LocalDataFrame],
    schema: &Schema,
    spec: &PartitionSpec,
    options: &LayoutOptions<'_>,
) -> Result<Vec<LocalDataFrame>> {
    let sorts = spec.get_sorts(schema, true)?;
    let n = spec.eval_num_partitions(
        || Ok(partitions.iter().map(LocalDataFrame::num_rows).sum()),
        || options.parallelism,
    )?;
    let algo = spec.algo_or_default();
    let keys = spec.partition_by();
    let parts = if keys.is_empty() {
        unkeyed(partitions, schema, &sorts, n, algo, options)?
    } else {
        keyed(partitions, schema, keys, &sorts, n, algo, options)?
    };
    Ok(parts.into_iter().filter(|p| p.num_rows() > 0).collect())
}

/// All rows of `partitions` as one batch (no copy for a single batch).
fn concat_all(partitions: &[LocalDataFrame], schema: &Schema) -> Result<RecordBatch> {
    let batches: Vec<&RecordBatch> = partitions.iter().flat_map(|p| p.batches()).collect();
    match batches.as_slice() {
        [one] => Ok((*one).clone()),
        _ => Ok(concat_batches(schema.arrow(), batches)?),
    }
}

fn one_batch(schema: &Schema, batch: RecordBatch) -> Result<LocalDataFrame> {
    LocalDataFrame::new(schema.clone(), vec![batch])
}

/// Sorts nulls last, like the core's map algorithm (PG-2 SHOULD).
fn sorted(batch: &RecordBatch, schema: &Schema, sorts: &[(String, bool)]) -> Result<RecordBatch> {
    sort_batch(batch, schema, sorts, false)
}

fn unkeyed(
    partitions: &[LocalDataFrame],
    schema: &Schema,
    sorts: &[(String, bool)],
    n: i64,
    algo: PartitionAlgo,
    options: &LayoutOptions<'_>,
) -> Result<Vec<LocalDataFrame>> {
    let n = match (n, algo) {
        (n, _) if n > 0 => usize::try_from(n).unwrap_or(usize::MAX),
        // PA-4: even without keys and N ≤ 0 → the engine default count
        (_, PartitionAlgo::Even) => options.default_partitions.max(1),
        // PS-NUM-6: no request → keep the layout (sorted per PG-4)
        _ => {
            if !options.sort || sorts.is_empty() {
                return Ok(partitions.to_vec());
            }
            return options.install(|| {
                partitions
                    .par_iter()
                    .map(|p| one_batch(schema, sorted(&p.to_batch()?, schema, sorts)?))
                    .collect()
            });
        }
    };
    let whole = concat_all(partitions, schema)?;
    if n == 1 {
        let whole = if options.sort { sorted(&whole, schema, sorts)? } else { whole };
        return Ok(vec![one_batch(schema, whole)?]);
    }
    match algo {
        PartitionAlgo::Hash => {
            // rows dealt round robin; a subsequence of sorted rows stays sorted
            let whole = if options.sort { sorted(&whole, schema, sorts)? } else { whole };
            let rows = row_count_u32(&whole)?;
            let width = u32::try_from(n).unwrap_or(u32::MAX);
            let mut out = Vec::new();
            for start in 0..width.min(rows) {
                let idx = UInt32Array::from_iter_values((start..rows).step_by(n));
                out.push(one_batch(schema, take_record_batch(&whole, &idx)?)?);
            }
            Ok(out)
        }
        PartitionAlgo::Rand => {
            let whole = if options.sort { sorted(&whole, schema, sorts)? } else { whole };
            let rows = row_count_u32(&whole)?;
            let mut perm: Vec<u32> = (0..rows).collect();
            perm.shuffle(&mut rand::rngs::StdRng::seed_from_u64(crate::spi::kernels::fresh_seed()));
            let base = perm.len() / n;
            let extra = perm.len() % n;
            let mut out = Vec::new();
            let mut offset = 0;
            for i in 0..n {
                let len = base + usize::from(i < extra);
                if len == 0 {
                    break;
                }
                let mut chunk = perm[offset..offset + len].to_vec();
                offset += len;
                chunk.sort_unstable(); // keep the (pre)sorted order inside the chunk
                let idx = UInt32Array::from(chunk);
                out.push(one_batch(schema, take_record_batch(&whole, &idx)?)?);
            }
            Ok(out)
        }
        // default, even, coarse: PA-7 contiguous split of the presorted rows
        _ => {
            let whole = sorted(&whole, schema, sorts)?;
            contiguous_chunks(&whole, n).into_iter().map(|b| one_batch(schema, b)).collect()
        }
    }
}

fn keyed(
    partitions: &[LocalDataFrame],
    schema: &Schema,
    keys: &[String],
    sorts: &[(String, bool)],
    n: i64,
    algo: PartitionAlgo,
    options: &LayoutOptions<'_>,
) -> Result<Vec<LocalDataFrame>> {
    if algo == PartitionAlgo::Even {
        return even_keyed(partitions, schema, keys, sorts, n);
    }
    let n = if n > 0 { usize::try_from(n).unwrap_or(usize::MAX) } else { options.keyed_default };
    let n = n.max(1);
    if n == 1 {
        let whole = concat_all(partitions, schema)?;
        let whole = if options.sort { sorted(&whole, schema, sorts)? } else { whole };
        return Ok(vec![one_batch(schema, whole)?]);
    }
    let key_idx = keys.iter().map(|k| schema.index_of(k)).collect::<Result<Vec<_>>>()?;
    let batches: Vec<&RecordBatch> = partitions.iter().flat_map(|p| p.batches()).collect();
    // 1. per input batch, in parallel: bucket ids, then one `take` per bucket
    let pieces: Vec<Vec<(usize, RecordBatch)>> = options.install(|| {
        batches.par_iter().map(|b| split_by_hash(b, &key_idx, n)).collect::<Result<Vec<_>>>()
    })?;
    let mut buckets: BTreeMap<usize, Vec<RecordBatch>> = BTreeMap::new();
    for (bucket, batch) in pieces.into_iter().flatten() {
        buckets.entry(bucket).or_default().push(batch);
    }
    // 2. per bucket, in parallel: concatenate and sort by keys + presort (PG-4)
    options.install(|| {
        buckets
            .into_values()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|b| {
                let batch = concat_batches(schema.arrow(), &b)?;
                let batch = if options.sort { sorted(&batch, schema, sorts)? } else { batch };
                one_batch(schema, batch)
            })
            .collect()
    })
}

/// PA-4 with keys: sort by keys + presort, find the logical partitions, and
/// cut the key-ordered list of logical partitions into contiguous groups
/// whose sizes (in logical partitions) differ by at most one. N ≤ 0 → one
/// physical partition per logical partition. Every group is a zero-copy
/// slice of the sorted batch.
fn even_keyed(
    partitions: &[LocalDataFrame],
    schema: &Schema,
    keys: &[String],
    sorts: &[(String, bool)],
    n: i64,
) -> Result<Vec<LocalDataFrame>> {
    let whole = sorted(&concat_all(partitions, schema)?, schema, sorts)?;
    let ranges = key_ranges(&whole, schema, keys)?;
    let groups = ranges.len();
    if groups == 0 {
        return Ok(vec![]);
    }
    let buckets = if n > 0 { usize::try_from(n).unwrap_or(usize::MAX).min(groups) } else { groups };
    let (base, extra) = (groups / buckets, groups % buckets);
    let mut out = Vec::with_capacity(buckets);
    let mut g = 0;
    for b in 0..buckets {
        let count = base + usize::from(b < extra);
        let (Some(first), Some(last)) = (ranges.get(g), ranges.get(g + count - 1)) else {
            return Err(Error::internal("even layout: group index out of range"));
        };
        out.push(one_batch(schema, whole.slice(first.start, last.end - first.start))?);
        g += count;
    }
    Ok(out)
}

fn row_count_u32(batch: &RecordBatch) -> Result<u32> {
    u32::try_from(batch.num_rows()).map_err(|_| {
        Error::not_supported(format!(
            "repartitioning `{}` rows at once (at most {} per frame)",
            batch.num_rows(),
            u32::MAX
        ))
    })
}

/// Splits one batch into `(bucket, rows)` pieces by the hash of its key
/// columns modulo `n` (PA-2). Key values are encoded with Arrow's row
/// format, so equal keys — null equal to null — give equal bytes and land
/// in the same bucket (PG-1, PG-8). Key types the row format cannot encode
/// send every row to bucket 0 (still correct, just not spread).
fn split_by_hash(
    batch: &RecordBatch,
    key_idx: &[usize],
    n: usize,
) -> Result<Vec<(usize, RecordBatch)>> {
    let rows = row_count_u32(batch)?;
    if rows == 0 {
        return Ok(vec![]);
    }
    let ids = bucket_ids(batch, key_idx, n)?;
    let Some(ids) = ids else {
        return Ok(vec![(0, batch.clone())]);
    };
    if ids.windows(2).all(|w| w[0] == w[1]) {
        return Ok(ids.first().map(|&b| (b, batch.clone())).into_iter().collect());
    }
    // rows ordered by (bucket, row): row order kept inside a bucket; one
    // `take`, then a zero-copy slice per run of equal bucket ids
    let mut pairs: Vec<(usize, u32)> = ids.into_iter().zip(0..rows).collect();
    pairs.sort_unstable();
    let grouped =
        take_record_batch(batch, &UInt32Array::from_iter_values(pairs.iter().map(|p| p.1)))?;
    let mut out = Vec::new();
    let mut start = 0;
    for run in pairs.chunk_by(|a, b| a.0 == b.0) {
        if let Some(&(bucket, _)) = run.first() {
            out.push((bucket, grouped.slice(start, run.len())));
        }
        start += run.len();
    }
    Ok(out)
}

/// The bucket of every row: a fixed hash of the row-format bytes of the key
/// columns, modulo `n`. `None` when the key types have no row format.
fn bucket_ids(batch: &RecordBatch, key_idx: &[usize], n: usize) -> Result<Option<Vec<usize>>> {
    let cols: Vec<ArrayRef> = key_idx.iter().map(|&i| batch.column(i).clone()).collect();
    let fields: Vec<SortField> =
        cols.iter().map(|c| SortField::new(c.data_type().clone())).collect();
    if !RowConverter::supports_fields(&fields) {
        return Ok(None);
    }
    let converter = RowConverter::new(fields)?;
    let rows = converter.convert_columns(&cols)?;
    let n = n.max(1) as u64;
    // `n` fits usize, so does every value below it
    Ok(Some(rows.iter().map(|r| (stable_hash(r.data()) % n) as usize).collect()))
}

/// A deterministic hash of key bytes (PA-2): aHash with fixed seeds, so a
/// build lays out the same keys the same way in every run.
fn stable_hash(bytes: &[u8]) -> u64 {
    const SEEDS: (u64, u64, u64, u64) = (
        0x9E37_79B9_7F4A_7C15,
        0xBF58_476D_1CE4_E5B9,
        0x94D0_49BB_1331_11EB,
        0xCBF2_9CE4_8422_2325,
    );
    ahash::RandomState::with_seeds(SEEDS.0, SEEDS.1, SEEDS.2, SEEDS.3).hash_one(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_is_fixed() {
        // pinned values: a change would silently change every hash layout
        assert_eq!(stable_hash(b""), stable_hash(b""));
        assert_ne!(stable_hash(b"a"), stable_hash(b"b"));
        assert_ne!(stable_hash(b"12345678a"), stable_hash(b"12345678b"));
    }

    #[test]
    fn ps_num_6_default_partitions_are_bounded() {
        let conf = |v: i64| Conf::empty().with_entry(DEFAULT_PARTITIONS, v);
        assert_eq!(default_partitions(&conf(-1), 3).ok(), Some(3));
        assert_eq!(default_partitions(&conf(0), 3).ok(), Some(3));
        assert_eq!(default_partitions(&conf(7), 3).ok(), Some(7));
        assert_eq!(default_partitions(&Conf::empty(), 0).ok(), Some(1));
        let err = default_partitions(&conf(1 << 40), 3).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
        assert!(err.to_string().contains(DEFAULT_PARTITIONS), "{err}");
        assert!(err.to_string().contains("1048576"), "{err}");
    }
}
