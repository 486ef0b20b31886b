//! `LocalDataFrame`: a bounded, in-memory frame of Arrow record batches.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef};
use arrow::compute::concat_batches;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

use super::{DataFrame, DataFrameRef, Metadata, check_dataframe_schema, ops};
use crate::error::{Error, Result};
use crate::schema::Schema;
use crate::spi::kernels::PARALLEL_MIN_ROWS;
use crate::value::{Row, batch_rows, cast_array, rows_to_batch};

/// A local, bounded DataFrame: a [`Schema`] plus Arrow record batches
/// (DF-KIND-2 "local bounded"). It is what user functions receive and
/// return inside `map_dataframe` (ENG-MAP-3).
///
/// Cloning is cheap: batches share their Arrow buffers and the metadata is
/// reference counted, so a clone is the same data (DF-KIND-3 identity).
/// Every batch has exactly the frame's Arrow schema: batches whose columns
/// carry other but equivalent types (`Utf8View`, `LargeUtf8`, a non-null
/// list item, ...) are cast to the normalised types at construction
/// (SCH-TYPE-8).
#[derive(Clone, Debug)]
pub struct LocalDataFrame {
    schema: Schema,
    batches: Vec<RecordBatch>,
    metadata: Arc<Metadata>,
}

impl LocalDataFrame {
    /// A frame from `batches` that all follow `schema` (types are normalised
    /// by casting when they differ only in representation).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty schema; `ERR-DF-INIT` when a batch has a
    /// different column count or names; `ERR-CAST` when a column cannot be
    /// cast to the schema's type.
    pub fn new(schema: Schema, batches: Vec<RecordBatch>) -> Result<Self> {
        check_dataframe_schema(&schema)?;
        let batches = batches
            .into_iter()
            .filter(|b| b.num_rows() > 0)
            .map(|b| conform_batch(&schema, b))
            .collect::<Result<Vec<_>>>()?;
        Ok(LocalDataFrame { schema, batches, metadata: Arc::new(Metadata::new()) })
    }

    /// A frame from one record batch; the schema comes from the batch,
    /// normalised (SCH-BUILD-1, ENG-TODF-4).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for unsupported Arrow types or an empty schema.
    pub fn from_batch(batch: RecordBatch) -> Result<Self> {
        let schema = Schema::from_arrow(batch.schema().as_ref())?;
        Self::new(schema, vec![batch])
    }

    /// A frame from record batches with a common schema; the schema comes
    /// from the first batch (ENG-TODF-4).
    ///
    /// # Errors
    /// `ERR-DF-INIT` when `batches` is empty (no schema) or the batches
    /// disagree; `ERR-SCHEMA` for unsupported types.
    pub fn from_batches(batches: Vec<RecordBatch>) -> Result<Self> {
        let first = batches
            .first()
            .ok_or_else(|| Error::df_init("no record batches and no schema given"))?;
        let schema = Schema::from_arrow(first.schema().as_ref())?;
        Self::new(schema, batches)
    }

    /// An empty frame with `schema` (DF-VAL-12).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty schema.
    pub fn empty(schema: Schema) -> Result<Self> {
        Self::new(schema, Vec::new())
    }

    /// A frame from rows of values and a schema (a [`Schema`] or a schema
    /// expression), converting values per DF-VAL-1..12 (ENG-TODF-3).
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` for a bad expression; `ERR-SCHEMA` for an empty
    /// schema; `ERR-ARG` for a row of the wrong length; `ERR-CAST` for a
    /// value that does not fit its column.
    pub fn from_rows<S>(rows: Vec<Row>, schema: S) -> Result<Self>
    where
        S: TryInto<Schema>,
        Error: From<S::Error>,
    {
        let schema: Schema = schema.try_into()?;
        check_dataframe_schema(&schema)?;
        let batch = rows_to_batch(schema.arrow(), &rows)?;
        Self::new(schema, vec![batch])
    }

    /// The record batches (none of them empty).
    pub fn batches(&self) -> &[RecordBatch] {
        &self.batches
    }

    /// The record batches, by value.
    pub fn into_batches(self) -> Vec<RecordBatch> {
        self.batches
    }

    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The whole frame as one record batch with the frame's Arrow schema.
    ///
    /// # Errors
    /// Arrow errors while concatenating (out of memory, offset overflow).
    pub fn to_batch(&self) -> Result<RecordBatch> {
        match self.batches.as_slice() {
            [one] => Ok(one.clone()),
            many if self.schema.len() > 1 && self.num_rows() >= PARALLEL_MIN_ROWS => {
                // each column concatenated on its own, in parallel
                use rayon::prelude::*;
                let columns = (0..self.schema.len())
                    .into_par_iter()
                    .map(|i| {
                        let arrays: Vec<&dyn Array> =
                            many.iter().map(|b| b.column(i).as_ref()).collect();
                        Ok(arrow::compute::concat(&arrays)?)
                    })
                    .collect::<Result<Vec<ArrayRef>>>()?;
                let options = RecordBatchOptions::new().with_row_count(Some(self.num_rows()));
                Ok(RecordBatch::try_new_with_options(
                    Arc::clone(self.schema.arrow()),
                    columns,
                    &options,
                )?)
            }
            _ => Ok(concat_batches(self.schema.arrow(), &self.batches)?),
        }
    }

    /// The column `name` as one Arrow array (concatenated over batches).
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` for a missing column.
    pub fn column(&self, name: &str) -> Result<ArrayRef> {
        let idx = self.schema.index_of(name)?;
        Ok(self.to_batch()?.column(idx).clone())
    }

