//! union / subtract / intersect / distinct (E20–E23) plus schema errors and
//! empty inputs.

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("set/union", ["ENG-SET-1", "ENG-SET-2", "ENG-SET-3", "ENG-SET-7"], union),
        case!("set/subtract", ["ENG-SET-2", "ENG-SET-4", "ENG-SET-6", "ENG-SET-7"], subtract),
        case!("set/intersect", ["ENG-SET-2", "ENG-SET-5", "ENG-SET-7"], intersect),
        case!("set/distinct", ["ENG-DISTINCT-1", "ENG-SET-2"], distinct),
        case!("set/schema_mismatch", ["ENG-SET-1"], schema_mismatch),
        case!(
            "set/empty_inputs",
            ["ENG-SET-3", "ENG-SET-4", "ENG-SET-5", "ENG-DISTINCT-1"],
            empty_inputs
        ),
    ]
}

const SCH: &str = "a:double,b:double,c:int";

fn r3(a: f64, b: Option<f64>, c: i32) -> Row {
    vec![d(a), b.map(d).unwrap_or(N), i(c)]
}

// E20
fn union(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![r3(1.0, Some(2.0), 3), r3(4.0, None, 6)], SCH)?;
    let b = ctx.df(vec![r3(1.0, Some(2.0), 33), r3(4.0, None, 6)], SCH)?;
    let c = ok(e.union(&a, &b, true), "union")?;
    eq(&c, vec![r3(1.0, Some(2.0), 3), r3(4.0, None, 6), r3(1.0, Some(2.0), 33)], SCH, "union")?;
    let c = ok(e.union(&a, &b, false), "union all")?;
    eq(
        &c,
        vec![r3(1.0, Some(2.0), 3), r3(4.0, None, 6), r3(1.0, Some(2.0), 33), r3(4.0, None, 6)],
        SCH,
        "union all",
    )?;
    let ab = ok(e.union(&a, &b, false), "union all")?;
    let dd = ok(e.union(&ab, &c, false), "union all of three")?;
    let mut want = rows_of(&c)?;
    want.extend(rows_of(&c)?);
    eq(&dd, want, SCH, "three-input union all")?;
    // duplicates inside one input go too
    let dup = ctx.df(vec![r3(1.0, None, 1), r3(1.0, None, 1)], SCH)?;
    let empty = ctx.df(vec![], SCH)?;
    let c = ok(e.union(&dup, &empty, true), "union with duplicates in one input")?;
    eq(&c, vec![r3(1.0, None, 1)], SCH, "union removes duplicates within an input")
}

// E21
fn subtract(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![r3(1.0, Some(2.0), 3), r3(1.0, Some(2.0), 3), r3(4.0, None, 6)], SCH)?;
    let b = ctx.df(vec![r3(1.0, Some(2.0), 33), r3(4.0, None, 6)], SCH)?;
    let c = ok(e.subtract(&a, &b, true), "subtract")?;
    eq(&c, vec![r3(1.0, Some(2.0), 3)], SCH, "subtract")?;
    let x = ctx.df(vec![r3(1.0, Some(2.0), 33)], SCH)?;
    let y = ctx.df(vec![r3(4.0, None, 6)], SCH)?;
    let ax = ok(e.subtract(&a, &x, true), "subtract x")?;
    let z = ok(e.subtract(&ax, &y, true), "subtract y")?;
    eq(&z, vec![r3(1.0, Some(2.0), 3)], SCH, "multi-input subtract")
}

// E22
fn intersect(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![r3(1.0, Some(2.0), 3), r3(4.0, None, 6), r3(4.0, None, 6)], SCH)?;
    let b = ctx.df(
        vec![r3(1.0, Some(2.0), 33), r3(4.0, None, 6), r3(4.0, None, 6), r3(4.0, None, 6)],
        SCH,
    )?;
    let c = ok(e.intersect(&a, &b, true), "intersect")?;
    eq(&c, vec![r3(4.0, None, 6)], SCH, "intersect")?;
    let x = ctx.df(vec![r3(1.0, Some(2.0), 33)], SCH)?;
    let y = ctx.df(vec![r3(4.0, None, 6), r3(4.0, None, 6), r3(4.0, None, 6)], SCH)?;
    let ax = ok(e.intersect(&a, &x, true), "intersect x")?;
    let z = ok(e.intersect(&ax, &y, true), "intersect y")?;
    eq(&z, vec![], SCH, "multi-input intersect reaching empty")
}

// E23
fn distinct(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![r3(4.0, None, 6), r3(1.0, Some(2.0), 3), r3(4.0, None, 6)], SCH)?;
    let c = ok(e.distinct(&a), "distinct")?;
    eq(&c, vec![r3(4.0, None, 6), r3(1.0, Some(2.0), 3)], SCH, "distinct")
}

// own
fn schema_mismatch(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![i(1), s("x")]], "a:int,b:str")?;
    for other in ["a:long,b:str", "b:str,a:int", "a:int", "a:int,c:str"] {
        let x = ctx.df(vec![], other)?;
        expect_kind(
            e.union(&a, &x, true).map(|_| ()),
            ErrorKind::InvalidArgument,
            &format!("union with `{other}`"),
        )?;
        expect_kind(
            e.union(&a, &x, false).map(|_| ()),
            ErrorKind::InvalidArgument,
            &format!("union all with `{other}`"),
        )?;
        expect_kind(
            e.subtract(&a, &x, true).map(|_| ()),
            ErrorKind::InvalidArgument,
            &format!("subtract `{other}`"),
        )?;
        expect_kind(
            e.intersect(&a, &x, true).map(|_| ()),
            ErrorKind::InvalidArgument,
            &format!("intersect `{other}`"),
        )?;
    }
    Ok(())
}

// own
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![r3(1.0, None, 1), r3(1.0, None, 1), r3(2.0, Some(1.0), 2)], SCH)?;
    let z = ctx.df(vec![], SCH)?;
    let distinct_a = vec![r3(1.0, None, 1), r3(2.0, Some(1.0), 2)];
    eq(&ok(e.union(&z, &z, true), "union")?, vec![], SCH, "union of empties")?;
    eq(&ok(e.union(&z, &a, false), "union all")?, rows_of(&a)?, SCH, "union all with empty left")?;
    eq(&ok(e.union(&z, &a, true), "union")?, distinct_a.clone(), SCH, "union with empty left")?;
    eq(&ok(e.subtract(&a, &z, true), "subtract")?, distinct_a, SCH, "subtract an empty frame")?;
    eq(&ok(e.subtract(&z, &a, true), "subtract")?, vec![], SCH, "subtract from an empty frame")?;
    eq(&ok(e.intersect(&a, &z, true), "intersect")?, vec![], SCH, "intersect with empty")?;
    eq(&ok(e.intersect(&z, &z, true), "intersect")?, vec![], SCH, "intersect of empties")?;
    eq(&ok(e.distinct(&z), "distinct")?, vec![], SCH, "distinct of empty")
}
