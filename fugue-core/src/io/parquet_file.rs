//! One Parquet file read with arrow-rs (feature `parquet`): the reader the
//! native and Polars engines share (ENG-PQ-1, ENG-PQ-2, ENG-IO-4).

use std::fs::File;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions, StringArray, new_null_array};
use arrow::datatypes::{DataType, Field, FieldRef, Schema as ArrowSchema, SchemaRef};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};

use super::{DataFile, select_batch};
use crate::{Error, Result};

/// Reads the Parquet `file` with its exact stored schema (ENG-PQ-1) plus its
/// Hive partition values as `str` columns it does not already store (a
/// null value → a null column, folder order, ENG-PQ-2), then the columns
/// `requested` in that order (ENG-IO-4). Only the requested stored columns
/// are decoded (projection pushdown). Returns the schema and the batches
/// (possibly none), in the file's row order. The same as
/// [`ParquetFile::open`] then [`ParquetFile::read`].
///
/// # Errors
/// `ERR-NOT-FOUND` for a requested column that is neither stored nor a
/// partition key; `ERR-IO` when the file cannot be opened; reader errors as
/// `ERR-EXECUTION` naming the file.
pub fn read_parquet_file(
    file: &DataFile,
    requested: Option<&[String]>,
) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let parquet = ParquetFile::open(file)?;
    Ok((parquet.schema(requested)?, parquet.read(requested)?))
}

/// One Parquet file whose footer has been read: its schema and row count
/// are known without decoding any data, and [`ParquetFile::read`] decodes
/// the columns asked for. What engines with lazy loads (the Polars engine's
/// Parquet scan) keep between the load and the plan that reads it.
///
/// Row groups are decoded in parallel on rayon's current pool, one task
/// per row group, and their batches are concatenated in row-group order: a
/// file of several row groups (1 Mi rows each by default in arrow-rs'
/// writer, so 6 for TPC-H `lineitem` at SF 1) loads on every core. A file
/// of one row group is one task.
#[derive(Clone)]
pub struct ParquetFile {
    file: DataFile,
    metadata: ArrowReaderMetadata,
}

impl std::fmt::Debug for ParquetFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetFile")
            .field("path", &self.file.path)
            .field("rows", &self.num_rows())
            .finish_non_exhaustive()
    }
}

impl ParquetFile {
    /// Opens `file` and reads its footer (no data pages).
    ///
    /// # Errors
    /// `ERR-IO` when the file cannot be opened; footer errors as
    /// `ERR-EXECUTION` naming the file.
    pub fn open(file: &DataFile) -> Result<ParquetFile> {
        let handle = File::open(&file.path).map_err(|e| Error::io(file.path.display(), e))?;
        let metadata = ArrowReaderMetadata::load(&handle, ArrowReaderOptions::default())
            .map_err(|e| read_error(file, e))?;
        Ok(ParquetFile { file: file.clone(), metadata })
    }

    /// The file's rows, from the footer.
    pub fn num_rows(&self) -> usize {
        let rows = self.metadata.metadata().file_metadata().num_rows();
        usize::try_from(rows).unwrap_or(0)
    }

