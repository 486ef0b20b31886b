//! FugueWorkflow behaviour on the native engine: laziness, results, yields,
//! identity, checkpoints, concurrency and error context (spec/WORKFLOW.md).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fugue_api::api;
use fugue_core::conf::{WORKFLOW_CHECKPOINT_PATH, WORKFLOW_CONCURRENCY};
use fugue_core::{Conf, ErrorKind, LocalDataFrame, Result, Value};
use fugue_native as _;
use fugue_workflow::{FugueWorkflow, TransformOptions};

fn data() -> Result<LocalDataFrame> {
    LocalDataFrame::from_rows(
        vec![
            vec![Value::from("a"), Value::from(3)],
            vec![Value::from("b"), Value::from(1)],
            vec![Value::from("a"), Value::from(5)],
        ],
        "k:str,v:int",
    )
}

/// WF-DAG-1, WF-RUN-1, WF-RUN-4: nothing runs while building; results and
/// yields exist after `run`; `result` before a run is an error.
#[test]
fn wf_dag_1_build_is_lazy_and_run_returns_yields() -> Result<()> {
    let calls = Arc::new(AtomicUsize::new(0));
    let dag = FugueWorkflow::new();
    let c = calls.clone();
    let top = dag.df(data()?)?.partition(("k", "v desc"))?.transform(
        move |d: LocalDataFrame| {
            c.fetch_add(1, Ordering::SeqCst);
            d.slice(0, 1)
        },
        "*",
    )?;
    top.yield_dataframe_as("top", true)?;
    assert_eq!(calls.load(Ordering::SeqCst), 0, "building ran nothing");
    assert_eq!(top.result().unwrap_err().kind(), ErrorKind::Workflow, "ERR-WF (WF-RUN-4)");
    let result = dag.run("native")?;
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one call per key");
    let mut rows = api::as_local(result.get("top")?.clone())?.rows()?;
    rows.sort_by_key(|r| format!("{r:?}"));
    assert_eq!(
        rows,
        vec![vec![Value::from("a"), Value::from(5)], vec![Value::from("b"), Value::from(1)]]
    );
    assert_eq!(api::count(top.result()?)?, 2);
    Ok(())
}

/// WF-ID-1, WF-ID-6, WF-CKPT-8: identities are deterministic, change with
/// upstream params, ignore checkpoints and unrelated nodes.
#[test]
fn wf_id_identity_is_deterministic_and_tracks_upstream() -> Result<()> {
    let build = |n: i64, extra: bool, ckpt: bool| -> Result<String> {
        let dag = FugueWorkflow::new();
        let a = dag.load("/nowhere/a.parquet")?;
        let t = a.take(n as usize, "v", fugue_core::engine::NaPosition::Last)?;
        if ckpt {
            t.deterministic_checkpoint(None)?;
        }
        if extra {
            dag.load("/nowhere/b.parquet")?;
        }
        Ok(t.distinct()?.spec_uuid())
    };
    assert_eq!(build(1, false, false)?, build(1, false, false)?);
    assert_ne!(build(1, false, false)?, build(2, false, false)?);
    assert_eq!(
        build(1, false, false)?,
        build(1, true, false)?,
        "an unrelated node changes nothing"
    );
    assert_eq!(build(1, false, false)?, build(1, false, true)?, "checkpoints are not identity");
    Ok(())
}

/// WF-CKPT-3: a deterministic checkpoint is reused by a later run, and the
/// transform that only feeds it does not run again.
#[test]
fn wf_ckpt_3_deterministic_checkpoint_skips_upstream_on_rerun() -> Result<()> {
    let dir = tempfile::tempdir().map_err(fugue_core::Error::user)?;
    let conf =
        Conf::from_pairs([(WORKFLOW_CHECKPOINT_PATH, dir.path().to_string_lossy().to_string())]);
    let calls = Arc::new(AtomicUsize::new(0));
    let build = |calls: Arc<AtomicUsize>| -> Result<FugueWorkflow> {
        let dag = FugueWorkflow::new();
        let t = dag.df(data()?)?.transform(
            move |d: LocalDataFrame| {
                calls.fetch_add(1, Ordering::SeqCst);
                d
            },
            "*",
        )?;
        t.deterministic_checkpoint(Some("ns"))?.yield_dataframe_as("out", true)?;
        Ok(dag)
    };
    let first = build(calls.clone())?.run_with_conf("native", conf.clone())?;
    let after_first = calls.load(Ordering::SeqCst);
    assert!(after_first > 0);
    let second = build(calls.clone())?.run_with_conf("native", conf)?;
    assert_eq!(calls.load(Ordering::SeqCst), after_first, "upstream did not run again");
    assert_eq!(api::count(first.get("out")?.clone())?, api::count(second.get("out")?.clone())?);
    Ok(())
}

