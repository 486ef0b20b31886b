//! Rows in: [`rows_to_batch`] converts rows of [`Value`]s to an Arrow
//! [`RecordBatch`] following DF-VAL-1..12.
//!
//! Conversion is columnar and recursive: each column gathers references to
//! its values (with their row index, for error messages), nested columns
//! flatten their children and recurse, and every leaf fills one typed Arrow
//! builder.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BinaryBuilder, BooleanBuilder, ListArray, MapArray, NullArray, PrimitiveBuilder,
    StringBuilder, StructArray,
};
use arrow::buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{
    ArrowPrimitiveType, ArrowTimestampType, DataType, Date32Type, Decimal128Type, FieldRef, Fields,
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, SchemaRef,
    TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::text::{
    fits_precision, format_f32, format_f64, local_date, parse_date_lenient, parse_datetime,
    parse_decimal_text, rescale, type_text,
};
use super::{Row, Value};
use crate::error::{Error, Result};

static NULL: Value = Value::Null;

/// A value with the index of the row it comes from.
type Item<'a> = (usize, &'a Value);

/// Builds one Arrow [`RecordBatch`] with exactly `schema` from rows of values
/// (DF-VAL-1..12).
///
/// Shapes: `rows[i][j]` becomes row `i` of column `j`; the batch has
/// `rows.len()` rows and `schema`'s fields unchanged (types, names,
/// nullability, metadata); row order is kept. Zero rows give an empty batch
/// with the schema (DF-VAL-12).
///
/// Each value is converted to its column type:
///
/// | column type | accepted values |
/// |---|---|
/// | any | [`Value::Null`] (DF-VAL-2) |
/// | integers | integers in range, whole floats, decimals without fraction, bools as 1/0 (DF-VAL-4, DF-VAL-6); NaN → null |
/// | floats | any number (integers converted, DF-VAL-4); NaN → null, ±inf kept (DF-VAL-3); finite values beyond the float range are errors |
/// | `decimal(p,s)` | decimals (rescaled), integers, floats (by their shortest text); losing digits or exceeding `p` digits is an error |
/// | `bool` | bools |
/// | `str` | text; also bools, numbers, dates and datetimes as their display text (NaN → null) |
/// | `bytes` | bytes, or text as its UTF-8 bytes (DF-VAL-10) |
/// | `date` | dates, datetimes (truncated), tz timestamps (local date), text `YYYY-MM-DD` (datetime text is truncated) (DF-VAL-5) |
/// | `datetime` / `timestamp(unit[,tz])` | datetimes, dates (midnight), tz timestamps (their instant), text `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.f]]` with a space or `T`, optionally with an offset (`Z`, `+02:00`). Naive values in a tz-aware column are taken as UTC. (DF-VAL-5) |
/// | `null` | only nulls (DF-VAL-11) |
/// | `[T]` | lists, element-wise (DF-VAL-9) |
/// | `{...}` | structs or maps with text keys, matched by field name; missing fields → null, extra ignored (DF-VAL-7) |
/// | `<K,V>` | maps (entry order kept), or lists of 2-element lists / 2-field structs (DF-VAL-8); null keys are errors |
///
/// Also accepted: `LargeUtf8` / `Utf8View` / `LargeBinary` / `BinaryView`
/// columns (built as `str` / `bytes`, then cast by Arrow).
///
/// # Errors
///
/// * `ERR-ARG` when a row does not have exactly one value per field (DF-VAL-1);
///   the argument is `rows[i]`.
/// * `ERR-CAST` when a value cannot be converted (text into a number or
///   bool, a fractional float into an integer, out of range, wrong kind of
///   value, non-null into a `null` column); the message names the value, the
///   column path (`a`, `a.x`, `a[]`, `m.key`) and the row index.
/// * `ERR-SCHEMA` for column types outside the supported set (SCH-TYPE-7).
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::arrow::datatypes::{DataType, Field, Schema};
/// use fugue_core::spi::value::{row_at, rows_to_batch};
/// use fugue_core::value::Value;
///
/// let schema = Arc::new(Schema::new(vec![
///     Field::new("a", DataType::Int32, true),
///     Field::new("b", DataType::Float64, true),
/// ]));
/// let rows = vec![
///     vec![Value::Float64(1.0), Value::Int64(2)], // whole float → int, int → double
///     vec![Value::Null, Value::Float64(f64::NAN)], // NaN → null
/// ];
/// let batch = rows_to_batch(&schema, &rows).unwrap();
/// assert_eq!(batch.num_rows(), 2);
/// assert_eq!(row_at(&batch, 0).unwrap(), vec![Value::Int32(1), Value::Float64(2.0)]);
/// assert_eq!(row_at(&batch, 1).unwrap(), vec![Value::Null, Value::Null]);
///
/// let bad = vec![vec![Value::from("1"), Value::Null]];
/// let err = rows_to_batch(&schema, &bad).unwrap_err();
/// assert_eq!(err.kind(), fugue_core::ErrorKind::Cast);
/// ```
pub fn rows_to_batch(schema: &SchemaRef, rows: &[Row]) -> Result<RecordBatch> {
    let width = schema.fields().len();
    for (i, row) in rows.iter().enumerate() {
        if row.len() != width {
            return Err(Error::arg(
                format!("rows[{i}]"),
                format!("row {i} has {} values but the schema has {width} fields", row.len()),
            ));
        }
    }
    let mut columns = Vec::with_capacity(width);
    for (c, field) in schema.fields().iter().enumerate() {
        let items: Vec<Item<'_>> =
            rows.iter().enumerate().map(|(i, row)| (i, row.get(c).unwrap_or(&NULL))).collect();
        columns.push(build(field.data_type(), field.name(), &items)?);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(rows.len()));
    RecordBatch::try_new_with_options(schema.clone(), columns, &options)
        .map_err(|e| Error::cast("rows", "the schema", e.to_string()))
}

