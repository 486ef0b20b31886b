//! Extensions inside workflows: creators, processors, outputters,
//! transformers of every shape, cotransformers, output transformers,
//! validation, the registry and callbacks (CHECKLIST B10, B12–B17, B19,
//! B36, B39–B43).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use arrow::array::{ArrayRef, Int32Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema as ArrowSchema};
use arrow::record_batch::RecordBatch;
use fugue_api::extension::{
    Batches, Creator, ExtensionContext, OutputSchema, Outputter, Processor, TransformContext,
    cotransformer, output_cotransformer, output_transformer, transformer,
};
use fugue_api::{registry, rpc};
use fugue_core::conf::OnDup;
use fugue_core::dataframe::DataFrameExt;
use fugue_core::engine::JoinType;
use fugue_core::{DataFrames, ErrorKind, PartitionSpec, Value};
use fugue_workflow::TransformOptions;

use super::*;
use crate::helpers::{date, dt};

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "extensions/b18_cotransform_with_key",
            ["B18", "WF-COTR-5", "ENG-ZIP-8", "DFS-1", "WF-DAG-7"],
            b18_cotransform_with_key
        ),
        case!(
            "extensions/b20_out_cotransform",
            ["B20", "WF-OTR-1", "WF-OTR-2", "WF-OTR-3", "WF-COTR-5", "WF-SIG-2d"],
            b20_out_cotransform
        ),
        case!(
            "extensions/b10_create_process_output",
            [
                "B10",
                "WF-EXT-1",
                "WF-EXT-2",
                "WF-EXT-3",
                "WF-PROC-1",
                "WF-PROC-2",
                "WF-OUT-1",
                "WF-CREATE-1",
                "WF-CTX-1",
                "WF-CTX-2",
                "WF-CTX-6",
                "WF-OPS-26"
            ],
            b10_create_process_output
        ),
        case!(
            "extensions/b12_transform",
            ["B12", "WF-TR-1", "WF-TR-6", "SCH-HINT-10", "WF-SIG-7", "WF-OPS-7"],
            b12_transform
        ),
        case!(
            "extensions/b13_local_instance",
            ["B13", "WF-EXT-8", "WF-SIG-8", "SCH-HINT-3"],
            b13_local_instance
        ),
        case!(
            "extensions/b14_iterable_dfs",
            ["B14", "WF-SIG-5", "WF-SIG-6", "PG-6", "ENG-MAP-7"],
            b14_iterable_dfs
        ),
        case!("extensions/b15_binary", ["B15", "WF-SIG-6", "ENG-MAP-8"], b15_binary),
        case!(
            "extensions/b16_transform_by",
            [
                "B16", "WF-TR-4", "WF-TR-7", "WF-DAG-5", "PG-1", "PG-2", "WF-CTX-2", "WF-CTX-5",
                "WF-CTX-7"
            ],
            b16_transform_by
        ),
        case!(
            "extensions/b17_cotransform",
            ["B17", "WF-COTR-1", "WF-COTR-2", "WF-COTR-7", "ENG-COMAP-2", "ENG-COMAP-4"],
            b17_cotransform
        ),
        case!(
            "extensions/b19_out_transform",
            ["B19", "WF-OTR-1", "WF-OTR-2", "WF-OTR-3", "WF-VAL-1", "WF-TR-7", "WF-SIG-2b"],
            b19_out_transform
        ),
        case!(
            "extensions/b36_datetime",
            ["B36", "DF-VAL-5", "WF-SIG-5", "ENG-MAP-6"],
            b36_datetime
        ),
        case!(
            "extensions/b39_transformer_validation",
            [
                "B39",
                "WF-VAL-1",
                "WF-VAL-5",
                "WF-VAL-9",
                "WF-VAL-10",
                "WF-TR-2",
                "WF-TR-3",
                "WF-DAG-9"
            ],
            b39_transformer_validation
        ),
        case!(
            "extensions/b40_b41_processor_outputter_validation",
            ["B40", "B41", "WF-VAL-5", "WF-VAL-9", "WF-PROC-1", "WF-OUT-1"],
            b40_b41_validation
        ),
        case!("extensions/b42_extension_registry", ["B42", "WF-REG-1"], b42_registry),
        case!(
            "extensions/b43_callback",
            ["B43", "WF-RPC-1", "WF-RPC-2", "WF-RPC-3", "WF-RPC-7", "WF-YIELD-1"],
            b43_callback
        ),
    ]
}

/// A trait processor reading the conf key `fugue.test` (WF-CTX-6) and
/// counting its inputs (repeated inputs count twice).
struct ConfReader;

