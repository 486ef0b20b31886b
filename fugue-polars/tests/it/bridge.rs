//! Round trips through the bridge: Arrow → Polars → Arrow gives the same
//! array (type and values), for every type of the schema grammar, with
//! nulls, and for sliced arrays.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BinaryArray, BooleanArray, Date32Array, Decimal128Array, Float16Array,
    Float32Array, Float64Array, Int8Array, Int16Array, Int32Array, Int64Array, ListBuilder,
    MapBuilder, NullArray, RecordBatch, StringArray, StringBuilder, StructArray,
    TimestampMicrosecondArray, TimestampMillisecondArray, TimestampNanosecondArray,
    TimestampSecondArray, UInt8Array, UInt16Array, UInt32Array, UInt64Array,
};
use arrow::array::{Int32Builder, StringViewArray};
use arrow::datatypes::{DataType, Field, Fields, Schema as ArrowSchema};
use fugue_core::{DataFrame, LocalDataFrame, Schema};
use fugue_polars::bridge::{from_polars_df, to_polars_df};
use half::f16;

/// `array` as the one column `x` of a local frame (normalised schema).
fn frame(array: ArrayRef) -> LocalDataFrame {
    let schema = Arc::new(ArrowSchema::new(vec![Field::new("x", array.data_type().clone(), true)]));
    let batch = RecordBatch::try_new(schema, vec![array]).expect("batch");
    LocalDataFrame::from_batch(batch).expect("frame")
}

/// Arrow → Polars → Arrow, checking type and values, for the whole array
/// and for a slice of it.
fn round_trip(array: ArrayRef) {
    for a in [array.clone(), array.slice(1, array.len().saturating_sub(2))] {
        let local = frame(a.clone());
        let pl = to_polars_df(&local).expect("to polars");
        assert_eq!(pl.height(), a.len());
        let back = from_polars_df(&pl, local.schema()).expect("from polars");
        let original = local.to_batch().expect("batch");
        let returned = back.to_batch().expect("batch");
        assert_eq!(
            returned.column(0).data_type(),
            original.column(0).data_type(),
            "type of {:?}",
            a.data_type()
        );
        assert_eq!(returned.column(0).to_data(), original.column(0).to_data(), "{a:?}");
    }
}

#[test]
fn null_and_bool() {
    round_trip(Arc::new(NullArray::new(5)));
    round_trip(Arc::new(BooleanArray::from(vec![Some(true), None, Some(false), Some(true), None])));
}

#[test]
fn integers() {
    round_trip(Arc::new(Int8Array::from(vec![Some(1), None, Some(-3), Some(i8::MAX), None])));
    round_trip(Arc::new(Int16Array::from(vec![Some(1), None, Some(-3), Some(i16::MIN), None])));
    round_trip(Arc::new(Int32Array::from(vec![Some(1), None, Some(-3), Some(7), None])));
    round_trip(Arc::new(Int64Array::from(vec![Some(1), None, Some(i64::MIN), Some(7), None])));
    round_trip(Arc::new(UInt8Array::from(vec![Some(1), None, Some(255), Some(7), None])));
    round_trip(Arc::new(UInt16Array::from(vec![Some(1), None, Some(3), Some(7), None])));
    round_trip(Arc::new(UInt32Array::from(vec![Some(1), None, Some(3), Some(u32::MAX), None])));
    round_trip(Arc::new(UInt64Array::from(vec![Some(1), None, Some(u64::MAX), Some(7), None])));
}

#[test]
fn floats() {
    round_trip(Arc::new(Float16Array::from(vec![
        Some(f16::from_f32(1.5)),
        None,
        Some(f16::from_f32(-2.0)),
        Some(f16::from_f32(0.25)),
        None,
    ])));
    round_trip(Arc::new(Float32Array::from(vec![
        Some(1.5),
        None,
        Some(f32::NAN),
        Some(-0.0),
        None,
    ])));
    round_trip(Arc::new(Float64Array::from(vec![
        Some(1.5),
        None,
        Some(f64::INFINITY),
        Some(2.0),
        None,
    ])));
}

#[test]
fn strings_and_binary() {
    let long = "a string longer than twelve bytes, stored out of line";
    round_trip(Arc::new(StringArray::from(vec![Some("x"), None, Some(long), Some(""), None])));
    round_trip(Arc::new(BinaryArray::from(vec![
        Some(&b"ab"[..]),
        None,
        Some(long.as_bytes()),
        Some(&b""[..]),
        None,
    ])));
}

#[test]
fn string_views_normalise_to_str() {
    let view: ArrayRef =
        Arc::new(StringViewArray::from(vec![Some("x"), None, Some("a longer string value here")]));
    let local = frame(view);
    assert_eq!(local.schema().to_string(), "x:str");
    let pl = to_polars_df(&local).expect("to polars");
    let back = from_polars_df(&pl, local.schema()).expect("from polars");
    assert_eq!(back.rows().expect("rows"), local.rows().expect("rows"));
}

