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
        case!(
            "join/long_with_ulong_keys",
            ["ENG-JOIN-4", "ENG-JOIN-6", "ENG-JOIN-7", "ENG-JOIN-8", "ENG-JOIN-10"],
            long_with_ulong_keys
        ),
        case!(
            "join/mixed_signedness_keys",
            ["ENG-JOIN-4", "ENG-JOIN-7", "ENG-JOIN-10"],
            mixed_signedness_keys
        ),
        case!(
            "join/int_with_double_keys",
            ["ENG-JOIN-4", "ENG-JOIN-7", "ENG-JOIN-10"],
            int_with_double_keys
        ),
        case!("join/incomparable_key_types", ["ENG-JOIN-10"], incomparable_key_types),
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

fn ul(v: u64) -> Value {
    Value::UInt64(v)
}

/// 2^53: the first integer whose successor a `double` cannot hold.
const P53: i64 = 1 << 53;

// own: long with ulong keys match by value, losslessly (ENG-JOIN-10): 2^53
// and 2^53 + 1 stay apart (a `double` comparison would match them), -1 does
// not meet u64::MAX nor i64::MIN meet 2^63 (a bit-wise comparison would)
fn long_with_ulong_keys(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(
        vec![
            vec![l(P53), s("p53")],
            vec![l(P53 + 1), s("p53+1")],
            vec![l(-1), s("neg")],
            vec![l(i64::MIN), s("min")],
            vec![l(i64::MAX), s("max")],
            vec![l(7), s("seven")],
            vec![N, s("null")],
        ],
        "k:long,a:str",
    )?;
    let b = ctx.df(
        vec![
            vec![ul(P53 as u64), s("u53")],
            vec![ul(P53 as u64 + 1), s("u53+1")],
            vec![ul(u64::MAX), s("umax")],
            vec![ul(1 << 63), s("u2^63")],
            vec![ul(i64::MAX as u64), s("ulongmax")],
            vec![ul(7), s("u7")],
            vec![N, s("unull")],
        ],
        "k:ulong,b:str",
    )?;
    let sch = "k:long,a:str,b:str";
    let matched = || {
        vec![
            vec![l(P53), s("p53"), s("u53")],
            vec![l(P53 + 1), s("p53+1"), s("u53+1")],
            vec![l(i64::MAX), s("max"), s("ulongmax")],
            vec![l(7), s("seven"), s("u7")],
        ]
    };
    let c = ok(e.join(&a, &b, JoinType::Inner, &[]), "inner")?;
    eq(&c, matched(), sch, "long ⋈ ulong inner: exactly the equal values")?;
    let c = ok(e.join(&a, &b, JoinType::LeftOuter, &[]), "left outer")?;
    let mut rows = matched();
    rows.extend([vec![l(-1), s("neg"), N], vec![l(i64::MIN), s("min"), N], vec![N, s("null"), N]]);
    eq(&c, rows, sch, "long ⋈ ulong left outer")?;
    let c = ok(e.join(&a, &b, JoinType::Semi, &[]), "semi")?;
    eq(
        &c,
        vec![
            vec![l(P53), s("p53")],
            vec![l(P53 + 1), s("p53+1")],
            vec![l(i64::MAX), s("max")],
            vec![l(7), s("seven")],
        ],
        "k:long,a:str",
        "long ⋈ ulong semi",
    )?;
    let c = ok(e.join(&a, &b, JoinType::Anti, &[]), "anti")?;
    eq(
        &c,
        vec![vec![l(-1), s("neg")], vec![l(i64::MIN), s("min")], vec![N, s("null")]],
        "k:long,a:str",
        "long ⋈ ulong anti",
    )?;
    // unmatched right keys are converted to df1's `long` (ENG-JOIN-7)
    let fits = ctx.df(
        vec![vec![ul(P53 as u64 + 1), s("u53+1")], vec![ul(1 << 62), s("u2^62")]],
        "k:ulong,b:str",
    )?;
    let c = ok(e.join(&a, &fits, JoinType::RightOuter, &[]), "right outer")?;
    eq(
        &c,
        vec![vec![l(P53 + 1), s("p53+1"), s("u53+1")], vec![l(1 << 62), N, s("u2^62")]],
        sch,
        "long ⋈ ulong right outer",
    )?;
    let c = ok(e.join(&a, &fits, JoinType::FullOuter, &[]), "full outer")?;
    eq(
        &c,
        vec![
            vec![l(P53), s("p53"), N],
            vec![l(P53 + 1), s("p53+1"), s("u53+1")],
            vec![l(-1), s("neg"), N],
            vec![l(i64::MIN), s("min"), N],
            vec![l(i64::MAX), s("max"), N],
            vec![l(7), s("seven"), N],
            vec![N, s("null"), N],
            vec![l(1 << 62), N, s("u2^62")],
        ],
        sch,
        "long ⋈ ulong full outer",
    )?;
    // an unmatched u64::MAX does not fit df1's `long` key
    expect_kind(
        e.join(&a, &b, JoinType::RightOuter, &[]).and_then(|r| r.as_array(None, false)),
        ErrorKind::Cast,
        "right outer with an unmatched u64::MAX key",
    )?;
    // the other way round the output key is `ulong` (ENG-JOIN-4)
    let c = ok(e.join(&b, &a, JoinType::Inner, &[]), "ulong ⋈ long inner")?;
    eq(
        &c,
        vec![
            vec![ul(P53 as u64), s("u53"), s("p53")],
            vec![ul(P53 as u64 + 1), s("u53+1"), s("p53+1")],
            vec![ul(i64::MAX as u64), s("ulongmax"), s("max")],
            vec![ul(7), s("u7"), s("seven")],
        ],
        "k:ulong,b:str,a:str",
        "ulong ⋈ long inner",
    )
}

