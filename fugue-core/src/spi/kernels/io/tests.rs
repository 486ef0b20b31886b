//! Load / save scenarios of CHECKLIST E31–E41 and the ENG-IO, ENG-PQ,
//! ENG-CSV and ENG-JSON rules, on temporary folders.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use crate::dataframe::DataFrame;
use crate::engine::{LoadOptions, SaveOptions};
use crate::io::{FormatOptions, LoadColumns, SaveMode};
use crate::{ErrorKind, LocalDataFrame, PartitionSpec, Row, Schema, Value};
use arrow::array::{Date32Array, RecordBatch, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema as ArrowSchema, TimeUnit};
use serde_json::json;

use super::{load, save};

fn df(rows: Vec<Row>, schema: &str) -> LocalDataFrame {
    LocalDataFrame::from_rows(rows, schema).unwrap()
}

fn ints(rows: &[[i64; 2]], schema: &str) -> LocalDataFrame {
    let rows = rows.iter().map(|r| r.iter().map(|v| Value::Int64(*v)).collect()).collect();
    df(rows, schema)
}

fn doubles(rows: &[[f64; 2]], schema: &str) -> LocalDataFrame {
    let rows = rows.iter().map(|r| r.iter().map(|v| Value::Float64(*v)).collect()).collect();
    df(rows, schema)
}

fn strs(rows: &[[&str; 2]]) -> Vec<Row> {
    rows.iter().map(|r| r.iter().map(|v| Value::from(*v)).collect()).collect()
}

fn long_rows(rows: &[[i64; 2]]) -> Vec<Row> {
    rows.iter().map(|r| r.iter().map(|v| Value::Int64(*v)).collect()).collect()
}

fn double_rows(rows: &[[f64; 2]]) -> Vec<Row> {
    rows.iter().map(|r| r.iter().map(|v| Value::Float64(*v)).collect()).collect()
}

fn opts(pairs: &[(&str, serde_json::Value)]) -> FormatOptions {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn save_opts(hint: Option<&str>, format_options: FormatOptions) -> SaveOptions {
    SaveOptions { format_hint: hint.map(String::from), format_options, ..SaveOptions::default() }
}

fn single(hint: Option<&str>, format_options: FormatOptions) -> SaveOptions {
    SaveOptions { force_single: true, ..save_opts(hint, format_options) }
}

fn load_opts(
    hint: Option<&str>,
    columns: LoadColumns,
    format_options: FormatOptions,
) -> LoadOptions {
    LoadOptions { format_hint: hint.map(String::from), columns, format_options }
}

fn names(list: &[&str]) -> LoadColumns {
    LoadColumns::Names(list.iter().map(|s| s.to_string()).collect())
}

fn schema_cols(expr: &str) -> LoadColumns {
    LoadColumns::Schema(expr.parse::<Schema>().unwrap())
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    v.sort();
    v
}

/// Asserts schema and rows (in order).
fn assert_df(got: &LocalDataFrame, rows: Vec<Row>, schema: &str) {
    assert_eq!(got.schema(), &schema, "schema `{}`", got.schema());
    assert_eq!(got.rows().unwrap(), rows);
}

/// Asserts schema and rows in any order.
fn assert_df_any_order(got: &LocalDataFrame, mut rows: Vec<Row>, schema: &str) {
    assert_eq!(got.schema(), &schema, "schema `{}`", got.schema());
    let mut got = got.rows().unwrap();
    let key = |r: &Row| format!("{r:?}");
    got.sort_by_key(key);
    rows.sort_by_key(key);
    assert_eq!(got, rows);
}

// ------------------------------------------------------------- parquet

#[test]
fn e31_eng_io_6_eng_pq_1_single_parquet_replaces_folder_and_reorders() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a").join("b");
    fs::create_dir_all(path.join("old")).unwrap();
    fs::write(path.join("old").join("x.parquet"), b"junk").unwrap();
    let b =
        df(vec![vec![6i32.into(), 1i64.into()], vec![2i32.into(), 7i64.into()]], "c:int,a:long");
    save(&[b], &s(&path), &single(Some("parquet"), FormatOptions::new())).unwrap();
    assert!(path.is_file());
    let c =
        load(&[&s(&path)], &load_opts(Some("parquet"), names(&["a", "c"]), FormatOptions::new()))
            .unwrap();
    assert_df(
        &c,
        vec![vec![1i64.into(), 6i32.into()], vec![7i64.into(), 2i32.into()]],
        "a:long,c:int",
    );

    // a later overwrite with two partitions makes a folder of parts (ENG-IO-7)
    let b =
        df(vec![vec![60i32.into(), 1i64.into()], vec![20i32.into(), 7i64.into()]], "c:int,a:long");
    save(
        &[b.slice(0, 1), b.slice(1, 1)],
        &s(&path),
        &save_opts(Some("parquet"), FormatOptions::new()),
    )
    .unwrap();
    assert!(path.is_dir());
    assert_eq!(listing(&path), ["part-00000.parquet", "part-00001.parquet"]);
    let c =
        load(&[&s(&path)], &load_opts(Some("parquet"), names(&["a", "c"]), FormatOptions::new()))
            .unwrap();
    assert_df(
        &c,
        vec![vec![1i64.into(), 60i32.into()], vec![7i64.into(), 20i32.into()]],
        "a:long,c:int",
    );
    // nothing but the output is left next to it
    assert_eq!(listing(&tmp.path().join("a")), ["b"]);
}

