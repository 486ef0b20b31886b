//! filter / select / assign / aggregate through column expressions (E4–E7;
//! Rust runs them on the engine's expression path, not SQL).

use arrow::datatypes::DataType;
use fugue_core::engine::ExecutionEngineExt;
use fugue_core::expr::{all_cols, col, functions as ff, lit};
use fugue_core::{ColumnExpr, ErrorKind, PartitionSpec, SelectColumns};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "filter/basic",
            [
                "ENG-FILTER-1",
                "ENG-EXPR-5",
                "ENG-EXPR-6",
                "ENG-EXPR-7",
                "ENG-EXPR-8",
                "ENG-EXPR-9",
                "ENG-EXPR-SEM-1",
                "ENG-EXPR-SEM-2"
            ],
            filter
        ),
        case!(
            "select/basic",
            [
                "ENG-SEL-1",
                "ENG-SEL-2",
                "ENG-SEL-3",
                "ENG-SEL-5",
                "ENG-SEL-6",
                "ENG-SEL-7",
                "ENG-SEL-8",
                "ENG-EXPR-NAME-1",
                "ENG-EXPR-NAME-2",
                "ENG-EXPR-NAME-4",
                "ENG-EXPR-TYPE-1",
                "ENG-EXPR-TYPE-2",
                "ENG-EXPR-TYPE-3",
                "ENG-EXPR-SEM-4"
            ],
            select
        ),
        case!(
            "select/invalid",
            ["ENG-SEL-1", "ENG-SEL-2", "ENG-SEL-4", "ENG-FILTER-1", "ENG-ASSIGN-1", "ENG-ASSIGN-2"],
            select_invalid
        ),
        case!(
            "assign/basic",
            ["ENG-ASSIGN-1", "ENG-ASSIGN-2", "ENG-ASSIGN-3", "ENG-EXPR-TYPE-1", "ENG-EXPR-TYPE-3"],
            assign
        ),
        case!(
            "aggregate/basic",
            ["ENG-AGG-1", "ENG-AGG-2", "ENG-EXPR-TYPE-7", "ENG-EXPR-NAME-4", "ENG-SEL-5"],
            aggregate
        ),
        case!(
            "select/empty_inputs",
            ["ENG-SEL-5", "ENG-EXPR-SEM-4", "ENG-FILTER-1", "ENG-ASSIGN-2", "ENG-AGG-2"],
            empty_inputs
        ),
    ]
}

fn data(ctx: &Ctx) -> Result<DataFrameRef, String> {
    ctx.df(
        vec![vec![d(1.0), i(2)], vec![N, i(2)], vec![N, i(1)], vec![d(3.0), i(4)], vec![N, i(4)]],
        "a:double,b:int",
    )
}

fn sel(items: Vec<ColumnExpr>, distinct: bool) -> Result<SelectColumns, String> {
    ok(SelectColumns::new(items, distinct), "select columns")
}

// E4
fn filter(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    let r = ok(e.filter(&a, &col("a").not_null()), "filter not null")?;
    eq(&r, vec![vec![d(1.0), i(2)], vec![d(3.0), i(4)]], "a:double,b:int", "not null")?;
    let r = ok(e.filter(&a, &(col("a").not_null() & col("b").lt(3))), "filter and")?;
    eq(&r, vec![vec![d(1.0), i(2)]], "a:double,b:int", "and")?;
    // null + b is null, so rows with a null `a` drop out
    let r = ok(e.filter(&a, &(col("a") + col("b")).eq(3)), "filter arithmetic")?;
    eq(&r, vec![vec![d(1.0), i(2)]], "a:double,b:int", "arithmetic equality")
}

