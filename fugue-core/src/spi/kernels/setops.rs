//! Set operations and distinct (ENG-SET-2..6, ENG-DISTINCT-1).
//!
//! Whole rows are encoded with `arrow::row::RowConverter` (floats with one
//! NaN and one zero), so row identity is byte equality of the encodings:
//! null equals null and NaN equals NaN (ENG-SET-2). Results keep the first
//! occurrence of each row in input order (not guaranteed, ENG-GEN-8).
//! Schemas were checked equal by the engine (ENG-SET-1).

use crate::dataframe::DataFrame;
use crate::{LocalDataFrame, Result};
use arrow::array::{RecordBatch, UInt64Array};
use arrow::datatypes::DataType;
use rayon::prelude::*;

use super::hashed::{HashedRows, Ways, key_map, take_batch};
use super::rowkeys::RowEncoder;

/// UNION (`distinct = true`: all distinct rows of both, ENG-SET-3) or
/// UNION ALL (`distinct = false`: the concatenation). Schema of `a`.
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for column types the row format cannot compare;
/// Arrow errors.
pub fn union(a: &LocalDataFrame, b: &LocalDataFrame, distinct: bool) -> Result<LocalDataFrame> {
    let batches: Vec<RecordBatch> = a.batches().iter().chain(b.batches()).cloned().collect();
    let all = LocalDataFrame::new(a.schema().clone(), batches)?;
    if distinct { self::distinct(&all) } else { Ok(all) }
}

/// EXCEPT (`distinct = true`: the distinct rows of `a` not in `b`,
/// ENG-SET-4) or EXCEPT ALL (`distinct = false`: a row occurring `n` times
/// in `a` and `m` times in `b` is kept `max(n − m, 0)` times, ENG-SET-6).
/// Schema of `a`.
///
/// # Errors
/// As [`union`].
pub fn subtract(a: &LocalDataFrame, b: &LocalDataFrame, distinct: bool) -> Result<LocalDataFrame> {
    compare(a, b, distinct, false)
}

/// INTERSECT (`distinct = true`: the distinct rows in both, ENG-SET-5) or
/// INTERSECT ALL (`distinct = false`: `min(n, m)` copies, ENG-SET-6).
/// Schema of `a`.
///
/// # Errors
/// As [`union`].
pub fn intersect(a: &LocalDataFrame, b: &LocalDataFrame, distinct: bool) -> Result<LocalDataFrame> {
    compare(a, b, distinct, true)
}

/// DISTINCT: each distinct row once (null equals null, NaN equals NaN),
/// schema unchanged (ENG-DISTINCT-1). Large inputs run in parallel (see
/// [`super::hashed`]); the rows and their order are the same.
///
/// # Errors
/// As [`union`].
pub fn distinct(a: &LocalDataFrame) -> Result<LocalDataFrame> {
    distinct_with(a, Ways::for_rows(a.num_rows()))
}

fn distinct_with(a: &LocalDataFrame, ways: Ways) -> Result<LocalDataFrame> {
    let batch = a.to_batch()?;
    let rows = HashedRows::encode(&encoder(&batch)?, batch.columns(), ways.chunks)?;
    let parts = rows.partitions(ways.partitions, |_| true);
    let keep = in_order(parts.par_iter().map(|idx| {
        let mut seen = key_map::<()>(idx.len());
        idx.iter().copied().filter(|&i| seen.insert(rows.key(i), ()).is_none()).collect()
    }));
    pick(a, &batch, keep)
}

/// Row indices found per partition, back in input order.
fn in_order(per_partition: impl ParallelIterator<Item = Vec<usize>>) -> Vec<usize> {
    let mut all: Vec<usize> = per_partition.flatten_iter().collect();
    all.par_sort_unstable();
    all
}

/// EXCEPT / INTERSECT (`keep_found` chooses which): with `distinct`, each
/// kept row once; without, multiset counts from `b` are consumed in `a`'s
/// row order. Rows of both sides are hash partitioned alike, so equal rows
/// meet in one partition.
fn compare(
    a: &LocalDataFrame,
    b: &LocalDataFrame,
    distinct: bool,
    keep_found: bool,
) -> Result<LocalDataFrame> {
    compare_with(a, b, distinct, keep_found, Ways::for_rows(a.num_rows() + b.num_rows()))
}

