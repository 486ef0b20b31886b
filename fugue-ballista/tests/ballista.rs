//! Ballista-specific behaviour beyond the conformance suite: registration,
//! the map answer (fail fast, never hang), scheduler URLs, how plans reach
//! the cluster, and the workaround for Ballista's lost scan limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fugue_ballista::{BALLISTA_STANDALONE_SLOTS, BALLISTA_URL, BallistaExecutionEngine};
use fugue_core::engine::{JoinType, MapEngine, NaPosition, map_fn};
use fugue_core::{
    Conf, DataFrameRef, DataFrames, ErrorKind, ExecutionEngine, LocalDataFrame, PartitionSpec,
    Result, Schema, Value,
};
use fugue_datafusion::DataFusionDataFrame;

fn engine() -> BallistaExecutionEngine {
    let conf = Conf::empty()
        .with_entry("fugue.datafusion.threads", 2)
        .with_entry(BALLISTA_STANDALONE_SLOTS, 2);
    BallistaExecutionEngine::new(conf).expect("standalone engine")
}

fn frame(rows: Vec<Vec<Value>>, schema: &str) -> DataFrameRef {
    Arc::new(LocalDataFrame::from_rows(rows, schema).expect("frame"))
}

fn long_rows(n: i64) -> Vec<Vec<Value>> {
    (0..n).map(|i| vec![Value::Int64(i % 3), Value::Int64(i)]).collect()
}

/// Runs `f` on a thread and fails the test if it takes longer than `limit`
/// (a hang shows up as a failure, not a stuck test run).
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}

/// The physical plan the client submits (the `BallistaJobExec` with its job).
fn submitted_plan(df: &DataFrameRef) -> String {
    let native = df.downcast_ref::<DataFusionDataFrame>().expect("a DataFusion frame").to_native();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let plan = rt.block_on(native.create_physical_plan()).expect("plan");
    datafusion::physical_plan::displayable(plan.as_ref()).indent(true).to_string()
}

/// ENG-GEN-7 and STYLE §3: the engine is registered by name, and the
/// standalone default needs no conf.
#[test]
fn registered_as_ballista_and_standalone_by_default() {
    let e =
        fugue_core::make_engine("ballista", Conf::empty().with_entry(BALLISTA_STANDALONE_SLOTS, 1))
            .expect("make_engine(ballista)");
    assert_eq!(e.name(), "ballista");
    assert!(e.to_string().starts_with("BallistaExecutionEngine(standalone df://localhost:"), "{e}");
    assert!(e.capabilities().distributed, "ENG-GEN-4");
    let b = e.downcast_ref::<BallistaExecutionEngine>().expect("downcast");
    assert!(b.is_standalone());
    let df = e.to_df(&frame(long_rows(5), "k:long,v:long")).expect("to_df");
    assert_eq!(e.distinct(&df).and_then(|d| d.count()).ok(), Some(5));
}

/// A Rust closure runs on the standalone cluster, whose executor shares
/// this process (the process-local map table). On a remote scheduler it
/// cannot reach the executors: `map_dataframe` is ERR-NOT-SUPPORTED naming
/// the fix, at once, without calling the closure. `zip` has a recipe (its
/// serializer is fugue's own), so it is sent: here it meets the
/// unreachable scheduler (ERR-EXECUTION), not the closure refusal.
#[test]
fn closures_run_standalone_and_fail_fast_on_a_remote_scheduler() {
    let df = frame(long_rows(10), "k:long,v:long");
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = Arc::clone(&calls);
    let f = map_fn(move |_, part| {
        c2.fetch_add(1, Ordering::SeqCst);
        Ok(part)
    });
    let spec = PartitionSpec::builder().by(["k"]).build().expect("spec");
    let schema = df.schema().clone();
    let out = engine().map_dataframe(&df, f.clone(), &schema, &spec, None).expect("standalone");
    assert_eq!(out.count().ok(), Some(10));
    assert!(calls.load(Ordering::SeqCst) > 0, "the closure ran on the in-process executor");

    calls.store(0, Ordering::SeqCst);
    let conf = Conf::empty()
        .with_entry("fugue.datafusion.threads", 1)
        .with_entry(BALLISTA_URL, "df://127.0.0.1:9");
    let remote = BallistaExecutionEngine::new(conf).expect("no connection yet");
    let started = Instant::now();
    let err = remote.map_dataframe(&df, f, &schema, &spec, None).expect_err("refused");
    assert!(started.elapsed() < Duration::from_secs(1), "fails before running anything");
    assert_eq!(err.kind(), ErrorKind::NotSupported);
    let text = err.to_string();
    assert!(text.contains("ballista") && text.contains("register_transformer"), "{text}");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    let dfs = DataFrames::list([df.clone(), df]);
    let zipped = remote.zip(&dfs, JoinType::Inner, &spec).err().map(|e| e.kind());
    assert_eq!(zipped, Some(ErrorKind::Execution));
}