// E5
fn select(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    let items = || vec![col("b"), (col("b") + 1).alias("c").cast(DataType::Utf8)];
    let r = ok(e.select(&a, &sel(items(), false)?, None, None), "simple select")?;
    eq(
        &r,
        vec![
            vec![i(2), s("3")],
            vec![i(2), s("3")],
            vec![i(1), s("2")],
            vec![i(4), s("5")],
            vec![i(4), s("5")],
        ],
        "b:int,c:str",
        "simple",
    )?;
    let r = ok(e.select(&a, &sel(items(), true)?, None, None), "distinct select")?;
    eq(
        &r,
        vec![vec![i(2), s("3")], vec![i(1), s("2")], vec![i(4), s("5")]],
        "b:int,c:str",
        "distinct",
    )?;
    let cond = (col("a") + col("b")).eq(3);
    let r = ok(e.select(&a, &sel(vec![all_cols()], false)?, Some(&cond), None), "wildcard")?;
    eq(&r, vec![vec![d(1.0), i(2)]], "a:double,b:int", "wildcard with where")?;
    // aggregation grouped by the inferred key `a`, null forms a group
    let r = ok(
        e.select(
            &a,
            &sel(vec![col("a"), ff::sum(col("b")).cast(DataType::Float64).alias("b")], false)?,
            None,
            None,
        ),
        "aggregation",
    )?;
    eq(
        &r,
        vec![vec![d(1.0), d(2.0)], vec![d(3.0), d(4.0)], vec![N, d(7.0)]],
        "a:double,b:double",
        "aggregation",
    )?;
    // having on a non-selected aggregate OR a key test
    let col_b = ff::sum(col("b"));
    let having = col_b.clone().gt_eq(7) | col("a").eq(1);
    let r = ok(
        e.select(
            &a,
            &sel(vec![col("a"), col_b.clone().cast(DataType::Float64).alias("c")], false)?,
            None,
            Some(&having),
        ),
        "having",
    )?;
    eq(&r, vec![vec![d(1.0), d(2.0)], vec![N, d(7.0)]], "a:double,c:double", "having")?;
    // a literal among aggregations keeps its position
    let r = ok(
        e.select(
            &a,
            &sel(
                vec![
                    col("a"),
                    lit(1).alias("o").cast(DataType::Utf8),
                    col_b.cast(DataType::Float64).alias("c"),
                ],
                false,
            )?,
            None,
            Some(&having),
        ),
        "literal in aggregation",
    )?;
    eq(
        &r,
        vec![vec![d(1.0), s("1"), d(2.0)], vec![N, s("1"), d(7.0)]],
        "a:double,o:str,c:double",
        "literal in aggregation",
    )
}

// own
fn select_invalid(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    // `*` with an aggregation, `*` twice, `*` with a bare column, unnamed items
    expect_kind(
        SelectColumns::new(vec![all_cols(), ff::max(col("b"))], false),
        ErrorKind::InvalidArgument,
        "`*` with an aggregation",
    )?;
    expect_kind(
        SelectColumns::new(vec![all_cols(), all_cols()], false),
        ErrorKind::InvalidArgument,
        "`*` twice",
    )?;
    expect_kind(
        SelectColumns::new(vec![all_cols(), col("a")], false),
        ErrorKind::InvalidArgument,
        "`*` with a bare column",
    )?;
    expect_kind(
        SelectColumns::new(vec![col("a") + 1], false),
        ErrorKind::InvalidArgument,
        "an item without a name",
    )?;
    expect_kind(
        SelectColumns::new(vec![col("a"), col("b").alias("a")], false),
        ErrorKind::InvalidArgument,
        "duplicate output names",
    )?;
    // an aggregation in `where` or in a filter
    let agg_cond = ff::max(col("b")).gt(1);
    expect_kind(
        e.select(&a, &sel(vec![col("a")], false)?, Some(&agg_cond), None),
        ErrorKind::InvalidArgument,
        "aggregation in where",
    )?;
    expect_kind(e.filter(&a, &agg_cond), ErrorKind::InvalidArgument, "aggregation in filter")?;
    // assign: no name, `*`, aggregation
    expect_kind(e.assign(&a, &[col("a") + 1]), ErrorKind::InvalidArgument, "assign without name")?;
    expect_kind(e.assign(&a, &[all_cols()]), ErrorKind::InvalidArgument, "assign `*`")?;
    expect_kind(
        e.assign(&a, &[ff::max(col("b")).alias("m")]),
        ErrorKind::InvalidArgument,
        "assign an aggregation",
    )?;
    expect_kind(
        e.assign(&a, &[lit(1).alias("x"), lit(2).alias("x")]),
        ErrorKind::InvalidArgument,
        "assign a name twice",
    )?;
    // a missing column
    expect_kind(
        e.select(&a, &sel(vec![col("zz")], false)?, None, None),
        ErrorKind::NotFound,
        "missing column",
    )
}