fn compare_with(
    a: &LocalDataFrame,
    b: &LocalDataFrame,
    distinct: bool,
    keep_found: bool,
    ways: Ways,
) -> Result<LocalDataFrame> {
    let ab = a.to_batch()?;
    let bb = b.to_batch()?;
    let enc = encoder(&ab)?;
    let ar = HashedRows::encode(&enc, ab.columns(), ways.chunks)?;
    let br = HashedRows::encode(&enc, bb.columns(), ways.chunks)?;
    let ap = ar.partitions(ways.partitions, |_| true);
    let bp = br.partitions(ways.partitions, |_| true);
    let keep = in_order(ap.par_iter().zip(bp.par_iter()).map(|(ai, bi)| {
        let mut counts = key_map::<usize>(bi.len());
        for &j in bi {
            *counts.entry(br.key(j)).or_insert(0) += 1;
        }
        let mut out = Vec::new();
        if distinct {
            let mut seen = key_map::<()>(ai.len());
            for &i in ai {
                let row = ar.key(i);
                if counts.contains_key(&row) == keep_found && seen.insert(row, ()).is_none() {
                    out.push(i);
                }
            }
        } else {
            for &i in ai {
                let found = match counts.get_mut(&ar.key(i)) {
                    Some(c) if *c > 0 => {
                        *c -= 1;
                        true
                    }
                    _ => false,
                };
                if found == keep_found {
                    out.push(i);
                }
            }
        }
        out
    }));
    pick(a, &ab, keep)
}

/// An encoder for all columns of `batch`.
fn encoder(batch: &RecordBatch) -> Result<RowEncoder> {
    let types: Vec<DataType> =
        batch.schema().fields().iter().map(|f| f.data_type().clone()).collect();
    RowEncoder::new("set operation", types)
}

