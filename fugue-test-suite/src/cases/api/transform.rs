//! `api::transform` / `api::out_transform`: every input and output shape,
//! schema hints, params, `on_init` state, presort and the cursor,
//! `ignore_errors`, output conformance, user errors and panics (WF-TR,
//! WF-SIG, WF-OTR, WF-API-1, WF-API-3; CHECKLIST B36, B39).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use arrow::record_batch::RecordBatch;
use fugue_api::api;
use fugue_api::extension::convert::RowMap;
use fugue_api::extension::{
    Batches, ExtensionContext, IgnoreErrors, OutputSchema, OutputTransformer, TransformContext,
    Transformer, output_transformer, transformer,
};
use fugue_core::{PartitionSpec, Schema};
use serde::{Deserialize, Serialize};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "transform/input_shapes",
            ["WF-SIG-1c", "WF-SIG-1d", "WF-SIG-2a", "WF-SIG-6", "WF-TR-5", "WF-TR-9", "WF-API-1"],
            input_shapes
        ),
        case!(
            "transform/typed_rows",
            ["WF-SIG-1d", "WF-SIG-4", "WF-SIG-5", "WF-SIG-6", "WF-TR-2"],
            typed_rows
        ),
        case!(
            "transform/schema_hints",
            ["WF-TR-1", "WF-TR-3", "SCH-HINT-1", "SCH-HINT-10", "WF-SIG-5"],
            schema_hints
        ),
        case!("transform/params", ["WF-CTX-1", "WF-CTX-2", "WF-TR-6", "WF-SIG-7"], params),
        case!(
            "transform/on_init_state",
            ["WF-TR-4", "WF-CTX-7", "ENG-MAP-4", "WF-EXT-8"],
            on_init_state
        ),
        case!(
            "transform/presort_cursor",
            ["WF-CTX-5", "WF-CTX-6", "WF-CTX-7", "WF-TR-3", "WF-TR-5", "PC-3", "PC-4"],
            presort_cursor
        ),
        case!("transform/ignore_errors", ["WF-TR-7", "WF-COTR-7"], ignore_errors),
        case!(
            "transform/output_conformance",
            ["WF-SIG-5", "ENG-MAP-6", "WF-TR-5"],
            output_conformance
        ),
        case!("transform/user_error", ["ENG-MAP-9", "WF-TR-5", "WF-TR-7"], user_error),
        case!("transform/missing_schema", ["WF-TR-2", "WF-SIG-4"], missing_schema),
        case!(
            "transform/out_transform_eager",
            ["WF-OTR-1", "WF-OTR-2", "WF-OTR-3", "WF-API-3", "WF-TR-8", "WF-SIG-2b", "WF-EXT-6"],
            out_transform_eager
        ),
    ]
}

/// Identity through `shape` must give back the input; `what` names it.
fn identity_check<M>(
    e: &EngineRef,
    using: impl fugue_api::extension::IntoTransformer<M>,
    what: &str,
) -> CaseResult {
    let df = kv()?;
    let out =
        ok(api::transform(df, using).schema("*").partition("k").engine(e.clone()).run(), what)?;
    eq(&out, vec![vec![s("a"), l(1)], vec![s("a"), l(3)], vec![s("b"), l(2)]], "k:str,v:long", what)
}