#[test]
fn e32_eng_io_2_eng_io_9_suffixless_path_with_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let path = s(&tmp.path().join("a").join("b")); // parents do not exist yet
    let b = ints(&[[6, 1], [2, 7]], "c:long,a:long");
    let err =
        save(std::slice::from_ref(&b), &path, &save_opts(None, FormatOptions::new())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSupported);
    save(&[b], &path, &save_opts(Some("parquet"), FormatOptions::new())).unwrap();
    let err = load(&[&path], &LoadOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSupported);
    let c =
        load(&[&path], &load_opts(Some("parquet"), names(&["a"]), FormatOptions::new())).unwrap();
    assert_eq!(c.schema(), &"a:long");
    assert_eq!(c.rows().unwrap(), vec![vec![Value::Int64(1)], vec![Value::Int64(7)]]);
    let c = load(&[&path], &load_opts(Some("PARQUET"), names(&["a", "c"]), FormatOptions::new()))
        .unwrap();
    assert_df(&c, long_rows(&[[1, 6], [7, 2]]), "a:long,c:long");
}

#[test]
fn e33_eng_pq_2_parquet_folder_with_success_marker() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a").join("b");
    let a = ints(&[[6, 1]], "c:long,a:long");
    let b = ints(&[[2, 7], [4, 8]], "c:long,a:long");
    save(&[a], &s(&dir.join("a.parquet")), &SaveOptions::default()).unwrap();
    save(&[b], &s(&dir.join("b.parquet")), &SaveOptions::default()).unwrap();
    fs::write(dir.join("_SUCCESS"), b"").unwrap();
    let c =
        load(&[&s(&dir)], &load_opts(Some("parquet"), names(&["a", "c"]), FormatOptions::new()))
            .unwrap();
    assert_df(&c, long_rows(&[[1, 6], [7, 2], [8, 4]]), "a:long,c:long");
}

#[test]
fn e34_eng_io_3_list_of_parquet_files_concatenated() {
    let tmp = tempfile::tempdir().unwrap();
    let f1 = s(&tmp.path().join("a.parquet"));
    let f2 = s(&tmp.path().join("b.parquet"));
    let a = df(vec![vec![6i32.into(), 1i64.into()]], "c:int,a:long");
    let b =
        df(vec![vec![2i32.into(), 7i64.into()], vec![4i32.into(), 8i64.into()]], "c:int,a:long");
    save(&[a], &f1, &SaveOptions::default()).unwrap();
    save(&[b], &f2, &SaveOptions::default()).unwrap();
    let c = load(&[&f1, &f2], &load_opts(None, names(&["a", "c"]), FormatOptions::new())).unwrap();
    let expected = vec![
        vec![1i64.into(), 6i32.into()],
        vec![7i64.into(), 2i32.into()],
        vec![8i64.into(), 4i32.into()],
    ];
    assert_df(&c, expected, "a:long,c:int");
    // the list order is the read order
    let c = load(&[&f2, &f1], &LoadOptions::default()).unwrap();
    assert_eq!(c.rows().unwrap()[2], vec![Value::Int32(6), Value::Int64(1)]);
}

#[test]
fn eng_io_3_files_with_different_schemas_are_a_schema_error() {
    let tmp = tempfile::tempdir().unwrap();
    let f1 = s(&tmp.path().join("a.parquet"));
    let f2 = s(&tmp.path().join("b.parquet"));
    save(&[ints(&[[6, 1]], "c:long,a:long")], &f1, &SaveOptions::default()).unwrap();
    save(&[doubles(&[[6.0, 1.0]], "c:double,a:double")], &f2, &SaveOptions::default()).unwrap();
    let err = load(&[&f1, &f2], &LoadOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Schema);
    assert!(err.to_string().contains("b.parquet"), "{err}");
}

