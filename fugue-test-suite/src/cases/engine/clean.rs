//! dropna / fillna (E24, E25) plus validation and empty inputs.

use fugue_core::engine::{DropnaHow, FillValue};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "dropna/basic",
            ["ENG-DROPNA-1", "ENG-DROPNA-2", "ENG-DROPNA-3", "ENG-DROPNA-4"],
            dropna
        ),
        case!("dropna/invalid", ["ENG-DROPNA-1", "ENG-DROPNA-3"], dropna_invalid),
        case!(
            "fillna/basic",
            ["ENG-FILLNA-1", "ENG-FILLNA-2", "ENG-FILLNA-3", "ENG-FILLNA-5", "ENG-FILLNA-6"],
            fillna
        ),
        case!("fillna/invalid", ["ENG-FILLNA-1", "ENG-FILLNA-2", "ENG-FILLNA-5"], fillna_invalid),
        case!("fillna/falsy_values", ["ENG-FILLNA-2", "ENG-FILLNA-5"], fillna_falsy),
        case!("fillna/unknown_column", ["ENG-FILLNA-4"], fillna_unknown_column),
        case!("clean/empty_inputs", ["ENG-DROPNA-4", "ENG-FILLNA-6"], empty_inputs),
    ]
}

const SCH: &str = "a:double,b:double,c:double";

fn opt(v: Option<f64>) -> Value {
    v.map(d).unwrap_or(N)
}
fn r3(a: Option<f64>, b: Option<f64>, c: Option<f64>) -> Row {
    vec![opt(a), opt(b), opt(c)]
}

fn data(ctx: &Ctx) -> Result<DataFrameRef, String> {
    ctx.df(
        vec![
            r3(Some(4.0), None, Some(6.0)),
            r3(Some(1.0), Some(2.0), Some(3.0)),
            r3(Some(4.0), None, None),
        ],
        SCH,
    )
}

// E24
fn dropna(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    let all = rows_of(&a)?;
    let c = ok(e.dropna(&a, DropnaHow::Any, None, None), "default")?;
    eq(&c, vec![r3(Some(1.0), Some(2.0), Some(3.0))], SCH, "how=any")?;
    let dd = ok(e.dropna(&a, DropnaHow::All, None, None), "all")?;
    eq(&dd, all.clone(), SCH, "how=all")?;
    let f = ok(e.dropna(&a, DropnaHow::Any, Some(2), None), "thresh")?;
    eq(
        &f,
        vec![r3(Some(4.0), None, Some(6.0)), r3(Some(1.0), Some(2.0), Some(3.0))],
        SCH,
        "thresh=2 overrides how",
    )?;
    let g = ok(e.dropna(&a, DropnaHow::Any, None, Some(&["a", "c"])), "subset")?;
    eq(
        &g,
        vec![r3(Some(4.0), None, Some(6.0)), r3(Some(1.0), Some(2.0), Some(3.0))],
        SCH,
        "subset",
    )?;
    let h = ok(e.dropna(&a, DropnaHow::Any, Some(1), Some(&["a", "c"])), "thresh subset")?;
    eq(&h, all.clone(), SCH, "thresh with subset")?;
    let z = ok(e.dropna(&a, DropnaHow::Any, Some(0), None), "thresh 0")?;
    eq(&z, all, SCH, "thresh=0 keeps everything")?;
    // a row of nulls goes with how=all
    let n = ctx.df(vec![r3(None, None, None), r3(Some(1.0), None, None)], SCH)?;
    let r = ok(e.dropna(&n, DropnaHow::All, None, None), "all nulls")?;
    eq(&r, vec![r3(Some(1.0), None, None)], SCH, "how=all drops the all-null row")
}

// own
fn dropna_invalid(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    expect_kind("some".parse::<DropnaHow>(), ErrorKind::InvalidArgument, "how `some`")?;
    expect_kind(
        e.dropna(&a, DropnaHow::Any, None, Some(&["zz"])).map(|_| ()),
        ErrorKind::NotFound,
        "missing subset column",
    )
}

