//! A few API functions end to end (ENG-API-1, WF-API-4): join kinds, set
//! operations, take per partition, fillna, frame functions on the context
//! engine, and `raw_sql` on engines with a SQL facet (CHECKLIST B44).

use std::sync::Arc;

use fugue_api::api::{self, SqlArg};
use fugue_core::{DataFrameRef, Schema};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "functions/join",
            [
                "ENG-API-1",
                "ENG-JOIN-1",
                "ENG-JOIN-3",
                "ENG-JOIN-5",
                "ENG-JOIN-7",
                "ENG-JOIN-8",
                "ENG-JOIN-9"
            ],
            join
        ),
        case!("functions/set_ops", ["ENG-API-1", "ENG-SET-1", "ENG-SET-2", "ENG-SET-3"], set_ops),
        case!(
            "functions/take_fillna",
            ["ENG-API-1", "ENG-TAKE-5", "ENG-FILLNA-2", "ENG-FILLNA-3"],
            take_fillna
        ),
        case!("functions/frame_functions", ["ENG-API-1", "ENG-CTX-1", "DF-OP-13"], frame_functions),
        case!("functions/raw_sql", ["WF-API-4", "ENG-SQL-3"], needs = [crate::Need::Sql], raw_sql),
    ]
}

fn left() -> Result<LocalDataFrame, String> {
    local(vec![vec![s("a"), l(1)], vec![s("b"), l(2)], vec![s("c"), l(3)]], "k:str,v:long")
}

fn right() -> Result<LocalDataFrame, String> {
    local(vec![vec![s("a"), i(10)], vec![s("d"), i(40)]], "k:str,w:int")
}

fn join(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let out = ok(api::inner_join(left()?, right()?).engine(e.clone()).run(), "inner")?;
    eq(&out, vec![vec![s("a"), l(1), i(10)]], "k:str,v:long,w:int", "inner")?;
    let out = ok(api::left_outer_join(left()?, right()?).engine(e.clone()).run(), "left")?;
    eq(
        &out,
        vec![vec![s("a"), l(1), i(10)], vec![s("b"), l(2), N], vec![s("c"), l(3), N]],
        "k:str,v:long,w:int",
        "left outer",
    )?;
    let out = ok(
        api::join(left()?, right()?).how("FULL_OUTER").on(["k"]).engine(e.clone()).run(),
        "full",
    )?;
    check(out.num_rows() == 4, || format!("full outer: {} rows", out.num_rows()))?;
    let out = ok(api::semi_join(left()?, right()?).engine(e.clone()).run(), "semi")?;
    eq(&out, vec![vec![s("a"), l(1)]], "k:str,v:long", "semi")?;
    let out = ok(api::anti_join(left()?, right()?).engine(e.clone()).run(), "anti")?;
    eq(&out, vec![vec![s("b"), l(2)], vec![s("c"), l(3)]], "k:str,v:long", "anti")?;
    let other = local(vec![vec![i(1)], vec![i(2)]], "x:int")?;
    let out = ok(api::cross_join(left()?, other).engine(e.clone()).run(), "cross")?;
    check(out.num_rows() == 6, || format!("cross: {} rows", out.num_rows()))?;
    expect_kind(
        api::join(left()?, right()?).how("sideways").engine(e.clone()).run(),
        ErrorKind::InvalidArgument,
        "bad how",
    )
}

fn set_ops(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let a = local(vec![vec![i(1)], vec![i(1)], vec![i(2)]], "x:int")?;
    let b = local(vec![vec![i(2)], vec![i(3)]], "x:int")?;
    let out = ok(api::union(a.clone(), b.clone()).engine(e.clone()).run(), "union")?;
    eq(&out, vec![vec![i(1)], vec![i(2)], vec![i(3)]], "x:int", "union distinct")?;
    let out = ok(api::union(a.clone(), b.clone()).all().engine(e.clone()).run(), "union all")?;
    check(out.num_rows() == 5, || format!("union all: {} rows", out.num_rows()))?;
    let out = ok(api::subtract(a.clone(), b.clone()).engine(e.clone()).run(), "subtract")?;
    eq(&out, vec![vec![i(1)]], "x:int", "subtract")?;
    let out = ok(api::intersect(a.clone(), b.clone()).engine(e.clone()).run(), "intersect")?;
    eq(&out, vec![vec![i(2)]], "x:int", "intersect")?;
    let out = ok(api::distinct(a.clone()).engine(e.clone()).run(), "distinct")?;
    eq(&out, vec![vec![i(1)], vec![i(2)]], "x:int", "distinct")?;
    let other = local(vec![vec![l(1)]], "y:long")?;
    check(api::union(a, other).engine(e.clone()).run().is_err(), || {
        "union of different schemas succeeded".into()
    })
}

