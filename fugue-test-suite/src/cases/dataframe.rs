//! The dataframe suite (CHECKLIST §2, D1–D24): frame operations on frames
//! made by the target (local frames, or an engine's `to_df`).

// Comparing a schema's canonical text with a literal is the point of several
// checks here (SCH-PRINT), not an accidental allocation.
#![allow(clippy::cmp_owned)]

use std::sync::Arc;

use fugue_core::dataframe::{DataFrameExt, DataFrameRef, Metadata, ShowOptions};
use fugue_core::{DataFrame, ErrorKind, LocalDataFrame, Result, Row, Schema, Value};

use crate::compare::{FrameEq, df_eq};
use crate::{Case, CaseResult, Ctx};

macro_rules! case {
    ($name:literal, [$($rule:literal),*], $f:expr) => {
        Case { name: concat!("dataframe/", $name), rules: &[$($rule),*], needs: &[], run: $f }
    };
}

/// The cases of this group.
pub fn cases() -> Vec<Case> {
    vec![
        case!("native", ["DF-OP-16", "DF-KIND-3"], native),
        case!("peek", ["DF-OP-1", "DF-OP-2", "DF-OP-3", "DF-OP-4"], peek),
        case!("as_arrow", ["DF-KIND-3", "DF-KIND-5"], as_arrow_conversion),
        case!("as_local", ["DF-KIND-2", "DF-KIND-3", "DF-META-1", "DF-META-2"], as_local),
        case!("drop_columns", ["DF-OP-11", "DF-OP-6"], drop_columns),
        case!("select", ["DF-OP-10", "SCH-EQ-2"], select),
        case!("rename", ["DF-OP-13"], rename),
        case!("rename_invalid", ["DF-OP-13"], rename_invalid),
        case!("as_array", ["DF-OP-6", "DF-OP-7", "DF-OP-8", "DF-OUT-1", "DF-VAL-4"], as_array),
        case!(
            "as_array_special_values",
            ["DF-VAL-3", "DF-VAL-5", "DF-OUT-1", "DF-OUT-2"],
            special_values
        ),
        case!("as_dict_iterable", ["DF-OP-9", "DF-OUT-2"], as_dicts_nulls),
        case!("as_dicts", ["DF-OP-9"], as_dicts),
        case!("list_type", ["SCH-TYPE-6", "DF-VAL-9"], list_type),
        case!("struct_type", ["SCH-TYPE-6", "DF-VAL-7", "DF-OUT-1"], struct_type),
        case!("map_type", ["SCH-TYPE-6", "DF-VAL-8", "DF-OUT-1"], map_type),
        case!("deep_nested_types", ["DF-VAL-7", "DF-VAL-9"], deep_nested),
        case!("binary_type", ["SCH-TYPE-2", "DF-VAL-10"], binary_type),
        case!("as_arrow_nested", ["DF-KIND-3", "DF-VAL-3", "SCH-TYPE-8"], as_arrow_nested),
        case!("head", ["DF-OP-5"], head),
        case!("show", ["DF-SHOW-1", "DF-SHOW-2", "DF-SHOW-3", "DF-SHOW-4", "DF-SHOW-5"], show),
        case!(
            "alter_columns",
            [
                "DF-OP-14",
                "DF-CAST-1",
                "DF-CAST-4",
                "DF-CAST-5",
                "DF-CAST-7",
                "DF-CAST-8",
                "DF-CAST-9",
                "DF-CAST-10",
                "DF-CAST-11",
                "DF-CAST-12",
                "DF-CAST-13",
                "DF-CAST-14",
                "DF-CAST-15",
                "DF-CAST-16"
            ],
            alter_columns
        ),
        case!("alter_columns_invalid", ["DF-OP-14", "DF-CAST-13"], alter_columns_invalid),
        case!("get_column_names", ["DF-OP-15", "SCH-NAME-2", "SCH-PRINT-2"], column_names),
        case!("rename_any_names", ["DF-OP-13"], rename_any_names),
    ]
}

use crate::helpers::{check, d, date, dt, expect_kind, i, l, ok, s};

fn rows(df: &DataFrameRef) -> Result<Vec<Row>, String> {
    ok(df.as_array(None, false), "as_array")
}

