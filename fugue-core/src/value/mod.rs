//! `Value` and `Row`: single values for the rows-in / rows-out paths
//! (`to_df` from rows, `peek`, `show`, `as_array`), never for hot paths;
//! plus the column casts of `alter_columns` ([`cast_array`]).
//!
//! | item | rules |
//! |---|---|
//! | [`rows_to_batch`] | DF-VAL-1..12 (ingestion of rows) |
//! | [`value_at`], [`row_at`], [`batch_rows`] | DF-OUT-1, DF-OUT-2 (values returned to callers) |
//! | [`cast_array`] | DF-CAST-1..19 (columnar casts, no `Value` boxing) |
//! | [`Value`]'s `Display` | DF-SHOW-3 (cell text of `show`) |
//! | [`Value::total_cmp`], [`Value::approx_eq`] | DF-EQ-4, DF-EQ-5 (test-suite frame comparison) |

pub(crate) mod cast;
mod cmp;
pub(crate) mod ingest;
pub(crate) mod output;
mod text;

// backend-only: public through `crate::spi::value`
pub(crate) use cast::cast_array;
pub(crate) use ingest::rows_to_batch;
pub(crate) use output::{batch_rows, row_at, value_at};

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

    /// The schema-expression name of the variant, for error messages:
    /// `null`, `bool`, `byte`, `short`, `int`, `long`, `ubyte`, `ushort`,
    /// `uint`, `ulong`, `float16`, `float`, `double`, `decimal(p,s)`, `str`,
    /// `bytes`, `date`, `datetime`, `timestamp(tz)`, `list`, `struct`, `map`.
    pub fn type_name(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int8(_) => "byte".into(),
            Value::Int16(_) => "short".into(),
            Value::Int32(_) => "int".into(),
            Value::Int64(_) => "long".into(),
            Value::UInt8(_) => "ubyte".into(),
            Value::UInt16(_) => "ushort".into(),
            Value::UInt32(_) => "uint".into(),
            Value::UInt64(_) => "ulong".into(),
            Value::Float16(_) => "float16".into(),
            Value::Float32(_) => "float".into(),
            Value::Float64(_) => "double".into(),
            Value::Decimal { precision, scale, .. } => format!("decimal({precision},{scale})"),
            Value::Str(_) => "str".into(),
            Value::Binary(_) => "bytes".into(),
            Value::Date(_) => "date".into(),
            Value::DateTime(_) => "datetime".into(),
            Value::TimestampTz { tz, .. } => format!("timestamp({tz})"),
            Value::List(_) => "list".into(),
            Value::Struct(_) => "struct".into(),
            Value::Map(_) => "map".into(),
        }
    }

    /// The value as JSON, e.g. for metadata or debugging output.
    ///
    /// Null → `null`; bool and integers → JSON booleans / numbers; finite
    /// floats → numbers, NaN and ±infinity → `null` (JSON has no such
    /// numbers); decimals → strings with their scale (`"12.34"`, exact);
    /// text → string; bytes → `"0x..."` hex string; dates and datetimes →
    /// their display text (`"2020-01-02"`, `"2020-01-02 03:04:05"`,
    /// `"2020-01-02 05:04:05+02:00"`); lists → arrays; structs → objects in
    /// field order; maps → arrays of `[key, value]` pairs in entry order
    /// (keys need not be strings).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        let float = |f: f64| serde_json::Number::from_f64(f).map_or(J::Null, J::Number);
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int8(v) => J::from(*v),
            Value::Int16(v) => J::from(*v),
            Value::Int32(v) => J::from(*v),
            Value::Int64(v) => J::from(*v),
            Value::UInt8(v) => J::from(*v),
            Value::UInt16(v) => J::from(*v),
            Value::UInt32(v) => J::from(*v),
            Value::UInt64(v) => J::from(*v),
            Value::Float16(v) => float(v.to_f64()),
            Value::Float32(v) => float(f64::from(*v)),
            Value::Float64(v) => float(*v),
            Value::Decimal { .. }
            | Value::Str(_)
            | Value::Binary(_)
            | Value::Date(_)
            | Value::DateTime(_)
            | Value::TimestampTz { .. } => match self {
                Value::Str(s) => J::String(s.clone()),
                other => J::String(other.to_string()),
            },
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Struct(fields) => {
                J::Object(fields.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
            Value::Map(entries) => J::Array(
                entries.iter().map(|(k, v)| J::Array(vec![k.to_json(), v.to_json()])).collect(),
            ),
        }
    }
}

