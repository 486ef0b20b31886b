//! # fugue-ballista
//!
//! The Apache Ballista (55.x) backend of fugue-rs: [`BallistaExecutionEngine`],
//! registered as execution engine `ballista`, runs the plans of the
//! DataFusion engine ([`fugue_datafusion::DataFusionExecutionEngine`], the
//! same plan-building code, not a copy) on a Ballista cluster — DataFusion's
//! distributed scheduler/executor pair, on the DataFusion and arrow majors
//! this workspace pins.
//!
//! ## Cluster
//!
//! | conf key | meaning |
//! |---|---|
//! | `fugue.ballista.url` | `df://host:port` of a running Ballista scheduler (port 50050 when omitted) |
//! | `fugue.ballista.standalone_slots` | task slots of the standalone executor (default: the parallelism) |
//! | `fugue.datafusion.*` | as for the DataFusion engine (threads, target partitions, batch size, memory limit) |
//!
//! Without a URL the engine starts a standalone cluster in-process: a
//! scheduler and one executor on the engine's own tokio runtime, on
//! ephemeral localhost ports, stopped when the engine and its frames are
//! dropped. Nothing to set up:
//!
//! ```
//! use fugue_core::{Conf, DataFrame, ExecutionEngine, ExecutionEngineExt, Value};
//! use fugue_ballista::BallistaExecutionEngine;
//!
//! let engine = BallistaExecutionEngine::new(Conf::new())?; // standalone
//! let df = engine.to_df_rows(vec![vec![Value::from(1)], vec![Value::from(2)]], "a:int")?;
//! assert_eq!(engine.distinct(&df)?.count()?, 2);
//! # Ok::<(), fugue_core::Error>(())
//! ```
//!
//! A real cluster is a scheduler and executors started with
//! [`cluster::run_scheduler`] / [`cluster::run_executor`] (or the
//! `fugue-scheduler` / `fugue-executor` binaries of `fugue-cli`), which
//! decode fugue's plans; Ballista's own binaries do not (see [`cluster`]).
//!
//! ## How plans reach the cluster
//!
//! Each DataFusion plan is planned physically on the client and submitted
//! whole as one Ballista job (Ballista's physical-plan submission); the
//! scheduler splits it into stages at its exchanges (hash repartitions,
//! sorts, joins) and the executors run the stages. Physical plans, not
//! logical ones, because fugue frames made from local data are in-memory
//! tables, which a logical plan cannot carry to the scheduler and a
//! physical plan can (the batches travel in the plan).
//!
//! ## Not supported yet
//!
//! - `map_dataframe` with a Rust closure (and `zip`/`comap`/`transform`
//!   over it): `ERR-NOT-SUPPORTED` before anything runs, naming the fix
//!   (register the transformer by name). Running registered extensions on
//!   executors needs logical/physical extension codecs for the map node.
//! - Every other gap is listed, with its reason, in the not-implemented
//!   list of `tests/conformance.rs`.
#![deny(missing_docs)]

pub mod cluster;
mod codec;
mod engine;
mod session;

pub use engine::{BALLISTA_STANDALONE_SLOTS, BALLISTA_URL, BallistaExecutionEngine};

fugue_core::register_engine!("ballista", [], engine::build_engine);