    /// This frame with `metadata` replacing its metadata (DF-META-1).
    pub fn with_metadata_map(mut self, metadata: Metadata) -> Self {
        self.metadata = Arc::new(metadata);
        self
    }

    /// All rows as values in schema order (DF-OP-6).
    ///
    /// # Errors
    /// Only for corrupt arrays.
    pub fn rows(&self) -> Result<Vec<Row>> {
        self.rows_of(None)
    }

    /// Rows restricted to `columns` in the requested order (DF-OP-6).
    ///
    /// # Errors
    /// `ERR-ARG` when `columns` is an empty list; `ERR-NOT-FOUND` when a
    /// column does not exist.
    pub fn rows_of(&self, columns: Option<&[&str]>) -> Result<Vec<Row>> {
        let indices = match columns {
            None => None,
            Some([]) => return Err(Error::arg("columns", "must not be an empty list")),
            Some(cols) => {
                Some(cols.iter().map(|c| self.schema.index_of(c)).collect::<Result<Vec<_>>>()?)
            }
        };
        let mut out = Vec::with_capacity(self.num_rows());
        for b in &self.batches {
            out.extend(batch_rows(b, indices.as_deref())?);
        }
        Ok(out)
    }

    /// Rows `offset .. offset + len` (clamped to the frame) as a new frame
    /// sharing the data.
    pub fn slice(&self, offset: usize, len: usize) -> LocalDataFrame {
        let mut out = Vec::new();
        let mut skip = offset;
        let mut left = len;
        for b in &self.batches {
            if left == 0 {
                break;
            }
            if skip >= b.num_rows() {
                skip -= b.num_rows();
                continue;
            }
            let take = (b.num_rows() - skip).min(left);
            out.push(b.slice(skip, take));
            left -= take;
            skip = 0;
        }
        LocalDataFrame {
            schema: self.schema.clone(),
            batches: out,
            metadata: self.metadata.clone(),
        }
    }

    /// This frame with `column` appended as `name` (or replacing the column
    /// of that name in place); the column's type comes from the array
    /// (SCH-TYPE-8 normalisation applies). The frame's batches are
    /// concatenated first when there is more than one; the array must have
    /// one value per row.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use fugue_core::{DataFrame, LocalDataFrame};
    /// use fugue_core::arrow::array::Int64Array;
    ///
    /// let df = LocalDataFrame::from_rows(vec![vec!["a".into()], vec!["b".into()]], "k:str")?;
    /// let df = df.with_column("rn", Arc::new(Int64Array::from(vec![1, 2])))?;
    /// assert_eq!(df.schema().to_string(), "k:str,rn:long");
    /// # Ok::<(), fugue_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// `ERR-ARG` when the array length differs from the row count;
    /// `ERR-SCHEMA` for an invalid name or an unsupported type.
    pub fn with_column(&self, name: &str, column: ArrayRef) -> Result<LocalDataFrame> {
        if column.len() != self.num_rows() {
            return Err(Error::arg(
                name,
                format!(
                    "the new column has {} values but the frame has {} rows",
                    column.len(),
                    self.num_rows()
                ),
            ));
        }
        let batch = self.to_batch()?;
        let mut fields: Vec<arrow::datatypes::FieldRef> = batch.schema().fields().to_vec();
        let mut columns = batch.columns().to_vec();
        let field = Arc::new(arrow::datatypes::Field::new(name, column.data_type().clone(), true));
        match fields.iter().position(|f| f.name() == name) {
            Some(i) => {
                fields[i] = field;
                columns[i] = column;
            }
            None => {
                fields.push(field);
                columns.push(column);
            }
        }
        let arrow_schema = Arc::new(arrow::datatypes::Schema::new(fields));
        let schema = Schema::from_arrow(arrow_schema.as_ref())?;
        let out = RecordBatch::try_new_with_options(
            arrow_schema,
            columns,
            &RecordBatchOptions::new().with_row_count(Some(self.num_rows())),
        )?;
        LocalDataFrame::new(schema, vec![out])
    }