fn take_fillna(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let df = local(
        vec![vec![s("a"), l(1)], vec![s("a"), l(3)], vec![s("b"), l(2)], vec![s("b"), N]],
        "k:str,v:long",
    )?;
    let out = ok(
        api::take(df.clone(), 1).presort("v desc").partition("k").engine(e.clone()).run(),
        "take",
    )?;
    eq(
        &out,
        vec![vec![s("a"), l(3)], vec![s("b"), l(2)]],
        "k:str,v:long",
        "take 1 per key, v desc",
    )?;
    let out = ok(api::take(df.clone(), 2).presort("v").engine(e.clone()).run(), "take overall")?;
    eq_ordered(
        &out,
        vec![vec![s("a"), l(1)], vec![s("b"), l(2)]],
        "k:str,v:long",
        "take 2 overall",
    )?;
    let out = ok(api::fillna(df.clone(), 0i64).subset(["v"]).engine(e.clone()).run(), "fillna")?;
    eq(
        &out,
        vec![vec![s("a"), l(1)], vec![s("a"), l(3)], vec![s("b"), l(2)], vec![s("b"), l(0)]],
        "k:str,v:long",
        "fillna scalar on a subset",
    )?;
    let out = ok(api::fillna(df.clone(), [("v", 9i64)]).engine(e.clone()).run(), "fillna map")?;
    check(ok(out.rows(), "rows")?.contains(&vec![s("b"), l(9)]), || "fillna per column".into())?;
    // a scalar for every column must fit every column (ENG-FILLNA-2)
    check(api::fillna(df.clone(), 0i64).engine(e.clone()).run().is_err(), || {
        "fillna with a long for a str column succeeded".into()
    })?;
    let out = ok(api::dropna(df).engine(e.clone()).run(), "dropna")?;
    check(out.num_rows() == 3, || format!("dropna: {} rows", out.num_rows()))
}

// frame functions take the context engine
fn frame_functions(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;

    ok(
        fugue_api::engine_context(e.clone(), || -> CaseResult {
            let out = ok(api::rename(kv()?, &[("v", "value")]), "rename")?;
            check(*out.schema() == "k:str,value:long", || format!("rename: {}", out.schema()))?;
            let out = ok(api::drop_columns(kv()?, &["v"]), "drop_columns")?;
            check(*out.schema() == "k:str", || format!("drop: {}", out.schema()))?;
            let out = ok(api::alter_columns(kv()?, "v:str"), "alter_columns")?;
            eq(
                &out,
                vec![vec![s("a"), s("1")], vec![s("a"), s("3")], vec![s("b"), s("2")]],
                "k:str,v:str",
                "alter",
            )?;
            check(ok(api::count(kv()?), "count")? == 3, || "count".into())?;
            let sc: Schema = ok(api::get_schema(kv()?), "get_schema")?;
            check(sc == "k:str,v:long", || format!("get_schema: {sc}"))?;
            let h = ok(api::head(kv()?, 2), "head")?;
            check(h.num_rows() == 2, || "head".into())?;
            let b = ok(api::as_arrow(kv()?), "as_arrow")?;
            check(b.num_rows() == 3, || "as_arrow".into())?;
            let df: DataFrameRef = ok(e.to_df(&(Arc::new(kv()?) as DataFrameRef)), "to_df")?;
            let p = ok(api::persist(df.clone()), "persist")?;
            eq(
                p.as_ref(),
                vec![vec![s("a"), l(1)], vec![s("a"), l(3)], vec![s("b"), l(2)]],
                "k:str,v:long",
                "persist",
            )?;
            let text = ok(api::show_string(df, 5), "show_string")?;
            check(text.contains("k:str,v:long") || text.contains('k'), || format!("show: {text}"))
        }),
        "engine_context",
    )?
}

// B44: text and frames interleaved; one frame used twice is one input
fn raw_sql(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;

    ok(
        fugue_api::engine_context(e.clone(), || -> CaseResult {
            let df: DataFrameRef = Arc::new(kv()?);
            let out = ok(
                api::raw_sql([
                    SqlArg::from("SELECT k, v FROM "),
                    SqlArg::from(&df),
                    SqlArg::from(" WHERE v > 1"),
                ]),
                "raw_sql",
            )?;
            eq(
                out.as_ref(),
                vec![vec![s("a"), l(3)], vec![s("b"), l(2)]],
                "k:str,v:long",
                "raw_sql filter",
            )?;
            let other: DataFrameRef = Arc::new(local(vec![vec![s("a"), i(10)]], "k:str,w:int")?);
            let out = ok(
                api::raw_sql([
                    SqlArg::from("SELECT a.k, a.v, b.w FROM "),
                    SqlArg::from(&df),
                    SqlArg::from(" AS a INNER JOIN "),
                    SqlArg::from(&other),
                    SqlArg::from(" AS b ON a.k = b.k WHERE a.v IN (SELECT v FROM "),
                    SqlArg::from(&df),
                    SqlArg::from(")"),
                ]),
                "raw_sql join",
            )?;
            eq(
                out.as_ref(),
                vec![vec![s("a"), l(1), i(10)], vec![s("a"), l(3), i(10)]],
                "k:str,v:long,w:int",
                "raw_sql with a frame used twice",
            )
        }),
        "engine_context",
    )?
}
