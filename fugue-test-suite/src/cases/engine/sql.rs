//! The SQL facet (ENG-SQL-1..7): statements whose text names frames, made
//! into table references by [`StructuredSql::with_tables`] and run by the
//! engine's SQL engine, which registers the frames under names of its own.
//! Own cases (the Python suite tests SQL through the workflow layer).

use fugue_core::DataFrames;
use fugue_core::engine::{SqlEngineRef, SqlPart, StructuredSql};
use fugue_core::io::SaveMode;

use super::*;
use crate::Need;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("sql/capability", ["ENG-SQL-7", "ENG-SQL-4"], capability),
        case!("sql/one_frame", ["ENG-SQL-1", "ENG-SQL-6"], needs = [Need::Sql], one_frame),
        case!("sql/join_two_frames", ["ENG-SQL-1"], needs = [Need::Sql], join_two_frames),
        case!("sql/table_name_as_column", ["ENG-SQL-1"], needs = [Need::Sql], table_name_as_column),
        case!("sql/qualified_columns", ["ENG-SQL-1"], needs = [Need::Sql], qualified_columns),
        case!(
            "sql/tables_differing_in_case",
            ["ENG-SQL-1"],
            needs = [Need::Sql],
            tables_differing_in_case
        ),
        case!(
            "sql/keyword_table_name",
            ["ENG-SQL-1", "ENG-SQL-2"],
            needs = [Need::Sql],
            keyword_table_name
        ),
        case!("sql/dialect", ["ENG-SQL-2", "CFG-10"], needs = [Need::Sql], dialect),
        case!("sql/missing_frame", ["ENG-SQL-1"], needs = [Need::Sql], missing_frame),
        case!("sql/table_storage", ["ENG-SQL-5"], needs = [Need::Sql], table_storage),
    ]
}

fn sql_engine(ctx: &Ctx) -> Result<SqlEngineRef, String> {
    ok(engine(ctx)?.sql_engine(), "sql_engine")
}

fn frames(named: &[(&str, &DataFrameRef)]) -> Result<DataFrames, String> {
    ok(DataFrames::named(named.iter().map(|(k, df)| (k.to_string(), Arc::clone(df)))), "frames")
}

/// Runs `sql` (in `dialect`) over the named frames: the names in the text
/// become table references (ENG-SQL-1).
fn run_in(
    ctx: &Ctx,
    named: &[(&str, &DataFrameRef)],
    sql: &str,
    dialect: &str,
) -> Result<DataFrameRef, String> {
    let dfs = frames(named)?;
    let keys: Vec<&str> = named.iter().map(|(k, _)| *k).collect();
    let statement = ok(StructuredSql::with_tables_in(sql, &keys, dialect), sql)?;
    ok(sql_engine(ctx)?.select(&dfs, &statement), sql)
}

fn run(ctx: &Ctx, named: &[(&str, &DataFrameRef)], sql: &str) -> Result<DataFrameRef, String> {
    run_in(ctx, named, sql, "spark")
}

/// `k:long,a:str`: (1,a) (2,b) (3,c).
fn left(ctx: &Ctx) -> Result<DataFrameRef, String> {
    ctx.df(vec![vec![l(1), s("a")], vec![l(2), s("b")], vec![l(3), s("c")]], "k:long,a:str")
}

/// `k:long,b:double`: (2,0.5) (3,1.5) (4,2.5).
fn right(ctx: &Ctx) -> Result<DataFrameRef, String> {
    ctx.df(vec![vec![l(2), d(0.5)], vec![l(3), d(1.5)], vec![l(4), d(2.5)]], "k:long,b:double")
}

// own: the capability says whether the facet exists; without it the facet
// is ERR-NOT-SUPPORTED, with it the facet answers to its name
fn capability(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let r = e.sql_engine();
    if e.capabilities().sql {
        let sql = ok(r, "sql_engine with capabilities().sql")?;
        check(!sql.name().trim().is_empty(), || "the SQL engine has an empty name".into())
    } else {
        expect_kind(r.map(|_| ()), ErrorKind::NotSupported, "sql_engine without capabilities().sql")
    }
}

