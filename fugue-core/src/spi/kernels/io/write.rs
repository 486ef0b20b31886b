//! The writers of [`save`]: one file, a folder of part files or a Hive
//! layout, always written at the [`SaveTarget`]'s temporary path and then
//! committed, so a failed save never touches the previous output.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use crate::dataframe::DataFrame;
use crate::engine::SaveOptions;
use crate::io::{
    CsvOptions, FileFormat, FormatOptions, JsonOptions, ParquetOptions, PathKind, SaveMode,
    SaveTarget, hive_dir,
};
use crate::{Error, LocalDataFrame, Result, Schema};
use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, new_empty_array};
use arrow::compute::{SortColumn, cast, lexsort_to_indices, partition, take_record_batch};
use arrow::datatypes::{DataType, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_writer::{
    ArrowColumnChunk, ArrowColumnWriter, ArrowRowGroupWriterFactory, compute_leaves,
};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use rayon::prelude::*;

use super::file_error;

/// Saves the physical partitions `partitions` (all with the same schema) to
/// `path` (ENG-IO-1, ENG-IO-2, ENG-IO-5..10, ENG-PQ-1, ENG-CSV-1/2,
/// ENG-JSON-1).
///
/// Layouts:
/// * **one file** at `path` when `force_single` is set (ENG-IO-6, also with
///   partition keys or a partition number) or there is one partition: the
///   partitions' rows in order;
/// * **a folder** of part files `part-00000.<ext>`, ... (ENG-IO-7), one per
///   non-empty partition (one empty part when all are empty, to keep the
///   schema); also used for a single partition appended to an existing
///   folder;
/// * **Hive** (ENG-IO-8, parquet only): partition keys without
///   `force_single` → `path/k1=v1/.../part-<partition>.parquet`, the key
///   columns dropped from the files and their values (as text) in the
///   folder names.
///
/// csv writes a header only with `header=true`, nulls as empty fields and
/// no index (ENG-CSV-2); json writes one object per line with explicit
/// `null`s (ENG-JSON-1); parquet keeps the exact schema (ENG-PQ-1). Dates
/// and datetimes become ISO text in csv and json.
///
/// The mode follows [`SaveTarget`]: overwrite replaces a file or folder
/// only once the new output is complete; append adds part files to an
/// existing folder (ENG-IO-5).
///
/// # Errors
/// * `ERR-NOT-SUPPORTED`: unknown format hint or suffix, gzip, nested
///   columns in csv, partition keys with csv/json, append onto or as a
///   single file (from [`SaveTarget::commit`]);
/// * `ERR-ARG`: bad or unknown format options, a glob in `path`;
/// * `ERR-EXISTS`: error mode and `path` exists;
/// * `ERR-NOT-FOUND`: a partition key that is not a column;
/// * `ERR-SCHEMA`: every column is a partition key, or a partition's schema
///   differs from the first one's;
/// * `ERR-EXECUTION`: file-system or writer failures, naming the file;
/// * `ERR-INTERNAL`: no partition at all (the caller must pass at least an
///   empty one carrying the schema).
pub fn save(partitions: &[LocalDataFrame], path: &str, options: &SaveOptions) -> Result<()> {
    let first = partitions.first().ok_or_else(|| {
        Error::internal("save_df got no partition and so no schema; pass an empty partition")
    })?;
    let schema = first.schema().clone();
    let plan = crate::io::plan_save(&schema, path, options)?;
    let format = plan.format;
    let writer = FileWriter::new(format, &options.format_options)?;
    let keys = plan.hive_keys.as_slice();
    let key_indices = plan.hive_key_indices;
    let hive = !keys.is_empty();

    let target = SaveTarget::prepare(path, options.mode)?;
    let append_to_folder =
        options.mode == SaveMode::Append && target.existing() == PathKind::Folder;
    if hive {
        target.create_write_dir()?;
        let hive = HiveLayout { target: &target, keys, key_indices: &key_indices, format };
        partitions
            .par_iter()
            .enumerate()
            .try_for_each(|(i, p)| hive.write_partition(&writer, i, p, &schema))?;
    } else if options.force_single || (partitions.len() == 1 && !append_to_folder) {
        let batches = partitions.iter().enumerate().flat_map(|(i, p)| {
            let batches: Vec<Result<RecordBatch>> = match check_partition(i, p, &schema) {
                Ok(()) => p.batches().iter().cloned().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            batches
        });
        writer.write(target.write_path(), schema.arrow(), batches)?;
    } else {
        target.create_write_dir()?;
        let non_empty: Vec<&LocalDataFrame> =
            partitions.iter().filter(|p| p.num_rows() > 0).collect();
        if non_empty.is_empty() {
            writer.write(&target.part_path(0, format), schema.arrow(), [])?;
        }
        non_empty.par_iter().enumerate().try_for_each(|(i, p)| {
            check_partition(i, p, &schema)?;
            let batches = p.batches().iter().cloned().map(Ok);
            writer.write(&target.part_path(i, format), schema.arrow(), batches)
        })?;
    }
    target.commit()
}

/// `ERR-SCHEMA` when partition `index` does not have `schema`.
fn check_partition(index: usize, partition: &LocalDataFrame, schema: &Schema) -> Result<()> {
    if partition.schema() == schema {
        Ok(())
    } else {
        Err(Error::schema(format!(
            "partition {index} has schema `{}`, but the frame has `{schema}`",
            partition.schema()
        )))
    }
}

/// One file format's writer with its options.
enum FileWriter {
    Parquet,
    Csv(CsvOptions),
    Json,
}

impl FileWriter {
    /// The writer of `format`, its options checked (ENG-IO-10).
    fn new(format: FileFormat, options: &FormatOptions) -> Result<FileWriter> {
        Ok(match format {
            FileFormat::Parquet => {
                ParquetOptions::from_options(options)?;
                FileWriter::Parquet
            }
            FileFormat::Csv => FileWriter::Csv(CsvOptions::from_options(options)?),
            FileFormat::Json => {
                JsonOptions::from_options(options)?;
                FileWriter::Json
            }
        })
    }

    /// Writes `batches` (all with `schema`) as one new file at `path`; an
    /// error item stops the write and is returned.
    fn write(
        &self,
        path: &Path,
        schema: &SchemaRef,
        batches: impl IntoIterator<Item = Result<RecordBatch>>,
    ) -> Result<()> {
        let file = File::create(path).map_err(|e| Error::io(path.display(), e))?;
        let write_error = |e: arrow::error::ArrowError| file_error("writing", path, e);
        let mut out = match self {
            FileWriter::Parquet => {
                return write_parquet(file, schema, batches)
                    .map_err(|e| e.into_error(|e| file_error("writing", path, e)));
            }
            FileWriter::Csv(o) => {
                let mut w = arrow::csv::WriterBuilder::new()
                    .with_header(o.header)
                    .with_delimiter(o.delimiter)
                    .with_quote(o.quote)
                    .build(BufWriter::new(file));
                let mut started = false;
                for batch in batches {
                    w.write(&batch?).map_err(write_error)?;
                    started = true;
                }
                if !started {
                    // writes the header line (if any) of an empty frame
                    w.write(&RecordBatch::new_empty(Arc::clone(schema))).map_err(write_error)?;
                }
                w.into_inner()
            }
            FileWriter::Json => {
                let mut w = arrow::json::WriterBuilder::new()
                    .with_explicit_nulls(true)
                    .build::<_, arrow::json::writer::LineDelimited>(BufWriter::new(file));
                for batch in batches {
                    w.write(&batch?).map_err(write_error)?;
                }
                w.finish().map_err(write_error)?;
                w.into_inner()
            }
        };
        out.flush().map_err(|e| Error::io(path.display(), e))
    }
}

/// A failed Parquet write: the writer's own error (named by the caller)
/// or an error of the batches fed to it.
enum WriteError {
    Parquet(ParquetError),
    Input(Error),
}

impl WriteError {
    fn into_error(self, parquet: impl FnOnce(ParquetError) -> Error) -> Error {
        match self {
            WriteError::Parquet(e) => parquet(e),
            WriteError::Input(e) => e,
        }
    }
}

impl From<ParquetError> for WriteError {
    fn from(e: ParquetError) -> Self {
        WriteError::Parquet(e)
    }
}

/// Writes `batches` (all with `schema`) as one Parquet file: arrow-rs'
/// writer with its default properties (the Arrow schema embedded in the
/// footer, row groups of its default 1 Mi rows), except that each row
/// group's columns are encoded in parallel on rayon's current pool (one
/// task per top-level column, arrow-rs' `ArrowColumnWriter`s) and then
/// appended in column order: the file is the one a plain `ArrowWriter`
/// writes, produced on every core.
fn write_parquet(
    file: File,
    schema: &SchemaRef,
    batches: impl IntoIterator<Item = Result<RecordBatch>>,
) -> std::result::Result<(), WriteError> {
    // the default properties bound row groups by rows only (1 Mi)
    let max_rows = WriterProperties::default().max_row_group_row_count().unwrap_or(1 << 20);
    write_parquet_in(file, schema, batches, max_rows)
}

/// [`write_parquet`] with row groups of at most `max_rows` rows.
fn write_parquet_in(
    file: File,
    schema: &SchemaRef,
    batches: impl IntoIterator<Item = Result<RecordBatch>>,
    max_rows: usize,
) -> std::result::Result<(), WriteError> {
    let max_rows = max_rows.max(1);
    let (mut out, factory) =
        ArrowWriter::try_new(file, Arc::clone(schema), None)?.into_serialized_writer()?;
    // how many leaf columns (and so column writers) each field has
    let leaves = schema
        .fields()
        .iter()
        .map(|f| Ok(compute_leaves(f, &new_empty_array(f.data_type()))?.len()))
        .collect::<std::result::Result<Vec<usize>, ParquetError>>()?;
    let mut row_group: Vec<RecordBatch> = Vec::new();
    let mut rows = 0;
    let mut index = 0;
    for batch in batches {
        let mut batch = batch.map_err(WriteError::Input)?;
        while batch.num_rows() > 0 {
            let n = (max_rows - rows).min(batch.num_rows());
            row_group.push(batch.slice(0, n));
            rows += n;
            batch = batch.slice(n, batch.num_rows() - n);
            if rows == max_rows {
                write_row_group(&mut out, &factory, index, schema, &leaves, &row_group)?;
                (row_group, rows, index) = (Vec::new(), 0, index + 1);
            }
        }
    }
    if rows > 0 {
        write_row_group(&mut out, &factory, index, schema, &leaves, &row_group)?;
    }
    out.close()?;
    Ok(())
}

/// Encodes row group `index` (`batches`) column by column in parallel and
/// appends it to `out`.
fn write_row_group(
    out: &mut SerializedFileWriter<File>,
    factory: &ArrowRowGroupWriterFactory,
    index: usize,
    schema: &SchemaRef,
    leaves: &[usize],
    batches: &[RecordBatch],
) -> std::result::Result<(), ParquetError> {
    let mut writers = factory.create_column_writers(index)?.into_iter();
    let per_field: Vec<(usize, Vec<ArrowColumnWriter>)> =
        leaves.iter().enumerate().map(|(i, &n)| (i, writers.by_ref().take(n).collect())).collect();
    let chunks = per_field
        .into_par_iter()
        .map(|(i, mut writers)| {
            let field = schema.field(i);
            for batch in batches {
                for (w, leaf) in writers.iter_mut().zip(compute_leaves(field, batch.column(i))?) {
                    w.write(&leaf)?;
                }
            }
            writers.into_iter().map(ArrowColumnWriter::close).collect()
        })
        .collect::<std::result::Result<Vec<Vec<ArrowColumnChunk>>, ParquetError>>()?;
    let mut group = out.next_row_group()?;
    for chunk in chunks.into_iter().flatten() {
        chunk.append_to_row_group(&mut group)?;
    }
    group.close()?;
    Ok(())
}

/// The Hive layout of one save (ENG-IO-8).
struct HiveLayout<'a> {
    target: &'a SaveTarget,
    keys: &'a [String],
    key_indices: &'a [usize],
    format: FileFormat,
}

impl HiveLayout<'_> {
    /// Writes partition `index`: its rows sorted by the keys (lexsort), cut
    /// into runs of equal keys (`partition` kernel), each run without the
    /// key columns into `k1=v1/.../part-<index>.<ext>`.
    fn write_partition(
        &self,
        writer: &FileWriter,
        index: usize,
        part: &LocalDataFrame,
        schema: &Schema,
    ) -> Result<()> {
        check_partition(index, part, schema)?;
        if part.num_rows() == 0 {
            return Ok(());
        }
        let batch = part.to_batch()?;
        let sort: Vec<SortColumn> = self
            .key_indices
            .iter()
            .map(|&i| SortColumn { values: Arc::clone(batch.column(i)), options: None })
            .collect();
        let sorted = take_record_batch(&batch, &lexsort_to_indices(&sort, None)?)?;
        let key_columns: Vec<ArrayRef> =
            self.key_indices.iter().map(|&i| Arc::clone(sorted.column(i))).collect();
        let runs = partition(&key_columns)?.ranges();
        let key_text = key_columns
            .iter()
            .map(|c| cast(c, &DataType::Utf8))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let data_indices: Vec<usize> =
            (0..sorted.num_columns()).filter(|i| !self.key_indices.contains(i)).collect();
        let data = sorted.project(&data_indices)?;
        for run in runs {
            let pairs: Vec<(&str, Option<&str>)> = self
                .keys
                .iter()
                .zip(&key_text)
                .map(|(k, text)| {
                    let text = text.as_string::<i32>();
                    (k.as_str(), text.is_valid(run.start).then(|| text.value(run.start)))
                })
                .collect();
            let dir = hive_dir(self.target.write_path(), &pairs);
            fs::create_dir_all(&dir).map_err(|e| Error::io(dir.display(), e))?;
            let file = dir.join(self.target.part_name(index, self.format));
            let rows = data.slice(run.start, run.end - run.start);
            writer.write(&file, &data.schema(), [Ok(rows)])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::DataFile;
    use crate::spi::io::ParquetFile;

    /// Row groups encoded column by column in parallel read back as the
    /// rows written, split at `max_rows`, with the footer's Arrow schema
    /// the plain `ArrowWriter` writes (ENG-PQ-1), nested types included.
    #[test]
    fn eng_pq_1_parallel_row_groups_read_back_as_written() {
        let rows = (0..2_500i64)
            .map(|i| {
                let list = if i % 7 == 0 {
                    crate::Value::Null
                } else {
                    crate::Value::List((0..i % 3).map(crate::Value::Int64).collect())
                };
                vec![
                    crate::Value::Int64(i),
                    if i % 5 == 0 {
                        crate::Value::Null
                    } else {
                        crate::Value::from(format!("s{i}"))
                    },
                    list,
                ]
            })
            .collect();
        let df = LocalDataFrame::from_rows(rows, "a:long,b:str,c:[long]").expect("frame");
        let dir = tempfile::tempdir().expect("tempdir");
        let (ours, plain) = (dir.path().join("ours.parquet"), dir.path().join("plain.parquet"));
        let batches: Vec<Result<RecordBatch>> =
            df.batches().iter().map(|b| Ok(b.slice(0, b.num_rows()))).collect();
        let file = File::create(&ours).expect("create");
        assert!(write_parquet_in(file, df.schema().arrow(), batches, 1_000).is_ok());
        let mut w = ArrowWriter::try_new(
            File::create(&plain).expect("create"),
            Arc::clone(df.schema().arrow()),
            None,
        )
        .expect("writer");
        for b in df.batches() {
            w.write(b).expect("write");
        }
        w.close().expect("close");

        let open = |p: &Path| {
            let file = DataFile {
                path: p.to_path_buf(),
                format: FileFormat::Parquet,
                compression: crate::io::Compression::None,
                partition_values: vec![],
            };
            ParquetFile::open(&file).expect("open")
        };
        let (a, b) = (open(&ours), open(&plain));
        assert_eq!(a.num_rows(), 2_500);
        assert_eq!(a.schema(None).expect("schema"), b.schema(None).expect("schema"));
        let back =
            LocalDataFrame::new(df.schema().clone(), a.read(None).expect("read")).expect("df");
        assert_eq!(back.rows().expect("rows"), df.rows().expect("rows"));
        let groups = parquet::file::reader::FileReader::metadata(
            &parquet::file::serialized_reader::SerializedFileReader::new(
                File::open(&ours).expect("f"),
            )
            .expect("reader"),
        )
        .num_row_groups();
        assert_eq!(groups, 3, "2,500 rows in row groups of 1,000");
    }
}
