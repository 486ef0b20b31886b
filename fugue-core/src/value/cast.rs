//! Column casts of `alter_columns` and typed loads: [`cast_array`]
//! (DF-CAST-1..19). Columnar: explicit loops over typed arrays and builders
//! where Arrow's cast kernel differs from the spec, Arrow's kernel (with
//! `safe = false`, so failures are errors) everywhere else.

use std::sync::Arc;

use arrow::array::temporal_conversions::{as_date, as_datetime};
use arrow::array::timezone::Tz;
use arrow::array::{
    Array, ArrayRef, AsArray, BooleanBuilder, PrimitiveArray, PrimitiveBuilder, StringBuilder,
    new_null_array,
};
use arrow::compute::{CastOptions, cast_with_options};
use arrow::datatypes::{
    ArrowPrimitiveType, ArrowTimestampType, DataType, Date32Type, Float16Type, Float32Type,
    Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow::util::display::FormatOptions;
use chrono::TimeZone;

use super::text::{
    format_datetime, format_f32, format_f64, format_instant, parse_date_lenient, parse_datetime,
    type_text, zone,
};
use crate::error::{Error, Result};

/// Casts a whole column to `to` following DF-CAST-1..19.
///
/// Shapes: the result has the same length and null positions as `array`
/// (plus NaN floats, which become null where a float is converted to an
/// integer or text), and exactly the type `to`.
///
/// | from → to | result | rule |
/// |---|---|---|
/// | same type | the same array (an `Arc` clone, no copy) | DF-CAST-1 |
/// | null values | null | DF-CAST-2 |
/// | `null` column → any | all-null column of `to` | DF-CAST-2 |
/// | any → `null` | only when every value is null | |
/// | integer → integer | value kept, out of range → error | DF-CAST-3 |
/// | integer → float | numeric conversion | DF-CAST-4 |
/// | float → integer | truncation toward zero, out of range / ±inf → error, NaN → null | DF-CAST-5 |
/// | integer / bool → bool / integer | non-zero ↔ `true` | DF-CAST-6 |
/// | bool → str | `true` / `false` | DF-CAST-7 |
/// | integer → str | decimal digits | DF-CAST-8 |
/// | float → str | shortest text that parses back (`1.1`, `1.0`, `1e300`, `inf`); NaN → null | DF-CAST-9 |
/// | date → str | `YYYY-MM-DD` | DF-CAST-10 |
/// | datetime → str | `YYYY-MM-DD HH:MM:SS[.ffffff]` (9 digits for sub-microsecond values); tz-aware: wall-clock time in the zone plus offset (`+02:00`) | DF-CAST-11 |
/// | str → bool | `true` / `false` / `1` / `0` / `yes` / `no`, any case | DF-CAST-12 |
/// | str → integer | optional sign + digits only | DF-CAST-13 |
/// | str → float | decimal or scientific text (also `inf`, `nan` → null); a finite text that overflows → error | DF-CAST-14 |
/// | str → date | `YYYY-MM-DD`, or datetime text truncated | DF-CAST-15 |
/// | str → datetime | `YYYY-MM-DD[( \|T)HH:MM[:SS[.f]]]`, optionally with an offset (`Z`, `+02:00`); without offset, a tz-aware target interprets the text in its zone | DF-CAST-16 |
/// | datetime ↔ date | truncate (local date for tz-aware) / midnight | DF-CAST-17 |
/// | tz-less → tz-aware | the wall-clock time is interpreted in the target zone | DF-CAST-18 |
/// | tz → other tz | same instant | DF-CAST-18 |
/// | tz-aware → tz-less | the UTC wall-clock time (Arrow's behaviour; the spec leaves it open) | |
/// | list / struct / map ↔ other | error unless the types are equal ignoring nullability, metadata and list item / map entry names ([`nested_types_equivalent`]); then the same data retyped (zero copy) | DF-CAST-19 |
/// | anything else (decimals, str ↔ bytes, unit changes, ...) | Arrow's cast kernel with `safe = false` | |
///
/// Source columns of backend variants (`LargeUtf8`, `Utf8View`,
/// `LargeBinary`, `BinaryView`, dictionaries, `LargeList`, `Date64`) are
/// first normalised to their plain type (SCH-TYPE-8).
///
/// Zones: offsets (`+02:00`) and the UTC aliases (`UTC`, `Z`, `GMT`,
/// `Etc/UTC`) always resolve; named zones (`Europe/Paris`) need Arrow's
/// `chrono-tz` feature and are otherwise `ERR-CAST` where a conversion needs
/// the zone (adding a zone, tz-aware → date).
///
/// # Errors
///
/// `ERR-CAST` for every failure, naming the first offending value where the
/// conversion is explicit (e.g. ``cannot cast `x` (str) to `int`: ...``),
/// or carrying Arrow's message otherwise.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::arrow::array::{ArrayRef, AsArray, StringArray};
/// use fugue_core::arrow::datatypes::{DataType, Int32Type};
/// use fugue_core::spi::value::cast_array;
///
/// let text: ArrayRef = Arc::new(StringArray::from(vec![Some("1"), None, Some("-3")]));
/// let ints = cast_array(&text, &DataType::Int32).unwrap();
/// let ints = ints.as_primitive::<Int32Type>();
/// assert_eq!(ints.iter().collect::<Vec<_>>(), vec![Some(1), None, Some(-3)]);
///
/// let bad: ArrayRef = Arc::new(StringArray::from(vec!["1.5"]));
/// let err = cast_array(&bad, &DataType::Int32).unwrap_err();
/// assert_eq!(err.kind(), fugue_core::ErrorKind::Cast);
/// ```
pub fn cast_array(array: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    let from = array.data_type();
    if from == to {
        return Ok(array.clone());
    }
    if let Some(plain) = plain_type(from) {
        let normalised = arrow_cast(array, &plain)?;
        return cast_array(&normalised, to);
    }
    if matches!(from, DataType::Null) {
        return Ok(new_null_array(to, array.len()));
    }
    if matches!(to, DataType::Null) {
        if array.null_count() == array.len() {
            return Ok(new_null_array(to, array.len()));
        }
        return Err(first_value_err(array, to, "a null column holds only nulls"));
    }
    if is_nested(from) || is_nested(to) {
        if nested_types_equivalent(from, to) {
            return retype(array, to);
        }
        return Err(Error::cast(
            format!("column of type `{}`", type_text(from)),
            format!("`{}`", type_text(to)),
            "nested types only cast to an equal type (DF-CAST-19)",
        ));
    }
    use DataType as D;
    match (from, to) {
        (D::Boolean, D::Utf8) => bool_to_str(array),
        (D::Float16, D::Utf8) => {
            float_to_str::<Float16Type>(array, |x| (!x.is_nan()).then(|| format_f32(x.to_f32())))
        }
        (D::Float32, D::Utf8) => {
            float_to_str::<Float32Type>(array, |x| (!x.is_nan()).then(|| format_f32(x)))
        }
        (D::Float64, D::Utf8) => {
            float_to_str::<Float64Type>(array, |x| (!x.is_nan()).then(|| format_f64(x)))
        }
        (D::Date32, D::Utf8) => date_to_str(array),
        (D::Timestamp(unit, tz), D::Utf8) => match unit {
            TimeUnit::Second => ts_to_str::<TimestampSecondType>(array, tz.as_deref()),
            TimeUnit::Millisecond => ts_to_str::<TimestampMillisecondType>(array, tz.as_deref()),
            TimeUnit::Microsecond => ts_to_str::<TimestampMicrosecondType>(array, tz.as_deref()),
            TimeUnit::Nanosecond => ts_to_str::<TimestampNanosecondType>(array, tz.as_deref()),
        },
        (D::Utf8, D::Boolean) => str_to_bool(array),
        (D::Utf8, D::Int8) => str_to_int::<Int8Type>(array, to),
        (D::Utf8, D::Int16) => str_to_int::<Int16Type>(array, to),
        (D::Utf8, D::Int32) => str_to_int::<Int32Type>(array, to),
        (D::Utf8, D::Int64) => str_to_int::<Int64Type>(array, to),
        (D::Utf8, D::UInt8) => str_to_int::<UInt8Type>(array, to),
        (D::Utf8, D::UInt16) => str_to_int::<UInt16Type>(array, to),
        (D::Utf8, D::UInt32) => str_to_int::<UInt32Type>(array, to),
        (D::Utf8, D::UInt64) => str_to_int::<UInt64Type>(array, to),
        (D::Utf8, D::Float16) => str_to_float::<Float16Type>(array, to, |s| {
            let x: f32 = s.parse().ok()?;
            Some(half::f16::from_f32(x))
        }),
        (D::Utf8, D::Float32) => str_to_float::<Float32Type>(array, to, |s| s.parse().ok()),
        (D::Utf8, D::Float64) => str_to_float::<Float64Type>(array, to, |s| s.parse().ok()),
        (D::Utf8, D::Date32) => str_to_date(array),
        (D::Utf8, D::Timestamp(unit, tz)) => {
            let tz = tz.as_deref();
            match unit {
                TimeUnit::Second => str_to_ts::<TimestampSecondType>(array, to, tz),
                TimeUnit::Millisecond => str_to_ts::<TimestampMillisecondType>(array, to, tz),
                TimeUnit::Microsecond => str_to_ts::<TimestampMicrosecondType>(array, to, tz),
                TimeUnit::Nanosecond => str_to_ts::<TimestampNanosecondType>(array, to, tz),
            }
        }
        (D::Timestamp(_, None) | D::Date32, D::Timestamp(unit, Some(tz))) => {
            let naive = arrow_cast(array, &D::Timestamp(*unit, None))?;
            match unit {
                TimeUnit::Second => localize::<TimestampSecondType>(&naive, to, tz),
                TimeUnit::Millisecond => localize::<TimestampMillisecondType>(&naive, to, tz),
                TimeUnit::Microsecond => localize::<TimestampMicrosecondType>(&naive, to, tz),
                TimeUnit::Nanosecond => localize::<TimestampNanosecondType>(&naive, to, tz),
            }
        }
        (D::Timestamp(unit, Some(tz)), D::Date32) => match unit {
            TimeUnit::Second => local_dates::<TimestampSecondType>(array, tz),
            TimeUnit::Millisecond => local_dates::<TimestampMillisecondType>(array, tz),
            TimeUnit::Microsecond => local_dates::<TimestampMicrosecondType>(array, tz),
            TimeUnit::Nanosecond => local_dates::<TimestampNanosecondType>(array, tz),
        },
        (D::Float16 | D::Float32 | D::Float64, _) if is_integer(to) => {
            let doubles = arrow_cast(array, &D::Float64)?;
            match to {
                D::Int8 => float_to_int::<Int8Type>(&doubles, from, to),
                D::Int16 => float_to_int::<Int16Type>(&doubles, from, to),
                D::Int32 => float_to_int::<Int32Type>(&doubles, from, to),
                D::Int64 => float_to_int::<Int64Type>(&doubles, from, to),
                D::UInt8 => float_to_int::<UInt8Type>(&doubles, from, to),
                D::UInt16 => float_to_int::<UInt16Type>(&doubles, from, to),
                D::UInt32 => float_to_int::<UInt32Type>(&doubles, from, to),
                _ => float_to_int::<UInt64Type>(&doubles, from, to),
            }
        }
        _ => arrow_cast(array, to),
    }
}

/// True when two types are equal ignoring nullability, field metadata, list
/// item names and map entry / key / value names (SCH-TYPE-9, DF-CAST-19).
/// Struct field names and order must match; any other difference (element
/// types, timestamp unit or zone, decimal precision) makes them different.
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::arrow::datatypes::{DataType, Field};
/// use fugue_core::spi::value::nested_types_equivalent;
/// let a = DataType::List(Arc::new(Field::new("item", DataType::Int32, true)));
/// let b = DataType::List(Arc::new(Field::new("element", DataType::Int32, false)));
/// assert!(nested_types_equivalent(&a, &b));
/// ```
pub fn nested_types_equivalent(a: &DataType, b: &DataType) -> bool {
    match (a, b) {
        (DataType::List(x), DataType::List(y))
        | (DataType::LargeList(x), DataType::LargeList(y)) => {
            nested_types_equivalent(x.data_type(), y.data_type())
        }
        (DataType::Struct(x), DataType::Struct(y)) => {
            x.len() == y.len()
                && x.iter().zip(y.iter()).all(|(f, g)| {
                    f.name() == g.name() && nested_types_equivalent(f.data_type(), g.data_type())
                })
        }
        (DataType::Map(x, _), DataType::Map(y, _)) => match (x.data_type(), y.data_type()) {
            (DataType::Struct(p), DataType::Struct(q)) => {
                p.len() == q.len()
                    && p.iter()
                        .zip(q.iter())
                        .all(|(f, g)| nested_types_equivalent(f.data_type(), g.data_type()))
            }
            _ => false,
        },
        _ => a == b,
    }
}

/// Lists, structs and maps.
pub(crate) fn is_nested(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(_, _)
            | DataType::ListView(_)
            | DataType::LargeListView(_)
            | DataType::Struct(_)
            | DataType::Map(_, _)
    )
}

