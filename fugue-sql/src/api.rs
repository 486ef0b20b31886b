//! The FugueSQL builder API (FSQL-API-1..4): [`fsql`], [`FugueSql`],
//! [`FugueSqlWorkflow`] and [`Binding`].

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex, PoisonError};

use fugue_api::context::EngineLike;
use fugue_api::like::{ConfLike, DataFrameLike};
use fugue_core::conf::SQL_COMPILE_IGNORE_CASE;
use fugue_core::{Conf, DataFrameRef, Error, LocalDataFrame, Result};
use fugue_workflow::{FugueWorkflow, WorkflowDataFrame, WorkflowResult, Yield};
use serde_json::{Map, Value as Json};

use crate::compile::{Compiled, Var, compile_with};
use crate::parser::ParseOptions;

/// A dataframe bound by name to a script (FSQL-SCOPE-8, FSQL-API-4). It
/// becomes a node of the workflow at its first reference in the script
/// (an unreferenced binding adds nothing).
#[derive(Clone)]
pub enum Binding {
    /// Any Fugue dataframe: a Create node (`dag.df(frame)`, WF-DAG-6).
    Frame(DataFrameRef),
    /// A handle of the same workflow, used as is (FSQL-API-2). A handle of
    /// another workflow is ERR-FSQL when referenced.
    Handle(WorkflowDataFrame),
    /// A yield of another workflow's run, loaded when this workflow runs
    /// (`dag.df_from_yield`, FSQL-SCOPE-9, WF-YIELD-2).
    Yield(Yield),
    /// Any other dataframe-like input (Arrow record batches, engine-native
    /// frames): a Create node (`dag.df(x)`). Made by [`Binding::data`].
    Data(DataMaker),
}

/// Adds the Create node of a [`Binding::Data`] to a workflow.
pub type DataMaker = Arc<dyn Fn(&FugueWorkflow) -> Result<WorkflowDataFrame> + Send + Sync>;

impl Binding {
    /// A binding for any dataframe-like input `x` (`DataFrameLike`: Arrow
    /// record batches, Polars/DataFusion frames with their features, ...):
    /// it becomes `dag.df(x)` at its first reference (FSQL-SCOPE-8).
    pub fn data<D>(x: D) -> Binding
    where
        D: DataFrameLike + Clone + Send + Sync + 'static,
    {
        Binding::Data(Arc::new(move |dag: &FugueWorkflow| dag.df(x.clone())))
    }
}

impl std::fmt::Debug for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Binding::Frame(df) => write!(f, "Frame({})", df.schema()),
            Binding::Handle(h) => write!(f, "Handle({})", h.name()),
            Binding::Yield(y) => write!(f, "Yield({})", y.name()),
            Binding::Data(_) => f.write_str("Data"),
        }
    }
}

impl From<DataFrameRef> for Binding {
    fn from(df: DataFrameRef) -> Self {
        Binding::Frame(df)
    }
}

impl From<&DataFrameRef> for Binding {
    fn from(df: &DataFrameRef) -> Self {
        Binding::Frame(df.clone())
    }
}

impl From<LocalDataFrame> for Binding {
    fn from(df: LocalDataFrame) -> Self {
        Binding::Frame(Arc::new(df))
    }
}

impl From<WorkflowDataFrame> for Binding {
    fn from(h: WorkflowDataFrame) -> Self {
        Binding::Handle(h)
    }
}

impl From<&WorkflowDataFrame> for Binding {
    fn from(h: &WorkflowDataFrame) -> Self {
        Binding::Handle(h.clone())
    }
}

impl From<Yield> for Binding {
    fn from(y: Yield) -> Self {
        Binding::Yield(y)
    }
}

impl From<&Yield> for Binding {
    fn from(y: &Yield) -> Self {
        Binding::Yield(y.clone())
    }
}

/// A workflow that FugueSQL scripts compile into (FSQL-API-2, Py
/// `FugueSQLWorkflow`): it dereferences to [`FugueWorkflow`], so builder
/// calls and scripts can be mixed, and it keeps the variables assigned by
/// its scripts for later scripts (FSQL-SCOPE-10). Clones share both.
///
/// ```
/// # use fugue_native as _;
/// # use fugue_datafusion as _;
/// let dag = fugue_sql::FugueSqlWorkflow::new();
/// dag.sql("b = CREATE [[0]] SCHEMA a:int").compile()?;
/// dag.sql("SELECT * FROM b YIELD DATAFRAME AS out").compile()?;
/// let result = dag.run("native")?;
/// assert_eq!(fugue_api::api::count(result.get("out")?.clone())?, 1);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct FugueSqlWorkflow {
    dag: FugueWorkflow,
    vars: Arc<Mutex<HashMap<String, Var>>>,
}