#[test]
fn dates_and_timestamps() {
    round_trip(Arc::new(Date32Array::from(vec![Some(0), None, Some(18_000), Some(-5), None])));
    let v = vec![Some(1_600_000_000), None, Some(0), Some(-86_400), None];
    round_trip(Arc::new(TimestampSecondArray::from(v.clone())));
    round_trip(Arc::new(TimestampMillisecondArray::from(v.clone())));
    round_trip(Arc::new(TimestampMicrosecondArray::from(v.clone())));
    round_trip(Arc::new(TimestampNanosecondArray::from(v.clone())));
    round_trip(Arc::new(TimestampMicrosecondArray::from(v.clone()).with_timezone("UTC")));
    round_trip(Arc::new(TimestampNanosecondArray::from(v.clone()).with_timezone("Europe/Berlin")));
    round_trip(Arc::new(TimestampMicrosecondArray::from(v).with_timezone("+08:00")));
}

/// A frame built from Arrow data skips the schema parser: an unknown time
/// zone used to panic inside Polars while crossing the bridge; it is an
/// `ERR-SCHEMA` now, also nested in a list, and the Polars engine's `to_df`
/// returns it.
#[test]
fn unknown_time_zones_are_errors_not_panics() {
    use fugue_core::{DataFrameRef, ErrorKind, ExecutionEngine};
    let ts = TimestampMicrosecondArray::from(vec![Some(1), None]).with_timezone("Mars/Olympus");
    let local = frame(Arc::new(ts));
    let err = to_polars_df(&local).expect_err("unknown zone");
    assert_eq!(err.kind(), ErrorKind::Schema, "{err}");
    assert!(err.to_string().contains("Mars/Olympus"), "{err}");
    let engine = fugue_polars::PolarsExecutionEngine::new(fugue_core::Conf::new()).expect("engine");
    let df: DataFrameRef = Arc::new(local);
    let err = engine.to_df(&df).err().map(|e| e.kind());
    assert_eq!(err, Some(ErrorKind::Schema));
    let mut list =
        ListBuilder::new(arrow::array::TimestampSecondBuilder::new().with_timezone("Nowhere/X"));
    list.values().append_value(3);
    list.append(true);
    let err = to_polars_df(&frame(Arc::new(list.finish()))).expect_err("nested unknown zone");
    assert_eq!(err.kind(), ErrorKind::Schema, "{err}");
}

#[test]
fn decimals() {
    let d = Decimal128Array::from(vec![Some(12_345), None, Some(-1), Some(0), None])
        .with_precision_and_scale(10, 2)
        .expect("decimal");
    round_trip(Arc::new(d));
    let d = Decimal128Array::from(vec![
        Some(i128::from(i64::MAX) * 1000),
        None,
        Some(5),
        Some(6),
        None,
    ])
    .with_precision_and_scale(38, 5)
    .expect("decimal");
    round_trip(Arc::new(d));
}

#[test]
fn lists() {
    let mut b = ListBuilder::new(Int32Builder::new());
    b.append_value([Some(1), None, Some(3)]);
    b.append_null();
    b.append_value([]);
    b.append_value([Some(4)]);
    b.append_value([None]);
    round_trip(Arc::new(b.finish()));
    let mut b = ListBuilder::new(ListBuilder::new(StringBuilder::new()));
    b.values().append_value([Some("a"), None]);
    b.append(true);
    b.append_null();
    b.values().append_value([Some("long string beyond the inline view size")]);
    b.values().append_null();
    b.append(true);
    b.append(true);
    b.values().append_value([Some("z")]);
    b.append(true);
    round_trip(Arc::new(b.finish()));
}

fn struct_array() -> StructArray {
    let a: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None, Some(3), Some(4), None]));
    let s: ArrayRef =
        Arc::new(StringArray::from(vec![Some("x"), Some("y"), None, Some("w"), None]));
    let fields = Fields::from(vec![
        Field::new("a", DataType::Int32, true),
        Field::new("b", DataType::Utf8, true),
    ]);
    let nulls = arrow::buffer::NullBuffer::from(vec![true, true, true, false, true]);
    StructArray::try_new(fields, vec![a, s], Some(nulls)).expect("struct")
}

#[test]
fn structs() {
    round_trip(Arc::new(struct_array()));
}

#[test]
fn maps() {
    let mut b = MapBuilder::new(None, StringBuilder::new(), Int32Builder::new());
    b.keys().append_value("a");
    b.values().append_value(1);
    b.keys().append_value("b");
    b.values().append_null();
    b.append(true).expect("map");
    b.append(false).expect("map");
    b.append(true).expect("map");
    b.keys().append_value("c");
    b.values().append_value(3);
    b.append(true).expect("map");
    b.keys().append_value("d");
    b.values().append_value(4);
    b.append(true).expect("map");
    let local = frame(Arc::new(b.finish()));
    assert_eq!(local.schema().to_string(), "x:<str,int>");
    round_trip(local.to_batch().expect("batch").column(0).clone());
}

