//! Modules: registered functions that add nodes to a workflow (a reusable
//! sub-DAG, Py `@module`; FugueSQL `SUB ... USING name`, FSQL-STMT-SUB-1..3).
//!
//! A module declares an input shape ([`InputShape`]: none, one frame,
//! several frames, a collection) and an output shape ([`OutputShape`]:
//! none, one frame, a collection). It receives the workflow, its inputs
//! ([`ModuleInput`]) and its params, and returns the frames it produced
//! ([`ModuleOutput`]).
//!
//! Modules live here, not in `fugue-api` with the other extension kinds,
//! because they take a [`FugueWorkflow`] and `fugue-api` cannot depend on
//! this crate. The registry has the same two layers as
//! `fugue_api::registry`: [`register_module!`](crate::register_module) at
//! link time (`inventory`; two link-time modules with one name are an
//! error for every lookup of that name) and [`register_module`] at run
//! time (wins over a link-time entry). Lookups of unknown names are
//! `ERR-WF-INTERFACELESS` with close registered names (FSQL-RUST-REG-5).
//!
//! ```
//! # use fugue_native as _;
//! use fugue_core::conf::OnDup;
//! use fugue_core::{LocalDataFrame, Value};
//! use fugue_workflow::FugueWorkflow;
//! use fugue_workflow::module::{
//!     InputShape, ModuleInput, ModuleOutput, OutputShape, module, module_by_name,
//!     register_module,
//! };
//!
//! // One frame in, one frame out: the first row.
//! let first = module(InputShape::One, OutputShape::One, |_dag, input, _params| {
//!     let ModuleInput::One(df) = input else { unreachable!("declared One") };
//!     Ok(ModuleOutput::One(df.take(1, "", fugue_core::engine::NaPosition::Last)?))
//! });
//! register_module("doc_first", first, OnDup::Overwrite)?;
//!
//! let dag = FugueWorkflow::new();
//! let df = dag.df(LocalDataFrame::from_rows(vec![vec![Value::from(1)], vec![Value::from(2)]], "a:int")?)?;
//! let m = module_by_name("doc_first")?;
//! let ModuleOutput::One(out) = m.call(&dag, ModuleInput::One(df), &Default::default())? else {
//!     panic!("one frame")
//! };
//! out.yield_dataframe_as("out", true)?;
//! assert_eq!(fugue_api::api::count(dag.run("native")?.get("out")?.clone())?, 1);
//! let err = module_by_name("doc_firsts").err().map(|e| e.to_string()).unwrap_or_default();
//! assert!(err.contains("did you mean `doc_first`"));
//! # Ok::<(), fugue_core::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock, RwLock};

use fugue_api::extension::Params;
use fugue_core::conf::OnDup;
use fugue_core::{Error, Result};
use indexmap::IndexMap;

use crate::frame::WorkflowDataFrame;
use crate::workflow::FugueWorkflow;

/// A collection of workflow frames (DFS-2): list-like (keys `_0`, `_1`,
/// ...) or named.
#[derive(Clone)]
pub enum WorkflowFrames {
    /// Positional frames.
    List(Vec<WorkflowDataFrame>),
    /// Named frames, in insertion order.
    Dict(IndexMap<String, WorkflowDataFrame>),
}

impl WorkflowFrames {
    /// The number of frames.
    pub fn len(&self) -> usize {
        match self {
            WorkflowFrames::List(v) => v.len(),
            WorkflowFrames::Dict(m) => m.len(),
        }
    }

    /// Whether there are no frames.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The frame at position `i` (both forms).
    pub fn get_index(&self, i: usize) -> Option<&WorkflowDataFrame> {
        match self {
            WorkflowFrames::List(v) => v.get(i),
            WorkflowFrames::Dict(m) => m.get_index(i).map(|(_, d)| d),
        }
    }

    /// The frame named `key` (dict form; `_i` also finds position `i` of a
    /// list).
    pub fn get(&self, key: &str) -> Option<&WorkflowDataFrame> {
        match self {
            WorkflowFrames::List(v) => {
                key.strip_prefix('_').and_then(|i| i.parse::<usize>().ok()).and_then(|i| v.get(i))
            }
            WorkflowFrames::Dict(m) => m.get(key),
        }
    }

