//! Native-engine integration tests beyond the conformance suite: the
//! registry entry, and behaviour that needs a binary without any SQL engine.

use std::sync::Arc;

use fugue_core::engine::map_fn;
use fugue_core::{
    Conf, DataFrameRef, ErrorKind, ExecutionEngine, LocalDataFrame, PartitionSpec, Value,
    make_engine, registered_engines, registered_sql_engines,
};
use fugue_native::{NATIVE_THREADS, NativeDataFrame, NativeExecutionEngine};

#[test]
fn eng_ctx_6_native_is_registered_under_its_name() {
    let info = registered_engines().into_iter().find(|e| e.name == "native");
    assert_eq!(info.map(|i| i.origin), Some("fugue-native"));
    let engine =
        make_engine("native", Conf::empty().with_entry(NATIVE_THREADS, 2i64)).expect("engine");
    assert_eq!(engine.get_current_parallelism(), 2);
    assert!(engine.downcast_ref::<NativeExecutionEngine>().is_some());
}

#[test]
fn eng_sql_7_no_sql_engine_linked_is_err_not_supported_naming_the_features() {
    assert!(registered_sql_engines().is_empty(), "this binary links no SQL engine");
    let engine = NativeExecutionEngine::new(Conf::new()).expect("engine");
    assert!(!engine.capabilities().sql);
    let err = engine.sql_engine().expect_err("no sql engine");
    assert_eq!(err.kind(), ErrorKind::NotSupported);
    let msg = err.to_string();
    assert!(msg.contains("`datafusion`") && msg.contains("`polars`"), "{msg}");
}

#[test]
fn partitions_accessor_exposes_the_map_layout() {
    let engine =
        make_engine("native", Conf::empty().with_entry(NATIVE_THREADS, 2i64)).expect("engine");
    let rows = (0..20).map(|i| vec![Value::from(i % 4), Value::from(i)]).collect();
    let df: DataFrameRef = Arc::new(LocalDataFrame::from_rows(rows, "k:int,v:int").expect("df"));
    let spec = PartitionSpec::builder().by(["k"]).num(2).build().expect("spec");
    let tag = map_fn(|c, df| {
        let n = df.num_rows();
        let rows = vec![vec![Value::from(c.physical_partition_no() as i64), Value::from(n as i64)]];
        LocalDataFrame::from_rows(rows, "p:long,n:long")
    });
    let out = engine
        .map_dataframe(&df, tag, &"p:long,n:long".parse().expect("schema"), &spec, None)
        .expect("map");
    let native = out.downcast_ref::<NativeDataFrame>().expect("native result");
    assert!(
        !native.partitions().expect("partitions").is_empty()
            && native.partitions().expect("partitions").len() <= 2
    );
    for (i, p) in native.partitions().expect("partitions").iter().enumerate() {
        for row in p.rows().expect("rows") {
            assert_eq!(
                row[0],
                Value::Int64(i as i64),
                "output partition i holds partition i's calls"
            );
        }
    }
}

/// ENG-IO-4 / DF-OP-1: a Parquet load is a lazy native frame; column
/// operations stay lazy, `count` needs no data page, and the operations
/// that need rows see exactly the eager load's rows.
#[test]
fn eng_io_4_a_parquet_load_is_lazy_until_rows_are_needed() {
    use fugue_core::engine::JoinType;
    use fugue_core::engine::{LoadOptions, SaveOptions};
    use fugue_core::expr::functions::{count, sum};
    use fugue_core::spi::kernels;
    use fugue_core::{SelectColumns, all_cols, col, lit};

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.parquet");
    let p = path.to_string_lossy();
    let rows = (0..50i64).map(|i| vec![Value::from(i % 7), Value::from(i)]).collect();
    let df: DataFrameRef = Arc::new(LocalDataFrame::from_rows(rows, "k:long,v:long").expect("df"));
    let engine = NativeExecutionEngine::new(Conf::new()).expect("engine");
    engine.save_df(&df, &p, &SaveOptions::default()).expect("save");

    let loaded = engine.load_df(&[p.as_ref()], &LoadOptions::default()).expect("load");
    let renamed = loaded
        .alter_columns(&"v:double".parse().expect("schema"))
        .and_then(|d| d.rename(&[("v", "x")]))
        .and_then(|d| d.select_columns(&["x"]))
        .expect("column ops");
    let native = renamed.downcast_ref::<NativeDataFrame>().expect("a native frame");
    let scan = native.parquet_scan().expect("still a lazy Parquet load");
    assert_eq!(scan.stored_columns(), ["v"]);
    assert_eq!(renamed.count().ok(), Some(50));
    assert_eq!(renamed.schema().to_string(), "x:double");

    // the same frame through an engine operation, against the eager load
    let eager: DataFrameRef =
        Arc::new(kernels::load(&[p.as_ref()], &LoadOptions::default()).expect("eager load"));
    let on = ["k"];
    let (lazy_w, eager_w) = (
        loaded.rename(&[("v", "w")]).expect("rename"),
        eager.rename(&[("v", "w")]).expect("rename"),
    );
    let lazy_join = engine.join(&loaded, &lazy_w, JoinType::Inner, &on).expect("join lazy");
    let eager_join = engine.join(&eager, &eager_w, JoinType::Inner, &on).expect("join eager");
    let sorted = |d: &DataFrameRef| {
        let mut rows = d.as_local_bounded().expect("local").rows().expect("rows");
        rows.sort_by_key(|r| format!("{r:?}"));
        rows
    };
    assert_eq!(lazy_join.count().ok(), Some(8 * 8 + 6 * 7 * 7));
    assert_eq!(sorted(&lazy_join), sorted(&eager_join));
    // a select reads only its columns of the lazy frame (ENG-SEL-1..8):
    // keys, an aggregate, count(*) and a `having`
    let cols = SelectColumns::new(
        vec![col("k"), sum(col("v")).alias("s"), count(all_cols()).alias("n")],
        false,
    )
    .expect("cols");
    let having = sum(col("v")).gt(lit(150i64));
    let lazy_agg = engine.select(&loaded, &cols, None, Some(&having)).expect("lazy select");
    let eager_agg = engine.select(&eager, &cols, None, Some(&having)).expect("eager select");
    assert_eq!(sorted(&lazy_agg), sorted(&eager_agg));
    assert!(lazy_agg.count().expect("count") > 0);
    let only_count = SelectColumns::new(vec![count(all_cols()).alias("n")], false).expect("cols");
    let n = engine.select(&loaded, &only_count, None, None).expect("count(*)");
    assert_eq!(n.as_local_bounded().expect("local").rows().expect("rows"), [[Value::Int64(50)]]);

    // a filter stays lazy (ENG-FILTER-1): its rows are the eager filter's
    let cond = col("k").eq(lit(3i64));
    let lazy_f = engine.filter(&loaded, &cond).expect("lazy filter");
    let eager_f = engine.filter(&eager, &cond).expect("eager filter");
    let lazy_native = lazy_f.downcast_ref::<NativeDataFrame>().expect("native");
    assert!(lazy_native.parquet_scan().is_some(), "the filter is recorded");
    assert_eq!(lazy_f.count().ok(), Some(7));
    assert_eq!(sorted(&lazy_f), sorted(&eager_f));
    let v_only = lazy_f.select_columns(&["v"]).expect("select");
    assert_eq!(sorted(&v_only).len(), 7);

    let values = renamed.as_local_bounded().expect("local").rows().expect("rows");
    assert_eq!(values, (0..50).map(|i| vec![Value::Float64(i as f64)]).collect::<Vec<_>>());
}
