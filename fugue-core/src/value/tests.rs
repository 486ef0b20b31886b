//! Rule tests for rows in (DF-VAL), values out (DF-OUT), casts (DF-CAST) and
//! display (DF-SHOW-3).

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, DictionaryArray, Float64Array, Int32Array, LargeStringArray, StringArray,
    StringViewArray,
};
use arrow::datatypes::{DataType, Field, Fields, Int8Type, Schema, SchemaRef, TimeUnit};
use chrono::{NaiveDate, NaiveDateTime};

use super::cast::nested_types_equivalent;
use super::output::value_type_matches;
use super::*;
use crate::error::ErrorKind;

// ---------- helpers ----------

fn schema(fields: &[(&str, DataType)]) -> SchemaRef {
    Arc::new(Schema::new(
        fields.iter().map(|(n, t)| Field::new(*n, t.clone(), true)).collect::<Vec<_>>(),
    ))
}

fn list_of(t: DataType) -> DataType {
    DataType::List(Arc::new(Field::new("item", t, true)))
}

fn struct_of(fields: &[(&str, DataType)]) -> DataType {
    DataType::Struct(Fields::from(
        fields.iter().map(|(n, t)| Field::new(*n, t.clone(), true)).collect::<Vec<_>>(),
    ))
}

fn map_of(k: DataType, v: DataType) -> DataType {
    let entries = Field::new(
        "entries",
        DataType::Struct(Fields::from(vec![
            Field::new("key", k, false),
            Field::new("value", v, true),
        ])),
        false,
    );
    DataType::Map(Arc::new(entries), false)
}

fn ts() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, None)
}

fn ts_tz(tz: &str) -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(tz.into()))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(h, mi, s).unwrap()
}

/// Converts a column of values to `dt` and back.
fn column(dt: &DataType, values: Vec<Value>) -> Result<Vec<Value>, crate::Error> {
    let s = schema(&[("a", dt.clone())]);
    let rows: Vec<Row> = values.into_iter().map(|v| vec![v]).collect();
    let batch = rows_to_batch(&s, &rows)?;
    Ok(batch_rows(&batch, None)?.into_iter().map(|mut r| r.remove(0)).collect())
}

/// One value converted to `dt` and back.
fn one(dt: &DataType, v: Value) -> Result<Value, crate::Error> {
    Ok(column(dt, vec![v])?.remove(0))
}

fn kind_of(r: Result<impl std::fmt::Debug, crate::Error>) -> ErrorKind {
    r.expect_err("expected an error").kind()
}

/// An array of `dt` holding `values` (built with `rows_to_batch`).
fn array(dt: &DataType, values: Vec<Value>) -> ArrayRef {
    let s = schema(&[("a", dt.clone())]);
    let rows: Vec<Row> = values.into_iter().map(|v| vec![v]).collect();
    rows_to_batch(&s, &rows).unwrap().column(0).clone()
}

/// Casts `values` of `from` to `to` and reads them back.
fn cast(from: &DataType, values: Vec<Value>, to: &DataType) -> Result<Vec<Value>, crate::Error> {
    let out = cast_array(&array(from, values), to)?;
    assert_eq!(out.data_type(), to);
    (0..out.len()).map(|i| value_at(out.as_ref(), i)).collect()
}

fn s(v: &str) -> Value {
    Value::Str(v.into())
}

fn strs(values: &[&str]) -> Vec<Value> {
    values.iter().map(|v| s(v)).collect()
}

// ---------- DF-VAL ----------

