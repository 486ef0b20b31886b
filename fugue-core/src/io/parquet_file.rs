//! One Parquet file read with arrow-rs (feature `parquet`): the reader the
//! native and Polars engines share (ENG-PQ-1, ENG-PQ-2, ENG-IO-4).

use std::fs::File;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions, StringArray, new_null_array};
use arrow::datatypes::{DataType, Field, FieldRef, Schema as ArrowSchema, SchemaRef};
use arrow::record_batch::RecordBatchReader;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{DataFile, select_batch};
use crate::{Error, Result};

/// Reads the Parquet `file` with its exact stored schema (ENG-PQ-1) plus its
/// Hive partition values as `str` columns it does not already store (a
/// null value → a null column, folder order, ENG-PQ-2), then the columns
/// `requested` in that order (ENG-IO-4). Only the requested stored columns
/// are decoded (projection pushdown). Returns the schema and the batches
/// (possibly none).
///
/// # Errors
/// `ERR-NOT-FOUND` for a requested column that is neither stored nor a
/// partition key; `ERR-IO` when the file cannot be opened; reader errors as
/// `ERR-EXECUTION` naming the file.
pub fn read_parquet_file(
    file: &DataFile,
    requested: Option<&[String]>,
) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let read_error = |e: parquet::errors::ParquetError| {
        Error::backend("parquet", format!("reading parquet {}", file.path.display()), e)
    };
    let handle = File::open(&file.path).map_err(|e| Error::io(file.path.display(), e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(handle).map_err(read_error)?;
    let stored = Arc::clone(builder.schema());
    let builder = match requested {
        None => builder,
        Some(names) => {
            let available: Vec<&str> = stored
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .chain(file.partition_values.iter().map(|(k, _)| k.as_str()))
                .collect();
            if let Some(missing) = names.iter().find(|n| !available.contains(&n.as_str())) {
                return Err(Error::not_found("column", missing.as_str(), available));
            }
            let roots = stored
                .fields()
                .iter()
                .enumerate()
                .filter(|(_, f)| names.contains(f.name()))
                .map(|(i, _)| i);
            let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
            builder.with_projection(mask)
        }
    };
    let reader = builder.build().map_err(read_error)?;
    let finish = |batch: RecordBatch| -> Result<RecordBatch> {
        let batch = with_partition_columns(batch, &file.partition_values)?;
        match requested {
            Some(names) => select_batch(&batch, names),
            None => Ok(batch),
        }
    };
    let schema = finish(RecordBatch::new_empty(reader.schema()))?.schema();
    let batches = reader
        .map(|b| {
            b.map_err(|e| {
                Error::backend("parquet", format!("reading parquet {}", file.path.display()), e)
            })
            .and_then(finish)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((schema, batches))
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
