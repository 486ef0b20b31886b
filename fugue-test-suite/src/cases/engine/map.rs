//! `map_dataframe` (E8–E11) and the cursor (PC-*).

use std::sync::atomic::{AtomicUsize, Ordering};

use arrow::array::new_null_array;
use arrow::datatypes::DataType;
use fugue_core::dataframe::DataFrame;
use fugue_core::engine::{OnInitFn, map_fn};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "map/basic",
            [
                "ENG-MAP-1",
                "ENG-MAP-2",
                "ENG-MAP-3",
                "ENG-MAP-4",
                "ENG-MAP-5",
                "ENG-MAP-6",
                "ENG-MAP-7",
                "ENG-MAP-11",
                "PG-1",
                "PG-2",
                "PG-3",
                "PG-6",
                "PG-7",
                "PC-3",
                "PC-4",
                "PC-9",
                "PC-10"
            ],
            basic
        ),
        case!(
            "map/special_values",
            ["PG-1", "PG-8", "ENG-MAP-6", "ENG-MAP-8", "PC-3"],
            special_values
        ),
        case!("map/struct_column", ["ENG-MAP-6", "ENG-MAP-8", "SCH-TYPE-6"], struct_column),
        case!("map/binary", ["ENG-MAP-8", "DF-OP-6", "DF-OP-7", "DF-OUT-1"], binary),
        case!(
            "map/cursor",
            ["PC-3", "PC-4", "PC-5", "PC-6", "PC-7", "PC-8", "PC-9", "PC-10", "PC-11", "ENG-MAP-5"],
            cursor
        ),
        case!("map/empty_inputs", ["PG-6", "PG-7", "ENG-MAP-4", "ENG-MAP-7"], empty_inputs),
    ]
}

fn data(ctx: &Ctx) -> Result<DataFrameRef, String> {
    ctx.df(
        vec![vec![d(1.0), i(2)], vec![N, i(2)], vec![N, i(1)], vec![d(3.0), i(4)], vec![N, i(4)]],
        "a:double,b:int",
    )
}

// E8
fn basic(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let a = data(ctx)?;
    let expected = rows_of(&a)?;
    let sc = a.schema().clone();
    let run = |f: MapFn, sp: PartitionSpec, init: Option<OnInitFn>| {
        ok(e.map_dataframe(&a, f, &sc, &sp, init), "map_dataframe")
    };
    let c = run(noop(), PartitionSpec::default(), None)?;
    eq(&c, expected.clone(), "a:double,b:int", "no partition")?;
    let c = run(noop(), spec(&["a"], "b", "", "")?, None)?;
    eq(&c, expected, "a:double,b:int", "keyed noop")?;
    let c = run(select_top(), spec(&["a"], "b", "", "")?, None)?;
    eq(
        &c,
        vec![vec![N, i(1)], vec![d(1.0), i(2)], vec![d(3.0), i(4)]],
        "a:double,b:int",
        "top asc",
    )?;
    let top_desc = vec![vec![N, i(4)], vec![d(1.0), i(2)], vec![d(3.0), i(4)]];
    let c = run(select_top(), spec(&["a"], "b DESC", "", "")?, None)?;
    eq(&c, top_desc.clone(), "a:double,b:int", "top desc")?;
    // num and on_init do not change results; on_init sees a non-empty frame
    let inits = Arc::new(AtomicUsize::new(0));
    let seen = inits.clone();
    let on_init: OnInitFn = Arc::new(move |_, df: &LocalDataFrame| {
        df.peek_array()?;
        seen.fetch_add(1, Ordering::SeqCst);
        Ok(())
    });
    let c = run(select_top(), spec(&["a"], "b DESC", "3", "")?, Some(on_init))?;
    eq(&c, top_desc, "a:double,b:int", "with num and on_init")?;
    let n = inits.load(Ordering::SeqCst);
    check(n >= 1, || "on_init was never called".into())
}