#[test]
fn eng_io_4_missing_columns_are_not_found() {
    let tmp = tempfile::tempdir().unwrap();
    let b = ints(&[[6, 1]], "c:long,a:long");
    for (name, hint, fo) in [
        ("t.parquet", "parquet", FormatOptions::new()),
        ("t.json", "json", FormatOptions::new()),
        ("t.csv", "csv", opts(&[("header", json!(true))])),
    ] {
        let path = s(&tmp.path().join(name));
        save(std::slice::from_ref(&b), &path, &save_opts(Some(hint), fo.clone())).unwrap();
        let err = load(&[&path], &load_opts(None, names(&["a", "x"]), fo)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{name}: {err}");
        assert!(err.to_string().contains("`x`"), "{err}");
    }
}

#[test]
fn eng_io_4_schema_columns_convert_parquet() {
    let tmp = tempfile::tempdir().unwrap();
    let path = s(&tmp.path().join("t.parquet"));
    save(&[ints(&[[6, 1], [2, 7]], "c:long,a:long")], &path, &SaveOptions::default()).unwrap();
    let c = load(&[&path], &load_opts(None, schema_cols("a:str,c:double"), FormatOptions::new()))
        .unwrap();
    assert_df(
        &c,
        vec![vec!["1".into(), 6.0.into()], vec!["7".into(), 2.0.into()]],
        "a:str,c:double",
    );
}

#[test]
fn eng_pq_1_exact_schema_with_odd_names_and_types() {
    let tmp = tempfile::tempdir().unwrap();
    let path = s(&tmp.path().join("t.parquet"));
    let schema = "`a b`:int,`x*`:str,d:date,t:datetime,l:[long],s:{p:double,q:bool},u:ubyte";
    let arrow_schema = Arc::new(ArrowSchema::new(vec![
        Field::new("d", DataType::Date32, true),
        Field::new("t", DataType::Timestamp(TimeUnit::Microsecond, None), true),
    ]));
    let dates = RecordBatch::try_new(
        arrow_schema,
        vec![
            Arc::new(Date32Array::from(vec![Some(18262), None])),
            Arc::new(TimestampMicrosecondArray::from(vec![Some(1_577_836_800_000_000), None])),
        ],
    )
    .unwrap();
    let dates = LocalDataFrame::from_batch(dates).unwrap();
    let date_rows = dates.rows().unwrap();
    let rows = vec![
        vec![
            1i32.into(),
            "x".into(),
            date_rows[0][0].clone(),
            date_rows[0][1].clone(),
            Value::List(vec![1i64.into(), Value::Null]),
            Value::Struct(vec![("p".into(), 1.5.into()), ("q".into(), true.into())]),
            Value::UInt8(3),
        ],
        vec![Value::Null; 7],
    ];
    let b = df(rows.clone(), schema);
    save(&[b], &path, &SaveOptions::default()).unwrap();
    let c = load(&[&path], &LoadOptions::default()).unwrap();
    assert_df(&c, rows, schema);
}

#[test]
fn eng_io_8_keyed_parquet_save_writes_hive_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("t.parquet");
    let b = ints(&[[6, 1], [2, 7], [6, 3]], "c:long,a:long");
    let options =
        SaveOptions { partition_spec: PartitionSpec::by(["c"]).unwrap(), ..SaveOptions::default() };
    // two physical partitions that both hold c=6
    save(&[b.slice(0, 2), b.slice(2, 1)], &s(&path), &options).unwrap();
    assert_eq!(listing(&path), ["c=2", "c=6"]);
    assert_eq!(listing(&path.join("c=2")), ["part-00000.parquet"]);
    assert_eq!(listing(&path.join("c=6")), ["part-00000.parquet", "part-00001.parquet"]);
    // the key column lives only in the folder names
    let part =
        load(&[&s(&path.join("c=6").join("part-00000.parquet"))], &LoadOptions::default()).unwrap();
    assert_df(&part, vec![vec![Value::Int64(1)]], "a:long");
    let c = load(&[&s(&path)], &LoadOptions::default()).unwrap();
    let expected = vec![
        vec![7i64.into(), "2".into()],
        vec![1i64.into(), "6".into()],
        vec![3i64.into(), "6".into()],
    ];
    assert_df(&c, expected, "a:long,c:str");
    // selecting the key column, converted back with a schema
    let c =
        load(&[&s(&path)], &load_opts(None, schema_cols("c:long,a:long"), FormatOptions::new()))
            .unwrap();
    assert_df(&c, long_rows(&[[2, 7], [6, 1], [6, 3]]), "c:long,a:long");
}

