//! Building and running: one-node workflows, show/persist/broadcast,
//! identity of `df`, dataframe yields, zips, joins, IO and save_and_use
//! (CHECKLIST B1–B3, B9, B11, B21, B37, B38).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fugue_api::extension::{ExtensionContext, cotransformer};
use fugue_core::dataframe::DataFrameExt;
use fugue_core::engine::{JoinType, LoadOptions, SaveOptions};
use fugue_core::io::{FormatOptions, LoadColumns, SaveMode};
use fugue_core::{DataFrames, ErrorKind, PartitionSpec};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("build/b1_workflows", ["B1", "WF-DAG-1", "WF-RUN-4", "WF-RUN-5"], b1_workflows),
        case!(
            "build/b2_create_show",
            [
                "B2",
                "WF-OPS-3",
                "WF-OPS-21",
                "WF-OPS-22",
                "WF-DAG-5",
                "WF-CKPT-2",
                "ENG-BCAST-1",
                "WF-RUN-2"
            ],
            b2_create_show
        ),
        case!("build/b3_df_identity", ["B3", "WF-ID-1", "WF-ID-3", "WF-DAG-3"], b3_df_identity),
        case!(
            "build/b9_yield_dataframe",
            [
                "B9",
                "WF-YIELD-1",
                "WF-YIELD-2",
                "WF-YIELD-5",
                "WF-RUN-1",
                "WF-RUN-6",
                "WF-RUN-8",
                "ENG-YIELD-2"
            ],
            b9_yield_dataframe
        ),
        case!(
            "build/b11_zip",
            ["B11", "ENG-ZIP-2", "ENG-ZIP-5", "ENG-ZIP-6", "WF-OPS-18", "WF-DAG-5", "WF-COTR-1"],
            b11_zip
        ),
        case!(
            "build/b21_join",
            ["B21", "ENG-JOIN-6", "ENG-JOIN-7", "ENG-JOIN-12", "WF-OPS-8"],
            b21_join
        ),
        case!(
            "build/b37_io",
            ["B37", "ENG-IO-2", "ENG-IO-6", "ENG-IO-8", "ENG-CSV-1", "WF-OPS-19", "WF-OPS-24"],
            b37_io
        ),
        case!("build/b38_save_and_use", ["B38", "WF-OPS-20", "ENG-PQ-1"], b38_save_and_use),
    ]
}

fn b1_workflows(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    let before = a.result().err().map(|e| e.kind());
    check(before == Some(ErrorKind::Workflow), || {
        format!("a result before any run is ERR-WF (WF-RUN-4), got {before:?}")
    })?;
    let out = ok(a.compute(e.clone()), "compute")?;
    eq(out.as_ref(), kv_rows(), "k:str,v:long", "computed one-node workflow")?;
    // the result is cached after the run (WF-RUN-4)
    eq(ok(a.result(), "result")?.as_ref(), kv_rows(), "k:str,v:long", "cached result")
}

fn b2_create_show(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    let p = ok(a.persist(), "persist")?;
    check(p.name() == a.name(), || "persist adds no node (WF-OPS-21)".into())?;
    // a num hint is kept on the handle, not on the node
    let hinted = ok(p.partition(PartitionSpec::num(2)), "num hint")?;
    check(hinted.name() == a.name(), || "a hint is the same node (WF-DAG-5)".into())?;
    check(hinted.partition_hint().is_some(), || "the hint is kept".into())?;
    ok(hinted.show(10, None), "show")?;
    let d = ok(a.distinct(), "distinct")?;
    let before = d.spec_uuid();
    let b = d.broadcast();
    check(b.spec_uuid() != before, || "broadcast is part of identity (WF-OPS-22)".into())?;
    ok(b.show(10, Some("broadcast")), "titled show")?;
    b.yield_dataframe_as("b", true).map_err(|e| format!("yield: {e}"))?;
    // an unconsumed node runs too (WF-RUN-2)
    let ran = Arc::new(AtomicUsize::new(0));
    let r2 = ran.clone();
    ok(
        dag.create(
            move |_c: &ExtensionContext| -> Result<DataFrameRef> {
                r2.fetch_add(1, Ordering::SeqCst);
                Ok(Arc::new(kv().map_err(Error::user)?) as DataFrameRef)
            },
            Conf::empty(),
        ),
        "create",
    )?;
    check(dag.explain().contains("broadcast"), || dag.explain())?;
    let out = run(&dag, &e)?;
    eq(got(&out, "b")?.as_ref(), kv_rows(), "k:str,v:long", "broadcast yield")?;
    check(ran.load(Ordering::SeqCst) == 1, || "the unconsumed creator ran once".into())
}

