//! Integration tests of the DataFusion engine beyond the conformance suite:
//! calls from inside other tokio runtimes, SQL over other engines' frames,
//! the registry, the DataFusion objects users can reach.

use std::sync::Arc;

use fugue_core::engine::map_fn;
use fugue_core::engine::{SqlPart, StructuredSql};
use fugue_core::{
    Conf, DataFrameRef, DataFrames, ExecutionEngine, LocalDataFrame, MapEngine, PartitionSpec,
    Value, col,
};
use fugue_datafusion::{DataFusionDataFrame, DataFusionExecutionEngine};

fn engine() -> DataFusionExecutionEngine {
    let conf = Conf::empty().with_entry(fugue_datafusion::DATAFUSION_THREADS, 2i64);
    DataFusionExecutionEngine::new(conf).expect("engine")
}

fn frame(n: i64) -> DataFrameRef {
    let rows = (0..n).map(|i| vec![Value::from(i % 3), Value::from(i)]).collect();
    Arc::new(LocalDataFrame::from_rows(rows, "k:long,v:long").expect("frame"))
}

/// Every kind of call the API makes (plan, run, map, SQL, drop).
fn exercise(e: &DataFusionExecutionEngine) {
    let df = e.to_df(&frame(30)).expect("to_df");
    assert_eq!(df.count().expect("count"), 30);
    let filtered = e.filter(&df, &col("v").gt(9)).expect("filter");
    assert_eq!(filtered.as_local_bounded().expect("local").num_rows(), 20);
    let spec = PartitionSpec::builder().by(["k"]).presort("v desc").build().expect("spec");
    let top = map_fn(|_, part| Ok(part.slice(0, 1)));
    let schema = df.schema().clone();
    let mapped = e.map_dataframe(&df, top, &schema, &spec, None).expect("map");
    assert_eq!(mapped.count().expect("count"), 3);
    let sql = e.sql_engine().expect("sql");
    let dfs = DataFrames::builder().push_named("t", df).expect("dfs").build();
    let stmt = StructuredSql {
        parts: vec![
            SqlPart::Text("SELECT k, COUNT(*) AS n FROM".into()),
            SqlPart::Table("t".into()),
            SqlPart::Text("GROUP BY k".into()),
        ],
        dialect: "spark".into(),
    };
    assert_eq!(sql.select(&dfs, &stmt).expect("select").count().expect("count"), 3);
}