#[test]
fn eng_io_8_null_keys_and_force_single() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("t.parquet");
    let b = df(
        vec![
            vec!["x".into(), 1i64.into()],
            vec![Value::Null, 2i64.into()],
            vec!["a/b".into(), 3i64.into()],
        ],
        "k:str,v:long",
    );
    let spec = PartitionSpec::by(["k"]).unwrap();
    save(
        std::slice::from_ref(&b),
        &s(&path),
        &SaveOptions { partition_spec: spec.clone(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(listing(&path), ["k=__HIVE_DEFAULT_PARTITION__", "k=a%2Fb", "k=x"]);
    let c = load(&[&s(&path)], &load_opts(None, names(&["k", "v"]), FormatOptions::new())).unwrap();
    assert_df_any_order(
        &c,
        vec![
            vec!["x".into(), 1i64.into()],
            vec![Value::Null, 2i64.into()],
            vec!["a/b".into(), 3i64.into()],
        ],
        "k:str,v:long",
    );
    // force_single ignores keys and numbers: one file with every column
    let spec = PartitionSpec::builder().by(["k"]).num(3).build().unwrap();
    let options = SaveOptions { partition_spec: spec, force_single: true, ..Default::default() };
    save(&[b.slice(0, 1), b.slice(1, 2)], &s(&path), &options).unwrap();
    assert!(path.is_file());
    assert_eq!(load(&[&s(&path)], &LoadOptions::default()).unwrap().schema(), &"k:str,v:long");
    // a missing key column, keys with csv, all columns keys
    let bad =
        SaveOptions { partition_spec: PartitionSpec::by(["z"]).unwrap(), ..Default::default() };
    assert_eq!(
        save(std::slice::from_ref(&b), &s(&path), &bad).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let csv =
        SaveOptions { partition_spec: PartitionSpec::by(["k"]).unwrap(), ..Default::default() };
    let err = save(std::slice::from_ref(&b), &s(&tmp.path().join("t.csv")), &csv).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSupported);
    let all = SaveOptions {
        partition_spec: PartitionSpec::by(["k", "v"]).unwrap(),
        ..Default::default()
    };
    assert_eq!(save(&[b], &s(&path), &all).unwrap_err().kind(), ErrorKind::Schema);
    assert!(path.is_file(), "failed saves keep the old output");
}

// ------------------------------------------------------------------ modes

#[test]
fn eng_io_5_error_mode_raises_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let path = s(&tmp.path().join("t.parquet"));
    let b = ints(&[[6, 1]], "c:long,a:long");
    let options = SaveOptions { mode: SaveMode::Error, ..SaveOptions::default() };
    save(std::slice::from_ref(&b), &path, &options).unwrap();
    let err = save(&[b], &path, &options).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
}

#[test]
fn eng_io_5_failed_save_keeps_old_data() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("t.parquet");
    let old = ints(&[[6, 1]], "c:long,a:long");
    save(&[old.clone(), old.clone()], &s(&path), &SaveOptions::default()).unwrap();
    let before = listing(&path);
    // the second partition does not match: the write fails midway
    let bad = doubles(&[[1.0, 2.0]], "c:double,a:double");
    for options in [SaveOptions::default(), single(None, FormatOptions::new())] {
        let err = save(&[old.clone(), bad.clone()], &s(&path), &options).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Schema);
        assert_eq!(listing(&path), before);
        assert_eq!(listing(tmp.path()), ["t.parquet"], "temporaries are removed");
    }
    let c = load(&[&s(&path)], &LoadOptions::default()).unwrap();
    assert_df(&c, long_rows(&[[6, 1], [6, 1]]), "c:long,a:long");
}

