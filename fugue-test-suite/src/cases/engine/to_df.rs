//! Engine identity, parallelism, `to_df`, `broadcast`, `persist` and the
//! engine-level parts of the engine API test (E1, E2, E3, E42).

use std::sync::Arc;

use arrow::array::{Float64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema as ArrowSchema};
use fugue_core::dataframe::{DataFrameRef, Metadata};
use fugue_core::engine::ExecutionEngineExt;
use fugue_core::{ErrorKind, LocalDataFrame, PartitionSpec};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("general/init", ["ENG-GEN-3", "ENG-GEN-7"], init),
        case!("general/parallelism", ["ENG-GEN-6"], parallelism),
        case!(
            "to_df/general",
            [
                "ENG-TODF-1",
                "ENG-TODF-2",
                "ENG-TODF-3",
                "ENG-TODF-4",
                "ENG-TODF-6",
                "DF-VAL-5",
                "DF-VAL-12",
                "DF-EQ-1",
                "DF-EQ-5"
            ],
            to_df_general
        ),
        case!("to_df/rows_without_schema", ["ENG-TODF-3"], rows_without_schema),
        case!("to_df/same_frame_kept", ["ENG-TODF-1", "ENG-GEN-2"], same_frame_kept),
        case!(
            "to_df/broadcast_persist",
            ["ENG-BCAST-1", "ENG-BCAST-2", "ENG-PERSIST-1", "ENG-PERSIST-2", "ENG-PERSIST-4"],
            broadcast_persist
        ),
        case!(
            "to_df/engine_api",
            [
                "ENG-REPART-1",
                "ENG-REPART-2",
                "ENG-BCAST-1",
                "ENG-SET-3",
                "ENG-TODF-2",
                "ENG-TODF-4"
            ],
            engine_api
        ),
        case!(
            "to_df/empty_inputs",
            [
                "ENG-TODF-2",
                "ENG-TODF-4",
                "ENG-BCAST-1",
                "ENG-PERSIST-1",
                "ENG-REPART-1",
                "DF-VAL-12"
            ],
            empty_inputs
        ),
    ]
}

// E1 (the logger of Py has no Rust counterpart)
fn init(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let shown = e.to_string();
    check(!shown.trim().is_empty(), || "the engine prints an empty name".into())?;
    check(!e.name().is_empty(), || "the engine has an empty registry name".into())?;
    let copy = Arc::clone(e);
    check(Arc::ptr_eq(&copy, e), || "a clone is not the same engine".into())?;
    // the conf of the suite factory is visible (ENG-CONF-1)
    check(e.conf().contains(fugue_core::conf::TEST), || "`fugue.test` missing from conf".into())
}

// E2 (engine level: the context engine of Py does not exist in Rust yet)
fn parallelism(ctx: &Ctx) -> CaseResult {
    let p = engine(ctx)?.get_current_parallelism();
    check(p >= 1, || format!("parallelism must be positive, got {p}"))
}

fn batch_ab(a: Vec<f64>, b: Vec<f64>) -> Result<RecordBatch, String> {
    let schema = Arc::new(ArrowSchema::new(vec![
        Field::new("a", DataType::Float64, true),
        Field::new("b", DataType::Float64, true),
    ]));
    RecordBatch::try_new(
        schema,
        vec![Arc::new(Float64Array::from(a)), Arc::new(Float64Array::from(b))],
    )
    .map_err(|e| e.to_string())
}

// E3
fn to_df_general(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let rows = vec![vec![d(1.1), d(2.2)], vec![d(3.3), d(4.4)]];
    let o: DataFrameRef =
        Arc::new(ok(LocalDataFrame::from_rows(rows.clone(), "a:double,b:double"), "local")?);
    // a Fugue frame
    eq(&ok(e.to_df(&o), "to_df(local)")?, rows.clone(), "a:double,b:double", "from a frame")?;
    // rows + schema
    let r = ok(e.to_df_rows(rows.clone(), "a:double,b:double"), "to_df_rows")?;
    eq(&r, rows.clone(), "a:double,b:double", "from rows")?;
    // a native (Arrow) frame
    let r = ok(e.to_df_batches(vec![batch_ab(vec![1.1, 3.3], vec![2.2, 4.4])?]), "batches")?;
    eq(&r, rows, "a:double,b:double", "from arrow")?;
    // text into a datetime column
    let r = ok(e.to_df_rows(vec![vec![s("2020-01-01")]], "a:datetime"), "to_df datetime")?;
    eq(&r, vec![vec![dt("2020-01-01 00:00:00")?]], "a:datetime", "text to datetime")?;
    // a zero-row native frame keeps its column types
    let schema = Arc::new(ArrowSchema::new(vec![
        Field::new("a", DataType::Float64, true),
        Field::new("b", DataType::Utf8, true),
    ]));
    let empty = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Float64Array::from(Vec::<f64>::new())),
            Arc::new(StringArray::from(Vec::<&str>::new())),
        ],
    )
    .map_err(|e| e.to_string())?;
    let r = ok(e.to_df_batches(vec![empty]), "to_df empty batch")?;
    eq(&r, vec![], "a:double,b:str", "zero-row arrow frame")
}