#[test]
fn df_val_1_row_length_must_match_schema() {
    let sc = schema(&[("a", DataType::Int32), ("b", DataType::Utf8)]);
    let err =
        rows_to_batch(&sc, &[vec![Value::Int32(1), s("x")], vec![Value::Int32(1)]]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("rows[1]"), "{err}");
    let err = rows_to_batch(&sc, &[vec![Value::Null, Value::Null, Value::Null]]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

fn all_types() -> Vec<(&'static str, DataType)> {
    vec![
        ("n", DataType::Null),
        ("b", DataType::Boolean),
        ("i8", DataType::Int8),
        ("i16", DataType::Int16),
        ("i32", DataType::Int32),
        ("i64", DataType::Int64),
        ("u8", DataType::UInt8),
        ("u16", DataType::UInt16),
        ("u32", DataType::UInt32),
        ("u64", DataType::UInt64),
        ("f16", DataType::Float16),
        ("f32", DataType::Float32),
        ("f64", DataType::Float64),
        ("dec", DataType::Decimal128(10, 2)),
        ("s", DataType::Utf8),
        ("bin", DataType::Binary),
        ("d", DataType::Date32),
        ("dt", ts()),
        ("tz", ts_tz("+02:00")),
        ("l", list_of(DataType::Int64)),
        ("st", struct_of(&[("x", DataType::Int32), ("y", DataType::Utf8)])),
        ("m", map_of(DataType::Utf8, DataType::Int64)),
    ]
}

fn all_values() -> Row {
    vec![
        Value::Null,
        Value::Bool(true),
        Value::Int8(-8),
        Value::Int16(-16),
        Value::Int32(-32),
        Value::Int64(-64),
        Value::UInt8(8),
        Value::UInt16(16),
        Value::UInt32(32),
        Value::UInt64(u64::MAX),
        Value::Float16(half::f16::from_f32(1.5)),
        Value::Float32(2.5),
        Value::Float64(1.0),
        Value::Decimal { value: 1234, precision: 10, scale: 2 },
        s("text"),
        Value::Binary(vec![0, 255]),
        Value::Date(date(2020, 1, 2)),
        Value::DateTime(date(2020, 1, 2).and_hms_micro_opt(3, 4, 5, 6).unwrap()),
        Value::TimestampTz { utc: dt(2020, 1, 2, 3, 4, 5), tz: "+02:00".into() },
        Value::List(vec![Value::Int64(1), Value::Null]),
        Value::Struct(vec![("x".into(), Value::Int32(1)), ("y".into(), s("a"))]),
        Value::Map(vec![(s("k2"), Value::Int64(2)), (s("k1"), Value::Null)]),
    ]
}

#[test]
fn df_val_2_null_accepted_for_every_type() {
    let sc = schema(&all_types());
    let row: Row = vec![Value::Null; sc.fields().len()];
    let batch = rows_to_batch(&sc, std::slice::from_ref(&row)).unwrap();
    assert_eq!(batch.schema(), sc);
    assert_eq!(row_at(&batch, 0).unwrap(), row);
}

#[test]
fn df_out_1_round_trip_of_every_type_keeps_variants() {
    let sc = schema(&all_types());
    let row = all_values();
    let batch = rows_to_batch(&sc, &[row.clone(), vec![Value::Null; row.len()]]).unwrap();
    assert_eq!(batch.num_rows(), 2);
    let back = batch_rows(&batch, None).unwrap();
    assert_eq!(back[0], row);
    for (v, f) in back[0].iter().zip(sc.fields()) {
        assert!(value_type_matches(v, f.data_type()), "{v:?} vs {}", f.data_type());
    }
}

#[test]
fn df_val_3_nan_becomes_null_inf_kept() {
    let nan = Value::Float64(f64::NAN);
    for t in [DataType::Float64, DataType::Float32, DataType::Float16] {
        assert_eq!(one(&t, nan.clone()).unwrap(), Value::Null, "{t}");
        assert_eq!(one(&t, Value::Float32(f32::NAN)).unwrap(), Value::Null, "{t}");
    }
    for t in [DataType::Int32, DataType::UInt8, DataType::Decimal128(5, 2), DataType::Utf8] {
        assert_eq!(one(&t, nan.clone()).unwrap(), Value::Null, "{t}");
    }
    assert_eq!(
        one(&DataType::Float64, Value::Float64(f64::INFINITY)).unwrap(),
        Value::Float64(f64::INFINITY)
    );
    assert_eq!(
        one(&DataType::Float32, Value::Float64(f64::NEG_INFINITY)).unwrap(),
        Value::Float32(f32::NEG_INFINITY)
    );
    // nested
    let l = one(&list_of(DataType::Float64), Value::List(vec![nan.clone(), Value::Float64(1.0)]));
    assert_eq!(l.unwrap(), Value::List(vec![Value::Null, Value::Float64(1.0)]));
    let st = one(
        &struct_of(&[("x", DataType::Float64)]),
        Value::Struct(vec![("x".into(), nan.clone())]),
    );
    assert_eq!(st.unwrap(), Value::Struct(vec![("x".into(), Value::Null)]));
    let m = one(&map_of(DataType::Utf8, DataType::Float64), Value::Map(vec![(s("k"), nan)]));
    assert_eq!(m.unwrap(), Value::Map(vec![(s("k"), Value::Null)]));
    // inf into an integer column is an error
    assert_eq!(kind_of(one(&DataType::Int64, Value::Float64(f64::INFINITY))), ErrorKind::Cast);
}

#[test]
fn df_val_4_numeric_conversions() {
    assert_eq!(one(&DataType::Float64, Value::Int32(3)).unwrap(), Value::Float64(3.0));
    assert_eq!(one(&DataType::Float32, Value::Int64(3)).unwrap(), Value::Float32(3.0));
    assert_eq!(one(&DataType::Float64, Value::UInt64(7)).unwrap(), Value::Float64(7.0));
    assert_eq!(
        one(&DataType::Float64, Value::Decimal { value: 125, precision: 5, scale: 2 }).unwrap(),
        Value::Float64(1.25)
    );
    assert_eq!(one(&DataType::Int32, Value::Float64(2.0)).unwrap(), Value::Int32(2));
    assert_eq!(one(&DataType::Int8, Value::Float32(-3.0)).unwrap(), Value::Int8(-3));
    assert_eq!(one(&DataType::Int64, Value::Int8(-3)).unwrap(), Value::Int64(-3));
    assert_eq!(one(&DataType::UInt64, Value::UInt64(u64::MAX)).unwrap(), Value::UInt64(u64::MAX));
    assert_eq!(
        one(&DataType::Int32, Value::Decimal { value: 500, precision: 5, scale: 2 }).unwrap(),
        Value::Int32(5)
    );
    // fraction and range errors
    assert_eq!(kind_of(one(&DataType::Int32, Value::Float64(1.5))), ErrorKind::Cast);
    assert_eq!(
        kind_of(one(&DataType::Int32, Value::Decimal { value: 150, precision: 5, scale: 2 })),
        ErrorKind::Cast
    );
    assert_eq!(kind_of(one(&DataType::Int8, Value::Int32(300))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&DataType::UInt8, Value::Int32(-1))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&DataType::Int64, Value::UInt64(u64::MAX))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&DataType::Int64, Value::Float64(1e20))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&DataType::Float32, Value::Float64(1e300))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&DataType::Float16, Value::Float64(1e6))), ErrorKind::Cast);
    // decimals: rescale, integers, floats by their shortest text
    let d = DataType::Decimal128(6, 2);
    let dec = |value| Value::Decimal { value, precision: 6, scale: 2 };
    assert_eq!(one(&d, Value::Decimal { value: 15, precision: 3, scale: 1 }).unwrap(), dec(150));
    assert_eq!(one(&d, Value::Int32(7)).unwrap(), dec(700));
    assert_eq!(one(&d, Value::Float64(0.1)).unwrap(), dec(10));
    assert_eq!(one(&d, Value::Float64(-12.34)).unwrap(), dec(-1234));
    assert_eq!(kind_of(one(&d, Value::Float64(0.125))), ErrorKind::Cast);
    assert_eq!(
        kind_of(one(&d, Value::Decimal { value: 1, precision: 5, scale: 3 })),
        ErrorKind::Cast
    );
    assert_eq!(kind_of(one(&d, Value::Int64(10_000))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&d, s("1.5"))), ErrorKind::Cast);
}

#[test]
fn df_val_5_text_and_temporal_conversions() {
    let day = date(2020, 1, 2);
    assert_eq!(one(&DataType::Date32, s("2020-01-02")).unwrap(), Value::Date(day));
    assert_eq!(one(&DataType::Date32, s("2020-01-02 10:11:12")).unwrap(), Value::Date(day));
    assert_eq!(
        one(&DataType::Date32, Value::DateTime(dt(2020, 1, 2, 23, 59, 59))).unwrap(),
        Value::Date(day)
    );
    assert_eq!(kind_of(one(&DataType::Date32, s("01/02/2020"))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&DataType::Date32, Value::Int32(1))), ErrorKind::Cast);

    assert_eq!(one(&ts(), s("2020-01-02")).unwrap(), Value::DateTime(dt(2020, 1, 2, 0, 0, 0)));
    assert_eq!(
        one(&ts(), s("2020-01-02 03:04:05")).unwrap(),
        Value::DateTime(dt(2020, 1, 2, 3, 4, 5))
    );
    assert_eq!(
        one(&ts(), s("2020-01-02T03:04:05.123456")).unwrap(),
        Value::DateTime(day.and_hms_micro_opt(3, 4, 5, 123_456).unwrap())
    );
    assert_eq!(one(&ts(), Value::Date(day)).unwrap(), Value::DateTime(dt(2020, 1, 2, 0, 0, 0)));
    assert_eq!(kind_of(one(&ts(), s("2020-01-02 25:00:00"))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&ts(), s("yesterday"))), ErrorKind::Cast);

    // every unit
    for unit in [TimeUnit::Second, TimeUnit::Millisecond, TimeUnit::Nanosecond] {
        let t = DataType::Timestamp(unit, None);
        assert_eq!(
            one(&t, Value::DateTime(dt(2020, 1, 2, 3, 4, 5))).unwrap(),
            Value::DateTime(dt(2020, 1, 2, 3, 4, 5))
        );
    }
    let ns = DataType::Timestamp(TimeUnit::Nanosecond, None);
    assert_eq!(kind_of(one(&ns, Value::DateTime(dt(3000, 1, 1, 0, 0, 0)))), ErrorKind::Cast);

    // tz-aware columns: naive values are UTC, tz values keep their instant
    let t = ts_tz("+02:00");
    let utc = dt(2020, 1, 2, 3, 4, 5);
    let expect = Value::TimestampTz { utc, tz: "+02:00".into() };
    assert_eq!(one(&t, Value::DateTime(utc)).unwrap(), expect);
    assert_eq!(one(&t, Value::TimestampTz { utc, tz: "UTC".into() }).unwrap(), expect);
    assert_eq!(one(&t, s("2020-01-02 05:04:05+02:00")).unwrap(), expect);
    assert_eq!(one(&t, s("2020-01-02T03:04:05Z")).unwrap(), expect);
    // a tz value into a naive column gives its UTC time
    assert_eq!(
        one(&ts(), Value::TimestampTz { utc, tz: "+02:00".into() }).unwrap(),
        Value::DateTime(utc)
    );
    // a tz value into a date column gives its local date
    assert_eq!(
        one(
            &DataType::Date32,
            Value::TimestampTz { utc: dt(2020, 1, 2, 23, 0, 0), tz: "+02:00".into() }
        )
        .unwrap(),
        Value::Date(date(2020, 1, 3))
    );
}

