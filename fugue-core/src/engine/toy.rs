//! A tiny in-crate toy engine for core tests (STYLE §8): local frames, the
//! reference `map_local`, and `ERR-NOT-SUPPORTED` for what it does not need.

use std::fmt;
use std::sync::Arc;

use super::map::{MapFn, OnInitFn, check_map_output_schema, map_local};
use super::params::check_set_schemas;
use super::{
    Capabilities, DropnaHow, ExecutionEngine, FillValue, JoinType, LoadOptions, MapEngine,
    SampleSpec, SaveOptions,
};
use crate::conf::Conf;
use crate::dataframe::{DataFrame, DataFrameRef, LocalDataFrame};
use crate::error::{Error, Result};
use crate::expr::{ColumnExpr, SelectColumns};
use crate::partition::PartitionSpec;
use crate::schema::Schema;

#[derive(Debug, Default)]
pub(crate) struct ToyEngine {
    conf: Conf,
}

impl fmt::Display for ToyEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ToyEngine")
    }
}

fn no<T>(op: &str) -> Result<T> {
    Err(Error::unsupported("toy", op))
}

impl MapEngine for ToyEngine {
    fn map_dataframe(
        &self,
        df: &DataFrameRef,
        map_fn: MapFn,
        output_schema: &Schema,
        partition_spec: &PartitionSpec,
        on_init: Option<OnInitFn>,
    ) -> Result<DataFrameRef> {
        check_map_output_schema(output_schema)?;
        let local = df.as_local_bounded()?;
        Ok(Arc::new(map_local(&local, &map_fn, output_schema, partition_spec, on_init.as_ref())?))
    }
}

impl ExecutionEngine for ToyEngine {
    fn name(&self) -> &str {
        "toy"
    }
    fn conf(&self) -> &Conf {
        &self.conf
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }
    fn get_current_parallelism(&self) -> usize {
        1
    }
    fn to_df(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        Ok(Arc::new(df.as_local_bounded()?))
    }
    fn repartition(&self, df: &DataFrameRef, _spec: &PartitionSpec) -> Result<DataFrameRef> {
        self.to_df(df)
    }
    fn broadcast(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
        self.to_df(df)
    }
    fn persist(&self, df: &DataFrameRef, _lazy: bool) -> Result<DataFrameRef> {
        self.to_df(df)
    }
    fn join(
        &self,
        _: &DataFrameRef,
        _: &DataFrameRef,
        _: JoinType,
        _: &[&str],
    ) -> Result<DataFrameRef> {
        no("join")
    }
    /// UNION ALL only (zip needs it); UNION (distinct) is not supported.
    fn union(&self, a: &DataFrameRef, b: &DataFrameRef, distinct: bool) -> Result<DataFrameRef> {
        if distinct {
            return no("union distinct");
        }
        let (a, b) = (a.as_local_bounded()?, b.as_local_bounded()?);
        check_set_schemas("union", a.schema(), b.schema())?;
        let schema = a.schema().clone();
        let mut batches = a.into_batches();
        batches.extend(b.into_batches());
        Ok(Arc::new(LocalDataFrame::new(schema, batches)?))
    }
    fn subtract(&self, _: &DataFrameRef, _: &DataFrameRef, _: bool) -> Result<DataFrameRef> {
        no("subtract")
    }
    fn intersect(&self, _: &DataFrameRef, _: &DataFrameRef, _: bool) -> Result<DataFrameRef> {
        no("intersect")
    }
    fn distinct(&self, _: &DataFrameRef) -> Result<DataFrameRef> {
        no("distinct")
    }
    fn dropna(
        &self,
        _: &DataFrameRef,
        _: DropnaHow,
        _: Option<usize>,
        _: Option<&[&str]>,
    ) -> Result<DataFrameRef> {
        no("dropna")
    }
    fn fillna(&self, _: &DataFrameRef, _: &FillValue, _: Option<&[&str]>) -> Result<DataFrameRef> {
        no("fillna")
    }
    fn sample(&self, _: &DataFrameRef, _: &SampleSpec) -> Result<DataFrameRef> {
        no("sample")
    }
    fn select(
        &self,
        _: &DataFrameRef,
        _: &SelectColumns,
        _: Option<&ColumnExpr>,
        _: Option<&ColumnExpr>,
    ) -> Result<DataFrameRef> {
        no("select")
    }
    fn filter(&self, _: &DataFrameRef, _: &ColumnExpr) -> Result<DataFrameRef> {
        no("filter")
    }
    fn assign(&self, _: &DataFrameRef, _: &[ColumnExpr]) -> Result<DataFrameRef> {
        no("assign")
    }
    fn aggregate(
        &self,
        _: &DataFrameRef,
        _: &PartitionSpec,
        _: &[ColumnExpr],
    ) -> Result<DataFrameRef> {
        no("aggregate")
    }
    fn load_df(&self, _: &[&str], _: &LoadOptions) -> Result<DataFrameRef> {
        no("load_df")
    }
    fn save_df(&self, _: &DataFrameRef, _: &str, _: &SaveOptions) -> Result<()> {
        no("save_df")
    }
}
