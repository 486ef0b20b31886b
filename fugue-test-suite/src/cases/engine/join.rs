//! join (E12–E19) plus key errors, null keys for every join type,
//! many-to-many matches and empty inputs.

use fugue_core::engine::{ExecutionEngineExt, JoinType};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "join/multiple",
            ["ENG-JOIN-2", "ENG-JOIN-4", "ENG-JOIN-12", "ENG-JOIN-13"],
            join_multiple
        ),
        case!("join/cross", ["ENG-JOIN-1", "ENG-JOIN-5"], join_cross),
        case!("join/inner", ["ENG-JOIN-1", "ENG-JOIN-2", "ENG-JOIN-3", "ENG-JOIN-4"], join_inner),
        case!("join/outer", ["ENG-JOIN-1", "ENG-JOIN-4", "ENG-JOIN-7", "ENG-JOIN-11"], join_outer),
        case!("join/outer_keeps_int_and_bool", ["ENG-JOIN-11"], join_outer_types),
        case!("join/semi", ["ENG-JOIN-4", "ENG-JOIN-8", "ENG-JOIN-13"], join_semi),
        case!("join/anti", ["ENG-JOIN-4", "ENG-JOIN-8"], join_anti),
        case!("join/null_keys", ["ENG-JOIN-6"], join_null_keys),
        case!("join/null_keys_every_type", ["ENG-JOIN-6", "ENG-JOIN-7"], null_keys_every_type),
        case!("join/many_to_many", ["ENG-JOIN-8", "ENG-JOIN-9"], many_to_many),
        case!("join/int_and_long_keys", ["ENG-JOIN-10"], int_and_long_keys),
        case!("join/invalid_how", ["ENG-JOIN-1"], invalid_how),
        case!("join/bad_keys", ["ENG-JOIN-2", "ENG-JOIN-3", "ENG-JOIN-5", "ENG-JOIN-10"], bad_keys),
        case!("join/empty_inputs", ["ENG-JOIN-4", "ENG-JOIN-5", "ENG-JOIN-11"], empty_inputs),
    ]
}

fn how(text: &str) -> Result<JoinType, String> {
    ok(text.parse::<JoinType>(), "join type")
}

/// API helpers fold from the left with inferred keys (ENG-JOIN-12/13).
fn join_all(ctx: &Ctx, how: JoinType, dfs: &[&DataFrameRef]) -> Result<DataFrameRef, String> {
    let e = engine(ctx)?;
    let mut it = dfs.iter();
    let mut acc = (*it.next().ok_or("no frames")?).clone();
    for df in it {
        acc = ok(e.join(&acc, df, how, &[]), "join")?;
    }
    Ok(acc)
}

// E12
fn join_multiple(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ok(e.to_df_rows(vec![vec![i(1), i(2)], vec![i(3), i(4)]], "a:int,b:int"), "a")?;
    let b = ok(e.to_df_rows(vec![vec![i(1), i(20)], vec![i(3), i(40)]], "a:int,c:int"), "b")?;
    let c = ok(e.to_df_rows(vec![vec![i(1), i(200)], vec![i(3), i(400)]], "a:int,d:int"), "c")?;
    let d = join_all(ctx, JoinType::Inner, &[&a, &b, &c])?;
    eq(
        &d,
        vec![vec![i(1), i(2), i(20), i(200)], vec![i(3), i(4), i(40), i(400)]],
        "a:int,b:int,c:int,d:int",
        "three-frame inner join",
    )
}

// E13
fn join_cross(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![i(1), i(2)], vec![i(3), i(4)]], "a:int,b:int")?;
    let b = ctx.df(vec![vec![i(6)], vec![i(7)]], "c:int")?;
    let c = ok(e.join(&a, &b, how("Cross")?, &[]), "cross")?;
    eq(
        &c,
        vec![
            vec![i(1), i(2), i(6)],
            vec![i(1), i(2), i(7)],
            vec![i(3), i(4), i(6)],
            vec![i(3), i(4), i(7)],
        ],
        "a:int,b:int,c:int",
        "cross",
    )?;
    let b = ctx.df(vec![], "c:int")?;
    let c = join_all(ctx, JoinType::Cross, &[&a, &b])?;
    eq(&c, vec![], "a:int,b:int,c:int", "cross with an empty side")?;
    let a = ctx.df(vec![], "a:int,b:int")?;
    let c = ok(e.join(&a, &b, how("Cross")?, &[]), "cross of empties")?;
    eq(&c, vec![], "a:int,b:int,c:int", "cross of two empty frames")
}

