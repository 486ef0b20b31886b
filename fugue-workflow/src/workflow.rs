//! [`FugueWorkflow`]: building (WF-DAG), running (WF-RUN), identity (WF-ID),
//! checkpoints (WF-CKPT), yields (WF-YIELD), auto-persist (WF-AP) and
//! concurrency (WF-CONC).

use std::collections::{HashMap, HashSet};
use std::panic::Location;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use fugue_api::context::{EngineContextGuard, EngineLike, resolve_engine};
use fugue_api::like::{ConfLike, DataFrameLike};
use fugue_core::conf::{WORKFLOW_AUTO_PERSIST, WORKFLOW_CHECKPOINT_PATH, WORKFLOW_CONCURRENCY};
use fugue_core::dataframe::DataFrameRef;
use fugue_core::engine::{LoadOptions, SaveOptions};
use fugue_core::io::SaveMode;
use fugue_core::{Conf, Error, PartitionSpec, Result};
use indexmap::IndexMap;
use serde_json::{Value as Json, json};

use crate::frame::WorkflowDataFrame;
use crate::node::{Checkpoint, Exec, Node, NodeKind, RunCtx, hash_text, node_uuid};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// What a yield hands to the caller (WF-YIELD).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YieldKind {
    /// `yield_dataframe_as`: the frame, in the run result (WF-YIELD-1).
    DataFrame {
        /// Materialised as a local frame.
        as_local: bool,
    },
    /// `yield_file_as`: the node's permanent checkpoint file (WF-YIELD-3).
    File,
}

/// A yield of a workflow: its name, kind and, after a run, its value.
#[derive(Debug, Clone)]
pub struct Yield {
    pub(crate) name: String,
    pub(crate) node: usize,
    pub(crate) kind: YieldKind,
    /// The yield's identity (WF-YIELD-6): the producer's `spec_uuid` and,
    /// for files, the checkpoint namespace.
    pub(crate) id: String,
    pub(crate) frame: Arc<Mutex<Option<DataFrameRef>>>,
    pub(crate) path: Arc<Mutex<Option<String>>>,
}

impl Yield {
    /// The yield name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its kind.
    pub fn kind(&self) -> YieldKind {
        self.kind
    }

    /// The yielded frame after the producer ran (WF-YIELD-1).
    ///
    /// # Errors
    /// `ERR-ARG` before the producing workflow ran.
    pub fn result(&self) -> Result<DataFrameRef> {
        self.frame.lock().unwrap_or_else(PoisonError::into_inner).clone().ok_or_else(|| {
            Error::arg(
                &self.name,
                "the yield has no value yet: run the workflow that produces it first (WF-YIELD-1)",
            )
        })
    }

