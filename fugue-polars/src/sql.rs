//! `PolarsSqlEngine`: SELECT statements on polars-sql over frames of any
//! engine (ENG-SQL-1..7).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use fugue_core::dataframe::{DataFrameRef, DataFrames};
use fugue_core::engine::{EngineRef, SqlEngine, SqlEngineRef, StructuredSql};
use fugue_core::{Error, Result};
use polars::sql::SQLContext;

use crate::error::from_polars;
use crate::frame::PolarsDataFrame;

/// The Polars SQL engine, registered as SQL engine `polars` and the
/// default SQL facet of the Polars execution engine.
///
/// - Usable from any execution engine: each referenced frame becomes a
///   Polars lazy frame (a Polars frame as it is; any other frame through
///   the zero-copy Arrow bridge) registered under a collision-free table
///   name (`__fugue_<n>_<key>`), the statement is rendered with those names
///   (ENG-SQL-1) and run by polars-sql.
/// - The result is a lazy [`PolarsDataFrame`] (nothing runs until rows are
///   needed); its schema is Polars' result schema normalised per
///   SCH-TYPE-8 (ENG-SQL-6).
/// - Dialect: polars-sql's own (PostgreSQL-like); statements are not
///   transpiled (ENG-SQL-2 allows it), the `spark` label is accepted.
/// - No table storage (ENG-SQL-5 → `ERR-NOT-SUPPORTED`).
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::dataframe::{DataFrameRef, DataFrames};
/// use fugue_core::engine::{SqlEngine, SqlPart, StructuredSql};
/// use fugue_core::{DataFrame, LocalDataFrame, Value};
/// use fugue_polars::PolarsSqlEngine;
///
/// let df: DataFrameRef = Arc::new(LocalDataFrame::from_rows(
///     vec![vec![Value::from(1)], vec![Value::from(5)]], "a:int")?);
/// let dfs = DataFrames::named([("t", df)])?;
/// let sql = StructuredSql {
///     parts: vec![
///         SqlPart::Text("SELECT a * 2 AS b FROM".into()),
///         SqlPart::Table("t".into()),
///         SqlPart::Text("WHERE a > 1".into()),
///     ],
///     dialect: "spark".into(),
/// };
/// let out = PolarsSqlEngine::new().select(&dfs, &sql)?;
/// assert_eq!(out.count()?, 1);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct PolarsSqlEngine {
    _private: (),
}

impl PolarsSqlEngine {
    /// A new SQL engine (stateless).
    pub fn new() -> Self {
        PolarsSqlEngine { _private: () }
    }
}

/// The registry's constructor: the SQL engine needs nothing of the
/// execution engine (results are Polars frames, which every engine accepts).
pub(crate) fn build_sql_engine(_engine: EngineRef) -> Result<SqlEngineRef> {
    Ok(Arc::new(PolarsSqlEngine::new()))
}

/// A Polars lazy frame over any frame.
fn lazy_of(df: &DataFrameRef) -> Result<polars::prelude::LazyFrame> {
    if let Some(p) = df.downcast_ref::<PolarsDataFrame>() {
        return Ok(p.native());
    }
    Ok(PolarsDataFrame::from_local(&df.as_local_bounded()?)?.native())
}

fn table_name(key: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let clean: String =
        key.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("__fugue_{n}_{clean}")
}

impl SqlEngine for PolarsSqlEngine {
    fn name(&self) -> &str {
        "polars"
    }

    /// Runs `statement` over `dfs` (see the type docs).
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` for a referenced key missing from `dfs`; polars-sql
    /// errors (syntax, unknown columns or functions) as `ERR-EXECUTION`;
    /// `ERR-SCHEMA` when the result has a type outside the schema grammar.
    fn select(&self, dfs: &DataFrames, statement: &StructuredSql) -> Result<DataFrameRef> {
        // polars-sql parses and plans recursively, once per expression
        // level: on its own large stack a statement below the operator
        // limit of `StructuredSql` cannot overflow a small caller thread
        std::thread::scope(|scope| {
            match std::thread::Builder::new()
                .name("fugue-polars-sql".into())
                .stack_size(SQL_STACK_BYTES)
                .spawn_scoped(scope, || select_here(dfs, statement))
            {
                Ok(h) => h.join().unwrap_or_else(|_| {
                    Err(Error::internal("the polars SQL planning thread panicked"))
                }),
                Err(_) => select_here(dfs, statement),
            }
        })
    }
}

/// Stack of the thread that parses and plans a statement (address space
/// only).
const SQL_STACK_BYTES: usize = 64 << 20;

/// [`PolarsSqlEngine::select`] on the current thread.
fn select_here(dfs: &DataFrames, statement: &StructuredSql) -> Result<DataFrameRef> {
    {
        let mut ctx = SQLContext::new();
        let mut registered: Vec<(String, String)> = Vec::new();
        let sql = statement.render(|key| {
            if let Some((_, name)) = registered.iter().find(|(k, _)| k == key) {
                return Ok(name.clone());
            }
            let df = dfs.get(key).ok_or_else(|| Error::not_found("dataframe", key, dfs.keys()))?;
            let name = table_name(key);
            ctx.register(&name, lazy_of(df)?);
            registered.push((key.to_string(), name.clone()));
            Ok(name)
        })?;
        let lazy = ctx.execute(&sql).map_err(|e| from_polars(e, "sql select"))?;
        Ok(Arc::new(PolarsDataFrame::from_lazy_infer(lazy)?))
    }
}