// E9
fn special_values(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    // two keys with nulls: (1, null) and (null, null) are different groups
    let o = ctx.df(
        vec![vec![d(1.0), N, i(1)], vec![d(1.0), N, i(0)], vec![N, N, i(2)]],
        "a:double,b:double,c:int",
    )?;
    let c = ok(
        e.map_dataframe(&o, select_top(), o.schema(), &spec(&["a", "b"], "c", "", "")?, None),
        "map two keys",
    )?;
    eq(&c, vec![vec![d(1.0), N, i(0)], vec![N, N, i(2)]], "a:double,b:double,c:int", "two keys")?;
    // null timestamps as keys, desc presort
    let t = dt("2021-03-04 05:06:07.123456")?;
    let o = ctx.df(
        vec![
            vec![t.clone(), i(2), d(1.0)],
            vec![N, i(2), N],
            vec![N, i(1), N],
            vec![t.clone(), i(5), d(1.0)],
            vec![N, i(4), N],
        ],
        "a:datetime,b:int,c:double",
    )?;
    let c = ok(
        e.map_dataframe(&o, select_top(), o.schema(), &spec(&["a", "c"], "b DESC", "", "")?, None),
        "map datetime keys",
    )?;
    eq(
        &c,
        vec![vec![N, i(4), N], vec![t.clone(), i(5), d(1.0)]],
        "a:datetime,b:int,c:double",
        "null timestamp keys",
    )?;
    // a map adding an all-null datetime column
    let with_nat = map_fn(|_, df| {
        let out_schema = df.schema().concat(&Schema::parse("nat:datetime")?)?;
        let batch = df.to_batch()?;
        let dtype = out_schema.data_type("nat").cloned().unwrap_or(DataType::Null);
        let mut columns = batch.columns().to_vec();
        columns.push(new_null_array(&dtype, batch.num_rows()));
        let batch = arrow::record_batch::RecordBatch::try_new(out_schema.arrow().clone(), columns)?;
        LocalDataFrame::new(out_schema, vec![batch])
    });
    let d2 = ok(
        e.map_dataframe(
            &c,
            with_nat,
            &schema("a:datetime,b:int,c:double,nat:datetime")?,
            &PartitionSpec::default(),
            None,
        ),
        "map adding a null datetime column",
    )?;
    eq(
        &d2,
        vec![vec![N, i(4), N, N], vec![t.clone(), i(5), d(1.0), N]],
        "a:datetime,b:int,c:double,nat:datetime",
        "all-null datetime column",
    )?;
    // a list column passes through
    let list_rows = vec![vec![t, Value::List(vec![i(1), i(2)])]];
    let o = ctx.df(list_rows.clone(), "a:datetime,b:[int]")?;
    let c = ok(
        e.map_dataframe(&o, select_top(), o.schema(), &spec(&["a"], "", "", "")?, None),
        "map list column",
    )?;
    eq_ordered(&c, list_rows, "a:datetime,b:[int]", "list column")
}

// E10
fn struct_column(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let t = dt("2021-03-04 05:06:07")?;
    let rows = vec![vec![t.clone(), Value::Struct(vec![("a".into(), l(1))])]];
    let o = ctx.df(rows.clone(), "a:datetime,b:{a:long}")?;
    let by_a = spec(&["a"], "", "", "")?;
    let c = ok(e.map_dataframe(&o, select_top(), o.schema(), &by_a, None), "keep struct")?;
    eq_ordered(&c, rows.clone(), "a:datetime,b:{a:long}", "struct kept")?;
    // the output drops the struct
    let mp2 = map_fn(|_, df| {
        let batch = df.to_batch()?;
        let out = Schema::parse("a:datetime")?;
        let batch = arrow::record_batch::RecordBatch::try_new(
            out.arrow().clone(),
            vec![batch.column(0).clone()],
        )?;
        LocalDataFrame::new(out, vec![batch])
    });
    let c = ok(e.map_dataframe(&o, mp2, &schema("a:datetime")?, &by_a, None), "drop struct")?;
    eq_ordered(&c, vec![vec![t.clone()]], "a:datetime", "struct dropped")?;
    // the output adds a struct
    let added = rows.clone();
    let mp3 = map_fn(move |_, _| LocalDataFrame::from_rows(added.clone(), "a:datetime,b:{a:long}"));
    let c =
        ok(e.map_dataframe(&c, mp3, &schema("a:datetime,b:{a:long}")?, &by_a, None), "add struct")?;
    eq_ordered(&c, rows, "a:datetime,b:{a:long}", "struct added")
}

// E11 (Py pickles objects; here the bytes themselves are rewritten)
fn binary(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let o = ctx.df(
        vec![vec![Value::Binary(b"a".to_vec())], vec![Value::Binary(b"b".to_vec())]],
        "a:bytes",
    )?;
    let binary_map = map_fn(|_, df| {
        let mut rows = df.as_array(None, true)?;
        for row in &mut rows {
            if let Some(Value::Binary(bytes)) = row.get_mut(0) {
                bytes.push(b'x');
            }
        }
        LocalDataFrame::from_rows(rows, df.schema().to_string().as_str())
    });
    let c =
        ok(e.map_dataframe(&o, binary_map, o.schema(), &PartitionSpec::default(), None), "map")?;
    eq(
        &c,
        vec![vec![Value::Binary(b"ax".to_vec())], vec![Value::Binary(b"bx".to_vec())]],
        "a:bytes",
        "binary rewritten",
    )
}