    /// The file of a file yield after the producer ran (WF-YIELD-3).
    pub fn path(&self) -> Option<String> {
        self.path.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// The result of [`FugueWorkflow::run`]: the dataframe yields by name
/// (WF-RUN-1, WF-YIELD-5).
#[derive(Debug, Clone, Default)]
pub struct WorkflowResult {
    frames: IndexMap<String, DataFrameRef>,
}

impl WorkflowResult {
    /// The frame yielded as `name`.
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` for a name that is not a dataframe yield.
    pub fn get(&self, name: &str) -> Result<&DataFrameRef> {
        self.frames.get(name).ok_or_else(|| Error::NotFound {
            what: "yield",
            name: name.to_string(),
            available: self.frames.keys().cloned().collect::<Vec<_>>().join(", "),
        })
    }

    /// Yield names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.frames.keys().map(String::as_str)
    }

    /// Number of dataframe yields.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// True when nothing was yielded as a dataframe.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }
}

#[derive(Default)]
pub(crate) struct State {
    pub nodes: Vec<Node>,
    pub results: HashMap<usize, DataFrameRef>,
    pub yields: IndexMap<String, Yield>,
    pub last: Option<usize>,
}

pub(crate) struct Inner {
    pub id: u64,
    pub conf: Conf,
    pub state: Mutex<State>,
    run_lock: Mutex<()>,
}

/// A lazy DAG of dataframe operations (WF-DAG-1..9): builder calls only
/// record nodes; [`run`](Self::run) executes them on any engine.
///
/// ```
/// # use fugue_native as _;
/// use fugue_workflow::FugueWorkflow;
/// use fugue_core::{LocalDataFrame, Value};
///
/// let dag = FugueWorkflow::new();
/// let a = dag.df(LocalDataFrame::from_rows(vec![vec![Value::from(1)], vec![Value::from(1)]], "a:int")?)?;
/// a.distinct()?.yield_dataframe_as("out", true)?;
/// let result = dag.run("native")?;
/// assert_eq!(fugue_api::api::count(result.get("out")?.clone())?, 1);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Clone)]
pub struct FugueWorkflow {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for FugueWorkflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FugueWorkflow").field("nodes", &self.state().nodes.len()).finish()
    }
}

impl Default for FugueWorkflow {
    fn default() -> Self {
        Self::new()
    }
}

impl FugueWorkflow {
    /// An empty workflow with the global conf defaults as its compile conf.
    pub fn new() -> Self {
        Self::with_conf_unchecked(Conf::new())
    }

    /// An empty workflow with `conf` over the global defaults as its compile
    /// conf (`fugue.workflow.concurrency`, `fugue.workflow.auto_persist`, ...;
    /// WF-CONC-1, WF-AP-1).
    ///
    /// # Errors
    /// Conf conversion errors.
    pub fn with_conf(conf: impl ConfLike) -> Result<Self> {
        let mut full = Conf::new();
        full.merge(&conf.into_conf()?);
        Ok(Self::with_conf_unchecked(full))
    }

    fn with_conf_unchecked(conf: Conf) -> Self {
        FugueWorkflow {
            inner: Arc::new(Inner {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                conf,
                state: Mutex::new(State::default()),
                run_lock: Mutex::new(()),
            }),
        }
    }

    /// The compile conf.
    pub fn conf(&self) -> &Conf {
        &self.inner.conf
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a node and returns a handle to it (WF-DAG-3: `_0`, `_1`, ...).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add(
        &self,
        kind: NodeKind,
        op: &'static str,
        label: String,
        ident: Json,
        inputs: &[&WorkflowDataFrame],
        input_names: Option<Vec<String>>,
        partition: Option<PartitionSpec>,
        exec: Exec,
        site: &'static Location<'static>,
    ) -> Result<WorkflowDataFrame> {
        for i in inputs {
            self.check_own(i)?;
        }
        let mut st = self.state();
        let idx = st.nodes.len();
        let node = Node {
            name: format!("_{idx}"),
            kind,
            op,
            label,
            ident,
            inputs: inputs.iter().map(|i| i.node).collect(),
            input_names,
            exec,
            checkpoint: None,
            explicit_checkpoint: false,
            broadcast: false,
            partition,
            site,
        };
        st.nodes.push(node);
        if kind != NodeKind::Output {
            st.last = Some(idx);
        }
        // WF-AP-1: a node consumed twice gets a weak checkpoint.
        if self.inner.conf.get(WORKFLOW_AUTO_PERSIST, false)? {
            let mut consumers: HashMap<usize, usize> = HashMap::new();
            for n in &st.nodes {
                for &j in &n.inputs {
                    *consumers.entry(j).or_default() += 1;
                }
            }
            for (j, c) in consumers {
                if c > 1 && !st.nodes[j].explicit_checkpoint {
                    st.nodes[j].checkpoint =
                        Some(Checkpoint::Weak { lazy: false, options: Conf::empty() });
                }
            }
        }
        drop(st);
        Ok(WorkflowDataFrame { wf: self.clone(), node: idx, hint: None })
    }

    /// `ERR-WF-COMPILE` for a handle of another workflow (WF-DAG-6).
    pub(crate) fn check_own(&self, df: &WorkflowDataFrame) -> Result<()> {
        if df.wf.inner.id != self.inner.id {
            return Err(Error::wf_compile(
                "the dataframe belongs to another workflow; use a yield to pass data between workflows (WF-DAG-6, WF-YIELD-2)",
            ));
        }
        Ok(())
    }

    /// The identity of node `i` (WF-ID).
    pub(crate) fn node_uuid(&self, i: usize) -> String {
        let st = self.state();
        node_uuid(&st.nodes, i, &mut Vec::new())
    }

    /// True when `self` and `other` are handles of the same workflow (clones
    /// share one DAG), as opposed to two workflows with equal nodes, which
    /// [`spec_uuid`](Self::spec_uuid) compares.
    ///
    /// ```
    /// use fugue_workflow::FugueWorkflow;
    /// let a = FugueWorkflow::new();
    /// assert!(a.ptr_eq(&a.clone()));
    /// assert!(!a.ptr_eq(&FugueWorkflow::new()));
    /// ```
    pub fn ptr_eq(&self, other: &FugueWorkflow) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The workflow identity (WF-RUN-8, WF-ID-1): a hash of every node's
    /// identity in insertion order.
    pub fn spec_uuid(&self) -> String {
        let st = self.state();
        let mut memo = Vec::new();
        let ids: Vec<String> =
            (0..st.nodes.len()).map(|i| node_uuid(&st.nodes, i, &mut memo)).collect();
        hash_text(&ids.join(","))
    }

    /// Every yield (dataframe and file) by name (WF-RUN-8, WF-YIELD-5).
    pub fn yields(&self) -> IndexMap<String, Yield> {
        self.state().yields.clone()
    }

    /// The yield named `name`.
    ///
    /// # Errors
    /// `ERR-NOT-FOUND`.
    pub fn get_yield(&self, name: &str) -> Result<Yield> {
        let st = self.state();
        st.yields.get(name).cloned().ok_or_else(|| Error::NotFound {
            what: "yield",
            name: name.to_string(),
            available: st.yields.keys().cloned().collect::<Vec<_>>().join(", "),
        })
    }

    /// The last created or processed handle (WF-RUN-8).
    pub fn last_df(&self) -> Option<WorkflowDataFrame> {
        let last = self.state().last;
        last.map(|node| WorkflowDataFrame { wf: self.clone(), node, hint: None })
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.state().nodes.len()
    }

    /// True when no node was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs every node on `engine` (a name, an `EngineRef`, `(name, conf)`,
    /// or `None::<&str>` for the context/global/default engine; WF-RUN-1..8)
    /// and returns the dataframe yields. The engine is the context engine
    /// while nodes run. Runs of one workflow are serialised (WF-RUN-6).
    ///
    /// # Errors
    /// The first failing node's error, with its kind, wrapped in
    /// [`Error::InNode`] naming the node and its call site (WF-EXC-1).
    pub fn run<E: EngineLike>(&self, engine: E) -> Result<WorkflowResult> {
        self.run_with_conf(engine, Conf::empty())
    }

    /// [`run`](Self::run) with `conf` used to build an engine given by name
    /// (WF-RUN-1: merged into the engine's conf).
    ///
    /// An engine *instance* keeps its own conf, so `conf` does not reach it;
    /// the workflow's run keys in `conf` — `fugue.workflow.checkpoint.path`
    /// (WF-CKPT-4) — are read from `conf` first and from the engine's conf
    /// second, so they apply to instances too.
    ///
    /// # Errors
    /// As [`run`](Self::run).
    pub fn run_with_conf<E: EngineLike>(
        &self,
        engine: E,
        conf: impl ConfLike,
    ) -> Result<WorkflowResult> {
        let conf = conf.into_conf()?;
        let run_ckpt: Option<String> = conf.get_or_none::<String>(WORKFLOW_CHECKPOINT_PATH)?;
        let _serial = self.inner.run_lock.lock().unwrap_or_else(PoisonError::into_inner);
        let engine = resolve_engine(engine, Some(conf))?;
        let _context = EngineContextGuard::enter(engine.clone())?;
        let (nodes, yields) = {
            let mut st = self.state();
            st.results.clear();
            (st.nodes.clone(), st.yields.clone())
        };
        let ckpt_base: Option<String> = match run_ckpt {
            Some(p) => Some(p),
            None => engine.conf().get_or_none::<String>(WORKFLOW_CHECKPOINT_PATH)?,
        }
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
        let exec_id = random_id();
        let temp = TempFolder(ckpt_base.as_ref().map(|b| Path::new(b).join(&exec_id)));
        let mut memo = Vec::new();
        let uuids: Vec<String> =
            (0..nodes.len()).map(|i| node_uuid(&nodes, i, &mut memo)).collect();
        let plan =
            Plan { nodes: &nodes, uuids: &uuids, ckpt_base: ckpt_base.as_deref(), temp: &temp };
        let needed = plan.needed_nodes(&yields);
        let ctx = RunCtx { engine: engine.clone() };
        let concurrency: i64 = self.inner.conf.get(WORKFLOW_CONCURRENCY, 1i64)?;
        let results = if concurrency <= 1 {
            plan.run_serial(&ctx, &needed)?
        } else {
            plan.run_parallel(&ctx, &needed, concurrency as usize)?
        };
        // yields
        let mut out = WorkflowResult::default();
        for (name, y) in &yields {
            match y.kind {
                YieldKind::DataFrame { as_local } => {
                    let df = results.get(&y.node).cloned().ok_or_else(|| {
                        Error::internal(format!("the producer of yield `{name}` has no result"))
                    })?;
                    // A lazy engine raises the producer's errors only when
                    // the frame is materialised: name the producer (WF-EXC-1).
                    let df: DataFrameRef = if as_local {
                        let node = &nodes[y.node];
                        Arc::new(df.as_local_bounded().map_err(|e| Error::InNode {
                            node: node.name.clone(),
                            what: node.what(),
                            site: node.site(),
                            source: Box::new(e),
                        })?)
                    } else {
                        df
                    };
                    *y.frame.lock().unwrap_or_else(PoisonError::into_inner) = Some(df.clone());
                    out.frames.insert(name.clone(), df);
                }
                YieldKind::File => {
                    let path = plan.deterministic_path(y.node);
                    *y.path.lock().unwrap_or_else(PoisonError::into_inner) =
                        path.map(|p| p.to_string_lossy().into_owned());
                }
            }
        }
        self.state().results = results;
        Ok(out)
    }

    /// The cached output of a node after a successful run (WF-RUN-4).
    pub(crate) fn result_of(&self, node: usize) -> Result<DataFrameRef> {
        self.state().results.get(&node).cloned().ok_or_else(|| {
            Error::Workflow(
                "the dataframe is not computed: run the workflow first (WF-RUN-4)".into(),
            )
        })
    }

    /// Adds a Create node over in-memory data (WF-DAG-6, WF-OPS-26). The
    /// content is not part of identity (WF-ID-3) unless
    /// [`df_with_determiner`](Self::df_with_determiner) gives one.
    ///
    /// # Errors
    /// None at build time beyond the workflow's own checks.
    #[track_caller]
    pub fn df<D>(&self, data: D) -> Result<WorkflowDataFrame>
    where
        D: DataFrameLike + Clone + Send + Sync + 'static,
    {
        self.df_inner(data, Json::Null, Location::caller())
    }

    /// [`df`](Self::df) whose identity includes `determiner` (WF-ID-3
    /// `data_determiner`): use a content hash or version string.
    ///
    /// # Errors
    /// As [`df`](Self::df).
    #[track_caller]
    pub fn df_with_determiner<D>(&self, data: D, determiner: &str) -> Result<WorkflowDataFrame>
    where
        D: DataFrameLike + Clone + Send + Sync + 'static,
    {
        self.df_inner(data, Json::String(determiner.to_string()), Location::caller())
    }

    fn df_inner<D>(
        &self,
        data: D,
        det: Json,
        site: &'static Location<'static>,
    ) -> Result<WorkflowDataFrame>
    where
        D: DataFrameLike + Clone + Send + Sync + 'static,
    {
        // WF-ID-3: the content is not identity, the schema given with it is.
        let schema = data.known_schema().map(|s| s.to_string());
        let exec: Exec =
            Arc::new(move |ctx, _| Ok(Some(data.clone().into_fugue(ctx.engine.as_ref())?)));
        self.add(
            NodeKind::Create,
            "df",
            String::new(),
            json!({ "data": det, "schema": schema }),
            &[],
            None,
            None,
            exec,
            site,
        )
    }

    /// Adds a Create node that reads a yield of another workflow when this
    /// one runs (WF-YIELD-2, ENG-YIELD-1); the yield's producer must have run.
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn df_from_yield(&self, y: &Yield) -> Result<WorkflowDataFrame> {
        let y2 = y.clone();
        let exec: Exec = Arc::new(move |ctx, _| match y2.kind {
            YieldKind::DataFrame { .. } => Ok(Some(ctx.engine.to_df(&y2.result()?)?)),
            YieldKind::File => {
                let path = y2.path().ok_or_else(|| {
                    Error::arg(
                        &y2.name,
                        "the file yield has no file yet: run its workflow first (WF-YIELD-2)",
                    )
                })?;
                Ok(Some(ctx.engine.load_df(&[path.as_str()], &LoadOptions::default())?))
            }
        });
        self.add(
            NodeKind::Create,
            "df",
            format!("yield {}", y.name),
            json!({ "yield": y.id }),
            &[],
            None,
            None,
            exec,
            Location::caller(),
        )
    }

    /// Adds a Create node that loads files (WF-OPS-24, ENG-IO).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn load(&self, path: impl Into<String>) -> Result<WorkflowDataFrame> {
        self.load_with(path, LoadOptions::default())
    }

    /// [`load`](Self::load) with options (format, columns, format options).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn load_with(
        &self,
        path: impl Into<String>,
        options: LoadOptions,
    ) -> Result<WorkflowDataFrame> {
        let path = path.into();
        let ident = json!({
            "path": path,
            "format": options.format_hint,
            "columns": format!("{:?}", options.columns),
        });
        let p = path.clone();
        let exec: Exec =
            Arc::new(move |ctx, _| Ok(Some(ctx.engine.load_df(&[p.as_str()], &options)?)));
        self.add(NodeKind::Create, "load", path, ident, &[], None, None, exec, Location::caller())
    }

    /// Loads several paths in order and concatenates them (WF-OPS-24,
    /// ENG-IO-3); one path is the same node as [`load_with`](Self::load_with).
    ///
    /// # Errors
    /// `ERR-ARG` for an empty path list.
    #[track_caller]
    pub fn load_paths_with(
        &self,
        paths: &[String],
        options: LoadOptions,
    ) -> Result<WorkflowDataFrame> {
        match paths {
            [] => Err(Error::arg("paths", "load needs at least one path (ENG-IO-3)")),
            [one] => self.load_with(one.clone(), options),
            _ => {
                let ident = json!({
                    "paths": paths,
                    "format": options.format_hint,
                    "columns": format!("{:?}", options.columns),
                });
                let ps = paths.to_vec();
                let exec: Exec = Arc::new(move |ctx, _| {
                    let refs: Vec<&str> = ps.iter().map(String::as_str).collect();
                    Ok(Some(ctx.engine.load_df(&refs, &options)?))
                });
                let label = paths.join(",");
                self.add(
                    NodeKind::Create,
                    "load",
                    label,
                    ident,
                    &[],
                    None,
                    None,
                    exec,
                    Location::caller(),
                )
            }
        }
    }
}

fn random_id() -> String {
    use rand::{RngCore, SeedableRng};
    let mut b = [0u8; 16];
    rand::rngs::StdRng::from_os_rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The per-run temp folder of strong checkpoints, removed at the end, also
/// after a failure (WF-CKPT-5); problems are logged, not raised.
struct TempFolder(Option<PathBuf>);

impl Drop for TempFolder {
    fn drop(&mut self) {
        if let Some(p) = &self.0
            && p.exists()
            && let Err(e) = std::fs::remove_dir_all(p)
        {
            tracing::warn!("cannot remove the checkpoint folder `{}`: {e}", p.display());
        }
    }
}

struct Plan<'a> {
    nodes: &'a [Node],
    uuids: &'a [String],
    ckpt_base: Option<&'a str>,
    temp: &'a TempFolder,
}

impl Plan<'_> {
    fn deterministic_path(&self, i: usize) -> Option<PathBuf> {
        match (&self.nodes[i].checkpoint, self.ckpt_base) {
            (Some(Checkpoint::Deterministic { namespace, .. }), Some(base)) => {
                let id =
                    hash_text(&format!("{}|{}", self.uuids[i], namespace.as_deref().unwrap_or("")));
                Some(Path::new(base).join(format!("{id}.parquet")))
            }
            _ => None,
        }
    }