// D1
fn native(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![i(1)]], "a:int")?;
    let local = ok(df.as_local_bounded(), "as_local_bounded")?;
    let again: DataFrameRef = Arc::new(local.clone());
    df_eq(again.as_ref(), vec![vec![i(1)]], "a:int", FrameEq::default())?;
    // re-wrapping a local frame shares its data (identity, DF-KIND-3)
    let twice = ok(again.as_local_bounded(), "as_local_bounded again")?;
    check(
        twice.batches().iter().zip(local.batches()).all(|(a, b)| {
            a.columns().iter().zip(b.columns()).all(|(x, y)| x.to_data().ptr_eq(&y.to_data()))
        }),
        || "converting a local frame again copied its data".into(),
    )
}

// D2
fn peek(ctx: &Ctx) -> CaseResult {
    let empty = ctx.df(vec![], "a:int")?;
    expect_kind(empty.peek_array(), ErrorKind::Empty, "peek_array on empty")?;
    expect_kind(empty.peek_dict(), ErrorKind::Empty, "peek_dict on empty")?;
    check(ok(empty.is_empty(), "empty")?, || "empty frame not empty".into())?;
    let df = ctx.df(vec![vec![i(0), s("a")]], "a:int,b:str")?;
    check(ok(df.count(), "count")? == 1, || "count != 1".into())?;
    check(!ok(df.is_empty(), "empty")?, || "non-empty frame reports empty".into())?;
    check(ok(df.peek_array(), "peek")? == vec![i(0), s("a")], || "peek_array".into())?;
    let dict = ok(df.peek_dict(), "peek_dict")?;
    check(dict.get("a") == Some(&i(0)) && dict.get("b") == Some(&s("a")), || {
        format!("peek_dict {dict:?}")
    })
}

// D3
fn as_arrow_conversion(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![i(0), s("a")]], "a:int,b:str")?;
    let batch = ok(df.as_arrow(), "as_arrow")?;
    check(batch.num_rows() == 1 && batch.num_columns() == 2, || "as_arrow shape".into())?;
    let empty = ctx.df(vec![], "a:int,b:str")?;
    let batch = ok(empty.as_arrow(), "as_arrow empty")?;
    let schema = ok(Schema::from_arrow(batch.schema().as_ref()), "schema")?;
    check(batch.num_rows() == 0 && schema.to_string() == "a:int,b:str", || {
        format!("empty as_arrow: {schema}")
    })
}

// D4
fn as_local(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![s("a"), i(1)]], "a:str,b:int")?;
    let mut m = Metadata::new();
    m.insert("a".into(), serde_json::json!(1));
    let with_meta = df.with_metadata(m.clone());
    let local = ok(with_meta.as_local_bounded(), "as_local_bounded")?;
    check(local.is_local() && local.is_bounded(), || "as_local_bounded flags".into())?;
    check(local.metadata() == &m, || "metadata lost by as_local_bounded (DF-META-2)".into())?;
    df_eq(&local, vec![vec![s("a"), i(1)]], "a:str,b:int", FrameEq::default())
}

// D5
fn drop_columns(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![], "a:str,b:int")?;
    let r = ok(df.drop_columns(&["a"]), "drop on empty")?;
    check(r.schema().to_string() == "b:int", || format!("drop schema {}", r.schema()))?;
    let df = ctx.df(vec![vec![s("a"), i(1)]], "a:str,b:int")?;
    let r = ok(df.drop_columns(&["a"]), "drop")?;
    df_eq(r.as_ref(), vec![vec![i(1)]], "b:int", FrameEq::default())?;
    expect_kind(df.drop_columns(&["a", "b"]), ErrorKind::DataFrameOp, "drop all")?;
    expect_kind(df.drop_columns(&["x"]), ErrorKind::DataFrameOp, "drop missing")
}

// D6
fn select(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![s("a"), i(1), i(2)]], "a:str,b:int,c:int")?;
    expect_kind(df.select_columns(&[]), ErrorKind::DataFrameOp, "select []")?;
    expect_kind(df.select_columns(&["x"]), ErrorKind::DataFrameOp, "select missing")?;
    let r = ok(df.select_columns(&["c", "a"]), "select")?;
    check(r.schema() == "c:int,a:str", || format!("schema {}", r.schema()))?;
    df_eq(r.as_ref(), vec![vec![i(2), s("a")]], "c:int,a:str", FrameEq::ordered())
}