// B36-like: each WF-SIG-1c/1d input shape, as identity and as a count per key
fn input_shapes(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    identity_check(&e, |df: LocalDataFrame| df, "LocalDataFrame")?;
    identity_check(&e, |b: RecordBatch| b, "RecordBatch")?;
    identity_check(&e, |b: Vec<RecordBatch>| b, "Vec<RecordBatch>")?;
    identity_check(&e, |b: Batches| b, "Batches stream")?;
    identity_check(&e, |rows: Vec<Row>| rows, "Vec<Row>")?;
    identity_check(&e, |rows: Vec<RowMap>| rows, "Vec<RowMap>")?;
    // the whole logical partition reaches one call, in every shape
    let counts = [
        ok(
            api::transform(kv()?, |rows: Vec<Row>| {
                vec![vec![rows[0][0].clone(), l(rows.len() as i64)]]
            })
            .schema("k:str,n:long")
            .partition("k")
            .engine(e.clone())
            .run(),
            "count rows",
        )?,
        ok(
            api::transform(kv()?, |b: Batches| -> Result<Vec<Row>> {
                let mut n = 0;
                let mut key = N;
                for batch in b {
                    let local = LocalDataFrame::from_batch(batch?)?;
                    let rows = local.rows()?;
                    key = rows[0][0].clone();
                    n += rows.len() as i64;
                }
                Ok(vec![vec![key, l(n)]])
            })
            .schema("k:str,n:long")
            .partition("k")
            .engine(e.clone())
            .run(),
            "count stream",
        )?,
        ok(
            api::transform(kv()?, |rows: Vec<RowMap>| -> Vec<RowMap> {
                let mut m = RowMap::new();
                m.insert("n".into(), l(rows.len() as i64));
                m.insert("k".into(), rows[0]["k"].clone());
                vec![m]
            })
            .schema("k:str,n:long")
            .partition("k")
            .engine(e.clone())
            .run(),
            "count maps",
        )?,
    ];
    for (out, what) in counts.iter().zip(["rows", "stream", "row maps"]) {
        eq(out, vec![vec![s("a"), l(2)], vec![s("b"), l(1)]], "k:str,n:long", what)?;
    }
    // rows carry schema-typed values (WF-SIG-6): `v` is a long
    let typed = ok(
        api::transform(kv()?, |rows: Vec<Row>| -> Result<Vec<Row>> {
            rows.into_iter()
                .map(|r| match &r[1] {
                    Value::Int64(_) => Ok(r),
                    other => Err(Error::user(format!("v arrived as {other:?}"))),
                })
                .collect()
        })
        .schema("*")
        .engine(e.clone())
        .run(),
        "typed values",
    )?;
    check(typed.num_rows() == 3, || format!("typed values: {} rows", typed.num_rows()))
}

