//! # fugue-test-suite
//!
//! The conformance suite of fugue-rs: every case once, each citing the spec
//! rules it checks (`ENG-JOIN-3`, `DF-OP-13`, ...). A backend runs the whole
//! suite with one line in its `tests/conformance.rs` (with `harness = false`
//! for that test target in its `Cargo.toml`):
//!
//! ```ignore
//! fugue_test_suite::main!("native", fugue_native::NativeExecutionEngine::for_tests);
//! ```
//!
//! A case the backend cannot do yet is listed, visibly, with a reason:
//!
//! ```ignore
//! fugue_test_suite::main!("polars", fugue_polars::PolarsExecutionEngine::for_tests,
//!     not_implemented = [("engine/take/na_position_first", "needs polars nulls_last per column")]);
//! ```
//!
//! Listed cases still run: a failure is reported as ignored with the reason,
//! and a pass fails the run ("remove it from the not-implemented list"), so
//! the list can only shrink. Cases that need a capability the engine lacks
//! (`Capabilities`) are reported as ignored with the missing capability.
//! Nothing is skipped in silence; the support matrix is printed at the end.
//!
//! Groups: `dataframe/`, `engine/`, `api/`, `workflow/` and `fsql/` (the
//! FugueSQL examples FSQL-EX-1..78 of spec/FUGUESQL.md §7, compiled by
//! `fugue-sql` and run on the case's engine; cases with a SELECT need a
//! SQL facet).
//!
//! The suite crate itself runs the engine-independent cases (schema,
//! dataframe, partition spec, conf) against the core's local frames.
#![deny(missing_docs)]

pub mod cases;
pub mod compare;
pub mod helpers;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::sync::Arc;

use fugue_core::dataframe::DataFrameRef;
use fugue_core::engine::{Capabilities, EngineRef};
use fugue_core::{LocalDataFrame, Row};

pub use compare::{FrameEq, assert_df_eq, df_eq};

/// What a case needs beyond the required operation set. Optional features
/// that a case can check either way (`Capabilities::save_append`,
/// `table_storage`, `distributed`) are read by the case itself, which
/// checks the supported behaviour or the ERR-NOT-SUPPORTED answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// An execution engine (engine cases cannot run on bare local frames).
    Engine,
    /// A SQL facet (ENG-SQL-7): `Capabilities::sql`.
    Sql,
}

/// The outcome of a case: `Err` carries a readable failure message.
pub type CaseResult = Result<(), String>;

/// One conformance case: a plain function over a [`Ctx`], with the spec
/// rules it checks and what it needs.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// `group/name`, e.g. `dataframe/rename_invalid`.
    pub name: &'static str,
    /// The spec rule ids it checks.
    pub rules: &'static [&'static str],
    /// What it needs.
    pub needs: &'static [Need],
    /// The check.
    pub run: fn(&Ctx) -> CaseResult,
}

/// What a case runs against: an engine, or (for the engine-independent
/// cases) the core's local frames.
#[derive(Clone)]
pub struct Ctx {
    engine: Option<EngineRef>,
}

impl Ctx {
    /// A context over the core's local frames (no engine).
    pub fn local() -> Self {
        Ctx { engine: None }
    }

    /// A context over `engine`.
    pub fn with_engine(engine: EngineRef) -> Self {
        Ctx { engine: Some(engine) }
    }

    /// The engine, for engine cases.
    ///
    /// # Errors
    /// A failure message when the context has no engine.
    pub fn engine(&self) -> Result<&EngineRef, String> {
        self.engine.as_ref().ok_or_else(|| "this case needs an execution engine".to_string())
    }

    /// A frame from rows and a schema expression: a local frame, or the
    /// engine's frame made with `to_df` (ENG-TODF-3).
    ///
    /// # Errors
    /// A failure message naming the error.
    pub fn df(&self, rows: Vec<Row>, schema: &str) -> Result<DataFrameRef, String> {
        let local: DataFrameRef =
            Arc::new(LocalDataFrame::from_rows(rows, schema).map_err(|e| format!("to_df: {e}"))?);
        match &self.engine {
            None => Ok(local),
            Some(e) => e.to_df(&local).map_err(|e| format!("to_df: {e}")),
        }
    }

    fn capabilities(&self) -> Option<Capabilities> {
        self.engine.as_ref().map(|e| e.capabilities())
    }

