//! sample (ENG-SAMPLE-1..7): draws row indices with a seeded `StdRng` and
//! gathers them with `take`.

use crate::dataframe::DataFrame;
use crate::engine::SampleSpec;
use crate::{LocalDataFrame, Result};
use arrow::array::UInt64Array;
use arrow::compute::take_record_batch;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Samples rows of `df` as `spec` says.
///
/// The size is `spec.resolve_size(count)`: exactly `n` rows or
/// `round(frac × count)` rows (ENG-SAMPLE-4). Without replacement the rows
/// are distinct and keep the input order; with replacement each row is
/// drawn uniformly and may repeat (ENG-SAMPLE-5); sampling with replacement
/// from an empty frame gives an empty frame. The same seed on the same
/// input gives the same rows; without a seed every call draws a fresh seed
/// (ENG-SAMPLE-6). Schema unchanged (ENG-SAMPLE-7).
///
/// # Errors
/// `ERR-ARG` from `resolve_size` (ENG-SAMPLE-1..3); Arrow errors.
pub fn sample(df: &LocalDataFrame, spec: &SampleSpec) -> Result<LocalDataFrame> {
    let count = df.num_rows();
    let size = spec.resolve_size(count)?;
    if size == 0 || count == 0 {
        return LocalDataFrame::empty(df.schema().clone());
    }
    let mut rng = StdRng::seed_from_u64(spec.seed.unwrap_or_else(fresh_seed));
    let indices: Vec<u64> = if spec.replace {
        let mut v = Vec::new();
        v.try_reserve_exact(size).map_err(|e| {
            crate::Error::arg("sample", format!("cannot allocate {size} sampled row indices: {e}"))
        })?;
        v.extend((0..size).map(|_| rng.random_range(0..count) as u64));
        v
    } else {
        let mut picked: Vec<u64> =
            rand::seq::index::sample(&mut rng, count, size).into_iter().map(|i| i as u64).collect();
        picked.sort_unstable();
        picked
    };
    let batch = df.to_batch()?;
    let out = take_record_batch(&batch, &UInt64Array::from(indices))?;
    LocalDataFrame::new(df.schema().clone(), vec![out])
}

/// A seed that differs per call, from the operating system's generator
/// (ENG-SAMPLE-6: without a seed, results vary between calls).
pub fn fresh_seed() -> u64 {
    let mut os = rand::rngs::OsRng;
    rand::TryRngCore::try_next_u64(&mut os).unwrap_or_else(|_| {
        // No OS randomness: fall back to the clock, still varying per call.
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, Value};

    fn frame(n: i64) -> LocalDataFrame {
        let rows = (0..n).map(|i| vec![Value::from(i), Value::from(format!("r{i}"))]).collect();
        LocalDataFrame::from_rows(rows, "a:long,b:str").expect("frame")
    }

    fn keys(df: &LocalDataFrame) -> Vec<Value> {
        df.rows().expect("rows").into_iter().map(|r| r[0].clone()).collect()
    }

    #[test]
    fn eng_sample_1_2_3_argument_errors() {
        let f = frame(10);
        let kind = |s: SampleSpec| sample(&f, &s).err().map(|e| e.kind());
        let both = SampleSpec { n: Some(1), frac: Some(0.5), replace: false, seed: None };
        assert_eq!(kind(both), Some(ErrorKind::InvalidArgument));
        let neither = SampleSpec { n: None, frac: None, replace: false, seed: None };
        assert_eq!(kind(neither), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(SampleSpec::n(11)), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(SampleSpec::frac(1.5)), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(SampleSpec::frac(-0.1)), Some(ErrorKind::InvalidArgument));
        assert_eq!(sample(&f, &SampleSpec::n(0)).expect("sample").num_rows(), 0);
        assert_eq!(sample(&f, &SampleSpec::frac(0.0)).expect("sample").num_rows(), 0);
    }

    #[test]
    fn eng_sample_4_exact_sizes_without_replacement() {
        let f = frame(100);
        let s = sample(&f, &SampleSpec::n(90)).expect("sample");
        assert_eq!(s.num_rows(), 90);
        let mut k = keys(&s);
        k.dedup();
        assert_eq!(k.len(), 90, "rows are distinct");
        assert_eq!(sample(&f, &SampleSpec::frac(0.8)).expect("sample").num_rows(), 80);
        assert_eq!(sample(&f, &SampleSpec::n(100)).expect("sample").num_rows(), 100);
    }

    #[test]
    fn eng_sample_5_replace_repeats_rows() {
        let f = frame(3);
        let s = sample(&f, &SampleSpec::frac(10.0).with_replace(true).with_seed(1)).expect("s");
        assert_eq!(s.num_rows(), 30);
        let mut k = keys(&s);
        k.sort_by(|a, b| a.total_cmp(b));
        k.dedup();
        assert!(k.len() <= 3);
        let empty = LocalDataFrame::empty(f.schema().clone()).expect("empty");
        let e = sample(&empty, &SampleSpec::n(5).with_replace(true)).expect("sample");
        assert_eq!(e.num_rows(), 0);
    }

    #[test]
    fn eng_sample_6_seeds() {
        let f = frame(100);
        for replace in [false, true] {
            let spec = |seed| SampleSpec::n(20).with_replace(replace).with_seed(seed);
            let a = keys(&sample(&f, &spec(7)).expect("a"));
            let b = keys(&sample(&f, &spec(7)).expect("b"));
            let c = keys(&sample(&f, &spec(8)).expect("c"));
            assert_eq!(a, b);
            assert_ne!(a, c);
        }
        let x = keys(&sample(&f, &SampleSpec::n(20)).expect("x"));
        let y = keys(&sample(&f, &SampleSpec::n(20)).expect("y"));
        assert_ne!(x, y, "unseeded calls vary");
    }

    #[test]
    fn eng_sample_7_schema_unchanged() {
        let f = frame(5);
        let s = sample(&f, &SampleSpec::n(2).with_seed(3)).expect("sample");
        assert_eq!(s.schema().to_string(), "a:long,b:str");
        let e = sample(&f, &SampleSpec::n(0)).expect("sample");
        assert_eq!(e.schema().to_string(), "a:long,b:str");
    }
}
