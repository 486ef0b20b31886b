//! `map_dataframe` on the native engine (ENG-MAP-1..12, PG-1..8, PA-1..8).
//!
//! 1. The input is laid out physically by the same code as `repartition`
//!    (see `repartition.rs`), without the final per-partition sort, which
//!    step 2 does anyway.
//! 2. The non-empty physical partitions run in parallel on the engine's
//!    rayon pool (ENG-MAP-12), each through the core's reference algorithm
//!    [`map_physical_partition`]: sort by keys + presort, `on_init` once,
//!    one call per logical partition (or per physical partition without keys
//!    or with `coarse`), outputs checked against the output schema.
//! 3. The outputs become the physical partitions of the result.
//!
//! Default layout for keyed maps: when the spec has keys, `algo` is not
//! `even` and N ≤ 0, the rows are hashed by key into
//! `fugue.default.partitions` buckets when that is > 0, else into
//! `pool size × 4` buckets, so every thread stays busy even with skewed
//! keys. Without keys and N ≤ 0 the input's physical partitions are kept
//! (one call each). `num` never changes results, only the layout
//! (ENG-MAP-11).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use fugue_core::dataframe::{DataFrame, DataFrameRef};
use fugue_core::engine::{MapFn, OnInitFn};
use fugue_core::spi::map::{check_map_output_schema, map_physical_partition};
use fugue_core::{Error, LocalDataFrame, PartitionSpec, Result, Schema};
use rayon::prelude::*;

use crate::engine::NativeExecutionEngine;
use crate::frame::NativeDataFrame;
use crate::repartition::map_layout;

pub(crate) fn map_dataframe(
    engine: &NativeExecutionEngine,
    df: &DataFrameRef,
    map_fn: MapFn,
    output_schema: &Schema,
    spec: &PartitionSpec,
    on_init: Option<OnInitFn>,
) -> Result<DataFrameRef> {
    check_map_output_schema(output_schema)?;
    let input = engine.to_native(df)?;
    // missing keys / presort columns fail even for empty input
    spec.get_sorts(input.schema(), true)?;
    let layout = map_layout(engine, &input, spec)?;
    let parts: Vec<&LocalDataFrame> =
        layout.partitions()?.iter().filter(|p| p.num_rows() > 0).collect();
    let outputs: Vec<Vec<RecordBatch>> = engine.pool().install(|| {
        parts
            .par_iter()
            .enumerate()
            .map(|(no, part)| {
                run_partition(part, no, &map_fn, output_schema, spec, on_init.as_ref())
            })
            .collect::<Result<Vec<_>>>()
    })?;
    let outputs = outputs
        .into_iter()
        .filter(|b| !b.is_empty())
        .map(|batches| LocalDataFrame::new(output_schema.clone(), batches))
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(NativeDataFrame::new(output_schema.clone(), outputs)?))
}

/// One physical partition through the core's algorithm. User panics are
/// already `ERR-USER` (core's `call_user`); any other panic is a bug of
/// ours and becomes `ERR-INTERNAL` here, so it never unwinds through the
/// pool.
fn run_partition(
    part: &LocalDataFrame,
    no: usize,
    map_fn: &MapFn,
    output_schema: &Schema,
    spec: &PartitionSpec,
    on_init: Option<&OnInitFn>,
) -> Result<Vec<RecordBatch>> {
    let run =
        AssertUnwindSafe(|| map_physical_partition(part, no, map_fn, output_schema, spec, on_init));
    catch_unwind(run).unwrap_or_else(|_| {
        Err(Error::internal(format!("the native map panicked in physical partition {no}")))
    })
}

#[cfg(test)]
mod tests {
    use crate::testutil::engine;
    use std::collections::BTreeSet;
    use std::sync::Mutex;

    use fugue_core::engine::MapEngine;
    use fugue_core::engine::map_fn;
    use fugue_core::spi::map::map_local;
    use fugue_core::{ErrorKind, Value};

    use super::*;

    fn i(v: i32) -> Value {
        Value::Int32(v)
    }