/// What the DataFusion engine's own map node does on the Ballista session
/// (the wrapper refuses before this): the custom `ExecutionPlan` has no
/// physical codec, so the job fails to serialise — an error within
/// seconds, not a hang, and the closure never runs.
#[test]
fn datafusion_map_node_on_a_ballista_session_is_an_error_not_a_hang() {
    let e = engine();
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = Arc::clone(&calls);
    let result: Result<DataFrameRef> = within(Duration::from_secs(60), move || {
        let df = frame(long_rows(10), "k:long,v:long");
        let f = map_fn(move |_, part| {
            c2.fetch_add(1, Ordering::SeqCst);
            Ok(part)
        });
        let spec = PartitionSpec::builder().by(["k"]).build()?;
        let schema: Schema = "k:long,v:long".parse()?;
        e.datafusion().map_dataframe(&df, f, &schema, &spec, None)
    });
    let err = result.expect_err("the map node cannot travel");
    assert_eq!(err.kind(), ErrorKind::Execution, "{err}");
    assert!(err.to_string().contains("serialize"), "{err}");
    assert_eq!(calls.load(Ordering::SeqCst), 0, "no executor ran the closure");
}

/// `fugue.ballista.url` must be `df://host[:port]` (ERR-ARG naming the key).
#[test]
fn scheduler_urls_are_checked() {
    for bad in ["http://localhost:50050", "df://", "not a url"] {
        let conf = Conf::empty().with_entry(BALLISTA_URL, bad);
        let err = BallistaExecutionEngine::new(conf).expect_err(bad);
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{bad}: {err}");
        assert!(err.to_string().contains(BALLISTA_URL), "{bad}: {err}");
    }
}

/// A scheduler nobody listens on: building the engine connects to nothing;
/// running a plan is an error within a bounded time, never a hang.
#[test]
fn an_unreachable_scheduler_is_an_error_not_a_hang() {
    let conf = Conf::empty()
        .with_entry("fugue.datafusion.threads", 1)
        .with_entry(BALLISTA_URL, "df://127.0.0.1:9");
    let e = BallistaExecutionEngine::new(conf).expect("no connection yet");
    assert!(!e.is_standalone());
    assert!(e.to_string().starts_with("BallistaExecutionEngine(df://127.0.0.1:9"), "{e}");
    let counted = within(Duration::from_secs(120), move || {
        let df = e.to_df(&frame(long_rows(3), "k:long,v:long"))?;
        e.distinct(&df)?.count()
    });
    let err = counted.expect_err("no scheduler listens");
    assert_eq!(err.kind(), ErrorKind::Execution);
    // the error names this engine, not the DataFusion engine it builds on
    assert!(
        matches!(&err, fugue_core::Error::Backend { engine, .. } if engine == "ballista"),
        "{err:?}"
    );
}

/// Remote mode end to end: a second engine on the first one's scheduler
/// (`fugue.ballista.url`) runs plans there, fugue's casts included (the
/// in-process scheduler and executor have fugue's plan codec).
#[test]
fn a_second_engine_runs_on_the_first_ones_scheduler() {
    let host = engine();
    assert!(host.scheduler().starts_with("df://localhost:"), "{}", host.scheduler());
    let conf = Conf::empty()
        .with_entry("fugue.datafusion.threads", 1)
        .with_entry(BALLISTA_URL, host.scheduler());
    let client = BallistaExecutionEngine::new(conf).expect("remote engine");
    assert!(!client.is_standalone());
    assert_eq!(client.scheduler(), host.scheduler());
    let df = frame(long_rows(4), "k:long,v:long");
    let cols = fugue_core::SelectColumns::new(
        vec![fugue_core::col("v").cast_to("str").expect("type").alias("s")],
        false,
    )
    .expect("cols");
    let out = within(Duration::from_secs(120), move || {
        client.select(&df, &cols, None, None)?.as_local_bounded()?.rows()
    })
    .expect("runs on the host's cluster");
    let mut got: Vec<Value> = out.into_iter().map(|r| r[0].clone()).collect();
    got.sort_by_key(|v| v.to_string());
    assert_eq!(got, ["0", "1", "2", "3"].map(Value::from).to_vec());
}

