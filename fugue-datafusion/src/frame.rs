//! `DataFusionDataFrame`: a fugue frame over a lazy DataFusion plan.

use std::fmt;
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use datafusion::execution::context::SessionContext;
use fugue_core::dataframe::{DataFrame, DataFrameRef, Metadata};
use fugue_core::spi::frame::{
    alter_columns_schema, drop_columns_schema, rename_schema, select_columns_schema,
};
use fugue_core::{LocalDataFrame, Result, Schema};

use crate::engine::Shared;
use crate::error::DfResultExt;
use crate::plan;

/// A frame of the DataFusion engine: a `datafusion::dataframe::DataFrame`
/// (a lazy logical plan) plus its normalised fugue schema and metadata
/// (ENG-GEN-2). Nothing runs until rows are needed (`count`, `head`,
/// `as_local_bounded`, ...); then the plan runs on the engine's runtime.
///
/// - [`DataFusionDataFrame::native`] and [`DataFusionDataFrame::session_context`]
///   reach the DataFusion objects;
/// - the schema is normalised (SCH-TYPE-8): `Utf8View` / `LargeUtf8`
///   columns report `str`, and [`DataFrame::as_local_bounded`] returns
///   batches cast to the normalised types;
/// - column operations (`rename`, `drop_columns`, `select_columns`,
///   `alter_columns`) add projections to the plan, validated by the core's
///   shared functions (DF-OP-10..14);
/// - cloning is cheap (the plan is shared) and a clone is the same frame.
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::{Conf, DataFrame, DataFrameRef, ExecutionEngine, LocalDataFrame, Value};
/// use fugue_datafusion::{DataFusionDataFrame, DataFusionExecutionEngine};
///
/// let engine = DataFusionExecutionEngine::new(Conf::new())?;
/// let local: DataFrameRef =
///     Arc::new(LocalDataFrame::from_rows(vec![vec![Value::from(1)]], "a:int")?);
/// let df = engine.to_df(&local)?;
/// let native = df.downcast_ref::<DataFusionDataFrame>().expect("a datafusion frame");
/// assert_eq!(native.native().schema().fields().len(), 1);
/// assert_eq!(df.count()?, 1);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Clone)]
pub struct DataFusionDataFrame {
    df: datafusion::dataframe::DataFrame,
    schema: Schema,
    metadata: Arc<Metadata>,
    shared: Arc<Shared>,
    persisted: bool,
}

impl fmt::Debug for DataFusionDataFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataFusionDataFrame")
            .field("schema", &self.schema.to_string())
            .field("persisted", &self.persisted)
            .finish()
    }
}

impl DataFusionDataFrame {
    /// A frame over `df`, its schema read from the plan (normalised).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for column types fugue cannot represent or no column.
    pub(crate) fn new(shared: Arc<Shared>, df: datafusion::dataframe::DataFrame) -> Result<Self> {
        let schema = plan::fugue_schema(&df)?;
        fugue_core::spi::frame::check_dataframe_schema(&schema)?;
        Ok(DataFusionDataFrame {
            df,
            schema,
            metadata: Arc::new(Metadata::new()),
            shared,
            persisted: false,
        })
    }

    /// A frame over `df` whose fugue schema is known to be `schema`.
    pub(crate) fn with_schema(
        shared: Arc<Shared>,
        df: datafusion::dataframe::DataFrame,
        schema: Schema,
    ) -> Self {
        DataFusionDataFrame {
            df,
            schema,
            metadata: Arc::new(Metadata::new()),
            shared,
            persisted: false,
        }
    }

    /// A new frame of the same engine over `df` (no metadata).
    pub(crate) fn derive(&self, df: datafusion::dataframe::DataFrame) -> Result<Self> {
        Self::new(Arc::clone(&self.shared), df)
    }

    /// This frame marked as persisted (computed, ENG-PERSIST-2).
    pub(crate) fn into_persisted(mut self) -> Self {
        self.persisted = true;
        self
    }

    /// This frame with `metadata` (DF-META-1).
    pub fn with_metadata_map(mut self, metadata: Metadata) -> Self {
        self.metadata = Arc::new(metadata);
        self
    }

    /// The DataFusion frame (a lazy logical plan) behind this frame.
    pub fn native(&self) -> &datafusion::dataframe::DataFrame {
        &self.df
    }

    /// The DataFusion frame, by value (a cheap clone of the plan).
    pub fn to_native(&self) -> datafusion::dataframe::DataFrame {
        self.df.clone()
    }

