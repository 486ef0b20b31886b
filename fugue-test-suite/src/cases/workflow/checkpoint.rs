//! Checkpoints, file yields, auto-persist and concurrency (CHECKLIST B4–B7,
//! plus cases Python lacks: a crash between a checkpoint's write and its
//! rename, a failing node under concurrency > 1, nodes running in parallel).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use fugue_api::extension::ExtensionContext;
use fugue_core::conf::{WORKFLOW_AUTO_PERSIST, WORKFLOW_CONCURRENCY};
use fugue_core::dataframe::DataFrameExt;
use fugue_core::engine::SaveOptions;
use fugue_core::io::SaveMode;
use fugue_core::{ErrorKind, PartitionSpec};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "checkpoint/b4_checkpoint",
            ["B4", "WF-CKPT-2", "WF-CKPT-4", "WF-CKPT-5", "WF-RUN-3", "CFG-2"],
            b4_checkpoint
        ),
        case!(
            "checkpoint/b5_deterministic_checkpoint",
            [
                "B5",
                "WF-CKPT-1",
                "WF-CKPT-2",
                "WF-CKPT-3",
                "WF-CKPT-8",
                "WF-ID-2",
                "WF-ID-3",
                "WF-ID-6",
                "WF-RUN-2"
            ],
            b5_deterministic_checkpoint
        ),
        case!(
            "checkpoint/b6_deterministic_checkpoint_complex_dag",
            ["B6", "WF-CKPT-3", "WF-ID-2", "WF-OPS-9", "WF-OPS-14"],
            b6_complex_dag
        ),
        case!(
            "checkpoint/b7_yield_file",
            ["B7", "WF-YIELD-2", "WF-YIELD-3", "WF-YIELD-5", "WF-YIELD-6", "WF-ID-4", "WF-CKPT-4"],
            b7_yield_file
        ),
        case!("checkpoint/crash_before_rename", ["WF-CKPT-3", "WF-CKPT-4"], crash_before_rename),
        case!(
            "checkpoint/strong_cleanup_after_failure",
            ["WF-CKPT-5", "WF-RUN-3", "WF-RUN-4", "WF-EXC-1"],
            strong_cleanup_after_failure
        ),
        case!("checkpoint/auto_persist", ["WF-AP-1", "WF-CKPT-1", "WF-CKPT-2"], auto_persist),
        case!(
            "checkpoint/concurrency_failure",
            ["WF-CONC-1", "WF-CONC-2", "WF-EXC-1", "WF-RUN-4"],
            concurrency_failure
        ),
        case!("checkpoint/concurrency_parallel", ["WF-CONC-1", "WF-CONC-2"], concurrency_parallel),
    ]
}

fn b4_checkpoint(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    let c = ok(a.distinct().and_then(|d| d.checkpoint()), "checkpoint")?;
    ok(c.yield_dataframe_as("c", true), "yield")?;
    // no path: the run fails when the checkpoint executes (WF-CKPT-4)
    expect_kind(dag.run(e.clone()).map(|_| ()), ErrorKind::WorkflowRuntime, "no checkpoint path")?;
    let dir = tmp()?;
    let out = ok(run_in(&dag, &e, &dir), "run with a path")?;
    eq(got(&out, "c")?.as_ref(), kv_rows(), "k:str,v:long", "strong checkpoint result")?;
    // the per-run folder is gone (WF-CKPT-5)
    let left = std::fs::read_dir(dir.path()).map_err(|e| e.to_string())?.count();
    check(left == 0, || format!("{left} entries left in the checkpoint path"))
}

/// A creator whose every call gives a new `n` (a "random" creator), with
/// the param `p` in its output.
fn counting_creator(
    counter: &Arc<AtomicUsize>,
) -> impl Fn(&ExtensionContext) -> Result<DataFrameRef> + Send + Sync + 'static {
    let c = counter.clone();
    move |ctx: &ExtensionContext| {
        let n = c.fetch_add(1, Ordering::SeqCst) as i64;
        let p: i64 = ctx.params().get("p", 0i64)?;
        Ok(Arc::new(LocalDataFrame::from_rows(vec![vec![l(n), l(p)]], "n:long,p:long")?)
            as DataFrameRef)
    }
}

