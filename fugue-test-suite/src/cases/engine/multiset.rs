//! EXCEPT ALL / INTERSECT ALL (`subtract` / `intersect` with
//! `distinct = false`) with SQL multiset semantics on every engine
//! (ENG-SET-6, own cases): a row occurring `n` times on the left and `m`
//! times on the right is kept `max(n − m, 0)` times by EXCEPT ALL and
//! `min(n, m)` times by INTERSECT ALL; null equals null (ENG-SET-2).
//! Duplicates on both sides and all-null rows, checked against fixed
//! answers and against an independent counting oracle.

use std::collections::BTreeMap;

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("set/except_all_multiset", ["ENG-SET-2", "ENG-SET-6"], except_all),
        case!("set/intersect_all_multiset", ["ENG-SET-2", "ENG-SET-6"], intersect_all),
        case!("set/multiset_oracle", ["ENG-SET-2", "ENG-SET-6", "ENG-SET-7"], oracle),
        case!("set/multiset_empty_inputs", ["ENG-SET-6"], empty_inputs),
    ]
}

const SCH: &str = "a:int,b:str";

fn r(a: Option<i32>, b: Option<&str>) -> Row {
    vec![a.map(i).unwrap_or(N), b.map(s).unwrap_or(N)]
}

/// `row` repeated `n` times.
fn times(row: Row, n: usize) -> Vec<Row> {
    std::iter::repeat_n(row, n).collect()
}

/// Left: `[2,null]`×2, `[1,a]`×3, `[null,null]`×2, `[3,b]`×1;
/// right: `[2,null]`×1, `[1,a]`×1, `[null,null]`×3, `[4,c]`×1.
fn sides(ctx: &Ctx) -> Result<(DataFrameRef, DataFrameRef), String> {
    let mut left = times(r(Some(2), None), 2);
    left.extend(times(r(Some(1), Some("a")), 3));
    left.extend(times(r(None, None), 2));
    left.push(r(Some(3), Some("b")));
    let mut right = vec![r(None, None), r(Some(1), Some("a"))];
    right.push(r(Some(2), None));
    right.extend(times(r(None, None), 2));
    right.push(r(Some(4), Some("c")));
    Ok((ctx.df(left, SCH)?, ctx.df(right, SCH)?))
}

// own: DataFusion's `except` kept zero copies of `[2,null]` (both removed by
// one right copy); Polars refused EXCEPT ALL.
fn except_all(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let (a, b) = sides(ctx)?;
    let got = ok(e.subtract(&a, &b, false), "except all")?;
    let mut want = vec![r(Some(2), None)];
    want.extend(times(r(Some(1), Some("a")), 2));
    want.push(r(Some(3), Some("b")));
    eq(&got, want, SCH, "except all keeps n − m copies")?;
    // the other way round: only the extra null rows and `[4,c]`
    let got = ok(e.subtract(&b, &a, false), "except all, swapped")?;
    eq(&got, vec![r(None, None), r(Some(4), Some("c"))], SCH, "except all, swapped")?;
    // EXCEPT (distinct) of the same frames, for contrast
    let got = ok(e.subtract(&a, &b, true), "except")?;
    eq(&got, vec![r(Some(3), Some("b"))], SCH, "except removes every matched row")
}

// own: DataFusion's `intersect` kept all 3 left copies of `[1,a]`; Polars
// refused INTERSECT ALL.
fn intersect_all(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let (a, b) = sides(ctx)?;
    let mut want = vec![r(Some(2), None), r(Some(1), Some("a"))];
    want.extend(times(r(None, None), 2));
    let got = ok(e.intersect(&a, &b, false), "intersect all")?;
    eq(&got, want.clone(), SCH, "intersect all keeps min(n, m) copies")?;
    let got = ok(e.intersect(&b, &a, false), "intersect all, swapped")?;
    eq(&got, want, SCH, "intersect all is symmetric in counts")?;
    let got = ok(e.intersect(&a, &b, true), "intersect")?;
    eq(
        &got,
        vec![r(Some(2), None), r(Some(1), Some("a")), r(None, None)],
        SCH,
        "intersect keeps one copy",
    )
}

