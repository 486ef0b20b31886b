//! `repartition` and the layout of `map_dataframe` for the native engine:
//! the core's layout ([`fugue_core::spi::layout`], PA-1..8) over the
//! frame's physical partitions, run on the engine's pool.

use fugue_core::spi::layout::{LayoutOptions, default_partitions, lay_out};
use fugue_core::{DataFrame, ExecutionEngine, PartitionSpec, Result};

use crate::engine::NativeExecutionEngine;
use crate::frame::NativeDataFrame;

/// Hash buckets per pool thread for keyed maps without a partition number.
pub(crate) const MAP_PARTITIONS_PER_THREAD: usize = 4;

/// The layout options of `engine`: its pool and parallelism, the engine
/// default count (`fugue.default.partitions`, else the pool size) and, for
/// keyed specs without a number, `keyed_default` buckets.
fn options(
    engine: &NativeExecutionEngine,
    sort: bool,
    keyed_default: usize,
) -> Result<LayoutOptions<'_>> {
    let parallelism = engine.get_current_parallelism();
    Ok(LayoutOptions {
        sort,
        keyed_default,
        default_partitions: default_partitions(engine.conf(), parallelism)?,
        parallelism,
        pool: Some(engine.pool()),
    })
}

/// `repartition` of the native engine (ENG-REPART-1): an empty spec returns
/// the input unchanged; otherwise the core layout, every partition sorted by
/// keys then presort (PG-4). Metadata is kept.
///
/// # Errors
/// `ERR-NOT-FOUND` for a key or presort column missing from the schema;
/// `ERR-ARG` for a bad `num` expression or conf value.
pub(crate) fn repartition(
    engine: &NativeExecutionEngine,
    df: &NativeDataFrame,
    spec: &PartitionSpec,
) -> Result<NativeDataFrame> {
    if spec.is_empty() {
        return Ok(df.clone());
    }
    let keyed_default = default_partitions(engine.conf(), engine.get_current_parallelism())?;
    let options = options(engine, true, keyed_default)?;
    let parts = lay_out(df.partitions()?, df.schema(), spec, &options)?;
    Ok(NativeDataFrame::new(df.schema().clone(), parts)?.with_metadata_map(df.metadata().clone()))
}

/// The layout `map_dataframe` runs on: unsorted partitions (the core's
/// per-partition algorithm sorts), keyed specs without a number hashed into
/// `fugue.default.partitions` buckets, else pool size × 4 so every thread
/// stays busy.
///
/// # Errors
/// As [`repartition`].
pub(crate) fn map_layout(
    engine: &NativeExecutionEngine,
    df: &NativeDataFrame,
    spec: &PartitionSpec,
) -> Result<NativeDataFrame> {
    let n = fugue_core::spi::layout::conf_default_partitions(engine.conf())?;
    let keyed_default = match usize::try_from(n) {
        Ok(n) if n > 0 => n,
        _ => engine.get_current_parallelism() * MAP_PARTITIONS_PER_THREAD,
    };
    let options = options(engine, false, keyed_default)?;
    let parts = lay_out(df.partitions()?, df.schema(), spec, &options)?;
    NativeDataFrame::new(df.schema().clone(), parts)
}

#[cfg(test)]
mod tests {
    use crate::testutil::engine;
    use fugue_core::LocalDataFrame;
    use fugue_core::conf::Conf;
    use fugue_core::partition::PartitionAlgo;
    use fugue_core::{ErrorKind, Value};
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    fn i(v: i32) -> Value {
        Value::Int32(v)
    }

    /// `k:int,v:int` with keys 0..keys (every fifth key null) and `rows` rows.
    fn frame(rows: usize, keys: i32) -> NativeDataFrame {
        let data = (0..rows as i32)
            .map(|r| {
                let k = r % keys;
                vec![if k == 4 { Value::Null } else { i(k) }, i(rows as i32 - r)]
            })
            .collect();
        let local = LocalDataFrame::from_rows(data, "k:int,v:int").expect("frame");
        NativeDataFrame::from_local(local)
    }

    fn spec(json: &str) -> PartitionSpec {
        PartitionSpec::from_json(json).expect("spec")
    }

    fn part_rows(df: &NativeDataFrame) -> Vec<Vec<Vec<Value>>> {
        df.partitions().expect("partitions").iter().map(|p| p.rows().expect("rows")).collect()
    }