// E25
fn fillna(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    let c = ok(e.fillna(&a, &FillValue::Scalar(l(1)), None), "scalar")?;
    eq(
        &c,
        vec![
            r3(Some(4.0), Some(1.0), Some(6.0)),
            r3(Some(1.0), Some(2.0), Some(3.0)),
            r3(Some(4.0), Some(1.0), Some(1.0)),
        ],
        SCH,
        "scalar on all columns",
    )?;
    let map = FillValue::PerColumn(
        [("b".to_string(), l(99)), ("c".to_string(), l(-99))].into_iter().collect(),
    );
    let dd = ok(e.fillna(&a, &map, None), "mapping")?;
    let want_d = vec![
        r3(Some(4.0), Some(99.0), Some(6.0)),
        r3(Some(1.0), Some(2.0), Some(3.0)),
        r3(Some(4.0), Some(99.0), Some(-99.0)),
    ];
    eq(&dd, want_d.clone(), SCH, "mapping")?;
    let f = ok(e.fillna(&a, &FillValue::Scalar(l(-99)), Some(&["c"])), "scalar subset")?;
    eq(
        &f,
        vec![
            r3(Some(4.0), None, Some(6.0)),
            r3(Some(1.0), Some(2.0), Some(3.0)),
            r3(Some(4.0), None, Some(-99.0)),
        ],
        SCH,
        "scalar with subset",
    )?;
    let g = ok(e.fillna(&a, &map, Some(&["c"])), "mapping ignores subset")?;
    eq(&g, want_d, SCH, "mapping ignores subset")?;
    let bad = FillValue::PerColumn(
        [("b".to_string(), N), ("c".to_string(), s("99"))].into_iter().collect(),
    );
    expect_kind(
        e.fillna(&a, &bad, None).map(|_| ()),
        ErrorKind::InvalidArgument,
        "mapping with a null",
    )?;
    expect_kind(
        e.fillna(&a, &FillValue::Scalar(N), None).map(|_| ()),
        ErrorKind::InvalidArgument,
        "null scalar",
    )
}

// own
fn fillna_invalid(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![N, N, N]], "a:int,b:str,c:double")?;
    let run = |v: FillValue, subset: Option<&[&str]>| e.fillna(&a, &v, subset).map(|_| ());
    expect_kind(
        run(FillValue::Scalar(Value::List(vec![s("b")])), None),
        ErrorKind::InvalidArgument,
        "a list value",
    )?;
    expect_kind(
        run(FillValue::PerColumn(Default::default()), None),
        ErrorKind::InvalidArgument,
        "an empty mapping",
    )?;
    expect_kind(
        run(FillValue::Scalar(d(1.5)), Some(&["a"])),
        ErrorKind::Cast,
        "1.5 into an int column",
    )?;
    expect_kind(
        run(FillValue::Scalar(s("x")), Some(&["a"])),
        ErrorKind::Cast,
        "text into an int column",
    )?;
    expect_kind(
        run(FillValue::Scalar(l(1)), Some(&["b"])),
        ErrorKind::Cast,
        "a number into a str column",
    )?;
    // fitting values work
    let r = ok(
        e.fillna(
            &a,
            &FillValue::PerColumn(
                [("a".to_string(), l(2)), ("b".to_string(), s("x")), ("c".to_string(), l(3))]
                    .into_iter()
                    .collect(),
            ),
            None,
        ),
        "fitting values",
    )?;
    eq(&r, vec![vec![i(2), s("x"), d(3.0)]], "a:int,b:str,c:double", "fitting values")
}

// own: Rust accepts falsy fill values (unlike Py)
fn fillna_falsy(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = ctx.df(vec![vec![N, N, N], vec![i(1), s("y"), b(true)]], "a:int,b:str,c:bool")?;
    let map = FillValue::PerColumn(
        [("a".to_string(), l(0)), ("b".to_string(), s("")), ("c".to_string(), b(false))]
            .into_iter()
            .collect(),
    );
    let r = ok(e.fillna(&a, &map, None), "falsy mapping")?;
    eq(
        &r,
        vec![vec![i(0), s(""), b(false)], vec![i(1), s("y"), b(true)]],
        "a:int,b:str,c:bool",
        "falsy values",
    )
}

// own (ENG-FILLNA-4 is a SHOULD)
fn fillna_unknown_column(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    expect_kind(
        e.fillna(&a, &FillValue::Scalar(l(1)), Some(&["zz"])).map(|_| ()),
        ErrorKind::NotFound,
        "unknown subset column",
    )?;
    let map = FillValue::PerColumn([("zz".to_string(), l(1))].into_iter().collect());
    expect_kind(e.fillna(&a, &map, None).map(|_| ()), ErrorKind::NotFound, "unknown mapped column")
}

// own
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let z = ctx.df(vec![], SCH)?;
    eq(&ok(e.dropna(&z, DropnaHow::Any, None, None), "dropna")?, vec![], SCH, "dropna")?;
    eq(
        &ok(e.dropna(&z, DropnaHow::All, Some(1), Some(&["a"])), "dropna")?,
        vec![],
        SCH,
        "dropna thresh",
    )?;
    eq(&ok(e.fillna(&z, &FillValue::Scalar(l(1)), None), "fillna")?, vec![], SCH, "fillna")
}
