//! Nodes of the DAG: what they run, what they depend on, their identity.

use std::panic::Location;
use std::sync::Arc;

use fugue_core::dataframe::DataFrameRef;
use fugue_core::engine::EngineRef;
use fugue_core::{PartitionSpec, Result};
use serde_json::{Value as Json, json};

/// What a node's execution sees.
pub(crate) struct RunCtx {
    pub engine: EngineRef,
}

/// A node's work: its inputs (in order) to its output (`None` for output nodes).
pub(crate) type Exec =
    Arc<dyn Fn(&RunCtx, Vec<DataFrameRef>) -> Result<Option<DataFrameRef>> + Send + Sync>;

/// WF-DAG-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Create,
    Process,
    Output,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Create => "create",
            NodeKind::Process => "process",
            NodeKind::Output => "output",
        }
    }
}

/// A node's checkpoint (WF-CKPT-1..8); never part of identity (WF-CKPT-8).
#[derive(Debug, Clone, PartialEq)]
pub enum Checkpoint {
    /// `persist()` / `weak_checkpoint(lazy)` / `weak_checkpoint_with(lazy,
    /// options)`: `engine.persist_with`.
    Weak {
        /// Persist lazily when the engine can (WF-CKPT-7).
        lazy: bool,
        /// Engine options of the persist (`level`, FSQL-STMT-CKPT-3); empty
        /// for a plain persist.
        options: fugue_core::Conf,
    },
    /// `checkpoint()` / `strong_checkpoint(..)`: a Parquet file under
    /// `<checkpoint path>/<execution id>/`, removed at the end of the run.
    Strong {
        /// Hive/partition layout of the file.
        partition: Option<PartitionSpec>,
        /// One file.
        single: bool,
    },
    /// `deterministic_checkpoint(..)`: a permanent Parquet file
    /// `<checkpoint path>/<spec_uuid + namespace>.parquet`, reused by later
    /// runs and other processes (WF-CKPT-3).
    Deterministic {
        /// Distinguishes checkpoints of the same node.
        namespace: Option<String>,
        /// Partition layout of the file.
        partition: Option<PartitionSpec>,
        /// One file.
        single: bool,
    },
}

impl Checkpoint {
    /// A short description for `explain()`.
    pub fn describe(&self) -> String {
        match self {
            Checkpoint::Weak { lazy, options } if options.is_empty() => {
                format!("weak(lazy={lazy})")
            }
            Checkpoint::Weak { lazy, options } => {
                format!("weak(lazy={lazy}, {})", options.to_json())
            }
            Checkpoint::Strong { .. } => "strong(file)".into(),
            Checkpoint::Deterministic { namespace, .. } => {
                format!("deterministic(namespace={})", namespace.as_deref().unwrap_or(""))
            }
        }
    }
}

/// A node.
#[derive(Clone)]
pub(crate) struct Node {
    pub name: String,
    pub kind: NodeKind,
    /// The operation (`transform`, `join`, `load`, ...).
    pub op: &'static str,
    /// A human label: the extension identity or the operation's arguments.
    pub label: String,
    /// The canonical identity of the operation's arguments (WF-ID-2).
    pub ident: Json,
    pub inputs: Vec<usize>,
    pub input_names: Option<Vec<String>>,
    pub exec: Exec,
    pub checkpoint: Option<Checkpoint>,
    /// Set by `checkpoint calls` explicitly (auto-persist keeps it, WF-AP-1).
    pub explicit_checkpoint: bool,
    pub broadcast: bool,
    pub partition: Option<PartitionSpec>,
    pub site: &'static Location<'static>,
}

impl Node {
    pub fn what(&self) -> String {
        if self.label.is_empty() {
            self.op.to_string()
        } else {
            format!("{} {}", self.op, self.label)
        }
    }

    pub fn site(&self) -> String {
        format!("{}:{}:{}", self.site.file(), self.site.line(), self.site.column())
    }
}

/// The identity hash of node `i` (WF-ID-1..6): kind, operation, arguments,
/// pre-partition, broadcast flag and the identities of its inputs,
/// recursively; never checkpoints, yields or names.
pub(crate) fn node_uuid(nodes: &[Node], i: usize, memo: &mut Vec<Option<String>>) -> String {
    if let Some(Some(u)) = memo.get(i) {
        return u.clone();
    }
    let n = &nodes[i];
    let inputs: Vec<String> = n.inputs.iter().map(|&j| node_uuid(nodes, j, memo)).collect();
    let doc = json!({
        "kind": n.kind.as_str(),
        "op": n.op,
        "args": n.ident,
        "partition": n.partition.as_ref().map(|p| p.to_json()),
        "broadcast": n.broadcast,
        "inputs": inputs,
        "input_names": n.input_names,
    });
    let u = hash_text(&canonical(&doc));
    if memo.len() <= i {
        memo.resize(i + 1, None);
    }
    memo[i] = Some(u.clone());
    u
}

/// A JSON text with object keys sorted, so equal values hash equally in any
/// process (WF-ID-5: params hashed canonically).
pub(crate) fn canonical(v: &Json) -> String {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let items: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Json::String(k.clone()), canonical(&m[k])))
                .collect();
            format!("{{{}}}", items.join(","))
        }
        Json::Array(a) => format!("[{}]", a.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// A uuid-shaped hex digest of `text` (blake3, first 16 bytes).
pub(crate) fn hash_text(text: &str) -> String {
    let h = blake3::hash(text.as_bytes());
    let hex = h.to_hex();
    let s = hex.as_str();
    format!("{}-{}-{}-{}-{}", &s[0..8], &s[8..12], &s[12..16], &s[16..20], &s[20..32])
}