// E6
fn assign(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    let r = ok(
        e.assign(
            &a,
            &[
                lit(1).alias("x"),
                col("b").cast(DataType::Utf8).alias("b"),
                (col("b") + 1).cast(DataType::Int64).alias("c"),
            ],
        ),
        "assign",
    )?;
    eq(
        &r,
        vec![
            vec![d(1.0), s("2"), l(1), l(3)],
            vec![N, s("2"), l(1), l(3)],
            vec![N, s("1"), l(1), l(2)],
            vec![d(3.0), s("4"), l(1), l(5)],
            vec![N, s("4"), l(1), l(5)],
        ],
        "a:double,b:str,x:long,c:long",
        "assign",
    )
}

// E7
fn aggregate(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    let aggs = || {
        vec![ff::max(col("b")).alias("b"), (ff::max(col("b")) * 2).cast(DataType::Int32).alias("c")]
    };
    let r = ok(e.aggregate(&a, &PartitionSpec::default(), &aggs()), "global aggregate")?;
    eq(&r, vec![vec![i(4), i(8)]], "b:int,c:int", "global aggregate")?;
    let by_a = ok(PartitionSpec::by(["a"]), "spec")?;
    let r = ok(e.aggregate(&a, &by_a, &aggs()), "keyed aggregate")?;
    eq(
        &r,
        vec![vec![N, i(4), i(8)], vec![d(1.0), i(2), i(4)], vec![d(3.0), i(4), i(8)]],
        "a:double,b:int,c:int",
        "keyed aggregate",
    )?;
    expect_kind(
        e.aggregate(&a, &by_a, &[ff::max(col("b")).alias("b"), lit(1).alias("x")]),
        ErrorKind::InvalidArgument,
        "a literal among aggregations",
    )?;
    expect_kind(e.aggregate(&a, &by_a, &[]), ErrorKind::InvalidArgument, "no aggregation")
}

// own: every expression operation on an empty frame
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ok(e.to_df_rows(vec![], "a:double,b:int"), "empty")?;
    eq(&ok(e.filter(&a, &col("a").not_null()), "filter")?, vec![], "a:double,b:int", "filter")?;
    let r = ok(e.select(&a, &sel(vec![col("b")], false)?, None, None), "select")?;
    eq(&r, vec![], "b:int", "select")?;
    let r =
        ok(e.assign(&a, &[lit(1).alias("x"), col("b").cast(DataType::Utf8).alias("b")]), "assign")?;
    eq(&r, vec![], "a:double,b:str,x:long", "assign")?;
    // a global aggregation gives one row also for empty input: max → null, count → 0
    let r = ok(
        e.select(
            &a,
            &sel(
                vec![
                    ff::max(col("b")).alias("m"),
                    ff::count(col("b")).cast(DataType::Int64).alias("n"),
                ],
                false,
            )?,
            None,
            None,
        ),
        "global aggregation of an empty frame",
    )?;
    eq(&r, vec![vec![N, l(0)]], "m:int,n:long", "global aggregation of an empty frame")?;
    let by_a = ok(PartitionSpec::by(["a"]), "spec")?;
    let r = ok(e.aggregate(&a, &by_a, &[ff::max(col("b")).alias("b")]), "keyed aggregate")?;
    eq(&r, vec![], "a:double,b:int", "keyed aggregation of an empty frame")
}