fn is_integer(dt: &DataType) -> bool {
    dt.is_integer()
}

/// The plain (normalised) type of a backend variant, if `dt` is one.
fn plain_type(dt: &DataType) -> Option<DataType> {
    match dt {
        DataType::LargeUtf8 | DataType::Utf8View => Some(DataType::Utf8),
        DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            Some(DataType::Binary)
        }
        DataType::Dictionary(_, value) => Some(value.as_ref().clone()),
        DataType::LargeList(f)
        | DataType::FixedSizeList(f, _)
        | DataType::ListView(f)
        | DataType::LargeListView(f) => Some(DataType::List(f.clone())),
        DataType::Date64 => Some(DataType::Date32),
        _ => None,
    }
}

/// Arrow's cast kernel with `safe = false`; errors become `ERR-CAST`.
fn arrow_cast(array: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    let options = CastOptions { safe: false, format_options: FormatOptions::default() };
    cast_with_options(array, to, &options).map_err(|e| {
        Error::cast(
            format!("column of type `{}`", type_text(array.data_type())),
            format!("`{}`", type_text(to)),
            e.to_string(),
        )
    })
}

/// Gives nested data the equivalent type `to` without copying buffers.
fn retype(array: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    fn go(
        data: &arrow::array::ArrayData,
        to: &DataType,
    ) -> std::result::Result<arrow::array::ArrayData, arrow::error::ArrowError> {
        let child_types: Vec<&DataType> = match to {
            DataType::List(f) | DataType::LargeList(f) | DataType::Map(f, _) => {
                vec![f.data_type()]
            }
            DataType::Struct(fields) => fields.iter().map(|f| f.data_type()).collect(),
            _ => vec![],
        };
        if child_types.len() != data.child_data().len() {
            return Err(arrow::error::ArrowError::CastError("nested layouts differ".to_string()));
        }
        let children = data
            .child_data()
            .iter()
            .zip(child_types)
            .map(|(c, t)| go(c, t))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        data.clone().into_builder().data_type(to.clone()).child_data(children).build()
    }
    go(&array.to_data(), to).map(arrow::array::make_array).map_err(|e| {
        Error::cast(
            format!("column of type `{}`", type_text(array.data_type())),
            format!("`{}`", type_text(to)),
            e.to_string(),
        )
    })
}