#[test]
fn df_val_6_text_into_numbers_or_bool_is_cast_error() {
    for t in [DataType::Int32, DataType::Float64, DataType::UInt8, DataType::Boolean] {
        let err = one(&t, s("1")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Cast, "{t}");
    }
    assert_eq!(kind_of(one(&DataType::Boolean, s("true"))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&DataType::Boolean, Value::Int32(1))), ErrorKind::Cast);
    // bool into integer is accepted as 1 / 0
    assert_eq!(one(&DataType::Int64, Value::Bool(true)).unwrap(), Value::Int64(1));
    assert_eq!(one(&DataType::Int8, Value::Bool(false)).unwrap(), Value::Int8(0));
}

#[test]
fn df_val_7_struct_fields_matched_by_name() {
    let t = struct_of(&[("a", DataType::Int32), ("b", DataType::Utf8)]);
    let full = Value::Struct(vec![("a".into(), Value::Int32(1)), ("b".into(), s("x"))]);
    // from a struct in another order, with an extra field
    let v = Value::Struct(vec![
        ("b".into(), s("x")),
        ("zzz".into(), Value::Int32(9)),
        ("a".into(), Value::Int64(1)),
    ]);
    assert_eq!(one(&t, v).unwrap(), full);
    // from a map with text keys
    let v = Value::Map(vec![
        (s("b"), s("x")),
        (s("a"), Value::Float64(1.0)),
        (Value::Int32(1), s("?")),
    ]);
    assert_eq!(one(&t, v).unwrap(), full);
    // missing fields become null
    let v = Value::Struct(vec![("a".into(), Value::Int32(1))]);
    assert_eq!(
        one(&t, v).unwrap(),
        Value::Struct(vec![("a".into(), Value::Int32(1)), ("b".into(), Value::Null)])
    );
    // null struct
    assert_eq!(one(&t, Value::Null).unwrap(), Value::Null);
    // wrong kind or wrong field value
    assert_eq!(kind_of(one(&t, Value::Int32(1))), ErrorKind::Cast);
    let err = one(&t, Value::Struct(vec![("a".into(), s("1"))])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cast);
    assert!(err.to_string().contains("column `a.a`"), "{err}");
    // nested struct in a list
    let t2 = list_of(struct_of(&[("x", list_of(DataType::Int32))]));
    let v = Value::List(vec![Value::Struct(vec![(
        "x".into(),
        Value::List(vec![Value::Int32(1), Value::Null]),
    )])]);
    assert_eq!(one(&t2, v.clone()).unwrap(), v);
    // empty struct type
    let empty = struct_of(&[]);
    assert_eq!(one(&empty, Value::Struct(vec![])).unwrap(), Value::Struct(vec![]));
}

#[test]
fn df_val_8_map_from_map_or_pairs_order_kept() {
    let t = map_of(DataType::Utf8, DataType::Int64);
    let expect = Value::Map(vec![(s("z"), Value::Int64(1)), (s("a"), Value::Int64(2))]);
    let v = Value::Map(vec![(s("z"), Value::Int32(1)), (s("a"), Value::Int32(2))]);
    assert_eq!(one(&t, v).unwrap(), expect);
    let v = Value::List(vec![
        Value::List(vec![s("z"), Value::Int64(1)]),
        Value::List(vec![s("a"), Value::Int64(2)]),
    ]);
    assert_eq!(one(&t, v).unwrap(), expect);
    let v = Value::List(vec![
        Value::Struct(vec![("k".into(), s("z")), ("v".into(), Value::Int64(1))]),
        Value::Struct(vec![("k".into(), s("a")), ("v".into(), Value::Int64(2))]),
    ]);
    assert_eq!(one(&t, v).unwrap(), expect);
    assert_eq!(one(&t, Value::Map(vec![])).unwrap(), Value::Map(vec![]));
    // errors: null key, malformed pair, wrong kind
    assert_eq!(kind_of(one(&t, Value::Map(vec![(Value::Null, Value::Int64(1))]))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&t, Value::List(vec![Value::List(vec![s("a")])]))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&t, s("{}"))), ErrorKind::Cast);
    // nested map values
    let t2 = map_of(DataType::Int32, list_of(DataType::Utf8));
    let v = Value::Map(vec![
        (Value::Int32(1), Value::List(vec![s("a")])),
        (Value::Int32(2), Value::Null),
    ]);
    assert_eq!(one(&t2, v.clone()).unwrap(), v);
}

#[test]
fn df_val_9_lists_element_wise() {
    let t = list_of(DataType::Float64);
    let v = Value::List(vec![Value::Int32(1), Value::Null, Value::Float32(2.5)]);
    assert_eq!(
        one(&t, v).unwrap(),
        Value::List(vec![Value::Float64(1.0), Value::Null, Value::Float64(2.5)])
    );
    assert_eq!(one(&t, Value::List(vec![])).unwrap(), Value::List(vec![]));
    let err = column(&t, vec![Value::Null, Value::List(vec![s("x")])]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cast);
    assert!(err.to_string().contains("a[]") && err.to_string().contains("row 1"), "{err}");
    assert_eq!(kind_of(one(&t, Value::Float64(1.0))), ErrorKind::Cast);
    let nested = list_of(list_of(DataType::Int32));
    let v = Value::List(vec![Value::List(vec![Value::Int32(1)]), Value::Null, Value::List(vec![])]);
    assert_eq!(one(&nested, v.clone()).unwrap(), v);
}

#[test]
fn df_val_10_binary_from_bytes_or_text() {
    assert_eq!(
        one(&DataType::Binary, Value::Binary(vec![1, 2])).unwrap(),
        Value::Binary(vec![1, 2])
    );
    assert_eq!(one(&DataType::Binary, s("ab")).unwrap(), Value::Binary(b"ab".to_vec()));
    assert_eq!(kind_of(one(&DataType::Binary, Value::Int32(1))), ErrorKind::Cast);
}

#[test]
fn df_val_text_column_takes_scalars_as_text() {
    assert_eq!(one(&DataType::Utf8, Value::Int32(1)).unwrap(), s("1"));
    assert_eq!(one(&DataType::Utf8, Value::Bool(true)).unwrap(), s("true"));
    assert_eq!(one(&DataType::Utf8, Value::Date(date(2020, 1, 2))).unwrap(), s("2020-01-02"));
    assert_eq!(kind_of(one(&DataType::Utf8, Value::Binary(vec![1]))), ErrorKind::Cast);
    assert_eq!(kind_of(one(&DataType::Utf8, Value::List(vec![]))), ErrorKind::Cast);
}