// D7
fn rename(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![s("a"), i(1)]], "a:str,b:int")?;
    let r = ok(df.rename(&[("a", "aa")]), "rename")?;
    check(df.schema().to_string() == "a:str,b:int", || "source frame changed".into())?;
    df_eq(r.as_ref(), vec![vec![s("a"), i(1)]], "aa:str,b:int", FrameEq::default())?;
    let same = ok(df.rename(&[]), "empty rename")?;
    df_eq(same.as_ref(), vec![vec![s("a"), i(1)]], "a:str,b:int", FrameEq::default())
}

// D8
fn rename_invalid(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![s("a"), i(1)]], "a:str,b:int")?;
    expect_kind(df.rename(&[("x", "y")]), ErrorKind::DataFrameOp, "rename missing")?;
    expect_kind(df.rename(&[("a", "b")]), ErrorKind::DataFrameOp, "rename onto an existing name")
}

// D9
fn as_array(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![i(1), s("a")], vec![i(2), s("b")]], "a:int,b:str")?;
    check(rows(&df)? == vec![vec![i(1), s("a")], vec![i(2), s("b")]], || "as_array".into())?;
    let r = ok(df.as_array(Some(&["b", "a"]), true), "as_array columns")?;
    check(r == vec![vec![s("a"), i(1)], vec![s("b"), i(2)]], || format!("reordered {r:?}"))?;
    expect_kind(df.as_array(Some(&[]), false), ErrorKind::InvalidArgument, "empty column list")?;
    expect_kind(df.as_array(Some(&["x"]), false), ErrorKind::NotFound, "missing column")?;
    // a double column holding 1 stays a float; an int column stays an int (DF-OUT-1, DF-VAL-4)
    let df = ctx.df(vec![vec![l(1), d(1.0)]], "a:double,b:int")?;
    let r = rows(&df)?;
    check(r == vec![vec![d(1.0), i(1)]], || format!("types not kept: {r:?}"))
}

// D10
fn special_values(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(
        vec![
            vec![s("2020-01-01 01:02:03"), d(f64::NAN), d(f64::INFINITY)],
            vec![Value::Null, Value::Null, d(1.0)],
        ],
        "a:datetime,b:double,c:double",
    )?;
    let r = rows(&df)?;
    check(
        r == vec![
            vec![dt("2020-01-01 01:02:03")?, Value::Null, d(f64::INFINITY)],
            vec![Value::Null, Value::Null, d(1.0)],
        ],
        || format!("special values: {r:?}"),
    )
}

// D11
fn as_dicts_nulls(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![Value::Null, i(1)]], "a:datetime,b:int")?;
    let r = ok(df.as_dicts(None), "as_dicts")?;
    check(
        r.len() == 1 && r[0].get("a") == Some(&Value::Null) && r[0].get("b") == Some(&i(1)),
        || format!("{r:?}"),
    )?;
    let r = ok(df.as_dicts(Some(&["b"])), "as_dicts columns")?;
    check(r[0].len() == 1 && r[0].get("b") == Some(&i(1)), || format!("{r:?}"))
}

// D12
fn as_dicts(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![s("a"), i(1)], vec![s("b"), i(2)]], "a:str,b:int")?;
    let r = ok(df.as_dicts(Some(&["b", "a"])), "as_dicts")?;
    let keys: Vec<&String> = r[0].keys().collect();
    check(keys == ["b", "a"] && r[1].get("a") == Some(&s("b")), || format!("{r:?}"))
}

// D13
fn list_type(ctx: &Ctx) -> CaseResult {
    let data = vec![
        vec![Value::List(vec![d(30.0), d(40.0)])],
        vec![Value::Null],
        vec![Value::List(vec![])],
    ];
    let df = ctx.df(data.clone(), "a:[double]")?;
    let r = rows(&df)?;
    check(r == data, || format!("list round trip: {r:?}"))
}