impl Processor for ConfReader {
    fn process(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<DataFrameRef> {
        let t: String = ctx.conf().get("fugue.test", String::from("unset"))?;
        let mut n = 0i64;
        for d in dfs.values() {
            n += d.count()? as i64;
        }
        Ok(Arc::new(LocalDataFrame::from_rows(vec![vec![Value::Str(t), l(n)]], "t:str,n:long")?))
    }
}

/// A trait outputter collecting `(param num, rows)`.
struct Collect(Arc<Mutex<Vec<(String, usize)>>>);

impl Outputter for Collect {
    fn output(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<()> {
        let num: String = ctx.params().get("num", String::new())?;
        let mut rows = 0;
        for d in dfs.values() {
            rows += d.count()?;
        }
        self.0.lock().map_err(user)?.push((num, rows));
        Ok(())
    }
}

fn b10_create_process_output(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(
        dag.create(
            |c: &ExtensionContext| -> Result<DataFrameRef> {
                let n: i64 = c.params().get("n", 0i64)?;
                Ok(Arc::new(LocalDataFrame::from_rows(
                    (0..n).map(|x| vec![l(x)]).collect(),
                    "a:long",
                )?) as DataFrameRef)
            },
            [("n", 3)],
        ),
        "create with params",
    )?;
    // repeated inputs, the engine as a parameter
    let seen = Arc::new(Mutex::new(String::new()));
    let s2 = seen.clone();
    let p = ok(
        dag.process(
            &[&a, &a],
            move |c: &ExtensionContext, dfs: DataFrames| -> Result<DataFrameRef> {
                let e = c.engine()?;
                *s2.lock().map_err(user)? = e.name().to_string();
                let v: Vec<DataFrameRef> = dfs.values().cloned().collect();
                e.union(&v[0], &v[1], false)
            },
            Conf::empty(),
            None,
        ),
        "process",
    )?;
    ok(p.yield_dataframe_as("p", true), "yield")?;
    let conf_p = ok(dag.process(&[&a, &a], ConfReader, Conf::empty(), None), "class processor")?;
    ok(conf_p.yield_dataframe_as("conf", true), "yield")?;
    let got_out = Arc::new(Mutex::new(Vec::new()));
    ok(a.output(Collect(got_out.clone()), [("num", "3")]), "outputter")?;
    ok(dag.output(&[&a, &p], Collect(got_out.clone()), [("num", "x")], None), "dag outputter")?;
    expect_kind(
        dag.output(&[], Collect(got_out.clone()), Conf::empty(), None),
        ErrorKind::WorkflowCompile,
        "output without input",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "p")?.as_ref(),
        (0..3).chain(0..3).map(|x| vec![l(x)]).collect(),
        "a:long",
        "processor",
    )?;
    check(*seen.lock().map_err(|_| "poisoned")? == e.name(), || {
        "the processor saw the engine".into()
    })?;
    let expected_t: String = ok(e.conf().get("fugue.test", String::from("unset")), "conf")?;
    eq(
        got(&out, "conf")?.as_ref(),
        vec![vec![Value::Str(expected_t), l(6)]],
        "t:str,n:long",
        "class processor",
    )?;
    let mut o = got_out.lock().map_err(|_| "poisoned")?.clone();
    o.sort();
    check(o == vec![("3".to_string(), 3), ("x".to_string(), 9)], || format!("outputters saw {o:?}"))
}

fn b12_transform(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(local(vec![vec![l(1), N], vec![N, s("x")]], "a:long,b:str")?), "df")?;
    // the schema function uses the params; params arrive converted
    let schema = OutputSchema::from_fn(|input, params| {
        let name: String = params.get("col", String::from("c"))?;
        input.concat(&fugue_core::Schema::parse(&format!("{name}:long"))?)
    });
    let t = transformer(|c: &TransformContext<'_>, df: LocalDataFrame| -> Result<LocalDataFrame> {
        let plus: i64 = c.params().get("plus", 0i64)?;
        let rows = df.rows()?;
        let out: Vec<Row> = rows
            .into_iter()
            .map(|mut r| {
                r.push(l(plus));
                r
            })
            .collect();
        LocalDataFrame::from_rows(out, c.output_schema()?.clone())
    });
    let opts =
        ok(TransformOptions::schema(schema).params([("col", "z"), ("plus", "5")]), "params")?;
    ok(a.transform(t, opts).and_then(|d| d.yield_dataframe_as("t", true)), "transform")?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "t")?.as_ref(),
        vec![vec![l(1), N, l(5)], vec![N, s("x"), l(5)]],
        "a:long,b:str,z:long",
        "transform with nulls and params",
    )
}

/// A stateful extension instance whose method is the transformer (B13).
#[derive(Clone)]
struct Adder {
    n: i64,
}

impl Adder {
    fn add(&self, rows: Vec<Row>) -> Vec<Row> {
        rows.into_iter().map(|r| vec![r[0].clone(), l(int_of(&r[1]) + self.n)]).collect()
    }
}