#[test]
fn df_val_11_null_column_accepts_only_nulls() {
    assert_eq!(one(&DataType::Null, Value::Null).unwrap(), Value::Null);
    assert_eq!(kind_of(one(&DataType::Null, Value::Int32(1))), ErrorKind::Cast);
}

#[test]
fn df_val_12_zero_rows_give_empty_batch_with_schema() {
    let sc = schema(&all_types());
    let batch = rows_to_batch(&sc, &[]).unwrap();
    assert_eq!(batch.num_rows(), 0);
    assert_eq!(batch.schema(), sc);
    assert!(batch_rows(&batch, None).unwrap().is_empty());
}

#[test]
fn df_val_errors_name_column_and_row() {
    let sc = schema(&[("a", DataType::Int32), ("b", DataType::Int8)]);
    let err = rows_to_batch(
        &sc,
        &[vec![Value::Int32(1), Value::Int32(1)], vec![Value::Int32(2), Value::Int32(1000)]],
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cast);
    let msg = err.to_string();
    assert!(msg.contains("column `b`") && msg.contains("row 1") && msg.contains("`1000`"), "{msg}");
}

#[test]
fn df_val_unsupported_types_are_schema_errors() {
    let t = DataType::Time32(TimeUnit::Second);
    assert_eq!(kind_of(one(&t, Value::Null)), ErrorKind::Schema);
}

#[test]
fn df_val_large_and_view_types_are_built() {
    for t in [DataType::LargeUtf8, DataType::Utf8View] {
        assert_eq!(one(&t, s("x")).unwrap(), s("x"));
    }
    for t in [DataType::LargeBinary, DataType::BinaryView] {
        assert_eq!(one(&t, Value::Binary(vec![1])).unwrap(), Value::Binary(vec![1]));
    }
}

#[test]
fn df_val_non_nullable_fields_reject_nulls() {
    let sc = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, false)]));
    let err = rows_to_batch(&sc, &[vec![Value::Null]]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cast);
}

// ---------- DF-OUT ----------

#[test]
fn df_out_1_variant_follows_column_type() {
    assert_eq!(one(&DataType::Float64, Value::Int32(1)).unwrap(), Value::Float64(1.0));
    assert_eq!(one(&DataType::Int32, Value::Float64(1.0)).unwrap(), Value::Int32(1));
    assert_eq!(one(&DataType::Int64, Value::Int8(1)).unwrap(), Value::Int64(1));
    assert_eq!(one(&DataType::UInt16, Value::Int8(1)).unwrap(), Value::UInt16(1));
}

#[test]
fn df_out_2_missing_and_nan_come_back_as_null() {
    let a: ArrayRef = Arc::new(Float64Array::from(vec![Some(f64::NAN), None, Some(1.0)]));
    assert_eq!(value_at(a.as_ref(), 0).unwrap(), Value::Null);
    assert_eq!(value_at(a.as_ref(), 1).unwrap(), Value::Null);
    assert_eq!(value_at(a.as_ref(), 2).unwrap(), Value::Float64(1.0));
}

#[test]
fn df_out_index_out_of_range_is_arg_error() {
    let a: ArrayRef = Arc::new(Int32Array::from(vec![1]));
    assert_eq!(kind_of(value_at(a.as_ref(), 1)), ErrorKind::InvalidArgument);
    let sc = schema(&[("a", DataType::Int32), ("b", DataType::Utf8)]);
    let batch = rows_to_batch(&sc, &[vec![Value::Int32(1), s("x")]]).unwrap();
    assert_eq!(kind_of(row_at(&batch, 1)), ErrorKind::InvalidArgument);
    assert_eq!(kind_of(batch_rows(&batch, Some(&[2]))), ErrorKind::InvalidArgument);
    assert_eq!(batch_rows(&batch, Some(&[1, 0])).unwrap(), vec![vec![s("x"), Value::Int32(1)]]);
    // sliced arrays read relative to the slice
    let sliced = batch.slice(0, 1);
    assert_eq!(row_at(&sliced, 0).unwrap(), vec![Value::Int32(1), s("x")]);
}

#[test]
fn df_out_reads_backend_variants_as_plain_values() {
    let large: ArrayRef = Arc::new(LargeStringArray::from(vec![Some("a"), None]));
    assert_eq!(value_at(large.as_ref(), 0).unwrap(), s("a"));
    assert_eq!(value_at(large.as_ref(), 1).unwrap(), Value::Null);
    let view: ArrayRef = Arc::new(StringViewArray::from(vec!["v"]));
    assert_eq!(value_at(view.as_ref(), 0).unwrap(), s("v"));
    let dict: DictionaryArray<Int8Type> = vec!["x", "y", "x"].into_iter().collect();
    let dict: ArrayRef = Arc::new(dict);
    assert_eq!(value_at(dict.as_ref(), 2).unwrap(), s("x"));
    let unsupported: ArrayRef = Arc::new(arrow::array::Time32SecondArray::from(vec![1]));
    assert_eq!(kind_of(value_at(unsupported.as_ref(), 0)), ErrorKind::NotSupported);
}

#[test]
fn df_out_nested_slices_are_read_correctly() {
    let t = list_of(DataType::Int32);
    let a = array(
        &t,
        vec![
            Value::List(vec![Value::Int32(1)]),
            Value::List(vec![Value::Int32(2), Value::Int32(3)]),
        ],
    );
    let sliced = a.slice(1, 1);
    assert_eq!(
        value_at(sliced.as_ref(), 0).unwrap(),
        Value::List(vec![Value::Int32(2), Value::Int32(3)])
    );
}

#[test]
fn value_type_matches_checks_variants() {
    assert!(value_type_matches(&Value::Null, &DataType::Int32));
    assert!(value_type_matches(&Value::Int32(1), &DataType::Int32));
    assert!(!value_type_matches(&Value::Int64(1), &DataType::Int32));
    assert!(!value_type_matches(
        &Value::Decimal { value: 1, precision: 5, scale: 1 },
        &DataType::Decimal128(5, 2)
    ));
    assert!(value_type_matches(
        &Value::List(vec![Value::Float64(1.0)]),
        &list_of(DataType::Float64)
    ));
    assert!(!value_type_matches(&Value::List(vec![Value::Int32(1)]), &list_of(DataType::Float64)));
}

// ---------- DF-CAST ----------

#[test]
fn df_cast_1_same_type_is_the_same_array() {
    let a = array(&DataType::Int32, vec![Value::Int32(1)]);
    let b = cast_array(&a, &DataType::Int32).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    let t = list_of(struct_of(&[("x", DataType::Int32)]));
    let a = array(&t, vec![Value::Null]);
    assert!(Arc::ptr_eq(&a, &cast_array(&a, &t).unwrap()));
}