#[test]
fn nested_mixes() {
    // a list of structs, and a struct holding a list
    let s = struct_array();
    let offsets = arrow::buffer::OffsetBuffer::new(vec![0, 2, 2, 5].into());
    let item = Arc::new(Field::new("item", s.data_type().clone(), true));
    let list = arrow::array::ListArray::try_new(item, offsets, Arc::new(s), None).expect("list");
    round_trip(Arc::new(list));
    let mut lb = ListBuilder::new(Int32Builder::new());
    for i in 0..5 {
        lb.append_value([Some(i), Some(i + 1)]);
    }
    let l: ArrayRef = Arc::new(lb.finish());
    let fields = Fields::from(vec![Field::new("l", l.data_type().clone(), true)]);
    round_trip(Arc::new(StructArray::try_new(fields, vec![l], None).expect("struct")));
}

#[test]
fn several_batches_and_columns() {
    let schema: Schema = "a:int,b:str".parse().expect("schema");
    let b1 = RecordBatch::try_new(
        schema.arrow().clone(),
        vec![Arc::new(Int32Array::from(vec![1, 2])), Arc::new(StringArray::from(vec!["x", "y"]))],
    )
    .expect("batch");
    let b2 = b1.slice(1, 1);
    let local = LocalDataFrame::new(schema.clone(), vec![b1, b2]).expect("frame");
    let pl = to_polars_df(&local).expect("to polars");
    assert_eq!(pl.height(), 3);
    let back = from_polars_df(&pl, &schema).expect("back");
    assert_eq!(back.rows().expect("rows"), local.rows().expect("rows"));
    let empty = LocalDataFrame::empty(schema.clone()).expect("empty");
    let pl = to_polars_df(&empty).expect("to polars");
    assert_eq!((pl.height(), pl.width()), (0, 2));
}

#[test]
fn primitive_buffers_are_shared_not_copied() {
    let a = Int64Array::from((0..1000).collect::<Vec<i64>>());
    let ptr = a.values().inner().as_ptr();
    let local = frame(Arc::new(a));
    let pl = to_polars_df(&local).expect("to polars");
    let back = from_polars_df(&pl, local.schema()).expect("back");
    let batch = back.to_batch().expect("batch");
    let out = batch.column(0).as_any().downcast_ref::<Int64Array>().expect("int64");
    assert_eq!(out.values().inner().as_ptr(), ptr, "the values buffer crossed both ways unchanged");
}

/// `str` / `bytes` columns of several batches become ONE Polars chunk of
/// string views over the batches' own bytes (no `rechunk` left for Polars),
/// with nulls, long and short values, sliced batches and empty batches;
/// primitive columns keep one chunk per batch.
#[test]
fn strings_of_several_batches_become_one_view_chunk() {
    let long = "a string longer than twelve bytes, stored out of line";
    let schema: Schema = "a:int,s:str,b:bytes".parse().expect("schema");
    let batch = |strings: Vec<Option<&str>>| {
        let n = strings.len() as i32;
        let bytes: Vec<Option<&[u8]>> = strings.iter().map(|s| s.map(str::as_bytes)).collect();
        RecordBatch::try_new(
            schema.arrow().clone(),
            vec![
                Arc::new(Int32Array::from_iter_values(0..n)) as ArrayRef,
                Arc::new(StringArray::from(strings)),
                Arc::new(BinaryArray::from(bytes)),
            ],
        )
        .expect("batch")
    };
    let b1 = batch(vec![Some("x"), None, Some(long), Some("")]);
    let b2 = batch(vec![Some(long), Some("twelve bytes"), Some("thirteen byte"), None, Some("z")]);
    let b3 = batch(vec![]);
    let local = LocalDataFrame::new(schema.clone(), vec![b1, b2.slice(1, 3), b3, b2.clone()])
        .expect("frame");
    let pl = to_polars_df(&local).expect("to polars");
    assert_eq!(pl.height(), 12);
    let s = pl.column("s").expect("s").as_materialized_series();
    assert_eq!(s.n_chunks(), 1, "one view chunk");
    assert_eq!(pl.column("b").expect("b").as_materialized_series().n_chunks(), 1);
    let primitive_chunks = pl.column("a").expect("a").as_materialized_series().n_chunks();
    assert!(primitive_chunks > 1, "primitive columns keep a chunk per non-empty batch");
    assert_eq!(s.null_count(), 3);
    assert_eq!(s.str().expect("str").get(2), Some(long));
    assert_eq!(s.str().expect("str").get(5), Some("thirteen byte"));
    let back = from_polars_df(&pl, &schema).expect("back");
    assert_eq!(back.rows().expect("rows"), local.rows().expect("rows"));
}

/// Chunks of different types are never mixed into one view array: a
/// `bytes` chunk among `str` ones goes through Polars' own per-chunk
/// import, which rejects the mix (`ERR-EXECUTION`), never into unchecked
/// string views.
#[test]
fn mixed_byte_chunks_do_not_become_string_views() {
    let chunks: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec!["ok"])),
        Arc::new(BinaryArray::from(vec![&b"\xff\xfe not utf-8"[..]])),
    ];
    let err = fugue_polars::bridge::series_from_arrays("x", &chunks, &DataType::Utf8)
        .expect_err("mixed str/bytes chunks are rejected, not turned into string views");
    assert_eq!(err.kind(), fugue_core::ErrorKind::Execution, "{err}");
}