// own
fn one_frame(ctx: &Ctx) -> CaseResult {
    let t = left(ctx)?;
    let r = run(ctx, &[("t", &t)], "SELECT k, a FROM t WHERE k >= 2")?;
    eq(&r, vec![vec![l(2), s("b")], vec![l(3), s("c")]], "k:long,a:str", "filter")?;
    let r = run(ctx, &[("t", &t)], "SELECT CAST(COUNT(*) AS BIGINT) AS n, SUM(k) AS total FROM t")?;
    eq(&r, vec![vec![l(3), l(6)]], "n:long,total:long", "aggregate")?;
    let r = run(ctx, &[("t", &t)], "SELECT k + 10 AS k10 FROM t ORDER BY k DESC")?;
    eq_ordered(&r, vec![vec![l(13)], vec![l(12)], vec![l(11)]], "k10:long", "order by")?;
    // the frame is not changed by the statement
    eq(&t, vec![vec![l(1), s("a")], vec![l(2), s("b")], vec![l(3), s("c")]], "k:long,a:str", "t")
}

// own
fn join_two_frames(ctx: &Ctx) -> CaseResult {
    let (t, u) = (left(ctx)?, right(ctx)?);
    let named = [("t", &t), ("u", &u)];
    let r = run(ctx, &named, "SELECT x.k, x.a, y.b FROM t AS x INNER JOIN u AS y ON x.k = y.k")?;
    eq(
        &r,
        vec![vec![l(2), s("b"), d(0.5)], vec![l(3), s("c"), d(1.5)]],
        "k:long,a:str,b:double",
        "inner join",
    )?;
    // a subquery over one frame joined with the other, and a union of both
    let r = run(
        ctx,
        &named,
        "SELECT s.k, u.b FROM (SELECT k FROM t WHERE a <> 'c') s JOIN u ON s.k = u.k",
    )?;
    eq(&r, vec![vec![l(2), d(0.5)]], "k:long,b:double", "subquery join")?;
    let r = run(ctx, &named, "SELECT k FROM t UNION ALL SELECT k FROM u")?;
    eq(&r, [1, 2, 3, 2, 3, 4].iter().map(|v| vec![l(*v)]).collect(), "k:long", "union all")
}

// COUNT's type is the backend's (ENG-SQL-6: Polars counts in uint), hence the
// CASTs below.

// own: only relation names are references; a column named like its table
// stays a column, and so does an output column named like it
fn table_name_as_column(ctx: &Ctx) -> CaseResult {
    let status = ctx.df(
        vec![vec![l(1), s("x")], vec![l(2), s("y")], vec![l(2), s("z")]],
        "status:long,name:str",
    )?;
    let named = [("status", &status)];
    let r = run(ctx, &named, "SELECT status FROM status WHERE status > 1")?;
    eq(&r, vec![vec![l(2)], vec![l(2)]], "status:long", "column named like the table")?;
    let r = run(ctx, &named, "SELECT CAST(COUNT(*) AS BIGINT) AS status FROM status")?;
    eq(&r, vec![vec![l(3)]], "status:long", "output column named like the table")
}

// own: an unaliased reference keeps its name as a qualifier
fn qualified_columns(ctx: &Ctx) -> CaseResult {
    let (t, u) = (left(ctx)?, right(ctx)?);
    let named = [("t", &t), ("u", &u)];
    let r = run(ctx, &named, "SELECT t.k, t.a, u.b FROM t JOIN u ON t.k = u.k WHERE u.b > 1")?;
    eq(&r, vec![vec![l(3), s("c"), d(1.5)]], "k:long,a:str,b:double", "qualified columns")?;
    let r = run(ctx, &[("t", &t)], "SELECT CAST(COUNT(*) AS BIGINT) AS t FROM t")?;
    eq(&r, vec![vec![l(3)]], "t:long", "count named like the table")?;
    let r = run(ctx, &[("t", &t)], "SELECT t.a FROM t ORDER BY t.k DESC")?;
    eq_ordered(&r, vec![vec![s("c")], vec![s("b")], vec![s("a")]], "a:str", "qualified order by")
}

// own: `t` and `T` are two frames; an exact match wins
fn tables_differing_in_case(ctx: &Ctx) -> CaseResult {
    let lower = ctx.df(vec![vec![l(1)]], "a:long")?;
    let upper = ctx.df(vec![vec![l(2)], vec![l(3)]], "a:long")?;
    let named = [("t", &lower), ("T", &upper)];
    let r = run(ctx, &named, "SELECT a FROM t")?;
    eq(&r, vec![vec![l(1)]], "a:long", "t")?;
    let r = run(ctx, &named, "SELECT a FROM T")?;
    eq(&r, vec![vec![l(2)], vec![l(3)]], "a:long", "T")?;
    let r = run(ctx, &named, "SELECT x.a + y.a AS s FROM t x CROSS JOIN T y")?;
    eq(&r, vec![vec![l(3)], vec![l(4)]], "s:long", "both")
}

