//! Relational operations on workflow frames: set operations, distinct,
//! dropna/fillna, sample, take and column operations (CHECKLIST B27–B35).

use fugue_core::ErrorKind;
use fugue_core::engine::{FillValue, NaPosition, SampleSpec};
use indexmap::IndexMap;

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "ops/b27_union",
            ["B27", "ENG-SET-3", "ENG-SET-7", "ENG-SET-8", "WF-OPS-9"],
            b27_union
        ),
        case!("ops/b28_intersect", ["B28", "ENG-SET-5", "ENG-SET-7", "WF-OPS-9"], b28_intersect),
        case!("ops/b29_subtract", ["B29", "ENG-SET-4", "ENG-SET-7", "WF-OPS-9"], b29_subtract),
        case!("ops/b30_distinct", ["B30", "ENG-DISTINCT-1", "WF-OPS-10"], b30_distinct),
        case!(
            "ops/b31_dropna",
            ["B31", "ENG-DROPNA-1", "ENG-DROPNA-2", "ENG-DROPNA-3", "ENG-DROPNA-4", "WF-OPS-11"],
            b31_dropna
        ),
        case!(
            "ops/b32_fillna",
            ["B32", "ENG-FILLNA-2", "ENG-FILLNA-3", "ENG-FILLNA-7", "WF-OPS-11", "WF-EXC-1"],
            b32_fillna
        ),
        case!("ops/b33_sample", ["B33", "ENG-SAMPLE-1", "WF-OPS-12", "WF-DAG-9"], b33_sample),
        case!(
            "ops/b34_take",
            [
                "B34",
                "ENG-TAKE-1",
                "ENG-TAKE-2",
                "ENG-TAKE-3",
                "ENG-TAKE-4",
                "WF-OPS-13",
                "WF-DAG-5"
            ],
            b34_take
        ),
        case!(
            "ops/b35_col_ops",
            [
                "B35",
                "WF-OPS-14",
                "WF-OPS-15",
                "WF-OPS-16",
                "WF-OPS-17",
                "DF-OP-10",
                "DF-OP-11",
                "DF-OP-12",
                "DF-OP-13",
                "DF-OP-14"
            ],
            b35_col_ops
        ),
    ]
}

/// `a:long,b:str` frames.
fn ab(rows: Vec<Row>) -> Result<LocalDataFrame, String> {
    local(rows, "a:long,b:str")
}

fn b27_union(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(ab(vec![vec![l(1), s("x")], vec![l(1), s("x")]])?), "a")?;
    let b = ok(dag.df(ab(vec![vec![l(1), s("x")], vec![l(2), N]])?), "b")?;
    ok(a.union(&[], true).and_then(|u| u.yield_dataframe_as("one", true)), "one")?;
    ok(a.union(&[&b], true).and_then(|u| u.yield_dataframe_as("distinct", true)), "distinct")?;
    ok(a.union(&[&b], false).and_then(|u| u.yield_dataframe_as("all", true)), "all")?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "one")?.as_ref(),
        vec![vec![l(1), s("x")], vec![l(1), s("x")]],
        "a:long,b:str",
        "single input unchanged",
    )?;
    eq(
        got(&out, "distinct")?.as_ref(),
        vec![vec![l(1), s("x")], vec![l(2), N]],
        "a:long,b:str",
        "union distinct",
    )?;
    eq(
        got(&out, "all")?.as_ref(),
        vec![vec![l(1), s("x")], vec![l(1), s("x")], vec![l(1), s("x")], vec![l(2), N]],
        "a:long,b:str",
        "union all",
    )
}

