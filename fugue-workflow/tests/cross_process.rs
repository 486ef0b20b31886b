//! Checkpoint reuse across two processes (issue 12 item 8; Python lacks
//! it): the parent runs this test binary again as a child process, which
//! runs a pipeline with a deterministic checkpoint; then the parent runs
//! the same pipeline. A counter file proves the upstream transform ran
//! once, in the child (WF-CKPT-3, WF-ID-1: the same `spec_uuid` in any
//! process).

use std::io::Write;
use std::path::Path;
use std::process::Command;

use fugue_core::conf::WORKFLOW_CHECKPOINT_PATH;
use fugue_core::{Conf, Error, LocalDataFrame, Result, Value};
use fugue_native as _;
use fugue_workflow::FugueWorkflow;

/// Set in the child: the checkpoint folder and the counter file.
const CHILD_ENV: &str = "FUGUE_WORKFLOW_CROSS_PROCESS_DIR";

/// Appends one line to the counter file for every call.
fn count_call(dir: &Path) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("calls.txt"))
        .map_err(Error::user)?;
    writeln!(f, "{}", std::process::id()).map_err(Error::user)
}

/// The pipeline: data → counting transform → deterministic checkpoint →
/// a sum, yielded.
fn pipeline(dir: &Path) -> Result<i64> {
    let dag = FugueWorkflow::new();
    let data = LocalDataFrame::from_rows(
        (0..10).map(|x| vec![Value::from(x % 3), Value::Int64(x)]).collect(),
        "k:int,v:long",
    )?;
    let d = dir.to_path_buf();
    let t = dag.df_with_determiner(data, "cross-process-v1")?.transform(
        move |df: LocalDataFrame| -> Result<LocalDataFrame> {
            count_call(&d)?;
            Ok(df)
        },
        "*",
    )?;
    t.deterministic_checkpoint(Some("xp"))?.yield_dataframe_as("out", true)?;
    let conf = Conf::from_pairs([(WORKFLOW_CHECKPOINT_PATH, dir.to_string_lossy().to_string())]);
    let out = dag.run_with_conf("native", conf)?;
    let rows = fugue_api::api::as_local(out.get("out")?.clone())?.rows()?;
    Ok(rows
        .iter()
        .map(|r| match r[1] {
            Value::Int64(v) => v,
            _ => 0,
        })
        .sum())
}

fn calls(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("calls.txt")).map(|t| t.lines().count()).unwrap_or(0)
}

/// The child's part; does nothing unless started by the parent test.
#[test]
fn cross_process_child() -> Result<()> {
    let Ok(dir) = std::env::var(CHILD_ENV) else { return Ok(()) };
    let sum = pipeline(Path::new(&dir))?;
    assert_eq!(sum, 45);
    Ok(())
}

#[test]
fn wf_ckpt_3_checkpoint_reused_by_another_process() -> Result<()> {
    let dir = tempfile::tempdir().map_err(Error::user)?;
    let exe = std::env::current_exe().map_err(Error::user)?;
    let status = Command::new(exe)
        .args(["cross_process_child", "--exact", "--test-threads=1"])
        .env(CHILD_ENV, dir.path())
        .status()
        .map_err(Error::user)?;
    assert!(status.success(), "the child process failed: {status}");
    let after_child = calls(dir.path());
    assert!(after_child > 0, "the child ran the transform");
    let child_pids: std::collections::HashSet<String> =
        std::fs::read_to_string(dir.path().join("calls.txt"))
            .map_err(Error::user)?
            .lines()
            .map(str::to_string)
            .collect();
    assert!(!child_pids.contains(&std::process::id().to_string()), "the calls were in the child");
    // the parent: same pipeline, same checkpoint, no transform call
    assert_eq!(pipeline(dir.path())?, 45);
    assert_eq!(calls(dir.path()), after_child, "the upstream transform ran once, in the child");
    Ok(())
}
