//! Column expressions and SQL on workflow frames: select, filter, assign,
//! aggregate, `dag.select` over workflow frames and any column names
//! (CHECKLIST B22–B26, B44, B45; the FugueSQL parts are out of scope).

use arrow::datatypes::DataType;
use fugue_core::ErrorKind;
use fugue_core::dataframe::DataFrameExt;
use fugue_core::engine::{LoadOptions, SaveOptions};
use fugue_core::expr::functions as ff;
use fugue_core::expr::{all_cols, col, lit};
use fugue_core::io::SaveMode;

use crate::Need;
use fugue_workflow::SqlPiece;

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "sql/b22_df_select",
            ["B22", "ENG-SEL-1", "ENG-SEL-2", "ENG-SEL-3", "ENG-SEL-5", "ENG-SEL-6", "WF-OPS-5"],
            b22_df_select
        ),
        case!("sql/b23_df_filter", ["B23", "ENG-FILTER-1", "WF-OPS-6"], b23_df_filter),
        case!(
            "sql/b24_df_assign",
            ["B24", "ENG-ASSIGN-1", "ENG-ASSIGN-2", "ENG-ASSIGN-3", "WF-OPS-6"],
            b24_df_assign
        ),
        case!(
            "sql/b25_aggregate",
            ["B25", "ENG-AGG-1", "ENG-AGG-2", "ENG-AGG-3", "ENG-EXPR-NAME-3", "WF-OPS-6"],
            b25_aggregate
        ),
        case!(
            "sql/b26_select",
            ["B26", "ENG-SQL-1", "ENG-SQL-3", "ENG-SQL-4", "WF-OPS-25"],
            needs = [Need::Sql],
            b26_select
        ),
        case!(
            "sql/b44_sql_api",
            ["B44", "WF-API-4", "ENG-SQL-3", "WF-OPS-25"],
            needs = [Need::Sql],
            b44_sql_api
        ),
        case!(
            "sql/b45_any_column_name",
            [
                "B45",
                "SCH-NAME-2",
                "SCH-NAME-3",
                "SCH-HINT-3",
                "ENG-JOIN-2",
                "ENG-IO-4",
                "ENG-CSV-3",
                "ENG-PQ-1"
            ],
            b45_any_column_name
        ),
    ]
}

/// `a:long,b:long`.
fn abl() -> Result<LocalDataFrame, String> {
    local(vec![vec![l(1), l(10)], vec![l(1), l(20)], vec![l(2), l(30)]], "a:long,b:long")
}

fn b22_df_select(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(abl()?), "df")?;
    ok(a.select([all_cols()]).and_then(|d| d.yield_dataframe_as("star", true)), "star")?;
    ok(
        a.select([all_cols(), (col("b") + 1).alias("c"), lit(7).alias("x")])
            .and_then(|d| d.yield_dataframe_as("star_more", true)),
        "star plus",
    )?;
    ok(
        a.select_with([col("a")], true, None, None)
            .and_then(|d| d.yield_dataframe_as("distinct", true)),
        "distinct",
    )?;
    ok(
        a.select([col("a"), ff::sum(col("b")).infer_alias()])
            .and_then(|d| d.yield_dataframe_as("agg", true)),
        "agg",
    )?;
    ok(
        a.select_with(
            [col("a"), ff::sum(col("b")).alias("s")],
            false,
            Some(col("b").gt(10)),
            Some(ff::sum(col("b")).gt(25)),
        )
        .and_then(|d| d.yield_dataframe_as("where_having", true)),
        "where having",
    )?;
    ok(
        a.select([ff::max(col("b")).alias("m")]).and_then(|d| d.yield_dataframe_as("global", true)),
        "global",
    )?;
    let len = dag.len();
    expect_kind(
        a.select([all_cols(), col("a")]).map(|_| ()),
        ErrorKind::InvalidArgument,
        "`*` with a bare column",
    )?;
    check(dag.len() == len, || "the refused select adds no node".into())?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "star")?.as_ref(),
        vec![vec![l(1), l(10)], vec![l(1), l(20)], vec![l(2), l(30)]],
        "a:long,b:long",
        "star",
    )?;
    eq(
        got(&out, "star_more")?.as_ref(),
        vec![
            vec![l(1), l(10), l(11), l(7)],
            vec![l(1), l(20), l(21), l(7)],
            vec![l(2), l(30), l(31), l(7)],
        ],
        "a:long,b:long,c:long,x:long",
        "star plus",
    )?;
    eq(got(&out, "distinct")?.as_ref(), vec![vec![l(1)], vec![l(2)]], "a:long", "distinct")?;
    eq(
        got(&out, "agg")?.as_ref(),
        vec![vec![l(1), l(30)], vec![l(2), l(30)]],
        "a:long,b:long",
        "inferred alias",
    )?;
    eq(
        got(&out, "where_having")?.as_ref(),
        vec![vec![l(2), l(30)]],
        "a:long,s:long",
        "where + having",
    )?;
    eq(got(&out, "global")?.as_ref(), vec![vec![l(30)]], "m:long", "global aggregation")
}