impl std::fmt::Debug for FugueSqlWorkflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FugueSqlWorkflow")
            .field("dag", &self.dag)
            .field("variables", &self.variable_names())
            .finish()
    }
}

impl Deref for FugueSqlWorkflow {
    type Target = FugueWorkflow;
    fn deref(&self) -> &FugueWorkflow {
        &self.dag
    }
}

impl FugueSqlWorkflow {
    /// An empty workflow with the global conf defaults as compile conf.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty workflow with `conf` over the global defaults as its compile
    /// conf (e.g. `fugue.workflow.concurrency`,
    /// `fugue.sql.compile.ignore_case`).
    ///
    /// # Errors
    /// Conf conversion errors.
    pub fn with_conf(conf: impl ConfLike) -> Result<Self> {
        Ok(FugueSqlWorkflow { dag: FugueWorkflow::with_conf(conf)?, vars: Arc::default() })
    }

    /// Wraps an existing workflow (no retained variables).
    pub fn from_workflow(dag: FugueWorkflow) -> Self {
        FugueSqlWorkflow { dag, vars: Arc::default() }
    }

    /// The underlying workflow.
    pub fn workflow(&self) -> &FugueWorkflow {
        &self.dag
    }

    /// The underlying workflow, by value.
    pub fn into_workflow(self) -> FugueWorkflow {
        self.dag
    }

    /// A builder for `script` compiling into this workflow (FSQL-API-1):
    /// it sees the variables retained from earlier scripts, and starts with
    /// no last dataframe (FSQL-SCOPE-2, FSQL-EX-74).
    pub fn sql(&self, script: impl Into<String>) -> FugueSql {
        let mut b = fsql(script);
        b.target = Some(self.clone());
        b
    }

    /// The frame retained as `name` by an earlier script (FSQL-SCOPE-10);
    /// `None` also for a retained collection (a SUB result, which later
    /// scripts see as well).
    pub fn variable(&self, name: &str) -> Option<WorkflowDataFrame> {
        match self.lock().get(name) {
            Some(Var::Frame(d)) => Some(d.clone()),
            _ => None,
        }
    }