/// `ERR-CAST` naming one value of type `from`.
fn value_err(v: impl std::fmt::Display, from: &DataType, to: &DataType, reason: &str) -> Error {
    Error::cast(
        format!("`{v}` ({})", type_text(from)),
        format!("`{}`", type_text(to)),
        reason.to_string(),
    )
}

/// `ERR-CAST` naming the first non-null value of `array`.
fn first_value_err(array: &ArrayRef, to: &DataType, reason: &str) -> Error {
    let shown = (0..array.len())
        .find(|i| array.is_valid(*i))
        .and_then(|i| super::value_at(array.as_ref(), i).ok())
        .map_or_else(|| "?".to_string(), |v| v.to_string());
    value_err(shown, array.data_type(), to, reason)
}

fn internal(array: &ArrayRef) -> Error {
    Error::internal(format!("array does not match its data type `{}`", array.data_type()))
}

fn bool_to_str(array: &ArrayRef) -> Result<ArrayRef> {
    let a = array.as_boolean_opt().ok_or_else(|| internal(array))?;
    let mut b = StringBuilder::with_capacity(a.len(), a.len() * 5);
    for v in a.iter() {
        match v {
            Some(true) => b.append_value("true"),
            Some(false) => b.append_value("false"),
            None => b.append_null(),
        }
    }
    Ok(Arc::new(b.finish()))
}

