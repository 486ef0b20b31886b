//! The map machinery shared by every engine: the user-function types, the
//! call wrapper that turns errors and panics into errors naming the
//! partition keys, output-schema enforcement, and the reference algorithm
//! that runs one physical partition (sort by keys + presort, split into
//! logical partitions, call the user function per logical partition).
//!
//! Rules: ENG-MAP-1..12, PG-1..8, PA-5, PC-2/3.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use arrow::array::ArrayRef;
use arrow::compute::{SortColumn, SortOptions, lexsort_to_indices, take_record_batch};
use arrow::record_batch::RecordBatch;

use crate::dataframe::{DataFrame, LocalDataFrame};
use crate::error::{Error, Result};
use crate::partition::{PartitionAlgo, PartitionCursor, PartitionSpec};
use crate::schema::Schema;
use crate::value::row_at;

/// The user function of `map_dataframe`: called once per logical partition
/// (or per physical partition without keys / with `coarse`), with the cursor
/// describing that partition and its rows as a local Arrow frame, sorted by
/// the presort (ENG-MAP-2, ENG-MAP-3). It returns a frame whose schema must
/// equal the declared output schema (ENG-MAP-6).
///
/// It may be called concurrently from several threads for different
/// physical partitions (ENG-MAP-12), hence `Send + Sync`.
pub type MapFn =
    Arc<dyn Fn(&PartitionCursor, LocalDataFrame) -> Result<LocalDataFrame> + Send + Sync>;

/// Called once per non-empty physical partition before its first map call,
/// with the physical partition number and its data (ENG-MAP-4, PG-7).
pub type OnInitFn = Arc<dyn Fn(usize, &LocalDataFrame) -> Result<()> + Send + Sync>;

/// Wraps a closure as a [`MapFn`].
pub fn map_fn<F>(f: F) -> MapFn
where
    F: Fn(&PartitionCursor, LocalDataFrame) -> Result<LocalDataFrame> + Send + Sync + 'static,
{
    Arc::new(f)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-text panic payload".to_string()
    }
}

/// Runs user code, turning an error into `ERR-USER` naming `keys` (the
/// original error kept as the source) and a panic into `ERR-USER` with the
/// panic message (ENG-MAP-9). An `ERR-USER` the user code built itself
/// ([`Error::user`]) is not wrapped again: it only gets the keys. Errors
/// that already name their partition pass through.
///
/// # Errors
/// `Error::User` / `Error::UserPanic`.
pub fn call_user<T>(keys: impl FnOnce() -> String, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(Error::User { keys: None, source })) => {
            Err(Error::User { keys: Some(keys()), source })
        }
        Ok(Err(e)) if e.is_user() => Err(e),
        Ok(Err(e)) => Err(Error::User { keys: Some(keys()), source: Box::new(e) }),
        Err(payload) => Err(Error::UserPanic { keys: keys(), message: panic_message(&*payload) }),
    }
}

/// Checks a frame returned by user code against the declared output schema
/// (ENG-MAP-6: names, order and types equal per SCH-EQ-1).
///
/// # Errors
/// `ERR-SCHEMA` naming both schemas.
pub fn check_output_schema(actual: &Schema, expected: &Schema) -> Result<()> {
    if actual != expected {
        return Err(Error::schema(format!(
            "the map function returned schema `{actual}` but the output schema is `{expected}`"
        )));
    }
    Ok(())
}

/// Checks `output_schema` of `map_dataframe` (ENG-MAP-1).
///
/// # Errors
/// `ERR-SCHEMA` for an empty schema.
pub fn check_map_output_schema(output_schema: &Schema) -> Result<()> {
    if output_schema.is_empty() {
        return Err(Error::schema("map_dataframe needs a non-empty output schema"));
    }
    Ok(())
}