/// The natural cell text used by `show` (DF-SHOW-3):
///
/// | value | text |
/// |---|---|
/// | null | `NULL` |
/// | bool | `true` / `false` |
/// | integers | decimal digits |
/// | floats | shortest text that parses back, whole numbers keep `.0` (`1.0`, `0.1`, `1e300`, `inf`, `NaN`) |
/// | decimal | digits with the scale (`12.34`, `-0.05`) |
/// | str | as is (also inside nested values, unquoted) |
/// | bytes | `0x` + lower-case hex (`0x0aff`) |
/// | date | `YYYY-MM-DD` |
/// | datetime | `YYYY-MM-DD HH:MM:SS`, plus `.ffffff` when the sub-second part is non-zero (9 digits for sub-microsecond values) |
/// | timestamp with zone | wall-clock time in the zone plus offset (`2021-01-01 02:00:00+02:00`); if the zone cannot be resolved, the UTC time plus `Z` |
/// | list | `[1,2]` |
/// | struct | `{a:1,b:x}` |
/// | map | `{k1:v1,k2:v2}` |
///
/// ```
/// use fugue_core::value::Value;
/// let v = Value::Struct(vec![("a".into(), Value::Int32(1)), ("b".into(), Value::Null)]);
/// assert_eq!(v.to_string(), "{a:1,b:NULL}");
/// assert_eq!(Value::Float64(1.0).to_string(), "1.0");
/// ```
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int8(v) => write!(f, "{v}"),
            Value::Int16(v) => write!(f, "{v}"),
            Value::Int32(v) => write!(f, "{v}"),
            Value::Int64(v) => write!(f, "{v}"),
            Value::UInt8(v) => write!(f, "{v}"),
            Value::UInt16(v) => write!(f, "{v}"),
            Value::UInt32(v) => write!(f, "{v}"),
            Value::UInt64(v) => write!(f, "{v}"),
            Value::Float16(v) => f.write_str(&text::format_f32(v.to_f32())),
            Value::Float32(v) => f.write_str(&text::format_f32(*v)),
            Value::Float64(v) => f.write_str(&text::format_f64(*v)),
            Value::Decimal { value, scale, .. } => {
                f.write_str(&text::format_decimal(*value, *scale))
            }
            Value::Str(s) => f.write_str(s),
            Value::Binary(b) => f.write_str(&text::format_hex(b)),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::DateTime(dt) => f.write_str(&text::format_datetime(dt)),
            Value::TimestampTz { utc, tz } => f.write_str(&text::format_tz(utc, tz)),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Struct(fields) => {
                f.write_str("{")?;
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{k}:{v}")?;
                }
                f.write_str("}")
            }
            Value::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{k}:{v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<i8> for Value {
    fn from(v: i8) -> Self {
        Value::Int8(v)
    }
}
impl From<i16> for Value {
    fn from(v: i16) -> Self {
        Value::Int16(v)
    }
}
impl From<u8> for Value {
    fn from(v: u8) -> Self {
        Value::UInt8(v)
    }
}
impl From<u16> for Value {
    fn from(v: u16) -> Self {
        Value::UInt16(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::UInt32(v)
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::UInt64(v)
    }
}
impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::Float32(v)
    }
}
impl From<half::f16> for Value {
    fn from(v: half::f16) -> Self {
        Value::Float16(v)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::List(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Binary(v.to_vec())
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

#[cfg(test)]
mod tests;