// E14
fn join_inner(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![i(1), i(2)], vec![i(3), i(4)]], "a:int,b:int")?;
    let b = ctx.df(vec![vec![i(6), i(1)], vec![i(2), i(7)]], "c:int,a:int")?;
    let c = ok(e.join(&a, &b, how("INNER")?, &["a"]), "inner")?;
    eq(&c, vec![vec![i(1), i(2), i(6)]], "a:int,b:int,c:int", "inner on a")?;
    let c = join_all(ctx, JoinType::Inner, &[&b, &a])?;
    eq(&c, vec![vec![i(6), i(1), i(2)]], "c:int,a:int,b:int", "swapped inputs")?;
    let a = ctx.df(vec![], "a:int,b:int")?;
    let b = ctx.df(vec![], "c:int,a:int")?;
    let c = ok(e.join(&a, &b, how("INNER")?, &["a"]), "inner of empties")?;
    eq(&c, vec![], "a:int,b:int,c:int", "inner of empty frames")
}

// E15
fn join_outer(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![], "a:int,b:int")?;
    let b = ctx.df(vec![], "c:str,a:int")?;
    let c = join_all(ctx, JoinType::LeftOuter, &[&a, &b])?;
    eq(&c, vec![], "a:int,b:int,c:str", "empty left outer")?;
    let a = ctx.df(vec![], "a:int,b:str")?;
    let b = ctx.df(vec![], "c:int,a:int")?;
    let c = join_all(ctx, JoinType::RightOuter, &[&a, &b])?;
    eq(&c, vec![], "a:int,b:str,c:int", "empty right outer")?;
    let a = ctx.df(vec![], "a:int,b:str")?;
    let b = ctx.df(vec![], "c:str,a:int")?;
    let c = join_all(ctx, JoinType::FullOuter, &[&a, &b])?;
    eq(&c, vec![], "a:int,b:str,c:str", "empty full outer")?;

    let a = ctx.df(vec![vec![i(1), s("2")], vec![i(3), s("4")]], "a:int,b:str")?;
    let b = ctx.df(vec![vec![s("6"), i(1)], vec![s("2"), i(7)]], "c:str,a:int")?;
    let c = ok(e.join(&a, &b, how("left_OUTER")?, &["a"]), "left outer")?;
    eq(
        &c,
        vec![vec![i(1), s("2"), s("6")], vec![i(3), s("4"), N]],
        "a:int,b:str,c:str",
        "left outer",
    )?;
    let c = ok(e.join(&b, &a, how("left_outer")?, &["a"]), "left outer swapped")?;
    eq(
        &c,
        vec![vec![s("6"), i(1), s("2")], vec![s("2"), i(7), N]],
        "c:str,a:int,b:str",
        "left outer swapped",
    )?;

    let b = ctx.df(vec![vec![d(6.0), i(1)], vec![d(2.0), i(7)]], "c:double,a:int")?;
    let c = ok(e.join(&a, &b, how("left_OUTER")?, &["a"]), "left outer double")?;
    eq(
        &c,
        vec![vec![i(1), s("2"), d(6.0)], vec![i(3), s("4"), N]],
        "a:int,b:str,c:double",
        "left outer double",
    )?;
    let c = ok(e.join(&b, &a, how("left_outer")?, &["a"]), "left outer double swapped")?;
    eq(
        &c,
        vec![vec![d(6.0), i(1), s("2")], vec![d(2.0), i(7), N]],
        "c:double,a:int,b:str",
        "left outer double swapped",
    )?;

    let b = ctx.df(vec![vec![s("6"), i(1)], vec![s("2"), i(7)]], "c:str,a:int")?;
    let c = ok(e.join(&a, &b, how("right_outer")?, &["a"]), "right outer")?;
    eq(
        &c,
        vec![vec![i(1), s("2"), s("6")], vec![i(7), N, s("2")]],
        "a:int,b:str,c:str",
        "right outer keys from the right",
    )?;
    let c = ok(e.join(&a, &b, how("full_outer")?, &["a"]), "full outer")?;
    eq(
        &c,
        vec![vec![i(1), s("2"), s("6")], vec![i(3), s("4"), N], vec![i(7), N, s("2")]],
        "a:int,b:str,c:str",
        "full outer",
    )
}

