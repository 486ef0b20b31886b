//! `NativeDataFrame`: physical partitions of Arrow record batches, or a
//! Parquet load not decoded yet.

use std::sync::{Arc, OnceLock};

use fugue_core::dataframe::{DataFrame, DataFrameRef, Metadata};
use fugue_core::spi::io::ParquetScan;
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
/// A Parquet load ([`NativeDataFrame::from_parquet`], what the engine's
/// `load_df` gives when every file is Parquet) is lazy: `count` comes from
/// the files' footers, column operations are recorded, and the first
/// operation that needs rows decodes only the stored columns the frame
/// still has (row groups in parallel), once per frame; it is then one
/// partition. Reader and cast errors surface at that first use.
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
/// assert!(native.partitions()?.len() <= 2);
/// assert_eq!(native.partitions()?.iter().map(|p| p.num_rows()).sum::<usize>(), 10);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct NativeDataFrame {
    schema: Schema,
    data: Arc<Data>,
    metadata: Arc<Metadata>,
}

/// The rows of a [`NativeDataFrame`].
#[derive(Debug)]
enum Data {
    /// Computed physical partitions.
    Partitions(Vec<LocalDataFrame>),
    /// A Parquet load, decoded into one partition on first use.
    Parquet { scan: ParquetScan, read: OnceLock<Vec<LocalDataFrame>> },
}

impl NativeDataFrame {
    /// A frame from physical partitions that all have `schema`.
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty schema; `ERR-DF-INIT` when a partition's
    /// schema differs.
    pub fn new(schema: Schema, partitions: Vec<LocalDataFrame>) -> Result<Self> {
        fugue_core::spi::frame::check_dataframe_schema(&schema)?;
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
            data: Arc::new(Data::Partitions(partitions)),
            metadata: Arc::new(Metadata::new()),
        })
    }

    /// A lazy frame over a Parquet load (see the type's docs): nothing is
    /// decoded until an operation needs rows.
    pub fn from_parquet(scan: ParquetScan) -> Self {
        NativeDataFrame {
            schema: scan.schema().clone(),
            data: Arc::new(Data::Parquet { scan, read: OnceLock::new() }),
            metadata: Arc::new(Metadata::new()),
        }
    }

    /// The Parquet load this frame reads, while it is one (a frame from
    /// [`NativeDataFrame::from_parquet`] or a column operation on one).
    pub fn parquet_scan(&self) -> Option<&ParquetScan> {
        match self.data.as_ref() {
            Data::Parquet { scan, .. } => Some(scan),
            Data::Partitions(_) => None,
        }
    }

    /// A one-partition frame over a local frame (metadata kept, ENG-TODF-2;
    /// a zero-row frame keeps its schema, ENG-TODF-4).
    pub fn from_local(local: LocalDataFrame) -> Self {
        let metadata = Arc::new(local.metadata().clone());
        NativeDataFrame {
            schema: local.schema().clone(),
            data: Arc::new(Data::Partitions(vec![local])),
            metadata,
        }
    }

    /// The physical partitions, in order (possibly none for an empty frame).
    /// Each is a local Arrow frame with this frame's schema. A Parquet load
    /// is decoded here on first use (one partition).
    ///
    /// # Errors
    /// Reader and cast errors of a Parquet load (see the type's docs).
    pub fn partitions(&self) -> Result<&[LocalDataFrame]> {
        match self.data.as_ref() {
            Data::Partitions(parts) => Ok(parts),
            Data::Parquet { scan, read } => {
                if let Some(parts) = read.get() {
                    return Ok(parts);
                }
                let parts = vec![scan.read()?];
                Ok(read.get_or_init(|| parts))
            }
        }
    }

    /// All rows as one local frame (partitions concatenated in order).
    ///
    /// # Errors
    /// Reader and cast errors of a Parquet load; otherwise only for
    /// corrupt data.
    pub fn to_local(&self) -> Result<LocalDataFrame> {
        let partitions = self.partitions()?;
        if partitions.len() == 1 {
            return Ok(partitions[0].clone().with_metadata_map((*self.metadata).clone()));
        }
        let batches = partitions.iter().flat_map(|p| p.batches().iter().cloned()).collect();
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
        let partitions = self.partitions()?;
        let mut schema = None;
        let mut parts = Vec::with_capacity(partitions.len());
        for p in partitions {
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
        match self.data.as_ref() {
            Data::Partitions(parts) => parts.len(),
            Data::Parquet { .. } => 1,
        }
    }
    /// The footers' row count for a Parquet load (nothing decoded; a
    /// recorded filter decodes its own columns).
    fn count(&self) -> Result<usize> {
        match self.data.as_ref() {
            Data::Partitions(parts) => Ok(parts.iter().map(LocalDataFrame::num_rows).sum()),
            Data::Parquet { scan, read } => match read.get() {
                Some(parts) => Ok(parts.iter().map(LocalDataFrame::num_rows).sum()),
                None => scan.count(),
            },
        }
    }
    fn is_empty(&self) -> Result<bool> {
        Ok(self.count()? == 0)
    }
    fn as_local_bounded(&self) -> Result<LocalDataFrame> {
        self.to_local()
    }
    fn head(&self, n: usize, columns: Option<&[&str]>) -> Result<LocalDataFrame> {
        // only the leading partitions that hold the first `n` rows are touched
        let mut batches = Vec::new();
        let mut left = n;
        for p in self.partitions()? {
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
        if let Some(scan) = self.parquet_scan() {
            return Ok(Arc::new(Self::from_parquet(scan.rename(pairs)?)));
        }
        fugue_core::spi::frame::rename_schema(&self.schema, pairs)?;
        self.map_partitions(|p| p.rename(pairs))
    }
    fn drop_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        if let Some(scan) = self.parquet_scan() {
            return Ok(Arc::new(Self::from_parquet(scan.drop_columns(columns)?)));
        }
        fugue_core::spi::frame::drop_columns_schema(&self.schema, columns)?;
        self.map_partitions(|p| p.drop_columns(columns))
    }
    fn select_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        if let Some(scan) = self.parquet_scan() {
            return Ok(Arc::new(Self::from_parquet(scan.select_columns(columns)?)));
        }
        fugue_core::spi::frame::select_columns_schema(&self.schema, columns)?;
        self.map_partitions(|p| p.select_columns(columns))
    }
    fn alter_columns(&self, subschema: &Schema) -> Result<DataFrameRef> {
        let schema = fugue_core::spi::frame::alter_columns_schema(&self.schema, subschema)?;
        if schema == self.schema {
            return Ok(Arc::new(self.clone()));
        }
        if let Some(scan) = self.parquet_scan() {
            return Ok(Arc::new(Self::from_parquet(scan.alter_columns(subschema)?)));
        }
        self.map_partitions(|p| p.alter_columns(subschema))
    }
}