fn b23_df_filter(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(abl()?), "df")?;
    ok(
        a.filter(col("b").gt(10).and(col("b").lt(40)))
            .and_then(|d| d.yield_dataframe_as("f", true)),
        "filter",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "f")?.as_ref(),
        vec![vec![l(1), l(20)], vec![l(2), l(30)]],
        "a:long,b:long",
        "range filter",
    )
}

fn b24_df_assign(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(abl()?), "df")?;
    ok(
        a.assign([lit("x").alias("a")]).and_then(|d| d.yield_dataframe_as("replace", true)),
        "replace",
    )?;
    ok(
        a.assign([lit(1).alias("c"), (col("b") * 2).cast(DataType::Float64).alias("d")])
            .and_then(|d| d.yield_dataframe_as("add", true)),
        "add",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "replace")?.as_ref(),
        vec![vec![s("x"), l(10)], vec![s("x"), l(20)], vec![s("x"), l(30)]],
        "a:str,b:long",
        "a literal replaces a column (type changes)",
    )?;
    eq(
        got(&out, "add")?.as_ref(),
        vec![
            vec![l(1), l(10), l(1), crate::helpers::d(20.0)],
            vec![l(1), l(20), l(1), crate::helpers::d(40.0)],
            vec![l(2), l(30), l(1), crate::helpers::d(60.0)],
        ],
        "a:long,b:long,c:long,d:double",
        "aliased literal and cast",
    )
}

fn b25_aggregate(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(abl()?), "df")?;
    ok(
        a.partition_by(["a"])
            .and_then(|h| h.aggregate([ff::max(col("b")).alias("m")]))
            .and_then(|d| d.yield_dataframe_as("keyed", true)),
        "keyed",
    )?;
    ok(
        a.aggregate([
            ff::min(-col("b")).infer_alias(),
            (ff::max(col("b")) * 2).cast(DataType::Int32).alias("c"),
        ])
        .and_then(|d| d.yield_dataframe_as("global", true)),
        "global",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "keyed")?.as_ref(),
        vec![vec![l(1), l(20)], vec![l(2), l(30)]],
        "a:long,m:long",
        "hint keys",
    )?;
    let g = got(&out, "global")?;
    let names: Vec<&str> = g.schema().names();
    check(names.len() == 2 && names[1] == "c", || format!("global aggregate columns {names:?}"))?;
    let rows = ok(g.as_array(None, true), "rows")?;
    check(rows == vec![vec![l(-30), i(60)]], || format!("global aggregate {rows:?}"))
}

fn b26_select(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(abl()?), "a")?;
    let b = ok(dag.df(local(vec![vec![l(1), s("x")]], "a:long,c:str")?), "b")?;
    ok(
        dag.select(vec!["SELECT * FROM".into(), (&a).into()])
            .and_then(|d| d.yield_dataframe_as("star", true)),
        "star",
    )?;
    ok(
        dag.select(vec!["SELECT a, b FROM".into(), (&a).into(), "WHERE b > 15".into()])
            .and_then(|d| d.yield_dataframe_as("where", true)),
        "where",
    )?;
    ok(
        dag.select(vec![
            "SELECT x.a, x.b, y.c FROM".into(),
            (&a).into(),
            "AS x INNER JOIN".into(),
            (&b).into(),
            "AS y ON x.a = y.a".into(),
        ])
        .and_then(|d| d.yield_dataframe_as("join", true)),
        "join",
    )?;
    ok(
        dag.select(vec!["SELECT 1 AS one".into()])
            .and_then(|d| d.yield_dataframe_as("no_input", true)),
        "no input",
    )?;
    // after transforms
    let t = ok(a.transform(|rows: Vec<Row>| rows, "*"), "transform")?;
    ok(
        dag.select(vec!["SELECT SUM(b) AS s FROM".into(), SqlPiece::Frame(t)])
            .and_then(|d| d.yield_dataframe_as("after", true)),
        "after transform",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "star")?.as_ref(),
        vec![vec![l(1), l(10)], vec![l(1), l(20)], vec![l(2), l(30)]],
        "a:long,b:long",
        "star",
    )?;
    eq(
        got(&out, "where")?.as_ref(),
        vec![vec![l(1), l(20)], vec![l(2), l(30)]],
        "a:long,b:long",
        "where",
    )?;
    eq(
        got(&out, "join")?.as_ref(),
        vec![vec![l(1), l(10), s("x")], vec![l(1), l(20), s("x")]],
        "a:long,b:long,c:str",
        "join",
    )?;
    check(ok(got(&out, "no_input")?.count(), "count")? == 1, || "no input table".into())?;
    let rows = ok(got(&out, "after")?.as_array(None, true), "rows")?;
    check(rows == vec![vec![l(60)]], || format!("select after transform {rows:?}"))
}