// E16
fn join_outer_types(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![i(1), s("2")], vec![i(3), s("4")]], "a:int,b:str")?;
    let b = ctx.df(vec![vec![i(6), i(1)], vec![i(2), i(7)]], "c:int,a:int")?;
    let c = ok(e.join(&a, &b, how("left_OUTER")?, &["a"]), "left outer int")?;
    eq(
        &c,
        vec![vec![i(1), s("2"), i(6)], vec![i(3), s("4"), N]],
        "a:int,b:str,c:int",
        "int keeps its type",
    )?;
    let c = ok(e.join(&b, &a, how("left_outer")?, &["a"]), "left outer int swapped")?;
    eq(
        &c,
        vec![vec![i(6), i(1), s("2")], vec![i(2), i(7), N]],
        "c:int,a:int,b:str",
        "int swapped",
    )?;
    let b = ctx.df(vec![vec![b_(true), i(1)], vec![b_(false), i(7)]], "c:bool,a:int")?;
    let c = ok(e.join(&a, &b, how("left_OUTER")?, &["a"]), "left outer bool")?;
    eq(
        &c,
        vec![vec![i(1), s("2"), b_(true)], vec![i(3), s("4"), N]],
        "a:int,b:str,c:bool",
        "bool keeps its type",
    )?;
    let c = ok(e.join(&b, &a, how("left_outer")?, &["a"]), "left outer bool swapped")?;
    eq(
        &c,
        vec![vec![b_(true), i(1), s("2")], vec![b_(false), i(7), N]],
        "c:bool,a:int,b:str",
        "bool swapped",
    )
}

fn b_(v: bool) -> Value {
    b(v)
}

// E17
fn join_semi(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![i(1), i(2)], vec![i(3), i(4)]], "a:int,b:int")?;
    let b = ctx.df(vec![vec![i(6), i(1)], vec![i(2), i(7)]], "c:int,a:int")?;
    let c = ok(e.join(&a, &b, how("semi")?, &["a"]), "semi")?;
    eq(&c, vec![vec![i(1), i(2)]], "a:int,b:int", "semi")?;
    let c = join_all(ctx, JoinType::Semi, &[&b, &a])?;
    eq(&c, vec![vec![i(6), i(1)]], "c:int,a:int", "semi helper")?;
    let c = ok(e.join(&a, &b, how("LEFT_SEMI")?, &["a"]), "left_semi")?;
    eq(&c, vec![vec![i(1), i(2)]], "a:int,b:int", "left_semi")?;
    let b = ctx.df(vec![], "c:int,a:int")?;
    let c = ok(e.join(&a, &b, how("semi")?, &["a"]), "semi empty right")?;
    eq(&c, vec![], "a:int,b:int", "semi with empty right")?;
    let a = ctx.df(vec![], "a:int,b:int")?;
    let c = ok(e.join(&a, &b, how("semi")?, &["a"]), "semi empties")?;
    eq(&c, vec![], "a:int,b:int", "semi of empties")
}

// E18
fn join_anti(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![i(1), i(2)], vec![i(3), i(4)]], "a:int,b:int")?;
    let b = ctx.df(vec![vec![i(6), i(1)], vec![i(2), i(7)]], "c:int,a:int")?;
    let c = ok(e.join(&a, &b, how("anti")?, &["a"]), "anti")?;
    eq(&c, vec![vec![i(3), i(4)]], "a:int,b:int", "anti")?;
    let c = join_all(ctx, JoinType::Anti, &[&b, &a])?;
    eq(&c, vec![vec![i(2), i(7)]], "c:int,a:int", "anti helper")?;
    let c = ok(e.join(&a, &b, how("left_anti")?, &["a"]), "left_anti")?;
    eq(&c, vec![vec![i(3), i(4)]], "a:int,b:int", "left_anti")?;
    let b = ctx.df(vec![], "c:int,a:int")?;
    let c = ok(e.join(&a, &b, how("anti")?, &["a"]), "anti empty right")?;
    eq(&c, vec![vec![i(1), i(2)], vec![i(3), i(4)]], "a:int,b:int", "anti with empty right")?;
    let a = ctx.df(vec![], "a:int,b:int")?;
    let c = ok(e.join(&a, &b, how("anti")?, &["a"]), "anti empties")?;
    eq(&c, vec![], "a:int,b:int", "anti of empties")
}

// E19
fn join_null_keys(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a =
        ctx.df(vec![vec![d(1.0), d(2.0), i(3)], vec![d(4.0), N, i(6)]], "a:double,b:double,c:int")?;
    let b = ctx
        .df(vec![vec![d(1.0), d(2.0), i(33)], vec![d(4.0), N, i(63)]], "a:double,b:double,d:int")?;
    let c = ok(e.join(&a, &b, how("INNER")?, &[]), "inner")?;
    eq(&c, vec![vec![d(1.0), d(2.0), i(3), i(33)]], "a:double,b:double,c:int,d:int", "null keys")
}

