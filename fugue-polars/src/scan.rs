//! Arrow data as a Polars scan: a frame built from Arrow batches
//! (`to_df` of any non-Polars frame, the output of `map_dataframe`) is a
//! `LazyFrame` over [`ArrowScan`], so Polars converts only the columns a
//! plan reads (projection pushdown) and only when the plan runs.
//!
//! Converting is the zero-copy bridge ([`crate::bridge`]) for most types;
//! `str`/`bytes` columns become Polars string views (one 16-byte view per
//! row pointing into the Arrow buffer, the bytes are not copied), which is
//! the one conversion that costs time in proportion to the rows (the views
//! of all batches go into one chunk, built in parallel). Each column is
//! converted at most once per scan (kept for later plans over the same
//! frame), columns in parallel on Polars' pool; a plan that reads three of
//! sixteen columns pays for three.
//!
//! A Parquet load is the same scan over [`ParquetData`]: the files' footers
//! are read at load (schema, row count), and a plan decodes only the
//! columns it reads (projection pushdown into arrow-rs' reader, row groups
//! in parallel), each at most once. Operations that need every column
//! (`as_local_bounded`, saving, maps) read them all once and keep them.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use arrow::array::ArrayRef;
use fugue_core::spi::io::ParquetScan;
use fugue_core::{DataFrame, LocalDataFrame, Result, Schema};
use polars::prelude::{
    AnonymousScan, AnonymousScanArgs, Column, DataFrame as PlDataFrame, IntoColumn, LazyFrame,
    PlSmallStr, PolarsResult, ScanArgsAnonymous, Schema as PlSchema, SchemaRef as PlSchemaRef,
};
use rayon::prelude::*;

use crate::bridge::series_from_arrays;
use crate::error::carry;

/// Parquet files loaded as one frame and not decoded yet: the core's
/// [`ParquetScan`] (footers read: schema, row counts; each column decoded
/// at most once, when a plan reads it), run on Polars' pool (see the
/// module docs).
pub(crate) struct ParquetData {
    scan: ParquetScan,
    local: OnceLock<LocalDataFrame>,
}

impl std::fmt::Debug for ParquetData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetData")
            .field("scan", &self.scan)
            .field("read", &self.local.get().is_some())
            .finish()
    }
}

impl ParquetData {
    /// A load of `scan`'s files, read later.
    pub(crate) fn new(scan: ParquetScan) -> Self {
        ParquetData { scan, local: OnceLock::new() }
    }

    /// The fugue schema of the loaded frame.
    pub(crate) fn schema(&self) -> &Schema {
        self.scan.schema()
    }

    /// The row count, from the footers (nothing decoded).
    pub(crate) fn num_rows(&self) -> usize {
        self.scan.num_rows()
    }

    /// Every column, decoded once and kept (files in parallel, each file's
    /// row groups in parallel, on Polars' pool).
    ///
    /// # Errors
    /// Reader errors naming the file; `ERR-SCHEMA` when a file's columns
    /// do not match the schema read from its footer.
    pub(crate) fn local(&self) -> Result<&LocalDataFrame> {
        if let Some(local) = self.local.get() {
            return Ok(local);
        }
        let local = polars_core::runtime::THREAD_POOL.install(|| self.scan.read())?;
        Ok(self.local.get_or_init(|| local))
    }

    /// Every column, when [`ParquetData::local`] has read them.
    pub(crate) fn read_whole(&self) -> Option<&LocalDataFrame> {
        self.local.get()
    }

    /// The columns `names` (in that order) of every file, decoded now
    /// (once per column); from the kept frame once [`ParquetData::local`]
    /// has read everything.
    fn columns(&self, names: &[String]) -> Result<LocalDataFrame> {
        let cols: Vec<&str> = names.iter().map(String::as_str).collect();
        if let Some(local) = self.local.get() {
            return local.select_columns(&cols)?.as_local_bounded();
        }
        let picked = self.scan.select_columns(&cols)?;
        polars_core::runtime::THREAD_POOL.install(|| picked.read())
    }
}

