//! Parallel building blocks of the hash kernels (join, distinct, set
//! operations, grouping): rows encoded and hashed in contiguous chunks on
//! rayon's current pool, hash partitions of row indices, and hash maps
//! keyed by encoded rows that reuse the hash computed once per row.
//!
//! Every kernel built on these returns the same rows in the same order as
//! its one-thread pass: partitions keep row indices ascending, and results
//! that come out per partition are put back in input order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use arrow::array::ArrayRef;
use arrow::row::Rows;
use rayon::prelude::*;

use super::rowkeys::RowEncoder;
use crate::Result;

/// Inputs with at least this many rows run in parallel (below it one pass
/// on one thread is as fast): the hash kernels, `take` and
/// `LocalDataFrame::to_batch`.
pub(crate) const PARALLEL_MIN_ROWS: usize = 1 << 16;

/// How a hash kernel splits its work: contiguous chunks of rows (encoding,
/// hashing, probing) and hash partitions (building hash tables). One of
/// each is the one-thread pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ways {
    pub(crate) chunks: usize,
    pub(crate) partitions: usize,
}

impl Ways {
    /// One chunk, one partition.
    pub(crate) const ONE: Ways = Ways { chunks: 1, partitions: 1 };

    /// The split for `rows` input rows on rayon's current pool: one way
    /// below [`PARALLEL_MIN_ROWS`] or on one thread; else 4 chunks and 8
    /// partitions per thread, so uneven pieces still balance.
    pub(crate) fn for_rows(rows: usize) -> Ways {
        let threads = rayon::current_num_threads();
        if rows < PARALLEL_MIN_ROWS || threads < 2 {
            return Ways::ONE;
        }
        Ways { chunks: threads * 4, partitions: threads * 8 }
    }
}

/// `batch`'s rows at `indices`, columns gathered in parallel when there
/// are many rows.
///
/// # Errors
/// Arrow errors.
pub(crate) fn take_batch(
    batch: &arrow::array::RecordBatch,
    indices: &arrow::array::UInt64Array,
) -> Result<arrow::array::RecordBatch> {
    use arrow::array::{RecordBatch, RecordBatchOptions};
    if Ways::for_rows(indices.len()) == Ways::ONE || batch.num_columns() < 2 {
        return Ok(arrow::compute::take_record_batch(batch, indices)?);
    }
    let columns = batch
        .columns()
        .par_iter()
        .map(|c| Ok(arrow::compute::take(c.as_ref(), indices, None)?))
        .collect::<Result<Vec<ArrayRef>>>()?;
    let options = RecordBatchOptions::new().with_row_count(Some(indices.len()));
    Ok(RecordBatch::try_new_with_options(batch.schema(), columns, &options)?)
}

/// One fixed hasher, so hashes (and partitions) are reproducible.
fn hasher() -> ahash::RandomState {
    ahash::RandomState::with_seeds(
        0x243f_6a88_85a3_08d3,
        0x1319_8a2e_0370_7344,
        0xa409_3822_299f_31d0,
        0x082e_fa98_ec4e_6c89,
    )
}

/// Encoded rows of some columns, in contiguous chunks encoded in parallel,
/// with each row's hash.
pub(crate) struct HashedRows {
    chunks: Vec<Rows>,
    chunk_len: usize,
    hashes: Vec<u64>,
}

impl HashedRows {
    /// Encodes `columns` (equal lengths) with `encoder` in `chunks`
    /// contiguous slices in parallel, hashing every row.
    ///
    /// # Errors
    /// Those of [`RowEncoder::encode`].
    pub(crate) fn encode(
        encoder: &RowEncoder,
        columns: &[ArrayRef],
        chunks: usize,
    ) -> Result<HashedRows> {
        Self::encode_with(&|c: &[ArrayRef]| encoder.encode(c), columns, chunks)
    }