// own: integers of other widths and signedness match by value
// (ENG-JOIN-10): int -1 never meets uint 4294967295 nor long 4294967295,
// int 1 never meets long 2^32 + 1 (a wrapping cast would match them)
fn mixed_signedness_keys(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(
        vec![vec![i(-1), s("neg")], vec![i(1), s("one")], vec![i(i32::MAX), s("max")]],
        "k:int,a:str",
    )?;
    let b = ctx.df(
        vec![
            vec![Value::UInt32(u32::MAX), s("umax")],
            vec![Value::UInt32(1), s("u1")],
            vec![Value::UInt32(i32::MAX as u32), s("imax")],
            vec![Value::UInt32(1 << 31), s("u2^31")],
        ],
        "k:uint,b:str",
    )?;
    let c = ok(e.join(&a, &b, JoinType::Inner, &[]), "int ⋈ uint")?;
    eq(
        &c,
        vec![vec![i(1), s("one"), s("u1")], vec![i(i32::MAX), s("max"), s("imax")]],
        "k:int,a:str,b:str",
        "int ⋈ uint inner",
    )?;
    // uint on the left keeps its type; an unmatched int -1 does not fit it
    let c = ok(e.join(&b, &a, JoinType::LeftOuter, &[]), "uint ⋈ int")?;
    eq(
        &c,
        vec![
            vec![Value::UInt32(u32::MAX), s("umax"), N],
            vec![Value::UInt32(1), s("u1"), s("one")],
            vec![Value::UInt32(i32::MAX as u32), s("imax"), s("max")],
            vec![Value::UInt32(1 << 31), s("u2^31"), N],
        ],
        "k:uint,b:str,a:str",
        "uint ⋈ int left outer",
    )?;
    expect_kind(
        e.join(&b, &a, JoinType::RightOuter, &[]).and_then(|r| r.as_array(None, false)),
        ErrorKind::Cast,
        "uint ⋈ int right outer with an unmatched -1",
    )?;
    expect_kind(
        e.join(&b, &a, JoinType::FullOuter, &[]).and_then(|r| r.as_array(None, false)),
        ErrorKind::Cast,
        "uint ⋈ int full outer with an unmatched -1",
    )?;
    let b = ctx.df(
        vec![
            vec![l(4_294_967_295), s("2^32-1")],
            vec![l((1 << 32) + 1), s("2^32+1")],
            vec![l(-1), s("-1")],
            vec![l(1 << 40), s("2^40")],
        ],
        "k:long,b:str",
    )?;
    let c = ok(e.join(&a, &b, JoinType::Inner, &[]), "int ⋈ long")?;
    eq(&c, vec![vec![i(-1), s("neg"), s("-1")]], "k:int,a:str,b:str", "int ⋈ long inner")?;
    let small = ctx.df(vec![vec![l(-1), s("-1")], vec![l(42), s("42")]], "k:long,b:str")?;
    let c = ok(e.join(&a, &small, JoinType::RightOuter, &[]), "int ⋈ long right outer")?;
    eq(
        &c,
        vec![vec![i(-1), s("neg"), s("-1")], vec![i(42), N, s("42")]],
        "k:int,a:str,b:str",
        "int ⋈ long right outer: right keys as int",
    )?;
    let a = ctx.df(vec![vec![Value::Int8(-1)], vec![Value::Int8(100)]], "k:byte")?;
    let b = ctx.df(vec![vec![Value::UInt8(255)], vec![Value::UInt8(100)]], "k:ubyte")?;
    let c = ok(e.join(&a, &b, JoinType::Semi, &[]), "byte ⋈ ubyte")?;
    eq(&c, vec![vec![Value::Int8(100)]], "k:byte", "byte ⋈ ubyte semi")
}