    /// A frame with the same metadata over new batches of a new schema
    /// (used by column operations).
    fn derive(&self, schema: Schema, batches: Vec<RecordBatch>) -> Result<LocalDataFrame> {
        let mut df = LocalDataFrame::new(schema, batches)?;
        df.metadata = Arc::new(Metadata::new());
        Ok(df)
    }

    /// Projects to the column positions `indices` under `schema`.
    fn project(&self, schema: Schema, indices: &[usize]) -> Result<LocalDataFrame> {
        let batches = self
            .batches
            .iter()
            .map(|b| {
                let cols = indices.iter().map(|&i| b.column(i).clone()).collect();
                new_batch(&schema, cols, b.num_rows())
            })
            .collect::<Result<Vec<_>>>()?;
        self.derive(schema, batches)
    }

    pub(crate) fn select_columns_local(&self, columns: &[&str]) -> Result<LocalDataFrame> {
        let schema = ops::select_columns_schema(&self.schema, columns)?;
        let idx = columns.iter().map(|c| self.schema.index_of(c)).collect::<Result<Vec<_>>>()?;
        self.project(schema, &idx)
    }
}

/// Makes a batch from columns under `schema`, allowing zero columns.
fn new_batch(schema: &Schema, columns: Vec<ArrayRef>, rows: usize) -> Result<RecordBatch> {
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(schema.arrow().clone(), columns, &options)?)
}

/// Casts the columns of `batch` to `schema`'s types where they differ and
/// rebinds it to the schema (SCH-TYPE-8).
pub(crate) fn conform_batch(schema: &Schema, batch: RecordBatch) -> Result<RecordBatch> {
    if batch.schema().as_ref() == schema.arrow().as_ref() {
        return Ok(batch);
    }
    if batch.num_columns() != schema.len() {
        return Err(Error::df_init(format!(
            "a record batch has {} columns but the schema `{}` has {}",
            batch.num_columns(),
            schema,
            schema.len()
        )));
    }
    let mut columns = Vec::with_capacity(schema.len());
    for (i, field) in schema.fields().iter().enumerate() {
        let batch_schema = batch.schema();
        let bf = batch_schema.field(i);
        if bf.name() != field.name() {
            return Err(Error::df_init(format!(
                "record batch column {i} is `{}` but the schema `{}` expects `{}`",
                bf.name(),
                schema,
                field.name()
            )));
        }
        let col = batch.column(i);
        if col.data_type() == field.data_type() {
            columns.push(col.clone());
        } else {
            columns.push(cast_array(col, field.data_type())?);
        }
    }
    new_batch(schema, columns, batch.num_rows())
}

impl DataFrame for LocalDataFrame {
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
        1
    }

    fn count(&self) -> Result<usize> {
        Ok(self.num_rows())
    }

    fn is_empty(&self) -> Result<bool> {
        Ok(self.num_rows() == 0)
    }

    fn as_local_bounded(&self) -> Result<LocalDataFrame> {
        Ok(self.clone())
    }

    fn head(&self, n: usize, columns: Option<&[&str]>) -> Result<LocalDataFrame> {
        let df = match columns {
            Some(cols) => self.select_columns_local(cols)?,
            None => self.clone(),
        };
        Ok(df.slice(0, n))
    }

    fn rename(&self, pairs: &[(&str, &str)]) -> Result<DataFrameRef> {
        if pairs.is_empty() {
            return Ok(Arc::new(self.clone()));
        }
        let schema = ops::rename_schema(&self.schema, pairs)?;
        let idx: Vec<usize> = (0..self.schema.len()).collect();
        Ok(Arc::new(self.project(schema, &idx)?))
    }

    fn drop_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        let schema = ops::drop_columns_schema(&self.schema, columns)?;
        let names = schema.names();
        Ok(Arc::new(self.select_columns_local(&names)?))
    }

    fn select_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        Ok(Arc::new(self.select_columns_local(columns)?))
    }

    fn alter_columns(&self, subschema: &Schema) -> Result<DataFrameRef> {
        let schema = ops::alter_columns_schema(&self.schema, subschema)?;
        if schema == self.schema {
            return Ok(Arc::new(self.clone()));
        }
        let batches = self
            .batches
            .iter()
            .map(|b| {
                let cols = b
                    .columns()
                    .iter()
                    .zip(schema.fields().iter())
                    .map(|(c, f)| {
                        if c.data_type() == f.data_type() {
                            Ok(c.clone())
                        } else {
                            cast_array(c, f.data_type())
                        }
                    })
                    .collect::<Result<Vec<_>>>()?;
                new_batch(&schema, cols, b.num_rows())
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(self.derive(schema, batches)?))
    }
}