// own
fn rows_without_schema(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let r = LocalDataFrame::from_rows(vec![vec![i(1)]], "")
        .map(|l| -> DataFrameRef { Arc::new(l) })
        .and_then(|l| e.to_df(&l));
    expect_kind(r, ErrorKind::Schema, "rows with an empty schema")
}

// own
fn same_frame_kept(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let mut m = Metadata::new();
    m.insert("x".into(), serde_json::json!(1));
    let df = ok(e.to_df_rows(vec![vec![i(1)]], "a:int"), "to_df")?.with_metadata(m.clone());
    let df = ok(e.to_df(&df), "to_df with metadata")?;
    let again = ok(e.to_df(&df), "to_df of an engine frame")?;
    check(Arc::ptr_eq(&df, &again), || "to_df of an engine frame is not the same object".into())?;
    check(again.metadata() == &m, || "to_df lost the metadata".into())?;
    // results of operations are engine frames (ENG-GEN-2)
    let results: Vec<(&str, DataFrameRef)> = vec![
        ("repartition", ok(e.repartition(&df, &PartitionSpec::num(2)), "repartition")?),
        ("broadcast", ok(e.broadcast(&df), "broadcast")?),
        ("persist", ok(e.persist(&df, false), "persist")?),
        (
            "map_dataframe",
            ok(
                e.map_dataframe(&df, noop(), df.schema(), &PartitionSpec::default(), None),
                "map_dataframe",
            )?,
        ),
    ];
    for (op, r) in results {
        let again = ok(e.to_df(&r), "to_df of a result")?;
        check(Arc::ptr_eq(&r, &again), || format!("the result of {op} is not an engine frame"))?;
    }
    Ok(())
}

// own
fn broadcast_persist(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let mut m = Metadata::new();
    m.insert("k".into(), serde_json::json!("v"));
    let rows = vec![vec![i(1), s("a")], vec![N, s("b")]];
    let local: DataFrameRef = Arc::new(
        ok(LocalDataFrame::from_rows(rows.clone(), "a:int,b:str"), "local")?
            .with_metadata_map(m.clone()),
    );
    let bc = ok(e.broadcast(&local), "broadcast")?;
    eq(&bc, rows.clone(), "a:int,b:str", "broadcast")?;
    check(bc.metadata() == &m, || "broadcast lost the metadata (ENG-BCAST-2)".into())?;
    for lazy in [false, true] {
        let p = ok(e.persist(&local, lazy), "persist")?;
        check(p.metadata() == &m, || "persist lost the metadata (ENG-PERSIST-4)".into())?;
        let p2 = ok(e.persist(&p, lazy), "persist again")?;
        eq(&p2, rows.clone(), "a:int,b:str", "persist twice")?;
        eq(&p, rows.clone(), "a:int,b:str", "persist")?;
    }
    Ok(())
}

// E42 without the engine context: repartition with a spec, broadcast, union
// with a frame of another kind (Arrow), to_df of that frame
fn engine_api(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df1 = ok(e.to_df_rows(vec![vec![l(0), l(1)], vec![l(2), l(3)]], "a:long,b:long"), "df1")?;
    let spec = ok(PartitionSpec::from_json(r#"{"num": 2}"#), "spec")?;
    let df1 = ok(e.repartition(&df1, &spec), "repartition")?;
    let df1 = ok(e.broadcast(&df1), "broadcast")?;
    let schema = Arc::new(ArrowSchema::new(vec![
        Field::new("a", DataType::Int64, true),
        Field::new("b", DataType::Int64, true),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(arrow::array::Int64Array::from(vec![0, 2])),
            Arc::new(arrow::array::Int64Array::from(vec![1, 3])),
        ],
    )
    .map_err(|e| e.to_string())?;
    let df2: DataFrameRef = Arc::new(ok(LocalDataFrame::from_batch(batch), "arrow frame")?);
    let u = ok(e.union(&df1, &df2, true), "union with a local frame")?;
    eq(&u, vec![vec![l(0), l(1)], vec![l(2), l(3)]], "a:long,b:long", "union")?;
    let converted = ok(e.to_df(&df2), "to_df of a local frame")?;
    same(&converted, &df2, "to_df of an arrow frame")
}

// own: empty frames through to_df, broadcast, persist and repartition
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let local: DataFrameRef =
        Arc::new(ok(LocalDataFrame::from_rows(vec![], "a:int,b:str"), "local")?);
    let df = ok(e.to_df(&local), "to_df")?;
    eq(&df, vec![], "a:int,b:str", "to_df")?;
    eq(&ok(e.broadcast(&df), "broadcast")?, vec![], "a:int,b:str", "broadcast")?;
    eq(&ok(e.persist(&df, false), "persist")?, vec![], "a:int,b:str", "persist")?;
    for sp in [
        PartitionSpec::num(3),
        spec(&["a"], "b", "2", "")?,
        spec(&[], "", "2", "even")?,
        PartitionSpec::per_row(),
    ] {
        let r = ok(e.repartition(&df, &sp), "repartition")?;
        eq(&r, vec![], "a:int,b:str", "repartition of an empty frame")?;
    }
    Ok(())
}