fn b3_df_identity(_ctx: &Ctx) -> CaseResult {
    let build = |rows: Vec<Row>, det: Option<&str>| -> Result<(String, String), String> {
        let dag = FugueWorkflow::new();
        let data = local(rows, "k:str,v:long")?;
        let d = match det {
            Some(x) => ok(dag.df_with_determiner(data, x), "df")?,
            None => ok(dag.df(data), "df")?,
        };
        check(d.name() == "_0", || format!("first node is _0, got {}", d.name()))?;
        let t = ok(d.distinct(), "distinct")?;
        check(t.name() == "_1", || format!("second node is _1, got {}", t.name()))?;
        Ok((t.spec_uuid(), dag.spec_uuid()))
    };
    let one = build(kv_rows(), None)?;
    check(one == build(kv_rows(), None)?, || "the same graph has the same ids (WF-ID-1)".into())?;
    check(one == build(vec![vec![s("z"), l(9)]], None)?, || {
        "in-memory content is not identity (WF-ID-3)".into()
    })?;
    let d1 = build(kv_rows(), Some("v1"))?;
    check(d1 != one, || "a data determiner is identity".into())?;
    check(d1 == build(vec![vec![s("z"), l(9)]], Some("v1"))?, || "same determiner".into())?;
    check(d1 != build(kv_rows(), Some("v2"))?, || "another determiner".into())
}

fn b9_yield_dataframe(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let calls = Arc::new(AtomicUsize::new(0));
    let dag = FugueWorkflow::new();
    let c = calls.clone();
    let a = ok(
        dag.df(kv()?).and_then(|d| {
            d.transform(
                move |df: LocalDataFrame| {
                    c.fetch_add(1, Ordering::SeqCst);
                    df
                },
                "*",
            )
        }),
        "transform",
    )?;
    ok(a.yield_dataframe_as("x", false), "yield x")?;
    ok(a.distinct().and_then(|d| d.yield_dataframe_as("y", true)), "yield y")?;
    // before a run the yield has no value: ERR-ARG (WF-YIELD-1)
    expect_kind(
        ok(dag.get_yield("x"), "get_yield")?.result().map(|_| ()),
        ErrorKind::InvalidArgument,
        "a yield before its run",
    )?;
    check(dag.yields().len() == 2, || "dag.yields lists both (WF-RUN-8)".into())?;
    let out = run(&dag, &e)?;
    let names: Vec<&str> = out.names().collect();
    check(names == ["x", "y"], || format!("result names {names:?}"))?;
    eq(got(&out, "x")?.as_ref(), kv_rows(), "k:str,v:long", "x")?;
    let y = got(&out, "y")?;
    check(y.is_local(), || "as_local yields a local frame (ENG-YIELD-2)".into())?;
    eq(y.as_ref(), kv_rows(), "k:str,v:long", "y")?;
    expect_kind(out.get("nope").map(|_| ()), ErrorKind::NotFound, "an unknown yield")?;
    // run again: recomputed, yields updated (WF-RUN-6)
    let first = calls.load(Ordering::SeqCst);
    let out2 = run(&dag, &e)?;
    check(calls.load(Ordering::SeqCst) > first, || "the second run recomputes".into())?;
    eq(got(&out2, "x")?.as_ref(), kv_rows(), "k:str,v:long", "x again")?;
    // a yield feeds another workflow (WF-YIELD-2)
    let dag2 = FugueWorkflow::new();
    let yx = ok(dag.get_yield("x"), "get x")?;
    let back = ok(dag2.df_from_yield(&yx), "df from yield")?;
    ok(back.yield_dataframe_as("z", true), "yield z")?;
    let out3 = run(&dag2, &e)?;
    eq(got(&out3, "z")?.as_ref(), kv_rows(), "k:str,v:long", "z from another workflow")
}

