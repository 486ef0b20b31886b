//! `Value` and `Row`: single values for the rows-in / rows-out paths
//! (`to_df` from rows, `peek`, `show`, `as_array`), never for hot paths.
//!
//! Rules: DF-VAL-* (ingestion), DF-OUT-* (values returned to callers).

use chrono::{NaiveDate, NaiveDateTime};

/// One cell value. The variant follows the column type (DF-OUT-1): an `int`
/// column gives [`Value::Int32`], a `double` column [`Value::Float64`] even
/// when the number is whole, and missing values are always [`Value::Null`]
/// (DF-OUT-2, never NaN).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A missing value (SQL null).
    Null,
    /// `bool`.
    Bool(bool),
    /// `byte` (int8).
    Int8(i8),
    /// `short` (int16).
    Int16(i16),
    /// `int` (int32).
    Int32(i32),
    /// `long` (int64).
    Int64(i64),
    /// `ubyte` (uint8).
    UInt8(u8),
    /// `ushort` (uint16).
    UInt16(u16),
    /// `uint` (uint32).
    UInt32(u32),
    /// `ulong` (uint64).
    UInt64(u64),
    /// `float16`.
    Float16(half::f16),
    /// `float` (float32).
    Float32(f32),
    /// `double` (float64).
    Float64(f64),
    /// `decimal(p,s)`: the unscaled integer plus precision and scale
    /// (`Decimal { value: 1234, precision: 10, scale: 2 }` is 12.34).
    Decimal {
        /// Unscaled value.
        value: i128,
        /// Total number of digits.
        precision: u8,
        /// Digits after the decimal point.
        scale: i8,
    },
    /// `str`.
    Str(String),
    /// `bytes`.
    Binary(Vec<u8>),
    /// `date`: a calendar date.
    Date(NaiveDate),
    /// `datetime` (a timestamp without zone, any unit): a naive date-time.
    DateTime(NaiveDateTime),
    /// `timestamp(unit,tz)`: the instant as a UTC naive date-time plus the zone name.
    TimestampTz {
        /// The instant, in UTC.
        utc: NaiveDateTime,
        /// The zone as written in the Arrow type (e.g. `UTC`, `+02:00`, `Europe/Paris`).
        tz: String,
    },
    /// `[T]`: the elements in order.
    List(Vec<Value>),
    /// `{a:T,...}`: (field name, value) in schema order.
    Struct(Vec<(String, Value)>),
    /// `<K,V>`: (key, value) entries in their stored order.
    Map(Vec<(Value, Value)>),
}

/// One row: values in schema order.
pub type Row = Vec<Value>;

impl Value {
    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int32(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int64(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float64(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Binary(v)
    }
}
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Value::Date(v)
    }
}
impl From<NaiveDateTime> for Value {
    fn from(v: NaiveDateTime) -> Self {
        Value::DateTime(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