#[test]
fn df_cast_2_nulls_stay_null() {
    let pairs = [
        (DataType::Utf8, DataType::Int32),
        (DataType::Utf8, DataType::Boolean),
        (DataType::Utf8, ts()),
        (DataType::Float64, DataType::Int32),
        (DataType::Int64, DataType::Utf8),
        (ts(), DataType::Utf8),
        (DataType::Date32, ts()),
        (DataType::Boolean, DataType::Utf8),
    ];
    for (from, to) in pairs {
        assert_eq!(cast(&from, vec![Value::Null], &to).unwrap(), vec![Value::Null], "{from}->{to}");
    }
    // null column → any type; any → null only when all null
    let n = array(&DataType::Null, vec![Value::Null, Value::Null]);
    let out = cast_array(&n, &list_of(DataType::Int32)).unwrap();
    assert_eq!(out.null_count(), 2);
    assert_eq!(
        cast(&DataType::Int32, vec![Value::Null], &DataType::Null).unwrap(),
        vec![Value::Null]
    );
    assert_eq!(
        kind_of(cast(&DataType::Int32, vec![Value::Int32(1)], &DataType::Null)),
        ErrorKind::Cast
    );
}

#[test]
fn df_cast_3_integer_to_integer_range_checked() {
    let v = vec![Value::Int64(1), Value::Int64(-2)];
    assert_eq!(
        cast(&DataType::Int64, v, &DataType::Int8).unwrap(),
        vec![Value::Int8(1), Value::Int8(-2)]
    );
    assert_eq!(
        cast(&DataType::Int8, vec![Value::Int8(-1)], &DataType::Int64).unwrap(),
        vec![Value::Int64(-1)]
    );
    assert_eq!(
        kind_of(cast(&DataType::Int64, vec![Value::Int64(300)], &DataType::Int8)),
        ErrorKind::Cast
    );
    assert_eq!(
        kind_of(cast(&DataType::Int32, vec![Value::Int32(-1)], &DataType::UInt32)),
        ErrorKind::Cast
    );
    assert_eq!(
        kind_of(cast(&DataType::UInt64, vec![Value::UInt64(u64::MAX)], &DataType::Int64)),
        ErrorKind::Cast
    );
}

#[test]
fn df_cast_4_integer_to_float() {
    assert_eq!(
        cast(&DataType::Int32, vec![Value::Int32(3)], &DataType::Float64).unwrap(),
        vec![Value::Float64(3.0)]
    );
    assert_eq!(
        cast(&DataType::UInt8, vec![Value::UInt8(3)], &DataType::Float32).unwrap(),
        vec![Value::Float32(3.0)]
    );
    assert_eq!(
        cast(&DataType::Int64, vec![Value::Int64(3)], &DataType::Float16).unwrap(),
        vec![Value::Float16(half::f16::from_f32(3.0))]
    );
}

#[test]
fn df_cast_5_float_to_integer_truncates() {
    let v = vec![Value::Float64(1.7), Value::Float64(-1.7), Value::Float64(f64::NAN), Value::Null];
    assert_eq!(
        cast(&DataType::Float64, v, &DataType::Int32).unwrap(),
        vec![Value::Int32(1), Value::Int32(-1), Value::Null, Value::Null]
    );
    assert_eq!(
        cast(&DataType::Float32, vec![Value::Float32(2.9)], &DataType::UInt8).unwrap(),
        vec![Value::UInt8(2)]
    );
    let err = cast(&DataType::Float64, vec![Value::Float64(1e20)], &DataType::Int32).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cast);
    assert!(err.to_string().contains("1e20"), "{err}");
    assert_eq!(
        kind_of(cast(&DataType::Float64, vec![Value::Float64(f64::INFINITY)], &DataType::Int64)),
        ErrorKind::Cast
    );
    assert_eq!(
        kind_of(cast(&DataType::Float64, vec![Value::Float64(-1.0)], &DataType::UInt8)),
        ErrorKind::Cast
    );
    // -0.5 truncates to 0, which fits an unsigned type
    assert_eq!(
        cast(&DataType::Float64, vec![Value::Float64(-0.5)], &DataType::UInt8).unwrap(),
        vec![Value::UInt8(0)]
    );
}

#[test]
fn df_cast_6_integer_bool_non_zero() {
    let v = vec![Value::Int32(0), Value::Int32(5), Value::Int32(-1)];
    assert_eq!(
        cast(&DataType::Int32, v, &DataType::Boolean).unwrap(),
        vec![Value::Bool(false), Value::Bool(true), Value::Bool(true)]
    );
    let v = vec![Value::Bool(true), Value::Bool(false)];
    assert_eq!(
        cast(&DataType::Boolean, v, &DataType::Int64).unwrap(),
        vec![Value::Int64(1), Value::Int64(0)]
    );
}

#[test]
fn df_cast_7_bool_to_str_lower_case() {
    let v = vec![Value::Bool(true), Value::Bool(false), Value::Null];
    assert_eq!(
        cast(&DataType::Boolean, v, &DataType::Utf8).unwrap(),
        vec![s("true"), s("false"), Value::Null]
    );
}

#[test]
fn df_cast_8_integer_to_str_digits() {
    let v = vec![Value::Int64(1), Value::Int64(-42)];
    assert_eq!(cast(&DataType::Int64, v, &DataType::Utf8).unwrap(), strs(&["1", "-42"]));
    assert_eq!(
        cast(&DataType::UInt64, vec![Value::UInt64(u64::MAX)], &DataType::Utf8).unwrap(),
        strs(&["18446744073709551615"])
    );
}

#[test]
fn df_cast_9_float_to_str_parses_back() {
    let values = [1.1, 1.0, 0.1 + 0.2, -2.5e-10, 1e300, f64::INFINITY, 123456789.125];
    let out = cast(
        &DataType::Float64,
        values.iter().map(|v| Value::Float64(*v)).collect(),
        &DataType::Utf8,
    )
    .unwrap();
    for (v, text) in values.iter().zip(&out) {
        let Value::Str(text) = text else { panic!("{text:?}") };
        assert_eq!(text.parse::<f64>().unwrap(), *v, "{text}");
        assert!(!text.contains(' '));
    }
    assert_eq!(out[0], s("1.1"));
    assert_eq!(
        cast(&DataType::Float32, vec![Value::Float32(1.1)], &DataType::Utf8).unwrap(),
        strs(&["1.1"])
    );
    let h = half::f16::from_f32(1.1);
    let out = cast(&DataType::Float16, vec![Value::Float16(h)], &DataType::Utf8).unwrap();
    let Value::Str(text) = &out[0] else { panic!() };
    assert_eq!(half::f16::from_f32(text.parse::<f32>().unwrap()), h);
    assert_eq!(
        cast(&DataType::Float64, vec![Value::Float64(f64::NAN)], &DataType::Utf8).unwrap(),
        vec![Value::Null]
    );
}

#[test]
fn df_cast_10_date_to_str_iso() {
    assert_eq!(
        cast(&DataType::Date32, vec![Value::Date(date(2020, 1, 2))], &DataType::Utf8).unwrap(),
        strs(&["2020-01-02"])
    );
}