/// Sorts `batch` by `sorts` (column, ascending) with nulls placed first or
/// last for every column. Columnar: Arrow's lexsort plus `take`.
///
/// # Errors
/// `ERR-NOT-FOUND` for a missing column; Arrow errors for unsortable types.
pub fn sort_batch(
    batch: &RecordBatch,
    schema: &Schema,
    sorts: &[(String, bool)],
    nulls_first: bool,
) -> Result<RecordBatch> {
    if sorts.is_empty() || batch.num_rows() < 2 {
        return Ok(batch.clone());
    }
    let columns = sorts
        .iter()
        .map(|(name, asc)| {
            Ok(SortColumn {
                values: batch.column(schema.index_of(name)?).clone(),
                options: Some(SortOptions { descending: !asc, nulls_first }),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let indices = lexsort_to_indices(&columns, None)?;
    Ok(take_record_batch(batch, &indices)?)
}

/// Ranges of consecutive rows with equal values of `keys` in a batch sorted
/// by them (null equals null, NaN equals NaN: key equality of PARTITION.md).
///
/// # Errors
/// `ERR-NOT-FOUND` for a missing key; Arrow errors for unsupported types.
pub fn key_ranges(
    batch: &RecordBatch,
    schema: &Schema,
    keys: &[String],
) -> Result<Vec<std::ops::Range<usize>>> {
    if batch.num_rows() == 0 {
        return Ok(vec![]);
    }
    if keys.is_empty() {
        return Ok(std::iter::once(0..batch.num_rows()).collect());
    }
    let cols: Vec<ArrayRef> = keys
        .iter()
        .map(|k| Ok(batch.column(schema.index_of(k)?).clone()))
        .collect::<Result<_>>()?;
    Ok(arrow::compute::partition(&cols)?.ranges())
}

/// Runs `map_fn` over one physical partition, the reference algorithm every
/// engine may reuse per physical partition:
///
/// 1. empty input → no call, no `on_init`, no output (PG-6, PG-7);
/// 2. sort by partition keys ascending then presort (PG-4, PG-2), nulls last;
/// 3. `on_init(physical_partition_no, data)` once (ENG-MAP-4);
/// 4. without keys or with `coarse`: one call for the whole partition
///    (PG-3, PA-5); otherwise one call per run of equal keys (PG-1), the
///    cursor set to the run's first row and logical partition number
///    0, 1, ... (PC-9);
/// 5. every output checked against `output_schema` (ENG-MAP-6).
///
/// Returns the output batches (possibly none).
///
/// # Errors
/// `ERR-NOT-FOUND` for keys or presort columns missing from the input;
/// `ERR-USER` for errors and panics of user code, naming the partition keys;
/// `ERR-SCHEMA` for outputs that do not match `output_schema`.
pub fn map_physical_partition(
    data: &LocalDataFrame,
    physical_partition_no: usize,
    map_fn: &MapFn,
    output_schema: &Schema,
    spec: &PartitionSpec,
    on_init: Option<&OnInitFn>,
) -> Result<Vec<RecordBatch>> {
    if data.num_rows() == 0 {
        return Ok(vec![]);
    }
    let schema = data.schema().clone();
    let sorts = spec.get_sorts(&schema, true)?;
    let batch = sort_batch(&data.to_batch()?, &schema, &sorts, false)?;
    let sorted = LocalDataFrame::new(schema.clone(), vec![batch.clone()])?;
    if let Some(init) = on_init {
        call_user(
            || format!("physical partition {physical_partition_no} (on_init)"),
            || init(physical_partition_no, &sorted),
        )?;
    }
    let mut cursor = PartitionCursor::new(schema.clone(), spec, physical_partition_no)?;
    let coarse = spec.algo() == Some(PartitionAlgo::Coarse);
    let ranges = if coarse {
        std::iter::once(0..batch.num_rows()).collect()
    } else {
        key_ranges(&batch, &schema, spec.partition_by())?
    };
    let mut out = Vec::new();
    for (logical_no, range) in ranges.into_iter().enumerate() {
        let part = batch.slice(range.start, range.len());
        cursor.set(row_at(&part, 0)?, logical_no, 0);
        let input = LocalDataFrame::new(schema.clone(), vec![part])?;
        let result = call_user(|| cursor.describe_keys(), || map_fn(&cursor, input))?;
        check_output_schema(result.schema(), output_schema)?;
        out.extend(result.into_batches());
    }
    Ok(out)
}

/// Splits `batch` into `n` contiguous chunks whose sizes differ by at most
/// one, the first `rows % n` one row larger; empty chunks are skipped (PA-7).
pub fn contiguous_chunks(batch: &RecordBatch, n: usize) -> Vec<RecordBatch> {
    contiguous_ranges(batch.num_rows(), n)
        .into_iter()
        .map(|r| batch.slice(r.start, r.len()))
        .collect()
}

/// The row ranges of [`contiguous_chunks`]: `total` rows cut into `n`
/// contiguous ranges whose sizes differ by at most one, the first
/// `total % n` one row larger; empty ranges are skipped (PA-7). `n = 0`
/// counts as 1.
pub fn contiguous_ranges(total: usize, n: usize) -> Vec<std::ops::Range<usize>> {
    // ranges past the rows would be empty (skipped): a huge `n` costs nothing
    let n = n.clamp(1, total.max(1));
    let (base, extra) = (total / n, total % n);
    let mut out = Vec::new();
    let mut offset = 0;
    for i in 0..n {
        let len = base + usize::from(i < extra);
        if len > 0 {
            out.push(offset..offset + len);
        }
        offset += len;
    }
    out
}

/// A complete single-threaded `map_dataframe` over a local frame: the
/// reference semantics in its simplest form, used by core tests, the
/// minimal backend and as a fallback. The rows are laid out by the core's
/// layout ([`crate::spi::layout::lay_out`], PA-1..8) with parallelism 1, so
/// keyed specs without a number form one physical partition split by key
/// (PA-8 allows ignoring N), `even` deals whole logical partitions (PA-4)
/// and unkeyed specs with N > 1 are cut per PA-7.
///
/// # Errors
/// As [`map_physical_partition`], plus `ERR-SCHEMA` for an empty output
/// schema, `ERR-NOT-FOUND` for missing key or presort columns and `ERR-ARG`
/// for a bad `num` expression.
pub fn map_local(
    df: &LocalDataFrame,
    map_fn: &MapFn,
    output_schema: &Schema,
    spec: &PartitionSpec,
    on_init: Option<&OnInitFn>,
) -> Result<LocalDataFrame> {
    check_map_output_schema(output_schema)?;
    let options = crate::spi::layout::LayoutOptions {
        sort: false,
        ..crate::spi::layout::LayoutOptions::single()
    };
    let parts = crate::spi::layout::lay_out(std::slice::from_ref(df), df.schema(), spec, &options)?;
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        out.extend(map_physical_partition(part, i, map_fn, output_schema, spec, on_init)?);
    }
    LocalDataFrame::new(output_schema.clone(), out)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::engine::toy::ToyEngine;
    use crate::engine::{ExecutionEngine, MapEngine, NaPosition};
    use crate::error::ErrorKind;
    use crate::value::{Row, Value};

    fn frame(rows: Vec<Row>, schema: &str) -> LocalDataFrame {
        LocalDataFrame::from_rows(rows, schema).expect("valid frame")
    }

    fn i(v: i32) -> Value {
        Value::Int32(v)
    }

    fn schema(s: &str) -> Schema {
        s.parse().expect("schema")
    }

    /// (keys, rows) of every call.
    type Calls = Arc<Mutex<Vec<(Vec<Value>, Vec<Row>)>>>;

    /// Records (keys, rows) of every call.
    fn recorder(calls: Calls) -> MapFn {
        map_fn(move |cursor, df| {
            let keys = cursor.key_value_array()?;
            calls.lock().map_err(|_| Error::user("poisoned"))?.push((keys, df.rows()?));
            Ok(df)
        })
    }

    fn data() -> LocalDataFrame {
        frame(
            vec![
                vec![i(1), i(3)],
                vec![Value::Null, i(1)],
                vec![i(1), i(1)],
                vec![i(2), i(5)],
                vec![Value::Null, i(2)],
            ],
            "k:int,v:int",
        )
    }

    #[test]
    fn pg_1_2_8_one_call_per_key_sorted_by_presort_null_key_is_a_group() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let spec = PartitionSpec::builder().by(["k"]).presort("v desc").build().expect("spec");
        let out = map_local(&data(), &recorder(calls.clone()), &schema("k:int,v:int"), &spec, None)
            .expect("map");
        assert_eq!(out.num_rows(), 5);
        let calls = calls.lock().expect("lock").clone();
        assert_eq!(calls.len(), 3);
        for (keys, rows) in &calls {
            assert!(rows.iter().all(|r| r[0] == keys[0]), "PG-1: only one key per call");
            let vs: Vec<&Value> = rows.iter().map(|r| &r[1]).collect();
            let mut sorted = vs.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            assert_eq!(vs, sorted, "PG-2: presort v desc");
        }
        assert!(calls.iter().any(|(k, rows)| k == &vec![Value::Null] && rows.len() == 2), "PG-8");
    }

    #[test]
    fn pg_3_pa_5_no_keys_or_coarse_means_one_call_per_physical_partition() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let spec = PartitionSpec::builder().presort("v").build().expect("spec");
        map_local(&data(), &recorder(calls.clone()), &schema("k:int,v:int"), &spec, None)
            .expect("map");
        assert_eq!(calls.lock().expect("lock").len(), 1);
        let calls = Arc::new(Mutex::new(Vec::new()));
        let coarse = PartitionSpec::builder().by(["k"]).algo("coarse").build().expect("spec");
        map_local(&data(), &recorder(calls.clone()), &schema("k:int,v:int"), &coarse, None)
            .expect("map");
        let calls = calls.lock().expect("lock");
        assert_eq!(calls.len(), 1, "PA-5: coarse calls once per physical partition");
        let keys: Vec<Value> = calls[0].1.iter().map(|r| r[0].clone()).collect();
        let mut sorted = keys.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        // sorted by keys ascending, nulls last (PG-2 SHOULD)
        assert_eq!(keys.last(), Some(&Value::Null));
        assert_eq!(&keys[..3], &[i(1), i(1), i(2)]);
    }

    #[test]
    fn pa_7_contiguous_split_without_keys() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let spec = PartitionSpec::num(3);
        map_local(&data(), &recorder(calls.clone()), &schema("k:int,v:int"), &spec, None)
            .expect("map");
        let sizes: Vec<usize> = calls.lock().expect("lock").iter().map(|(_, r)| r.len()).collect();
        assert_eq!(sizes, vec![2, 2, 1]);
    }

    #[test]
    fn pa_7_contiguous_ranges_cover_every_row_once_sizes_within_one() {
        assert_eq!(contiguous_ranges(7, 3), vec![0..3, 3..5, 5..7]);
        assert_eq!(contiguous_ranges(2, 4), vec![0..1, 1..2], "empty ranges skipped");
        assert_eq!(contiguous_ranges(5, 0), vec![0..5], "n = 0 counts as 1");
        assert!(contiguous_ranges(0, 3).is_empty());
        assert_eq!(contiguous_ranges(3, usize::MAX), vec![0..1, 1..2, 2..3], "no loop over n");
    }

    #[test]
    fn pg_6_7_empty_input_means_no_call_and_no_on_init() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let inits = Arc::new(Mutex::new(0usize));
        let inits2 = inits.clone();
        let on_init: OnInitFn = Arc::new(move |_, _| {
            *inits2.lock().map_err(|_| Error::user("poisoned"))? += 1;
            Ok(())
        });
        let empty = frame(vec![], "k:int,v:int");
        let out = map_local(
            &empty,
            &recorder(calls.clone()),
            &schema("x:long"),
            &PartitionSpec::default(),
            Some(&on_init),
        )
        .expect("map");
        assert_eq!(out.schema().to_string(), "x:long");
        assert_eq!(out.num_rows(), 0);
        assert!(calls.lock().expect("lock").is_empty());
        assert_eq!(*inits.lock().expect("lock"), 0);
        let spec = PartitionSpec::builder().by(["k"]).build().expect("spec");
        map_local(&data(), &recorder(calls.clone()), &schema("k:int,v:int"), &spec, Some(&on_init))
            .expect("map");
        assert_eq!(*inits.lock().expect("lock"), 1, "ENG-MAP-4: once per physical partition");
    }

    #[test]
    fn eng_map_6_output_schema_is_enforced() {
        let spec = PartitionSpec::default();
        let f = map_fn(|_, df| Ok(df));
        let err = map_local(&data(), &f, &schema("k:long,v:int"), &spec, None).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Schema));
        let err = map_local(&data(), &f, &Schema::empty(), &spec, None).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Schema), "ENG-MAP-1");
    }

    #[test]
    fn eng_map_9_user_errors_and_panics_name_the_partition_keys() {
        let spec = PartitionSpec::builder().by(["k"]).build().expect("spec");
        let failing = map_fn(|c, df| {
            if c.key_value_array()? == vec![Value::Int32(2)] {
                return Err(Error::arg("x", "user says no"));
            }
            Ok(df)
        });
        let err = map_local(&data(), &failing, &schema("k:int,v:int"), &spec, None).err();
        let err = err.expect("must fail");
        assert_eq!(err.kind(), ErrorKind::User);
        assert!(err.to_string().contains("k=2"), "{err}");
        assert!(err.backend_source().is_some(), "the user's error is kept as the source");
        let panicking = map_fn(|c, df| {
            if c.key_value_array()? == vec![Value::Int32(1)] {
                panic!("boom in user code");
            }
            Ok(df)
        });
        let err = map_local(&data(), &panicking, &schema("k:int,v:int"), &spec, None).err();
        let msg = err.as_ref().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::User));
        assert!(msg.contains("boom in user code") && msg.contains("k=1"), "{msg}");
    }

    /// ENG-MAP-9 + ERR-USER (§0): an `Error::user` returned by the map
    /// function comes out of an engine's map as ERR-USER naming the keys,
    /// wrapped once, the user's own error still the source.
    #[test]
    fn eng_map_9_user_error_gets_keys_and_is_not_wrapped_twice() {
        let engine = ToyEngine::default();
        let df: crate::dataframe::DataFrameRef = Arc::new(data());
        let spec = PartitionSpec::builder().by(["k"]).build().expect("spec");
        let failing = map_fn(|c, df| {
            if c.key_value_array()? == vec![i(2)] {
                let n: i32 = "two".parse().map_err(Error::user)?;
                return Ok(df.slice(0, n as usize));
            }
            Ok(df)
        });
        let err = engine
            .map_dataframe(&df, failing, &schema("k:int,v:int"), &spec, None)
            .expect_err("the user function fails for k=2");
        assert_eq!(err.kind(), ErrorKind::User);
        assert_eq!(err.kind().spec_id(), "ERR-USER");
        assert!(matches!(&err, Error::User { keys: Some(k), .. } if k.contains("k=2")), "{err:?}");
        let source = std::error::Error::source(&err).expect("source kept");
        assert!(
            source.downcast_ref::<std::num::ParseIntError>().is_some(),
            "the user's own error is the direct source, not a second ERR-USER: {source:?}"
        );
        assert!(err.to_string().starts_with("user function failed in partition "), "{err}");
        assert!(err.to_string().contains("invalid digit"), "{err}");

        let boxed = map_fn(|_, _| {
            let r: std::result::Result<LocalDataFrame, crate::error::BoxError> =
                Err("no stock".into());
            Ok(r?)
        });
        let err = engine
            .map_dataframe(&df, boxed, &schema("k:int,v:int"), &spec, None)
            .expect_err("fails");
        assert!(matches!(&err, Error::User { keys: Some(_), .. }), "{err:?}");
        assert_eq!(
            std::error::Error::source(&err).map(|s| s.to_string()).as_deref(),
            Some("no stock")
        );
    }

    #[test]
    fn pc_3_9_cursor_row_is_first_row_after_sorting() {
        let firsts = Arc::new(Mutex::new(Vec::new()));
        let f2 = firsts.clone();
        let f = map_fn(move |c, df| {
            f2.lock()
                .map_err(|_| Error::user("poisoned"))?
                .push((c.row()?.clone(), c.partition_no()));
            Ok(df)
        });
        let spec = PartitionSpec::builder().by(["k"]).presort("v").build().expect("spec");
        map_local(&data(), &f, &schema("k:int,v:int"), &spec, None).expect("map");
        let firsts = firsts.lock().expect("lock").clone();
        assert!(firsts.contains(&(vec![i(1), i(1)], 0)), "{firsts:?}");
        assert_eq!(firsts.iter().map(|(_, n)| *n).collect::<Vec<_>>(), vec![0, 1, 2]);
    }

    #[test]
    fn eng_take_1_6_default_take_kernel() {
        let engine = ToyEngine::default();
        let df: crate::dataframe::DataFrameRef = Arc::new(data());
        let top = engine
            .take(&df, 1, "v desc", NaPosition::Last, &PartitionSpec::default())
            .expect("take");
        assert_eq!(
            top.as_local_bounded().and_then(|l| l.rows()).ok(),
            Some(vec![vec![i(2), i(5)]])
        );
        let by_key = PartitionSpec::builder().by(["k"]).presort("v desc").build().expect("spec");
        let per_key = engine.take(&df, 1, "", NaPosition::Last, &by_key).expect("take");
        let mut rows = per_key.as_local_bounded().and_then(|l| l.rows()).expect("rows");
        rows.sort_by(|a, b| a[0].total_cmp(&b[0]));
        assert_eq!(rows, vec![vec![Value::Null, i(2)], vec![i(1), i(3)], vec![i(2), i(5)]]);
        let nulls_first =
            engine.take(&df, 1, "k", NaPosition::First, &PartitionSpec::default()).expect("take");
        assert_eq!(
            nulls_first.as_local_bounded().and_then(|l| l.rows()).map(|r| r[0][0].clone()).ok(),
            Some(Value::Null)
        );
        let err = engine.take(&df, 1, "zz", NaPosition::Last, &PartitionSpec::default()).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::NotFound));
    }
}
