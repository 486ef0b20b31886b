//! The programming-model suite (issue 11 item 6): the functional API of
//! `fugue-api` (`transform`, `out_transform`, `cotransform`, `process`,
//! `output`, `create`, joins, set operations, `raw_sql`, ...), extensions
//! as closures and trait values, validation rules, the registry by name,
//! callbacks to the driver, the engine context and the global engine, and
//! x-like inputs (WORKFLOW.md §5, §6, §9, §11; ENGINE.md §18, §20;
//! CHECKLIST B39–B44).
//!
//! Every call names the case's engine (`.engine(engine.clone())`, or an
//! [`engine_context`](fugue_api::engine_context) for the calls that take
//! the context engine), so cases stay independent when they run in
//! parallel: engine contexts are per thread (ENG-CTX-2). The only case
//! that touches process-wide state (the global engine, ENG-CTX-3) is
//! `api/context/global_engine`, and it restores it.
//!
//! Case names are `api/<area>/<case>`.

use fugue_core::dataframe::DataFrame;
use fugue_core::engine::EngineRef;
use fugue_core::{Error, ErrorKind, LocalDataFrame, Result, Row, Value};

use crate::compare::{FrameEq, df_eq};
use crate::{Case, CaseResult, Ctx};

/// `case!("area/name", [rules], f)`: a programming-model case (`Need::Engine`);
/// `case!("area/name", [rules], needs = [Need::X], f)` adds needs.
macro_rules! case {
    ($name:literal, [$($rule:literal),* $(,)?], $f:expr) => {
        $crate::Case {
            name: concat!("api/", $name),
            rules: &[$($rule),*],
            needs: &[$crate::Need::Engine],
            run: $f,
        }
    };
    ($name:literal, [$($rule:literal),* $(,)?], needs = [$($need:expr),*], $f:expr) => {
        $crate::Case {
            name: concat!("api/", $name),
            rules: &[$($rule),*],
            needs: &[$crate::Need::Engine, $($need),*],
            run: $f,
        }
    };
}

mod callbacks;
mod context;
mod cotransform;
mod extensions;
mod functions;
mod registry;
mod transform;
mod validation;
mod xlike;

/// The cases of this group.
pub fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(transform::cases());
    v.extend(validation::cases());
    v.extend(cotransform::cases());
    v.extend(extensions::cases());
    v.extend(registry::cases());
    v.extend(callbacks::cases());
    v.extend(context::cases());
    v.extend(xlike::cases());
    v.extend(functions::cases());
    v
}

// ---------------------------------------------------------------------------
// Shared helpers of the API cases
// ---------------------------------------------------------------------------

pub(crate) use crate::helpers::{N, check, eng, eq, expect_kind, i, kv, l, local, ok, s};

/// `df` equals `rows` under `schema`, in order.
fn eq_ordered(df: &dyn DataFrame, rows: Vec<Row>, schema: &str, what: &str) -> CaseResult {
    df_eq(df, rows, schema, FrameEq::ordered()).map_err(|e| format!("{what}: {e}"))
}

/// The fugue error an `ERR-USER` error wraps (its source), if any.
fn user_source(e: &Error) -> Option<&Error> {
    std::error::Error::source(e).and_then(|s| s.downcast_ref::<Error>())
}

/// Passes when `r` fails with `kind`, either directly or as the source of
/// the `ERR-USER` the map machinery wraps errors raised inside a map
/// function in (ENG-MAP-9: the original error is kept as the source).
fn expect_kind_or_source<T: std::fmt::Debug>(
    r: Result<T>,
    kind: ErrorKind,
    what: &str,
) -> CaseResult {
    match r {
        Err(e) if e.kind() == kind => Ok(()),
        Err(e) if e.kind() == ErrorKind::User && user_source(&e).map(Error::kind) == Some(kind) => {
            Ok(())
        }
        Err(e) => Err(format!(
            "{what}: expected {kind} (or ERR-USER wrapping it), got {} ({e})",
            e.kind()
        )),
        Ok(v) => Err(format!("{what}: expected {kind}, got Ok({v:?})")),
    }
}

/// Passes when `r` fails with `kind` and its message contains every one of
/// `parts`.
fn expect_kind_with<T: std::fmt::Debug>(
    r: Result<T>,
    kind: ErrorKind,
    parts: &[&str],
    what: &str,
) -> CaseResult {
    match r {
        Err(e) if e.kind() == kind => {
            let text = e.to_string();
            match parts.iter().find(|p| !text.contains(**p)) {
                None => Ok(()),
                Some(p) => {
                    Err(format!("{what}: the {kind} message `{text}` does not contain `{p}`"))
                }
            }
        }
        Err(e) => Err(format!("{what}: expected {kind}, got {} ({e})", e.kind())),
        Ok(v) => Err(format!("{what}: expected {kind}, got Ok({v:?})")),
    }
}

/// The `i64` in `v` (`long` or `int` values).
fn as_i64(v: &Value) -> Result<i64> {
    match v {
        Value::Int64(x) => Ok(*x),
        Value::Int32(x) => Ok(i64::from(*x)),
        other => Err(Error::user(format!("expected an integer, got {other:?}"))),
    }
}

/// The text in `v`.
fn as_str(v: &Value) -> Result<String> {
    match v {
        Value::Str(x) => Ok(x.clone()),
        other => Err(Error::user(format!("expected a string, got {other:?}"))),
    }
}

/// A poisoned-lock error as a user error.
fn poisoned<T>(_: T) -> Error {
    Error::user("poisoned lock")
}