/// `batch` restricted to the rows `keep` (ascending); `df` itself when
/// every row is kept.
fn pick(df: &LocalDataFrame, batch: &RecordBatch, keep: Vec<usize>) -> Result<LocalDataFrame> {
    if keep.len() == batch.num_rows() {
        return Ok(df.clone());
    }
    let indices = UInt64Array::from_iter_values(keep.into_iter().map(|i| i as u64));
    let out = take_batch(batch, &indices)?;
    LocalDataFrame::new(df.schema().clone(), vec![out])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;
    use crate::spi::kernels::testutil::sorted;

    fn df(rows: Vec<Vec<Value>>, schema: &str) -> LocalDataFrame {
        LocalDataFrame::from_rows(rows, schema).expect("frame")
    }

    fn v(i: i32) -> Value {
        Value::from(i)
    }

    fn sample_a() -> LocalDataFrame {
        df(
            vec![
                vec![v(1), Value::from("x")],
                vec![v(1), Value::from("x")],
                vec![Value::Null, Value::Null],
                vec![Value::Null, Value::Null],
                vec![v(2), Value::Null],
            ],
            "a:int,b:str",
        )
    }

    #[test]
    fn eng_distinct_1_null_equals_null() {
        let d = distinct(&sample_a()).expect("distinct");
        assert_eq!(d.schema().to_string(), "a:int,b:str");
        assert_eq!(
            sorted(&d),
            vec![
                vec![Value::Null, Value::Null],
                vec![v(1), Value::from("x")],
                vec![v(2), Value::Null],
            ]
        );
        // already distinct: returned as is
        let one = df(vec![vec![v(1), Value::Null]], "a:int,b:str");
        assert_eq!(distinct(&one).expect("distinct").rows().ok(), one.rows().ok());
    }

    #[test]
    fn eng_set_2_nan_equals_nan() {
        // built from Arrow: rows ingestion turns NaN into null (DF-VAL-3)
        let doubles = |v: Vec<Option<f64>>| {
            let col: arrow::array::ArrayRef =
                std::sync::Arc::new(arrow::array::Float64Array::from(v));
            let batch = RecordBatch::try_from_iter([("a", col)]).expect("batch");
            LocalDataFrame::from_batch(batch).expect("frame")
        };
        let a = doubles(vec![Some(f64::NAN), Some(-f64::NAN), None, Some(-0.0), Some(0.0)]);
        assert_eq!(distinct(&a).expect("distinct").num_rows(), 3);
        let b = doubles(vec![Some(f64::NAN), Some(0.0)]);
        let s = subtract(&a, &b, true).expect("subtract");
        assert_eq!(s.rows().ok(), Some(vec![vec![Value::Null]]));
        assert_eq!(intersect(&a, &b, true).expect("intersect").num_rows(), 2);
        assert_eq!(subtract(&a, &b, false).expect("except all").num_rows(), 3);
    }

    #[test]
    fn eng_set_3_union_and_union_all() {
        let a = sample_a();
        let b = df(vec![vec![v(3), Value::from("y")], vec![v(1), Value::from("x")]], "a:int,b:str");
        let all = union(&a, &b, false).expect("union all");
        assert_eq!(all.num_rows(), 7);
        let u = union(&a, &b, true).expect("union");
        assert_eq!(
            sorted(&u),
            vec![
                vec![Value::Null, Value::Null],
                vec![v(1), Value::from("x")],
                vec![v(2), Value::Null],
                vec![v(3), Value::from("y")],
            ]
        );
        let empty = LocalDataFrame::empty(a.schema().clone()).expect("empty");
        assert_eq!(union(&empty, &empty, true).expect("union").num_rows(), 0);
        assert_eq!(union(&empty, &b, true).expect("union").num_rows(), 2);
    }

    #[test]
    fn eng_set_4_except_removes_null_rows() {
        let a = df(
            vec![vec![v(4), Value::Null, v(6)], vec![v(1), v(2), v(3)], vec![v(1), v(2), v(3)]],
            "a:int,b:int,c:int",
        );
        let b = df(vec![vec![v(4), Value::Null, v(6)]], "a:int,b:int,c:int");
        let s = subtract(&a, &b, true).expect("subtract");
        assert_eq!(s.rows().ok(), Some(vec![vec![v(1), v(2), v(3)]]));
        let empty = LocalDataFrame::empty(a.schema().clone()).expect("empty");
        assert_eq!(subtract(&a, &empty, true).expect("subtract").num_rows(), 2);
        assert_eq!(subtract(&empty, &a, true).expect("subtract").num_rows(), 0);
    }

    #[test]
    fn eng_set_5_intersect() {
        let a = sample_a();
        let b = df(
            vec![
                vec![Value::Null, Value::Null],
                vec![v(2), Value::from("z")],
                vec![v(1), Value::from("x")],
            ],
            "a:int,b:str",
        );
        let i = intersect(&a, &b, true).expect("intersect");
        assert_eq!(sorted(&i), vec![vec![Value::Null, Value::Null], vec![v(1), Value::from("x")]]);
    }

    #[test]
    fn eng_set_6_except_all_and_intersect_all_are_multisets() {
        let a =
            df(vec![vec![v(1)], vec![v(1)], vec![v(1)], vec![v(2)], vec![Value::Null]], "a:int");
        let b = df(vec![vec![v(1)], vec![v(2)], vec![v(2)], vec![Value::Null]], "a:int");
        let s = subtract(&a, &b, false).expect("except all");
        assert_eq!(sorted(&s), vec![vec![v(1)], vec![v(1)]]);
        let i = intersect(&a, &b, false).expect("intersect all");
        assert_eq!(sorted(&i), vec![vec![Value::Null], vec![v(1)], vec![v(2)]]);
    }

    /// The parallel split gives the one-thread pass's rows in its order
    /// (ENG-SET-2..6, ENG-DISTINCT-1), with nulls, NaN and signed zeros.
    #[test]
    fn hash_partitions_give_the_one_pass_rows_in_order() {
        use crate::spi::kernels::testutil::random_frame;
        let a = random_frame(3_000, 7);
        let b = random_frame(1_500, 11);
        for ways in [Ways { chunks: 2, partitions: 3 }, Ways { chunks: 7, partitions: 16 }] {
            let rows = |df: LocalDataFrame| df.rows().expect("rows");
            assert_eq!(
                rows(distinct_with(&a, ways).expect("distinct")),
                rows(distinct_with(&a, Ways::ONE).expect("distinct")),
                "{ways:?}"
            );
            for distinct in [true, false] {
                for keep_found in [true, false] {
                    let par = compare_with(&a, &b, distinct, keep_found, ways).expect("compare");
                    let one = compare_with(&a, &b, distinct, keep_found, Ways::ONE).expect("one");
                    assert_eq!(rows(par), rows(one), "{ways:?} {distinct} {keep_found}");
                }
            }
        }
        // the one pass itself: NaN = NaN and -0.0 = 0.0 collapse
        let d = distinct_with(&a, Ways::ONE).expect("distinct");
        let nan = d.rows().expect("rows").iter().filter(|r| {
            matches!((&r[0], &r[1], &r[2]), (Value::Int64(1), Value::Null, Value::Float64(f)) if f.is_nan())
        }).count();
        assert!(nan <= 1, "one NaN row per key and s");
    }
}
