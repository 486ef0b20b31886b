//! Small helpers for writing conformance cases (also handy for a backend's
//! own extra cases): value shorthands, error-kind expectations and checks
//! that turn into readable failure messages.

use chrono::{NaiveDate, NaiveDateTime};
use fugue_core::{ErrorKind, Result, Value};

use crate::compare::{FrameEq, df_eq};
use crate::{CaseResult, Ctx};
use fugue_core::engine::EngineRef;
use fugue_core::{DataFrame, LocalDataFrame, Row};

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

/// The case's engine, cloned (API calls and workflow runs take it by value).
///
/// # Errors
/// When the case runs without an engine.
pub fn eng(ctx: &Ctx) -> std::result::Result<EngineRef, String> {
    ctx.engine().cloned()
}

/// A local frame from rows and a schema expression.
///
/// # Errors
/// The construction error, as text.
pub fn local(rows: Vec<Row>, schema: &str) -> std::result::Result<LocalDataFrame, String> {
    ok(LocalDataFrame::from_rows(rows, schema), "from_rows")
}

/// `k:str,v:long` with two keys: `a` (v 1, 3) and `b` (v 2).
///
/// # Errors
/// Never for this fixed data; the construction error otherwise.
pub fn kv() -> std::result::Result<LocalDataFrame, String> {
    local(vec![vec![s("a"), l(1)], vec![s("a"), l(3)], vec![s("b"), l(2)]], "k:str,v:long")
}

/// `df` equals `rows` under `schema`, row order ignored (DF-EQ).
///
/// # Errors
/// The difference, prefixed with `what`.
pub fn eq(df: &dyn DataFrame, rows: Vec<Row>, schema: &str, what: &str) -> CaseResult {
    df_eq(df, rows, schema, FrameEq::default()).map_err(|e| format!("{what}: {e}"))
}
