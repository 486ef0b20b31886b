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

/// Parquet files written from Arrow string views (what `tpchgen-arrow` and
/// DataFusion itself write) load without a cast in the plan: the frame
/// reports `str` (SCH-TYPE-8) while the plan keeps DataFusion's
/// `Utf8View`, so a group-by or filter on the strings does not copy every
/// value first. The consumers that need plain types convert where they
/// run: local frames hold `Utf8`, joins and unions with `Utf8` frames
/// match. Decimal → double casts are DataFusion's own `CAST` (the same
/// Arrow kernel as DF-CAST's), which the optimizer pushes into the scan.
#[test]
fn a_parquet_load_keeps_view_strings_and_casts_decimals_natively() {
    use arrow::array::{Array, AsArray, Decimal128Array, Int64Array, StringViewArray};
    use arrow::datatypes::{DataType, Field, Float64Type, Schema as ArrowSchema};
    use arrow::record_batch::RecordBatch;
    use datafusion::dataframe::DataFrameWriteOptions;
    use fugue_core::engine::LoadOptions;

    let e = engine();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("views.parquet");
    let schema = Arc::new(ArrowSchema::new(vec![
        Field::new("s", DataType::Utf8View, true),
        Field::new("d", DataType::Decimal128(15, 2), true),
        Field::new("k", DataType::Int64, false),
    ]));
    let decimals =
        Decimal128Array::from(vec![Some(1050), None, Some(-99_999_999_999_999), Some(1)])
            .with_precision_and_scale(15, 2)
            .expect("decimal type");
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringViewArray::from(vec![
                Some("a"),
                Some("a string longer than twelve bytes"),
                None,
                Some("a"),
            ])),
            Arc::new(decimals.clone()),
            Arc::new(Int64Array::from(vec![1, 2, 3, 4])),
        ],
    )
    .expect("batch");
    let ctx = e.session_context().clone();
    let p = path.to_string_lossy().to_string();
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            ctx.read_batch(batch)?.write_parquet(&p, DataFrameWriteOptions::new(), None).await
        })
        .expect("write parquet");

    let df = e.load_df(&[p.as_str()], &LoadOptions::default()).expect("load");
    assert_eq!(df.schema().to_string(), "s:str,d:decimal(15,2),k:long");
    let native = df.downcast_ref::<DataFusionDataFrame>().expect("frame").to_native();
    let s_type = native.schema().field_with_unqualified_name("s").expect("s").data_type().clone();
    assert_eq!(s_type, DataType::Utf8View, "no cast of the strings at load");

    let altered =
        df.alter_columns(&fugue_core::Schema::parse("d:double").expect("schema")).expect("alter");
    let plan = altered.downcast_ref::<DataFusionDataFrame>().expect("frame").to_native();
    let text = format!("{}", plan.logical_plan().display_indent());
    assert!(!text.contains("fugue_cast"), "decimal → double is DataFusion's CAST: {text}");
    let local = altered.as_local_bounded().expect("local");
    let batches = local.batches();
    assert_eq!(batches.len(), 1, "one small file, one batch");
    let b = &batches[0];
    assert_eq!(b.column(0).data_type(), &DataType::Utf8, "local frames hold plain strings");
    let expected = fugue_core::spi::value::cast_array(
        &(Arc::new(decimals) as arrow::array::ArrayRef),
        &DataType::Float64,
    )
    .expect("DF-CAST");
    let got = b.column(1).as_primitive::<Float64Type>();
    let want = expected.as_primitive::<Float64Type>();
    assert_eq!(got.iter().collect::<Vec<_>>(), want.iter().collect::<Vec<_>>());
    assert_eq!(got.null_count(), 1);

    // A group-by on the strings keeps the views (no copy) and local rows are plain.
    let spec = PartitionSpec::by(["s"]).expect("spec");
    let n = fugue_core::expr::functions::count(col("k")).alias("n");
    let grouped = e.aggregate(&df, &spec, &[n]).expect("aggregate");
    assert_eq!(grouped.schema().to_string(), "s:str,n:long");
    let plan = grouped.downcast_ref::<DataFusionDataFrame>().expect("frame").to_native();
    let physical = tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(plan.create_physical_plan())
        .expect("physical plan");
    let text = datafusion::physical_plan::displayable(physical.as_ref()).indent(true).to_string();
    let grouping: Vec<&str> = text.lines().filter(|l| l.contains("gby=")).collect();
    assert!(!grouping.is_empty(), "{text}");
    assert!(
        grouping.iter().all(|l| !l.contains("CAST(s@")),
        "the group-by reads the view strings, not a cast of every row: {text}"
    );
    let mut counts = grouped.as_local_bounded().expect("local").rows().expect("rows");
    counts.sort_by_key(|r| format!("{r:?}"));
    assert_eq!(
        counts,
        vec![
            vec![Value::Null, Value::from(1i64)],
            vec![Value::from("a string longer than twelve bytes"), Value::from(1i64)],
            vec![Value::from("a"), Value::from(2i64)],
        ],
        "sorted by their debug text"
    );

    // Consumers that need the plain types: a join and a union with a Utf8 frame.
    let rows = vec![vec![Value::from("a"), Value::from(10i64)]];
    let other: DataFrameRef =
        Arc::new(LocalDataFrame::from_rows(rows, "s:str,w:long").expect("frame"));
    let other = e.to_df(&other).expect("to_df");
    let joined = e.join(&df, &other, fugue_core::engine::JoinType::Inner, &["s"]).expect("join");
    let mut keys: Vec<i64> = joined
        .as_local_bounded()
        .expect("local")
        .rows()
        .expect("rows")
        .iter()
        .map(|r| match r[2] {
            Value::Int64(k) => k,
            ref v => panic!("k is a long: {v:?}"),
        })
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, vec![1, 4], "the two rows whose view string is `a`");
    let strings = df.select_columns(&["s"]).expect("select");
    let other_s = other.select_columns(&["s"]).expect("select");
    let union = e.union(&strings, &other_s, true).expect("union");
    assert_eq!(union.count().expect("count"), 3, "a, the long string, null");
}