fn float_to_str<T: ArrowPrimitiveType>(
    array: &ArrayRef,
    fmt: impl Fn(T::Native) -> Option<String>,
) -> Result<ArrayRef> {
    let a = array.as_primitive_opt::<T>().ok_or_else(|| internal(array))?;
    let mut b = StringBuilder::with_capacity(a.len(), a.len() * 8);
    for v in a.iter() {
        b.append_option(v.and_then(&fmt));
    }
    Ok(Arc::new(b.finish()))
}

fn date_to_str(array: &ArrayRef) -> Result<ArrayRef> {
    let a = array.as_primitive_opt::<Date32Type>().ok_or_else(|| internal(array))?;
    let mut b = StringBuilder::with_capacity(a.len(), a.len() * 10);
    for v in a.iter() {
        match v {
            None => b.append_null(),
            Some(days) => match as_date::<Date32Type>(i64::from(days)) {
                Some(d) => b.append_value(d.format("%Y-%m-%d").to_string()),
                None => {
                    return Err(value_err(
                        days,
                        &DataType::Date32,
                        &DataType::Utf8,
                        "out of the calendar range",
                    ));
                }
            },
        }
    }
    Ok(Arc::new(b.finish()))
}

fn ts_to_str<T: ArrowTimestampType>(array: &ArrayRef, tz: Option<&str>) -> Result<ArrayRef> {
    let a = array.as_primitive_opt::<T>().ok_or_else(|| internal(array))?;
    let zone: Option<Tz> = tz.and_then(zone);
    let mut b = StringBuilder::with_capacity(a.len(), a.len() * 26);
    for v in a.iter() {
        match v {
            None => b.append_null(),
            Some(raw) => {
                let naive = as_datetime::<T>(raw).ok_or_else(|| {
                    value_err(raw, array.data_type(), &DataType::Utf8, "out of the calendar range")
                })?;
                match tz {
                    None => b.append_value(format_datetime(&naive)),
                    Some(_) => b.append_value(format_instant(&naive, zone.as_ref())),
                }
            }
        }
    }
    Ok(Arc::new(b.finish()))
}