/// The `n` of the single row of `df`.
fn first_n(df: &DataFrameRef) -> Result<Value, String> {
    let rows = ok(df.as_array(None, true), "as_array")?;
    rows.first().map(|r| r[0].clone()).ok_or_else(|| "no rows".to_string())
}

use fugue_core::Value;

fn b5_deterministic_checkpoint(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dir = tmp()?;
    let counter = Arc::new(AtomicUsize::new(0));
    let build = |ckpt: &str, p: i64| -> Result<(FugueWorkflow, String), String> {
        let dag = FugueWorkflow::new();
        let a = ok(dag.create(counting_creator(&counter), [("p", p)]), "create")?;
        let a = ok(a.distinct(), "distinct")?;
        let a = match ckpt {
            "none" => a,
            "weak" => ok(a.persist(), "persist")?,
            "strong" => ok(a.checkpoint(), "checkpoint")?,
            "strong_part" => ok(a.strong_checkpoint(Some(PartitionSpec::num(2)), true), "strong")?,
            // a later checkpoint call replaces an earlier one (WF-CKPT-1)
            "det" => ok(a.persist().and_then(|d| d.deterministic_checkpoint(None)), "det")?,
            "det_ns" => ok(a.deterministic_checkpoint(Some("other")), "det ns")?,
            other => return Err(format!("unknown {other}")),
        };
        ok(a.yield_dataframe_as("x", true), "yield")?;
        Ok((dag, a.spec_uuid()))
    };
    let value = |ckpt: &str, p: i64| -> Result<Value, String> {
        let (dag, _) = build(ckpt, p)?;
        let out = ok(run_in(&dag, &e, &dir), ckpt)?;
        first_n(&got(&out, "x")?)
    };
    for kind in ["none", "weak", "strong"] {
        check(value(kind, 1)? != value(kind, 1)?, || format!("{kind}: every run recomputes"))?;
    }
    let det = value("det", 1)?;
    check(det == value("det", 1)?, || "a deterministic checkpoint is reused (WF-CKPT-3)".into())?;
    let calls = counter.load(Ordering::SeqCst);
    value("det", 1)?;
    check(counter.load(Ordering::SeqCst) == calls, || {
        "with the checkpoint in place its upstream creator does not run again".into()
    })?;
    check(value("det_ns", 1)? != det, || "another namespace is another checkpoint".into())?;
    check(value("det", 2)? != det, || "another upstream param is another checkpoint".into())?;
    // checkpoints are not identity; upstream params are (WF-CKPT-8, WF-ID-6)
    let id = build("none", 1)?.1;
    for kind in ["weak", "strong", "strong_part", "det", "det_ns"] {
        check(build(kind, 1)?.1 == id, || format!("{kind} changed the node identity"))?;
    }
    check(build("none", 2)?.1 != id, || "an upstream param changes identity".into())
}

fn b6_complex_dag(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dir = tmp()?;
    let counter = Arc::new(AtomicUsize::new(0));
    let build = |det: bool| -> Result<FugueWorkflow, String> {
        let dag = FugueWorkflow::new();
        let a = ok(dag.create(counting_creator(&counter), [("p", 1)]), "a")?;
        let b = ok(dag.create(counting_creator(&counter), [("p", 2)]), "b")?;
        let a = ok(a.drop(&["p"], false), "drop a")?;
        let b = ok(b.drop(&["p"], false), "drop b")?;
        let u = ok(a.union(&[&b], false), "union")?;
        let u = if det { ok(u.deterministic_checkpoint(None), "det")? } else { u };
        ok(u.yield_dataframe_as("u", true), "yield")?;
        Ok(dag)
    };
    let values = |det: bool| -> Result<Vec<String>, String> {
        let out = ok(run_in(&build(det)?, &e, &dir), "run")?;
        let mut v: Vec<String> = ok(got(&out, "u")?.as_array(None, true), "rows")?
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        v.sort();
        Ok(v)
    };
    check(values(false)? != values(false)?, || "plain runs recompute".into())?;
    let first = values(true)?;
    check(first.len() == 2, || format!("two rows expected, got {first:?}"))?;
    let calls = counter.load(Ordering::SeqCst);
    check(values(true)? == first, || "the deterministic checkpoint is reused".into())?;
    check(counter.load(Ordering::SeqCst) == calls, || "no creator ran again".into())
}