    /// [`HashedRows::encode`] with any row encoding of the columns.
    ///
    /// # Errors
    /// Those of `encode`.
    pub(crate) fn encode_with(
        encode: &(dyn Fn(&[ArrayRef]) -> Result<Rows> + Sync),
        columns: &[ArrayRef],
        chunks: usize,
    ) -> Result<HashedRows> {
        let n = columns.first().map_or(0, |c| c.len());
        let chunk_len = n.div_ceil(chunks.max(1)).max(1);
        let state = hasher();
        let parts = (0..n.div_ceil(chunk_len))
            .into_par_iter()
            .map(|c| {
                let start = c * chunk_len;
                let len = chunk_len.min(n - start);
                let sliced: Vec<ArrayRef> = columns.iter().map(|a| a.slice(start, len)).collect();
                let rows = encode(&sliced)?;
                let hashes: Vec<u64> =
                    (0..len).map(|i| state.hash_one(rows.row(i).data())).collect();
                Ok((rows, hashes))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut chunks = Vec::with_capacity(parts.len());
        let mut hashes = Vec::with_capacity(n);
        for (rows, h) in parts {
            chunks.push(rows);
            hashes.extend(h);
        }
        Ok(HashedRows { chunks, chunk_len, hashes })
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.hashes.len()
    }

    /// The rows of each chunk, as the index ranges the encoding used.
    pub(crate) fn chunk_ranges(&self) -> Vec<std::ops::Range<usize>> {
        let (n, step) = (self.len(), self.chunk_len);
        (0..n.div_ceil(step)).map(|c| c * step..((c + 1) * step).min(n)).collect()
    }

    /// Row `i` as its key (bytes and hash).
    #[inline]
    pub(crate) fn key(&self, i: usize) -> Key<'_> {
        let bytes = self.chunks[i / self.chunk_len].row(i % self.chunk_len).data();
        Key { hash: self.hashes[i], bytes }
    }

    /// The partition of row `i` among `p`.
    #[inline]
    pub(crate) fn partition(&self, i: usize, p: usize) -> usize {
        partition_of(self.hashes[i], p)
    }

    /// The row indices of each of `p` hash partitions, ascending in each,
    /// only rows where `include` is true.
    pub(crate) fn partitions(
        &self,
        p: usize,
        include: impl Fn(usize) -> bool + Sync,
    ) -> Vec<Vec<usize>> {
        let n = self.len();
        let step = self.chunk_len;
        let per_chunk: Vec<Vec<Vec<usize>>> = (0..n.div_ceil(step))
            .into_par_iter()
            .map(|c| {
                let mut out = vec![Vec::new(); p];
                for i in c * step..((c + 1) * step).min(n) {
                    if include(i) {
                        out[partition_of(self.hashes[i], p)].push(i);
                    }
                }
                out
            })
            .collect();
        (0..p)
            .into_par_iter()
            .map(|q| {
                let len = per_chunk.iter().map(|c| c[q].len()).sum();
                let mut all = Vec::with_capacity(len);
                for c in &per_chunk {
                    all.extend_from_slice(&c[q]);
                }
                all
            })
            .collect()
    }
}

/// The partition of a row hash among `p` (bits the hash maps leave alone:
/// hashbrown uses the low bits for buckets and the top 7 for tags).
#[inline]
fn partition_of(hash: u64, p: usize) -> usize {
    ((hash >> 32) as usize & 0x00ff_ffff) % p
}

/// An encoded row with its hash: equal keys are equal rows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key<'a> {
    hash: u64,
    bytes: &'a [u8],
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.bytes == other.bytes
    }
}

impl Eq for Key<'_> {}

impl Hash for Key<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// A hasher that passes a [`Key`]'s precomputed hash through.
#[derive(Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // only `write_u64` is used by `Key`; fold anything else in
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// A hash map keyed by encoded rows, hashing each row once.
pub(crate) type KeyMap<'a, V> = HashMap<Key<'a>, V, BuildHasherDefault<PassThrough>>;

/// An empty [`KeyMap`] with room for `n` keys.
pub(crate) fn key_map<'a, V>(n: usize) -> KeyMap<'a, V> {
    HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default())
}