/// Row counts per frame of a zipped partition: `k, n0, n1[, n2]`.
fn count_zip(dfs: DataFrames) -> Result<Vec<Row>> {
    let mut key = N;
    let mut row = Vec::new();
    for d in dfs.values() {
        let rows = d.as_array(None, true)?;
        if key == N
            && let Some(r) = rows.first()
        {
            key = r[0].clone();
        }
        row.push(l(rows.len() as i64));
    }
    let mut out = vec![key];
    out.extend(row);
    Ok(vec![out])
}

fn b11_zip(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "a")?;
    let b = ok(dag.df(local(vec![vec![s("a"), l(7)]], "k:str,w:long")?), "b")?;
    let c = ok(dag.df(local(vec![vec![s("a"), l(8)], vec![s("b"), l(9)]], "k:str,x:long")?), "c")?;
    let co = || cotransformer(count_zip);
    // inner zip by the hint's keys: only `a` is in both
    let inner = ok(a.partition_by(["k"]).and_then(|h| h.zip(&[&b], JoinType::Inner)), "zip")?;
    let inner = ok(inner.cotransform(co().schema("k:str,n0:long,n1:long"), ()), "cotransform")?;
    ok(inner.yield_dataframe_as("inner", true), "yield")?;
    // left outer with a presort: `b` has no partner
    let left = ok(
        a.partition(("k", "v desc")).and_then(|h| h.zip(&[&b], JoinType::LeftOuter)),
        "left zip",
    )?;
    let left = ok(left.cotransform(co().schema("k:str,n0:long,n1:long"), ()), "cotransform")?;
    ok(left.yield_dataframe_as("left", true), "yield")?;
    // three frames, the keys are distinct per partition
    let three =
        ok(a.partition_by(["k"]).and_then(|h| h.zip(&[&b, &c], JoinType::Inner)), "zip three")?;
    let three = ok(three.cotransform(co().schema("k:str,n0:long,n1:long,n2:long"), ()), "co3")?;
    ok(three.yield_dataframe_as("three", true), "yield")?;
    // a cotransform of an unzipped frame is refused at build
    expect_kind(
        a.cotransform(co().schema("k:str"), ()).map(|_| ()),
        ErrorKind::WorkflowCompile,
        "cotransform without zip",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "inner")?.as_ref(),
        vec![vec![s("a"), l(2), l(1)]],
        "k:str,n0:long,n1:long",
        "inner",
    )?;
    eq(
        got(&out, "left")?.as_ref(),
        vec![vec![s("a"), l(2), l(1)], vec![s("b"), l(1), l(0)]],
        "k:str,n0:long,n1:long",
        "left outer",
    )?;
    eq(
        got(&out, "three")?.as_ref(),
        vec![vec![s("a"), l(2), l(1), l(1)]],
        "k:str,n0:long,n1:long,n2:long",
        "three frames",
    )
}