// D14
fn struct_type(ctx: &Ctx) -> CaseResult {
    let v = Value::Struct(vec![("a".into(), s("1")), ("b".into(), i(2))]);
    let df = ctx.df(vec![vec![v.clone()], vec![Value::Null]], "a:{a:str,b:int}")?;
    let r = rows(&df)?;
    check(r == vec![vec![v], vec![Value::Null]], || format!("struct round trip: {r:?}"))
}

// D15
fn map_type(ctx: &Ctx) -> CaseResult {
    let m = Value::Map(vec![(s("b"), i(2)), (s("a"), i(1))]);
    let df = ctx.df(vec![vec![m.clone()], vec![Value::Null]], "a:<str,int>")?;
    let r = rows(&df)?;
    check(r == vec![vec![m], vec![Value::Null]], || format!("map round trip (order kept): {r:?}"))
}

// D16
fn deep_nested(ctx: &Ctx) -> CaseResult {
    let input = Value::Struct(vec![("a".into(), i(1)), ("extra".into(), s("dropped"))]);
    let df = ctx.df(vec![vec![input]], "x:{a:int,b:[{c:str,d:[long]}]}")?;
    let r = rows(&df)?;
    let want = Value::Struct(vec![("a".into(), i(1)), ("b".into(), Value::Null)]);
    check(r == vec![vec![want]], || format!("missing field → null, extra dropped: {r:?}"))?;
    let nested = Value::Struct(vec![
        ("a".into(), i(2)),
        (
            "b".into(),
            Value::List(vec![Value::Struct(vec![
                ("c".into(), s("x")),
                ("d".into(), Value::List(vec![l(1), l(2)])),
            ])]),
        ),
    ]);
    let df = ctx.df(vec![vec![nested.clone()]], "x:{a:int,b:[{c:str,d:[long]}]}")?;
    check(rows(&df)? == vec![vec![nested]], || "list of structs with lists".into())
}

// D17
fn binary_type(ctx: &Ctx) -> CaseResult {
    let data = vec![vec![Value::Binary(b"\x00\x01abc".to_vec())], vec![Value::Null]];
    let df = ctx.df(data.clone(), "a:bytes")?;
    check(rows(&df)? == data, || "binary round trip".into())
}

// D18
fn as_arrow_nested(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(
        vec![vec![
            Value::List(vec![d(1.0), d(f64::NAN)]),
            Value::Null,
            Value::Struct(vec![("x".into(), i(1))]),
        ]],
        "a:[double],b:datetime,c:{x:int}",
    )?;
    let batch = ok(df.as_arrow(), "as_arrow")?;
    let schema = ok(Schema::from_arrow(batch.schema().as_ref()), "schema")?;
    check(schema.to_string() == "a:[double],b:datetime,c:{x:int}", || format!("schema {schema}"))?;
    let back = ok(LocalDataFrame::from_batch(batch), "from_batch")?;
    let r = ok(back.rows(), "rows")?;
    check(
        r == vec![vec![
            Value::List(vec![d(1.0), Value::Null]),
            Value::Null,
            Value::Struct(vec![("x".into(), i(1))]),
        ]],
        || format!("NaN inside a list must come back as null: {r:?}"),
    )
}

// D19
fn head(ctx: &Ctx) -> CaseResult {
    let empty = ctx.df(vec![], "a:int,b:str")?;
    check(ok(empty.head(1, None), "head")?.num_rows() == 0, || "head of empty".into())?;
    let df = ctx.df(vec![vec![i(0), s("a")], vec![i(1), s("b")]], "a:int,b:str")?;
    let h = ok(df.head(1, Some(&["b"])), "head with columns")?;
    check(h.is_local() && h.is_bounded() && h.schema() == "b:str" && h.num_rows() == 1, || {
        "head(1, [b])".into()
    })?;
    check(ok(df.head(0, None), "head 0")?.num_rows() == 0, || "head(0)".into())?;
    check(ok(df.head(100, None), "head 100")?.num_rows() == 2, || "head(100)".into())
}

// D20
fn show(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![i(0), s("a")], vec![Value::Null, s("b")]], "a:int,b:str")?;
    let text = ok(
        df.show_string(&ShowOptions { n: 10, with_count: true, title: Some("title".into()) }),
        "show",
    )?;
    check(text.starts_with("title\n"), || format!("title line: {text}"))?;
    check(text.contains("a:int") && text.contains("b:str"), || format!("header: {text}"))?;
    check(text.contains("NULL") && text.contains("Total count: 2"), || {
        format!("null/count: {text}")
    })?;
    ok(df.show(1, false, None), "show to stdout")
}