fn b13_local_instance(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    let inst = Adder { n: 10 };
    let i2 = inst.clone();
    ok(
        a.transform(move |rows: Vec<Row>| i2.add(rows), "*")
            .and_then(|d| d.yield_dataframe_as("star", true)),
        "star",
    )?;
    let i3 = inst.clone();
    let t = transformer(move |rows: Vec<Row>| i3.add(rows)).schema("k:str,v:long");
    ok(a.transform(t, ()).and_then(|d| d.yield_dataframe_as("hinted", true)), "hinted")?;
    let out = run(&dag, &e)?;
    let want = vec![vec![s("a"), l(11)], vec![s("a"), l(13)], vec![s("b"), l(12)]];
    eq(got(&out, "star")?.as_ref(), want.clone(), "k:str,v:long", "schema *")?;
    eq(got(&out, "hinted")?.as_ref(), want, "k:str,v:long", "schema from the extension")
}

fn b14_iterable_dfs(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    // a stream in, batches out, keyed
    ok(
        a.partition_by(["k"])
            .and_then(|h| {
                h.transform(|b: Batches| -> Result<Vec<RecordBatch>> { b.collect() }, "*")
            })
            .and_then(|d| d.yield_dataframe_as("stream", true)),
        "stream",
    )?;
    // output columns in another order: conformed by name (WF-SIG-5)
    ok(
        a.transform(
            |df: LocalDataFrame| -> Result<RecordBatch> {
                let b = df.to_batch()?;
                b.project(&[1, 0]).map_err(user)
            },
            "k:str,v:long",
        )
        .and_then(|d| d.yield_dataframe_as("reordered", true)),
        "reordered",
    )?;
    // no output: an empty frame with the schema, with and without keys
    for (name, keyed) in [("none", false), ("none_keyed", true)] {
        let h = if keyed { ok(a.partition_by(["k"]), "hint")? } else { a.clone() };
        ok(
            h.transform(|_b: Batches| -> Vec<RecordBatch> { Vec::new() }, "k:str,v:long")
                .and_then(|d| d.yield_dataframe_as(name, true)),
            name,
        )?;
    }
    // Arrow output: int cast to long, an extra column dropped
    ok(
        a.transform(
            |_df: LocalDataFrame| -> Result<RecordBatch> {
                let schema = Arc::new(ArrowSchema::new(vec![
                    Field::new("k", DataType::Utf8, true),
                    Field::new("v", DataType::Int32, true),
                    Field::new("extra", DataType::Int32, true),
                ]));
                let cols: Vec<ArrayRef> = vec![
                    Arc::new(StringArray::from(vec!["q"])),
                    Arc::new(Int32Array::from(vec![7])),
                    Arc::new(Int32Array::from(vec![0])),
                ];
                RecordBatch::try_new(schema, cols).map_err(user)
            },
            "k:str,v:long",
        )
        .and_then(|d| d.yield_dataframe_as("arrow", true)),
        "arrow",
    )?;
    let out = run(&dag, &e)?;
    eq(got(&out, "stream")?.as_ref(), kv_rows(), "k:str,v:long", "stream")?;
    eq(got(&out, "reordered")?.as_ref(), kv_rows(), "k:str,v:long", "reordered")?;
    eq(got(&out, "none")?.as_ref(), vec![], "k:str,v:long", "no output")?;
    eq(got(&out, "none_keyed")?.as_ref(), vec![], "k:str,v:long", "no output, keyed")?;
    eq(
        got(&out, "arrow")?.as_ref(),
        vec![vec![s("q"), l(7)]],
        "k:str,v:long",
        "arrow output conformed",
    )?;
    // a returned fugue frame must match exactly (WF-SIG-5, ENG-MAP-6)
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    ok(
        a.transform(
            |df: LocalDataFrame| -> Result<LocalDataFrame> {
                let rows =
                    df.rows()?.into_iter().map(|r| vec![r[1].clone(), r[0].clone()]).collect();
                LocalDataFrame::from_rows(rows, "v:long,k:str")
            },
            "k:str,v:long",
        ),
        "reordered frame",
    )?;
    expect_kind(dag.run(e.clone()).map(|_| ()), ErrorKind::Schema, "a reordered fugue frame")
}

fn b15_binary(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let bin = |b: &[u8]| Value::Binary(b.to_vec());
    let a = ok(
        dag.df(local(vec![vec![bin(b"\x00\x01"), l(1)], vec![N, l(2)]], "b:bytes,a:long")?),
        "df",
    )?;
    ok(
        a.transform(
            |rows: Vec<Row>| rows.into_iter().map(|r| vec![r[0].clone()]).collect::<Vec<Row>>(),
            "b:bytes",
        )
        .and_then(|d| d.yield_dataframe_as("b", true)),
        "rows",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "b")?.as_ref(),
        vec![vec![bin(b"\x00\x01")], vec![N]],
        "b:bytes",
        "binary through rows",
    )
}