fn b44_sql_api(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(abl()?), "a")?;
    let b = ok(dag.df(local(vec![vec![l(2), s("y")]], "a:long,c:str")?), "b")?;
    let j = ok(
        dag.select(vec![
            "SELECT".into(),
            (&a).into(),
            ".a, c FROM".into(),
            (&a).into(),
            "INNER JOIN".into(),
            (&b).into(),
            "ON".into(),
            (&a).into(),
            ".a =".into(),
            (&b).into(),
            ".a".into(),
        ]),
        "raw sql over two frames",
    );
    // table references inside expressions are an engine matter; the plain form must work
    let j = match j {
        Ok(j) => j,
        Err(err) => return Err(format!("building the select: {err}")),
    };
    ok(j.yield_dataframe_as("j", true), "y")?;
    let out = run(&dag, &e)?;
    eq(got(&out, "j")?.as_ref(), vec![vec![l(2), s("y")]], "a:long,c:str", "raw sql join")
}

fn b45_any_column_name(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dir = tmp()?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(local(vec![vec![l(1), l(2)]], "`a b`:long,`*`:long")?), "a")?;
    let b = ok(dag.df(local(vec![vec![l(1), s("x")]], "`a b`:long,`c d`:str")?), "b")?;
    // join key inferred over a name with a space
    ok(a.inner_join(&b).and_then(|d| d.yield_dataframe_as("join", true)), "join")?;
    // quoted names in a partition hint
    ok(
        a.partition_by(["a b"])
            .and_then(|h| h.transform(|rows: Vec<Row>| rows, "*"))
            .and_then(|d| d.yield_dataframe_as("hint", true)),
        "hint",
    )?;
    ok(a.alter_columns("`*`:str").and_then(|d| d.yield_dataframe_as("alter", true)), "alter")?;
    ok(
        a.select([col("a b").alias("x y"), col("a b").cast(DataType::Utf8).alias("z")])
            .and_then(|d| d.yield_dataframe_as("select", true)),
        "select",
    )?;
    ok(a.rename(&[("a b", "a  c")]).and_then(|d| d.yield_dataframe_as("rename", true)), "rename")?;
    let pq = dir.path().join("x.parquet").to_string_lossy().into_owned();
    let csv = dir.path().join("x.csv").to_string_lossy().into_owned();
    ok(a.save(&pq), "save parquet")?;
    let header = SaveOptions {
        mode: SaveMode::Overwrite,
        force_single: true,
        format_options: [("header".to_string(), serde_json::json!(true))].into_iter().collect(),
        ..SaveOptions::default()
    };
    ok(a.save_with(&csv, header), "save csv")?;
    run(&dag, &e).and_then(|out| {
        eq(
            got(&out, "join")?.as_ref(),
            vec![vec![l(1), l(2), s("x")]],
            "`a b`:long,`*`:long,`c d`:str",
            "join",
        )?;
        eq(got(&out, "hint")?.as_ref(), vec![vec![l(1), l(2)]], "`a b`:long,`*`:long", "hint")?;
        eq(got(&out, "alter")?.as_ref(), vec![vec![l(1), s("2")]], "`a b`:long,`*`:str", "alter")?;
        eq(got(&out, "select")?.as_ref(), vec![vec![l(1), s("1")]], "`x y`:long,z:str", "select")?;
        eq(got(&out, "rename")?.as_ref(), vec![vec![l(1), l(2)]], "`a  c`:long,`*`:long", "rename")
    })?;
    let dag2 = FugueWorkflow::new();
    ok(dag2.load(pq).and_then(|d| d.yield_dataframe_as("pq", true)), "load pq")?;
    let csv_load = LoadOptions {
        columns: fugue_core::io::LoadColumns::Schema(ok(
            fugue_core::Schema::parse("`a b`:long,`*`:long"),
            "schema",
        )?),
        format_options: [("header".to_string(), serde_json::json!(true))].into_iter().collect(),
        ..LoadOptions::default()
    };
    ok(dag2.load_with(csv, csv_load).and_then(|d| d.yield_dataframe_as("csv", true)), "load csv")?;
    let out = run(&dag2, &e)?;
    eq(
        got(&out, "pq")?.as_ref(),
        vec![vec![l(1), l(2)]],
        "`a b`:long,`*`:long",
        "parquet round trip",
    )?;
    eq(got(&out, "csv")?.as_ref(), vec![vec![l(1), l(2)]], "`a b`:long,`*`:long", "csv round trip")
}