/// Where an [`ArrowScan`] reads its columns from.
enum Source {
    /// Arrow batches in memory.
    Local(LocalDataFrame),
    /// Parquet files, decoded when read.
    Parquet(Arc<ParquetData>),
}

/// Arrow batches read by Polars as an anonymous scan with projection
/// pushdown (see the module docs). The Polars schema is the one the bridge
/// gives each Arrow type (`str` → `String`, a map → `List(Struct)`, ...).
pub(crate) struct ArrowScan {
    source: Source,
    schema: PlSchemaRef,
    converted: Mutex<HashMap<PlSmallStr, Column>>,
}

impl ArrowScan {
    /// A scan over `local`.
    ///
    /// # Errors
    /// `ERR-EXECUTION` when Polars rejects a column type.
    pub(crate) fn new(local: LocalDataFrame) -> Result<Self> {
        let schema = Self::polars_schema_of(local.schema())?;
        Ok(ArrowScan {
            source: Source::Local(local),
            schema,
            converted: Mutex::new(HashMap::new()),
        })
    }

    /// A scan over Parquet files, decoding the columns a plan reads.
    ///
    /// # Errors
    /// `ERR-EXECUTION` when Polars rejects a column type.
    pub(crate) fn parquet(data: Arc<ParquetData>) -> Result<Self> {
        let schema = Self::polars_schema_of(data.schema())?;
        Ok(ArrowScan {
            source: Source::Parquet(data),
            schema,
            converted: Mutex::new(HashMap::new()),
        })
    }

    fn polars_schema_of(fugue: &Schema) -> Result<PlSchemaRef> {
        let mut schema = PlSchema::with_capacity(fugue.len());
        for field in fugue.fields() {
            // the dtype Polars gives a converted column of this type
            let empty = series_from_arrays(field.name(), &[], field.data_type())?;
            schema.insert(PlSmallStr::from_str(field.name()), empty.dtype().clone());
        }
        Ok(Arc::new(schema))
    }

    fn num_rows(&self) -> usize {
        match &self.source {
            Source::Local(local) => local.num_rows(),
            Source::Parquet(data) => data.num_rows(),
        }
    }