/// The client plans physically and submits the whole plan: a distinct
/// (a keyed aggregate) keeps its hash exchange, where Ballista cuts the
/// job into stages, inside the submitted job, and the result is right.
#[test]
fn plans_are_submitted_whole_with_their_exchanges() {
    let e = engine();
    let df = e.to_df(&frame(long_rows(30), "k:long,v:long")).expect("to_df");
    let keys = e.select(
        &df,
        &fugue_core::SelectColumns::new(vec![fugue_core::col("k")], false).expect("cols"),
        None,
        None,
    );
    let distinct = keys.and_then(|k| e.distinct(&k)).expect("distinct");
    let plan = submitted_plan(&distinct);
    assert!(plan.starts_with("BallistaJobExec"), "{plan}");
    assert!(plan.contains("RepartitionExec: partitioning=Hash"), "{plan}");
    assert_eq!(distinct.count().ok(), Some(3));
}

/// Regression for Ballista 55 dropping an in-memory scan's pushed-down
/// limit when it restricts a stage to a task's partitions: `take(3)` of a
/// local frame gave every row. The client now submits the limit as a
/// `LocalLimitExec`.
#[test]
fn take_of_a_local_frame_keeps_its_limit() {
    let e = engine();
    let df = frame(long_rows(6), "k:long,v:long");
    let taken = e.take(&df, 3, "", NaPosition::Last, &PartitionSpec::default()).expect("take");
    assert!(submitted_plan(&taken).contains("LocalLimitExec: fetch=3"));
    let local = taken.as_local_bounded().expect("collect");
    assert_eq!(local.num_rows(), 3);
}

/// Regression for the standalone stall (`fugue bench --engines ballista
/// --sf 0.01 --workloads W2` never ended): a task carries its plan with the
/// frames made from local data, the standalone executor polled its tasks
/// through a scheduler client with tonic's default 4 MiB limit, the poll
/// answer failed to decode, and the job waited forever for tasks the
/// scheduler had handed out. Here the frame is about 6 MiB of text.
#[test]
fn a_task_plan_over_four_mebibytes_runs_standalone() {
    let rows = within(Duration::from_secs(120), || {
        let e = engine();
        let text = "x".repeat(300);
        let rows: Vec<Vec<Value>> = (0..20_000_i64)
            .map(|i| vec![Value::Int64(i % 7), Value::Str(format!("{i}{text}"))])
            .collect();
        let df = frame(rows, "k:long,s:str");
        let distinct = e.distinct(&df).expect("distinct");
        distinct.count()
    });
    assert_eq!(rows.ok(), Some(20_000));
}

/// `datafusion.*` conf keys pass through to the DataFusion engine, but
/// DataFusion's window top-k (`PartitionedTopKExec`) has no datafusion-proto
/// encoding: the Ballista session keeps it off, so `take` per key still
/// reaches the executors and keeps two rows per key (ENG-TAKE-3).
#[test]
fn take_per_key_runs_with_the_window_top_k_option_on() {
    let conf = Conf::empty()
        .with_entry("fugue.datafusion.threads", 2)
        .with_entry(BALLISTA_STANDALONE_SLOTS, 2)
        .with_entry("datafusion.optimizer.enable_window_topn", true);
    let e = BallistaExecutionEngine::new(conf).expect("standalone engine");
    let spec = PartitionSpec::by(["k"]).expect("spec");
    let taken =
        e.take(&frame(long_rows(30), "k:long,v:long"), 2, "v desc", NaPosition::Last, &spec);
    let rows = within(Duration::from_secs(120), move || {
        taken.and_then(|t| t.as_local_bounded()).and_then(|l| l.rows())
    });
    let mut got: Vec<(i64, i64)> = rows
        .expect("take per key on ballista")
        .iter()
        .map(|r| match (&r[0], &r[1]) {
            (Value::Int64(k), Value::Int64(v)) => (*k, *v),
            other => panic!("unexpected row {other:?}"),
        })
        .collect();
    got.sort_unstable();
    assert_eq!(got, vec![(0, 24), (0, 27), (1, 25), (1, 28), (2, 26), (2, 29)]);
}
