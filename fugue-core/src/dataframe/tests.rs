//! Unit tests of the local frames, the stream frame, the collection and show.

use std::sync::Arc;

use arrow::array::{Int32Array, StringViewArray};
use arrow::datatypes::{DataType, Field};
use arrow::record_batch::RecordBatch;

use super::*;
use crate::error::ErrorKind;

fn df(rows: Vec<Row>, schema: &str) -> LocalDataFrame {
    LocalDataFrame::from_rows(rows, schema).expect("valid frame")
}

fn v(i: i32) -> Value {
    Value::Int32(i)
}

fn s(t: &str) -> Value {
    Value::Str(t.to_string())
}

fn kind<T: std::fmt::Debug>(r: Result<T>) -> Option<ErrorKind> {
    r.err().map(|e| e.kind())
}

fn sample() -> LocalDataFrame {
    df(
        vec![vec![v(1), s("x"), Value::Float64(1.5)], vec![v(2), Value::Null, Value::Null]],
        "a:int,b:str,c:double",
    )
}

#[test]
fn df_kind_1_empty_schema_is_rejected() {
    assert_eq!(kind(LocalDataFrame::empty(Schema::empty())), Some(ErrorKind::Schema));
    assert_eq!(kind(LocalDataFrame::from_rows(vec![], "")), Some(ErrorKind::Schema));
}

#[test]
fn df_kind_2_flags_of_local_frames() {
    let d = sample();
    assert!(d.is_local() && d.is_bounded());
    assert_eq!(d.num_partitions(), 1);
}

#[test]
fn df_op_1_2_3_4_count_empty_peek() {
    let d = sample();
    assert_eq!(d.count().ok(), Some(2));
    assert_eq!(d.is_empty().ok(), Some(false));
    assert_eq!(d.peek_array().ok(), Some(vec![v(1), s("x"), Value::Float64(1.5)]));
    let dict = d.peek_dict().expect("peek");
    assert_eq!(dict.keys().cloned().collect::<Vec<_>>(), vec!["a", "b", "c"]);
    let e = LocalDataFrame::empty("a:int".parse().expect("schema")).expect("empty frame");
    assert_eq!(e.is_empty().ok(), Some(true));
    assert_eq!(kind(e.peek_array()), Some(ErrorKind::Empty));
    assert_eq!(kind(e.peek_dict()), Some(ErrorKind::Empty));
}

#[test]
fn df_op_5_head() {
    let d = sample();
    assert_eq!(d.head(0, None).map(|h| h.num_rows()).ok(), Some(0));
    assert_eq!(d.head(1, None).map(|h| h.num_rows()).ok(), Some(1));
    assert_eq!(d.head(10, None).map(|h| h.num_rows()).ok(), Some(2));
    let h = d.head(1, Some(&["c", "a"])).expect("head");
    assert_eq!(h.schema().to_string(), "c:double,a:int");
    assert_eq!(h.rows().ok(), Some(vec![vec![Value::Float64(1.5), v(1)]]));
    assert_eq!(kind(d.head(1, Some(&["x"]))), Some(ErrorKind::DataFrameOp));
}

#[test]
fn df_op_6_9_as_array_and_dicts() {
    let d = sample();
    assert_eq!(
        d.as_array(Some(&["b", "a"]), false).ok(),
        Some(vec![vec![s("x"), v(1)], vec![Value::Null, v(2)]])
    );
    assert_eq!(kind(d.as_array(Some(&[]), false)), Some(ErrorKind::InvalidArgument));
    assert_eq!(kind(d.as_array(Some(&["zz"]), false)), Some(ErrorKind::NotFound));
    let dicts = d.as_dicts(Some(&["c"])).expect("dicts");
    assert_eq!(dicts[1].get("c"), Some(&Value::Null));
    assert_eq!(dicts[0].len(), 1);
}

#[test]
fn df_op_10_select_columns() {
    let d = sample();
    let r = d.select_columns(&["c", "a"]).expect("select");
    assert_eq!(r.schema().to_string(), "c:double,a:int");
    assert_eq!(kind(d.select_columns(&[])), Some(ErrorKind::DataFrameOp));
    assert_eq!(kind(d.select_columns(&["a", "a"])), Some(ErrorKind::DataFrameOp));
    assert_eq!(kind(d.select_columns(&["x"])), Some(ErrorKind::DataFrameOp));
}