fn b21_join(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(local(vec![vec![l(1), l(2)], vec![l(3), l(4)]], "a:long,b:long")?), "a")?;
    let b = ok(dag.df(local(vec![vec![l(1), s("x")], vec![l(5), s("y")]], "a:long,c:str")?), "b")?;
    let c = ok(dag.df(local(vec![vec![l(1), l(9)], vec![l(3), l(8)]], "a:long,d:long")?), "c")?;
    let x = ok(dag.df(local(vec![vec![s("q")]], "x:str")?), "x")?;
    let single = ok(a.join(&[], "inner", &[]), "single join")?;
    ok(single.yield_dataframe_as("single", true), "y")?;
    let inner = ok(a.join(&[&b, &c], "inner", &[]), "inner")?;
    ok(inner.yield_dataframe_as("inner", true), "y")?;
    ok(ok(a.semi_join(&b), "semi")?.yield_dataframe_as("semi", true), "y")?;
    ok(ok(a.anti_join(&b), "anti")?.yield_dataframe_as("anti", true), "y")?;
    ok(ok(a.left_outer_join(&b), "left")?.yield_dataframe_as("left", true), "y")?;
    ok(ok(a.right_outer_join(&b), "right")?.yield_dataframe_as("right", true), "y")?;
    ok(ok(a.full_outer_join(&b), "full")?.yield_dataframe_as("full", true), "y")?;
    ok(ok(a.cross_join(&x), "cross")?.yield_dataframe_as("cross", true), "y")?;
    expect_kind(a.join(&[&b], "sideways", &[]).map(|_| ()), ErrorKind::InvalidArgument, "bad how")?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "single")?.as_ref(),
        vec![vec![l(1), l(2)], vec![l(3), l(4)]],
        "a:long,b:long",
        "single",
    )?;
    eq(
        got(&out, "inner")?.as_ref(),
        vec![vec![l(1), l(2), s("x"), l(9)]],
        "a:long,b:long,c:str,d:long",
        "inner fold",
    )?;
    eq(got(&out, "semi")?.as_ref(), vec![vec![l(1), l(2)]], "a:long,b:long", "semi")?;
    eq(got(&out, "anti")?.as_ref(), vec![vec![l(3), l(4)]], "a:long,b:long", "anti")?;
    eq(
        got(&out, "left")?.as_ref(),
        vec![vec![l(1), l(2), s("x")], vec![l(3), l(4), N]],
        "a:long,b:long,c:str",
        "left",
    )?;
    eq(
        got(&out, "right")?.as_ref(),
        vec![vec![l(1), l(2), s("x")], vec![l(5), N, s("y")]],
        "a:long,b:long,c:str",
        "right",
    )?;
    eq(
        got(&out, "full")?.as_ref(),
        vec![vec![l(1), l(2), s("x")], vec![l(3), l(4), N], vec![l(5), N, s("y")]],
        "a:long,b:long,c:str",
        "full",
    )?;
    eq(
        got(&out, "cross")?.as_ref(),
        vec![vec![l(1), l(2), s("q")], vec![l(3), l(4), s("q")]],
        "a:long,b:long,x:str",
        "cross",
    )
}