    fn has_reusable_checkpoint(&self, i: usize) -> bool {
        self.deterministic_path(i).is_some_and(|p| p.exists())
    }

    /// Nodes that must execute (WF-RUN-2, WF-CKPT-3): everything, except
    /// nodes whose every consumer is served by an existing deterministic
    /// checkpoint (or is itself skipped); outputs and leaves always run.
    fn needed_nodes(&self, yields: &IndexMap<String, Yield>) -> Vec<bool> {
        let n = self.nodes.len();
        let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, node) in self.nodes.iter().enumerate() {
            for &j in &node.inputs {
                consumers[j].push(i);
            }
        }
        let yielded: HashSet<usize> = yields.values().map(|y| y.node).collect();
        let mut needed = vec![false; n];
        for i in (0..n).rev() {
            let node = &self.nodes[i];
            needed[i] = node.kind == NodeKind::Output
                || consumers[i].is_empty()
                || yielded.contains(&i)
                || consumers[i].iter().any(|&c| needed[c] && !self.has_reusable_checkpoint(c));
        }
        needed
    }

    fn exec_node(
        &self,
        ctx: &RunCtx,
        i: usize,
        inputs: Vec<DataFrameRef>,
    ) -> Result<Option<DataFrameRef>> {
        let node = &self.nodes[i];
        let wrap = |e: Error| Error::InNode {
            node: node.name.clone(),
            what: node.what(),
            site: node.site(),
            source: Box::new(e),
        };
        if let Some(path) = self.deterministic_path(i)
            && path.exists()
        {
            tracing::debug!("{}: reusing the checkpoint {}", node.name, path.display());
            return self.load_checkpoint(ctx, &path).map(Some).map_err(wrap);
        }
        let out = (node.exec)(ctx, inputs).map_err(wrap)?;
        let Some(mut out) = out else { return Ok(None) };
        if node.broadcast {
            out = ctx.engine.broadcast(&out).map_err(wrap)?;
        }
        out = self.apply_checkpoint(ctx, i, out).map_err(wrap)?;
        Ok(Some(out))
    }

    fn load_checkpoint(&self, ctx: &RunCtx, path: &Path) -> Result<DataFrameRef> {
        let p = path.to_string_lossy();
        let options = LoadOptions { format_hint: Some("parquet".into()), ..LoadOptions::default() };
        ctx.engine.load_df(&[p.as_ref()], &options)
    }

    /// WF-CKPT-2: the output passes through the node's checkpoint.
    fn apply_checkpoint(&self, ctx: &RunCtx, i: usize, out: DataFrameRef) -> Result<DataFrameRef> {
        match &self.nodes[i].checkpoint {
            None => Ok(out),
            Some(Checkpoint::Weak { lazy, options }) if options.is_empty() => {
                ctx.engine.persist(&out, *lazy)
            }
            Some(Checkpoint::Weak { lazy, options }) => {
                ctx.engine.persist_with(&out, *lazy, options)
            }
            Some(Checkpoint::Strong { partition, single }) => {
                let folder = self.temp.0.as_ref().ok_or_else(|| {
                    Error::wf_runtime(format!(
                        "a checkpoint needs the conf `{WORKFLOW_CHECKPOINT_PATH}` (WF-CKPT-4)"
                    ))
                })?;
                std::fs::create_dir_all(folder).map_err(|e| Error::io(folder.display(), e))?;
                let path = folder.join(format!("{}.parquet", self.uuids[i]));
                self.write_atomically(ctx, &out, &path, partition.as_ref(), *single)?;
                self.load_checkpoint(ctx, &path)
            }
            Some(Checkpoint::Deterministic { partition, single, .. }) => {
                let path = self.deterministic_path(i).ok_or_else(|| {
                    Error::wf_runtime(format!(
                        "a deterministic checkpoint needs the conf `{WORKFLOW_CHECKPOINT_PATH}` (WF-CKPT-4)"
                    ))
                })?;
                if !path.exists() {
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
                    }
                    self.write_atomically(ctx, &out, &path, partition.as_ref(), *single)?;
                }
                self.load_checkpoint(ctx, &path)
            }
        }
    }

    /// Writes to a temp name beside `path`, then renames: a crash never
    /// leaves a file at `path` that a later run takes for a complete
    /// checkpoint (loaders skip hidden `.`-names).
    fn write_atomically(
        &self,
        ctx: &RunCtx,
        df: &DataFrameRef,
        path: &Path,
        partition: Option<&PartitionSpec>,
        single: bool,
    ) -> Result<()> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", random_id()));
        let options = SaveOptions {
            format_hint: Some("parquet".into()),
            mode: SaveMode::Overwrite,
            partition_spec: partition.cloned().unwrap_or_default(),
            force_single: single,
            ..SaveOptions::default()
        };
        let tmp_text = tmp.to_string_lossy().into_owned();
        ctx.engine.save_df(df, &tmp_text, &options)?;
        match std::fs::rename(&tmp, path) {
            Ok(()) => Ok(()),
            // Another process published the same deterministic checkpoint
            // first: keep theirs.
            Err(_) if path.exists() => {
                let _ = std::fs::remove_dir_all(&tmp).or_else(|_| std::fs::remove_file(&tmp));
                Ok(())
            }
            Err(e) => Err(Error::io(path.display(), e)),
        }
    }

    fn inputs_of(
        &self,
        i: usize,
        results: &HashMap<usize, DataFrameRef>,
    ) -> Result<Vec<DataFrameRef>> {
        self.nodes[i]
            .inputs
            .iter()
            .map(|j| {
                results.get(j).cloned().ok_or_else(|| {
                    Error::wf_runtime(format!(
                        "node `{}` needs the output of `{}`, which produced none (an output node cannot feed another node)",
                        self.nodes[i].name, self.nodes[*j].name
                    ))
                })
            })
            .collect()
    }

    fn run_serial(&self, ctx: &RunCtx, needed: &[bool]) -> Result<HashMap<usize, DataFrameRef>> {
        let mut results = HashMap::new();
        for (i, _) in needed.iter().enumerate().filter(|(_, n)| **n) {
            let inputs = if self.has_reusable_checkpoint(i) {
                Vec::new()
            } else {
                self.inputs_of(i, &results)?
            };
            if let Some(out) = self.exec_node(ctx, i, inputs)? {
                results.insert(i, out);
            }
        }
        Ok(results)
    }

    /// WF-CONC-2: up to `workers` nodes whose inputs are ready run at once;
    /// the first failure stops new work and is the error returned.
    fn run_parallel(
        &self,
        ctx: &RunCtx,
        needed: &[bool],
        workers: usize,
    ) -> Result<HashMap<usize, DataFrameRef>> {
        let n = self.nodes.len();
        let state =
            Mutex::new((HashMap::<usize, DataFrameRef>::new(), vec![false; n], vec![false; n]));
        let failed: Mutex<Option<Error>> = Mutex::new(None);
        let abort = AtomicBool::new(false);
        let cv = std::sync::Condvar::new();
        let deps_done = |i: usize, done: &[bool]| {
            self.has_reusable_checkpoint(i) || self.nodes[i].inputs.iter().all(|&j| done[j])
        };
        std::thread::scope(|scope| {
            for _ in 0..workers.min(n.max(1)) {
                scope.spawn(|| {
                    let _guard = EngineContextGuard::enter(ctx.engine.clone());
                    loop {
                        let next = {
                            let mut st = state.lock().unwrap_or_else(PoisonError::into_inner);
                            loop {
                                if abort.load(Ordering::SeqCst) {
                                    break None;
                                }
                                let (results, started, done) = &mut *st;
                                let pick = (0..n)
                                    .find(|&i| needed[i] && !started[i] && deps_done(i, done));
                                if let Some(i) = pick {
                                    started[i] = true;
                                    let inputs = if self.has_reusable_checkpoint(i) {
                                        Ok(Vec::new())
                                    } else {
                                        self.inputs_of(i, results)
                                    };
                                    break Some((i, inputs));
                                }
                                if (0..n).all(|i| !needed[i] || done[i]) {
                                    break None;
                                }
                                st = cv.wait(st).unwrap_or_else(PoisonError::into_inner);
                            }
                        };
                        let Some((i, inputs)) = next else {
                            cv.notify_all();
                            return;
                        };
                        let outcome = inputs.and_then(|inp| self.exec_node(ctx, i, inp));
                        let mut st = state.lock().unwrap_or_else(PoisonError::into_inner);
                        match outcome {
                            Ok(out) => {
                                if let Some(out) = out {
                                    st.0.insert(i, out);
                                }
                                st.2[i] = true;
                            }
                            Err(e) => {
                                let mut f = failed.lock().unwrap_or_else(PoisonError::into_inner);
                                if f.is_none() {
                                    *f = Some(e);
                                }
                                abort.store(true, Ordering::SeqCst);
                                // mark done so waiting workers wake and exit
                                st.2[i] = true;
                            }
                        }
                        drop(st);
                        cv.notify_all();
                    }
                });
            }
        });
        if let Some(e) = failed.into_inner().unwrap_or_else(PoisonError::into_inner) {
            return Err(e);
        }
        Ok(state.into_inner().unwrap_or_else(PoisonError::into_inner).0)
    }
}

/// A fresh random checkpoint namespace (WF-YIELD-3).
pub(crate) fn random_namespace() -> String {
    random_id()
}