fn b16_transform_by(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let inits = Arc::new(AtomicUsize::new(0));
    let i2 = inits.clone();
    let t = transformer(|c: &TransformContext<'_>, rows: Vec<Row>| -> Result<Vec<Row>> {
        // presort desc: the first row has the largest v
        let keys: Vec<String> = c.partition_spec().partition_by().to_vec();
        Ok(vec![vec![
            rows[0][0].clone(),
            l(rows.len() as i64),
            rows[0][1].clone(),
            Value::Str(keys.join(",")),
        ]])
    })
    .schema("k:str,n:long,top:long,keys:str")
    .on_init(move |_c: &TransformContext<'_>, _df: &LocalDataFrame| -> Result<()> {
        i2.fetch_add(1, Ordering::SeqCst);
        Ok(())
    });
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    let spec = ok(fugue_api::like::PartitionLike::into_partition(("k", "v desc")), "spec")?;
    // the hint form and the explicit pre-partition form are equal
    let hint = ok(a.partition(spec.clone()).and_then(|h| h.transform(t.clone(), ())), "hint form")?;
    let explicit = ok(
        TransformOptions::default().partition(spec).and_then(|o| a.transform(t.clone(), o)),
        "explicit form",
    )?;
    ok(hint.yield_dataframe_as("hint", true), "y")?;
    ok(explicit.yield_dataframe_as("explicit", true), "y")?;
    ok(hint.assert_eq(&explicit), "assert_eq")?;
    // ignore_errors: the failing partition yields nothing
    let failing = transformer(|rows: Vec<Row>| -> Result<Vec<Row>> {
        if rows[0][0] == s("b") { Err(Error::invalid_op("b fails")) } else { Ok(rows) }
    })
    .schema("*");
    let ig = TransformOptions::schema("*").ignore_errors(ErrorKind::InvalidOperation);
    ok(
        a.partition_by(["k"])
            .and_then(|h| h.transform(failing, ig))
            .and_then(|d| d.yield_dataframe_as("ignored", true)),
        "ignore",
    )?;
    let out = run(&dag, &e)?;
    let want = vec![vec![s("a"), l(2), l(3), s("k")], vec![s("b"), l(1), l(2), s("k")]];
    eq(got(&out, "hint")?.as_ref(), want.clone(), "k:str,n:long,top:long,keys:str", "hint form")?;
    eq(got(&out, "explicit")?.as_ref(), want, "k:str,n:long,top:long,keys:str", "explicit form")?;
    eq(
        got(&out, "ignored")?.as_ref(),
        vec![vec![s("a"), l(1)], vec![s("a"), l(3)]],
        "k:str,v:long",
        "ignore_errors",
    )?;
    let n = inits.load(Ordering::SeqCst);
    check(n >= 2, || format!("on_init runs once per physical partition per transform ({n})"))
}

fn b17_cotransform(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "a")?;
    let b = ok(dag.df(local(vec![vec![s("a"), l(7)], vec![s("c"), l(1)]], "k:str,w:long")?), "b")?;
    let co = cotransformer(|c: &TransformContext<'_>, dfs: DataFrames| -> Result<Vec<Row>> {
        let plus: i64 = c.params().get("plus", 0i64)?;
        let n: usize = dfs.values().map(|d| d.count().unwrap_or(0)).sum();
        Ok(vec![vec![l(n as i64 + plus)]])
    });
    let z = ok(a.partition_by(["k"]).and_then(|h| h.zip(&[&b], JoinType::Inner)), "zip")?;
    let opts = ok(TransformOptions::schema("n:long").params([("plus", 100)]), "opts")?;
    ok(z.cotransform(co.clone(), opts).and_then(|d| d.yield_dataframe_as("keyed", true)), "keyed")?;
    // a single-frame zip without keys
    let single = ok(a.zip(&[], JoinType::Inner), "single zip")?;
    ok(
        single.cotransform(co.clone(), "n:long").and_then(|d| d.yield_dataframe_as("single", true)),
        "single",
    )?;
    // `*` has no input schema for a cotransformer (WF-COTR-2) and no schema at all fails
    let star = ok(z.cotransform(co.clone(), "*"), "star build")?;
    ok(star.yield_dataframe_as("star", true), "y")?;
    match dag.run(e.clone()) {
        Ok(_) => return Err("a `*` schema for a cotransformer must fail".into()),
        Err(err) => check(err.kind() == ErrorKind::Interfaceless, || {
            format!("`*`: {} ({err})", err.kind())
        })?,
    }
    // ignore_errors on a cotransformer
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "a")?;
    let bad = cotransformer(|dfs: DataFrames| -> Result<Vec<Row>> {
        let first =
            dfs.values().next().map(|d| d.as_array(None, true)).transpose()?.unwrap_or_default();
        if first.first().map(|r| r[0] == s("b")).unwrap_or(false) {
            Err(Error::invalid_op("b"))
        } else {
            Ok(vec![vec![l(first.len() as i64)]])
        }
    });
    let z = ok(a.partition_by(["k"]).and_then(|h| h.zip(&[], JoinType::Inner)), "zip")?;
    ok(
        z.cotransform(
            bad,
            TransformOptions::schema("n:long").ignore_errors(ErrorKind::InvalidOperation),
        )
        .and_then(|d| d.yield_dataframe_as("ig", true)),
        "ignore",
    )?;
    let out = run(&dag, &e)?;
    eq(got(&out, "ig")?.as_ref(), vec![vec![l(2)]], "n:long", "ignored partition")?;
    // and the first dag without the `*` node
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "a")?;
    let b = ok(dag.df(local(vec![vec![s("a"), l(7)], vec![s("c"), l(1)]], "k:str,w:long")?), "b")?;
    let z = ok(a.partition_by(["k"]).and_then(|h| h.zip(&[&b], JoinType::Inner)), "zip")?;
    let opts = ok(TransformOptions::schema("n:long").params([("plus", 100)]), "opts")?;
    ok(z.cotransform(co.clone(), opts).and_then(|d| d.yield_dataframe_as("keyed", true)), "keyed")?;
    ok(
        a.zip(&[], JoinType::Inner)
            .and_then(|z| z.cotransform(co, "n:long"))
            .and_then(|d| d.yield_dataframe_as("single", true)),
        "single",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "keyed")?.as_ref(),
        vec![vec![l(103)]],
        "n:long",
        "keyed cotransform with params",
    )?;
    eq(got(&out, "single")?.as_ref(), vec![vec![l(3)]], "n:long", "single-frame zip")
}

