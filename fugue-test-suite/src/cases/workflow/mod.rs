//! The builtin workflow suite (issue 12 item 8; spec/CHECKLIST.md §3,
//! B1–B45): [`FugueWorkflow`] built, then run on the case's engine, for
//! every case of Python Fugue's `builtin_suite.py` that the spec keeps
//! (FugueSQL parts aside), plus cases Python lacks: a crash between a
//! checkpoint's write and its rename, and a failing node under
//! concurrency > 1. (Checkpoint reuse across two processes is an
//! integration test of `fugue-workflow`, which needs a child process.)
//!
//! Every run names the case's engine (`dag.run(engine.clone())`); an
//! engine instance keeps its conf, so checkpoint paths are given as run
//! conf, which the workflow reads before the engine conf for its run keys
//! (`fugue.workflow.checkpoint.path`, WF-CKPT-4). Each case that writes
//! files uses its own temp directory.
//!
//! Case names are `workflow/<area>/<bN_case>`; each cites its B-id and the
//! WF-* rules it checks.

use fugue_core::conf::WORKFLOW_CHECKPOINT_PATH;
use fugue_core::dataframe::DataFrame;
use fugue_core::engine::EngineRef;
use fugue_core::{Conf, DataFrameRef, Error, LocalDataFrame, Result, Row};
use fugue_workflow::{FugueWorkflow, WorkflowResult};

use crate::{Case, CaseResult, Ctx};

/// `case!("area/name", [rules], f)`: a workflow case (`Need::Engine`);
/// `case!("area/name", [rules], needs = [Need::X], f)` adds needs.
macro_rules! case {
    ($name:literal, [$($rule:literal),* $(,)?], $f:expr) => {
        $crate::Case {
            name: concat!("workflow/", $name),
            rules: &[$($rule),*],
            needs: &[$crate::Need::Engine],
            run: $f,
        }
    };
    ($name:literal, [$($rule:literal),* $(,)?], needs = [$($need:expr),*], $f:expr) => {
        $crate::Case {
            name: concat!("workflow/", $name),
            rules: &[$($rule),*],
            needs: &[$crate::Need::Engine, $($need),*],
            run: $f,
        }
    };
}

mod build;
mod checkpoint;
mod extensions;
mod ops;
mod sql;

/// The cases of this group.
pub fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(build::cases());
    v.extend(checkpoint::cases());
    v.extend(ops::cases());
    v.extend(extensions::cases());
    v.extend(sql::cases());
    v
}

// ---------------------------------------------------------------------------
// Shared helpers of the workflow cases
// ---------------------------------------------------------------------------

pub(crate) use crate::helpers::{N, check, eng, eq, expect_kind, i, kv, l, local, ok, s};

/// The rows of [`kv`].
fn kv_rows() -> Vec<Row> {
    vec![vec![s("a"), l(1)], vec![s("a"), l(3)], vec![s("b"), l(2)]]
}

/// Runs `dag` on `e`.
fn run(dag: &FugueWorkflow, e: &EngineRef) -> Result<WorkflowResult, String> {
    ok(dag.run(e.clone()), "run")
}

/// Runs `dag` on `e` with the checkpoint path `dir` as run conf.
fn run_in(dag: &FugueWorkflow, e: &EngineRef, dir: &tempfile::TempDir) -> Result<WorkflowResult> {
    dag.run_with_conf(e.clone(), ckpt_conf(dir))
}

/// Run conf with `fugue.workflow.checkpoint.path` = `dir`.
fn ckpt_conf(dir: &tempfile::TempDir) -> Conf {
    Conf::from_pairs([(WORKFLOW_CHECKPOINT_PATH, dir.path().to_string_lossy().to_string())])
}

/// The frame yielded as `name`.
fn got(result: &WorkflowResult, name: &str) -> Result<DataFrameRef, String> {
    ok(result.get(name).cloned(), name)
}

/// A fresh temp directory.
fn tmp() -> Result<tempfile::TempDir, String> {
    tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))
}

/// An error as a user error (for closures returning fugue results).
fn user(e: impl std::fmt::Display) -> Error {
    Error::user(e.to_string())
}
