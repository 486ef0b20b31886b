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
    assert!(!native.partitions().is_empty() && native.partitions().len() <= 2);
    for (i, p) in native.partitions().iter().enumerate() {
        for row in p.rows().expect("rows") {
            assert_eq!(
                row[0],
                Value::Int64(i as i64),
                "output partition i holds partition i's calls"
            );
        }
    }
}