#[cfg(test)]
mod tests {
    use fugue_core::{ErrorKind, Value};

    use super::*;

    /// Three partitions: [0,1,2], [3,4], [5].
    fn frame() -> NativeDataFrame {
        let part = |vs: &[i32]| {
            let rows =
                vs.iter().map(|&v| vec![Value::Int32(v), Value::from(format!("s{v}"))]).collect();
            LocalDataFrame::from_rows(rows, "a:int,b:str").expect("part")
        };
        let schema: Schema = "a:int,b:str".parse().expect("schema");
        NativeDataFrame::new(schema, vec![part(&[0, 1, 2]), part(&[3, 4]), part(&[5])])
            .expect("frame")
    }

    fn a_values(df: &LocalDataFrame) -> Vec<Value> {
        df.rows().expect("rows").into_iter().map(|r| r[0].clone()).collect()
    }

    #[test]
    fn df_kind_2_partitions_count_and_local_view() {
        let df = frame();
        assert_eq!(df.num_partitions(), 3);
        assert_eq!(df.count().ok(), Some(6));
        assert_eq!(df.is_empty().ok(), Some(false));
        let local = df.as_local_bounded().expect("local");
        assert_eq!(a_values(&local), (0..6).map(Value::Int32).collect::<Vec<_>>());
    }

    #[test]
    fn df_op_5_head_reads_leading_partitions_only() {
        let df = frame();
        assert_eq!(
            a_values(&df.head(4, None).expect("head")),
            (0..4).map(Value::Int32).collect::<Vec<_>>()
        );
        assert_eq!(df.head(0, None).expect("head").num_rows(), 0);
        assert_eq!(df.head(100, None).expect("head").num_rows(), 6);
        let b = df.head(2, Some(&["b"])).expect("head");
        assert_eq!(b.schema().to_string(), "b:str");
        assert_eq!(b.num_rows(), 2);
        let err = df.head(2, Some(&["zz"])).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::DataFrameOp));
        assert_eq!(df.peek_array().ok(), Some(vec![Value::Int32(0), Value::from("s0")]));
    }

    #[test]
    fn df_op_10_14_column_ops_keep_the_layout_and_share_errors() {
        let df = frame();
        let renamed = df.rename(&[("a", "x")]).expect("rename");
        assert_eq!(renamed.num_partitions(), 3);
        assert_eq!(renamed.schema().to_string(), "x:int,b:str");
        let selected = df.select_columns(&["b"]).expect("select");
        assert_eq!((selected.num_partitions(), selected.count().ok()), (3, Some(6)));
        let altered = df.alter_columns(&"a:long".parse().expect("schema")).expect("alter");
        assert_eq!(altered.schema().to_string(), "a:long,b:str");
        assert_eq!(altered.num_partitions(), 3);
        assert_eq!(
            df.drop_columns(&["a", "b"]).err().map(|e| e.kind()),
            Some(ErrorKind::DataFrameOp)
        );
        assert_eq!(df.rename(&[("zz", "y")]).err().map(|e| e.kind()), Some(ErrorKind::DataFrameOp));
        // no partitions at all: the operation still yields the right schema
        let empty = NativeDataFrame::new(df.schema().clone(), vec![]).expect("empty");
        let dropped = empty.drop_columns(&["a"]).expect("drop");
        assert_eq!(dropped.schema().to_string(), "b:str");
        assert_eq!(dropped.count().ok(), Some(0));
    }

    #[test]
    fn df_init_partition_schema_must_match() {
        let other = LocalDataFrame::from_rows(vec![vec![Value::Int64(1)]], "a:long").expect("df");
        let err = NativeDataFrame::new("a:int".parse().expect("schema"), vec![other]).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::DataFrameInit));
    }
}
