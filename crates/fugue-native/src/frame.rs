//! `NativeDataFrame`: physical partitions of Arrow record batches.

use std::sync::Arc;

use fugue_core::dataframe::{DataFrame, DataFrameRef, Metadata};
use fugue_core::{LocalDataFrame, Result, Schema};

/// A frame of the native engine: a schema plus physical partitions, each a
/// local Arrow frame (ENG-GEN-2). `num_partitions` is the number of
/// physical partitions (DF-KIND-2); it is always computed (bounded).
///
/// Cloning is cheap (the partitions and the metadata are reference
/// counted) and a clone is the same data. Column operations (`rename`,
/// `drop_columns`, `select_columns`, `alter_columns`) run per partition and
/// keep the partition layout; they validate with the shared core
/// functions, so their errors match every other engine's. `head` reads only
/// the leading partitions it needs.
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::{Conf, DataFrame, DataFrameRef, ExecutionEngine, LocalDataFrame, PartitionSpec, Value};
/// use fugue_native::{NativeDataFrame, NativeExecutionEngine};
///
/// let engine = NativeExecutionEngine::new(Conf::new())?;
/// let rows = (0..10).map(|i| vec![Value::from(i % 3), Value::from(i)]).collect();
/// let df: DataFrameRef = Arc::new(LocalDataFrame::from_rows(rows, "k:int,v:int")?);
/// let parts = engine.repartition(&df, &PartitionSpec::builder().num(2).by(["k"]).build()?)?;
/// let native = parts.downcast_ref::<NativeDataFrame>().expect("a native frame");
/// assert!(native.partitions().len() <= 2);
/// assert_eq!(native.partitions().iter().map(|p| p.num_rows()).sum::<usize>(), 10);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct NativeDataFrame {
    schema: Schema,
    partitions: Arc<Vec<LocalDataFrame>>,
    metadata: Arc<Metadata>,
}

impl NativeDataFrame {
    /// A frame from physical partitions that all have `schema`.
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty schema; `ERR-DF-INIT` when a partition's
    /// schema differs.
    pub fn new(schema: Schema, partitions: Vec<LocalDataFrame>) -> Result<Self> {
        fugue_core::dataframe::check_dataframe_schema(&schema)?;
        for p in &partitions {
            if p.schema() != &schema {
                return Err(fugue_core::Error::df_init(format!(
                    "a partition has schema `{}`, expected `{schema}`",
                    p.schema()
                )));
            }
        }
        Ok(NativeDataFrame {
            schema,
            partitions: Arc::new(partitions),
            metadata: Arc::new(Metadata::new()),
        })
    }

    /// A one-partition frame over a local frame (metadata kept, ENG-TODF-2;
    /// a zero-row frame keeps its schema, ENG-TODF-4).
    pub fn from_local(local: LocalDataFrame) -> Self {
        let metadata = Arc::new(local.metadata().clone());
        NativeDataFrame {
            schema: local.schema().clone(),
            partitions: Arc::new(vec![local]),
            metadata,
        }
    }

    /// The physical partitions, in order (possibly none for an empty frame).
    /// Each is a local Arrow frame with this frame's schema.
    pub fn partitions(&self) -> &[LocalDataFrame] {
        &self.partitions
    }

    /// All rows as one local frame (partitions concatenated in order).
    ///
    /// # Errors
    /// Only for corrupt data.
    pub fn to_local(&self) -> Result<LocalDataFrame> {
        if self.partitions.len() == 1 {
            return Ok(self.partitions[0].clone().with_metadata_map((*self.metadata).clone()));
        }
        let batches = self.partitions.iter().flat_map(|p| p.batches().iter().cloned()).collect();
        Ok(LocalDataFrame::new(self.schema.clone(), batches)?
            .with_metadata_map((*self.metadata).clone()))
    }

    /// This frame with `metadata` (DF-META-1).
    pub fn with_metadata_map(mut self, metadata: Metadata) -> Self {
        self.metadata = Arc::new(metadata);
        self
    }

    fn map_partitions(
        &self,
        f: impl Fn(&LocalDataFrame) -> Result<DataFrameRef>,
    ) -> Result<DataFrameRef> {
        let mut schema = None;
        let mut parts = Vec::with_capacity(self.partitions.len());
        for p in self.partitions.iter() {
            let out = f(p)?.as_local_bounded()?;
            schema = Some(out.schema().clone());
            parts.push(out);
        }
        match schema {
            Some(s) => Ok(Arc::new(NativeDataFrame::new(s, parts)?)),
            None => {
                // no partitions: apply the operation to an empty frame for its schema
                let empty = LocalDataFrame::empty(self.schema.clone())?;
                let out = f(&empty)?.as_local_bounded()?;
                Ok(Arc::new(NativeDataFrame::new(out.schema().clone(), vec![])?))
            }
        }
    }
}

impl DataFrame for NativeDataFrame {
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn metadata(&self) -> &Metadata {
        &self.metadata
    }
    fn with_metadata(&self, metadata: Metadata) -> DataFrameRef {
        Arc::new(self.clone().with_metadata_map(metadata))
    }
    fn is_local(&self) -> bool {
        true
    }
    fn is_bounded(&self) -> bool {
        true
    }
    fn num_partitions(&self) -> usize {
        self.partitions.len()
    }
    fn count(&self) -> Result<usize> {
        Ok(self.partitions.iter().map(LocalDataFrame::num_rows).sum())
    }
    fn is_empty(&self) -> Result<bool> {
        Ok(self.partitions.iter().all(|p| p.num_rows() == 0))
    }
    fn as_local_bounded(&self) -> Result<LocalDataFrame> {
        self.to_local()
    }
    fn head(&self, n: usize, columns: Option<&[&str]>) -> Result<LocalDataFrame> {
        // only the leading partitions that hold the first `n` rows are touched
        let mut batches = Vec::new();
        let mut left = n;
        for p in self.partitions.iter() {
            if left == 0 {
                break;
            }
            let part = p.slice(0, left);
            left -= part.num_rows();
            batches.extend(part.into_batches());
        }
        LocalDataFrame::new(self.schema.clone(), batches)?
            .with_metadata_map((*self.metadata).clone())
            .head(n, columns)
    }
    fn rename(&self, pairs: &[(&str, &str)]) -> Result<DataFrameRef> {
        fugue_core::dataframe::rename_schema(&self.schema, pairs)?;
        self.map_partitions(|p| p.rename(pairs))
    }
    fn drop_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        fugue_core::dataframe::drop_columns_schema(&self.schema, columns)?;
        self.map_partitions(|p| p.drop_columns(columns))
    }
    fn select_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        fugue_core::dataframe::select_columns_schema(&self.schema, columns)?;
        self.map_partitions(|p| p.select_columns(columns))
    }
    fn alter_columns(&self, subschema: &Schema) -> Result<DataFrameRef> {
        let schema = fugue_core::dataframe::alter_columns_schema(&self.schema, subschema)?;
        if schema == self.schema {
            return Ok(Arc::new(self.clone()));
        }
        self.map_partitions(|p| p.alter_columns(subschema))
    }
}