    /// The frames with their keys (`_0`, `_1`, ... for a list).
    pub fn iter(&self) -> Vec<(String, &WorkflowDataFrame)> {
        match self {
            WorkflowFrames::List(v) => {
                v.iter().enumerate().map(|(i, d)| (format!("_{i}"), d)).collect()
            }
            WorkflowFrames::Dict(m) => m.iter().map(|(k, d)| (k.clone(), d)).collect(),
        }
    }
}

/// What a module takes (FSQL-STMT-SUB-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputShape {
    /// Only the workflow.
    None,
    /// One frame.
    One,
    /// Several frames, passed positionally (list) or by name (dict).
    Several,
    /// A collection, received whole.
    Collection,
}

/// What a module returns (FSQL-STMT-SUB-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputShape {
    /// Nothing.
    None,
    /// One frame.
    One,
    /// A collection of frames.
    Collection,
}

/// The inputs of a module call, matching its [`InputShape`].
#[derive(Clone)]
pub enum ModuleInput {
    /// No frames.
    None,
    /// One frame.
    One(WorkflowDataFrame),
    /// Several frames (list: positional, dict: by name).
    Several(WorkflowFrames),
    /// A collection.
    Collection(WorkflowFrames),
}

/// The result of a module call, matching its [`OutputShape`].
#[derive(Clone)]
pub enum ModuleOutput {
    /// Nothing.
    None,
    /// One frame.
    One(WorkflowDataFrame),
    /// A collection.
    Collection(WorkflowFrames),
}

/// A module: adds nodes to a workflow (FSQL-STMT-SUB).
pub trait Module: Send + Sync {
    /// The input shape.
    fn input_shape(&self) -> InputShape;
    /// The output shape.
    fn output_shape(&self) -> OutputShape;
    /// Adds the module's nodes to `dag` and returns its result.
    ///
    /// # Errors
    /// The module's own errors (usually the builder calls' errors).
    fn call(
        &self,
        dag: &FugueWorkflow,
        input: ModuleInput,
        params: &Params,
    ) -> Result<ModuleOutput>;
}

type ModuleFn = dyn Fn(&FugueWorkflow, ModuleInput, &Params) -> Result<ModuleOutput> + Send + Sync;

/// A module made from a function (see [`module`]).
#[derive(Clone)]
pub struct FnModule {
    input: InputShape,
    output: OutputShape,
    f: Arc<ModuleFn>,
}

impl Module for FnModule {
    fn input_shape(&self) -> InputShape {
        self.input
    }
    fn output_shape(&self) -> OutputShape {
        self.output
    }
    fn call(
        &self,
        dag: &FugueWorkflow,
        input: ModuleInput,
        params: &Params,
    ) -> Result<ModuleOutput> {
        (self.f)(dag, input, params)
    }
}

/// A module from a function and its declared shapes.
pub fn module<F>(input: InputShape, output: OutputShape, f: F) -> FnModule
where
    F: Fn(&FugueWorkflow, ModuleInput, &Params) -> Result<ModuleOutput> + Send + Sync + 'static,
{
    FnModule { input, output, f: Arc::new(f) }
}

/// A link-time registry entry (submitted by [`register_module!`](crate::register_module)).
pub struct ModuleFactory {
    /// The name `SUB ... USING name` looks up.
    pub name: &'static str,
    /// The crate that registered it.
    pub origin: &'static str,
    /// Builds the module.
    pub build: fn() -> Arc<dyn Module>,
}

inventory::collect!(ModuleFactory);

/// Registers a module at link time: `register_module!("name", f)` where
/// `f: fn() -> M`, `M: Module` (for example a function returning
/// [`module(...)`](module)).
#[macro_export]
macro_rules! register_module {
    ($name:expr, $build:expr) => {
        $crate::inventory::submit! {
            $crate::module::ModuleFactory {
                name: $name,
                origin: env!("CARGO_PKG_NAME"),
                build: || ::std::sync::Arc::new(($build)()),
            }
        }
    };
}

