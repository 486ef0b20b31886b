//! take (E27) plus n = 0, presort errors and empty inputs. A non-integer `n`
//! (Py raises ERR-ARG) cannot be expressed: `n` is a `usize`.

use fugue_core::engine::NaPosition;

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "take/basic",
            ["ENG-TAKE-1", "ENG-TAKE-3", "ENG-TAKE-4", "ENG-TAKE-5", "ENG-TAKE-6"],
            take
        ),
        case!("take/keyed", ["ENG-TAKE-3", "ENG-TAKE-5", "ENG-TAKE-6", "PG-8"], take_keyed),
        case!(
            "take/invalid",
            ["ENG-TAKE-2", "ENG-TAKE-3", "PS-PRESORT-2", "PS-PRESORT-5"],
            take_invalid
        ),
        case!("take/empty_inputs", ["ENG-TAKE-1", "ENG-TAKE-6"], empty_inputs),
    ]
}

const SCH: &str = "a:str,b:int,c:long";

fn row(a: Option<&str>, bb: i32, c: i64) -> Row {
    vec![a.map(s).unwrap_or(N), i(bb), l(c)]
}

fn data(ctx: &Ctx) -> Result<DataFrameRef, String> {
    ctx.df(
        vec![
            row(Some("a"), 2, 3),
            row(Some("a"), 3, 4),
            row(Some("b"), 1, 2),
            row(Some("b"), 2, 2),
            row(None, 4, 2),
            row(None, 2, 1),
        ],
        SCH,
    )
}

// E27 (global part)
fn take(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    let none = PartitionSpec::default();
    let r = ok(e.take(&a, 1, "b desc", NaPosition::Last, &none), "take b desc")?;
    eq(&r, vec![row(None, 4, 2)], SCH, "n=1 presort b desc")?;
    let r = ok(e.take(&a, 2, "a desc", NaPosition::First, &none), "take a desc first")?;
    eq(&r, vec![row(None, 4, 2), row(None, 2, 1)], SCH, "nulls first with desc")?;
    let r = ok(e.take(&a, 2, "a desc", NaPosition::Last, &none), "take a desc last")?;
    eq(&r, vec![row(Some("b"), 1, 2), row(Some("b"), 2, 2)], SCH, "nulls last with desc")?;
    let r = ok(e.take(&a, 2, "a", NaPosition::First, &none), "take a first")?;
    eq(&r, vec![row(None, 4, 2), row(None, 2, 1)], SCH, "nulls first with asc")?;
    let r = ok(e.take(&a, 0, "a", NaPosition::Last, &none), "take 0")?;
    eq(&r, vec![], SCH, "n=0")?;
    let r = ok(e.take(&a, 3, "", NaPosition::Last, &none), "unsorted take")?;
    check(count(&r)? == 3, || "unsorted take of 3".into())?;
    let r = ok(e.take(&a, 100, "b", NaPosition::Last, &none), "take more than count")?;
    eq(&r, rows_of(&a)?, SCH, "n beyond the count")
}

// E27 (keyed part)
fn take_keyed(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    let ps = spec(&["a"], "b DESC,c DESC", "", "")?;
    let ps2 = spec(&["c"], "b ASC", "", "")?;
    // the argument replaces the spec presort and may name the key
    let r = ok(e.take(&a, 1, "a asc, b desc", NaPosition::Last, &ps), "keyed take")?;
    eq(&r, vec![row(Some("a"), 3, 4), row(Some("b"), 2, 2), row(None, 4, 2)], SCH, "keyed take")?;
    // no argument: the spec presort
    let r = ok(e.take(&a, 1, "", NaPosition::Last, &ps2), "spec presort")?;
    eq(
        &r,
        vec![row(Some("a"), 2, 3), row(Some("a"), 3, 4), row(Some("b"), 1, 2), row(None, 2, 1)],
        SCH,
        "spec presort used",
    )?;
    // num and algo of the spec are ignored
    let ps3 = spec(&["c"], "b ASC", "3", "even")?;
    let r3 = ok(e.take(&a, 1, "", NaPosition::Last, &ps3), "spec with num")?;
    same(&r3, &r, "num/algo do not change take")?;
    let a = ctx.df(vec![row(Some("a"), 2, 3), row(None, 4, 2), row(None, 2, 1)], SCH)?;
    let by_a = spec(&["a"], "", "", "")?;
    let r = ok(e.take(&a, 1, "", NaPosition::Last, &by_a), "unsorted keyed take")?;
    let one =
        df_eq(r.as_ref(), vec![row(Some("a"), 2, 3), row(None, 4, 2)], SCH, FrameEq::default());
    let two =
        df_eq(r.as_ref(), vec![row(Some("a"), 2, 3), row(None, 2, 1)], SCH, FrameEq::default());
    check(one.is_ok() || two.is_ok(), || format!("null keys form one group: {:?}", rows_of(&r)))?;
    let r = ok(e.take(&a, 2, "", NaPosition::Last, &by_a), "n=2 keyed")?;
    eq(&r, rows_of(&a)?, SCH, "n=2 per key")
}

// own
fn take_invalid(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    let none = PartitionSpec::default();
    expect_kind("middle".parse::<NaPosition>(), ErrorKind::InvalidArgument, "na_position")?;
    expect_kind(
        e.take(&a, 1, "zz", NaPosition::Last, &none).map(|_| ()),
        ErrorKind::NotFound,
        "missing presort column",
    )?;
    expect_kind(
        e.take(&a, 1, "a,a desc", NaPosition::Last, &none).map(|_| ()),
        ErrorKind::SchemaSyntax,
        "duplicate presort",
    )?;
    expect_kind(
        e.take(&a, 1, "a up", NaPosition::Last, &none).map(|_| ()),
        ErrorKind::SchemaSyntax,
        "bad direction",
    )?;
    let by_zz = spec(&["zz"], "", "", "")?;
    expect_kind(
        e.take(&a, 1, "a", NaPosition::Last, &by_zz).map(|_| ()),
        ErrorKind::NotFound,
        "missing key",
    )
}

// own
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let z = ctx.df(vec![], SCH)?;
    for sp in [PartitionSpec::default(), spec(&["a"], "b", "", "")?] {
        let r = ok(e.take(&z, 2, "c desc", NaPosition::Last, &sp), "take of an empty frame")?;
        eq(&r, vec![], SCH, "take of an empty frame")?;
    }
    Ok(())
}