fn b28_intersect(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(ab(vec![vec![l(1), s("x")], vec![l(2), N], vec![l(2), N]])?), "a")?;
    let b = ok(dag.df(ab(vec![vec![l(2), N], vec![l(3), s("z")]])?), "b")?;
    let c = ok(dag.df(ab(vec![vec![l(1), s("x")]])?), "c")?;
    ok(a.intersect(&[&b], true).and_then(|u| u.yield_dataframe_as("ab", true)), "ab")?;
    ok(a.intersect(&[&b, &c], true).and_then(|u| u.yield_dataframe_as("abc", true)), "abc")?;
    let out = run(&dag, &e)?;
    eq(got(&out, "ab")?.as_ref(), vec![vec![l(2), N]], "a:long,b:str", "null rows intersect")?;
    eq(got(&out, "abc")?.as_ref(), vec![], "a:long,b:str", "three inputs to empty")
}

fn b29_subtract(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(
        dag.df(ab(vec![vec![l(1), s("x")], vec![l(1), s("x")], vec![l(2), N], vec![l(3), N]])?),
        "a",
    )?;
    let b = ok(dag.df(ab(vec![vec![l(2), N]])?), "b")?;
    let c = ok(dag.df(ab(vec![vec![l(1), s("x")], vec![l(3), N]])?), "c")?;
    ok(a.subtract(&[&b], true).and_then(|u| u.yield_dataframe_as("ab", true)), "ab")?;
    ok(a.subtract(&[&b, &c], true).and_then(|u| u.yield_dataframe_as("abc", true)), "abc")?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "ab")?.as_ref(),
        vec![vec![l(1), s("x")], vec![l(3), N]],
        "a:long,b:str",
        "subtract with nulls and duplicates",
    )?;
    eq(got(&out, "abc")?.as_ref(), vec![], "a:long,b:str", "three inputs to empty")
}

fn b30_distinct(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(
        dag.df(ab(vec![
            vec![l(1), N],
            vec![l(1), N],
            vec![N, s("x")],
            vec![N, s("x")],
            vec![l(1), s("x")],
        ])?),
        "a",
    )?;
    ok(a.distinct().and_then(|d| d.yield_dataframe_as("d", true)), "distinct")?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "d")?.as_ref(),
        vec![vec![l(1), N], vec![N, s("x")], vec![l(1), s("x")]],
        "a:long,b:str",
        "distinct with nulls",
    )
}

fn b31_dropna(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(
        dag.df(local(
            vec![vec![l(1), N, l(3)], vec![N, N, N], vec![l(1), s("x"), l(3)], vec![N, s("y"), N]],
            "a:long,b:str,c:long",
        )?),
        "a",
    )?;
    ok(a.dropna("any", None, None).and_then(|d| d.yield_dataframe_as("any", true)), "any")?;
    ok(a.dropna("all", None, None).and_then(|d| d.yield_dataframe_as("all", true)), "all")?;
    ok(
        a.dropna("any", Some(2), None).and_then(|d| d.yield_dataframe_as("thresh", true)),
        "thresh",
    )?;
    ok(
        a.dropna("any", None, Some(&["a", "c"])).and_then(|d| d.yield_dataframe_as("subset", true)),
        "subset",
    )?;
    ok(
        a.dropna("all", Some(1), Some(&["b"])).and_then(|d| d.yield_dataframe_as("both", true)),
        "thresh+subset",
    )?;
    expect_kind(a.dropna("some", None, None).map(|_| ()), ErrorKind::InvalidArgument, "bad how")?;
    let out = run(&dag, &e)?;
    let sch = "a:long,b:str,c:long";
    eq(got(&out, "any")?.as_ref(), vec![vec![l(1), s("x"), l(3)]], sch, "any")?;
    eq(
        got(&out, "all")?.as_ref(),
        vec![vec![l(1), N, l(3)], vec![l(1), s("x"), l(3)], vec![N, s("y"), N]],
        sch,
        "all",
    )?;
    eq(
        got(&out, "thresh")?.as_ref(),
        vec![vec![l(1), N, l(3)], vec![l(1), s("x"), l(3)]],
        sch,
        "thresh",
    )?;
    eq(
        got(&out, "subset")?.as_ref(),
        vec![vec![l(1), N, l(3)], vec![l(1), s("x"), l(3)]],
        sch,
        "subset",
    )?;
    eq(
        got(&out, "both")?.as_ref(),
        vec![vec![l(1), s("x"), l(3)], vec![N, s("y"), N]],
        sch,
        "thresh on subset",
    )
}