struct LinkIndex {
    by_name: BTreeMap<String, &'static ModuleFactory>,
    duplicates: HashMap<String, (&'static str, &'static str)>,
}

fn link_index() -> &'static LinkIndex {
    static INDEX: OnceLock<LinkIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut by_name = BTreeMap::new();
        let mut duplicates = HashMap::new();
        for f in inventory::iter::<ModuleFactory> {
            if let Some(prev) = by_name.insert(f.name.to_string(), f) {
                duplicates.insert(f.name.to_string(), (prev.origin, f.origin));
            }
        }
        LinkIndex { by_name, duplicates }
    })
}

fn runtime() -> &'static RwLock<BTreeMap<String, Arc<dyn Module>>> {
    static RT: OnceLock<RwLock<BTreeMap<String, Arc<dyn Module>>>> = OnceLock::new();
    RT.get_or_init(Default::default)
}

/// Registers a module at run time under `name` (WF-REG-1: `on_dup`
/// overwrite, ignore or throw); it wins over a link-time module.
///
/// # Errors
/// `ERR-ARG` for an empty name; `ERR-EXISTS` with [`OnDup::Throw`] when
/// the name is taken.
pub fn register_module(name: &str, m: impl Module + 'static, on_dup: OnDup) -> Result<()> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::arg("name", "a module name cannot be empty (WF-REG-1)"));
    }
    let mut map = runtime().write().unwrap_or_else(std::sync::PoisonError::into_inner);
    let exists = map.contains_key(name) || link_index().by_name.contains_key(name);
    match on_dup {
        OnDup::Ignore if exists => return Ok(()),
        OnDup::Throw if exists => {
            return Err(Error::AlreadyExists(format!(
                "Module `{name}` is already registered (WF-REG-1)"
            )));
        }
        _ => {}
    }
    map.insert(name.to_string(), Arc::new(m));
    Ok(())
}

/// The names of all registered modules, sorted.
pub fn registered_modules() -> Vec<String> {
    let mut names: Vec<String> = link_index().by_name.keys().cloned().collect();
    names.extend(
        runtime().read().unwrap_or_else(std::sync::PoisonError::into_inner).keys().cloned(),
    );
    names.sort();
    names.dedup();
    names
}

/// The module registered as `name` (FSQL-RUST-REG-3/4: run time, then
/// link time).
///
/// # Errors
/// `ERR-WF-INTERFACELESS` when no module has that name, naming the other
/// extension kinds it is registered under and close module names (edit
/// distance ≤ 2, FSQL-RUST-REG-5); `ERR-EXISTS` when two crates registered
/// it at link time.
pub fn module_by_name(name: &str) -> Result<Arc<dyn Module>> {
    let name = name.trim();
    if let Some(m) = runtime().read().unwrap_or_else(std::sync::PoisonError::into_inner).get(name) {
        return Ok(m.clone());
    }
    let index = link_index();
    if let Some((a, b)) = index.duplicates.get(name) {
        return Err(Error::AlreadyExists(format!(
            "Module `{name}` is registered twice, by `{a}` and by `{b}`: rename one (WF-REG-1)"
        )));
    }
    if let Some(f) = index.by_name.get(name) {
        return Ok((f.build)());
    }
    let other_kinds: Vec<String> = fugue_api::registry::registered_extensions()
        .into_iter()
        .filter(|e| e.name == name)
        .map(|e| e.kind.to_string())
        .collect();
    let close: Vec<String> = registered_modules()
        .into_iter()
        .filter(|m| fugue_api::registry::distance(m, name) <= 2)
        .map(|m| format!("`{m}`"))
        .collect();
    let mut msg = format!("no Module is registered as `{name}`");
    if !other_kinds.is_empty() {
        msg.push_str(&format!("; `{name}` is a {}", other_kinds.join(", a ")));
    }
    if !close.is_empty() {
        msg.push_str(&format!("; did you mean {}?", close.join(" or ")));
    }
    msg.push_str(" (register it with `fugue_workflow::register_module!` or `fugue_workflow::module::register_module`)");
    Err(Error::interfaceless(msg))
}
