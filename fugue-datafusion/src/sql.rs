//! `DataFusionSqlEngine`: SQL over frames of any engine (ENG-SQL-1..7).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::catalog::{MemTable, TableProvider};
use fugue_core::dataframe::{DataFrame, DataFrameRef, DataFrames};
use fugue_core::engine::{EngineRef, SqlEngine, SqlEngineRef, StructuredSql};
use fugue_core::{Error, Result};

use crate::engine::DataFusionExecutionEngine;
use crate::error::{DfResultExt, ENGINE};
use crate::frame::DataFusionDataFrame;

/// Makes registered table names unique per statement.
static STATEMENT: AtomicU64 = AtomicU64::new(0);

/// The DataFusion SQL engine (registered as SQL engine `datafusion`): runs
/// a [`StructuredSql`] statement with the frames of a [`DataFrames`]
/// collection registered as tables of the DataFusion session.
///
/// - Table references get collision-free names (`__fugue_sql_<n>_<key>`),
///   registered for planning only and removed right after (ENG-SQL-1); the
///   result is a lazy plan.
/// - DataFusion frames are registered as views of their plans; frames of
///   other engines as `MemTable`s over their Arrow batches (no copy of the
///   data for local frames).
/// - The SQL is DataFusion's dialect; no transpiling (ENG-SQL-2 allows it).
/// - The result schema is normalised (ENG-SQL-6). Bound to a DataFusion
///   engine, results are its frames; bound to another engine (e.g. the
///   native engine using this as its SQL facet), results are converted with
///   that engine's `to_df`.
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::engine::StructuredSql;
/// use fugue_core::{Conf, DataFrame, DataFrameRef, DataFrames, ExecutionEngine, LocalDataFrame, Value};
/// use fugue_datafusion::DataFusionExecutionEngine;
///
/// let engine = DataFusionExecutionEngine::new(Conf::new())?;
/// let rows = vec![vec![Value::from(1)], vec![Value::from(5)]];
/// let t: DataFrameRef = Arc::new(LocalDataFrame::from_rows(rows, "a:int")?);
/// let dfs = DataFrames::builder().push_named("t", t)?.build();
/// let sql = StructuredSql {
///     parts: vec![
///         fugue_core::engine::SqlPart::Text("SELECT a FROM".into()),
///         fugue_core::engine::SqlPart::Table("t".into()),
///         fugue_core::engine::SqlPart::Text("WHERE a > 2".into()),
///     ],
///     dialect: "spark".into(),
/// };
/// let out = engine.sql_engine()?.select(&dfs, &sql)?;
/// assert_eq!(out.count()?, 1);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Debug)]
pub struct DataFusionSqlEngine {
    /// The execution engine results belong to.
    bound: EngineRef,
    /// The DataFusion engine that plans and runs the SQL.
    runner: DataFusionExecutionEngine,
}

impl DataFusionSqlEngine {
    /// A SQL engine bound to `engine`: a DataFusion engine runs the SQL
    /// itself; any other engine gets a private DataFusion engine built from
    /// its conf, and results converted to its frames.
    ///
    /// # Errors
    /// As [`DataFusionExecutionEngine::new`].
    pub fn new(engine: EngineRef) -> Result<Self> {
        let runner = match engine.downcast_ref::<DataFusionExecutionEngine>() {
            Some(d) => d.clone(),
            None => DataFusionExecutionEngine::new(engine.conf().clone())?,
        };
        Ok(DataFusionSqlEngine { bound: engine, runner })
    }

    pub(crate) fn bound(engine: EngineRef, runner: DataFusionExecutionEngine) -> Self {
        DataFusionSqlEngine { bound: engine, runner }
    }

    /// The DataFusion engine that runs the statements.
    pub fn runner(&self) -> &DataFusionExecutionEngine {
        &self.runner
    }

    fn provider(&self, df: &DataFrameRef) -> Result<Arc<dyn TableProvider>> {
        if let Some(d) = df.downcast_ref::<DataFusionDataFrame>() {
            return Ok(d.to_native().into_view());
        }
        let local = df.as_local_bounded()?;
        let schema = Arc::clone(local.schema().arrow());
        Ok(Arc::new(MemTable::try_new(schema, vec![local.into_batches()]).fugue("register table")?))
    }
}

pub(crate) fn build_sql_engine(engine: EngineRef) -> Result<SqlEngineRef> {
    Ok(Arc::new(DataFusionSqlEngine::new(engine)?))
}

/// `key` reduced to `[a-z0-9_]` (DataFusion lower-cases unquoted names).
fn sanitize(key: &str) -> String {
    key.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect()
}

impl SqlEngine for DataFusionSqlEngine {
    fn name(&self) -> &str {
        ENGINE
    }

    fn select(&self, dfs: &DataFrames, statement: &StructuredSql) -> Result<DataFrameRef> {
        let ctx = self.runner.session_context().clone();
        let prefix = format!("__fugue_sql_{}_", STATEMENT.fetch_add(1, Ordering::Relaxed));
        let mut names: HashMap<String, String> = HashMap::new();
        let rendered = statement.render(|key| {
            if let Some(n) = names.get(key) {
                return Ok(n.clone());
            }
            let df = dfs.get(key).ok_or_else(|| Error::not_found("dataframe", key, dfs.keys()))?;
            let name = format!("{prefix}{}_{}", names.len(), sanitize(key));
            ctx.register_table(name.as_str(), self.provider(df)?).fugue("register table")?;
            names.insert(key.to_string(), name.clone());
            Ok(name)
        });
        let planned = match &rendered {
            Ok(sql) => {
                let sql = sql.clone();
                let ctx2 = ctx.clone();
                self.runner
                    .shared()
                    .runtime()
                    .block_on(async move { ctx2.sql(&sql).await.fugue("sql") })
            }
            Err(_) => Err(Error::internal("unreachable")),
        };
        // the plan holds the providers; the names are no longer needed
        for name in names.values() {
            let _ = ctx.deregister_table(name.as_str());
        }
        rendered?;
        let result = self.runner.from_datafusion(planned?)?;
        if self.bound.downcast_ref::<DataFusionExecutionEngine>().is_some() {
            Ok(result)
        } else {
            self.bound.to_df(&result)
        }
    }
}