#[derive(Debug, Serialize, Deserialize)]
struct Sale {
    k: String,
    v: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Total {
    k: String,
    total: i64,
    items: i64,
}

fn totals(rows: Vec<Sale>) -> Vec<Total> {
    let mut by: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in rows {
        let t = by.entry(r.k).or_default();
        t.0 += r.v;
        t.1 += 1;
    }
    by.into_iter().map(|(k, (total, items))| Total { k, total, items }).collect()
}

// own: typed rows through serde both ways; the schema derived from the
// output type when the call gives none
fn typed_rows(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let derived = ok(fugue_api::extension::convert::schema_of::<Total>(), "schema_of")?;
    check(derived == "k:str,total:long,items:long", || {
        format!("schema derived from Total: {derived}")
    })?;
    let out = ok(api::transform(kv()?, totals).partition("k").engine(e.clone()).run(), "typed")?;
    eq(
        &out,
        vec![vec![s("a"), l(4), l(2)], vec![s("b"), l(2), l(1)]],
        "k:str,total:long,items:long",
        "typed rows, derived schema",
    )?;
    // an explicit schema wins: a subset, cast to int (WF-SIG-5)
    let out = ok(
        api::transform(kv()?, totals)
            .schema("k:str,total:int")
            .partition("k")
            .engine(e.clone())
            .run(),
        "typed with schema",
    )?;
    eq(
        &out,
        vec![vec![s("a"), i(4)], vec![s("b"), i(2)]],
        "k:str,total:int",
        "typed, explicit schema",
    )?;
    // unreadable typed input: a column of the wrong shape is ERR-CAST (in ERR-USER)
    #[derive(Debug, Serialize, Deserialize)]
    struct Wrong {
        k: i64,
    }
    let r = api::transform(kv()?, |rows: Vec<Wrong>| {
        rows.into_iter().map(|w| Sale { k: w.k.to_string(), v: 0 }).collect::<Vec<_>>()
    })
    .engine(e.clone())
    .run();
    expect_kind_or_source(r, ErrorKind::Cast, "typed rows from a str column into i64")
}

// own: SCH-HINT forms reach the transformer's output schema
fn schema_hints(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let abc =
        || local(vec![vec![i(1), l(10), s("x")], vec![i(2), l(20), s("y")]], "a:int,b:long,c:str");
    // `*,x:long`: add a column
    let add = |df: LocalDataFrame| -> Result<LocalDataFrame> {
        let n = df.num_rows() as i64;
        df.with_column("x", Arc::new(arrow::array::Int64Array::from_iter_values(0..n)))
    };
    let out =
        ok(api::transform(abc()?, add).schema("*,x:long").engine(e.clone()).run(), "*,x:long")?;
    check(*out.schema() == "a:int,b:long,c:str,x:long", || {
        format!("*,x:long gave {}", out.schema())
    })?;
    // `*-b`: remove a column (the batch keeps it; conformance drops it)
    let out = ok(
        api::transform(abc()?, |b: RecordBatch| b).schema("*-b").engine(e.clone()).run(),
        "*-b",
    )?;
    eq(&out, vec![vec![i(1), s("x")], vec![i(2), s("y")]], "a:int,c:str", "*-b")?;
    // an explicit schema
    let sc = ok(Schema::parse("c:str,a:long"), "schema")?;
    let out = ok(
        api::transform(abc()?, |b: RecordBatch| b).schema(sc).engine(e.clone()).run(),
        "explicit",
    )?;
    eq(&out, vec![vec![s("x"), l(1)], vec![s("y"), l(2)]], "c:str,a:long", "explicit schema")?;
    // a function of the input schema and the params (SCH-HINT-10)
    let f = OutputSchema::from_fn(|input: &Schema, p: &fugue_api::extension::Params| {
        let col: String = p.get("col", "y".to_string())?;
        input.transform("*-b")?.transform(&format!("*,{col}:long"))
    });
    let out = ok(
        api::transform(abc()?, |rows: Vec<RowMap>| -> Vec<RowMap> {
            rows.into_iter()
                .map(|mut m| {
                    m.insert("z".into(), l(7));
                    m
                })
                .collect()
        })
        .schema(f)
        .params([("col", "z")])
        .engine(e.clone())
        .run(),
        "schema fn",
    )?;
    eq(
        &out,
        vec![vec![i(1), s("x"), l(7)], vec![i(2), s("y"), l(7)]],
        "a:int,c:str,z:long",
        "schema fn",
    )?;
    // the extension's own schema, overridden by the call's
    let t = transformer(|b: RecordBatch| b).schema("a:int");
    let out = ok(api::transform(abc()?, t.clone()).engine(e.clone()).run(), "extension schema")?;
    eq(&out, vec![vec![i(1)], vec![i(2)]], "a:int", "extension schema")?;
    let out = ok(api::transform(abc()?, t).schema("c:str").engine(e.clone()).run(), "override")?;
    eq(&out, vec![vec![s("x")], vec![s("y")]], "c:str", "call schema overrides")?;
    // a hint that removes every column is ERR-SCHEMA (SCH-HINT-11)
    expect_kind(
        api::transform(abc()?, |b: RecordBatch| b).schema("*-a,b,c").engine(e.clone()).run(),
        ErrorKind::Schema,
        "empty output schema",
    )
}

// own: params reach the function (and its context), conf is the engine's
fn params(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let f = transformer(|c: &TransformContext<'_>, rows: Vec<Row>| -> Result<Vec<Row>> {
        let factor: i64 = c.params().get("factor", 1)?;
        let label: String = c.params().get("label", String::new())?;
        let test_conf: bool = c.conf().get(fugue_core::conf::TEST, false)?;
        rows.into_iter()
            .map(|r| {
                Ok(vec![
                    r[0].clone(),
                    l(as_i64(&r[1])? * factor),
                    s(&label),
                    Value::Bool(test_conf),
                ])
            })
            .collect()
    });
    let out = ok(
        api::transform(kv()?, f)
            .schema("k:str,v:long,label:str,test:bool")
            .params(serde_json::json!({"factor": 10, "label": "ten"}))
            .engine(e.clone())
            .run(),
        "params",
    )?;
    let test = e.conf().get(fugue_core::conf::TEST, false).map_err(|e| e.to_string())?;
    eq(
        &out,
        vec![
            vec![s("a"), l(10), s("ten"), Value::Bool(test)],
            vec![s("a"), l(30), s("ten"), Value::Bool(test)],
            vec![s("b"), l(20), s("ten"), Value::Bool(test)],
        ],
        "k:str,v:long,label:str,test:bool",
        "params and conf",
    )
}