#[test]
fn eng_io_5_append_adds_parts_to_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("t.json");
    let b = ints(&[[6, 1], [2, 7]], "c:long,a:long");
    save(&[b.slice(0, 1), b.slice(1, 1)], &s(&path), &SaveOptions::default()).unwrap();
    let append = SaveOptions { mode: SaveMode::Append, ..SaveOptions::default() };
    save(&[ints(&[[3, 3]], "c:long,a:long")], &s(&path), &append).unwrap();
    assert_eq!(listing(&path).len(), 3);
    let c = load(&[&s(&path)], &LoadOptions::default()).unwrap();
    assert_df_any_order(&c, long_rows(&[[6, 1], [2, 7], [3, 3]]), "c:long,a:long");
    // appending to a single file is not supported and keeps it
    let file = s(&tmp.path().join("one.json"));
    save(std::slice::from_ref(&b), &file, &SaveOptions::default()).unwrap();
    let err = save(&[b], &file, &append).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSupported);
    assert_eq!(load(&[&file], &LoadOptions::default()).unwrap().num_rows(), 2);
}

#[test]
fn eng_io_2_gzip_and_eng_io_10_unknown_options() {
    let tmp = tempfile::tempdir().unwrap();
    let b = ints(&[[6, 1]], "c:long,a:long");
    let err =
        save(std::slice::from_ref(&b), &s(&tmp.path().join("t.csv.gz")), &SaveOptions::default())
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSupported);
    fs::write(tmp.path().join("x.json.gz"), b"").unwrap();
    let err = load(&[&s(&tmp.path().join("x.json.gz"))], &LoadOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSupported);
    let err = save(
        std::slice::from_ref(&b),
        &s(&tmp.path().join("t.csv")),
        &save_opts(None, opts(&[("hedaer", json!(true))])),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err = save(
        std::slice::from_ref(&b),
        &s(&tmp.path().join("t.parquet")),
        &save_opts(None, opts(&[("header", json!(true))])),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err = save(&[b], &s(&tmp.path().join("t")), &save_opts(Some("avro"), FormatOptions::new()))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSupported);
    assert_eq!(listing(tmp.path()), ["x.json.gz"]);
}

// -------------------------------------------------------------------- csv

#[test]
fn e35_eng_csv_1_to_6_csv_with_header() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a").join("b");
    fs::create_dir_all(&path).unwrap();
    let header = || opts(&[("header", json!(true))]);
    let b = doubles(&[[6.1, 1.1], [2.1, 7.1]], "c:double,a:double");
    save(&[b], &s(&path), &single(Some("csv"), header())).unwrap();
    assert!(path.is_file());
    assert_eq!(fs::read_to_string(&path).unwrap(), "c,a\n6.1,1.1\n2.1,7.1\n");
    let p = s(&path);
    let no_infer = || opts(&[("header", json!(true)), ("infer_schema", json!(false))]);
    let infer = || opts(&[("header", json!(true)), ("infer_schema", json!(true))]);
    let c = load(&[&p], &load_opts(Some("csv"), LoadColumns::All, no_infer())).unwrap();
    assert_df(&c, strs(&[["6.1", "1.1"], ["2.1", "7.1"]]), "c:str,a:str");
    let c = load(&[&p], &load_opts(Some("csv"), LoadColumns::All, infer())).unwrap();
    assert_df(&c, double_rows(&[[6.1, 1.1], [2.1, 7.1]]), "c:double,a:double");
    let err =
        load(&[&p], &load_opts(Some("csv"), schema_cols("c:str,a:str"), infer())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let c = load(&[&p], &load_opts(Some("csv"), names(&["a", "c"]), no_infer())).unwrap();
    assert_df(&c, strs(&[["1.1", "6.1"], ["7.1", "2.1"]]), "a:str,c:str");
    let c =
        load(&[&p], &load_opts(Some("csv"), schema_cols("a:double,c:double"), no_infer())).unwrap();
    assert_df(&c, double_rows(&[[1.1, 6.1], [7.1, 2.1]]), "a:double,c:double");

    // overwrite the single file (with a folder of two parts)
    let b = doubles(&[[60.1, 1.1], [20.1, 7.1]], "c:double,a:double");
    save(&[b.slice(0, 1), b.slice(1, 1)], &p, &save_opts(Some("csv"), header())).unwrap();
    let c = load(&[&p], &load_opts(Some("csv"), names(&["a", "c"]), no_infer())).unwrap();
    assert_df(&c, strs(&[["1.1", "60.1"], ["7.1", "20.1"]]), "a:str,c:str");
}

