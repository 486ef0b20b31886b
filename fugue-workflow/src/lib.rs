//! # fugue-workflow
//!
//! [`FugueWorkflow`]: a lazy DAG of dataframe operations and extensions,
//! built once and run on any engine (spec/WORKFLOW.md §1-4, 7-8, 10).
//!
//! - Builder calls only record nodes (WF-DAG-1); bad arguments fail at the
//!   call, which is recorded (`#[track_caller]`) so run-time errors name the
//!   node and the line that built it (WF-EXC-1, [`fugue_core::Error::InNode`]).
//! - [`FugueWorkflow::run`] resolves the engine (ENG-CTX-1), runs every node
//!   in insertion order (or `fugue.workflow.concurrency` at once, WF-CONC),
//!   and returns the dataframe yields (WF-RUN, WF-YIELD).
//! - Node identity is a deterministic hash (`spec_uuid`, WF-ID), the key of
//!   deterministic checkpoints, which later runs and other processes reuse
//!   without re-running the nodes that only feed them (WF-CKPT-3).
//! - [`module`]: registered functions that add nodes (FugueSQL `SUB`),
//!   by name at link time ([`register_module!`]) or run time.
//! - [`FugueWorkflow::explain`], [`to_mermaid`](FugueWorkflow::to_mermaid)
//!   and [`to_dot`](FugueWorkflow::to_dot) show the DAG before it runs.
//!
//! ```
//! # use fugue_native as _;
//! use fugue_core::{LocalDataFrame, Value};
//! use fugue_workflow::FugueWorkflow;
//!
//! let dag = FugueWorkflow::new();
//! let df = dag.df(LocalDataFrame::from_rows(
//!     vec![vec![Value::from("a"), Value::from(3)], vec![Value::from("a"), Value::from(5)]],
//!     "k:str,v:int",
//! )?)?;
//! let top = df
//!     .partition(("k", "v desc"))?
//!     .transform(|d: LocalDataFrame| d.slice(0, 1), "*")?;
//! top.yield_dataframe_as("top", true)?;
//! println!("{}", dag.explain());
//! let result = dag.run("native")?;
//! assert_eq!(fugue_api::api::count(result.get("top")?.clone())?, 1);
//! # Ok::<(), fugue_core::Error>(())
//! ```
#![deny(missing_docs)]

mod explain;
pub mod frame;
pub mod module;
mod node;
pub mod workflow;

#[doc(hidden)]
pub use inventory;

pub use frame::{SqlPiece, TransformOptions, WorkflowDataFrame};
pub use node::Checkpoint;
pub use workflow::{FugueWorkflow, WorkflowResult, Yield, YieldKind};