#[test]
fn df_op_11_drop() {
    let d = sample();
    let r = d.drop_columns(&["b"]).expect("drop");
    assert_eq!(r.schema().to_string(), "a:int,c:double");
    assert_eq!(r.count().ok(), Some(2));
    assert_eq!(kind(d.drop_columns(&["a", "b", "c"])), Some(ErrorKind::DataFrameOp));
    assert_eq!(kind(d.drop_columns(&["x"])), Some(ErrorKind::DataFrameOp));
    assert_eq!(kind(d.drop_columns(&["a", "a"])), Some(ErrorKind::DataFrameOp));
}

#[test]
fn df_op_13_rename() {
    let d = sample();
    let r = d.rename(&[("a", "b"), ("b", "a")]).expect("swap");
    assert_eq!(r.schema().to_string(), "b:int,a:str,c:double");
    assert_eq!(r.as_array(None, false).ok().map(|rows| rows[0][0].clone()), Some(v(1)));
    assert_eq!(d.schema().to_string(), "a:int,b:str,c:double", "source unchanged");
    assert_eq!(kind(d.rename(&[("a", "b")])), Some(ErrorKind::DataFrameOp));
    assert_eq!(kind(d.rename(&[("x", "y")])), Some(ErrorKind::DataFrameOp));
    let same = d.rename(&[]).expect("empty rename");
    assert_eq!(same.schema(), d.schema());
    let odd = df(vec![vec![v(1)]], "`0`:int").rename(&[("0", "_0")]).expect("rename 0");
    assert_eq!(odd.schema().to_string(), "_0:int");
}

#[test]
fn df_op_14_alter_columns() {
    let d = sample();
    let r = d.alter_columns(&"c:str,a:long".parse().expect("schema")).expect("alter");
    assert_eq!(r.schema().to_string(), "a:long,b:str,c:str");
    assert_eq!(
        r.as_array(None, false).ok(),
        Some(vec![
            vec![Value::Int64(1), s("x"), s("1.5")],
            vec![Value::Int64(2), Value::Null, Value::Null]
        ])
    );
    assert_eq!(
        kind(d.alter_columns(&"zz:int".parse().expect("schema"))),
        Some(ErrorKind::InvalidArgument)
    );
    let bad = df(vec![vec![s("x")]], "a:str");
    assert_eq!(kind(bad.alter_columns(&"a:int".parse().expect("schema"))), Some(ErrorKind::Cast));
}

#[test]
fn sch_type_8_arrow_view_types_are_normalised() {
    let schema = Arc::new(arrow::datatypes::Schema::new(vec![
        Field::new("a", DataType::Int32, false),
        Field::new("b", DataType::Utf8View, false),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int32Array::from(vec![1, 2])),
            Arc::new(StringViewArray::from(vec!["p", "q"])),
        ],
    )
    .expect("batch");
    let d = LocalDataFrame::from_batch(batch).expect("frame");
    assert_eq!(d.schema().to_string(), "a:int,b:str");
    let arrow = d.as_arrow().expect("arrow");
    assert_eq!(arrow.schema().field(1).data_type(), &DataType::Utf8);
}

#[test]
fn df_meta_1_metadata_is_kept_by_identity_conversions() {
    let mut m = Metadata::new();
    m.insert("k".into(), serde_json::json!(1));
    let d = sample().with_metadata_map(m.clone());
    assert_eq!(d.as_local_bounded().map(|l| l.metadata().clone()).ok(), Some(m.clone()));
    assert!(d.rename(&[("a", "z")]).map(|r| r.metadata().is_empty()).unwrap_or(false));
    let dyn_df: DataFrameRef = Arc::new(d);
    assert!(dyn_df.downcast_ref::<LocalDataFrame>().is_some());
}

fn stream(batches: Vec<LocalDataFrame>, schema: Option<&str>) -> Result<LocalStreamDataFrame> {
    let items: Vec<Result<RecordBatch>> =
        batches.into_iter().map(|d| d.to_batch_or_empty()).collect();
    LocalStreamDataFrame::new(schema.map(|s| s.parse().expect("schema")), items)
}

impl LocalDataFrame {
    fn to_batch_or_empty(&self) -> Result<RecordBatch> {
        if self.num_rows() == 0 {
            Ok(RecordBatch::new_empty(self.schema().arrow().clone()))
        } else {
            self.to_batch()
        }
    }
}