/// `take` per key (ENG-TAKE-1..6) runs in two phases on the DataFusion
/// engine (issue 15, W4): the core's heap kernel keeps each input
/// partition's top n per group, then the window plan ranks the survivors.
/// Same rows as the one-step window plan, for both null placements,
/// ascending and descending, over several input partitions; the plan
/// holds the map node of the first phase.
#[test]
fn take_per_key_in_two_phases_gives_the_window_plans_rows() {
    use fugue_core::engine::NaPosition;
    let e = engine();
    let rows = (0..200i64)
        .map(|i| {
            let v = if i % 7 == 0 { Value::Null } else { Value::from((i * 37) % 101) };
            vec![Value::from(i % 5), v, Value::from(i)]
        })
        .collect();
    let local: DataFrameRef =
        Arc::new(LocalDataFrame::from_rows(rows, "k:long,v:long,id:long").expect("frame"));
    let df = e.to_df(&local).expect("to_df");
    let df = e.repartition(&df, &PartitionSpec::num(4)).expect("repartition");
    let spec = PartitionSpec::by(["k"]).expect("spec");
    let sorted = |f: &DataFrameRef| {
        let mut rows = f.as_local_bounded().expect("local").rows().expect("rows");
        rows.sort_by_key(|r| format!("{r:?}"));
        rows
    };
    for presort in ["v desc, id", "v, id desc"] {
        for na in [NaPosition::First, NaPosition::Last] {
            let two = e.take(&df, 3, presort, na, &spec).expect("take");
            let one = e.take_by_window(&df, 3, presort, na, &spec).expect("take by window");
            let (two_rows, one_rows) = (sorted(&two), sorted(&one));
            assert_eq!(two_rows.len(), 15, "3 rows for each of the 5 keys");
            assert_eq!(two_rows, one_rows, "{presort} {na:?}");
            let native = two.downcast_ref::<DataFusionDataFrame>().expect("frame").to_native();
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            let plan = rt.block_on(native.create_physical_plan()).expect("plan");
            let text =
                datafusion::physical_plan::displayable(plan.as_ref()).indent(true).to_string();
            assert!(text.contains("MapExec"), "first phase: the kernel per partition: {text}");
        }
    }
    // a nested sort column keeps the window plan (no kernel)
    let nested: DataFrameRef = Arc::new(
        LocalDataFrame::from_rows(
            vec![vec![Value::from(1i64), Value::List(vec![Value::from(1i64)])]],
            "k:long,l:[long]",
        )
        .expect("frame"),
    );
    let nested = e.to_df(&nested).expect("to_df");
    let taken = e.take(&nested, 1, "k", NaPosition::Last, &spec).expect("take");
    assert_eq!(taken.count().expect("count"), 1);
}