#[test]
fn df_cast_11_datetime_to_str_space_and_six_digits() {
    let v = vec![
        Value::DateTime(dt(2020, 1, 2, 3, 4, 5)),
        Value::DateTime(date(2020, 1, 2).and_hms_micro_opt(3, 4, 5, 100).unwrap()),
    ];
    assert_eq!(
        cast(&ts(), v.clone(), &DataType::Utf8).unwrap(),
        strs(&["2020-01-02 03:04:05", "2020-01-02 03:04:05.000100"])
    );
    for unit in [TimeUnit::Second, TimeUnit::Millisecond, TimeUnit::Nanosecond] {
        let t = DataType::Timestamp(unit, None);
        assert_eq!(
            cast(&t, vec![v[0].clone()], &DataType::Utf8).unwrap(),
            strs(&["2020-01-02 03:04:05"])
        );
    }
    let tz = vec![Value::TimestampTz { utc: dt(2020, 1, 2, 3, 4, 5), tz: "+02:00".into() }];
    assert_eq!(
        cast(&ts_tz("+02:00"), tz, &DataType::Utf8).unwrap(),
        strs(&["2020-01-02 05:04:05+02:00"])
    );
}

#[test]
fn df_cast_12_str_to_bool() {
    let v = strs(&["true", "FALSE", "True", "1", "0", "yes", "NO"]);
    let b = |x| Value::Bool(x);
    assert_eq!(
        cast(&DataType::Utf8, v, &DataType::Boolean).unwrap(),
        vec![b(true), b(false), b(true), b(true), b(false), b(true), b(false)]
    );
    for bad in ["maybe", "", " true", "2"] {
        let err = cast(&DataType::Utf8, strs(&[bad]), &DataType::Boolean).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Cast, "{bad}");
    }
}

#[test]
fn df_cast_13_str_to_int_is_strict() {
    assert_eq!(
        cast(&DataType::Utf8, strs(&["1", "+2", "-3"]), &DataType::Int32).unwrap(),
        vec![Value::Int32(1), Value::Int32(2), Value::Int32(-3)]
    );
    for bad in ["1.5", " 2 ", "x", "", "1e3", "0x10"] {
        let err = cast(&DataType::Utf8, strs(&["7", bad]), &DataType::Int64).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Cast, "{bad}");
        assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
    }
    assert_eq!(kind_of(cast(&DataType::Utf8, strs(&["300"]), &DataType::Int8)), ErrorKind::Cast);
    assert_eq!(kind_of(cast(&DataType::Utf8, strs(&["-1"]), &DataType::UInt16)), ErrorKind::Cast);
    // backend text variants are normalised first
    let large: ArrayRef = Arc::new(LargeStringArray::from(vec!["5"]));
    let out = cast_array(&large, &DataType::Int32).unwrap();
    assert_eq!(value_at(out.as_ref(), 0).unwrap(), Value::Int32(5));
}

#[test]
fn df_cast_14_str_to_float() {
    assert_eq!(
        cast(
            &DataType::Utf8,
            strs(&["1.1", "2", "1e3", "-2.5E-3", "inf", "nan"]),
            &DataType::Float64
        )
        .unwrap(),
        vec![
            Value::Float64(1.1),
            Value::Float64(2.0),
            Value::Float64(1000.0),
            Value::Float64(-0.0025),
            Value::Float64(f64::INFINITY),
            Value::Null
        ]
    );
    assert_eq!(
        cast(&DataType::Utf8, strs(&["1.1"]), &DataType::Float32).unwrap(),
        vec![Value::Float32(1.1)]
    );
    for bad in ["x", "1,5", " 1", "1e400"] {
        let err = cast(&DataType::Utf8, strs(&[bad]), &DataType::Float64).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Cast, "{bad}");
    }
    assert_eq!(
        kind_of(cast(&DataType::Utf8, strs(&["1e10"]), &DataType::Float16)),
        ErrorKind::Cast
    );
}

#[test]
fn df_cast_15_str_to_date() {
    assert_eq!(
        cast(&DataType::Utf8, strs(&["2020-01-02", "2020-01-02 10:00:00"]), &DataType::Date32)
            .unwrap(),
        vec![Value::Date(date(2020, 1, 2)), Value::Date(date(2020, 1, 2))]
    );
    for bad in ["2020-13-01", "2020/01/02", "x"] {
        assert_eq!(
            kind_of(cast(&DataType::Utf8, strs(&[bad]), &DataType::Date32)),
            ErrorKind::Cast
        );
    }
}

#[test]
fn df_cast_16_str_to_datetime() {
    assert_eq!(
        cast(
            &DataType::Utf8,
            strs(&["2020-01-02 03:04:05", "2020-01-02", "2020-01-02T03:04:05.5"]),
            &ts()
        )
        .unwrap(),
        vec![
            Value::DateTime(dt(2020, 1, 2, 3, 4, 5)),
            Value::DateTime(dt(2020, 1, 2, 0, 0, 0)),
            Value::DateTime(date(2020, 1, 2).and_hms_milli_opt(3, 4, 5, 500).unwrap()),
        ]
    );
    let ns = DataType::Timestamp(TimeUnit::Nanosecond, None);
    assert_eq!(
        cast(&DataType::Utf8, strs(&["2020-01-02 03:04:05.000000001"]), &ns).unwrap(),
        vec![Value::DateTime(date(2020, 1, 2).and_hms_nano_opt(3, 4, 5, 1).unwrap())]
    );
    assert_eq!(kind_of(cast(&DataType::Utf8, strs(&["3000-01-01"]), &ns)), ErrorKind::Cast);
    // an offset in the text gives the instant
    assert_eq!(
        cast(&DataType::Utf8, strs(&["2020-01-02 05:04:05+02:00"]), &ts()).unwrap(),
        vec![Value::DateTime(dt(2020, 1, 2, 3, 4, 5))]
    );
    // naive text into a tz-aware type is local time of that zone (DF-CAST-18)
    assert_eq!(
        cast(&DataType::Utf8, strs(&["2020-01-02 05:04:05"]), &ts_tz("+02:00")).unwrap(),
        vec![Value::TimestampTz { utc: dt(2020, 1, 2, 3, 4, 5), tz: "+02:00".into() }]
    );
    for bad in ["2020-01-02 3:04", "x", "2020-01-02 03:04:05 PM"] {
        assert_eq!(kind_of(cast(&DataType::Utf8, strs(&[bad]), &ts())), ErrorKind::Cast, "{bad}");
    }
}

#[test]
fn df_cast_17_datetime_date_truncate_and_midnight() {
    let v = vec![
        Value::DateTime(dt(2020, 1, 2, 23, 59, 59)),
        Value::DateTime(dt(1969, 12, 31, 23, 0, 0)),
    ];
    assert_eq!(
        cast(&ts(), v, &DataType::Date32).unwrap(),
        vec![Value::Date(date(2020, 1, 2)), Value::Date(date(1969, 12, 31))]
    );
    assert_eq!(
        cast(&DataType::Date32, vec![Value::Date(date(2020, 1, 2))], &ts()).unwrap(),
        vec![Value::DateTime(dt(2020, 1, 2, 0, 0, 0))]
    );
    // tz-aware → date is the local date
    let tz = vec![Value::TimestampTz { utc: dt(2020, 1, 2, 23, 0, 0), tz: "+02:00".into() }];
    assert_eq!(
        cast(&ts_tz("+02:00"), tz, &DataType::Date32).unwrap(),
        vec![Value::Date(date(2020, 1, 3))]
    );
}