fn strings(array: &ArrayRef) -> Result<&arrow::array::StringArray> {
    array.as_string_opt::<i32>().ok_or_else(|| internal(array))
}

fn str_to_bool(array: &ArrayRef) -> Result<ArrayRef> {
    let a = strings(array)?;
    let mut b = BooleanBuilder::with_capacity(a.len());
    for v in a.iter() {
        match v {
            None => b.append_null(),
            Some(s) => {
                let is = |w: &str| s.eq_ignore_ascii_case(w);
                if is("true") || is("1") || is("yes") {
                    b.append_value(true);
                } else if is("false") || is("0") || is("no") {
                    b.append_value(false);
                } else {
                    return Err(value_err(
                        s,
                        &DataType::Utf8,
                        &DataType::Boolean,
                        "expected `true`, `false`, `1`, `0`, `yes` or `no` (DF-CAST-12)",
                    ));
                }
            }
        }
    }
    Ok(Arc::new(b.finish()))
}

fn str_to_int<T>(array: &ArrayRef, to: &DataType) -> Result<ArrayRef>
where
    T: ArrowPrimitiveType,
    T::Native: std::str::FromStr,
{
    let a = strings(array)?;
    let mut b = PrimitiveBuilder::<T>::with_capacity(a.len());
    for v in a.iter() {
        match v {
            None => b.append_null(),
            Some(s) => match s.parse::<T::Native>() {
                Ok(x) => b.append_value(x),
                Err(_) => {
                    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
                    let reason = if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())
                    {
                        "out of range"
                    } else {
                        "expected an optional sign and digits (DF-CAST-13)"
                    };
                    return Err(value_err(s, &DataType::Utf8, to, reason));
                }
            },
        }
    }
    Ok(Arc::new(b.finish()))
}

