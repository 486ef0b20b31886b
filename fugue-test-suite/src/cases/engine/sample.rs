//! sample (E26, E28) plus sizes, bounds and empty inputs.

use fugue_core::engine::SampleSpec;

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "sample/frac",
            [
                "ENG-SAMPLE-1",
                "ENG-SAMPLE-3",
                "ENG-SAMPLE-4",
                "ENG-SAMPLE-5",
                "ENG-SAMPLE-6",
                "ENG-SAMPLE-7"
            ],
            sample_frac
        ),
        case!(
            "sample/n",
            ["ENG-SAMPLE-2", "ENG-SAMPLE-4", "ENG-SAMPLE-5", "ENG-SAMPLE-6"],
            sample_n
        ),
        case!("sample/invalid", ["ENG-SAMPLE-1", "ENG-SAMPLE-2", "ENG-SAMPLE-3"], sample_invalid),
        case!(
            "sample/sizes",
            ["ENG-SAMPLE-3", "ENG-SAMPLE-4", "ENG-SAMPLE-5", "ENG-SAMPLE-7"],
            sample_sizes
        ),
        case!("sample/empty_inputs", ["ENG-SAMPLE-3", "ENG-SAMPLE-7"], empty_inputs),
    ]
}

fn hundred(ctx: &Ctx) -> Result<DataFrameRef, String> {
    ctx.df((0..100).map(|x| vec![i(x)]).collect(), "a:int")
}

// E26
fn sample_frac(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = hundred(ctx)?;
    let neither = SampleSpec { n: None, frac: None, replace: false, seed: None };
    expect_kind(
        e.sample(&a, &neither).map(|_| ()),
        ErrorKind::InvalidArgument,
        "neither n nor frac",
    )?;
    let both = SampleSpec { n: Some(90), frac: Some(0.9), replace: false, seed: None };
    expect_kind(e.sample(&a, &both).map(|_| ()), ErrorKind::InvalidArgument, "both n and frac")?;
    let f = ok(e.sample(&a, &SampleSpec::frac(0.8)), "frac")?;
    let g = ok(e.sample(&a, &SampleSpec::frac(0.8).with_replace(true)), "frac replace")?;
    let h = ok(e.sample(&a, &SampleSpec::frac(0.8).with_seed(1)), "seed 1")?;
    let h2 = ok(e.sample(&a, &SampleSpec::frac(0.8).with_seed(1)), "seed 1 again")?;
    let i2 = ok(e.sample(&a, &SampleSpec::frac(0.8).with_seed(2)), "seed 2")?;
    check(!frames_equal(&f, &g), || "with and without replacement gave the same rows".into())?;
    same(&h, &h2, "same seed")?;
    check(!frames_equal(&h, &i2), || "different seeds gave the same rows".into())?;
    let n = count(&i2)?;
    check(n.abs_diff(80) < 10, || format!("frac 0.8 of 100 gave {n} rows"))?;
    check(*i2.schema() == "a:int", || format!("schema changed: {}", i2.schema()))
}

// E28
fn sample_n(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = hundred(ctx)?;
    let b = ok(e.sample(&a, &SampleSpec::n(90)), "n")?;
    let c = ok(e.sample(&a, &SampleSpec::n(90).with_replace(true)), "n replace")?;
    let d1 = ok(e.sample(&a, &SampleSpec::n(90).with_seed(1)), "seed 1")?;
    let d2 = ok(e.sample(&a, &SampleSpec::n(90).with_seed(1)), "seed 1 again")?;
    let e2 = ok(e.sample(&a, &SampleSpec::n(90).with_seed(2)), "seed 2")?;
    check(!frames_equal(&b, &c), || "with and without replacement gave the same rows".into())?;
    same(&d1, &d2, "same seed")?;
    check(!frames_equal(&d1, &e2), || "different seeds gave the same rows".into())?;
    let n = count(&e2)?;
    check(n.abs_diff(90) < 2, || format!("n=90 of 100 gave {n} rows"))
}

// own
fn sample_invalid(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = hundred(ctx)?;
    if !e.capabilities().distributed {
        expect_kind(
            e.sample(&a, &SampleSpec::n(101)).map(|_| ()),
            ErrorKind::InvalidArgument,
            "n > count",
        )?;
    }
    expect_kind(
        e.sample(&a, &SampleSpec::frac(1.5)).map(|_| ()),
        ErrorKind::InvalidArgument,
        "frac > 1",
    )?;
    expect_kind(
        e.sample(&a, &SampleSpec::frac(-0.1)).map(|_| ()),
        ErrorKind::InvalidArgument,
        "frac < 0",
    )
}

// own: exact sizes on local engines, replacement allows more rows than the input
fn sample_sizes(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = hundred(ctx)?;
    let exact = !e.capabilities().distributed;
    for (sp, want) in [
        (SampleSpec::n(0), 0usize),
        (SampleSpec::frac(0.0), 0),
        (SampleSpec::n(100), 100),
        (SampleSpec::frac(0.25).with_seed(3), 25),
        (SampleSpec::n(150).with_replace(true).with_seed(3), 150),
        (SampleSpec::frac(1.5).with_replace(true).with_seed(3), 150),
    ] {
        let r = ok(e.sample(&a, &sp), &format!("{sp:?}"))?;
        let n = count(&r)?;
        let fine = if exact || want == 0 { n == want } else { n.abs_diff(want) <= want / 10 + 1 };
        check(fine, || format!("{sp:?}: {n} rows, expected {want}"))?;
        check(*r.schema() == "a:int", || "schema changed".into())?;
        // every sampled value comes from the input
        for row in rows_of(&r)? {
            check(matches!(row[0], Value::Int32(x) if (0..100).contains(&x)), || {
                format!("{sp:?}: foreign row {row:?}")
            })?;
        }
    }
    // without replacement no row repeats
    let r = ok(e.sample(&a, &SampleSpec::n(100)), "n=100")?;
    let mut values: Vec<String> = rows_of(&r)?.iter().map(|row| format!("{row:?}")).collect();
    values.sort();
    values.dedup();
    check(values.len() == count(&r)?, || "a row repeats without replacement".into())
}

// own
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let z = ctx.df(vec![], "a:int")?;
    for sp in [SampleSpec::frac(0.5), SampleSpec::n(0), SampleSpec::frac(2.0).with_replace(true)] {
        let r = ok(e.sample(&z, &sp), &format!("{sp:?}"))?;
        eq(&r, vec![], "a:int", &format!("sample of an empty frame {sp:?}"))?;
    }
    Ok(())
}