    fn total_rows(df: &NativeDataFrame) -> usize {
        df.partitions().expect("partitions").iter().map(LocalDataFrame::num_rows).sum()
    }

    /// Every key value appears in exactly one partition.
    fn assert_keys_never_split(df: &NativeDataFrame) {
        let mut owner: BTreeMap<String, usize> = BTreeMap::new();
        for (p, rows) in part_rows(df).iter().enumerate() {
            for r in rows {
                let key = format!("{:?}", r[0]);
                let prev = owner.insert(key.clone(), p);
                assert!(prev.is_none() || prev == Some(p), "PG-1: key {key} split");
            }
        }
    }

    /// Key order with nulls last (the layout's sort, PG-2 SHOULD).
    fn key_cmp(a: &Value, b: &Value) -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        match (a == &Value::Null, b == &Value::Null) {
            (true, true) => Equal,
            (true, false) => Greater,
            (false, true) => Less,
            (false, false) => a.total_cmp(b),
        }
    }

    fn assert_sorted_by_k_then_v(df: &NativeDataFrame, v_desc: bool) {
        for rows in part_rows(df) {
            for w in rows.windows(2) {
                let by_key = key_cmp(&w[0][0], &w[1][0]);
                assert!(by_key.is_le(), "PG-4: keys ascending {w:?}");
                if by_key.is_eq() {
                    let by_v = w[0][1].total_cmp(&w[1][1]);
                    let ok = if v_desc { by_v.is_ge() } else { by_v.is_le() };
                    assert!(ok, "PG-4: presort {w:?}");
                }
            }
        }
    }

    #[test]
    fn eng_repart_1_empty_spec_returns_the_input() {
        let df = frame(10, 3);
        let out = repartition(&engine(2), &df, &PartitionSpec::default()).expect("repartition");
        assert_eq!(out.num_partitions(), 1);
        assert_eq!(part_rows(&out), part_rows(&df));
    }

    #[test]
    fn ps_num_6_n_le_0_without_keys_keeps_the_layout() {
        let e = engine(2);
        let df = repartition(&e, &frame(10, 3), &PartitionSpec::num(3)).expect("split");
        assert_eq!(df.num_partitions(), 3);
        for algo in ["default", "hash", "rand", "coarse"] {
            let s = spec(&format!(r#"{{"num": -1, "algo": "{algo}"}}"#));
            let out = repartition(&e, &df, &s).expect("repartition");
            assert_eq!(out.num_partitions(), 3, "{algo}");
        }
        // presort is still applied inside each partition (PG-4)
        let s = spec(r#"{"num": 0, "presort": "v"}"#);
        let out = repartition(&e, &df, &s).expect("repartition");
        assert_eq!(out.num_partitions(), 3);
        for rows in part_rows(&out) {
            assert!(rows.windows(2).all(|w| w[0][1].total_cmp(&w[1][1]).is_le()));
        }
    }

    #[test]
    fn ps_num_6_n_1_gives_one_partition_for_every_algo() {
        let e = engine(2);
        let df = repartition(&e, &frame(10, 3), &PartitionSpec::num(3)).expect("split");
        for algo in PartitionAlgo::ALL {
            for by in ["[]", r#"["k"]"#] {
                let s = spec(&format!(r#"{{"num": 1, "algo": "{algo}", "by": {by}}}"#));
                let out = repartition(&e, &df, &s).expect("repartition");
                assert_eq!(out.num_partitions(), 1, "{algo} {by}");
                assert_eq!(total_rows(&out), 10);
            }
        }
    }

    #[test]
    fn pa_7_default_and_even_without_keys_split_contiguously_after_presort() {
        let e = engine(2);
        let df = frame(5, 3);
        for algo in ["default", "even", "coarse"] {
            let s = spec(&format!(r#"{{"num": 3, "algo": "{algo}", "presort": "v"}}"#));
            let out = repartition(&e, &df, &s).expect("repartition");
            let sizes: Vec<usize> =
                out.partitions().expect("partitions").iter().map(|p| p.num_rows()).collect();
            assert_eq!(sizes, vec![2, 2, 1], "{algo}");
            // v is 5..1 in input order; after presort v asc the chunks are [1,2],[3,4],[5]
            let vs: Vec<Vec<Value>> =
                part_rows(&out).iter().map(|r| r.iter().map(|x| x[1].clone()).collect()).collect();
            assert_eq!(vs, vec![vec![i(1), i(2)], vec![i(3), i(4)], vec![i(5)]], "{algo}");
        }
        let out = repartition(&e, &df, &PartitionSpec::num(10)).expect("repartition");
        assert_eq!(out.num_partitions(), 5, "empty chunks dropped");
    }

    #[test]
    fn pa_4_even_without_keys_row_counts_differ_by_at_most_one() {
        let e = engine(2);
        for (rows, n) in [(10, 3), (7, 7), (100, 6), (3, 5)] {
            let s = spec(&format!(r#"{{"num": {n}, "algo": "even"}}"#));
            let out = repartition(&e, &frame(rows, 3), &s).expect("repartition");
            let sizes: Vec<usize> =
                out.partitions().expect("partitions").iter().map(|p| p.num_rows()).collect();
            assert_eq!(sizes.len(), n.min(rows));
            let (min, max) = (sizes.iter().min(), sizes.iter().max());
            assert!(max.zip(min).is_some_and(|(a, b)| a - b <= 1), "{sizes:?}");
            assert_eq!(sizes.iter().sum::<usize>(), rows);
        }
        // N ≤ 0 → the engine default (pool size, or fugue.default.partitions)
        let out = repartition(&e, &frame(10, 3), &spec(r#"{"algo": "even", "num": 0}"#))
            .expect("repartition");
        assert_eq!(out.num_partitions(), 2);
        let conf = Conf::empty()
            .with_entry(crate::engine::NATIVE_THREADS, 2i64)
            .with_entry(fugue_core::conf::DEFAULT_PARTITIONS, 5i64);
        let e5 = NativeExecutionEngine::new(conf).expect("engine");
        let out =
            repartition(&e5, &frame(10, 3), &spec(r#"{"algo": "even"}"#)).expect("repartition");
        assert_eq!(out.num_partitions(), 5);
    }

    #[test]
    fn pa_4_even_with_keys_holds_whole_logical_partitions_balanced() {
        let e = engine(2);
        let df = frame(60, 7); // keys 0,1,2,3,null,5,6 → 7 logical partitions
        for n in [2, 3, 4, 7, 20] {
            let s = spec(&format!(
                r#"{{"num": {n}, "algo": "even", "by": ["k"], "presort": "v desc"}}"#
            ));
            let out = repartition(&e, &df, &s).expect("repartition");
            assert_keys_never_split(&out);
            assert_sorted_by_k_then_v(&out, true);
            let per_part: Vec<usize> = part_rows(&out)
                .iter()
                .map(|rows| {
                    rows.iter().map(|r| format!("{:?}", r[0])).collect::<BTreeSet<_>>().len()
                })
                .collect();
            assert_eq!(per_part.len(), n.min(7), "n={n}");
            let (min, max) = (per_part.iter().min(), per_part.iter().max());
            assert!(max.zip(min).is_some_and(|(a, b)| a - b <= 1), "n={n}: {per_part:?}");
            assert_eq!(total_rows(&out), 60);
        }
        // N ≤ 0 → one physical partition per logical partition
        let out = repartition(&e, &df, &spec(r#"{"algo": "even", "by": ["k"]}"#)).expect("even");
        assert_eq!(out.num_partitions(), 7);
        assert_keys_never_split(&out);
    }

    #[test]
    fn pg_1_4_8_pa_2_3_5_keyed_hash_keeps_keys_together_and_sorts() {
        let e = engine(2);
        // several input partitions and batches, so keys arrive from everywhere
        let df = repartition(&e, &frame(200, 13), &PartitionSpec::num(4)).expect("split");
        for algo in ["default", "hash", "rand", "coarse"] {
            for num in ["3", "0", "ROWCOUNT/50", "CONCURRENCY"] {
                let s = spec(&format!(
                    r#"{{"num": "{num}", "algo": "{algo}", "by": ["k"], "presort": "v"}}"#
                ));
                let out = repartition(&e, &df, &s).expect("repartition");
                assert_keys_never_split(&out);
                assert_sorted_by_k_then_v(&out, false);
                assert_eq!(total_rows(&out), 200);
                assert!(out.num_partitions() <= 4, "{algo} {num}: {}", out.num_partitions());
                assert!(out.num_partitions() >= 2, "13 keys spread over buckets");
                let nulls: usize = part_rows(&out)
                    .iter()
                    .filter(|rows| rows.iter().any(|r| r[0] == Value::Null))
                    .count();
                assert_eq!(nulls, 1, "PG-8: null keys group together");
            }
        }
    }

    #[test]
    fn pa_2_hash_layout_is_deterministic() {
        let e = engine(2);
        let s = spec(r#"{"num": 5, "algo": "hash", "by": ["k"]}"#);
        let a = repartition(&e, &frame(100, 11), &s).expect("a");
        let b = repartition(&engine(1), &frame(100, 11), &s).expect("b");
        assert_eq!(part_rows(&a), part_rows(&b));
    }

    #[test]
    fn pg_8_multiple_keys_group_on_the_combination() {
        let e = engine(2);
        let rows = vec![
            vec![i(1), Value::Null, i(1)],
            vec![Value::Null, Value::Null, i(2)],
            vec![i(1), Value::Null, i(3)],
            vec![Value::Null, Value::Null, i(4)],
            vec![i(1), i(2), i(5)],
        ];
        let df = NativeDataFrame::from_local(
            LocalDataFrame::from_rows(rows, "a:int,b:int,v:int").expect("frame"),
        );
        let s = spec(r#"{"algo": "even", "by": ["a", "b"]}"#);
        let out = repartition(&e, &df, &s).expect("repartition");
        let mut sizes: Vec<usize> =
            out.partitions().expect("partitions").iter().map(|p| p.num_rows()).collect();
        sizes.sort_unstable();
        assert_eq!(sizes, vec![1, 2, 2], "(1,null), (null,null), (1,2) are three groups");
    }

    #[test]
    fn pa_2_3_without_keys_hash_and_rand_spread_rows_evenly() {
        let e = engine(2);
        let df = frame(10, 3);
        for algo in ["hash", "rand"] {
            let s = spec(&format!(r#"{{"num": 3, "algo": "{algo}", "presort": "v"}}"#));
            let out = repartition(&e, &df, &s).expect("repartition");
            let mut sizes: Vec<usize> =
                out.partitions().expect("partitions").iter().map(|p| p.num_rows()).collect();
            sizes.sort_unstable();
            assert_eq!(sizes, vec![3, 3, 4], "{algo}");
            let mut all: Vec<Value> =
                part_rows(&out).into_iter().flatten().map(|r| r[1].clone()).collect();
            all.sort_by(|a, b| a.total_cmp(b));
            assert_eq!(all, (1..=10).map(i).collect::<Vec<_>>(), "{algo}: same rows");
            for rows in part_rows(&out) {
                assert!(rows.windows(2).all(|w| w[0][1].total_cmp(&w[1][1]).is_le()), "PG-4");
            }
        }
    }

    #[test]
    fn ps_num_1_rowcount_and_concurrency_expressions() {
        let e = engine(2);
        let df = frame(10, 3);
        let out = repartition(&e, &df, &PartitionSpec::num_expr("ROWCOUNT/4").expect("spec"))
            .expect("repartition");
        assert_eq!(out.num_partitions(), 2);
        let out = repartition(&e, &df, &PartitionSpec::num_expr("CONCURRENCY+1").expect("spec"))
            .expect("repartition");
        assert_eq!(out.num_partitions(), 3);
        let out = repartition(&e, &df, &PartitionSpec::per_row()).expect("per_row");
        assert_eq!(out.num_partitions(), 10, "PA-6: one row per partition");
    }

    #[test]
    fn eng_repart_errors_and_empty_input() {
        let e = engine(2);
        let err = repartition(&e, &frame(3, 3), &PartitionSpec::by(["zz"]).expect("spec")).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::NotFound));
        let empty = NativeDataFrame::from_local(
            LocalDataFrame::empty("k:int,v:int".parse().expect("schema")).expect("empty"),
        );
        for s in [r#"{"num": 3}"#, r#"{"by": ["k"], "num": 3}"#, r#"{"by": ["k"], "algo": "even"}"#]
        {
            let out = repartition(&e, &empty, &spec(s)).expect("repartition");
            assert_eq!(total_rows(&out), 0);
            assert_eq!(out.schema().to_string(), "k:int,v:int");
        }
    }

    #[test]
    fn eng_repart_keeps_metadata() {
        let e = engine(2);
        let mut md = fugue_core::dataframe::Metadata::new();
        md.insert("x".into(), 1.into());
        let df = frame(6, 3).with_metadata_map(md.clone());
        let out = repartition(&e, &df, &PartitionSpec::num(2)).expect("repartition");
        assert_eq!(out.metadata(), &md);
    }
}