fn str_to_float<T>(
    array: &ArrayRef,
    to: &DataType,
    parse: impl Fn(&str) -> Option<T::Native>,
) -> Result<ArrayRef>
where
    T: ArrowPrimitiveType,
    T::Native: num_like::Float,
{
    let a = strings(array)?;
    let mut b = PrimitiveBuilder::<T>::with_capacity(a.len());
    for v in a.iter() {
        match v {
            None => b.append_null(),
            Some(s) => match parse(s) {
                Some(x) if num_like::Float::is_nan(x) => b.append_null(),
                Some(x) => {
                    if num_like::Float::is_infinite(x) && !s.to_ascii_lowercase().contains("inf") {
                        return Err(value_err(s, &DataType::Utf8, to, "out of range"));
                    }
                    b.append_value(x);
                }
                None => {
                    return Err(value_err(
                        s,
                        &DataType::Utf8,
                        to,
                        "expected decimal or scientific number text (DF-CAST-14)",
                    ));
                }
            },
        }
    }
    Ok(Arc::new(b.finish()))
}

/// The two float checks `str_to_float` needs, for f16 / f32 / f64.
mod num_like {
    pub trait Float: Copy {
        fn is_nan(self) -> bool;
        fn is_infinite(self) -> bool;
    }
    impl Float for half::f16 {
        fn is_nan(self) -> bool {
            half::f16::is_nan(self)
        }
        fn is_infinite(self) -> bool {
            half::f16::is_infinite(self)
        }
    }
    impl Float for f32 {
        fn is_nan(self) -> bool {
            f32::is_nan(self)
        }
        fn is_infinite(self) -> bool {
            f32::is_infinite(self)
        }
    }
    impl Float for f64 {
        fn is_nan(self) -> bool {
            f64::is_nan(self)
        }
        fn is_infinite(self) -> bool {
            f64::is_infinite(self)
        }
    }
}

fn str_to_date(array: &ArrayRef) -> Result<ArrayRef> {
    let a = strings(array)?;
    let mut b = PrimitiveBuilder::<Date32Type>::with_capacity(a.len());
    for v in a.iter() {
        match v {
            None => b.append_null(),
            Some(s) => match parse_date_lenient(s) {
                Some(d) => b.append_value(Date32Type::from_naive_date(d)),
                None => {
                    return Err(value_err(
                        s,
                        &DataType::Utf8,
                        &DataType::Date32,
                        "expected `YYYY-MM-DD` text (DF-CAST-15)",
                    ));
                }
            },
        }
    }
    Ok(Arc::new(b.finish()))
}

fn str_to_ts<T: ArrowTimestampType>(
    array: &ArrayRef,
    to: &DataType,
    tz: Option<&str>,
) -> Result<ArrayRef> {
    let a = strings(array)?;
    let zone: Option<Tz> = match tz {
        None => None,
        Some(z) => Some(resolve_zone(z, array.data_type(), to)?),
    };
    let mut b = PrimitiveBuilder::<T>::with_capacity(a.len()).with_timezone_opt(tz);
    for v in a.iter() {
        let Some(s) = v else {
            b.append_null();
            continue;
        };
        let (naive, offset) = parse_datetime(s).ok_or_else(|| {
            value_err(
                s,
                &DataType::Utf8,
                to,
                "expected `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` text (DF-CAST-16)",
            )
        })?;
        let stored = match (offset, zone.as_ref()) {
            (Some(off), _) => naive.checked_sub_offset(off),
            (None, None) => Some(naive),
            (None, Some(zone)) => {
                zone.from_local_datetime(&naive).earliest().map(|t| t.naive_utc())
            }
        };
        match stored.and_then(|n| T::from_naive_datetime(n, None)) {
            Some(x) => b.append_value(x),
            None => {
                return Err(value_err(
                    s,
                    &DataType::Utf8,
                    to,
                    "out of range, or not a valid local time in the zone",
                ));
            }
        }
    }
    Ok(Arc::new(b.finish()))
}