fn b32_fillna(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(local(vec![vec![l(1), N], vec![N, s("x")]], "a:long,b:str")?), "a")?;
    ok(
        a.fillna(FillValue::Scalar(l(0)), Some(&["a"]))
            .and_then(|d| d.yield_dataframe_as("subset", true)),
        "subset",
    )?;
    let mut m = IndexMap::new();
    m.insert("a".to_string(), l(9));
    m.insert("b".to_string(), s("z"));
    ok(
        a.fillna(FillValue::PerColumn(m), Some(&["a"]))
            .and_then(|d| d.yield_dataframe_as("map", true)),
        "mapping",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "subset")?.as_ref(),
        vec![vec![l(1), N], vec![l(0), s("x")]],
        "a:long,b:str",
        "scalar on a subset",
    )?;
    eq(
        got(&out, "map")?.as_ref(),
        vec![vec![l(1), s("z")], vec![l(9), s("x")]],
        "a:long,b:str",
        "mapping ignores subset",
    )?;
    // a null scalar, and a mapping with a null, fail the run (ENG-FILLNA-7)
    for (what, v) in [
        ("null scalar", FillValue::Scalar(N)),
        ("mapping with null", FillValue::PerColumn([("a".to_string(), N)].into_iter().collect())),
    ] {
        let dag = FugueWorkflow::new();
        let a = ok(dag.df(local(vec![vec![l(1), N]], "a:long,b:str")?), "a")?;
        ok(a.fillna(v, None).and_then(|d| d.yield_dataframe_as("x", true)), what)?;
        expect_kind(dag.run(e.clone()).map(|_| ()), ErrorKind::InvalidArgument, what)?;
    }
    Ok(())
}

fn b33_sample(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let rows: Vec<Row> = (0..100).map(|x| vec![l(x)]).collect();
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(local(rows, "a:long")?), "a")?;
    let n = SampleSpec { n: Some(10), frac: None, replace: false, seed: Some(0) };
    ok(a.sample(n).and_then(|d| d.yield_dataframe_as("n", true)), "n")?;
    let frac = SampleSpec { n: None, frac: Some(0.5), replace: false, seed: Some(0) };
    ok(a.sample(frac).and_then(|d| d.yield_dataframe_as("frac", true)), "frac")?;
    let len = dag.len();
    let both = SampleSpec { n: Some(10), frac: Some(0.5), replace: false, seed: None };
    expect_kind(a.sample(both).map(|_| ()), ErrorKind::InvalidArgument, "n and frac at build")?;
    check(dag.len() == len, || "a refused node is not added (WF-DAG-9)".into())?;
    let out = run(&dag, &e)?;
    let n = ok(got(&out, "n")?.count(), "count")?;
    check(n == 10, || format!("n=10 sampled {n} rows"))?;
    let f = ok(got(&out, "frac")?.count(), "count")?;
    check(f > 20 && f < 80, || format!("frac=0.5 of 100 sampled {f} rows"))
}