/// A deterministic pseudo-random multiset of `n` rows over a small domain
/// (`a` in 0..3 or null, `b` in x/y or null), so rows repeat on both sides.
fn random_rows(seed: u64, n: usize) -> Vec<Row> {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let a = match next() % 4 {
                3 => None,
                v => Some(v as i32),
            };
            let b = match next() % 3 {
                0 => Some("x"),
                1 => Some("y"),
                _ => None,
            };
            r(a, b)
        })
        .collect()
}

/// Counts of each row, keyed by its debug text (null is `Null`, distinct
/// from every value).
fn counts(rows: &[Row]) -> BTreeMap<String, (Row, usize)> {
    let mut m: BTreeMap<String, (Row, usize)> = BTreeMap::new();
    for row in rows {
        m.entry(format!("{row:?}")).or_insert_with(|| (row.clone(), 0)).1 += 1;
    }
    m
}

/// The oracle: EXCEPT ALL (`keep = n − m`) or INTERSECT ALL (`min(n, m)`).
fn oracle_rows(a: &[Row], b: &[Row], intersect: bool) -> Vec<Row> {
    let (ca, cb) = (counts(a), counts(b));
    let mut out = Vec::new();
    for (key, (row, n)) in ca {
        let m = cb.get(&key).map_or(0, |(_, m)| *m);
        let k = if intersect { n.min(m) } else { n.saturating_sub(m) };
        out.extend(times(row, k));
    }
    out
}

// own: 12 random pairs of multisets against the oracle, and a fold of
// three inputs (ENG-SET-7).
fn oracle(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    for seed in 1..=12u64 {
        let (ra, rb) = (random_rows(seed, 25), random_rows(seed + 100, 15 + seed as usize));
        let (a, b) = (ctx.df(ra.clone(), SCH)?, ctx.df(rb.clone(), SCH)?);
        let got = ok(e.subtract(&a, &b, false), "except all")?;
        eq(&got, oracle_rows(&ra, &rb, false), SCH, &format!("except all, seed {seed}"))?;
        let got = ok(e.intersect(&a, &b, false), "intersect all")?;
        eq(&got, oracle_rows(&ra, &rb, true), SCH, &format!("intersect all, seed {seed}"))?;
    }
    let (ra, rb, rc) = (random_rows(7, 40), random_rows(8, 10), random_rows(9, 10));
    let (a, b, c) = (ctx.df(ra.clone(), SCH)?, ctx.df(rb.clone(), SCH)?, ctx.df(rc.clone(), SCH)?);
    let ab = ok(e.subtract(&a, &b, false), "except all")?;
    let abc = ok(e.subtract(&ab, &c, false), "except all of three")?;
    let want = oracle_rows(&oracle_rows(&ra, &rb, false), &rc, false);
    eq(&abc, want, SCH, "three-input except all folds from the left")
}

// own
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let rows = vec![r(Some(1), None), r(Some(1), None), r(None, None)];
    let a = ctx.df(rows.clone(), SCH)?;
    let z = ctx.df(vec![], SCH)?;
    eq(&ok(e.subtract(&a, &z, false), "except all")?, rows, SCH, "except all of an empty frame")?;
    eq(&ok(e.subtract(&z, &a, false), "except all")?, vec![], SCH, "except all from empty")?;
    eq(&ok(e.intersect(&a, &z, false), "intersect all")?, vec![], SCH, "intersect all, empty")?;
    eq(&ok(e.intersect(&z, &z, false), "intersect all")?, vec![], SCH, "intersect all of empties")?;
    let x = ctx.df(vec![], "a:long,b:str")?;
    expect_kind(
        e.subtract(&a, &x, false).map(|_| ()),
        ErrorKind::InvalidArgument,
        "except all with another schema",
    )?;
    expect_kind(
        e.intersect(&a, &x, false).map(|_| ()),
        ErrorKind::InvalidArgument,
        "intersect all with another schema",
    )
}