fn float_to_int<T>(doubles: &ArrayRef, from: &DataType, to: &DataType) -> Result<ArrayRef>
where
    T: ArrowPrimitiveType,
    T::Native: TryFrom<i128>,
{
    let a: &PrimitiveArray<Float64Type> =
        doubles.as_primitive_opt::<Float64Type>().ok_or_else(|| internal(doubles))?;
    let mut b = PrimitiveBuilder::<T>::with_capacity(a.len());
    for v in a.iter() {
        match v {
            None => b.append_null(),
            Some(x) if x.is_nan() => b.append_null(),
            Some(x) => {
                let t = x.trunc();
                let converted = if t.is_finite() && t.abs() < 1.0e38 {
                    T::Native::try_from(t as i128).ok()
                } else {
                    None
                };
                match converted {
                    Some(n) => b.append_value(n),
                    None => return Err(value_err(format_f64(x), from, to, "out of range")),
                }
            }
        }
    }
    Ok(Arc::new(b.finish()))
}

/// The zone `tz` of target type `to`, or `ERR-CAST` when it cannot be resolved.
fn resolve_zone(tz: &str, from: &DataType, to: &DataType) -> Result<Tz> {
    zone(tz).ok_or_else(|| {
        Error::cast(
            format!("column of type `{}`", type_text(from)),
            format!("`{}`", type_text(to)),
            format!(
                "unknown time zone `{tz}` (offsets such as `+02:00` and `UTC` are supported; \
                 named zones need Arrow's `chrono-tz` feature)"
            ),
        )
    })
}

/// Naive timestamps (already in the target unit) read as wall-clock time in
/// zone `tz` (DF-CAST-18).
fn localize<T: ArrowTimestampType>(naive: &ArrayRef, to: &DataType, tz: &str) -> Result<ArrayRef> {
    let zone = resolve_zone(tz, naive.data_type(), to)?;
    let a = naive.as_primitive_opt::<T>().ok_or_else(|| internal(naive))?;
    let mut b = PrimitiveBuilder::<T>::with_capacity(a.len()).with_timezone(tz);
    for v in a.iter() {
        let Some(raw) = v else {
            b.append_null();
            continue;
        };
        let utc = as_datetime::<T>(raw)
            .and_then(|local| zone.from_local_datetime(&local).earliest())
            .and_then(|t| T::from_naive_datetime(t.naive_utc(), None));
        match utc {
            Some(x) => b.append_value(x),
            None => {
                let shown = as_datetime::<T>(raw).map_or(raw.to_string(), |d| format_datetime(&d));
                return Err(value_err(
                    shown,
                    naive.data_type(),
                    to,
                    "not a valid local time in the zone, or out of range",
                ));
            }
        }
    }
    Ok(Arc::new(b.finish()))
}

/// The local dates of tz-aware timestamps (DF-CAST-17).
fn local_dates<T: ArrowTimestampType>(array: &ArrayRef, tz: &str) -> Result<ArrayRef> {
    let zone = resolve_zone(tz, array.data_type(), &DataType::Date32)?;
    let a = array.as_primitive_opt::<T>().ok_or_else(|| internal(array))?;
    let mut b = PrimitiveBuilder::<Date32Type>::with_capacity(a.len());
    for v in a.iter() {
        let Some(raw) = v else {
            b.append_null();
            continue;
        };
        let utc = as_datetime::<T>(raw).ok_or_else(|| {
            value_err(raw, array.data_type(), &DataType::Date32, "out of the calendar range")
        })?;
        b.append_value(Date32Type::from_naive_date(zone.from_utc_datetime(&utc).date_naive()));
    }
    Ok(Arc::new(b.finish()))
}