#[test]
fn df_cast_18_timezones() {
    // adding a zone: the wall-clock time is read in the target zone
    assert_eq!(
        cast(&ts(), vec![Value::DateTime(dt(2020, 1, 1, 0, 0, 0))], &ts_tz("+02:00")).unwrap(),
        vec![Value::TimestampTz { utc: dt(2019, 12, 31, 22, 0, 0), tz: "+02:00".into() }]
    );
    // between zones: same instant
    let v = vec![Value::TimestampTz { utc: dt(2020, 1, 1, 0, 0, 0), tz: "+02:00".into() }];
    assert_eq!(
        cast(&ts_tz("+02:00"), v, &ts_tz("-05:00")).unwrap(),
        vec![Value::TimestampTz { utc: dt(2020, 1, 1, 0, 0, 0), tz: "-05:00".into() }]
    );
    // unit changes keep the value
    let ns_tz = DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()));
    assert_eq!(
        cast(&ts(), vec![Value::DateTime(dt(2020, 1, 1, 0, 0, 0))], &ns_tz).unwrap(),
        vec![Value::TimestampTz { utc: dt(2020, 1, 1, 0, 0, 0), tz: "UTC".into() }]
    );
}

#[test]
fn df_cast_18_utc_alias_and_dates() {
    let utc = ts_tz("UTC");
    // date → tz-aware: local midnight in the zone
    assert_eq!(
        cast(&DataType::Date32, vec![Value::Date(date(2020, 1, 2))], &ts_tz("+02:00")).unwrap(),
        vec![Value::TimestampTz { utc: dt(2020, 1, 1, 22, 0, 0), tz: "+02:00".into() }]
    );
    assert_eq!(
        cast(&ts(), vec![Value::DateTime(dt(2020, 1, 2, 3, 0, 0))], &utc).unwrap(),
        vec![Value::TimestampTz { utc: dt(2020, 1, 2, 3, 0, 0), tz: "UTC".into() }]
    );
    let v = vec![Value::TimestampTz { utc: dt(2020, 1, 2, 23, 0, 0), tz: "UTC".into() }];
    assert_eq!(
        cast(&utc, v.clone(), &DataType::Date32).unwrap(),
        vec![Value::Date(date(2020, 1, 2))]
    );
    assert_eq!(
        cast(&utc, v.clone(), &DataType::Utf8).unwrap(),
        strs(&["2020-01-02 23:00:00+00:00"])
    );
    // tz-aware → tz-less keeps the UTC wall-clock time (Arrow's behaviour)
    assert_eq!(cast(&utc, v, &ts()).unwrap(), vec![Value::DateTime(dt(2020, 1, 2, 23, 0, 0))]);
    // unknown zone names are cast errors
    assert_eq!(
        kind_of(cast(&ts(), vec![Value::DateTime(dt(2020, 1, 2, 3, 0, 0))], &ts_tz("Mars/Base"))),
        ErrorKind::Cast
    );
}

#[test]
fn df_cast_sliced_inputs() {
    let a = array(&DataType::Utf8, strs(&["x", "1", "2"])).slice(1, 2);
    let out = cast_array(&a, &DataType::Int32).unwrap();
    assert_eq!(value_at(out.as_ref(), 0).unwrap(), Value::Int32(1));
    let l = list_of(DataType::Int32);
    let renamed = DataType::List(Arc::new(Field::new("element", DataType::Int32, true)));
    let values = vec![
        Value::List(vec![Value::Int32(1)]),
        Value::List(vec![Value::Int32(2), Value::Int32(3)]),
    ];
    let sliced = array(&l, values.clone()).slice(1, 1);
    let out = cast_array(&sliced, &renamed).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(value_at(out.as_ref(), 0).unwrap(), values[1]);
}

#[test]
fn df_cast_19_nested_only_to_equal_types() {
    let l = list_of(DataType::Int32);
    let v = vec![Value::List(vec![Value::Int32(1)])];
    assert_eq!(kind_of(cast(&l, v.clone(), &DataType::Utf8)), ErrorKind::Cast);
    assert_eq!(kind_of(cast(&l, v.clone(), &list_of(DataType::Int64))), ErrorKind::Cast);
    assert_eq!(kind_of(cast(&DataType::Utf8, strs(&["[1]"]), &l)), ErrorKind::Cast);
    let st = struct_of(&[("a", DataType::Int32)]);
    let sv = vec![Value::Struct(vec![("a".into(), Value::Int32(1))])];
    assert_eq!(
        kind_of(cast(&st, sv.clone(), &struct_of(&[("b", DataType::Int32)]))),
        ErrorKind::Cast
    );
    assert_eq!(kind_of(cast(&st, sv.clone(), &l)), ErrorKind::Cast);
    // equal ignoring list item name and nullability: the data is retyped
    let renamed = DataType::List(Arc::new(Field::new("element", DataType::Int32, true)));
    assert_eq!(cast(&l, v.clone(), &renamed).unwrap(), v);
    let nested = struct_of(&[("x", l.clone())]);
    let nested2 = struct_of(&[("x", renamed.clone())]);
    let nv = vec![Value::Struct(vec![("x".into(), v[0].clone())]), Value::Null];
    assert_eq!(cast(&nested, nv.clone(), &nested2).unwrap(), nv);
    let m = map_of(DataType::Utf8, l.clone());
    let m2 = map_of(DataType::Utf8, renamed);
    let mv = vec![Value::Map(vec![(s("k"), v[0].clone())])];
    assert_eq!(cast(&m, mv.clone(), &m2).unwrap(), mv);
    assert!(nested_types_equivalent(&m, &m2));
    assert!(!nested_types_equivalent(&m, &map_of(DataType::Utf8, DataType::Int32)));
}

#[test]
fn df_cast_other_pairs_use_arrow() {
    let d = DataType::Decimal128(10, 2);
    assert_eq!(
        cast(&DataType::Utf8, strs(&["12.34"]), &d).unwrap(),
        vec![Value::Decimal { value: 1234, precision: 10, scale: 2 }]
    );
    assert_eq!(
        cast(&d, vec![Value::Decimal { value: 1234, precision: 10, scale: 2 }], &DataType::Utf8)
            .unwrap(),
        strs(&["12.34"])
    );
    assert_eq!(kind_of(cast(&DataType::Utf8, strs(&["abc"]), &d)), ErrorKind::Cast);
    assert_eq!(
        cast(&DataType::Utf8, strs(&["ab"]), &DataType::Binary).unwrap(),
        vec![Value::Binary(b"ab".to_vec())]
    );
    assert_eq!(
        kind_of(cast(&DataType::Binary, vec![Value::Binary(vec![0xff])], &DataType::Utf8)),
        ErrorKind::Cast
    );
    assert_eq!(
        cast(&DataType::Float64, vec![Value::Float64(1.5)], &DataType::Float32).unwrap(),
        vec![Value::Float32(1.5)]
    );
    let dict: DictionaryArray<Int8Type> = vec!["1", "2"].into_iter().collect();
    let dict: ArrayRef = Arc::new(dict);
    let out = cast_array(&dict, &DataType::Int32).unwrap();
    assert_eq!(value_at(out.as_ref(), 1).unwrap(), Value::Int32(2));
    let text: ArrayRef = Arc::new(StringArray::from(vec!["x"]));
    assert_eq!(kind_of(cast_array(&text, &ts_tz("Not/AZone"))), ErrorKind::Cast);
}