#[test]
fn df_kind_4_stream_schema_and_empty_frames() {
    let e = df(vec![], "a:int");
    let one = df(vec![vec![v(1)], vec![v(2)]], "a:int");
    let st = stream(vec![e.clone(), one.clone(), e.clone()], None).expect("stream");
    assert!(!st.is_bounded());
    assert_eq!(kind(st.count()), Some(ErrorKind::InvalidOperation));
    assert_eq!(st.is_empty().ok(), Some(false));
    assert_eq!(st.peek_array().ok(), Some(vec![v(1)]));
    assert_eq!(st.peek_array().ok(), Some(vec![v(1)]), "peek does not consume (DF-OP-3)");
    assert_eq!(st.as_local_bounded().map(|l| l.num_rows()).ok(), Some(2));
    let all_empty = stream(vec![e.clone(), df(vec![], "b:str")], None).expect("stream");
    assert_eq!(all_empty.schema().to_string(), "b:str");
    assert_eq!(all_empty.is_empty().ok(), Some(true));
    assert_eq!(kind(stream(vec![], None)), Some(ErrorKind::DataFrameInit));
    assert!(stream(vec![], Some("a:int")).is_ok());
    assert_eq!(kind(stream(vec![one.clone()], Some("b:int"))), Some(ErrorKind::DataFrameInit));
    let mixed = stream(vec![one, df(vec![vec![s("x")]], "b:str")], None).expect("first is fine");
    assert_eq!(kind(mixed.as_local_bounded()), Some(ErrorKind::DataFrameInit));
}

#[test]
fn df_op_5_head_consumes_a_stream() {
    let one = df(vec![vec![v(1)], vec![v(2)], vec![v(3)]], "a:int");
    let st = stream(vec![one], None).expect("stream");
    assert_eq!(st.head(2, None).and_then(|h| h.rows()).ok(), Some(vec![vec![v(1)], vec![v(2)]]));
    assert_eq!(st.as_local_bounded().and_then(|h| h.rows()).ok(), Some(vec![vec![v(3)]]));
}

#[test]
fn dfs_1_7_collections() {
    let a: DataFrameRef = Arc::new(sample());
    let b: DataFrameRef = Arc::new(df(vec![vec![v(1)]], "x:int"));
    let list = DataFrames::list([a.clone(), b.clone()]);
    assert!(!list.has_key());
    assert_eq!(list.keys().collect::<Vec<_>>(), vec!["_0", "_1"]);
    assert_eq!(list.get("_1").map(|d| d.schema().to_string()), Some("x:int".into()));
    let named = DataFrames::named([("x", a.clone()), ("y", b.clone())]).expect("named");
    assert!(named.has_key());
    assert_eq!(named.get_index(1).map(|d| d.schema().to_string()), Some("x:int".into()));
    assert_eq!(
        kind(DataFrames::named([("x", a.clone()), ("x", b.clone())])),
        Some(ErrorKind::InvalidArgument)
    );
    let mixed =
        DataFrames::builder().push(a.clone()).and_then(|bld| bld.push_named("k", b.clone()));
    assert_eq!(kind(mixed), Some(ErrorKind::InvalidOperation));
    let converted = named.convert(|d| d.select_columns(&[d.schema().names()[0]])).expect("convert");
    assert!(converted.has_key());
    assert_eq!(converted.get("x").map(|d| d.schema().to_string()), Some("a:int".into()));
    assert!(DataFrames::new().is_empty());
}

#[test]
fn df_show_1_5_layout() {
    let mut m = Metadata::new();
    m.insert("x".into(), serde_json::json!("y"));
    let d = sample().with_metadata_map(m);
    let text = d
        .show_string(&ShowOptions { n: 10, with_count: false, title: Some("T".into()) })
        .expect("show");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "T");
    assert_eq!(lines[1], "LocalDataFrame");
    assert!(lines[2].starts_with("a:int|b:str"), "{text}");
    assert!(lines[3].starts_with("-----+"), "{text}");
    assert!(text.contains("NULL"), "{text}");
    assert!(text.contains("Total count: 2"), "fewer rows than n prints the count: {text}");
    assert!(text.contains("Metadata:"), "{text}");
    let few = d.show_string(&ShowOptions { n: 1, with_count: false, title: None }).expect("show");
    assert!(!few.contains("Total count"), "{few}");
    let counted =
        d.show_string(&ShowOptions { n: 1, with_count: true, title: None }).expect("show");
    assert!(counted.contains("Total count: 2"), "{counted}");
}

#[test]
fn df_show_3_long_cells_are_cut() {
    let long = "y".repeat(600);
    let d = df(vec![vec![Value::Str(long)]], "a:str");
    let text = d.show_string(&ShowOptions::default()).expect("show");
    assert!(text.contains("..."));
    assert!(!text.contains(&"y".repeat(498)));
}
