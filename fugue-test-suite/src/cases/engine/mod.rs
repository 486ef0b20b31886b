//! The execution-engine suite (CHECKLIST §1, E1–E42, plus cases of our own
//! for partition algorithms, errors and empty inputs): every operation of
//! the [`ExecutionEngine`](fugue_core::engine::ExecutionEngine) trait on the
//! target's engine. Case names are `engine/<area>/<case>`; the comment above
//! each case function names the Python test it translates (`E8`) or says
//! `own` for cases beyond the Python suite.
//!
//! Left out (no Rust API yet): the engine context of E2 / E42
//! (`engine_context`, `get_context_engine`, ENG-CTX-*) and the API-level
//! `as_fugue` switch of E42 (ENG-API-1); the engine's logger of E1; non-integer
//! `n` of E27 (the type system rejects it).

use std::sync::{Arc, Mutex};

use fugue_core::dataframe::{DataFrameExt, DataFrameRef};
use fugue_core::engine::{EngineRef, MapFn, map_fn};
use fugue_core::{Error, ErrorKind, LocalDataFrame, PartitionSpec, Result, Row, Schema, Value};

use crate::compare::{FrameEq, df_eq};
use crate::{Case, CaseResult, Ctx};

/// `case!("area/name", [rules], f)`: an engine case (`Need::Engine`);
/// `case!("area/name", [rules], needs = [Need::X], f)` adds needs.
macro_rules! case {
    ($name:literal, [$($rule:literal),* $(,)?], $f:expr) => {
        $crate::Case {
            name: concat!("engine/", $name),
            rules: &[$($rule),*],
            needs: &[$crate::Need::Engine],
            run: $f,
        }
    };
    ($name:literal, [$($rule:literal),* $(,)?], needs = [$($need:expr),*], $f:expr) => {
        $crate::Case {
            name: concat!("engine/", $name),
            rules: &[$($rule),*],
            needs: &[$crate::Need::Engine, $($need),*],
            run: $f,
        }
    };
}

mod clean;
mod errors;
mod io;
mod join;
mod map;
mod multiset;
mod partition;
mod registry;
mod rpc_http;
mod sample;
mod select;
mod setops;
mod sql;
mod sql_limits;
mod take;
mod to_df;
mod zip;

/// The cases of this group.
pub fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(to_df::cases());
    v.extend(select::cases());
    v.extend(map::cases());
    v.extend(partition::cases());
    v.extend(errors::cases());
    v.extend(join::cases());
    v.extend(setops::cases());
    v.extend(multiset::cases());
    v.extend(clean::cases());
    v.extend(sample::cases());
    v.extend(take::cases());
    v.extend(zip::cases());
    v.extend(io::cases());
    v.extend(sql::cases());
    v.extend(sql_limits::cases());
    v.extend(registry::cases());
    v.extend(rpc_http::cases());
    v
}

// ---------------------------------------------------------------------------
// Shared helpers of the engine cases
// ---------------------------------------------------------------------------

pub(crate) use crate::helpers::{N, b, check, d, dt, expect_kind, i, l, ok, s};

/// `df` equals `rows` under `schema`, row order ignored (DF-EQ).
fn eq(df: &DataFrameRef, rows: Vec<Row>, schema: &str, what: &str) -> CaseResult {
    df_eq(df.as_ref(), rows, schema, FrameEq::default()).map_err(|e| format!("{what}: {e}"))
}

/// `df` equals `rows` under `schema`, in order.
fn eq_ordered(df: &DataFrameRef, rows: Vec<Row>, schema: &str, what: &str) -> CaseResult {
    df_eq(df.as_ref(), rows, schema, FrameEq::ordered()).map_err(|e| format!("{what}: {e}"))
}

/// Two frames hold the same rows and schema (row order ignored).
fn same(a: &DataFrameRef, b: &DataFrameRef, what: &str) -> CaseResult {
    crate::compare::assert_df_eq(a.as_ref(), b.as_ref(), FrameEq::default())
        .map_err(|e| format!("{what}: {e}"))
}

/// True when the two frames hold the same rows and schema.
fn frames_equal(a: &DataFrameRef, b: &DataFrameRef) -> bool {
    crate::compare::assert_df_eq(a.as_ref(), b.as_ref(), FrameEq::default()).is_ok()
}

fn rows_of(df: &DataFrameRef) -> Result<Vec<Row>, String> {
    ok(df.as_array(None, false), "as_array")
}

fn count(df: &DataFrameRef) -> Result<usize, String> {
    ok(df.count(), "count")
}

fn schema(expr: &str) -> Result<Schema, String> {
    ok(Schema::parse(expr), "schema")
}

/// A partition spec from keys, a presort expression, a num expression and an
/// algorithm ("" for each = not set).
fn spec(by: &[&str], presort: &str, num: &str, algo: &str) -> Result<PartitionSpec, String> {
    let mut builder = PartitionSpec::builder();
    if !by.is_empty() {
        builder = builder.by(by.iter().map(|k| k.to_string()));
    }
    if !presort.is_empty() {
        builder = builder.presort(presort);
    }
    if !num.is_empty() {
        builder = builder.num_expr(num);
    }
    if !algo.is_empty() {
        builder = builder.algo(algo);
    }
    ok(builder.build(), "partition spec")
}

/// The identity map function.
fn noop() -> MapFn {
    map_fn(|_, df| Ok(df))
}

/// Python's `select_top`: the cursor's row (the first row of the logical
/// partition after sorting) as a one-row frame with the input schema.
fn select_top() -> MapFn {
    map_fn(|cursor, _| {
        LocalDataFrame::from_rows(
            vec![cursor.row()?.clone()],
            cursor.row_schema().to_string().as_str(),
        )
    })
}

/// What one map-function call saw.
#[derive(Debug, Clone)]
struct Call {
    physical: usize,
    logical: usize,
    keys: Vec<Value>,
    rows: Vec<Row>,
    first_row: Row,
}

/// A map function recording every call (cursor state and input rows) and
/// returning its input unchanged.
fn recorder(calls: Arc<Mutex<Vec<Call>>>) -> MapFn {
    map_fn(move |cursor, df| {
        let call = Call {
            physical: cursor.physical_partition_no(),
            logical: cursor.partition_no(),
            keys: cursor.key_value_array()?,
            rows: df.rows()?,
            first_row: cursor.row()?.clone(),
        };
        calls.lock().map_err(|_| Error::user("poisoned lock"))?.push(call);
        Ok(df)
    })
}

fn take_calls(calls: &Arc<Mutex<Vec<Call>>>) -> Result<Vec<Call>, String> {
    calls.lock().map(|c| c.clone()).map_err(|_| "poisoned lock".to_string())
}

fn engine(ctx: &Ctx) -> Result<&EngineRef, String> {
    ctx.engine()
}