// ---------- DF-SHOW-3 / json / names ----------

#[test]
fn df_show_3_display_text() {
    let cases: Vec<(Value, &str)> = vec![
        (Value::Null, "NULL"),
        (Value::Bool(true), "true"),
        (Value::Int64(-3), "-3"),
        (Value::UInt64(u64::MAX), "18446744073709551615"),
        (Value::Float64(1.0), "1.0"),
        (Value::Float64(0.1), "0.1"),
        (Value::Float32(1.1), "1.1"),
        (Value::Float64(f64::NEG_INFINITY), "-inf"),
        (Value::Decimal { value: 1234, precision: 10, scale: 2 }, "12.34"),
        (Value::Decimal { value: -5, precision: 10, scale: 2 }, "-0.05"),
        (s("hello"), "hello"),
        (Value::Binary(vec![0x0a, 0xff]), "0x0aff"),
        (Value::Date(date(2020, 1, 2)), "2020-01-02"),
        (Value::DateTime(dt(2020, 1, 2, 3, 4, 5)), "2020-01-02 03:04:05"),
        (
            Value::DateTime(date(2020, 1, 2).and_hms_micro_opt(3, 4, 5, 6).unwrap()),
            "2020-01-02 03:04:05.000006",
        ),
        (
            Value::TimestampTz { utc: dt(2020, 1, 2, 3, 4, 5), tz: "+02:00".into() },
            "2020-01-02 05:04:05+02:00",
        ),
        (
            Value::TimestampTz { utc: dt(2020, 1, 2, 3, 4, 5), tz: "UTC".into() },
            "2020-01-02 03:04:05+00:00",
        ),
        (Value::List(vec![Value::Int32(1), Value::Null]), "[1,NULL]"),
        (Value::Struct(vec![("a".into(), Value::Int32(1)), ("b".into(), s("x"))]), "{a:1,b:x}"),
        (Value::Map(vec![(s("k"), Value::List(vec![]))]), "{k:[]}"),
    ];
    for (v, text) in cases {
        assert_eq!(v.to_string(), text, "{v:?}");
    }
}

#[test]
fn json_and_type_names() {
    use serde_json::json;
    let v = Value::Struct(vec![
        ("a".into(), Value::Int32(1)),
        ("b".into(), Value::List(vec![Value::Float64(1.5), Value::Float64(f64::NAN)])),
        ("c".into(), Value::Decimal { value: 1234, precision: 10, scale: 2 }),
        ("d".into(), Value::Date(date(2020, 1, 2))),
        ("m".into(), Value::Map(vec![(s("k"), Value::Bool(true))])),
        ("n".into(), Value::Null),
    ]);
    assert_eq!(
        v.to_json(),
        json!({"a": 1, "b": [1.5, null], "c": "12.34", "d": "2020-01-02", "m": [["k", true]], "n": null})
    );
    assert_eq!(Value::Int32(1).type_name(), "int");
    assert_eq!(Value::Float64(1.0).type_name(), "double");
    assert_eq!(Value::Decimal { value: 1, precision: 5, scale: 2 }.type_name(), "decimal(5,2)");
    assert_eq!(Value::Binary(vec![]).type_name(), "bytes");
}

#[test]
fn from_impls_pick_matching_variants() {
    assert_eq!(Value::from(1i8), Value::Int8(1));
    assert_eq!(Value::from(1u64), Value::UInt64(1));
    assert_eq!(Value::from(1.5f32), Value::Float32(1.5));
    assert_eq!(Value::from(None::<i32>), Value::Null);
    assert_eq!(Value::from(vec![Value::Int32(1)]), Value::List(vec![Value::Int32(1)]));
    assert_eq!(Value::from(&b"ab"[..]), Value::Binary(b"ab".to_vec()));
}

// ---------- properties ----------

mod props {
    use super::*;
    use proptest::prelude::*;

    fn opt<T: std::fmt::Debug + Clone>(
        s: impl Strategy<Value = T>,
        f: fn(T) -> Value,
    ) -> impl Strategy<Value = Value> {
        proptest::option::of(s).prop_map(move |o| o.map_or(Value::Null, f))
    }

    fn row() -> impl Strategy<Value = Row> {
        (
            opt(any::<i64>(), Value::Int64),
            opt(any::<f64>().prop_filter("no NaN", |f| !f.is_nan()), Value::Float64),
            opt(".{0,8}", Value::Str),
            opt(proptest::collection::vec(any::<i32>(), 0..4), |v| {
                Value::List(v.into_iter().map(Value::Int32).collect())
            }),
        )
            .prop_map(|(a, b, c, d)| vec![a, b, c, d])
    }

    proptest! {
        #[test]
        fn df_val_df_out_rows_round_trip(rows in proptest::collection::vec(row(), 0..20)) {
            let sc = schema(&[
                ("a", DataType::Int64),
                ("b", DataType::Float64),
                ("c", DataType::Utf8),
                ("d", list_of(DataType::Int32)),
            ]);
            let batch = rows_to_batch(&sc, &rows).unwrap();
            prop_assert_eq!(batch_rows(&batch, None).unwrap(), rows);
        }

        #[test]
        fn df_cast_8_13_int_text_round_trip(v in any::<i64>()) {
            let text = cast(&DataType::Int64, vec![Value::Int64(v)], &DataType::Utf8).unwrap();
            prop_assert_eq!(&text[0], &Value::Str(v.to_string()));
            let back = cast(&DataType::Utf8, text, &DataType::Int64).unwrap();
            prop_assert_eq!(back, vec![Value::Int64(v)]);
        }

        #[test]
        fn df_cast_9_14_float_text_round_trip(v in any::<f64>().prop_filter("no NaN", |f| !f.is_nan())) {
            let text = cast(&DataType::Float64, vec![Value::Float64(v)], &DataType::Utf8).unwrap();
            let back = cast(&DataType::Utf8, text, &DataType::Float64).unwrap();
            prop_assert_eq!(back, vec![Value::Float64(v)]);
        }

        #[test]
        fn df_cast_11_16_datetime_text_round_trip(secs in -2_000_000_000i64..4_000_000_000i64, micros in 0u32..1_000_000) {
            let t = chrono::DateTime::from_timestamp(secs, micros * 1000).unwrap().naive_utc();
            let text = cast(&ts(), vec![Value::DateTime(t)], &DataType::Utf8).unwrap();
            let back = cast(&DataType::Utf8, text, &ts()).unwrap();
            prop_assert_eq!(back, vec![Value::DateTime(t)]);
        }

        #[test]
        fn df_eq_4_int_float_order_matches_numeric(i in any::<i32>(), f in -1e10f64..1e10) {
            let expected = (f64::from(i)).partial_cmp(&f).unwrap();
            prop_assert_eq!(Value::Int32(i).total_cmp(&Value::Float64(f)), expected);
            prop_assert_eq!(Value::Float64(f).total_cmp(&Value::Int32(i)), expected.reverse());
        }
    }
}