    fn schema(s: &str) -> Schema {
        s.parse().expect("schema")
    }

    /// `k:int,v:int`, keys `0..keys` with key 4 null, v = rows..1.
    fn data(rows: usize, keys: i32) -> DataFrameRef {
        let data = (0..rows as i32)
            .map(|r| {
                let k = r % keys;
                vec![if k == 4 { Value::Null } else { i(k) }, i(rows as i32 - r)]
            })
            .collect();
        Arc::new(LocalDataFrame::from_rows(data, "k:int,v:int").expect("frame"))
    }

    fn spec(json: &str) -> PartitionSpec {
        PartitionSpec::from_json(json).expect("spec")
    }

    /// One record per call: (physical no, logical no, rows, thread index).
    type Calls = Arc<Mutex<Vec<(usize, usize, Vec<Vec<Value>>, Option<usize>)>>>;

    fn recorder(calls: Calls) -> MapFn {
        map_fn(move |c, df| {
            let rows = df.rows()?;
            calls.lock().map_err(|_| Error::internal("poisoned"))?.push((
                c.physical_partition_no(),
                c.partition_no(),
                rows,
                rayon::current_thread_index(),
            ));
            Ok(df)
        })
    }

    fn sorted_rows(df: &DataFrameRef) -> Vec<Vec<Value>> {
        let mut rows = df.as_local_bounded().and_then(|l| l.rows()).expect("rows");
        rows.sort_by(|a, b| a[0].total_cmp(&b[0]).then_with(|| a[1].total_cmp(&b[1])));
        rows
    }