/// `ERR-CAST` for value `v` at `path` / `row` that cannot become `dt`.
fn bad(path: &str, row: usize, v: &Value, dt: &DataType, reason: &str) -> Error {
    let mut shown = v.to_string();
    if shown.chars().count() > 60 {
        shown = shown.chars().take(57).collect::<String>() + "...";
    }
    Error::cast(
        format!("`{shown}` ({})", v.type_name()),
        format!("`{}`", type_text(dt)),
        format!("{reason} (column `{path}`, row {row})"),
    )
}

/// `ERR-CAST` for an Arrow error while assembling column `path`.
fn assembly_err(path: &str, dt: &DataType, e: arrow::error::ArrowError) -> Error {
    Error::cast(format!("values of column `{path}`"), format!("`{}`", type_text(dt)), e.to_string())
}

const TEXT_INTO_NUMBER: &str =
    "text is not converted at ingestion (DF-VAL-6), use alter_columns to parse it";

fn build(dt: &DataType, path: &str, items: &[Item<'_>]) -> Result<ArrayRef> {
    match dt {
        DataType::Null => {
            if let Some(&(row, v)) = items.iter().find(|(_, v)| !v.is_null()) {
                return Err(bad(path, row, v, dt, "a null column accepts only nulls"));
            }
            Ok(Arc::new(NullArray::new(items.len())))
        }
        DataType::Boolean => {
            let mut b = BooleanBuilder::with_capacity(items.len());
            for &(row, v) in items {
                match v {
                    Value::Null => b.append_null(),
                    Value::Bool(x) => b.append_value(*x),
                    Value::Str(_) => return Err(bad(path, row, v, dt, TEXT_INTO_NUMBER)),
                    _ => return Err(bad(path, row, v, dt, "expected a bool")),
                }
            }
            Ok(Arc::new(b.finish()))
        }
        DataType::Int8 => ints::<Int8Type>(dt, path, items),
        DataType::Int16 => ints::<Int16Type>(dt, path, items),
        DataType::Int32 => ints::<Int32Type>(dt, path, items),
        DataType::Int64 => ints::<Int64Type>(dt, path, items),
        DataType::UInt8 => ints::<UInt8Type>(dt, path, items),
        DataType::UInt16 => ints::<UInt16Type>(dt, path, items),
        DataType::UInt32 => ints::<UInt32Type>(dt, path, items),
        DataType::UInt64 => ints::<UInt64Type>(dt, path, items),
        DataType::Float16 => primitive::<Float16Type>(dt, path, items, |v| {
            let Some(x) = to_f64(v)? else { return Ok(None) };
            let h = half::f16::from_f64(x);
            if x.is_finite() && h.is_infinite() {
                return Err("out of range for `float16`".into());
            }
            Ok(Some(h))
        }),
        DataType::Float32 => primitive::<Float32Type>(dt, path, items, |v| {
            let Some(x) = to_f64(v)? else { return Ok(None) };
            if x.is_finite() && x.abs() > f64::from(f32::MAX) {
                return Err("out of range for `float`".into());
            }
            Ok(Some(match v {
                Value::Float32(f) => *f,
                _ => x as f32,
            }))
        }),
        DataType::Float64 => primitive::<Float64Type>(dt, path, items, to_f64),
        DataType::Decimal128(p, s) => {
            primitive::<Decimal128Type>(dt, path, items, |v| to_decimal(v, *p, *s))
        }
        DataType::Utf8 => strings(dt, path, items),
        DataType::LargeUtf8 | DataType::Utf8View => {
            let plain = strings(&DataType::Utf8, path, items)?;
            arrow::compute::cast(&plain, dt).map_err(|e| assembly_err(path, dt, e))
        }
        DataType::Binary => binaries(dt, path, items),
        DataType::LargeBinary | DataType::BinaryView => {
            let plain = binaries(&DataType::Binary, path, items)?;
            arrow::compute::cast(&plain, dt).map_err(|e| assembly_err(path, dt, e))
        }
        DataType::Date32 => primitive::<Date32Type>(dt, path, items, |v| {
            Ok(Some(Date32Type::from_naive_date(to_date(v)?)))
        }),
        DataType::Timestamp(TimeUnit::Second, _) => {
            timestamps::<TimestampSecondType>(dt, path, items)
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            timestamps::<TimestampMillisecondType>(dt, path, items)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            timestamps::<TimestampMicrosecondType>(dt, path, items)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            timestamps::<TimestampNanosecondType>(dt, path, items)
        }
        DataType::List(field) => list(dt, field, path, items),
        DataType::Struct(fields) => structs(fields, path, items),
        DataType::Map(entries, sorted) => map(dt, entries, *sorted, path, items),
        other => Err(Error::schema(format!(
            "column `{path}` has type `{other}`, which is not a supported schema type (SCH-TYPE-7)"
        ))),
    }
}

/// Fills a primitive builder; `conv` sees non-null values and returns
/// `Ok(None)` for values that become null (NaN).
fn primitive<T: ArrowPrimitiveType>(
    dt: &DataType,
    path: &str,
    items: &[Item<'_>],
    conv: impl Fn(&Value) -> std::result::Result<Option<T::Native>, String>,
) -> Result<ArrayRef> {
    let mut b = PrimitiveBuilder::<T>::with_capacity(items.len()).with_data_type(dt.clone());
    for &(row, v) in items {
        if v.is_null() {
            b.append_null();
            continue;
        }
        match conv(v) {
            Ok(Some(x)) => b.append_value(x),
            Ok(None) => b.append_null(),
            Err(reason) => return Err(bad(path, row, v, dt, &reason)),
        }
    }
    Ok(Arc::new(b.finish()))
}

/// A number as an exact integer (DF-VAL-4, DF-VAL-6); `None` for NaN.
fn to_int(v: &Value) -> std::result::Result<Option<i128>, String> {
    let float = |f: f64| -> std::result::Result<Option<i128>, String> {
        if f.is_nan() {
            Ok(None)
        } else if !f.is_finite() {
            Err("an infinite value is not an integer".into())
        } else if f.fract() != 0.0 {
            Err("a float with a fractional part is not an integer (DF-VAL-4)".into())
        } else if f.abs() >= 1.0e38 {
            Err("out of range".into())
        } else {
            Ok(Some(f as i128))
        }
    };
    Ok(Some(match v {
        Value::Bool(b) => i128::from(*b),
        Value::Int8(x) => i128::from(*x),
        Value::Int16(x) => i128::from(*x),
        Value::Int32(x) => i128::from(*x),
        Value::Int64(x) => i128::from(*x),
        Value::UInt8(x) => i128::from(*x),
        Value::UInt16(x) => i128::from(*x),
        Value::UInt32(x) => i128::from(*x),
        Value::UInt64(x) => i128::from(*x),
        Value::Float16(x) => return float(x.to_f64()),
        Value::Float32(x) => return float(f64::from(*x)),
        Value::Float64(x) => return float(*x),
        Value::Decimal { value, scale, .. } => match rescale(*value, i32::from(*scale), 0) {
            Some(i) => i,
            None if *scale > 0 => {
                return Err("a decimal with a fractional part is not an integer".into());
            }
            None => return Err("out of range".into()),
        },
        Value::Str(_) => return Err(TEXT_INTO_NUMBER.into()),
        _ => return Err("expected a number".into()),
    }))
}

fn ints<T>(dt: &DataType, path: &str, items: &[Item<'_>]) -> Result<ArrayRef>
where
    T: ArrowPrimitiveType,
    T::Native: TryFrom<i128>,
{
    primitive::<T>(dt, path, items, |v| match to_int(v)? {
        None => Ok(None),
        Some(i) => T::Native::try_from(i)
            .map(Some)
            .map_err(|_| format!("out of range for `{}`", type_text(dt))),
    })
}

/// A number as a double (DF-VAL-4); `None` for NaN (DF-VAL-3).
fn to_f64(v: &Value) -> std::result::Result<Option<f64>, String> {
    let x = match v {
        Value::Int8(x) => f64::from(*x),
        Value::Int16(x) => f64::from(*x),
        Value::Int32(x) => f64::from(*x),
        Value::Int64(x) => *x as f64,
        Value::UInt8(x) => f64::from(*x),
        Value::UInt16(x) => f64::from(*x),
        Value::UInt32(x) => f64::from(*x),
        Value::UInt64(x) => *x as f64,
        Value::Float16(x) => x.to_f64(),
        Value::Float32(x) => f64::from(*x),
        Value::Float64(x) => *x,
        Value::Decimal { value, scale, .. } => *value as f64 / 10f64.powi(i32::from(*scale)),
        Value::Str(_) => return Err(TEXT_INTO_NUMBER.into()),
        _ => return Err("expected a number".into()),
    };
    Ok(if x.is_nan() { None } else { Some(x) })
}

/// A number as an unscaled decimal with precision `p` and scale `s`.
fn to_decimal(v: &Value, p: u8, s: i8) -> std::result::Result<Option<i128>, String> {
    let float = |text: String| {
        parse_decimal_text(&text).ok_or_else(|| format!("`{text}` is not a finite number"))
    };
    let (value, scale): (i128, i32) = match v {
        Value::Decimal { value, scale, .. } => (*value, i32::from(*scale)),
        Value::Float16(x) if x.is_nan() => return Ok(None),
        Value::Float32(x) if x.is_nan() => return Ok(None),
        Value::Float64(x) if x.is_nan() => return Ok(None),
        Value::Float16(x) => float(format_f32(x.to_f32()))?,
        Value::Float32(x) => float(format_f32(*x))?,
        Value::Float64(x) => float(format_f64(*x))?,
        Value::Bool(_) => return Err("expected a number".into()),
        other => match to_int(other)? {
            Some(i) => (i, 0),
            None => return Ok(None),
        },
    };
    let r = rescale(value, scale, i32::from(s))
        .ok_or_else(|| format!("does not fit scale {s} without losing digits"))?;
    if !fits_precision(r, p) {
        return Err(format!("more than {p} digits"));
    }
    Ok(Some(r))
}

fn strings(dt: &DataType, path: &str, items: &[Item<'_>]) -> Result<ArrayRef> {
    let mut b = StringBuilder::with_capacity(items.len(), items.len() * 8);
    for &(row, v) in items {
        match v {
            Value::Null => b.append_null(),
            Value::Str(s) => b.append_value(s),
            Value::Float16(x) if x.is_nan() => b.append_null(),
            Value::Float32(x) if x.is_nan() => b.append_null(),
            Value::Float64(x) if x.is_nan() => b.append_null(),
            Value::Binary(_) | Value::List(_) | Value::Struct(_) | Value::Map(_) => {
                return Err(bad(path, row, v, dt, "expected text"));
            }
            scalar => b.append_value(scalar.to_string()),
        }
    }
    Ok(Arc::new(b.finish()))
}

fn binaries(dt: &DataType, path: &str, items: &[Item<'_>]) -> Result<ArrayRef> {
    let mut b = BinaryBuilder::with_capacity(items.len(), items.len() * 8);
    for &(row, v) in items {
        match v {
            Value::Null => b.append_null(),
            Value::Binary(x) => b.append_value(x),
            Value::Str(s) => b.append_value(s.as_bytes()),
            _ => return Err(bad(path, row, v, dt, "expected bytes or text")),
        }
    }
    Ok(Arc::new(b.finish()))
}

/// A date value (DF-VAL-5).
fn to_date(v: &Value) -> std::result::Result<NaiveDate, String> {
    match v {
        Value::Date(d) => Ok(*d),
        Value::DateTime(dt) => Ok(dt.date()),
        Value::TimestampTz { utc, tz } => Ok(local_date(utc, tz)),
        Value::Str(s) => parse_date_lenient(s).ok_or_else(|| "expected `YYYY-MM-DD` text".into()),
        _ => Err("expected a date".into()),
    }
}

/// A timestamp value as wall-clock (naive) or UTC date-time (DF-VAL-5).
fn to_datetime(v: &Value) -> std::result::Result<NaiveDateTime, String> {
    match v {
        Value::DateTime(dt) => Ok(*dt),
        Value::Date(d) => Ok(d.and_time(NaiveTime::MIN)),
        Value::TimestampTz { utc, .. } => Ok(*utc),
        Value::Str(s) => match parse_datetime(s) {
            Some((dt, None)) => Ok(dt),
            Some((dt, Some(offset))) => {
                dt.checked_sub_offset(offset).ok_or_else(|| "out of range".to_string())
            }
            None => Err("expected `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` text".into()),
        },
        _ => Err("expected a datetime".into()),
    }
}

fn timestamps<T: ArrowTimestampType>(
    dt: &DataType,
    path: &str,
    items: &[Item<'_>],
) -> Result<ArrayRef> {
    primitive::<T>(dt, path, items, |v| {
        let naive = to_datetime(v)?;
        T::from_naive_datetime(naive, None)
            .map(Some)
            .ok_or_else(|| "out of range for the timestamp unit".into())
    })
}

/// A validity buffer, or `None` when every slot is valid.
fn validity(valid: Vec<bool>) -> Option<NullBuffer> {
    if valid.iter().all(|v| *v) { None } else { Some(NullBuffer::from(valid)) }
}

fn offset(len: usize, path: &str, dt: &DataType) -> Result<i32> {
    i32::try_from(len).map_err(|_| {
        Error::cast(
            format!("values of column `{path}`"),
            format!("`{}`", type_text(dt)),
            "more than 2^31 nested elements",
        )
    })
}

fn list(dt: &DataType, field: &FieldRef, path: &str, items: &[Item<'_>]) -> Result<ArrayRef> {
    let mut offsets = Vec::with_capacity(items.len() + 1);
    offsets.push(0i32);
    let mut valid = Vec::with_capacity(items.len());
    let mut children: Vec<Item<'_>> = Vec::new();
    for &(row, v) in items {
        match v {
            Value::Null => valid.push(false),
            Value::List(xs) => {
                valid.push(true);
                children.extend(xs.iter().map(|x| (row, x)));
            }
            _ => return Err(bad(path, row, v, dt, "expected a list")),
        }
        offsets.push(offset(children.len(), path, dt)?);
    }
    let child = build(field.data_type(), &format!("{path}[]"), &children)?;
    ListArray::try_new(
        field.clone(),
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        child,
        validity(valid),
    )
    .map(|a| Arc::new(a) as ArrayRef)
    .map_err(|e| assembly_err(path, dt, e))
}

fn structs(fields: &Fields, path: &str, items: &[Item<'_>]) -> Result<ArrayRef> {
    let dt = DataType::Struct(fields.clone());
    let mut valid = Vec::with_capacity(items.len());
    let mut per_field: Vec<Vec<Item<'_>>> =
        (0..fields.len()).map(|_| Vec::with_capacity(items.len())).collect();
    for &(row, v) in items {
        match v {
            Value::Null => {
                valid.push(false);
                per_field.iter_mut().for_each(|c| c.push((row, &NULL)));
            }
            Value::Struct(pairs) => {
                valid.push(true);
                for (f, c) in fields.iter().zip(per_field.iter_mut()) {
                    let x = pairs.iter().find(|(k, _)| k == f.name()).map_or(&NULL, |(_, x)| x);
                    c.push((row, x));
                }
            }
            Value::Map(entries) => {
                valid.push(true);
                for (f, c) in fields.iter().zip(per_field.iter_mut()) {
                    let x = entries
                        .iter()
                        .find(|(k, _)| matches!(k, Value::Str(s) if s == f.name()))
                        .map_or(&NULL, |(_, x)| x);
                    c.push((row, x));
                }
            }
            _ => return Err(bad(path, row, v, &dt, "expected a struct or a map with text keys")),
        }
    }
    let arrays = fields
        .iter()
        .zip(per_field)
        .map(|(f, c)| build(f.data_type(), &format!("{path}.{}", f.name()), &c))
        .collect::<Result<Vec<_>>>()?;
    StructArray::try_new_with_length(fields.clone(), arrays, validity(valid), items.len())
        .map(|a| Arc::new(a) as ArrayRef)
        .map_err(|e| assembly_err(path, &dt, e))
}

fn map(
    dt: &DataType,
    entries: &FieldRef,
    sorted: bool,
    path: &str,
    items: &[Item<'_>],
) -> Result<ArrayRef> {
    let kv = match entries.data_type() {
        DataType::Struct(kv) if kv.len() == 2 => kv,
        other => {
            return Err(Error::schema(format!(
                "map column `{path}` has entries of type `{other}`, expected a struct of key and value"
            )));
        }
    };
    let mut offsets = Vec::with_capacity(items.len() + 1);
    offsets.push(0i32);
    let mut valid = Vec::with_capacity(items.len());
    let mut keys: Vec<Item<'_>> = Vec::new();
    let mut values: Vec<Item<'_>> = Vec::new();
    for &(row, v) in items {
        match v {
            Value::Null => valid.push(false),
            Value::Map(es) => {
                valid.push(true);
                for (k, x) in es {
                    keys.push((row, k));
                    values.push((row, x));
                }
            }
            Value::List(pairs) => {
                valid.push(true);
                for pair in pairs {
                    let (k, x) = match pair {
                        Value::List(p) if p.len() == 2 => (&p[0], &p[1]),
                        Value::Struct(p) if p.len() == 2 => (&p[0].1, &p[1].1),
                        _ => {
                            return Err(bad(
                                path,
                                row,
                                v,
                                dt,
                                "expected a list of (key, value) pairs",
                            ));
                        }
                    };
                    keys.push((row, k));
                    values.push((row, x));
                }
            }
            _ => {
                return Err(bad(
                    path,
                    row,
                    v,
                    dt,
                    "expected a map or a list of (key, value) pairs",
                ));
            }
        }
        offsets.push(offset(keys.len(), path, dt)?);
    }
    if let Some(&(row, _)) = keys.iter().find(|(_, k)| k.is_null()) {
        return Err(bad(path, row, &NULL, kv[0].data_type(), "map keys cannot be null"));
    }
    let key_path = format!("{path}.key");
    let key_array = build(kv[0].data_type(), &key_path, &keys)?;
    if key_array.null_count() > 0 {
        return Err(Error::cast(
            format!("keys of column `{path}`"),
            format!("`{}`", type_text(kv[0].data_type())),
            "map keys cannot be null (a NaN key becomes null)",
        ));
    }
    let value_array = build(kv[1].data_type(), &format!("{path}.value"), &values)?;
    let entry_array = StructArray::try_new(kv.clone(), vec![key_array, value_array], None)
        .map_err(|e| assembly_err(path, dt, e))?;
    MapArray::try_new(
        entries.clone(),
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        entry_array,
        validity(valid),
        sorted,
    )
    .map(|a| Arc::new(a) as ArrayRef)
    .map_err(|e| assembly_err(path, dt, e))
}