// own
fn cursor(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = ctx.df(
        vec![
            vec![i(1), s("x"), i(3)],
            vec![i(1), s("y"), i(1)],
            vec![i(2), s("x"), i(5)],
            vec![N, s("x"), i(2)],
            vec![i(2), s("x"), i(4)],
        ],
        "a:int,b:str,c:int",
    )?;
    let problems: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let p = problems.clone();
    let f = map_fn(move |cursor, data| {
        let mut issues = Vec::new();
        let row = cursor.row()?.clone();
        let first = data.rows()?.first().cloned().unwrap_or_default();
        if row != first {
            issues.push(format!("row {row:?} is not the first row {first:?}"));
        }
        if cursor.row_schema() != data.schema() {
            issues.push(format!("row_schema `{}`", cursor.row_schema()));
        }
        if *cursor.key_schema() != "b:str,a:int" {
            issues.push(format!("key_schema `{}` (expected by order b,a)", cursor.key_schema()));
        }
        let keys = cursor.key_value_array()?;
        if keys != vec![row[1].clone(), row[0].clone()] {
            issues.push(format!("key_value_array {keys:?}"));
        }
        let dict = cursor.key_value_dict()?;
        let names: Vec<&String> = dict.keys().collect();
        if names != ["b", "a"] || dict.get("a") != Some(&row[0]) {
            issues.push(format!("key_value_dict {dict:?}"));
        }
        if cursor.get("c")? != &row[2] {
            issues.push("get(c)".into());
        }
        if cursor.get("zz").map_err(|e| e.kind()) != Err(ErrorKind::NotFound) {
            issues.push("get of a missing column must be ERR-NOT-FOUND".into());
        }
        if cursor.slice_no() != 0 {
            issues.push(format!("slice_no {}", cursor.slice_no()));
        }
        if !issues.is_empty() {
            p.lock().map_err(|_| Error::user("poisoned"))?.extend(issues);
        }
        Ok(data)
    });
    let sp = spec(&["b", "a"], "c desc", "", "")?;
    let r = ok(e.map_dataframe(&df, f, df.schema(), &sp, None), "map")?;
    check(count(&r)? == 5, || "rows lost".into())?;
    let problems = problems.lock().map_err(|_| "poisoned".to_string())?.clone();
    check(problems.is_empty(), || format!("cursor problems: {}", problems.join("; ")))?;
    // logical partition numbers are non-negative and distinct within a physical partition
    let calls = Arc::new(Mutex::new(Vec::new()));
    ok(e.map_dataframe(&df, recorder(calls.clone()), df.schema(), &sp, None), "map")?;
    let calls = take_calls(&calls)?;
    check(calls.len() == 4, || format!("expected 4 logical partitions, got {}", calls.len()))?;
    let mut seen = std::collections::HashSet::new();
    for c in &calls {
        check(seen.insert((c.physical, c.logical)), || {
            format!("partition_no {} repeats in physical partition {}", c.logical, c.physical)
        })?;
    }
    Ok(())
}

// own: no call and no on_init on empty input, whatever the spec
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = ctx.df(vec![], "a:int,b:str")?;
    let out = schema("x:long")?;
    for sp in [
        PartitionSpec::default(),
        PartitionSpec::num(3),
        spec(&["a"], "b", "", "")?,
        spec(&["a"], "", "2", "even")?,
        spec(&[], "", "3", "even")?,
        spec(&["a"], "", "2", "coarse")?,
        spec(&["a"], "", "2", "hash")?,
        spec(&[], "", "2", "rand")?,
        PartitionSpec::per_row(),
    ] {
        let calls = Arc::new(AtomicUsize::new(0));
        let inits = Arc::new(AtomicUsize::new(0));
        let (c2, i2) = (calls.clone(), inits.clone());
        let f = map_fn(move |_, _| {
            c2.fetch_add(1, Ordering::SeqCst);
            LocalDataFrame::from_rows(vec![vec![l(1)]], "x:long")
        });
        let init: OnInitFn = Arc::new(move |_, _| {
            i2.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
        let r = ok(e.map_dataframe(&df, f, &out, &sp, Some(init)), "map of an empty frame")?;
        eq(&r, vec![], "x:long", &format!("empty map result with spec {}", sp.to_json_string()))?;
        check(calls.load(Ordering::SeqCst) == 0, || {
            format!(
                "the map function was called on empty input (PG-6), spec {}",
                sp.to_json_string()
            )
        })?;
        check(inits.load(Ordering::SeqCst) == 0, || {
            format!("on_init was called on empty input (PG-7), spec {}", sp.to_json_string())
        })?;
    }
    Ok(())
}