    /// Names of the retained variables (frames and collections), sorted.
    pub fn variable_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.lock().keys().cloned().collect();
        v.sort();
        v
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Var>> {
        self.vars.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A FugueSQL script with its bindings (FSQL-API-1), made by [`fsql`] or
/// [`FugueSqlWorkflow::sql`].
///
/// - `.param(name, value)`: a template value (FSQL-TPL-1); dataframes are
///   never template values.
/// - `.dataframe(name, frame)`: a dataframe binding ([`Binding`],
///   FSQL-SCOPE-8); binding a name again replaces the earlier binding.
/// - `.ignore_case(bool)`, `.conf(key, value)`: compile settings.
#[derive(Debug, Clone)]
#[must_use]
pub struct FugueSql {
    script: String,
    params: Map<String, Json>,
    frames: Vec<(String, Binding)>,
    ignore_case: Option<bool>,
    conf: Conf,
    target: Option<FugueSqlWorkflow>,
}

/// Starts a FugueSQL builder for `script` (FSQL-API-1).
///
/// ```
/// # use fugue_native as _;
/// # use fugue_datafusion as _;
/// use fugue_core::{LocalDataFrame, Value};
/// let t = LocalDataFrame::from_rows(
///     vec![vec![Value::from(0i64)], vec![Value::from(1i64)], vec![Value::from(2i64)]],
///     "a:long",
/// )?;
/// let top = fugue_sql::fsql("SELECT * FROM t WHERE a > {{x}}")
///     .param("x", 0)
///     .dataframe("t", t)
///     .run_last("native")?;
/// assert_eq!(fugue_api::api::count(top)?, 2);
/// # Ok::<(), fugue_core::Error>(())
/// ```
pub fn fsql(script: impl Into<String>) -> FugueSql {
    FugueSql {
        script: script.into(),
        params: Map::new(),
        frames: Vec::new(),
        ignore_case: None,
        conf: Conf::empty(),
        target: None,
    }
}

impl FugueSql {
    /// Binds the template value `name` (FSQL-TPL-1/4).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Json>) -> Self {
        self.params.insert(name.into(), value.into());
        self
    }

    /// Binds several template values.
    pub fn params<K, V>(mut self, values: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<Json>,
    {
        for (k, v) in values {
            self.params.insert(k.into(), v.into());
        }
        self
    }

    /// Binds a dataframe as `name` (FSQL-SCOPE-8): a Fugue frame
    /// ([`DataFrameRef`], [`LocalDataFrame`]), a handle of the same workflow,
    /// a [`Yield`] of another run, or [`Binding::data`] for any other
    /// dataframe-like input.
    pub fn dataframe(mut self, name: impl Into<String>, frame: impl Into<Binding>) -> Self {
        let name = name.into();
        self.frames.retain(|(k, _)| *k != name);
        self.frames.push((name, frame.into()));
        self
    }

    /// `fugue.sql.compile.ignore_case` for this script (FSQL-LEX-4); by
    /// default the workflow's compile conf decides.
    pub fn ignore_case(mut self, on: bool) -> Self {
        self.ignore_case = Some(on);
        self
    }

    /// A compile-conf entry of the new workflow (`fugue.workflow.*`,
    /// `fugue.sql.compile.*`). A builder bound to an existing workflow
    /// cannot change its conf (ERR-ARG at compile).
    pub fn conf(mut self, key: impl Into<String>, value: impl Into<Json>) -> Self {
        self.conf.set(key, value);
        self
    }

    /// Renders, parses and compiles the script (FSQL-GEN-1 phases 2-4) into
    /// a new workflow, or the one of [`FugueSqlWorkflow::sql`]; nothing runs.
    ///
    /// # Errors
    /// `ERR-FSQL-TEMPLATE` (FSQL-TPL-6), `ERR-FSQL-SYNTAX`, `ERR-FSQL`
    /// (unknown names, no previous dataframe, a handle of another workflow),
    /// the builder calls' own errors; `ERR-ARG` for `.conf` on a bound
    /// builder.
    pub fn compile(self) -> Result<FugueSqlWorkflow> {
        self.compile_last().map(|(wf, _)| wf)
    }

    fn compile_last(self) -> Result<(FugueSqlWorkflow, Option<WorkflowDataFrame>)> {
        let wf = match self.target {
            Some(wf) => {
                if let Some(k) = self.conf.to_json().as_object().and_then(|m| m.keys().next()) {
                    return Err(Error::arg(
                        k,
                        "the compile conf of an existing workflow cannot change: pass it to \
                         FugueSqlWorkflow::with_conf",
                    ));
                }
                wf
            }
            None => FugueSqlWorkflow::with_conf(self.conf)?,
        };
        let ignore_case = match self.ignore_case {
            Some(b) => b,
            None => wf.conf().get(SQL_COMPILE_IGNORE_CASE, false)?,
        };
        let text = crate::template::render(&self.script, &self.params)?;
        let retained = wf.lock().clone();
        let Compiled { vars, last } =
            compile_with(&wf, &text, &ParseOptions { ignore_case }, retained, self.frames)?;
        *wf.lock() = vars;
        Ok((wf, last))
    }

    /// Compiles and runs on `engine` (ENG-CTX-1); returns every dataframe
    /// yield (WF-YIELD).
    ///
    /// # Errors
    /// As [`compile`](Self::compile), then the run's errors (WF-EXC-1).
    pub fn run<E: EngineLike>(self, engine: E) -> Result<WorkflowResult> {
        self.compile()?.run(engine)
    }

    /// [`run`](Self::run) with a run conf (WF-RUN-1), e.g.
    /// `fugue.workflow.checkpoint.path`.
    ///
    /// # Errors
    /// As [`run`](Self::run).
    pub fn run_with_conf<E: EngineLike>(
        self,
        engine: E,
        conf: impl ConfLike,
    ) -> Result<WorkflowResult> {
        self.compile()?.run_with_conf(engine, conf)
    }

    /// The simple API (FSQL-API-3, Py `fugue_sql`): compiles, yields the
    /// final last dataframe as `result` (replacing a yield of that name),
    /// runs and returns it.
    ///
    /// # Errors
    /// `ERR-FSQL` when the script leaves no last dataframe; as
    /// [`run`](Self::run).
    pub fn run_last<E: EngineLike>(self, engine: E) -> Result<DataFrameRef> {
        self.run_last_with(engine, Conf::empty(), false)
    }

    /// [`run_last`](Self::run_last) with a run conf and `as_local`
    /// (materialise the result as a local frame).
    ///
    /// # Errors
    /// As [`run_last`](Self::run_last).
    pub fn run_last_with<E: EngineLike>(
        self,
        engine: E,
        conf: impl ConfLike,
        as_local: bool,
    ) -> Result<DataFrameRef> {
        let (wf, last) = self.compile_last()?;
        let last = last.ok_or_else(|| {
            Error::fsql(
                "the script leaves no last dataframe to return (FSQL-API-3): end it with a \
                 statement that produces a dataframe",
            )
        })?;
        last.yield_dataframe_as("result", as_local)?;
        wf.run_with_conf(engine, conf)?.get("result").cloned()
    }
}