/// A trait transformer: `on_init` counts and reads a param; `transform`
/// numbers its calls, so state is visible across calls of one instance.
#[derive(Clone, Default)]
struct Sequencer {
    tag: String,
    inits: i64,
    seq: i64,
}

impl Transformer for Sequencer {
    fn output_schema(&self, _input: &Schema, _ctx: &ExtensionContext) -> Result<Schema> {
        Schema::parse("k:str,phys:long,tag:str,inits:long,seq:long")
    }
    fn on_init(&mut self, ctx: &TransformContext<'_>, _df: &LocalDataFrame) -> Result<()> {
        self.inits += 1;
        self.tag = ctx.params().get("tag", String::new())?;
        Ok(())
    }
    fn transform(
        &mut self,
        ctx: &TransformContext<'_>,
        _df: LocalDataFrame,
    ) -> Result<LocalDataFrame> {
        self.seq += 1;
        let key = ctx.cursor().key_value_array()?.remove(0);
        let phys = ctx.cursor().physical_partition_no() as i64;
        LocalDataFrame::from_rows(
            vec![vec![key, l(phys), s(&self.tag), l(self.inits), l(self.seq)]],
            ctx.output_schema()?.clone(),
        )
    }
}

// own: one instance per physical partition, on_init once on it, state kept
// across its transform calls (WF-TR-4)
fn on_init_state(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let keys = ["a", "b", "c", "d", "e"];
    let df = local(keys.iter().map(|k| vec![s(k), l(1)]).collect(), "k:str,v:long")?;
    for spec in [
        ok(PartitionSpec::by(["k"]), "spec")?,
        ok(PartitionSpec::builder().by(["k"]).num_expr("1").build(), "spec num=1")?,
    ] {
        let out = ok(
            api::transform(df.clone(), Sequencer::default())
                .partition(spec)
                .params([("tag", "T")])
                .engine(e.clone())
                .run(),
            "sequencer",
        )?;
        let rows = ok(out.rows(), "rows")?;
        check(rows.len() == keys.len(), || format!("one call per key expected: {rows:?}"))?;
        let mut seqs: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for r in &rows {
            check(r[2] == s("T") && r[3] == l(1), || {
                format!(
                    "on_init must run once per instance before transform and its state be visible: {r:?}"
                )
            })?;
            seqs.entry(ok(as_i64(&r[1]), "phys")?).or_default().push(ok(as_i64(&r[4]), "seq")?);
        }
        for (phys, mut v) in seqs {
            v.sort_unstable();
            let expected: Vec<i64> = (1..=v.len() as i64).collect();
            check(v == expected, || {
                format!(
                    "calls of physical partition {phys} numbered {v:?}: state is not kept per instance"
                )
            })?;
        }
    }
    Ok(())
}

// own: presort order, the cursor's keys and first row, the key schema
fn presort_cursor(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let df = local(
        vec![vec![s("a"), l(1)], vec![s("a"), l(3)], vec![s("b"), l(2)], vec![s("a"), l(2)]],
        "k:str,v:long",
    )?;
    let f = transformer(|c: &TransformContext<'_>, rows: Vec<Row>| -> Result<Vec<Row>> {
        let key = c.cursor().key_value_array()?;
        let first = c.cursor().row()?.clone();
        let order: Vec<String> =
            rows.iter().map(|r| as_i64(&r[1]).map(|v| v.to_string())).collect::<Result<_>>()?;
        Ok(vec![vec![
            key[0].clone(),
            first[1].clone(),
            s(&order.join(",")),
            s(&c.key_schema().to_string()),
            s(&c.partition_spec().presort_expr()),
        ]])
    });
    let out = ok(
        api::transform(df, f)
            .schema("k:str,first:long,order:str,keys:str,presort:str")
            .partition(("k", "v desc"))
            .engine(e.clone())
            .run(),
        "presort",
    )?;
    eq(
        &out,
        vec![
            vec![s("a"), l(3), s("3,2,1"), s("k:str"), s("v DESC")],
            vec![s("b"), l(2), s("2"), s("k:str"), s("v DESC")],
        ],
        "k:str,first:long,order:str,keys:str,presort:str",
        "presort v desc per key",
    )
}