    /// The columns `names` (in that order) as Arrow, read from the source.
    fn arrow_columns(&self, names: &[PlSmallStr]) -> Result<LocalDataFrame> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        match &self.source {
            Source::Local(local) => local
                .select_columns(&names.iter().map(String::as_str).collect::<Vec<_>>())?
                .as_local_bounded(),
            Source::Parquet(data) => data.columns(&names),
        }
    }

    /// The Polars schema of the scan.
    pub(crate) fn polars_schema(&self) -> PlSchemaRef {
        Arc::clone(&self.schema)
    }

    /// Column `name` (at `index`) of `local` as a Polars column, through
    /// [`series_from_arrays`]: primitive chunks shared, `str`/`bytes`
    /// chunks as one string-view chunk.
    fn convert(local: &LocalDataFrame, name: &str, index: usize) -> Result<Column> {
        let field = &local.schema().fields()[index];
        let chunks: Vec<ArrayRef> =
            local.batches().iter().map(|b| b.column(index).clone()).collect();
        Ok(series_from_arrays(name, &chunks, field.data_type())?.into_column())
    }

    /// The columns `names` (all when `None`) of the first `n_rows` rows.
    fn columns(&self, names: &[PlSmallStr], n_rows: Option<usize>) -> Result<PlDataFrame> {
        if let Some(n) = n_rows.filter(|n| *n < self.num_rows()) {
            // `head`: convert the slice only, keep nothing
            let sliced = self.arrow_columns(names)?.slice(0, n);
            let columns = names
                .iter()
                .enumerate()
                .map(|(i, name)| Self::convert(&sliced, name, i))
                .collect::<Result<Vec<_>>>()?;
            return new_frame(sliced.num_rows(), columns);
        }
        let missing: Vec<PlSmallStr> = {
            let done = self.converted.lock().map_err(|_| poisoned())?;
            names.iter().filter(|n| !done.contains_key(*n)).cloned().collect()
        };
        let fresh = if missing.is_empty() {
            Vec::new()
        } else {
            // one read of the missing columns (one decode pass for Parquet)
            let read = self.arrow_columns(&missing)?;
            polars_core::runtime::THREAD_POOL.install(|| {
                missing
                    .par_iter()
                    .enumerate()
                    .map(|(i, n)| Ok((n.clone(), Self::convert(&read, n, i)?)))
                    .collect::<Result<Vec<_>>>()
            })?
        };
        let mut done = self.converted.lock().map_err(|_| poisoned())?;
        done.extend(fresh);
        let columns = names
            .iter()
            .map(|n| {
                done.get(n).cloned().ok_or_else(|| {
                    fugue_core::Error::internal(format!("arrow scan lost column `{n}`"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        new_frame(self.num_rows(), columns)
    }
}

/// A Polars lazy frame reading `scan`.
///
/// # Errors
/// Polars errors building the plan.
pub(crate) fn lazy_scan(scan: Arc<ArrowScan>) -> Result<LazyFrame> {
    let args = ScanArgsAnonymous {
        schema: Some(scan.polars_schema()),
        name: "ARROW SCAN",
        ..ScanArgsAnonymous::default()
    };
    LazyFrame::anonymous_scan(scan, args).map_err(|e| crate::error::from_polars(e, "arrow scan"))
}

fn poisoned() -> fugue_core::Error {
    fugue_core::Error::internal("a thread panicked while converting arrow columns")
}

fn new_frame(height: usize, columns: Vec<Column>) -> Result<PlDataFrame> {
    PlDataFrame::new(height, columns).map_err(|e| crate::error::from_polars(e, "arrow scan"))
}

impl AnonymousScan for ArrowScan {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn scan(&self, args: AnonymousScanArgs) -> PolarsResult<PlDataFrame> {
        let names: Vec<PlSmallStr> = match (&args.output_schema, &args.with_columns) {
            (Some(out), _) => out.iter_names().cloned().collect(),
            (None, Some(cols)) => cols.to_vec(),
            (None, None) => self.schema.iter_names().cloned().collect(),
        };
        self.columns(&names, args.n_rows).map_err(carry)
    }

    fn schema(&self, _infer_schema_length: Option<usize>) -> PolarsResult<PlSchemaRef> {
        Ok(self.polars_schema())
    }

    fn allows_projection_pushdown(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{Array, Int64Array, RecordBatch, StringArray};
    use fugue_core::DataFrame;
    use polars::prelude::{IdxSize, col};

    use super::*;
    use crate::PolarsDataFrame;

    /// `a:long,b:str,c:long` in two batches.
    fn local() -> LocalDataFrame {
        let schema: fugue_core::Schema = "a:long,b:str,c:long".parse().expect("schema");
        let batch = |from: i64| {
            RecordBatch::try_new(
                schema.arrow().clone(),
                vec![
                    Arc::new(Int64Array::from_iter_values(from..from + 3)) as ArrayRef,
                    Arc::new(StringArray::from(vec!["x", "a longer string value", "z"])),
                    Arc::new(Int64Array::from(vec![Some(7), None, Some(9)])),
                ],
            )
            .expect("batch")
        };
        LocalDataFrame::new(schema.clone(), vec![batch(0), batch(3)]).expect("frame")
    }

    fn converted(scan: &ArrowScan) -> Vec<String> {
        let mut names: Vec<String> =
            scan.converted.lock().expect("lock").keys().map(|k| k.to_string()).collect();
        names.sort();
        names
    }

    #[test]
    fn eng_todf_2_plans_convert_only_the_columns_they_read() {
        let scan = Arc::new(ArrowScan::new(local()).expect("scan"));
        assert!(converted(&scan).is_empty(), "building the scan converts nothing");
        let lazy = lazy_scan(Arc::clone(&scan)).expect("lazy");
        let out = lazy.clone().select([col("c")]).collect().expect("collect");
        assert_eq!(out.height(), 6);
        assert_eq!(out.column("c").expect("c").null_count(), 2);
        assert_eq!(converted(&scan), ["c"], "projection pushed into the scan");
        let out = lazy.select([col("b"), col("c")]).collect().expect("collect");
        assert_eq!(
            out.column("b").expect("b").str().expect("str").get(4),
            Some("a longer string value")
        );
        assert_eq!(converted(&scan), ["b", "c"], "`c` reused, `b` added");
    }

    #[test]
    fn head_converts_only_the_rows_it_returns_and_keeps_nothing() {
        let scan = Arc::new(ArrowScan::new(local()).expect("scan"));
        let out = lazy_scan(Arc::clone(&scan))
            .expect("lazy")
            .limit(2 as IdxSize)
            .collect()
            .expect("collect");
        assert_eq!(out.height(), 2);
        assert_eq!(out.width(), 3);
        assert!(converted(&scan).is_empty());
    }

    #[test]
    fn eng_todf_2_frames_from_arrow_give_back_the_same_buffers() {
        let local = local();
        let df = PolarsDataFrame::from_local(&local).expect("frame");
        let back = df.as_local_bounded().expect("back");
        for (x, y) in local.batches().iter().zip(back.batches()) {
            for (cx, cy) in x.columns().iter().zip(y.columns()) {
                assert_eq!(cx.to_data().buffers()[0].as_ptr(), cy.to_data().buffers()[0].as_ptr());
            }
        }
        assert_eq!(df.count().expect("count"), 6);
        let selected = df.select_columns(&["c", "a"]).expect("select");
        assert!(selected.downcast_ref::<PolarsDataFrame>().and_then(|p| p.arrow()).is_some());
        assert_eq!(selected.schema().to_string(), "c:long,a:long");
        // the same rows through a Polars plan
        let computed = df.collect().expect("collect");
        assert_eq!(computed.height(), 6);
        assert_eq!(
            computed.column("a").expect("a").i64().expect("i64").into_no_null_iter().sum::<i64>(),
            15
        );
    }

    /// `local()` written to a Parquet file of two row groups (4 rows each
    /// at most), opened as the Polars engine's load does.
    fn parquet_data(dir: &std::path::Path) -> ParquetData {
        let path = dir.join("t.parquet");
        let file = std::fs::File::create(&path).expect("create");
        let local = local();
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_row_count(Some(4))
            .build();
        let mut writer =
            parquet::arrow::ArrowWriter::try_new(file, local.schema().arrow().clone(), Some(props))
                .expect("writer");
        for b in local.batches() {
            writer.write(b).expect("write");
        }
        writer.close().expect("close");
        let p = path.to_string_lossy().to_string();
        let files = fugue_core::spi::io::plan_load(
            &[p.as_str()],
            &fugue_core::engine::LoadOptions::default(),
        )
        .expect("plan");
        let opened = fugue_core::spi::io::ParquetFile::open(&files[0]).expect("open");
        ParquetData::new(ParquetScan::from_files(vec![opened], local.schema().clone()))
    }

    #[test]
    fn eng_io_4_a_parquet_scan_decodes_only_the_columns_a_plan_reads() {
        let dir = tempfile::tempdir().expect("dir");
        let data = Arc::new(parquet_data(dir.path()));
        assert_eq!(data.num_rows(), 6, "rows from the footer");
        let scan = Arc::new(ArrowScan::parquet(Arc::clone(&data)).expect("scan"));
        let lazy = lazy_scan(Arc::clone(&scan)).expect("lazy");
        let out = lazy.clone().select([col("c")]).collect().expect("collect");
        assert_eq!(out.height(), 6);
        assert_eq!(out.column("c").expect("c").null_count(), 2);
        assert_eq!(converted(&scan), ["c"], "projection pushed into the Parquet read");
        assert!(data.read_whole().is_none(), "the file was not read whole");
        // a limited plan reads the slice it returns
        let head = lazy.limit(2 as IdxSize).collect().expect("head");
        assert_eq!(head.height(), 2);
        assert_eq!(converted(&scan), ["c"], "head keeps nothing");
        // everything, once, in file order over both row groups
        let whole = data.local().expect("read");
        assert_eq!(whole.rows().expect("rows"), local().rows().expect("rows"));
        assert!(data.read_whole().is_some());
    }
}