// own
fn null_keys_every_type(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![i(1), s("x")], vec![N, s("y")]], "k:int,a:str")?;
    let b = ctx.df(vec![vec![i(1), s("p")], vec![N, s("q")]], "k:int,b:str")?;
    let sch = "k:int,a:str,b:str";
    let c = ok(e.join(&a, &b, JoinType::Inner, &[]), "inner")?;
    eq(&c, vec![vec![i(1), s("x"), s("p")]], sch, "inner drops null keys")?;
    let c = ok(e.join(&a, &b, JoinType::LeftOuter, &[]), "left outer")?;
    eq(&c, vec![vec![i(1), s("x"), s("p")], vec![N, s("y"), N]], sch, "left outer")?;
    let c = ok(e.join(&a, &b, JoinType::RightOuter, &[]), "right outer")?;
    eq(&c, vec![vec![i(1), s("x"), s("p")], vec![N, N, s("q")]], sch, "right outer")?;
    let c = ok(e.join(&a, &b, JoinType::FullOuter, &[]), "full outer")?;
    eq(
        &c,
        vec![vec![i(1), s("x"), s("p")], vec![N, s("y"), N], vec![N, N, s("q")]],
        sch,
        "full outer keeps unmatched null keys separately",
    )?;
    let c = ok(e.join(&a, &b, JoinType::Semi, &[]), "semi")?;
    eq(&c, vec![vec![i(1), s("x")]], "k:int,a:str", "semi drops null keys")?;
    let c = ok(e.join(&a, &b, JoinType::Anti, &[]), "anti")?;
    eq(&c, vec![vec![N, s("y")]], "k:int,a:str", "anti keeps null keys")?;
    // full outer coalesces keys from the non-null side (ENG-JOIN-7)
    let a = ctx.df(vec![vec![i(1), s("x")], vec![i(2), s("y")]], "k:int,a:str")?;
    let b = ctx.df(vec![vec![i(2), s("p")], vec![i(3), s("q")]], "k:int,b:str")?;
    let c = ok(e.join(&a, &b, JoinType::FullOuter, &[]), "full outer")?;
    eq(
        &c,
        vec![vec![i(1), s("x"), N], vec![i(2), s("y"), s("p")], vec![i(3), N, s("q")]],
        sch,
        "full outer keys coalesced",
    )
}

// own
fn many_to_many(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a =
        ctx.df(vec![vec![i(1), s("x")], vec![i(1), s("y")], vec![i(2), s("z")]], "k:int,a:str")?;
    let b =
        ctx.df(vec![vec![i(1), s("p")], vec![i(1), s("q")], vec![i(1), s("r")]], "k:int,b:str")?;
    let c = ok(e.join(&a, &b, JoinType::Inner, &[]), "inner")?;
    check(count(&c)? == 6, || {
        format!("inner many-to-many: {} rows, expected 6", count(&c).unwrap_or(0))
    })?;
    let c = ok(e.join(&a, &b, JoinType::LeftOuter, &[]), "left outer")?;
    check(count(&c)? == 7, || "left outer many-to-many: expected 7 rows".into())?;
    let c = ok(e.join(&a, &b, JoinType::Semi, &[]), "semi")?;
    eq(
        &c,
        vec![vec![i(1), s("x")], vec![i(1), s("y")]],
        "k:int,a:str",
        "semi: each left row once",
    )?;
    let c = ok(e.join(&a, &b, JoinType::Anti, &[]), "anti")?;
    eq(&c, vec![vec![i(2), s("z")]], "k:int,a:str", "anti")
}

// own
fn int_and_long_keys(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![i(1), s("x")], vec![i(2), s("y")]], "k:int,a:str")?;
    let b = ctx.df(vec![vec![l(1), s("p")], vec![l(3), s("q")]], "k:long,b:str")?;
    let c = ok(e.join(&a, &b, JoinType::Inner, &[]), "int with long keys")?;
    eq(&c, vec![vec![i(1), s("x"), s("p")]], "k:int,a:str,b:str", "key type of df1")
}