fn b7_yield_file(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dir = tmp()?;
    // yields after a temporary or a weak checkpoint are refused at build
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    expect_kind(
        ok(a.checkpoint(), "checkpoint")?.yield_file_as("f"),
        ErrorKind::WorkflowCompile,
        "yield_file_as after checkpoint()",
    )?;
    expect_kind(
        ok(a.persist(), "persist")?.yield_file_as("f"),
        ErrorKind::InvalidArgument,
        "yield_file_as after persist()",
    )?;
    // producer + consumer; plain file yields have a fresh namespace per build
    let produce = |det: bool| -> Result<(FugueWorkflow, String), String> {
        let dag = FugueWorkflow::new();
        let a = ok(dag.df(kv()?).and_then(|d| d.distinct()), "df")?;
        if det {
            ok(a.deterministic_checkpoint(Some("ns")), "det")?;
        }
        ok(a.yield_file_as("f"), "yield_file_as")?;
        Ok((dag, a.spec_uuid()))
    };
    let consumer_id = |dag: &FugueWorkflow| -> Result<String, String> {
        let d2 = FugueWorkflow::new();
        let y = ok(dag.get_yield("f"), "get_yield")?;
        Ok(ok(d2.df_from_yield(&y), "df_from_yield")?.spec_uuid())
    };
    let (p1, u1) = produce(false)?;
    let (p2, u2) = produce(false)?;
    check(u1 == u2, || "the producer's identity does not depend on the yield (WF-YIELD-6)".into())?;
    check(consumer_id(&p1)? != consumer_id(&p2)?, || {
        "plain file yields give a new consumer identity per build".into()
    })?;
    let (d1, _) = produce(true)?;
    let (d2, _) = produce(true)?;
    check(consumer_id(&d1)? == consumer_id(&d2)?, || {
        "deterministic file yields give a stable consumer identity".into()
    })?;
    // only dataframe yields are in the result (WF-YIELD-5); the file feeds dag2
    for (what, producer) in [("plain", &p1), ("deterministic", &d1)] {
        let out = ok(run_in(producer, &e, &dir), what)?;
        check(out.is_empty(), || format!("{what}: a file yield is not in the run result"))?;
        let y = ok(producer.get_yield("f"), "get_yield")?;
        let path = y.path().ok_or_else(|| format!("{what}: the file yield has no path"))?;
        check(std::path::Path::new(&path).exists(), || format!("{what}: {path} exists"))?;
        let consumer = FugueWorkflow::new();
        ok(consumer.df_from_yield(&y).and_then(|d| d.yield_dataframe_as("back", true)), "consume")?;
        let back = ok(run_in(&consumer, &e, &dir), "consumer run")?;
        eq(got(&back, "back")?.as_ref(), kv_rows(), "k:str,v:long", what)?;
    }
    // a file yield needs the checkpoint path (WF-CKPT-4)
    let (p3, _) = produce(false)?;
    expect_kind(p3.run(e.clone()).map(|_| ()), ErrorKind::WorkflowRuntime, "no path")
}