#[tokio::test(flavor = "current_thread")]
async fn eng_api_sync_calls_work_inside_a_current_thread_runtime() {
    let e = engine();
    exercise(&e);
    drop(e); // dropping the engine inside a runtime must not panic either
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eng_api_sync_calls_work_inside_a_multi_thread_runtime() {
    let e = engine();
    exercise(&e);
    // also from a spawned task on a worker thread
    let handle = tokio::spawn(async move {
        exercise(&e);
        e
    });
    let e = handle.await.expect("task");
    drop(e);
}

#[test]
fn eng_api_sync_calls_work_outside_any_runtime() {
    exercise(&engine());
}

#[test]
fn eng_sql_1_sql_over_frames_made_by_the_native_engine() {
    let native = fugue_native::NativeExecutionEngine::new(Conf::new()).expect("native");
    let a = native.to_df(&frame(6)).expect("native a");
    let rows = vec![
        vec![Value::from(0i64), Value::from("zero")],
        vec![Value::from(1i64), Value::from("one")],
    ];
    let b: DataFrameRef = Arc::new(LocalDataFrame::from_rows(rows, "k:long,name:str").expect("b"));
    let b = native.to_df(&b).expect("native b");
    assert!(a.is::<fugue_native::NativeDataFrame>());
    let dfs = DataFrames::builder()
        .push_named("a", a)
        .and_then(|d| d.push_named("b", b))
        .expect("dfs")
        .build();
    let stmt = StructuredSql {
        parts: vec![
            SqlPart::Text("SELECT b.name, SUM(a.v) AS s FROM".into()),
            SqlPart::Table("a".into()),
            SqlPart::Text("AS a JOIN".into()),
            SqlPart::Table("b".into()),
            SqlPart::Text("AS b ON a.k = b.k GROUP BY b.name ORDER BY b.name".into()),
        ],
        dialect: "spark".into(),
    };
    let sql = fugue_core::make_sql_engine("datafusion", Arc::new(engine())).expect("sql engine");
    let out = sql.select(&dfs, &stmt).expect("select");
    assert!(out.is::<DataFusionDataFrame>(), "results are frames of the bound engine");
    assert_eq!(out.schema().to_string(), "name:str,s:long");
    let rows = out.as_local_bounded().and_then(|l| l.rows()).expect("rows");
    // k=0: v 0+3, k=1: v 1+4
    assert_eq!(
        rows,
        vec![vec![Value::from("one"), Value::Int64(5)], vec![Value::from("zero"), Value::Int64(3)]]
    );
    // bound to the native engine, the result is a native frame
    let native_ref: fugue_core::EngineRef = Arc::new(native);
    let sql = fugue_core::make_sql_engine("datafusion", native_ref).expect("sql engine");
    let out = sql.select(&dfs, &stmt).expect("select");
    assert!(out.is::<fugue_native::NativeDataFrame>());
    assert_eq!(out.count().expect("count"), 2);
}

#[test]
fn eng_ctx_6_registered_by_name() {
    let e = fugue_core::make_engine("datafusion", Conf::new()).expect("engine");
    assert_eq!(e.name(), "datafusion");
    assert!(e.capabilities().sql);
    assert_eq!(e.sql_engine().expect("sql").name(), "datafusion");
}

#[test]
fn eng_todf_a_datafusion_frame_is_accepted_directly() {
    let e = engine();
    let df = e
        .session_context()
        .read_batches(vec![frame(4).as_arrow().expect("batch")])
        .expect("datafusion frame");
    let f = e.from_datafusion(df).expect("wrap");
    assert_eq!(f.count().expect("count"), 4);
    let native = f.downcast_ref::<DataFusionDataFrame>().expect("datafusion frame");
    assert_eq!(native.native().schema().fields().len(), 2);
}

use fugue_core::DataFrameExt as _;

/// Conf keys under `datafusion.` are DataFusion's own session options,
/// passed through: with DataFusion's window top-k on, `take` per key (a
/// `row_number()` filtered to `<= n`, ENG-TAKE-3) plans a per-partition
/// heap instead of a full sort, and gives the same rows.
#[test]
fn datafusion_options_pass_through_the_conf() {
    use fugue_core::engine::NaPosition;
    let conf = |on: bool| {
        Conf::empty()
            .with_entry(fugue_datafusion::DATAFUSION_THREADS, 2i64)
            .with_entry("datafusion.optimizer.enable_window_topn", on)
    };
    let plan_and_rows = |on: bool| {
        let e = DataFusionExecutionEngine::new(conf(on)).expect("engine");
        let spec = PartitionSpec::by(["k"]).expect("spec");
        let taken = e.take(&frame(40), 2, "v desc", NaPosition::Last, &spec).expect("take");
        let native = taken.downcast_ref::<DataFusionDataFrame>().expect("frame").to_native();
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let plan = rt.block_on(native.create_physical_plan()).expect("plan");
        let text = datafusion::physical_plan::displayable(plan.as_ref()).indent(true).to_string();
        let mut rows = taken.as_local_bounded().expect("local").rows().expect("rows");
        rows.sort_by_key(|r| format!("{r:?}"));
        (text, rows)
    };
    let (on_plan, on_rows) = plan_and_rows(true);
    let (off_plan, off_rows) = plan_and_rows(false);
    assert!(on_plan.contains("PartitionedTopKExec"), "{on_plan}");
    assert!(!off_plan.contains("PartitionedTopKExec"), "{off_plan}");
    assert_eq!(on_rows, off_rows);
    assert_eq!(on_rows.len(), 6, "two rows for each of the three keys");

    // An unknown option and a rejected value are ERR-ARG naming the key.
    let bad = |key: &str, value: &str| {
        let c = Conf::empty().with_entry(key, value);
        DataFusionExecutionEngine::new(c).err().map(|e| (e.kind(), e.to_string()))
    };
    let (kind, msg) = bad("datafusion.optimizer.no_such_option", "1").expect("an error");
    assert_eq!(kind, fugue_core::ErrorKind::InvalidArgument);
    assert!(msg.contains("datafusion.optimizer.no_such_option"), "{msg}");
    let (kind, msg) = bad("datafusion.execution.batch_size", "many").expect("an error");
    assert_eq!(kind, fugue_core::ErrorKind::InvalidArgument);
    assert!(msg.contains("datafusion.execution.batch_size"), "{msg}");
}