// own
fn invalid_how(_ctx: &Ctx) -> CaseResult {
    for bad in ["outer", "left", "right", "full", "left outer", ""] {
        expect_kind(bad.parse::<JoinType>(), ErrorKind::InvalidArgument, &format!("how `{bad}`"))?;
    }
    for good in [
        "SEMI",
        "Left_Semi",
        "anti",
        "LEFT_ANTI",
        "inner",
        "Left_Outer",
        "right_outer",
        "FULL_OUTER",
        "cross",
    ] {
        ok(good.parse::<JoinType>(), good)?;
    }
    Ok(())
}

// own
fn bad_keys(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![i(1), i(2)]], "a:int,b:int")?;
    let b = ctx.df(vec![vec![i(1), i(2), i(3)]], "a:int,b:int,c:int")?;
    let c = ctx.df(vec![vec![i(1)]], "c:int")?;
    let run = |x: &DataFrameRef, y: &DataFrameRef, h: JoinType, on: &[&str]| {
        e.join(x, y, h, on).and_then(|r| r.count())
    };
    expect_kind(run(&a, &c, JoinType::Inner, &[]), ErrorKind::Schema, "no common column")?;
    expect_kind(
        run(&a, &b, JoinType::Inner, &["a"]),
        ErrorKind::Schema,
        "on a strict subset of the common columns",
    )?;
    expect_kind(
        run(&a, &b, JoinType::Inner, &["a", "a"]),
        ErrorKind::InvalidArgument,
        "duplicate key",
    )?;
    expect_kind(run(&a, &b, JoinType::Inner, &["c"]), ErrorKind::Schema, "key missing in df1")?;
    expect_kind(run(&a, &b, JoinType::LeftOuter, &["zz"]), ErrorKind::Schema, "key in neither")?;
    expect_kind(run(&a, &b, JoinType::Cross, &[]), ErrorKind::Schema, "cross with common columns")?;
    expect_kind(run(&a, &c, JoinType::Cross, &["c"]), ErrorKind::Schema, "cross with keys")?;
    let sa = ctx.df(vec![vec![s("1")]], "a:str")?;
    let ia = ctx.df(vec![vec![i(1)]], "a:int")?;
    expect_kind(run(&sa, &ia, JoinType::Inner, &[]), ErrorKind::Schema, "str key with int key")?;
    // explicit keys equal to all common columns are fine, in any order
    let r = ok(e.join(&a, &b, JoinType::Inner, &["b", "a"]), "all common keys")?;
    eq(&r, vec![vec![i(1), i(2), i(3)]], "a:int,b:int,c:int", "keys in df1 order")
}

// own
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let full_l = ctx.df(vec![vec![i(1), s("x")]], "k:int,a:str")?;
    let full_r = ctx.df(vec![vec![i(1), b_(true)]], "k:int,b:bool")?;
    let empty_l = ctx.df(vec![], "k:int,a:str")?;
    let empty_r = ctx.df(vec![], "k:int,b:bool")?;
    let both = "k:int,a:str,b:bool";
    let cases: Vec<(JoinType, &DataFrameRef, &DataFrameRef, Vec<Row>, &str)> = vec![
        (JoinType::Inner, &full_l, &empty_r, vec![], both),
        (JoinType::Inner, &empty_l, &full_r, vec![], both),
        (JoinType::LeftOuter, &full_l, &empty_r, vec![vec![i(1), s("x"), N]], both),
        (JoinType::LeftOuter, &empty_l, &full_r, vec![], both),
        (JoinType::RightOuter, &full_l, &empty_r, vec![], both),
        (JoinType::RightOuter, &empty_l, &full_r, vec![vec![i(1), N, b_(true)]], both),
        (JoinType::FullOuter, &full_l, &empty_r, vec![vec![i(1), s("x"), N]], both),
        (JoinType::FullOuter, &empty_l, &full_r, vec![vec![i(1), N, b_(true)]], both),
        (JoinType::FullOuter, &empty_l, &empty_r, vec![], both),
        (JoinType::Semi, &full_l, &empty_r, vec![], "k:int,a:str"),
        (JoinType::Semi, &empty_l, &full_r, vec![], "k:int,a:str"),
        (JoinType::Anti, &full_l, &empty_r, vec![vec![i(1), s("x")]], "k:int,a:str"),
        (JoinType::Anti, &empty_l, &full_r, vec![], "k:int,a:str"),
    ];
    for (h, x, y, rows, sch) in cases {
        let r = ok(e.join(x, y, h, &[]), &format!("{h} join"))?;
        eq(&r, rows, sch, &format!("{h} join with an empty side"))?;
    }
    Ok(())
}