    /// The first need of `case` this context does not meet, as a reason.
    pub fn unmet(&self, case: &Case) -> Option<String> {
        for need in case.needs {
            let caps = self.capabilities();
            let met = match (need, caps) {
                (Need::Engine, caps) => caps.is_some(),
                (Need::Sql, Some(c)) => c.sql,
                (_, None) => false,
            };
            if !met {
                return Some(format!("needs {need:?}, which this target lacks"));
            }
        }
        None
    }
}

/// Every case of the suite, in a stable order.
pub fn all_cases() -> Vec<Case> {
    cases::all()
}

fn run_case(case: &Case, ctx: &Ctx) -> CaseResult {
    match catch_unwind(AssertUnwindSafe(|| (case.run)(ctx))) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into());
            Err(format!("panicked: {msg}"))
        }
    }
}

/// Runs the whole suite as `libtest-mimic` trials (one visible test per
/// case) and prints the support matrix. `factory` builds a fresh engine per
/// case; `None` runs the engine-independent cases on local frames and
/// reports engine cases as needing an engine. `not_implemented` lists
/// (case name, reason) pairs for this backend.
pub fn run_main(
    target: &str,
    factory: Option<fn() -> fugue_core::Result<EngineRef>>,
    not_implemented: &[(&str, &str)],
) -> ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let cases = all_cases();
    let mut problems = Vec::new();
    for (name, _) in not_implemented {
        if !cases.iter().any(|c| c.name == *name) {
            problems.push(format!("not-implemented list names unknown case `{name}`"));
        }
    }
    let mut matrix = Vec::new();
    let mut trials = Vec::new();
    for case in cases {
        let ni = not_implemented.iter().find(|(n, _)| *n == case.name).map(|(_, r)| r.to_string());
        let status = match (&ni, case.needs.contains(&Need::Engine) && factory.is_none()) {
            (Some(r), _) => format!("not implemented ({r})"),
            (None, true) => "needs an engine".to_string(),
            _ => "run".to_string(),
        };
        matrix.push((case.name, status));
        let trial = libtest_mimic::Trial::ignorable_test(case.name, move || {
            let ctx = match factory {
                Some(f) => {
                    Ctx::with_engine(f().map_err(|e| format!("engine factory failed: {e}"))?)
                }
                None => Ctx::local(),
            };
            if let Some(reason) = ctx.unmet(&case) {
                return Ok(libtest_mimic::Completion::ignored_with(reason));
            }
            match (run_case(&case, &ctx), ni) {
                (Ok(()), None) => Ok(libtest_mimic::Completion::Completed),
                (Err(e), None) => Err(format!("{e}\n  rules: {}", case.rules.join(", ")).into()),
                (Ok(()), Some(_)) => Err(format!(
                    "`{}` is listed as not implemented but passes: remove it from the list",
                    case.name
                )
                .into()),
                (Err(e), Some(reason)) => Ok(libtest_mimic::Completion::ignored_with(format!(
                    "not implemented: {reason} (fails with: {e})"
                ))),
            }
        });
        trials.push(trial);
    }
    let conclusion = libtest_mimic::run(&args, trials);
    let not_run: Vec<_> = matrix.iter().filter(|(_, s)| s != "run").collect();
    eprintln!(
        "\nsupport matrix for `{target}`: {} cases, {} not run here",
        matrix.len(),
        not_run.len()
    );
    for (name, status) in not_run {
        eprintln!("  {name}: {status}");
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    if !problems.is_empty() {
        return ExitCode::FAILURE;
    }
    conclusion.exit_code()
}

/// Expands to a `main` that runs the whole suite for a backend:
/// `fugue_test_suite::main!("native", factory)` or with
/// `not_implemented = [("case/name", "reason"), ...]`. `factory` is a
/// `fn() -> fugue_core::Result<EngineRef>` giving a fresh engine.
#[macro_export]
macro_rules! main {
    ($target:expr, $factory:expr) => {
        $crate::main!($target, $factory, not_implemented = []);
    };
    ($target:expr, $factory:expr, not_implemented = [$(($case:expr, $why:expr)),* $(,)?]) => {
        fn main() -> ::std::process::ExitCode {
            $crate::run_main($target, Some($factory), &[$(($case, $why)),*])
        }
    };
}