/// WF-CKPT-4/5: a strong checkpoint without a path fails the run with
/// ERR-WF-RUNTIME; with a path it works and its temp folder is removed.
#[test]
fn wf_ckpt_4_strong_checkpoint_needs_a_path_and_cleans_up() -> Result<()> {
    let dag = FugueWorkflow::new();
    let d = dag.df(data()?)?.distinct()?.checkpoint()?;
    d.yield_dataframe_as("x", true)?;
    let err = dag.run("native").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WorkflowRuntime, "{err}");
    assert!(err.to_string().contains("_1"), "names the node: {err}");

    let dir = tempfile::tempdir().map_err(fugue_core::Error::user)?;
    let conf =
        Conf::from_pairs([(WORKFLOW_CHECKPOINT_PATH, dir.path().to_string_lossy().to_string())]);
    let out = dag.run_with_conf("native", conf)?;
    assert_eq!(api::count(out.get("x")?.clone())?, 3);
    let left: Vec<_> = std::fs::read_dir(dir.path()).map_err(fugue_core::Error::user)?.collect();
    assert!(left.is_empty(), "the per-run folder is removed");
    Ok(())
}

/// WF-EXC-1: a failing node's error keeps its kind and names the node and
/// the line that built it.
#[test]
fn wf_exc_1_errors_name_the_node_and_call_site() -> Result<()> {
    let dag = FugueWorkflow::new();
    let line = line!() + 2;
    dag.df(data()?)?
        .transform(
            |_d: LocalDataFrame| -> Result<LocalDataFrame> { Err(fugue_core::Error::user("boom")) },
            "*",
        )?
        .yield_dataframe_as("x", false)?;
    let err = dag.run("native").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::User);
    let text = err.to_string();
    assert!(text.contains(&format!("workflow.rs:{line}")), "{text}");
    assert!(text.contains("boom"), "{text}");
    Ok(())
}

/// WF-CONC-2: with concurrency > 1 independent nodes run and the first
/// failure is the error returned.
#[test]
fn wf_conc_2_concurrent_run_and_failure() -> Result<()> {
    let dag = FugueWorkflow::with_conf([(WORKFLOW_CONCURRENCY, 4)])?;
    let a = dag.df(data()?)?;
    for i in 0..6 {
        a.distinct()?.yield_dataframe_as(&format!("d{i}"), true)?;
    }
    let out = dag.run("native")?;
    assert_eq!(out.len(), 6);
    a.transform(
        |_d: LocalDataFrame| -> Result<LocalDataFrame> { Err(fugue_core::Error::user("bad")) },
        TransformOptions::schema("*"),
    )?;
    let err = dag.run("native").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::User, "{err}");
    Ok(())
}

/// WF-YIELD-2/3: a file yield feeds another workflow.
#[test]
fn wf_yield_3_file_yield_feeds_another_workflow() -> Result<()> {
    let dir = tempfile::tempdir().map_err(fugue_core::Error::user)?;
    let conf =
        Conf::from_pairs([(WORKFLOW_CHECKPOINT_PATH, dir.path().to_string_lossy().to_string())]);
    let dag1 = FugueWorkflow::new();
    dag1.df(data()?)?.distinct()?.yield_file_as("f")?;
    dag1.run_with_conf("native", conf.clone())?;
    let y = dag1.get_yield("f")?;
    assert!(y.path().is_some());
    let dag2 = FugueWorkflow::new();
    dag2.df_from_yield(&y)?.yield_dataframe_as("back", true)?;
    let out = dag2.run_with_conf("native", conf)?;
    assert_eq!(api::count(out.get("back")?.clone())?, 3);
    Ok(())
}

/// WF-DAG-6: a frame of another workflow is refused when the node is added.
#[test]
fn wf_dag_6_foreign_frames_are_refused() -> Result<()> {
    let dag1 = FugueWorkflow::new();
    let dag2 = FugueWorkflow::new();
    let a = dag1.df(data()?)?;
    let b = dag2.df(data()?)?;
    assert_eq!(a.inner_join(&b).unwrap_err().kind(), ErrorKind::WorkflowCompile);
    Ok(())
}

/// Explain lists nodes in order with their operations.
#[test]
fn explain_lists_nodes() -> Result<()> {
    let dag = FugueWorkflow::new();
    let a = dag.df(data()?)?;
    a.distinct()?.persist()?.yield_dataframe_as("x", false)?;
    let text = dag.explain();
    assert!(text.contains("_0 [create] df"), "{text}");
    assert!(text.contains("_1 [process] distinct <- _0 checkpoint=weak"), "{text}");
    assert!(dag.to_dot().contains("_0 -> _1"));
    assert!(dag.to_mermaid().contains("_0 --> _1"));
    Ok(())
}

/// WF-ID-3: `df()` identity ignores the content but includes the schema.
#[test]
fn wf_id_3_df_identity_includes_the_schema_not_the_content() -> Result<()> {
    let id = |rows: Vec<Vec<Value>>, schema: &str| -> Result<String> {
        let dag = FugueWorkflow::new();
        Ok(dag.df(LocalDataFrame::from_rows(rows, schema)?)?.spec_uuid())
    };
    let one = vec![vec![Value::from(1)]];
    let two = vec![vec![Value::from(2)]];
    assert_eq!(id(one.clone(), "a:int")?, id(two, "a:int")?, "content is not identity");
    assert_ne!(id(one.clone(), "a:int")?, id(one, "b:int")?, "the schema is");
    Ok(())
}