#[test]
fn e36_eng_csv_4_headerless_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a").join("b");
    fs::create_dir_all(&path).unwrap();
    let b = doubles(&[[6.1, 1.1], [2.1, 7.1]], "c:double,a:double");
    save(&[b], &s(&path), &single(Some("csv"), opts(&[("header", json!(false))]))).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "6.1,1.1\n2.1,7.1\n");
    let p = s(&path);
    let no_infer = || opts(&[("header", json!(false)), ("infer_schema", json!(false))]);
    let infer = || opts(&[("header", json!(false)), ("infer_schema", json!(true))]);
    let err = load(&[&p], &load_opts(Some("csv"), LoadColumns::All, no_infer())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let c = load(&[&p], &load_opts(Some("csv"), names(&["c", "a"]), no_infer())).unwrap();
    assert_df(&c, strs(&[["6.1", "1.1"], ["2.1", "7.1"]]), "c:str,a:str");
    // names are positional, not looked up
    let c = load(&[&p], &load_opts(Some("csv"), names(&["x", "y"]), infer())).unwrap();
    assert_df(&c, double_rows(&[[6.1, 1.1], [2.1, 7.1]]), "x:double,y:double");
    let err = load(&[&p], &load_opts(Some("csv"), schema_cols("c:double,a:double"), infer()))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let c =
        load(&[&p], &load_opts(Some("csv"), schema_cols("c:double,a:str"), no_infer())).unwrap();
    assert_df(
        &c,
        vec![vec![6.1.into(), "1.1".into()], vec![2.1.into(), "7.1".into()]],
        "c:double,a:str",
    );
    // a width that differs from the names
    let err = load(&[&p], &load_opts(Some("csv"), names(&["c"]), no_infer())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Schema);
}

#[test]
fn e37_eng_io_7_default_layout_csv_with_header() {
    let tmp = tempfile::tempdir().unwrap();
    let path = s(&tmp.path().join("a").join("b"));
    let b = doubles(&[[6.1, 1.1], [2.1, 7.1]], "c:double,a:double");
    let header = opts(&[("header", json!(true))]);
    save(&[b.slice(0, 1), b.slice(1, 1)], &path, &save_opts(Some("csv"), header)).unwrap();
    assert!(Path::new(&path).is_dir());
    let infer = opts(&[("header", json!(true)), ("infer_schema", json!(true))]);
    let c = load(&[&path], &load_opts(Some("csv"), names(&["a", "c"]), infer)).unwrap();
    assert_df(&c, double_rows(&[[1.1, 6.1], [7.1, 2.1]]), "a:double,c:double");
}

#[test]
fn e38_eng_csv_8_csv_folder_with_success_marker() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a").join("b");
    let header = || opts(&[("header", json!(true))]);
    let a = doubles(&[[6.1, 1.1]], "c:double,a:double");
    let b = doubles(&[[2.1, 7.1], [4.1, 8.1]], "c:double,a:double");
    save(&[a], &s(&dir.join("a.csv")), &save_opts(Some("csv"), header())).unwrap();
    save(&[b], &s(&dir.join("b.csv")), &save_opts(Some("csv"), header())).unwrap();
    fs::write(dir.join("_SUCCESS"), b"").unwrap();
    let infer = opts(&[("header", json!(true)), ("infer_schema", json!(true))]);
    let c = load(&[&s(&dir)], &load_opts(Some("csv"), names(&["a", "c"]), infer)).unwrap();
    assert_df(&c, double_rows(&[[1.1, 6.1], [7.1, 2.1], [8.1, 4.1]]), "a:double,c:double");
}

#[test]
fn eng_csv_5_inference_merges_files_and_eng_csv_7_empty_fields_are_null() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t.csv");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("p0.csv"), "i,f,s,e\n1,2,x,\n,3,,\n").unwrap();
    fs::write(dir.join("p1.csv"), "i,f,s,e\n4,5.5,true,\n").unwrap();
    let infer = opts(&[("header", json!(true)), ("infer_schema", json!(true))]);
    let c = load(&[&s(&dir)], &load_opts(None, LoadColumns::All, infer)).unwrap();
    let expected = vec![
        vec![1i64.into(), 2.0.into(), "x".into(), Value::Null],
        vec![Value::Null, 3.0.into(), Value::Null, Value::Null],
        vec![4i64.into(), 5.5.into(), "true".into(), Value::Null],
    ];
    assert_df(&c, expected, "i:long,f:double,s:str,e:str");
    // without inference empty fields are null strings
    let c = load(&[&s(&dir)], &load_opts(None, LoadColumns::All, opts(&[("header", json!(true))])))
        .unwrap();
    assert_eq!(c.rows().unwrap()[1], vec![Value::Null, "3".into(), Value::Null, Value::Null]);
    // files whose headers differ
    fs::write(dir.join("p2.csv"), "i,f,s,x\n1,2,3,4\n").unwrap();
    let err =
        load(&[&s(&dir)], &load_opts(None, LoadColumns::All, opts(&[("header", json!(true))])))
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Schema);
    assert!(err.to_string().contains("p2.csv"), "{err}");
}