    /// The Arrow schema [`ParquetFile::read`] gives for `requested`: the
    /// stored schema plus partition columns (ENG-PQ-1/2), then the
    /// `requested` columns in that order (ENG-IO-4).
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` for a requested column that is neither stored nor a
    /// partition key.
    pub fn schema(&self, requested: Option<&[String]>) -> Result<SchemaRef> {
        self.check_requested(requested)?;
        let empty = RecordBatch::new_empty(Arc::clone(self.metadata.schema()));
        Ok(self.finish(empty, requested)?.schema())
    }

    /// Decodes the `requested` columns (all when `None`) of every row
    /// group, in parallel (see the type's docs), in row order.
    ///
    /// # Errors
    /// As [`ParquetFile::schema`]; `ERR-IO` when the file cannot be
    /// reopened; reader errors as `ERR-EXECUTION` naming the file.
    pub fn read(&self, requested: Option<&[String]>) -> Result<Vec<RecordBatch>> {
        use rayon::prelude::*;
        self.check_requested(requested)?;
        let stored = self.metadata.schema();
        let mask = requested.map(|names| {
            let roots = stored
                .fields()
                .iter()
                .enumerate()
                .filter(|(_, f)| names.contains(f.name()))
                .map(|(i, _)| i);
            ProjectionMask::roots(self.metadata.parquet_schema(), roots)
        });
        let decode = |row_groups: Option<Vec<usize>>| -> Result<Vec<RecordBatch>> {
            let handle =
                File::open(&self.file.path).map_err(|e| Error::io(self.file.path.display(), e))?;
            let mut builder =
                ParquetRecordBatchReaderBuilder::new_with_metadata(handle, self.metadata.clone());
            if let Some(mask) = &mask {
                builder = builder.with_projection(mask.clone());
            }
            if let Some(groups) = row_groups {
                builder = builder.with_row_groups(groups);
            }
            let reader = builder.build().map_err(|e| read_error(&self.file, e))?;
            reader
                .map(|b| {
                    b.map_err(|e| read_error(&self.file, e)).and_then(|b| self.finish(b, requested))
                })
                .collect()
        };
        let groups = self.metadata.metadata().num_row_groups();
        if groups > 1 {
            let parts = (0..groups)
                .into_par_iter()
                .map(|g| decode(Some(vec![g])))
                .collect::<Result<Vec<Vec<RecordBatch>>>>()?;
            Ok(parts.into_iter().flatten().collect())
        } else {
            decode(None)
        }
    }

    /// `ERR-NOT-FOUND` for a requested name that is neither stored nor a
    /// partition key.
    fn check_requested(&self, requested: Option<&[String]>) -> Result<()> {
        let Some(names) = requested else { return Ok(()) };
        let available: Vec<&str> = self
            .metadata
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .chain(self.file.partition_values.iter().map(|(k, _)| k.as_str()))
            .collect();
        match names.iter().find(|n| !available.contains(&n.as_str())) {
            Some(missing) => Err(Error::not_found("column", missing.as_str(), available)),
            None => Ok(()),
        }
    }

    /// A decoded batch with the partition columns added and `requested`
    /// selected.
    fn finish(&self, batch: RecordBatch, requested: Option<&[String]>) -> Result<RecordBatch> {
        let batch = with_partition_columns(batch, &self.file.partition_values)?;
        match requested {
            Some(names) => select_batch(&batch, names),
            None => Ok(batch),
        }
    }
}

/// A reader error on `file`, as `ERR-EXECUTION` naming it.
fn read_error(file: &DataFile, e: impl Into<crate::error::BoxError>) -> Error {
    Error::backend("parquet", format!("reading parquet {}", file.path.display()), e)
}

/// `batch` plus one `str` column per Hive partition value it does not
/// already store (a null value → a null column), in folder order (ENG-PQ-2).
fn with_partition_columns(
    batch: RecordBatch,
    values: &[(String, Option<String>)],
) -> Result<RecordBatch> {
    let schema = batch.schema();
    let extra: Vec<&(String, Option<String>)> =
        values.iter().filter(|(k, _)| schema.index_of(k).is_err()).collect();
    if extra.is_empty() {
        return Ok(batch);
    }
    let rows = batch.num_rows();
    let mut fields: Vec<FieldRef> = schema.fields().iter().cloned().collect();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    for (key, value) in extra {
        if fields.iter().any(|f| f.name() == key) {
            continue; // the same key twice in the folder path: the outer one wins
        }
        fields.push(Arc::new(Field::new(key, DataType::Utf8, true)));
        columns.push(match value {
            Some(v) => Arc::new(StringArray::new_repeated(v, rows)),
            None => new_null_array(&DataType::Utf8, rows),
        });
    }
    let schema = Arc::new(ArrowSchema::new_with_metadata(fields, schema.metadata().clone()));
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(schema, columns, &options)?)
}