// D21
fn alter_columns(ctx: &Ctx) -> CaseResult {
    let alter = |df: &DataFrameRef, to: &str| -> Result<DataFrameRef, String> {
        let sub: Schema = ok(to.parse(), "subschema")?;
        ok(df.alter_columns(&sub), "alter_columns")
    };
    let empty = ctx.df(vec![], "a:str,b:int")?;
    let r = alter(&empty, "a:str,b:str")?;
    check(r.schema() == "a:str,b:str", || format!("empty: {}", r.schema()))?;
    let df = ctx.df(vec![vec![s("a"), i(1)]], "a:str,b:int")?;
    let r = alter(&df, "b:int,a:str")?;
    df_eq(r.as_ref(), vec![vec![s("a"), i(1)]], "a:str,b:int", FrameEq::ordered())?;
    let df = ctx.df(
        vec![
            vec![Value::Bool(true), i(1), d(1.1), date(2020, 1, 2)?, dt("2020-01-02 03:04:05")?],
            vec![Value::Null; 5],
        ],
        "a:bool,b:int,c:double,d:date,e:datetime",
    )?;
    let r = alter(&df, "a:str,b:str,c:str,d:str,e:str")?;
    df_eq(
        r.as_ref(),
        vec![
            vec![s("true"), s("1"), s("1.1"), s("2020-01-02"), s("2020-01-02 03:04:05")],
            vec![Value::Null; 5],
        ],
        "a:str,b:str,c:str,d:str,e:str",
        FrameEq::default(),
    )?;
    let df = ctx.df(vec![vec![i(1), d(1.7)], vec![i(2), d(-1.7)]], "a:int,b:double")?;
    let r = alter(&df, "a:double,b:int")?;
    df_eq(
        r.as_ref(),
        vec![vec![d(1.0), i(1)], vec![d(2.0), i(-1)]],
        "a:double,b:int",
        FrameEq::default(),
    )?;
    let df = ctx.df(
        vec![
            vec![s("True"), s("1"), s("1.5"), s("2020-01-02"), s("2020-01-02 03:04:05")],
            vec![Value::Null; 5],
        ],
        "a:str,b:str,c:str,d:str,e:str",
    )?;
    let r = alter(&df, "a:bool,b:int,c:double,d:date,e:datetime")?;
    df_eq(
        r.as_ref(),
        vec![
            vec![Value::Bool(true), i(1), d(1.5), date(2020, 1, 2)?, dt("2020-01-02 03:04:05")?],
            vec![Value::Null; 5],
        ],
        "a:bool,b:int,c:double,d:date,e:datetime",
        FrameEq::default(),
    )
}

// D22
fn alter_columns_invalid(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![s("1")], vec![s("x")]], "a:str")?;
    let sub: Schema = ok("a:int".parse(), "subschema")?;
    // ERR-CAST at the latest when materialised
    let result = df.alter_columns(&sub).and_then(|r| r.as_array(None, false));
    expect_kind(result, ErrorKind::Cast, "str `x` to int")?;
    expect_kind(
        df.alter_columns(&ok("zz:int".parse(), "subschema")?),
        ErrorKind::InvalidArgument,
        "unknown column",
    )
}

// D23
fn column_names(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![i(0), i(1), i(2)]], "`0`:int,`1`:int,`2`:int")?;
    check(df.column_names() == ["0", "1", "2"], || format!("{:?}", df.column_names()))?;
    check(df.schema().to_string() == "`0`:int,`1`:int,`2`:int", || {
        format!("printed {}", df.schema())
    })
}

// D24
fn rename_any_names(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(vec![vec![i(0), i(1), i(2)]], "`0`:int,`1`:int,`2`:int")?;
    let same = ok(df.rename(&[]), "empty rename")?;
    check(same.schema() == df.schema(), || "empty rename".into())?;
    let r = ok(df.rename(&[("0", "_0"), ("1", "_1"), ("2", "_2")]), "rename")?;
    check(r.schema().to_string() == "_0:int,_1:int,_2:int", || format!("{}", r.schema()))
}