fn b34_take(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(
        dag.df(local(
            vec![
                vec![s("a"), l(2)],
                vec![s("a"), l(3)],
                vec![s("a"), N],
                vec![N, l(1)],
                vec![N, l(5)],
                vec![s("b"), l(4)],
            ],
            "k:str,v:long",
        )?),
        "a",
    )?;
    let sch = "k:str,v:long";
    // keyed by the hint (null keys are a group), presort desc
    let by_k = ok(a.partition_by(["k"]), "hint")?;
    ok(
        by_k.take(1, "v desc", NaPosition::Last).and_then(|d| d.yield_dataframe_as("keyed", true)),
        "keyed",
    )?;
    // na first
    ok(
        a.take(1, "v", NaPosition::First).and_then(|d| d.yield_dataframe_as("na_first", true)),
        "na first",
    )?;
    ok(
        a.take(2, "v", NaPosition::Last).and_then(|d| d.yield_dataframe_as("na_last", true)),
        "na last",
    )?;
    // the take's presort overrides the hint's presort
    let hinted = ok(a.partition(("k", "v")), "hint")?;
    ok(
        hinted
            .take(1, "v desc", NaPosition::Last)
            .and_then(|d| d.yield_dataframe_as("override", true)),
        "override",
    )?;
    // unsorted take and chained takes
    ok(
        a.take(3, "", NaPosition::Last).and_then(|d| d.yield_dataframe_as("unsorted", true)),
        "unsorted",
    )?;
    ok(
        a.take(4, "v", NaPosition::Last)
            .and_then(|d| d.take(2, "v desc", NaPosition::Last))
            .and_then(|d| d.yield_dataframe_as("chained", true)),
        "chained",
    )?;
    let out = run(&dag, &e)?;
    let keyed = vec![vec![s("a"), l(3)], vec![N, l(5)], vec![s("b"), l(4)]];
    eq(got(&out, "keyed")?.as_ref(), keyed.clone(), sch, "keyed take")?;
    eq(got(&out, "na_first")?.as_ref(), vec![vec![s("a"), N]], sch, "na first")?;
    eq(got(&out, "na_last")?.as_ref(), vec![vec![N, l(1)], vec![s("a"), l(2)]], sch, "na last")?;
    eq(got(&out, "override")?.as_ref(), keyed, sch, "presort override")?;
    let n = ok(got(&out, "unsorted")?.count(), "count")?;
    check(n == 3, || format!("unsorted take gave {n} rows"))?;
    eq(
        got(&out, "chained")?.as_ref(),
        vec![vec![s("b"), l(4)], vec![s("a"), l(3)]],
        sch,
        "chained takes",
    )
}

fn b35_col_ops(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(local(vec![vec![l(1), l(10), s("x")]], "a:long,b:long,c:str")?), "a")?;
    ok(
        a.rename(&[("a", "aa"), ("b", "bb")]).and_then(|d| d.yield_dataframe_as("rename", true)),
        "rename",
    )?;
    ok(a.select_columns(&["c", "a"]).and_then(|d| d.yield_dataframe_as("cols", true)), "cols")?;
    ok(a.drop(&["b", "zz"], true).and_then(|d| d.yield_dataframe_as("drop", true)), "drop")?;
    ok(a.alter_columns("a:str").and_then(|d| d.yield_dataframe_as("alter", true)), "alter")?;
    expect_kind(
        a.alter_columns("a:").map(|_| ()),
        ErrorKind::SchemaSyntax,
        "alter parse at build",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "rename")?.as_ref(),
        vec![vec![l(1), l(10), s("x")]],
        "aa:long,bb:long,c:str",
        "rename",
    )?;
    eq(got(&out, "cols")?.as_ref(), vec![vec![s("x"), l(1)]], "c:str,a:long", "select columns")?;
    eq(got(&out, "drop")?.as_ref(), vec![vec![l(1), s("x")]], "a:long,c:str", "drop if exists")?;
    eq(
        got(&out, "alter")?.as_ref(),
        vec![vec![s("1"), l(10), s("x")]],
        "a:str,b:long,c:str",
        "alter int to str",
    )?;
    // drop of a missing column without if_exists fails the run
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "a")?;
    ok(a.drop(&["zz"], false).and_then(|d| d.yield_dataframe_as("x", true)), "drop")?;
    check(dag.run(e.clone()).is_err(), || "dropping a missing column fails".into())
}