#[test]
fn eng_csv_2_nulls_empty_no_index_and_dates_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("t.csv");
    let arrow_schema = Arc::new(ArrowSchema::new(vec![
        Field::new("d", DataType::Date32, true),
        Field::new("t", DataType::Timestamp(TimeUnit::Microsecond, None), true),
        Field::new("s", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        arrow_schema,
        vec![
            Arc::new(Date32Array::from(vec![Some(18262), None])),
            Arc::new(TimestampMicrosecondArray::from(vec![Some(1_577_836_801_500_000), None])),
            Arc::new(arrow::array::StringArray::from(vec![Some("a,b"), None])),
        ],
    )
    .unwrap();
    let b = LocalDataFrame::from_batch(batch).unwrap();
    save(std::slice::from_ref(&b), &s(&path), &save_opts(None, opts(&[("header", json!(true))])))
        .unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "d,t,s\n2020-01-01,2020-01-01T00:00:01.500,\"a,b\"\n,,\n"
    );
    let c = load(
        &[&s(&path)],
        &load_opts(None, schema_cols("d:date,t:datetime,s:str"), opts(&[("header", json!(true))])),
    )
    .unwrap();
    assert_df(&c, b.rows().unwrap(), "d:date,t:datetime,s:str");
    // and in json
    let json_path = s(&tmp.path().join("t.json"));
    save(std::slice::from_ref(&b), &json_path, &SaveOptions::default()).unwrap();
    let c = load(
        &[&json_path],
        &load_opts(None, schema_cols("d:date,t:datetime,s:str"), FormatOptions::new()),
    )
    .unwrap();
    assert_df(&c, b.rows().unwrap(), "d:date,t:datetime,s:str");
    // csv cannot hold nested values
    let nested = df(vec![vec![Value::List(vec![1i64.into()])]], "l:[long]");
    let err = save(&[nested], &s(&tmp.path().join("n.csv")), &SaveOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSupported);
}

#[test]
fn eng_csv_1_header_and_separator_options() {
    let tmp = tempfile::tempdir().unwrap();
    let path = s(&tmp.path().join("t.csv"));
    let b = ints(&[[6, 1]], "c:long,a:long");
    let o = opts(&[("header", json!("True")), ("sep", json!("|"))]);
    save(&[b], &path, &save_opts(None, o.clone())).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "c|a\n6|1\n");
    let c = load(&[&path], &load_opts(None, LoadColumns::All, o)).unwrap();
    assert_df(&c, strs(&[["6", "1"]]), "c:str,a:str");
    let err = load(&[&path], &load_opts(None, names(&["a"]), opts(&[("header", json!("yes"))])))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSupported);
    // an empty frame still writes its header
    let empty = LocalDataFrame::empty("c:long,a:long".parse().unwrap()).unwrap();
    save(&[empty], &path, &save_opts(None, opts(&[("header", json!(true))]))).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "c,a\n");
    let c = load(&[&path], &load_opts(None, LoadColumns::All, opts(&[("header", json!(true))])))
        .unwrap();
    assert_eq!((c.num_rows(), c.schema().to_string()), (0, "c:str,a:str".to_string()));
}

// ------------------------------------------------------------------- json

#[test]
fn e39_eng_json_2_single_json_ints_come_back_long() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a").join("b");
    fs::create_dir_all(&path).unwrap();
    let b =
        df(vec![vec![6i32.into(), 1i64.into()], vec![2i32.into(), 7i64.into()]], "c:int,a:long");
    save(&[b], &s(&path), &single(Some("json"), FormatOptions::new())).unwrap();
    assert!(path.is_file());
    let p = s(&path);
    let c =
        load(&[&p], &load_opts(Some("json"), names(&["a", "c"]), FormatOptions::new())).unwrap();
    assert_df(&c, long_rows(&[[1, 6], [7, 2]]), "a:long,c:long");
    let b = ints(&[[60, 1], [20, 7]], "c:long,a:long");
    let options =
        SaveOptions { mode: SaveMode::Overwrite, ..save_opts(Some("json"), FormatOptions::new()) };
    save(&[b], &p, &options).unwrap();
    let c =
        load(&[&p], &load_opts(Some("json"), names(&["a", "c"]), FormatOptions::new())).unwrap();
    assert_df(&c, long_rows(&[[1, 60], [7, 20]]), "a:long,c:long");
}