// own: a frame called `by` (backticks, as Spark requires) next to ORDER BY
fn keyword_table_name(ctx: &Ctx) -> CaseResult {
    let by = ctx.df(vec![vec![l(2)], vec![l(1)], vec![l(3)]], "a:long")?;
    let named = [("by", &by)];
    let r = run(ctx, &named, "SELECT a FROM `by` ORDER BY a")?;
    eq_ordered(&r, vec![vec![l(1)], vec![l(2)], vec![l(3)]], "a:long", "`by` ORDER BY")?;
    let r = run(ctx, &named, "SELECT `by`.a FROM `by` WHERE `by`.a > 1 ORDER BY `by`.a DESC")?;
    eq_ordered(&r, vec![vec![l(3)], vec![l(2)]], "a:long", "`by`.a")
}

// own: statements carry their dialect (default spark); the suite's portable
// SQL runs whatever the field says (Rust engines need not transpile)
fn dialect(ctx: &Ctx) -> CaseResult {
    let t = left(ctx)?;
    let keys = ["t"];
    let spark = ok(StructuredSql::with_tables("SELECT k FROM t", &keys), "with_tables")?;
    check(spark.dialect == "spark", || format!("default dialect: `{}`", spark.dialect))?;
    let generic = ok(
        StructuredSql::with_tables_in(
            "SELECT \"k\" FROM \"t\" WHERE \"a\" = 'b'",
            &keys,
            "generic",
        ),
        "generic",
    )?;
    check(generic.dialect == "generic", || format!("dialect kept: `{}`", generic.dialect))?;
    check(generic.parts.contains(&SqlPart::Table("t".into())), || {
        "a double-quoted name is a relation in the generic dialect".into()
    })?;
    let sql = sql_engine(ctx)?;
    let dfs = frames(&[("t", &t)])?;
    eq(
        &ok(sql.select(&dfs, &spark), "spark")?,
        vec![vec![l(1)], vec![l(2)], vec![l(3)]],
        "k:long",
        "spark",
    )?;
    eq(&ok(sql.select(&dfs, &generic), "generic")?, vec![vec![l(2)]], "k:long", "generic")?;
    let r = run_in(ctx, &[("t", &t)], "SELECT k FROM t WHERE a = 'c'", "duckdb")?;
    eq(&r, vec![vec![l(3)]], "k:long", "duckdb")
}

// own: a reference to a key the collection lacks
fn missing_frame(ctx: &Ctx) -> CaseResult {
    let t = left(ctx)?;
    let statement = StructuredSql {
        parts: vec![SqlPart::Text("SELECT * FROM".into()), SqlPart::Table("nope".into())],
        dialect: "spark".into(),
    };
    expect_kind(
        sql_engine(ctx)?.select(&frames(&[("t", &t)])?, &statement).map(|_| ()),
        ErrorKind::NotFound,
        "missing frame",
    )
}

// own: table storage is optional; the capability says which way it goes
fn table_storage(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let sql = sql_engine(ctx)?;
    let t = left(ctx)?;
    let name = "fugue_suite_table_storage";
    if e.capabilities().table_storage {
        ok(sql.save_table(&t, name, SaveMode::Overwrite), "save_table")?;
        check(ok(sql.table_exists(name), "table_exists")?, || "saved table missing".into())?;
        same(&ok(sql.load_table(name), "load_table")?, &t, "loaded table")?;
        expect_kind(
            sql.save_table(&t, name, SaveMode::Error),
            ErrorKind::AlreadyExists,
            "save_table in error mode over an existing table",
        )
    } else {
        expect_kind(sql.table_exists(name), ErrorKind::NotSupported, "table_exists")?;
        expect_kind(sql.load_table(name).map(|_| ()), ErrorKind::NotSupported, "load_table")?;
        expect_kind(
            sql.save_table(&t, name, SaveMode::Overwrite),
            ErrorKind::NotSupported,
            "save_table",
        )
    }
}
