//! Engine-native frames as dataframe-like inputs and outputs (behind the
//! `polars` and `datafusion` features): a Polars `DataFrame` / `LazyFrame`
//! or a DataFusion `DataFrame` goes in without a copy (the engines' bridges
//! share the Arrow buffers) and the result comes back as the same kind
//! (ENG-API-1, WF-API-1).

#[cfg(feature = "datafusion")]
use std::sync::OnceLock;

use fugue_core::dataframe::DataFrameRef;
use fugue_core::{ExecutionEngine, Result};

use crate::like::DataFrameLike;

#[cfg(feature = "polars")]
mod polars_frames {
    use std::sync::Arc;

    use fugue_polars::PolarsDataFrame;
    use fugue_polars::polars::prelude::{DataFrame as PlDataFrame, LazyFrame};

    use super::*;

    fn to_polars(df: &DataFrameRef) -> Result<PolarsDataFrame> {
        match df.downcast_ref::<PolarsDataFrame>() {
            Some(p) => Ok(p.clone()),
            None => PolarsDataFrame::from_local(&df.as_local_bounded()?),
        }
    }

    /// A Polars `DataFrame` (its Fugue schema derived from the Polars
    /// schema, SCH-TYPE-8); results come back as a Polars `DataFrame`.
    impl DataFrameLike for PlDataFrame {
        type Output = PlDataFrame;
        fn engine_hint(&self) -> Option<&'static str> {
            Some("polars")
        }
        fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
            let df: DataFrameRef = Arc::new(PolarsDataFrame::from_polars_infer(self)?);
            engine.to_df(&df)
        }
        fn convert_output(df: DataFrameRef) -> Result<PlDataFrame> {
            to_polars(&df)?.collect()
        }
    }

    /// A Polars `LazyFrame` (nothing computed to convert it on the Polars
    /// engine); results come back as a `LazyFrame`.
    impl DataFrameLike for LazyFrame {
        type Output = LazyFrame;
        fn engine_hint(&self) -> Option<&'static str> {
            Some("polars")
        }
        fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
            let df: DataFrameRef = Arc::new(PolarsDataFrame::from_lazy_infer(self)?);
            engine.to_df(&df)
        }
        fn convert_output(df: DataFrameRef) -> Result<LazyFrame> {
            Ok(to_polars(&df)?.native())
        }
    }
}

#[cfg(feature = "datafusion")]
mod datafusion_frames {
    use fugue_core::Conf;
    use fugue_datafusion::DataFusionExecutionEngine;
    use fugue_datafusion::datafusion::dataframe::DataFrame as DfDataFrame;

    use super::*;

    /// The DataFusion engine that wraps foreign DataFusion frames when the
    /// call runs on another engine (built once per process).
    fn wrapper() -> Result<&'static DataFusionExecutionEngine> {
        static ENGINE: OnceLock<DataFusionExecutionEngine> = OnceLock::new();
        if let Some(e) = ENGINE.get() {
            return Ok(e);
        }
        let e = DataFusionExecutionEngine::new(Conf::empty())?;
        Ok(ENGINE.get_or_init(|| e))
    }

    /// A DataFusion `DataFrame` (a lazy plan: nothing runs to convert it on
    /// the DataFusion engine); results come back as a DataFusion `DataFrame`.
    impl DataFrameLike for DfDataFrame {
        type Output = DfDataFrame;
        fn engine_hint(&self) -> Option<&'static str> {
            Some("datafusion")
        }
        fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
            match (engine as &dyn std::any::Any).downcast_ref::<DataFusionExecutionEngine>() {
                Some(df_engine) => df_engine.from_datafusion(self),
                None => engine.to_df(&wrapper()?.from_datafusion(self)?),
            }
        }
        fn convert_output(df: DataFrameRef) -> Result<DfDataFrame> {
            Ok(wrapper()?.to_datafusion(&df)?.to_native())
        }
    }
}