// own: ignore_errors by kind and by predicate; rows a failing partition
// produced before failing are discarded (WF-TR-7)
fn ignore_errors(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let fail_b = |msg: &'static str| {
        move |c: &TransformContext<'_>, df: LocalDataFrame| -> Result<LocalDataFrame> {
            if c.cursor().key_value_array()?[0] == s("b") {
                return Err(Error::user(msg));
            }
            Ok(df)
        }
    };
    let expected_a = vec![vec![s("a"), l(1)], vec![s("a"), l(3)]];
    // without ignore: the run fails
    expect_kind(
        api::transform(kv()?, transformer(fail_b("bad b")))
            .schema("*")
            .partition("k")
            .engine(e.clone())
            .run(),
        ErrorKind::User,
        "not ignored",
    )?;
    // by kind
    let out = ok(
        api::transform(kv()?, transformer(fail_b("bad b")))
            .schema("*")
            .partition("k")
            .ignore_errors(ErrorKind::User)
            .engine(e.clone())
            .run(),
        "ignore by kind",
    )?;
    eq(&out, expected_a.clone(), "k:str,v:long", "ignore by kind")?;
    // another kind is not ignored
    expect_kind(
        api::transform(kv()?, transformer(fail_b("bad b")))
            .schema("*")
            .partition("k")
            .ignore_errors([ErrorKind::Cast, ErrorKind::NotFound])
            .engine(e.clone())
            .run(),
        ErrorKind::User,
        "other kinds listed",
    )?;
    // by predicate
    let pred = IgnoreErrors::default().when(|err| err.to_string().contains("skip me"));
    let out = ok(
        api::transform(kv()?, transformer(fail_b("skip me")))
            .schema("*")
            .partition("k")
            .ignore_errors(pred.clone())
            .engine(e.clone())
            .run(),
        "ignore by predicate",
    )?;
    eq(&out, expected_a.clone(), "k:str,v:long", "ignore by predicate")?;
    expect_kind(
        api::transform(kv()?, transformer(fail_b("keep me")))
            .schema("*")
            .partition("k")
            .ignore_errors(pred)
            .engine(e.clone())
            .run(),
        ErrorKind::User,
        "predicate false",
    )?;
    // a stream that yields rows, then fails: its rows are discarded
    let partial = transformer(|c: &TransformContext<'_>, b: RecordBatch| -> Result<Batches> {
        let failing = c.cursor().key_value_array()?[0] == s("b");
        let items: Vec<Result<RecordBatch>> = if failing {
            vec![Ok(b.clone()), Err(Error::user("late failure"))]
        } else {
            vec![Ok(b)]
        };
        Ok(Batches::new(items))
    });
    let out = ok(
        api::transform(kv()?, partial)
            .schema("*")
            .partition("k")
            .ignore_errors(ErrorKind::User)
            .engine(e.clone())
            .run(),
        "partial output",
    )?;
    eq(&out, expected_a, "k:str,v:long", "partial output of a failed partition discarded")
}