fn b19_out_transform(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    let rows_seen = Arc::new(AtomicUsize::new(0));
    let r1 = rows_seen.clone();
    ok(
        a.out_transform(
            move |rows: Vec<Row>| {
                r1.fetch_add(rows.len(), Ordering::SeqCst);
            },
            (),
        ),
        "rows",
    )?;
    let r2 = rows_seen.clone();
    ok(
        a.partition_by(["k"]).and_then(|h| {
            h.out_transform(
                move |df: LocalDataFrame| -> Result<()> {
                    r2.fetch_add(df.num_rows() * 10, Ordering::SeqCst);
                    Ok(())
                },
                (),
            )
        }),
        "frame by key",
    )?;
    // partitionby_has without keys fails at build (WF-VAL-1)
    let needs_k = output_transformer(|_rows: Vec<Row>| {}).partitionby_has("k");
    let len = dag.len();
    check(a.out_transform(needs_k, ()).is_err(), || {
        "partitionby_has without keys must fail at build".into()
    })?;
    check(dag.len() == len, || "the refused node is not added".into())?;
    // ignore_errors
    let failing = output_transformer(|rows: Vec<Row>| -> Result<()> {
        if rows[0][0] == s("b") { Err(Error::invalid_op("b")) } else { Ok(()) }
    });
    ok(
        a.partition_by(["k"]).and_then(|h| {
            h.out_transform(
                failing,
                TransformOptions::default().ignore_errors(ErrorKind::InvalidOperation),
            )
        }),
        "ignore",
    )?;
    // it runs eagerly, with nothing consuming it
    run(&dag, &e)?;
    let n = rows_seen.load(Ordering::SeqCst);
    check(n == 33, || format!("out_transforms saw {n} (3 rows + 3*10 by key expected)"))
}

fn b36_datetime(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(
        dag.df(local(vec![vec![s("2020-01-02"), s("2020-01-02 03:04:05")]], "d:str,t:str")?),
        "df",
    )?;
    let conv = ok(a.alter_columns("d:date,t:datetime"), "alter")?;
    ok(conv.yield_dataframe_as("conv", true), "y")?;
    // a transformer outputs text that is conformed to date/datetime
    ok(
        a.transform(|rows: Vec<Row>| rows, "d:date,t:datetime")
            .and_then(|d| d.yield_dataframe_as("conformed", true)),
        "transform",
    )?;
    // keyed, rebuilding its frame
    ok(
        conv.partition_by(["d"])
            .and_then(|h| {
                h.transform(
                    |df: LocalDataFrame| -> Result<LocalDataFrame> {
                        LocalDataFrame::from_rows(df.rows()?, df.schema().clone())
                    },
                    "*",
                )
            })
            .and_then(|d| d.yield_dataframe_as("rebuilt", true)),
        "rebuild",
    )?;
    let out = run(&dag, &e)?;
    let want = vec![vec![date(2020, 1, 2)?, dt("2020-01-02 03:04:05")?]];
    eq(got(&out, "conv")?.as_ref(), want.clone(), "d:date,t:datetime", "converted")?;
    eq(got(&out, "conformed")?.as_ref(), want.clone(), "d:date,t:datetime", "conformed")?;
    eq(got(&out, "rebuilt")?.as_ref(), want, "d:date,t:datetime", "rebuilt")
}

