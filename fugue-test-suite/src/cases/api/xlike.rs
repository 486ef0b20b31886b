//! x-like inputs: what a call accepts and the kind its result comes back as
//! (WF-API-1, WF-API-2, ENG-API-1).

use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use fugue_api::api;
use fugue_core::DataFrameRef;

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("xlike/frames", ["WF-API-1", "ENG-API-1"], frames),
        case!("xlike/parquet_path", ["WF-API-1", "WF-API-2", "ENG-API-2"], parquet_path),
    ]
}

fn frames(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let batch = ok(kv()?.to_batch(), "to_batch")?;
    let expected = vec![vec![s("a"), l(1)], vec![s("a"), l(3)], vec![s("b"), l(2)]];
    // RecordBatch in, RecordBatch out
    let out: RecordBatch = ok(
        api::transform(batch.clone(), |b: RecordBatch| b).schema("*").engine(e.clone()).run(),
        "batch",
    )?;
    eq(
        &ok(LocalDataFrame::from_batch(out), "from_batch")?,
        expected.clone(),
        "k:str,v:long",
        "RecordBatch",
    )?;
    // Vec<RecordBatch> in, Vec<RecordBatch> out
    let out: Vec<RecordBatch> = ok(
        api::transform(vec![batch.clone(), batch.clone()], |b: RecordBatch| b)
            .schema("*")
            .engine(e.clone())
            .run(),
        "batches",
    )?;
    let n: usize = out.iter().map(RecordBatch::num_rows).sum();
    check(n == 6, || format!("Vec<RecordBatch>: {n} rows"))?;
    // as_fugue: an engine frame back
    let out: DataFrameRef = ok(
        api::transform(api::as_fugue(batch.clone()), |b: RecordBatch| b)
            .schema("*")
            .engine(e.clone())
            .run(),
        "as_fugue",
    )?;
    eq(out.as_ref(), expected.clone(), "k:str,v:long", "as_fugue")?;
    // rows with a schema
    let rows = expected.clone();
    let out: LocalDataFrame = ok(
        api::transform((rows, "k:str,v:long"), |b: RecordBatch| b)
            .schema("*")
            .engine(e.clone())
            .run(),
        "rows",
    )?;
    eq(&out, expected.clone(), "k:str,v:long", "(rows, schema)")?;
    // an engine frame in, an engine frame out; as_local materialises
    let df: DataFrameRef = ok(e.to_df(&(Arc::new(kv()?) as DataFrameRef)), "to_df")?;
    let out = ok(
        api::transform(df.clone(), |b: RecordBatch| b)
            .schema("*")
            .as_local()
            .engine(e.clone())
            .run(),
        "as_local",
    )?;
    check(out.is::<LocalDataFrame>(), || "as_local did not give a local frame".into())?;
    eq(out.as_ref(), expected, "k:str,v:long", "as_local")
}

fn parquet_path(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let dir = tempfile::tempdir().map_err(|err| format!("tempdir: {err}"))?;
    let input = dir.path().join("in.parquet");
    let input = input.to_str().ok_or("non-UTF-8 temp path")?.to_string();
    ok(api::save(kv()?, input.as_str()).engine(e.clone()).run(), "save parquet")?;
    // a parquet path as the input (WF-API-2), the result an engine frame
    let out: DataFrameRef = ok(
        api::transform(input.as_str(), |rows: Vec<Row>| {
            vec![vec![rows[0][0].clone(), l(rows.len() as i64)]]
        })
        .schema("k:str,n:long")
        .partition("k")
        .engine(e.clone())
        .run(),
        "transform a parquet path",
    )?;
    eq(
        out.as_ref(),
        vec![vec![s("a"), l(2)], vec![s("b"), l(1)]],
        "k:str,n:long",
        "parquet path input",
    )?;
    // save the result as parquet
    let saved = dir.path().join("out.parquet");
    let saved = saved.to_str().ok_or("non-UTF-8 temp path")?.to_string();
    ok(
        api::transform(std::path::PathBuf::from(&input), |b: RecordBatch| b)
            .schema("*-v")
            .engine(e.clone())
            .save(&saved),
        "transform .save",
    )?;
    let back = ok(api::load(saved.as_str()).engine(e.clone()).run(), "load")?;
    eq(back.as_ref(), vec![vec![s("a")], vec![s("a")], vec![s("b")]], "k:str", "saved result")?;
    // csv / json paths are refused (WF-API-2)
    let csv = dir.path().join("in.csv");
    let csv = csv.to_str().ok_or("non-UTF-8 temp path")?.to_string();
    expect_kind(
        api::transform(csv.as_str(), |b: RecordBatch| b).schema("*").engine(e.clone()).run(),
        ErrorKind::Interfaceless,
        "a csv path as input",
    )?;
    expect_kind(
        api::transform(kv()?, |b: RecordBatch| b).schema("*").engine(e.clone()).save(&csv),
        ErrorKind::Interfaceless,
        "save_path csv",
    )?;
    expect_kind(
        api::transform("data.json", |b: RecordBatch| b).schema("*").engine(e.clone()).run(),
        ErrorKind::Interfaceless,
        "a json path as input",
    )
}