fn fopts(pairs: &[(&str, serde_json::Value)]) -> FormatOptions {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn b37_io(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dir = tmp()?;
    let p = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    let (pq, csv, keyed) = (p("a.parquet"), p("b.test.csv"), p("c.parquet"));
    let data = local(
        vec![vec![l(1), s("x"), l(6)], vec![l(2), s("y"), l(2)], vec![l(3), s("z"), l(6)]],
        "a:long,b:str,c:long",
    )?;
    let rows =
        || vec![vec![l(1), s("x"), l(6)], vec![l(2), s("y"), l(2)], vec![l(3), s("z"), l(6)]];
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(data), "df")?;
    // a num hint plus a single file
    let single =
        SaveOptions { mode: SaveMode::Overwrite, force_single: true, ..SaveOptions::default() };
    ok(a.partition(PartitionSpec::num(3)).and_then(|h| h.save_with(&pq, single)), "save pq")?;
    // csv, format inferred from the name, with a header
    let csv_opts = SaveOptions {
        mode: SaveMode::Overwrite,
        force_single: true,
        format_options: fopts(&[("header", serde_json::json!(true))]),
        ..SaveOptions::default()
    };
    ok(a.save_with(&csv, csv_opts), "save csv")?;
    // a keyed save (the hint is the partition spec): c=6 and c=2 folders
    ok(a.partition_by(["c"]).and_then(|h| h.save(&keyed)), "keyed save")?;
    run(&dag, &e)?;
    check(std::path::Path::new(&pq).is_file(), || "single file".into())?;
    for k in ["c=6", "c=2"] {
        check(dir.path().join("c.parquet").join(k).is_dir(), || format!("folder {k}"))?;
    }
    let dag2 = FugueWorkflow::new();
    ok(dag2.load(pq.clone()).and_then(|d| d.yield_dataframe_as("pq", true)), "load pq")?;
    let cols = LoadOptions {
        columns: LoadColumns::Names(vec!["c".into(), "a".into()]),
        ..LoadOptions::default()
    };
    ok(
        dag2.load_with(pq.clone(), cols).and_then(|d| d.yield_dataframe_as("cols", true)),
        "load cols",
    )?;
    let csv_load = LoadOptions {
        format_options: fopts(&[
            ("header", serde_json::json!(true)),
            ("infer_schema", serde_json::json!(false)),
        ]),
        ..LoadOptions::default()
    };
    ok(
        dag2.load_with(csv.clone(), csv_load).and_then(|d| d.yield_dataframe_as("csv", true)),
        "load csv",
    )?;
    let typed = LoadOptions {
        columns: LoadColumns::Schema(ok(
            fugue_core::Schema::parse("a:long,b:str,c:long"),
            "schema",
        )?),
        format_options: fopts(&[("header", serde_json::json!(true))]),
        ..LoadOptions::default()
    };
    ok(
        dag2.load_with(csv, typed).and_then(|d| d.yield_dataframe_as("csv_typed", true)),
        "load csv typed",
    )?;
    ok(dag2.load(keyed).and_then(|d| d.yield_dataframe_as("keyed", true)), "load keyed")?;
    let out = run(&dag2, &e)?;
    eq(got(&out, "pq")?.as_ref(), rows(), "a:long,b:str,c:long", "parquet")?;
    eq(
        got(&out, "cols")?.as_ref(),
        vec![vec![l(6), l(1)], vec![l(2), l(2)], vec![l(6), l(3)]],
        "c:long,a:long",
        "columns",
    )?;
    eq(
        got(&out, "csv")?.as_ref(),
        vec![
            vec![s("1"), s("x"), s("6")],
            vec![s("2"), s("y"), s("2")],
            vec![s("3"), s("z"), s("6")],
        ],
        "a:str,b:str,c:str",
        "csv as text",
    )?;
    eq(got(&out, "csv_typed")?.as_ref(), rows(), "a:long,b:str,c:long", "csv with a schema")?;
    let keyed = got(&out, "keyed")?;
    check(keyed.count().map_err(|e| e.to_string())? == 3, || "keyed load has 3 rows".into())
}

fn b38_save_and_use(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dir = tmp()?;
    let path = dir.path().join("x.parquet").to_string_lossy().into_owned();
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    let b = ok(a.save_and_use(&path), "save_and_use")?;
    ok(b.yield_dataframe_as("b", true), "yield")?;
    ok(a.assert_eq(&b), "assert_eq")?;
    let out = run(&dag, &e)?;
    eq(got(&out, "b")?.as_ref(), kv_rows(), "k:str,v:long", "save_and_use")?;
    let dag2 = FugueWorkflow::new();
    ok(dag2.load(path).and_then(|d| d.yield_dataframe_as("c", true)), "load")?;
    let out2 = run(&dag2, &e)?;
    eq(got(&out2, "c")?.as_ref(), kv_rows(), "k:str,v:long", "loaded by another workflow")
}