fn b39_transformer_validation(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let t = || transformer(|df: LocalDataFrame| df).schema("*").partitionby_has("k").input_has("v");
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "df")?;
    let len = dag.len();
    expect_kind(
        a.transform(t(), ()).map(|_| ()),
        ErrorKind::CompileValidation,
        "no keys at build",
    )?;
    check(dag.len() == len, || "not added (WF-DAG-9)".into())?;
    ok(
        a.partition_by(["k"])
            .and_then(|h| h.transform(t(), ()))
            .and_then(|d| d.yield_dataframe_as("ok", true)),
        "valid",
    )?;
    let out = run(&dag, &e)?;
    eq(got(&out, "ok")?.as_ref(), kv_rows(), "k:str,v:long", "valid")?;
    // a missing column fails at run
    let dag = FugueWorkflow::new();
    let b = ok(dag.df(local(vec![vec![s("a"), l(1)]], "k:str,w:long")?), "df")?;
    ok(b.partition_by(["k"]).and_then(|h| h.transform(t(), ())), "builds")?;
    expect_kind(dag.run(e.clone()).map(|_| ()), ErrorKind::RuntimeValidation, "input_has at run")
}

/// A processor and an outputter with rules (B40, B41).
struct RuledProc;
impl Processor for RuledProc {
    fn validation_rules(&self) -> Result<Vec<fugue_core::partition::ValidationRule>> {
        fugue_api::extension::parse_rules([("partitionby_has", "k"), ("input_has", "v")])
    }
    fn process(&self, _c: &ExtensionContext, dfs: DataFrames) -> Result<DataFrameRef> {
        dfs.values().next().cloned().ok_or_else(|| Error::user("no input"))
    }
}
struct RuledOut;
impl Outputter for RuledOut {
    fn validation_rules(&self) -> Result<Vec<fugue_core::partition::ValidationRule>> {
        fugue_api::extension::parse_rules([("partitionby_has", "k"), ("input_has", "v")])
    }
    fn output(&self, _c: &ExtensionContext, _dfs: DataFrames) -> Result<()> {
        Ok(())
    }
}

fn b40_b41_validation(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let by_k = Some(PartitionSpec::by(["k"]).map_err(|e| e.to_string())?);
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "a")?;
    let w = ok(dag.df(local(vec![vec![s("a"), l(1)]], "k:str,w:long")?), "w")?;
    expect_kind(
        dag.process(&[&a], RuledProc, Conf::empty(), None).map(|_| ()),
        ErrorKind::CompileValidation,
        "processor without keys",
    )?;
    expect_kind(
        dag.output(&[&a], RuledOut, Conf::empty(), None),
        ErrorKind::CompileValidation,
        "outputter without keys",
    )?;
    ok(
        dag.process(&[&a, &a], RuledProc, Conf::empty(), by_k.clone())
            .and_then(|d| d.yield_dataframe_as("p", true)),
        "valid processor",
    )?;
    ok(dag.output(&[&a, &a], RuledOut, Conf::empty(), by_k.clone()), "valid outputter")?;
    let out = run(&dag, &e)?;
    eq(got(&out, "p")?.as_ref(), kv_rows(), "k:str,v:long", "valid processor")?;
    // input_has is checked on every input at run
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "a")?;
    let w2 = ok(dag.df(local(vec![vec![s("a"), l(1)]], "k:str,w:long")?), "w")?;
    ok(dag.process(&[&a, &w2], RuledProc, Conf::empty(), by_k.clone()), "builds")?;
    expect_kind(
        dag.run(e.clone()).map(|_| ()),
        ErrorKind::RuntimeValidation,
        "processor second input",
    )?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "a")?;
    let w3 = ok(dag.df(local(vec![vec![s("a"), l(1)]], "k:str,w:long")?), "w")?;
    ok(dag.output(&[&a, &w3], RuledOut, Conf::empty(), by_k), "builds")?;
    let _ = w;
    expect_kind(
        dag.run(e.clone()).map(|_| ()),
        ErrorKind::RuntimeValidation,
        "outputter second input",
    )
}

/// A registered extension used through a workflow call (`dag.create` and
/// friends take trait values, so a boxed one is wrapped).
struct ByName<T: ?Sized>(Box<T>);
impl Creator for ByName<dyn Creator> {
    fn create(&self, c: &ExtensionContext) -> Result<DataFrameRef> {
        self.0.create(c)
    }
}
impl Processor for ByName<dyn Processor> {
    fn process(&self, c: &ExtensionContext, dfs: DataFrames) -> Result<DataFrameRef> {
        self.0.process(c, dfs)
    }
}
impl Outputter for ByName<dyn Outputter> {
    fn output(&self, c: &ExtensionContext, dfs: DataFrames) -> Result<()> {
        self.0.output(c, dfs)
    }
}

