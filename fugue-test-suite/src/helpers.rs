//! Small helpers for writing conformance cases (also handy for a backend's
//! own extra cases): value shorthands, error-kind expectations and checks
//! that turn into readable failure messages.

use chrono::{NaiveDate, NaiveDateTime};
use fugue_core::{ErrorKind, Result, Value};

use crate::CaseResult;

/// `int` value.
pub fn i(v: i32) -> Value {
    Value::Int32(v)
}

/// `long` value.
pub fn l(v: i64) -> Value {
    Value::Int64(v)
}

/// `double` value.
pub fn d(v: f64) -> Value {
    Value::Float64(v)
}

/// `str` value.
pub fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

/// `bool` value.
pub fn b(v: bool) -> Value {
    Value::Bool(v)
}

/// The null value.
pub const N: Value = Value::Null;

/// A `date` value.
///
/// # Errors
/// A failure message for an impossible date.
pub fn date(y: i32, m: u32, day: u32) -> std::result::Result<Value, String> {
    NaiveDate::from_ymd_opt(y, m, day)
        .map(Value::Date)
        .ok_or_else(|| format!("bad date {y}-{m}-{day}"))
}

/// A `datetime` value from `YYYY-MM-DD HH:MM:SS[.f]`.
///
/// # Errors
/// A failure message for unparsable text.
pub fn dt(text: &str) -> std::result::Result<Value, String> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .map(Value::DateTime)
        .map_err(|e| format!("bad datetime `{text}`: {e}"))
}

/// `r`, or a failure message naming `what` and the error.
///
/// # Errors
/// The message when `r` is an error.
pub fn ok<T>(r: Result<T>, what: &str) -> std::result::Result<T, String> {
    r.map_err(|e| format!("{what}: {e}"))
}

/// Passes when `r` fails with `kind` (tests assert kinds, never messages).
///
/// # Errors
/// A message when `r` succeeds or fails with another kind.
pub fn expect_kind<T: std::fmt::Debug>(r: Result<T>, kind: ErrorKind, what: &str) -> CaseResult {
    match r {
        Err(e) if e.kind() == kind => Ok(()),
        Err(e) => Err(format!("{what}: expected {kind}, got {} ({e})", e.kind())),
        Ok(v) => Err(format!("{what}: expected {kind}, got Ok({v:?})")),
    }
}

/// Passes when `cond` holds.
///
/// # Errors
/// `msg()` when it does not.
pub fn check(cond: bool, msg: impl FnOnce() -> String) -> CaseResult {
    if cond { Ok(()) } else { Err(msg()) }
}
