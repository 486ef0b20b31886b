//! The smallest complete backend: it implements only what makes it a
//! backend — a name, a conf, `to_df` into its frame type and
//! `map_dataframe` — and passes the whole conformance suite with an empty
//! not-implemented list. Every other operation (join, set operations,
//! select, load/save, take, zip, ...) comes from the defaults of
//! [`ExecutionEngine`], which run fugue-core's kernels
//! (`fugue_core::spi::kernels`) over local Arrow data.
//!
//! The frame type here is fugue-core's [`LocalDataFrame`]; a real backend
//! brings its own (a Polars `DataFrame`, a DataFusion plan) and overrides
//! the operations its engine does better. README "Writing a backend" walks
//! through this file.

use std::fmt;
use std::sync::Arc;

use fugue_core::engine::{EngineRef, ExecutionEngine, MapEngine};
use fugue_core::engine::{MapFn, OnInitFn};
use fugue_core::spi::map::map_local;
use fugue_core::{Conf, DataFrameRef, LocalDataFrame, PartitionSpec, Result, Schema};

/// An engine whose frames are fugue-core's local Arrow frames.
#[derive(Debug, Default)]
struct MinimalEngine {
    conf: Conf,
}

impl fmt::Display for MinimalEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MinimalEngine")
    }
}

impl MapEngine for MinimalEngine {
    /// One partition: the core's reference per-partition algorithm
    /// (ENG-MAP-1..12: keys, presort, `on_init`, user errors with keys).
    fn map_dataframe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
    ) -> Result<DataFrameRef> {
        let local = df.as_local_bounded()?;
        let out = map_local(&local, &map_fn, output_schema, partition_spec, on_init.as_ref())?;
        Ok(Arc::new(out))
    }
}

impl ExecutionEngine for MinimalEngine {
    fn name(&self) -> &str {
        "minimal"
    }

    fn conf(&self) -> &Conf {
        &self.conf
    }

    /// A local frame is returned as is (ENG-TODF-1); anything else is
    /// materialised, metadata kept (ENG-TODF-2..4).
    fn to_df(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        if df.is::<LocalDataFrame>() {
            return Ok(Arc::clone(df));
        }
        Ok(Arc::new(df.as_local_bounded()?))
    }
}

fn build(conf: Conf) -> Result<EngineRef> {
    Ok(Arc::new(MinimalEngine { conf: Conf::new().with(&conf) }))
}

fn for_tests() -> Result<EngineRef> {
    build(Conf::empty().with_entry(fugue_core::conf::TEST, true))
}

fugue_core::register_engine!("minimal", [], build);

fugue_test_suite::main!("minimal", for_tests);