fn b42_registry(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let hits = Arc::new(AtomicUsize::new(0));
    ok(
        registry::register_creator(
            "wf_suite_create",
            || {
                |_c: &ExtensionContext| -> Result<DataFrameRef> {
                    Ok(Arc::new(kv().map_err(Error::user)?) as DataFrameRef)
                }
            },
            OnDup::Overwrite,
        ),
        "creator",
    )?;
    ok(
        registry::register_processor(
            "wf_suite_process",
            || {
                |c: &ExtensionContext, dfs: DataFrames| -> Result<DataFrameRef> {
                    let d = dfs.values().next().cloned().ok_or_else(|| Error::user("no input"))?;
                    c.engine()?.distinct(&d)
                }
            },
            OnDup::Overwrite,
        ),
        "processor",
    )?;
    ok(
        registry::register_transformer(
            "wf_suite_transform",
            transformer(|df: LocalDataFrame| df).schema("*"),
            OnDup::Overwrite,
        ),
        "transformer",
    )?;
    let h = hits.clone();
    ok(
        registry::register_output_transformer(
            "wf_suite_out_transform",
            output_transformer(move |rows: Vec<Row>| {
                h.fetch_add(rows.len(), Ordering::SeqCst);
            }),
            OnDup::Overwrite,
        ),
        "output transformer",
    )?;
    let h = hits.clone();
    ok(
        registry::register_outputter(
            "wf_suite_output",
            move || {
                let h = h.clone();
                move |_c: &ExtensionContext, dfs: DataFrames| -> Result<()> {
                    h.fetch_add(100 * dfs.len(), Ordering::SeqCst);
                    Ok(())
                }
            },
            OnDup::Overwrite,
        ),
        "outputter",
    )?;
    let dag = FugueWorkflow::new();
    let a = ok(
        dag.create(ByName(ok(registry::creator_by_name("wf_suite_create"), "c")?), Conf::empty()),
        "create",
    )?;
    let p = ok(
        dag.process(
            &[&a],
            ByName(ok(registry::processor_by_name("wf_suite_process"), "p")?),
            Conf::empty(),
            None,
        ),
        "process",
    )?;
    let t = ok(p.transform("wf_suite_transform", ()), "transform by name")?;
    ok(t.out_transform("wf_suite_out_transform", ()), "out_transform by name")?;
    ok(
        t.output(ByName(ok(registry::outputter_by_name("wf_suite_output"), "o")?), Conf::empty()),
        "output",
    )?;
    ok(t.yield_dataframe_as("t", true), "y")?;
    check(a.transform("wf_suite_no_such", ()).is_err(), || {
        "an unknown name fails at build".into()
    })?;
    let out = run(&dag, &e)?;
    eq(got(&out, "t")?.as_ref(), kv_rows(), "k:str,v:long", "by name")?;
    let n = hits.load(Ordering::SeqCst);
    check(n == 103, || format!("outputs by name saw {n}"))
}

fn b43_callback(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let sums: Arc<Mutex<BTreeMap<String, i64>>> = Arc::new(Mutex::new(BTreeMap::new()));
    let s2 = sums.clone();
    let handler = rpc::handler(move |(k, n): (String, i64)| -> Result<i64> {
        let mut m = s2.lock().map_err(user)?;
        let t = m.entry(k).or_default();
        *t += n;
        Ok(*t)
    });
    let t = || {
        transformer(|c: &TransformContext<'_>, rows: Vec<Row>| -> Result<Vec<Row>> {
            let has = c.has_callback();
            let mut last = 0;
            if has {
                for r in &rows {
                    last = c.callback::<_, i64>((text_of(&r[0]), int_of(&r[1])))?;
                }
            }
            Ok(vec![vec![rows[0][0].clone(), l(last), Value::Bool(has)]])
        })
        .schema("k:str,total:long,has:bool")
        .optional_callback()
    };
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?).and_then(|d| d.persist()), "df")?;
    let with = ok(
        a.partition_by(["k"])
            .and_then(|h| h.transform(t(), TransformOptions::default().callback(handler.clone()))),
        "with",
    )?;
    let without = ok(a.partition_by(["k"]).and_then(|h| h.transform(t(), ())), "without")?;
    ok(with.yield_dataframe_as("with", true), "y")?;
    ok(without.yield_dataframe_as("without", true), "y")?;
    // a required callback without a handler fails at build
    let req = transformer(|rows: Vec<Row>| rows).schema("*").requires_callback();
    expect_kind(
        a.transform(req, ()).map(|_| ()),
        ErrorKind::Interfaceless,
        "required callback missing",
    )?;
    // a handler given to a function without callbacks is ignored
    let plain = transformer(|rows: Vec<Row>| rows).schema("*");
    ok(
        a.transform(plain, TransformOptions::default().callback(handler))
            .and_then(|d| d.yield_dataframe_as("plain", true)),
        "unused handler",
    )?;
    let out = run(&dag, &e)?;
    eq(
        got(&out, "with")?.as_ref(),
        vec![vec![s("a"), l(4), Value::Bool(true)], vec![s("b"), l(2), Value::Bool(true)]],
        "k:str,total:long,has:bool",
        "with callback",
    )?;
    eq(
        got(&out, "without")?.as_ref(),
        vec![vec![s("a"), l(0), Value::Bool(false)], vec![s("b"), l(0), Value::Bool(false)]],
        "k:str,total:long,has:bool",
        "without callback",
    )?;
    eq(got(&out, "plain")?.as_ref(), kv_rows(), "k:str,v:long", "unused handler")
}

/// The integer in `v` (0 for anything else).
fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int64(x) => *x,
        Value::Int32(x) => i64::from(*x),
        _ => 0,
    }
}