// own: WF-SIG-5 by name and type; a Fugue frame must match exactly
fn output_conformance(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let kvi = || local(vec![vec![s("a"), i(1)], vec![s("b"), i(2)]], "k:str,v:int");
    // extra columns dropped, declared order kept
    let out = ok(
        api::transform(kvi()?, |b: RecordBatch| b).schema("v:int").engine(e.clone()).run(),
        "drop extra",
    )?;
    eq(&out, vec![vec![i(1)], vec![i(2)]], "v:int", "extra column dropped")?;
    let out = ok(
        api::transform(kvi()?, |b: RecordBatch| b).schema("v:int,k:str").engine(e.clone()).run(),
        "reorder",
    )?;
    eq(&out, vec![vec![i(1), s("a")], vec![i(2), s("b")]], "v:int,k:str", "by name")?;
    // cast int -> long (and in a stream, and from typed rows)
    let out = ok(
        api::transform(kvi()?, |b: RecordBatch| b).schema("k:str,v:long").engine(e.clone()).run(),
        "cast",
    )?;
    eq(&out, vec![vec![s("a"), l(1)], vec![s("b"), l(2)]], "k:str,v:long", "cast int->long")?;
    let out = ok(
        api::transform(kvi()?, |b: Batches| b).schema("k:str,v:long").engine(e.clone()).run(),
        "cast stream",
    )?;
    eq(
        &out,
        vec![vec![s("a"), l(1)], vec![s("b"), l(2)]],
        "k:str,v:long",
        "cast int->long in a stream",
    )?;
    // a missing declared column is ERR-NOT-FOUND; the conformance runs
    // inside the map function, so today it reaches the caller as the
    // source of an ERR-USER (ENG-MAP-9 wraps what leaves a map function)
    expect_kind_or_source(
        api::transform(kvi()?, |b: RecordBatch| b).schema("*,x:long").engine(e.clone()).run(),
        ErrorKind::NotFound,
        "missing column",
    )?;
    expect_kind_or_source(
        api::transform(kvi()?, |rows: Vec<RowMap>| rows).schema("*,x:long").engine(e.clone()).run(),
        ErrorKind::NotFound,
        "missing key in row maps",
    )?;
    // a returned Fugue frame with another schema is ERR-SCHEMA (ENG-MAP-6)
    expect_kind(
        api::transform(kvi()?, |df: LocalDataFrame| df)
            .schema("k:str,v:long")
            .engine(e.clone())
            .run(),
        ErrorKind::Schema,
        "LocalDataFrame with the wrong schema",
    )
}

// own: a user error reaches the caller as ERR-USER naming the partition
// keys and printing the user's message; a panic likewise (ENG-MAP-9)
fn user_error(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let f = |c: &TransformContext<'_>, df: LocalDataFrame| -> Result<LocalDataFrame> {
        if c.cursor().key_value_array()?[0] == s("b") {
            return Err(Error::user("price must be positive"));
        }
        Ok(df)
    };
    let r =
        api::transform(kv()?, transformer(f)).schema("*").partition("k").engine(e.clone()).run();
    expect_kind_with(r, ErrorKind::User, &["price must be positive", "k=", "b"], "user error")?;
    // a user error that is not an fugue error (any std error) is wrapped and kept as source
    let parse = |rows: Vec<Row>| -> Result<Vec<Row>> {
        "not a number".parse::<i64>().map_err(Error::user)?;
        Ok(rows)
    };
    let r = api::transform(kv()?, parse).schema("*").partition("k").engine(e.clone()).run();
    expect_kind_with(r, ErrorKind::User, &["invalid digit"], "std error")?;
    // a panic
    let p = |c: &TransformContext<'_>, df: LocalDataFrame| -> Result<LocalDataFrame> {
        if c.cursor().key_value_array()?[0] == s("a") {
            panic!("boom in the user code");
        }
        Ok(df)
    };
    let r =
        api::transform(kv()?, transformer(p)).schema("*").partition("k").engine(e.clone()).run();
    expect_kind_with(r, ErrorKind::User, &["boom in the user code", "k=", "a"], "panic")
}

/// A trait transformer without an output schema.
#[derive(Clone)]
struct NoSchema;

impl Transformer for NoSchema {
    fn transform(
        &mut self,
        _ctx: &TransformContext<'_>,
        df: LocalDataFrame,
    ) -> Result<LocalDataFrame> {
        Ok(df)
    }
}

