//! Values out: [`value_at`], [`row_at`], [`batch_rows`] (DF-OUT-1, DF-OUT-2).

use arrow::array::{Array, ArrayRef, AsArray, OffsetSizeTrait};
use arrow::datatypes::{
    ArrowDictionaryKeyType, ArrowPrimitiveType, ArrowTimestampType, DataType, Date32Type,
    Date64Type, Decimal128Type, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type,
    Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow::record_batch::RecordBatch;

use super::{Row, Value};
use crate::error::{Error, Result};

fn wrong_type(dt: &DataType) -> Error {
    Error::internal(format!("array does not match its data type `{dt}`"))
}

fn prim<T: ArrowPrimitiveType>(array: &dyn Array, index: usize) -> Result<T::Native> {
    array
        .as_primitive_opt::<T>()
        .map(|a| a.value(index))
        .ok_or_else(|| wrong_type(array.data_type()))
}

fn timestamp<T: ArrowTimestampType>(
    array: &dyn Array,
    index: usize,
    tz: Option<&str>,
) -> Result<Value> {
    let raw: i64 = prim::<T>(array, index)?;
    let naive = arrow::array::temporal_conversions::as_datetime::<T>(raw).ok_or_else(|| {
        Error::cast(format!("`{raw}`"), "datetime", "the timestamp is out of the calendar range")
    })?;
    Ok(match tz {
        None => Value::DateTime(naive),
        Some(tz) => Value::TimestampTz { utc: naive, tz: tz.to_string() },
    })
}

fn list_values<O: OffsetSizeTrait>(array: &dyn Array, index: usize) -> Result<Value> {
    let list = array.as_list_opt::<O>().ok_or_else(|| wrong_type(array.data_type()))?;
    let items = list.value(index);
    (0..items.len()).map(|i| value_at(items.as_ref(), i)).collect::<Result<_>>().map(Value::List)
}

fn dictionary<K: ArrowDictionaryKeyType>(array: &dyn Array, index: usize) -> Result<Value> {
    let dict = array.as_dictionary_opt::<K>().ok_or_else(|| wrong_type(array.data_type()))?;
    let key = dict.keys().value(index);
    let key = num_usize::<K>(key)
        .ok_or_else(|| Error::internal(format!("invalid dictionary key at index {index}")))?;
    value_at(dict.values().as_ref(), key)
}

fn num_usize<K: ArrowDictionaryKeyType>(key: K::Native) -> Option<usize> {
    use arrow::datatypes::ArrowNativeType;
    key.to_usize()
}

/// The value at `index` of `array`, as the [`Value`] variant that follows the
/// Arrow type (DF-OUT-1): integers → the matching integer variant, floats →
/// float variants (a double holding 1 is `Float64(1.0)`), `Utf8` → `Str`,
/// `Binary` → `Binary`, `Date32` → `Date`, tz-less timestamps of any unit →
/// `DateTime`, tz-aware → `TimestampTz` (instant in UTC plus zone name),
/// `Decimal128` → `Decimal`, lists → `List`, structs → `Struct` (fields in
/// schema order), maps → `Map` (entries in stored order); nested values are
/// converted recursively.
///
/// Missing values are [`Value::Null`], and a float NaN is also returned as
/// `Null` (DF-OUT-2). Backend variants are read as their plain type:
/// `LargeUtf8` / `Utf8View` → `Str`, `LargeBinary` / `BinaryView` /
/// `FixedSizeBinary` → `Binary`, `LargeList` / `FixedSizeList` → `List`,
/// `Date64` → `Date`, dictionaries → their value.
///
/// # Errors
///
/// * `ERR-ARG` when `index >= array.len()` (never a panic).
/// * `ERR-NOT-SUPPORTED` for Arrow types outside the supported set (time,
///   duration, interval, union, ...).
/// * `ERR-CAST` for a timestamp or date outside chrono's calendar range.
pub fn value_at(array: &dyn Array, index: usize) -> Result<Value> {
    if index >= array.len() {
        return Err(Error::arg(
            "index",
            format!("`{index}` is out of range for an array of {} values", array.len()),
        ));
    }
    let dt = array.data_type();
    if matches!(dt, DataType::Null) || array.is_null(index) {
        return Ok(Value::Null);
    }
    Ok(match dt {
        DataType::Boolean => Value::Bool(
            array.as_boolean_opt().map(|a| a.value(index)).ok_or_else(|| wrong_type(dt))?,
        ),
        DataType::Int8 => Value::Int8(prim::<Int8Type>(array, index)?),
        DataType::Int16 => Value::Int16(prim::<Int16Type>(array, index)?),
        DataType::Int32 => Value::Int32(prim::<Int32Type>(array, index)?),
        DataType::Int64 => Value::Int64(prim::<Int64Type>(array, index)?),
        DataType::UInt8 => Value::UInt8(prim::<UInt8Type>(array, index)?),
        DataType::UInt16 => Value::UInt16(prim::<UInt16Type>(array, index)?),
        DataType::UInt32 => Value::UInt32(prim::<UInt32Type>(array, index)?),
        DataType::UInt64 => Value::UInt64(prim::<UInt64Type>(array, index)?),
        DataType::Float16 => {
            let x = prim::<Float16Type>(array, index)?;
            if x.is_nan() { Value::Null } else { Value::Float16(x) }
        }
        DataType::Float32 => {
            let x = prim::<Float32Type>(array, index)?;
            if x.is_nan() { Value::Null } else { Value::Float32(x) }
        }
        DataType::Float64 => {
            let x = prim::<Float64Type>(array, index)?;
            if x.is_nan() { Value::Null } else { Value::Float64(x) }
        }
        DataType::Decimal128(p, s) => Value::Decimal {
            value: prim::<Decimal128Type>(array, index)?,
            precision: *p,
            scale: *s,
        },
        DataType::Utf8 => Value::Str(
            array.as_string_opt::<i32>().ok_or_else(|| wrong_type(dt))?.value(index).to_string(),
        ),
        DataType::LargeUtf8 => Value::Str(
            array.as_string_opt::<i64>().ok_or_else(|| wrong_type(dt))?.value(index).to_string(),
        ),
        DataType::Utf8View => Value::Str(
            array.as_string_view_opt().ok_or_else(|| wrong_type(dt))?.value(index).to_string(),
        ),
        DataType::Binary => Value::Binary(
            array.as_binary_opt::<i32>().ok_or_else(|| wrong_type(dt))?.value(index).to_vec(),
        ),
        DataType::LargeBinary => Value::Binary(
            array.as_binary_opt::<i64>().ok_or_else(|| wrong_type(dt))?.value(index).to_vec(),
        ),
        DataType::BinaryView => Value::Binary(
            array.as_binary_view_opt().ok_or_else(|| wrong_type(dt))?.value(index).to_vec(),
        ),
        DataType::FixedSizeBinary(_) => Value::Binary(
            array.as_fixed_size_binary_opt().ok_or_else(|| wrong_type(dt))?.value(index).to_vec(),
        ),
        DataType::Date32 => {
            let days = prim::<Date32Type>(array, index)?;
            Value::Date(
                arrow::array::temporal_conversions::as_date::<Date32Type>(i64::from(days))
                    .ok_or_else(|| {
                        Error::cast(format!("`{days}`"), "date", "out of the calendar range")
                    })?,
            )
        }
        DataType::Date64 => {
            let ms = prim::<Date64Type>(array, index)?;
            Value::Date(arrow::array::temporal_conversions::as_date::<Date64Type>(ms).ok_or_else(
                || Error::cast(format!("`{ms}`"), "date", "out of the calendar range"),
            )?)
        }
        DataType::Timestamp(unit, tz) => {
            let tz = tz.as_deref();
            match unit {
                TimeUnit::Second => timestamp::<TimestampSecondType>(array, index, tz)?,
                TimeUnit::Millisecond => timestamp::<TimestampMillisecondType>(array, index, tz)?,
                TimeUnit::Microsecond => timestamp::<TimestampMicrosecondType>(array, index, tz)?,
                TimeUnit::Nanosecond => timestamp::<TimestampNanosecondType>(array, index, tz)?,
            }
        }
        DataType::List(_) => list_values::<i32>(array, index)?,
        DataType::LargeList(_) => list_values::<i64>(array, index)?,
        DataType::FixedSizeList(_, _) => {
            let list = array.as_fixed_size_list_opt().ok_or_else(|| wrong_type(dt))?;
            let items = list.value(index);
            Value::List(
                (0..items.len()).map(|i| value_at(items.as_ref(), i)).collect::<Result<_>>()?,
            )
        }
        DataType::Struct(fields) => {
            let s = array.as_struct_opt().ok_or_else(|| wrong_type(dt))?;
            let mut out = Vec::with_capacity(fields.len());
            for (f, col) in fields.iter().zip(s.columns()) {
                out.push((f.name().clone(), value_at(col.as_ref(), index)?));
            }
            Value::Struct(out)
        }
        DataType::Map(_, _) => {
            let m = array.as_map_opt().ok_or_else(|| wrong_type(dt))?;
            let entries = m.value(index);
            let (keys, values) = match entries.columns() {
                [k, v] => (k, v),
                _ => return Err(wrong_type(dt)),
            };
            let mut out = Vec::with_capacity(entries.len());
            for i in 0..entries.len() {
                out.push((value_at(keys.as_ref(), i)?, value_at(values.as_ref(), i)?));
            }
            Value::Map(out)
        }
        DataType::Dictionary(key, _) => match key.as_ref() {
            DataType::Int8 => dictionary::<Int8Type>(array, index)?,
            DataType::Int16 => dictionary::<Int16Type>(array, index)?,
            DataType::Int32 => dictionary::<Int32Type>(array, index)?,
            DataType::Int64 => dictionary::<Int64Type>(array, index)?,
            DataType::UInt8 => dictionary::<UInt8Type>(array, index)?,
            DataType::UInt16 => dictionary::<UInt16Type>(array, index)?,
            DataType::UInt32 => dictionary::<UInt32Type>(array, index)?,
            DataType::UInt64 => dictionary::<UInt64Type>(array, index)?,
            _ => return Err(Error::not_supported(format!("values of type `{dt}`"))),
        },
        other => {
            return Err(Error::not_supported(format!(
                "values of type `{other}` (not a supported schema type, SCH-TYPE-7)"
            )));
        }
    })
}

/// Row `index` of `batch`: one value per column in schema order, each as
/// [`value_at`] gives it (DF-OUT-1, DF-OUT-2; used by `peek_array`).
///
/// # Errors
///
/// * `ERR-ARG` when `index >= batch.num_rows()`.
/// * The errors of [`value_at`] for unsupported column types.
pub fn row_at(batch: &RecordBatch, index: usize) -> Result<Row> {
    if index >= batch.num_rows() {
        return Err(Error::arg(
            "index",
            format!("row `{index}` is out of range for a batch of {} rows", batch.num_rows()),
        ));
    }
    batch.columns().iter().map(|c| value_at(c.as_ref(), index)).collect()
}

/// All rows of `batch` in order (DF-OUT-1, DF-OUT-2; used by `as_array`).
///
/// With `columns = Some(idx)` each row holds only the columns at positions
/// `idx`, in that order (repeats allowed); with `None`, every column in
/// schema order. The result has `batch.num_rows()` rows.
///
/// # Errors
///
/// * `ERR-ARG` when a position in `columns` is `>= batch.num_columns()`.
/// * The errors of [`value_at`] for unsupported column types.
pub fn batch_rows(batch: &RecordBatch, columns: Option<&[usize]>) -> Result<Vec<Row>> {
    let selected: Vec<&ArrayRef> = match columns {
        None => batch.columns().iter().collect(),
        Some(idx) => idx
            .iter()
            .map(|&i| {
                batch.columns().get(i).ok_or_else(|| {
                    Error::arg(
                        "columns",
                        format!(
                            "column position `{i}` is out of range for a batch of {} columns",
                            batch.num_columns()
                        ),
                    )
                })
            })
            .collect::<Result<_>>()?,
    };
    (0..batch.num_rows())
        .map(|r| selected.iter().map(|c| value_at(c.as_ref(), r)).collect())
        .collect()
}

/// True when `v` is exactly what [`value_at`] returns for a non-null value
/// of type `dt` (or `v` is null): the variant matches the type, decimals
/// have the same precision and scale, tz timestamps the same zone, and nested
/// values match recursively (struct field names in schema order).
///
/// Useful to check rows built by hand before comparing them with output.
pub fn value_type_matches(v: &Value, dt: &DataType) -> bool {
    match (v, dt) {
        (Value::Null, _) => true,
        (Value::Bool(_), DataType::Boolean)
        | (Value::Int8(_), DataType::Int8)
        | (Value::Int16(_), DataType::Int16)
        | (Value::Int32(_), DataType::Int32)
        | (Value::Int64(_), DataType::Int64)
        | (Value::UInt8(_), DataType::UInt8)
        | (Value::UInt16(_), DataType::UInt16)
        | (Value::UInt32(_), DataType::UInt32)
        | (Value::UInt64(_), DataType::UInt64)
        | (Value::Float16(_), DataType::Float16)
        | (Value::Float32(_), DataType::Float32)
        | (Value::Float64(_), DataType::Float64)
        | (Value::Str(_), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
        | (Value::Binary(_), DataType::Binary | DataType::LargeBinary | DataType::BinaryView)
        | (Value::Date(_), DataType::Date32)
        | (Value::DateTime(_), DataType::Timestamp(_, None)) => true,
        (Value::Decimal { precision, scale, .. }, DataType::Decimal128(p, s)) => {
            precision == p && scale == s
        }
        (Value::TimestampTz { tz, .. }, DataType::Timestamp(_, Some(z))) => {
            tz.as_str() == z.as_ref()
        }
        (Value::List(items), DataType::List(f) | DataType::LargeList(f)) => {
            items.iter().all(|x| value_type_matches(x, f.data_type()))
        }
        (Value::Struct(pairs), DataType::Struct(fields)) => {
            pairs.len() == fields.len()
                && pairs
                    .iter()
                    .zip(fields.iter())
                    .all(|((k, x), f)| k == f.name() && value_type_matches(x, f.data_type()))
        }
        (Value::Map(entries), DataType::Map(e, _)) => match e.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => entries.iter().all(|(k, x)| {
                !k.is_null()
                    && value_type_matches(k, kv[0].data_type())
                    && value_type_matches(x, kv[1].data_type())
            }),
            _ => false,
        },
        _ => false,
    }
}