    /// The engine's DataFusion session.
    pub fn session_context(&self) -> &SessionContext {
        self.shared.ctx()
    }

    /// True when the frame was computed by `persist` (ENG-PERSIST-2).
    pub fn is_persisted(&self) -> bool {
        self.persisted
    }

    /// Runs the plan and returns its record batches (DataFusion's types,
    /// not normalised).
    ///
    /// # Errors
    /// Execution errors of the plan.
    pub fn collect(&self) -> Result<Vec<RecordBatch>> {
        let df = self.df.clone();
        self.shared.runtime().block_on(async move { df.collect().await.fugue("collect") })
    }

    /// Runs the plan and returns its batches partition by partition, in
    /// partition order: a deterministic row order whenever every partition's
    /// content is (used by `sample`, ENG-SAMPLE-6).
    ///
    /// # Errors
    /// Execution errors of the plan.
    pub fn collect_partitioned(&self) -> Result<Vec<Vec<RecordBatch>>> {
        let df = self.df.clone();
        self.shared
            .runtime()
            .block_on(async move { df.collect_partitioned().await.fugue("collect") })
    }

    /// All rows as a local frame, partitions concatenated in partition order.
    ///
    /// # Errors
    /// Execution errors of the plan.
    pub(crate) fn local_in_partition_order(&self) -> Result<LocalDataFrame> {
        self.local(self.collect_partitioned()?.into_iter().flatten().collect())
    }

    fn local(&self, batches: Vec<RecordBatch>) -> Result<LocalDataFrame> {
        Ok(LocalDataFrame::new(self.schema.clone(), batches)?
            .with_metadata_map((*self.metadata).clone()))
    }

    fn wrap(&self, df: datafusion::dataframe::DataFrame) -> Result<DataFrameRef> {
        Ok(Arc::new(self.derive(df)?))
    }
}

impl DataFrame for DataFusionDataFrame {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    fn with_metadata(&self, metadata: Metadata) -> DataFrameRef {
        Arc::new(self.clone().with_metadata_map(metadata))
    }

    /// The number of output partitions of the plan's physical plan (planned,
    /// not run).
    fn num_partitions(&self) -> usize {
        let df = self.df.clone();
        self.shared
            .runtime()
            .block_on(async move {
                let plan = df.create_physical_plan().await.fugue("plan")?;
                Ok(plan.properties().output_partitioning().partition_count())
            })
            .unwrap_or(1)
            .max(1)
    }

    fn count(&self) -> Result<usize> {
        let df = self.df.clone();
        self.shared.runtime().block_on(async move { df.count().await.fugue("count") })
    }

    fn is_empty(&self) -> Result<bool> {
        let df = self.df.clone().limit(0, Some(1)).fugue("is_empty")?;
        let n =
            self.shared.runtime().block_on(async move { df.count().await.fugue("is_empty") })?;
        Ok(n == 0)
    }

    fn as_local_bounded(&self) -> Result<LocalDataFrame> {
        self.local(self.collect()?)
    }

    fn head(&self, n: usize, columns: Option<&[&str]>) -> Result<LocalDataFrame> {
        if let Some(cols) = columns {
            select_columns_schema(&self.schema, cols)?;
        }
        let df = self.df.clone().limit(0, Some(n)).fugue("head")?;
        let batches =
            self.shared.runtime().block_on(async move { df.collect().await.fugue("head") })?;
        self.local(batches)?.head(n, columns)
    }

    fn rename(&self, pairs: &[(&str, &str)]) -> Result<DataFrameRef> {
        rename_schema(&self.schema, pairs)?;
        if pairs.is_empty() {
            return Ok(Arc::new(self.clone()));
        }
        self.wrap(plan::rename(self.df.clone(), &self.schema, pairs)?)
    }

    fn drop_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        let remaining = drop_columns_schema(&self.schema, columns)?;
        let names = remaining.names();
        self.wrap(plan::select_columns(self.df.clone(), &names)?)
    }

    fn select_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        select_columns_schema(&self.schema, columns)?;
        self.wrap(plan::select_columns(self.df.clone(), columns)?)
    }

    fn alter_columns(&self, subschema: &Schema) -> Result<DataFrameRef> {
        let target = alter_columns_schema(&self.schema, subschema)?;
        if target == self.schema && target.types() == self.schema.types() {
            return Ok(Arc::new(self.clone()));
        }
        let df = plan::convert(self.df.clone(), &self.schema, &target)?;
        Ok(Arc::new(DataFusionDataFrame::with_schema(Arc::clone(&self.shared), df, target)))
    }
}