// B39 / WF-TR-2: a closure returning frames or rows needs a schema
fn missing_schema(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    expect_kind(
        api::transform(kv()?, move |df: LocalDataFrame| {
            c.fetch_add(1, Ordering::SeqCst);
            df
        })
        .engine(e.clone())
        .run(),
        ErrorKind::Interfaceless,
        "closure returning a frame without schema",
    )?;
    expect_kind(
        api::transform(kv()?, |rows: Vec<Row>| rows).engine(e.clone()).run(),
        ErrorKind::Interfaceless,
        "closure returning rows without schema",
    )?;
    expect_kind(
        api::transform(kv()?, NoSchema).engine(e.clone()).run(),
        ErrorKind::Interfaceless,
        "trait transformer without schema",
    )?;
    check(calls.load(Ordering::SeqCst) == 0, || {
        "the function ran although the call was invalid".into()
    })?;
    // given with the call, the trait transformer works
    let out =
        ok(api::transform(kv()?, NoSchema).schema("*").engine(e.clone()).run(), "with schema")?;
    eq(
        &out,
        vec![vec![s("a"), l(1)], vec![s("a"), l(3)], vec![s("b"), l(2)]],
        "k:str,v:long",
        "NoSchema + *",
    )
}

/// A trait output transformer counting rows into shared state.
#[derive(Clone)]
struct RowCounter(Arc<Mutex<BTreeMap<String, usize>>>);

impl OutputTransformer for RowCounter {
    fn process(&mut self, ctx: &TransformContext<'_>, df: LocalDataFrame) -> Result<()> {
        let key = as_str(&ctx.cursor().key_value_array()?[0])?;
        *self.0.lock().map_err(poisoned)?.entry(key).or_default() += df.num_rows();
        Ok(())
    }
}

// WF-OTR-2: out_transform is eager; every partition is seen when run returns
fn out_transform_eager(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    // a closure with no output and no schema (WF-OTR-3)
    ok(
        api::out_transform(kv()?, move |_rows: Vec<Row>| {
            c.fetch_add(1, Ordering::SeqCst);
        })
        .partition("k")
        .engine(e.clone())
        .run(),
        "out_transform",
    )?;
    check(calls.load(Ordering::SeqCst) == 2, || {
        format!("out_transform saw {} partitions, expected 2", calls.load(Ordering::SeqCst))
    })?;
    // a lazy output (stream) is drained
    let drained = Arc::new(AtomicUsize::new(0));
    let d = drained.clone();
    ok(
        api::out_transform(
            kv()?,
            output_transformer(move |b: RecordBatch| {
                let d = d.clone();
                Batches::new(std::iter::once(b).map(move |b| {
                    d.fetch_add(b.num_rows(), Ordering::SeqCst);
                    Ok(b)
                }))
            }),
        )
        .partition("k")
        .engine(e.clone())
        .run(),
        "out_transform stream",
    )?;
    check(drained.load(Ordering::SeqCst) == 3, || {
        format!(
            "the returned stream was drained for {} rows, expected 3",
            drained.load(Ordering::SeqCst)
        )
    })?;
    // a trait output transformer
    let seen = Arc::new(Mutex::new(BTreeMap::new()));
    ok(
        api::out_transform(kv()?, RowCounter(seen.clone())).partition("k").engine(e.clone()).run(),
        "trait",
    )?;
    let seen = seen.lock().map_err(|_| "poisoned".to_string())?.clone();
    check(seen == BTreeMap::from([("a".to_string(), 2), ("b".to_string(), 1)]), || {
        format!("rows per key seen by the output transformer: {seen:?}")
    })?;
    // errors of an output transformer fail the call, or are ignored
    let fail = |_rows: Vec<Row>| -> Result<()> { Err(Error::user("no")) };
    expect_kind(
        api::out_transform(kv()?, fail).engine(e.clone()).run(),
        ErrorKind::User,
        "failing out_transform",
    )?;
    ok(
        api::out_transform(kv()?, fail).ignore_errors(ErrorKind::User).engine(e.clone()).run(),
        "ignored failing out_transform",
    )
}