// own: integer with floating keys compare by value in `double` (ENG-JOIN-10,
// as pandas `merge` under Python Fugue's native engine and DuckDB do);
// output keys keep df1's type and values (ENG-JOIN-4)
fn int_with_double_keys(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a =
        ctx.df(vec![vec![i(1), s("x")], vec![i(2), s("y")], vec![i(3), s("z")]], "k:int,a:str")?;
    let b = ctx.df(
        vec![vec![d(1.0), s("p")], vec![d(2.5), s("q")], vec![d(3.0), s("r")]],
        "k:double,b:str",
    )?;
    let c = ok(e.join(&a, &b, JoinType::Inner, &[]), "int ⋈ double")?;
    eq(
        &c,
        vec![vec![i(1), s("x"), s("p")], vec![i(3), s("z"), s("r")]],
        "k:int,a:str,b:str",
        "int ⋈ double inner",
    )?;
    let c = ok(e.join(&a, &b, JoinType::Anti, &[]), "int ⋈ double anti")?;
    eq(&c, vec![vec![i(2), s("y")]], "k:int,a:str", "int ⋈ double anti")?;
    // an unmatched right 2.5 becomes the int 2 (DF-CAST-5 truncation)
    let c = ok(e.join(&a, &b, JoinType::RightOuter, &[]), "int ⋈ double right outer")?;
    eq(
        &c,
        vec![vec![i(1), s("x"), s("p")], vec![i(2), N, s("q")], vec![i(3), s("z"), s("r")]],
        "k:int,a:str,b:str",
        "int ⋈ double right outer",
    )?;
    let c = ok(e.join(&b, &a, JoinType::Inner, &[]), "double ⋈ int")?;
    eq(
        &c,
        vec![vec![d(1.0), s("p"), s("x")], vec![d(3.0), s("r"), s("z")]],
        "k:double,b:str,a:str",
        "double ⋈ int inner",
    )?;
    let f = ctx.df(vec![vec![Value::Float32(2.5)], vec![Value::Float32(1.0)]], "k:float")?;
    let c = ok(e.join(&b, &f, JoinType::Semi, &[]), "double ⋈ float")?;
    eq(&c, vec![vec![d(1.0), s("p")], vec![d(2.5), s("q")]], "k:double,b:str", "double ⋈ float")?;
    // in `double`, 2^53 + 1 rounds to 2^53 (as in DuckDB and pandas); the
    // output key is still df1's exact value
    let big = ctx.df(vec![vec![l(P53 + 1), s("big")]], "k:long,a:str")?;
    let p53 = ctx.df(vec![vec![d(P53 as f64), s("p53")]], "k:double,b:str")?;
    let c = ok(e.join(&big, &p53, JoinType::Inner, &[]), "long ⋈ double")?;
    eq(&c, vec![vec![l(P53 + 1), s("big"), s("p53")]], "k:long,a:str,b:str", "long ⋈ double")
}

// own: key types that cannot be compared fail when the join is planned
// (ERR-SCHEMA, ENG-JOIN-10), for every join type
fn incomparable_key_types(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let frames = [
        ("k:int", vec![i(1)]),
        ("k:str", vec![s("1")]),
        ("k:bool", vec![b(true)]),
        ("k:double", vec![d(1.0)]),
        ("k:date", vec![crate::helpers::date(2024, 1, 1)?]),
    ];
    let pairs = [
        ("k:int", "k:str"),
        ("k:bool", "k:int"),
        ("k:double", "k:str"),
        ("k:date", "k:int"),
        ("k:bool", "k:double"),
    ];
    for (x, y) in pairs {
        let find = |sch: &str| frames.iter().find(|(n, _)| *n == sch).map(|(_, r)| r.clone());
        let (rx, ry) = (find(x).ok_or("no frame")?, find(y).ok_or("no frame")?);
        let (fx, fy) = (ctx.df(vec![rx], x)?, ctx.df(vec![ry], y)?);
        for how in [JoinType::Inner, JoinType::LeftOuter, JoinType::FullOuter, JoinType::Semi] {
            expect_kind(e.join(&fx, &fy, how, &[]), ErrorKind::Schema, &format!("{x} {how} {y}"))?;
            expect_kind(e.join(&fy, &fx, how, &[]), ErrorKind::Schema, &format!("{y} {how} {x}"))?;
        }
    }
    Ok(())
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