/// The text in `v` (empty for anything else).
fn text_of(v: &Value) -> String {
    match v {
        Value::Str(x) => x.clone(),
        _ => String::new(),
    }
}

/// `(rows of x, rows of y)` of a named zip partition, read by name.
fn by_name(dfs: &DataFrames) -> Result<(i64, i64)> {
    let n = |k: &str| -> Result<i64> {
        let d = dfs.get(k).ok_or_else(|| Error::user(format!("no member `{k}`")))?;
        Ok(d.count()? as i64)
    };
    Ok((n("x")?, n("y")?))
}

fn b18_cotransform_with_key(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "a")?;
    let b = ok(
        dag.df(local(
            vec![vec![s("a"), l(7)], vec![s("b"), l(8)], vec![s("b"), l(9)]],
            "k:str,w:long",
        )?),
        "b",
    )?;
    let by_k = Some(ok(PartitionSpec::by(["k"]), "spec")?);
    let co = cotransformer(|dfs: DataFrames| -> Result<Vec<Row>> {
        let (x, y) = by_name(&dfs)?;
        Ok(vec![vec![l(x), l(y)]])
    })
    .schema("x:long,y:long");
    // members bound by name, in either order of declaration
    let z1 = ok(dag.zip_named(&[("x", &a), ("y", &b)], JoinType::Inner, by_k.clone()), "zip x,y")?;
    let z2 = ok(dag.zip_named(&[("y", &b), ("x", &a)], JoinType::Inner, by_k.clone()), "zip y,x")?;
    ok(z1.cotransform(co.clone(), ()).and_then(|d| d.yield_dataframe_as("xy", true)), "co xy")?;
    ok(z2.cotransform(co, ()).and_then(|d| d.yield_dataframe_as("yx", true)), "co yx")?;
    expect_kind(
        dag.zip_named(&[("x", &a), ("x", &b)], JoinType::Inner, by_k).map(|_| ()),
        ErrorKind::InvalidArgument,
        "duplicate names",
    )?;
    let out = run(&dag, &e)?;
    let want = vec![vec![l(2), l(1)], vec![l(1), l(2)]];
    eq(got(&out, "xy")?.as_ref(), want.clone(), "x:long,y:long", "named zip x,y")?;
    eq(got(&out, "yx")?.as_ref(), want, "x:long,y:long", "named zip y,x")
}

fn b20_out_cotransform(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let seen: Arc<Mutex<Vec<(i64, i64)>>> = Arc::new(Mutex::new(Vec::new()));
    let dag = FugueWorkflow::new();
    let a = ok(dag.df(kv()?), "a")?;
    let b = ok(
        dag.df(local(
            vec![vec![s("a"), l(7)], vec![s("b"), l(8)], vec![s("b"), l(9)]],
            "k:str,w:long",
        )?),
        "b",
    )?;
    let by_k = Some(ok(PartitionSpec::by(["k"]), "spec")?);
    let s1 = seen.clone();
    let named = output_cotransformer(move |dfs: DataFrames| -> Result<()> {
        s1.lock().map_err(user)?.push(by_name(&dfs)?);
        Ok(())
    });
    ok(
        dag.zip_named(&[("x", &a), ("y", &b)], JoinType::Inner, by_k)
            .and_then(|z| z.out_cotransform(named, ())),
        "dict-like",
    )?;
    let s2 = seen.clone();
    let listed = output_cotransformer(move |dfs: DataFrames| -> Result<()> {
        let n: Vec<i64> =
            dfs.values().map(|d| d.count().map(|c| c as i64)).collect::<Result<_>>()?;
        s2.lock().map_err(user)?.push((n[0] * 100, n[1] * 100));
        Ok(())
    });
    ok(
        a.partition_by(["k"])
            .and_then(|h| h.zip(&[&b], JoinType::Inner))
            .and_then(|z| z.out_cotransform(listed, ())),
        "list-like",
    )?;
    let failing = output_cotransformer(|dfs: DataFrames| -> Result<()> {
        let n = dfs.values().next().map(|d| d.count()).transpose()?.unwrap_or(0);
        if n == 1 { Err(Error::invalid_op("one row")) } else { Ok(()) }
    });
    ok(
        a.partition_by(["k"]).and_then(|h| h.zip(&[&b], JoinType::Inner)).and_then(|z| {
            z.out_cotransform(
                failing,
                TransformOptions::default().ignore_errors(ErrorKind::InvalidOperation),
            )
        }),
        "ignore_errors",
    )?;
    expect_kind(
        a.out_cotransform(output_cotransformer(|_d: DataFrames| {}), ()),
        ErrorKind::WorkflowCompile,
        "not zipped",
    )?;
    // eager: nothing consumes the outputs, they run anyway
    run(&dag, &e)?;
    let mut got_ = seen.lock().map_err(|_| "poisoned")?.clone();
    got_.sort();
    check(got_ == vec![(1, 2), (2, 1), (100, 200), (200, 100)], || {
        format!("output cotransformers saw {got_:?}")
    })
}