/// Python lacks this: a crash after a checkpoint file was written but
/// before it was renamed into place leaves `.<name>.<rand>.tmp`; the next
/// run must not take it for a complete checkpoint: it recomputes and
/// publishes the checkpoint.
fn crash_before_rename(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dir = tmp()?;
    let counter = Arc::new(AtomicUsize::new(0));
    let build = || -> Result<FugueWorkflow, String> {
        let dag = FugueWorkflow::new();
        let a = ok(dag.create(counting_creator(&counter), [("p", 7)]), "create")?;
        ok(a.deterministic_checkpoint(Some("crash")), "det")?;
        ok(a.yield_dataframe_as("x", true), "yield")?;
        Ok(dag)
    };
    // learn the checkpoint's file name from a first run, then remove it
    let first = first_n(&got(&ok(run_in(&build()?, &e, &dir), "first run")?, "x")?)?;
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .map_err(|e| e.to_string())?
        .filter_map(|d| d.ok().map(|d| d.file_name().to_string_lossy().into_owned()))
        .collect();
    let [name] = files.as_slice() else {
        return Err(format!("one checkpoint expected in the folder, found {files:?}"));
    };
    check(!name.starts_with('.'), || format!("the published name is not hidden: {name}"))?;
    let published = dir.path().join(name);
    let _ = std::fs::remove_dir_all(&published).or_else(|_| std::fs::remove_file(&published));
    // the crash: a complete-looking file with wrong content under the temp name
    let tmp_name = dir.path().join(format!(".{name}.0123456789abcdef.tmp"));
    let wrong = ok(
        e.to_df(&(Arc::new(local(vec![vec![l(-1), l(-1)]], "n:long,p:long")?) as DataFrameRef)),
        "to_df",
    )?;
    let opts = SaveOptions {
        format_hint: Some("parquet".into()),
        mode: SaveMode::Overwrite,
        ..SaveOptions::default()
    };
    ok(e.save_df(&wrong, &tmp_name.to_string_lossy(), &opts), "write the leftover")?;
    let calls = counter.load(Ordering::SeqCst);
    let again = first_n(&got(&ok(run_in(&build()?, &e, &dir), "run after the crash")?, "x")?)?;
    check(counter.load(Ordering::SeqCst) == calls + 1, || {
        "the upstream node ran again: the leftover is not a checkpoint".into()
    })?;
    check(again != l(-1), || "the leftover's content was loaded as the checkpoint".into())?;
    check(again != first, || "the recomputed value is new".into())?;
    check(published.exists(), || "the recomputed checkpoint is published".into())?;
    // and it is reused from now on
    let third = first_n(&got(&ok(run_in(&build()?, &e, &dir), "third run")?, "x")?)?;
    check(third == again, || format!("reuse after recovery: {third:?} vs {again:?}"))?;
    check(counter.load(Ordering::SeqCst) == calls + 1, || "no third computation".into())
}

fn strong_cleanup_after_failure(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dir = tmp()?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?).and_then(|d| d.checkpoint()), "checkpoint")?;
    let line = line!() + 1;
    let bad = ok(a.alter_columns("k:long"), "alter")?;
    ok(bad.yield_dataframe_as("x", true), "yield")?;
    let err = match run_in(&dag, &e, &dir) {
        Ok(_) => return Err("altering `a` to long must fail the run".into()),
        Err(err) => err,
    };
    let text = err.to_string();
    check(text.contains(&bad.name()), || format!("the error names the node: {text}"))?;
    check(text.contains(&format!("checkpoint.rs:{line}")), || {
        format!("the error names the call site: {text}")
    })?;
    check(a.result().is_err(), || "no result after a failed run (WF-RUN-4)".into())?;
    let left = std::fs::read_dir(dir.path()).map_err(|e| e.to_string())?.count();
    check(left == 0, || format!("the per-run folder is removed after a failure ({left} left)"))
}

fn auto_persist(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dir = tmp()?;
    let dag = ok(FugueWorkflow::with_conf([(WORKFLOW_AUTO_PERSIST, true)]), "with_conf")?;
    let a = ok(dag.df(kv()?), "a")?;
    let b = ok(dag.df(kv()?).and_then(|d| d.deterministic_checkpoint(Some("ap"))), "b")?;
    let c = ok(dag.df(kv()?), "c")?;
    for d in [&a, &b] {
        ok(d.distinct().and_then(|x| x.yield_dataframe_as(&format!("{}1", d.name()), true)), "1")?;
        ok(d.distinct().and_then(|x| x.yield_dataframe_as(&format!("{}2", d.name()), true)), "2")?;
    }
    ok(c.distinct().and_then(|x| x.yield_dataframe_as("c1", true)), "c")?;
    let text = dag.explain();
    let line =
        |n: &str| text.lines().find(|x| x.starts_with(&format!("{n} "))).unwrap_or("").to_string();
    check(line(&a.name()).contains("checkpoint=weak"), || {
        format!("twice-consumed node persisted: {text}")
    })?;
    check(line(&b.name()).contains("checkpoint=deterministic"), || {
        format!("explicit checkpoint kept: {text}")
    })?;
    check(!line(&c.name()).contains("checkpoint"), || {
        format!("once-consumed node untouched: {text}")
    })?;
    let out = ok(run_in(&dag, &e, &dir), "run")?;
    check(out.len() == 5, || format!("{} yields", out.len()))?;
    eq(
        got(&out, &format!("{}2", a.name()))?.as_ref(),
        kv_rows(),
        "k:str,v:long",
        "persisted branch",
    )
}