#[test]
fn e40_eng_io_7_two_partitions_saved_as_json_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let path = s(&tmp.path().join("a").join("b"));
    let b = df(
        [[6i32, 1], [3, 4], [2, 7], [4, 8], [6, 7]]
            .iter()
            .map(|[c, a]| vec![Value::Int32(*c), Value::Int64(i64::from(*a))])
            .collect(),
        "c:int,a:long",
    );
    save(&[b.slice(0, 3), b.slice(3, 2)], &path, &save_opts(Some("json"), FormatOptions::new()))
        .unwrap();
    assert_eq!(listing(Path::new(&path)), ["part-00000.json", "part-00001.json"]);
    let c =
        load(&[&path], &load_opts(Some("json"), names(&["a", "c"]), FormatOptions::new())).unwrap();
    assert_df_any_order(&c, long_rows(&[[1, 6], [7, 2], [4, 3], [8, 4], [7, 6]]), "a:long,c:long");
}

#[test]
fn e41_eng_json_3_json_folder_with_success_marker() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a").join("b");
    let a = ints(&[[6, 1], [3, 4]], "c:long,a:long");
    let b = ints(&[[2, 7], [4, 8]], "c:long,a:long");
    save(&[a], &s(&dir.join("a.json")), &SaveOptions::default()).unwrap();
    save(&[b], &s(&dir.join("b.json")), &SaveOptions::default()).unwrap();
    fs::write(dir.join("_SUCCESS"), b"").unwrap();
    let c = load(&[&s(&dir)], &load_opts(Some("json"), names(&["a", "c"]), FormatOptions::new()))
        .unwrap();
    assert_df(&c, long_rows(&[[1, 6], [4, 3], [7, 2], [8, 4]]), "a:long,c:long");
}

#[test]
fn eng_json_1_one_object_per_line_with_explicit_nulls() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("t.json");
    let b = df(
        vec![
            vec![1i64.into(), "x".into(), true.into()],
            vec![Value::Null, Value::Null, Value::Null],
        ],
        "a:long,b:str,c:bool",
    );
    save(std::slice::from_ref(&b), &s(&path), &SaveOptions::default()).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\"a\":1,\"b\":\"x\",\"c\":true}\n{\"a\":null,\"b\":null,\"c\":null}\n"
    );
    let c = load(&[&s(&path)], &LoadOptions::default()).unwrap();
    assert_df(&c, b.rows().unwrap(), "a:long,b:str,c:bool");
}

#[test]
fn eng_json_2_types_merge_over_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t.json");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("a.json"), "{\"x\":1,\"n\":null}\n{\"x\":2,\"l\":[1,2]}").unwrap();
    fs::write(dir.join("b.json"), "{\"x\":2.5,\"n\":null,\"o\":{\"p\":\"q\"}}\n").unwrap();
    let c = load(&[&s(&dir)], &LoadOptions::default()).unwrap();
    assert_eq!(c.schema(), &"x:double,n:str,l:[long],o:{p:str}");
    assert_eq!(c.num_rows(), 3);
    fs::write(dir.join("c.json"), "[1,2]\n").unwrap();
    let err = load(&[&s(&dir)], &LoadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("c.json"), "{err}");
}

#[test]
fn eng_io_2_eng_io_3_mixed_formats_and_globs() {
    let tmp = tempfile::tempdir().unwrap();
    let pq = s(&tmp.path().join("a.parquet"));
    let js = s(&tmp.path().join("b.json"));
    save(&[ints(&[[6, 1]], "c:long,a:long")], &pq, &SaveOptions::default()).unwrap();
    save(&[ints(&[[2, 7]], "c:long,a:long")], &js, &SaveOptions::default()).unwrap();
    // each path's format is inferred separately; schemas agree
    let c = load(&[&js, &pq], &LoadOptions::default()).unwrap();
    assert_df(&c, long_rows(&[[2, 7], [6, 1]]), "c:long,a:long");
    save(
        &[ints(&[[3, 3]], "c:long,a:long")],
        &s(&tmp.path().join("c.json")),
        &SaveOptions::default(),
    )
    .unwrap();
    let glob = s(&tmp.path().join("*.json"));
    let c = load(&[&glob], &load_opts(None, names(&["a"]), FormatOptions::new())).unwrap();
    assert_eq!(c.rows().unwrap(), vec![vec![Value::Int64(7)], vec![Value::Int64(3)]]);
}