    #[test]
    fn pg_1_2_eng_map_2_one_call_per_key_with_presorted_rows() {
        let e = engine(2);
        let calls: Calls = Arc::default();
        let s = spec(r#"{"by": ["k"], "presort": "v desc"}"#);
        let out = e
            .map_dataframe(&data(40, 7), recorder(calls.clone()), &schema("k:int,v:int"), &s, None)
            .expect("map");
        assert_eq!(out.count().ok(), Some(40));
        let calls = calls.lock().expect("lock");
        assert_eq!(calls.len(), 7, "one call per logical partition");
        let keys: BTreeSet<String> = calls.iter().map(|c| format!("{:?}", c.2[0][0])).collect();
        assert_eq!(keys.len(), 7, "PG-1: each key seen by exactly one call");
        for (_, _, rows, _) in calls.iter() {
            assert!(rows.iter().all(|r| r[0] == rows[0][0]), "PG-1: one key per call");
            assert!(rows.windows(2).all(|w| w[0][1].total_cmp(&w[1][1]).is_ge()), "PG-2");
        }
        assert!(
            calls.iter().any(|c| c.2[0][0] == Value::Null && c.2.len() == 6),
            "PG-8: null keys are one logical partition"
        );
    }

    #[test]
    fn pc_9_10_cursor_numbers_restart_per_physical_partition() {
        let e = engine(2);
        let calls: Calls = Arc::default();
        let s = spec(r#"{"by": ["k"], "num": 2}"#);
        e.map_dataframe(&data(40, 7), recorder(calls.clone()), &schema("k:int,v:int"), &s, None)
            .expect("map");
        let calls = calls.lock().expect("lock");
        let physical: BTreeSet<usize> = calls.iter().map(|c| c.0).collect();
        assert_eq!(physical, BTreeSet::from([0, 1]));
        for p in physical {
            let mut logical: Vec<usize> = calls.iter().filter(|c| c.0 == p).map(|c| c.1).collect();
            logical.sort_unstable();
            assert_eq!(logical, (0..logical.len()).collect::<Vec<_>>(), "PC-9");
        }
    }

    #[test]
    fn eng_map_4_pg_7_on_init_once_per_non_empty_physical_partition() {
        let e = engine(2);
        let inits = Arc::new(Mutex::new(Vec::new()));
        let seen = inits.clone();
        let on_init: OnInitFn = Arc::new(move |no, df| {
            seen.lock().map_err(|_| Error::internal("poisoned"))?.push((no, df.num_rows()));
            Ok(())
        });
        let f = map_fn(|_, df| Ok(df));
        let s = spec(r#"{"by": ["k"], "num": 3, "algo": "even"}"#);
        e.map_dataframe(&data(30, 7), f.clone(), &schema("k:int,v:int"), &s, Some(on_init.clone()))
            .expect("map");
        let mut got = inits.lock().expect("lock").clone();
        got.sort_unstable();
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert_eq!(got.iter().map(|g| g.1).sum::<usize>(), 30, "on_init sees its partition");
        inits.lock().expect("lock").clear();
        let empty: DataFrameRef =
            Arc::new(LocalDataFrame::empty(schema("k:int,v:int")).expect("e"));
        e.map_dataframe(&empty, f, &schema("k:int,v:int"), &s, Some(on_init)).expect("map");
        assert!(inits.lock().expect("lock").is_empty(), "PG-7: no init for empty input");
    }

    #[test]
    fn eng_map_7_pg_6_empty_input_gives_empty_output_schema_and_no_call() {
        let e = engine(2);
        let empty: DataFrameRef =
            Arc::new(LocalDataFrame::empty(schema("k:int,v:int")).expect("e"));
        for s in ["{}", r#"{"num": 3}"#, r#"{"by": ["k"]}"#, r#"{"by": ["k"], "algo": "coarse"}"#] {
            let calls: Calls = Arc::default();
            let out = e
                .map_dataframe(&empty, recorder(calls.clone()), &schema("x:long"), &spec(s), None)
                .expect("map");
            assert_eq!(out.schema().to_string(), "x:long", "{s}");
            assert_eq!(out.count().ok(), Some(0));
            assert!(calls.lock().expect("lock").is_empty(), "{s}: no call");
        }
    }

    #[test]
    fn pg_3_pa_7_without_keys_one_call_per_contiguous_chunk() {
        let e = engine(2);
        let calls: Calls = Arc::default();
        e.map_dataframe(
            &data(5, 3),
            recorder(calls.clone()),
            &schema("k:int,v:int"),
            &PartitionSpec::num(3),
            None,
        )
        .expect("map");
        let mut sizes: Vec<(usize, usize)> =
            calls.lock().expect("lock").iter().map(|c| (c.0, c.2.len())).collect();
        sizes.sort_unstable();
        assert_eq!(sizes, vec![(0, 2), (1, 2), (2, 1)]);
        let calls: Calls = Arc::default();
        e.map_dataframe(
            &data(5, 3),
            recorder(calls.clone()),
            &schema("k:int,v:int"),
            &PartitionSpec::default(),
            None,
        )
        .expect("map");
        assert_eq!(calls.lock().expect("lock").len(), 1, "num 0, no keys: one call");
    }

    #[test]
    fn pa_5_coarse_calls_once_per_physical_partition() {
        let e = engine(2);
        let calls: Calls = Arc::default();
        let s = spec(r#"{"by": ["k"], "algo": "coarse", "num": 2, "presort": "v"}"#);
        e.map_dataframe(&data(40, 7), recorder(calls.clone()), &schema("k:int,v:int"), &s, None)
            .expect("map");
        let calls = calls.lock().expect("lock");
        let physical: Vec<usize> = calls.iter().map(|c| c.0).collect();
        assert_eq!(physical.len(), physical.iter().collect::<BTreeSet<_>>().len());
        assert!(calls.len() <= 2, "{} calls", calls.len());
        let keys_seen: usize = calls
            .iter()
            .map(|c| c.2.iter().map(|r| format!("{:?}", r[0])).collect::<BTreeSet<_>>().len())
            .sum();
        assert_eq!(keys_seen, 7, "every key in exactly one physical partition");
        assert!(
            calls.iter().any(|c| c
                .2
                .iter()
                .map(|r| format!("{:?}", r[0]))
                .collect::<BTreeSet<_>>()
                .len()
                > 1)
        );
    }

    #[test]
    fn eng_map_11_num_and_algo_do_not_change_results() {
        let e = engine(2);
        let input = data(50, 9);
        let out_schema = schema("k:int,n:long");
        let count = map_fn(move |c, df| {
            let key = c.key_value_array()?.into_iter().next().unwrap_or(Value::Null);
            LocalDataFrame::from_rows(
                vec![vec![key, Value::Int64(df.num_rows() as i64)]],
                "k:int,n:long",
            )
        });
        let reference = map_local(
            &input.as_local_bounded().expect("local"),
            &count,
            &out_schema,
            &PartitionSpec::by(["k"]).expect("spec"),
            None,
        )
        .expect("reference");
        let reference: DataFrameRef = Arc::new(reference);
        for algo in ["default", "hash", "rand", "even"] {
            for num in ["0", "1", "3", "100", "CONCURRENCY"] {
                let s = spec(&format!(r#"{{"by": ["k"], "algo": "{algo}", "num": "{num}"}}"#));
                let out = e.map_dataframe(&input, count.clone(), &out_schema, &s, None).expect("m");
                assert_eq!(sorted_rows(&out), sorted_rows(&reference), "{algo} {num}");
            }
        }
    }

    #[test]
    fn eng_map_12_partitions_run_on_both_threads() {
        let e = engine(2);
        let calls: Calls = Arc::default();
        let calls2 = calls.clone();
        let slow = map_fn(move |c, df| {
            std::thread::sleep(std::time::Duration::from_millis(30));
            calls2.lock().map_err(|_| Error::internal("poisoned"))?.push((
                c.physical_partition_no(),
                0,
                vec![],
                rayon::current_thread_index(),
            ));
            Ok(df)
        });
        e.map_dataframe(&data(40, 8), slow, &schema("k:int,v:int"), &PartitionSpec::num(8), None)
            .expect("map");
        let calls = calls.lock().expect("lock");
        assert_eq!(calls.len(), 8);
        let threads: BTreeSet<Option<usize>> = calls.iter().map(|c| c.3).collect();
        assert_eq!(threads, BTreeSet::from([Some(0), Some(1)]), "both pool threads used");
    }

    #[test]
    fn eng_map_9_panics_become_err_user_and_the_pool_survives() {
        let e = engine(2);
        let boom = map_fn(|c, df| {
            if c.key_value_array()? == vec![Value::Int32(3)] {
                panic!("boom in partition 3");
            }
            Ok(df)
        });
        let s = PartitionSpec::by(["k"]).expect("spec");
        let err = e.map_dataframe(&data(20, 5), boom, &schema("k:int,v:int"), &s, None).err();
        let err = err.expect("must fail");
        assert_eq!(err.kind(), ErrorKind::User);
        assert!(err.to_string().contains("boom in partition 3"), "{err}");
        let failing = map_fn(|_, _| Err(Error::arg("x", "no")));
        let err = e.map_dataframe(&data(20, 5), failing, &schema("k:int,v:int"), &s, None).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::User));
        // the pool still works
        let out = e
            .map_dataframe(&data(20, 5), map_fn(|_, df| Ok(df)), &schema("k:int,v:int"), &s, None)
            .expect("map after a panic");
        assert_eq!(out.count().ok(), Some(20));
    }

    #[test]
    fn eng_map_1_6_schema_errors_and_missing_keys() {
        let e = engine(2);
        let id = map_fn(|_, df| Ok(df));
        let err = e
            .map_dataframe(
                &data(5, 2),
                id.clone(),
                &Schema::empty(),
                &PartitionSpec::default(),
                None,
            )
            .err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Schema));
        let err = e
            .map_dataframe(&data(5, 2), id.clone(), &schema("k:long,v:int"), &spec("{}"), None)
            .err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Schema));
        let empty: DataFrameRef =
            Arc::new(LocalDataFrame::empty(schema("k:int,v:int")).expect("e"));
        let s = PartitionSpec::by(["zz"]).expect("spec");
        let err = e.map_dataframe(&empty, id, &schema("k:int,v:int"), &s, None).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::NotFound));
    }
}