/// Python lacks this: concurrency > 1 with a failing node. The first
/// failure is returned with its kind, node and call site; no result is
/// cached.
fn concurrency_failure(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = ok(FugueWorkflow::with_conf([(WORKFLOW_CONCURRENCY, 3)]), "with_conf")?;
    let a = ok(dag.df(kv()?), "a")?;
    for k in 0..4 {
        ok(a.distinct().and_then(|d| d.yield_dataframe_as(&format!("d{k}"), true)), "branch")?;
    }
    let line = line!() + 2;
    let bad = ok(
        dag.create(
            |_c: &ExtensionContext| -> Result<DataFrameRef> {
                Err(Error::invalid_op("the failing node"))
            },
            Conf::empty(),
        ),
        "bad",
    )?;
    ok(bad.distinct().and_then(|d| d.yield_dataframe_as("never", true)), "after bad")?;
    let err = match dag.run(e.clone()) {
        Ok(_) => return Err("the run must fail".into()),
        Err(err) => err,
    };
    check(err.kind() == ErrorKind::InvalidOperation, || {
        format!("the failure keeps its kind: {} ({err})", err.kind())
    })?;
    let text = err.to_string();
    check(text.contains(&bad.name()) && text.contains(&format!("checkpoint.rs:{line}")), || {
        format!("node and call site named: {text}")
    })?;
    check(a.result().is_err(), || "no result is cached after a failed run".into())?;
    // the same workflow without the failing branch fails the same way on
    // every run: the failure is deterministic, not a race
    expect_kind(dag.run(e.clone()).map(|_| ()), ErrorKind::InvalidOperation, "second run")
}

/// With `fugue.workflow.concurrency = 2`, two independent nodes run at the
/// same time: each waits for the other's message (a timeout only guards
/// against a hang when they run one after the other).
fn concurrency_parallel(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = ok(FugueWorkflow::with_conf([(WORKFLOW_CONCURRENCY, 2)]), "with_conf")?;
    let (tx1, rx1) = mpsc::channel::<()>();
    let (tx2, rx2) = mpsc::channel::<()>();
    let pair = [(tx1, rx2), (tx2, rx1)];
    for (k, (tx, rx)) in pair.into_iter().enumerate() {
        let (tx, rx) = (std::sync::Mutex::new(tx), std::sync::Mutex::new(rx));
        let node = ok(
            dag.create(
                move |_c: &ExtensionContext| -> Result<DataFrameRef> {
                    tx.lock().map_err(user)?.send(()).map_err(user)?;
                    rx.lock()
                        .map_err(user)?
                        .recv_timeout(Duration::from_secs(60))
                        .map_err(|_| Error::user("the other node did not run concurrently"))?;
                    Ok(Arc::new(LocalDataFrame::from_rows(vec![vec![l(k as i64)]], "k:long")?)
                        as DataFrameRef)
                },
                Conf::empty(),
            ),
            "create",
        )?;
        ok(node.yield_dataframe_as(&format!("n{k}"), true), "yield")?;
    }
    let out = run(&dag, &e)?;
    eq(got(&out, "n0")?.as_ref(), vec![vec![l(0)]], "k:long", "n0")?;
    eq(got(&out, "n1")?.as_ref(), vec![vec![l(1)]], "k:long", "n1")
}
