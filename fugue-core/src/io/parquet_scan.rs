//! A lazy Parquet load: files whose footers are read, plus the column
//! operations applied since (select, drop, rename, alter), decoded on first
//! use. Engines whose frames are local Arrow data (the native engine) keep
//! one of these instead of decoding every column at `load_df`
//! (ENG-IO-1..4, ENG-PQ-1/2, DF-OP-10..14).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use arrow::array::{ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions};
use arrow::compute::filter_record_batch;
use arrow::datatypes::DataType;
use rayon::prelude::*;

use super::parquet_file::ParquetFile;
use super::{DataFile, FileFormat, LoadColumns, ParquetOptions};
use crate::dataframe::ops::{
    alter_columns_schema, drop_columns_schema, rename_schema, select_columns_schema,
};
use crate::engine::LoadOptions;
use crate::expr::{ColumnExpr, columns_read};
use crate::spi::kernels::evaluate_predicate;
use crate::spi::select::plan_filter;
use crate::spi::typed::TypedExpr;
use crate::value::cast_array;
use crate::{Error, LocalDataFrame, Result, Schema};

/// Parquet files loaded as one frame and not decoded yet (their footers are
/// read: schema, row count), with column operations recorded instead of
/// run. [`ParquetScan::read`] decodes only the stored columns the frame
/// still has, each at most once per load (decoded columns are shared by
/// every scan derived from the same load), then applies the renames and
/// casts.
///
/// The rows are those of the eager load (`kernels::load`): files in listing
/// order, each file's rows in order, the same schema rules (ENG-PQ-1/2,
/// ENG-IO-4) and the same DF-CAST casts in the order they were asked for.
/// Cast errors (`ERR-CAST`) and reader errors surface at `read`, which the
/// frame API allows ("at the latest when materialised", DF-OP-14).
///
/// Cloning is cheap (the files and decoded columns are shared).
///
/// ```no_run
/// use fugue_core::engine::LoadOptions;
/// use fugue_core::spi::io::ParquetScan;
///
/// let scan = ParquetScan::open(&["data/lineitem.parquet"], &LoadOptions::default())?
///     .expect("every listed file is Parquet");
/// let two = scan
///     .select_columns(&["l_orderkey", "l_quantity"])?
///     .rename(&[("l_orderkey", "orderkey")])?;
/// assert_eq!(two.schema().names(), ["orderkey", "l_quantity"]);
/// let rows = two.num_rows(); // from the footers
/// let local = two.read()?; // decodes two columns
/// assert_eq!(local.num_rows(), rows);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Clone)]
pub struct ParquetScan {
    source: Arc<Source>,
    /// The output columns, one per field of `schema`.
    columns: Vec<ScanColumn>,
    schema: Schema,
    /// A recorded `filter`: only the rows it keeps are read.
    filter: Option<Arc<RowFilter>>,
}

/// A filter recorded on a scan (ENG-FILTER-1): the rows where `predicate`
/// is true. `input` is the scan at filter time restricted to the columns
/// the predicate reads; the masks (one per decoded batch, which every scan
/// of a load shares) are computed once.
struct RowFilter {
    input: ParquetScan,
    predicate: TypedExpr,
    masks: OnceLock<Vec<BooleanArray>>,
}

impl RowFilter {
    /// The kept rows of every decoded batch.
    fn masks(&self) -> Result<&[BooleanArray]> {
        if let Some(m) = self.masks.get() {
            return Ok(m);
        }
        let input = self.input.read_batches()?;
        let masks = input
            .par_iter()
            .map(|b| evaluate_predicate(&self.predicate, b))
            .collect::<Result<Vec<_>>>()?;
        Ok(self.masks.get_or_init(|| masks))
    }
}

/// The loaded files and the columns decoded so far.
struct Source {
    files: Vec<ParquetFile>,
    /// The files' common schema after `requested` (ENG-IO-4).
    schema: Schema,
    rows: usize,
    /// Decoded columns by index in `schema`: one array per non-empty batch.
    decoded: Mutex<HashMap<usize, Arc<Vec<ArrayRef>>>>,
}

/// One output column: a stored column and the casts applied to it, in order.
#[derive(Clone, Debug)]
struct ScanColumn {
    source: usize,
    casts: Vec<DataType>,
}

impl std::fmt::Debug for ParquetScan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetScan")
            .field("files", &self.source.files.len())
            .field("rows", &self.source.rows)
            .field("schema", &self.schema.to_string())
            .finish_non_exhaustive()
    }
}

impl ParquetScan {
    /// Lists `paths` as `load_df` does ([`crate::io::plan_load`]) and, when
    /// every file is Parquet, opens them (footers only, in parallel on
    /// rayon's current pool) as one scan; `None` when any file has another
    /// format (the caller loads eagerly). `options.columns` selects
    /// (names) or selects and converts (schema, DF-CAST) as in
    /// ENG-IO-4.
    ///
    /// # Errors
    /// Those of [`crate::io::plan_load`]; `ERR-ARG` for bad Parquet format
    /// options; `ERR-NOT-FOUND` for a requested column that no file has;
    /// `ERR-SCHEMA` when files disagree (naming both); `ERR-IO` / reader
    /// errors naming the file when a footer cannot be read.
    pub fn open(paths: &[&str], options: &LoadOptions) -> Result<Option<ParquetScan>> {
        let listed = super::plan_load(paths, options)?;
        if listed.is_empty() || listed.iter().any(|f| f.format != FileFormat::Parquet) {
            return Ok(None);
        }
        ParquetOptions::from_options(&options.format_options)?;
        let requested = options.columns.names();
        let opened = listed
            .par_iter()
            .map(|f| {
                let file = ParquetFile::open(f)?;
                let schema = Schema::from_arrow(file.schema(requested.as_deref())?.as_ref())?;
                Ok((file, schema))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut first: Option<(&Schema, &DataFile)> = None;
        for ((_, schema), listed) in opened.iter().zip(&listed) {
            match first {
                None => first = Some((schema, listed)),
                Some((s, f)) if s != schema => {
                    return Err(super::plan::files_disagree(listed, schema, f, s));
                }
                Some(_) => {}
            }
        }
        let schema = match first {
            Some((s, _)) => s.clone(),
            None => return Ok(None),
        };
        let files: Vec<ParquetFile> = opened.into_iter().map(|(f, _)| f).collect();
        let scan = ParquetScan::from_files(files, schema);
        match &options.columns {
            // ENG-IO-4: converted to the schema's types (names and order are
            // the request's already)
            LoadColumns::Schema(target)
                if scan.schema != *target || scan.schema.types() != target.types() =>
            {
                let columns = scan
                    .columns
                    .iter()
                    .zip(target.fields())
                    .map(|(c, f)| {
                        let mut c = c.clone();
                        c.casts.push(f.data_type().clone());
                        c
                    })
                    .collect();
                Ok(Some(ParquetScan { columns, schema: target.clone(), ..scan }))
            }
            _ => Ok(Some(scan)),
        }
    }

    /// A scan of `files`, opened by the caller and checked to share
    /// `schema` (their Fugue schema after the load's `columns` selection,
    /// ENG-IO-4): what [`ParquetScan::open`] builds once the files are
    /// listed and opened, for engines that list and open files themselves.
    pub fn from_files(files: Vec<ParquetFile>, schema: Schema) -> ParquetScan {
        let rows = files.iter().map(ParquetFile::num_rows).sum();
        let columns =
            (0..schema.len()).map(|source| ScanColumn { source, casts: vec![] }).collect();
        ParquetScan {
            source: Arc::new(Source {
                files,
                schema: schema.clone(),
                rows,
                decoded: Mutex::new(HashMap::new()),
            }),
            columns,
            schema,
            filter: None,
        }
    }

    /// The schema of the rows [`ParquetScan::read`] gives.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The row count of the files, from their footers (nothing decoded);
    /// before any recorded filter (see [`ParquetScan::count`]).
    pub fn num_rows(&self) -> usize {
        self.source.rows
    }

    /// The rows [`ParquetScan::read`] gives: the footers' count, or with a
    /// recorded filter the rows it keeps (its columns decoded, once).
    ///
    /// # Errors
    /// Those of [`ParquetScan::read`] for the filter's columns.
    pub fn count(&self) -> Result<usize> {
        match &self.filter {
            None => Ok(self.source.rows),
            Some(f) => Ok(f.masks()?.iter().map(BooleanArray::true_count).sum()),
        }
    }

    /// `filter(condition)` recorded (ENG-FILTER-1): the scan reads only the
    /// rows where `condition` is true, decoding the columns `condition`
    /// reads besides its own. `None` when this scan already has a filter
    /// (the caller filters the rows it reads).
    ///
    /// # Errors
    /// As [`crate::spi::select::plan_filter`] (`ERR-ARG` for an
    /// aggregation or a non-bool condition, `ERR-NOT-FOUND` for a missing
    /// column).
    pub fn filter(&self, condition: &ColumnExpr) -> Result<Option<ParquetScan>> {
        plan_filter(&self.schema, condition)?;
        if self.filter.is_some() {
            return Ok(None);
        }
        let names = columns_read([condition]).unwrap_or_default();
        let mut refs: Vec<&str> = names.iter().map(String::as_str).collect();
        if refs.is_empty() {
            // a condition of literals still needs the rows: any one column
            refs.extend(self.schema.names().first());
        }
        let input = self.select_columns(&refs)?;
        let predicate = plan_filter(input.schema(), condition)?;
        let filter = RowFilter { input, predicate, masks: OnceLock::new() };
        Ok(Some(ParquetScan { filter: Some(Arc::new(filter)), ..self.clone() }))
    }

    /// The stored columns [`ParquetScan::read`] decodes, by name, in the
    /// order of the output columns that first use them.
    pub fn stored_columns(&self) -> Vec<&str> {
        let names = self.source.schema.names();
        let mut seen = vec![false; names.len()];
        let mut out = Vec::new();
        for c in &self.columns {
            if !std::mem::replace(&mut seen[c.source], true) {
                out.push(names[c.source]);
            }
        }
        out
    }

    /// `select_columns` recorded (DF-OP-10).
    ///
    /// # Errors
    /// As [`crate::spi::frame::select_columns_schema`].
    pub fn select_columns(&self, columns: &[&str]) -> Result<ParquetScan> {
        let schema = select_columns_schema(&self.schema, columns)?;
        let picked = columns
            .iter()
            .map(|c| Ok(self.columns[self.schema.index_of(c)?].clone()))
            .collect::<Result<Vec<_>>>()?;
        Ok(self.derive(picked, schema))
    }

    /// `drop_columns` recorded (DF-OP-11).
    ///
    /// # Errors
    /// As [`crate::spi::frame::drop_columns_schema`].
    pub fn drop_columns(&self, columns: &[&str]) -> Result<ParquetScan> {
        let schema = drop_columns_schema(&self.schema, columns)?;
        let kept = self
            .schema
            .names()
            .iter()
            .zip(&self.columns)
            .filter(|(n, _)| !columns.contains(n))
            .map(|(_, c)| c.clone())
            .collect();
        Ok(self.derive(kept, schema))
    }

    /// `rename` recorded (DF-OP-13).
    ///
    /// # Errors
    /// As [`crate::spi::frame::rename_schema`].
    pub fn rename(&self, pairs: &[(&str, &str)]) -> Result<ParquetScan> {
        let schema = rename_schema(&self.schema, pairs)?;
        Ok(self.derive(self.columns.clone(), schema))
    }

    /// `alter_columns` recorded (DF-OP-14): a column whose Arrow type
    /// changes gets a DF-CAST cast, run at [`ParquetScan::read`].
    ///
    /// # Errors
    /// As [`crate::spi::frame::alter_columns_schema`].
    pub fn alter_columns(&self, subschema: &Schema) -> Result<ParquetScan> {
        let schema = alter_columns_schema(&self.schema, subschema)?;
        let columns = self
            .columns
            .iter()
            .zip(self.schema.fields().iter().zip(schema.fields()))
            .map(|(c, (old, new))| {
                let mut c = c.clone();
                if old.data_type() != new.data_type() {
                    c.casts.push(new.data_type().clone());
                }
                c
            })
            .collect();
        Ok(self.derive(columns, schema))
    }

    fn derive(&self, columns: Vec<ScanColumn>, schema: Schema) -> ParquetScan {
        ParquetScan {
            source: Arc::clone(&self.source),
            columns,
            schema,
            filter: self.filter.clone(),
        }
    }

    /// Decodes the stored columns this scan reads that no scan of the same
    /// load has decoded yet (every file in parallel, each file's row groups
    /// in parallel, on rayon's current pool), then applies the recorded
    /// renames and casts. Output: [`ParquetScan::schema`], the files' rows
    /// in order.
    ///
    /// # Errors
    /// Reader errors naming the file; `ERR-SCHEMA` when a file's data does
    /// not match its footer; `ERR-CAST` when a recorded cast fails.
    pub fn read(&self) -> Result<LocalDataFrame> {
        let batches = self.read_batches()?;
        let batches = match &self.filter {
            None => batches,
            Some(f) => {
                let masks = f.masks()?;
                if masks.len() != batches.len() {
                    return Err(Error::internal("a Parquet filter's batches do not line up"));
                }
                batches
                    .par_iter()
                    .zip(masks.par_iter())
                    .map(|(b, m)| Ok(filter_record_batch(b, m)?))
                    .collect::<Result<Vec<_>>>()?
            }
        };
        LocalDataFrame::new(self.schema.clone(), batches)
    }

    /// Every decoded batch with the renames and casts applied, before any
    /// filter: one batch per non-empty decoded batch, shared by every scan
    /// of the load, so a filter's masks line up with them.
    fn read_batches(&self) -> Result<Vec<RecordBatch>> {
        let stored = self.decoded()?;
        let num_batches = stored.values().next().map_or(0, |c| c.len());
        // batches assembled (and cast) in parallel
        let batches = (0..num_batches)
            .into_par_iter()
            .map(|b| {
                let mut rows = None;
                let columns = self
                    .columns
                    .iter()
                    .map(|c| {
                        let mut array = stored
                            .get(&c.source)
                            .and_then(|arrays| arrays.get(b))
                            .cloned()
                            .ok_or_else(|| {
                                Error::internal("a decoded column has too few batches")
                            })?;
                        rows = Some(array.len());
                        for to in &c.casts {
                            if array.data_type() != to {
                                array = cast_array(&array, to)?;
                            }
                        }
                        Ok(array)
                    })
                    .collect::<Result<Vec<ArrayRef>>>()?;
                let options = RecordBatchOptions::new().with_row_count(rows);
                Ok(RecordBatch::try_new_with_options(
                    Arc::clone(self.schema.arrow()),
                    columns,
                    &options,
                )?)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(batches)
    }

    /// The stored columns this scan reads, decoding the missing ones.
    fn decoded(&self) -> Result<HashMap<usize, Arc<Vec<ArrayRef>>>> {
        let source = &self.source;
        let wanted: Vec<usize> = {
            let mut w: Vec<usize> = self.columns.iter().map(|c| c.source).collect();
            w.sort_unstable();
            w.dedup();
            w
        };
        let lock_error =
            || Error::internal("the decoded-column cache of a Parquet load was poisoned");
        let mut have: HashMap<usize, Arc<Vec<ArrayRef>>> = {
            let cache = source.decoded.lock().map_err(|_| lock_error())?;
            wanted.iter().filter_map(|i| cache.get(i).map(|c| (*i, Arc::clone(c)))).collect()
        };
        let missing: Vec<usize> =
            wanted.iter().copied().filter(|i| !have.contains_key(i)).collect();
        if missing.is_empty() {
            return Ok(have);
        }
        let all_names = source.schema.names();
        let names: Vec<String> = missing.iter().map(|&i| all_names[i].to_string()).collect();
        let per_file = source
            .files
            .par_iter()
            .map(|f| f.read(Some(&names)))
            .collect::<Result<Vec<Vec<RecordBatch>>>>()?;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let sub_schema = select_columns_schema(&source.schema, &refs)?;
        // conformed to Fugue's Arrow types (views → plain strings, ...), in
        // parallel per batch
        let conformed = per_file
            .into_par_iter()
            .flatten()
            .map(|b| LocalDataFrame::new(sub_schema.clone(), vec![b]))
            .collect::<Result<Vec<_>>>()?;
        let batches: Vec<&RecordBatch> = conformed.iter().flat_map(|l| l.batches()).collect();
        let mut fresh: Vec<Vec<ArrayRef>> = vec![Vec::with_capacity(batches.len()); missing.len()];
        for batch in batches {
            for (k, column) in batch.columns().iter().enumerate() {
                fresh[k].push(Arc::clone(column));
            }
        }
        let mut cache = source.decoded.lock().map_err(|_| lock_error())?;
        for (i, arrays) in missing.into_iter().zip(fresh) {
            let arrays = Arc::clone(cache.entry(i).or_insert_with(|| Arc::new(arrays)));
            have.insert(i, arrays);
        }
        Ok(have)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::dataframe::DataFrame;
    use crate::engine::SaveOptions;
    use crate::spi::kernels;
    use crate::{ErrorKind, Value};

    /// 7 rows of `a:long,b:str,c:double,d:int` (nulls in b and c).
    fn frame() -> LocalDataFrame {
        let rows = (0..7i64)
            .map(|i| {
                vec![
                    Value::Int64(i * 10),
                    if i == 3 { Value::Null } else { Value::from(format!("s{i}")) },
                    if i == 5 { Value::Null } else { Value::Float64(i as f64 + 0.75) },
                    Value::Int32(i as i32 - 3),
                ]
            })
            .collect();
        LocalDataFrame::from_rows(rows, "a:long,b:str,c:double,d:int").expect("frame")
    }

    /// `frame()` saved at `path`, as a folder of two part files.
    fn save_two_parts(path: &Path) {
        let df = frame();
        let parts = [df.slice(0, 4), df.slice(4, 3)];
        let p = path.to_string_lossy();
        kernels::save_df(&parts, df.schema(), &p, &SaveOptions::default()).expect("save");
    }

    fn open(path: &Path, options: &LoadOptions) -> ParquetScan {
        let p = path.to_string_lossy();
        ParquetScan::open(&[p.as_ref()], options).expect("open").expect("all Parquet")
    }

    fn rows(df: &LocalDataFrame) -> Vec<Vec<Value>> {
        df.rows().expect("rows")
    }

    /// `frame()` in two part files under a fresh folder (kept alive by the
    /// returned guard): its path, the eager load and a scan of it.
    fn two_parts() -> (tempfile::TempDir, std::path::PathBuf, LocalDataFrame, ParquetScan) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.parquet");
        save_two_parts(&path);
        let p = path.to_string_lossy();
        let eager = kernels::load(&[p.as_ref()], &LoadOptions::default()).expect("load");
        let scan = open(&path, &LoadOptions::default());
        (dir, path, eager, scan)
    }

    #[test]
    fn eng_io_4_df_op_10_14_a_scan_gives_the_eager_load_after_the_same_column_ops() {
        let (_dir, path, eager, scan) = two_parts();
        let p = path.to_string_lossy();
        assert_eq!(scan.num_rows(), 7);
        assert_eq!(scan.schema(), eager.schema());
        assert_eq!(rows(&scan.read().expect("read")), rows(&eager));

        // the same chain on both: casts in order (double → int → str), a
        // selection that repeats nothing, renames, a drop
        let chain_eager = eager
            .alter_columns(&"c:int".parse().expect("s"))
            .and_then(|df| df.alter_columns(&"c:str,a:double".parse().expect("s")))
            .and_then(|df| df.select_columns(&["c", "a", "b"]))
            .and_then(|df| df.rename(&[("c", "x"), ("a", "c")]))
            .and_then(|df| df.drop_columns(&["b"]))
            .and_then(|df| df.as_local_bounded())
            .expect("eager chain");
        let chain_scan = scan
            .alter_columns(&"c:int".parse().expect("s"))
            .and_then(|s| s.alter_columns(&"c:str,a:double".parse().expect("s")))
            .and_then(|s| s.select_columns(&["c", "a", "b"]))
            .and_then(|s| s.rename(&[("c", "x"), ("a", "c")]))
            .and_then(|s| s.drop_columns(&["b"]))
            .expect("scan chain");
        assert_eq!(chain_scan.stored_columns(), ["c", "a"]);
        let got = chain_scan.read().expect("read");
        assert_eq!(got.schema().to_string(), "x:str,c:double");
        assert_eq!(got.schema(), chain_eager.schema());
        assert_eq!(rows(&got), rows(&chain_eager));

        // the same errors as every frame (shared schema checks)
        let kind = |r: Result<ParquetScan>| r.err().map(|e| e.kind());
        assert_eq!(kind(scan.select_columns(&["zz"])), Some(ErrorKind::DataFrameOp));
        assert_eq!(kind(scan.drop_columns(&["a", "b", "c", "d"])), Some(ErrorKind::DataFrameOp));
        assert_eq!(kind(scan.rename(&[("a", "b")])), Some(ErrorKind::DataFrameOp));
        assert_eq!(
            kind(scan.alter_columns(&"zz:int".parse().expect("s"))),
            Some(ErrorKind::InvalidArgument)
        );

        // ENG-IO-4: a schema selects and converts at load, as the eager load
        let columns = LoadColumns::Schema("d:long,b:str".parse().expect("s"));
        let options = LoadOptions { columns, ..LoadOptions::default() };
        let eager = kernels::load(&[p.as_ref()], &options).expect("load");
        let got = open(&path, &options).read().expect("read");
        assert_eq!(got.schema().to_string(), "d:long,b:str");
        assert_eq!(rows(&got), rows(&eager));
    }

    #[test]
    fn eng_io_4_a_scan_decodes_only_the_columns_it_reads_and_each_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.parquet");
        let df = frame();
        let p = path.to_string_lossy();
        let single = SaveOptions { force_single: true, ..SaveOptions::default() };
        kernels::save_df(std::slice::from_ref(&df), df.schema(), &p, &single).expect("save");
        let scan = open(&path, &LoadOptions::default());
        let a = scan.select_columns(&["a"]).expect("select");
        assert_eq!(a.read().expect("read").num_rows(), 7);
        std::fs::remove_file(&path).expect("remove");
        // `a` was decoded by a scan of the same load: no file needed
        let again = scan.rename(&[("a", "z")]).and_then(|s| s.select_columns(&["z"]));
        let again = again.expect("rename").read().expect("cached");
        assert_eq!(rows(&again), (0..7).map(|i| vec![Value::Int64(i * 10)]).collect::<Vec<_>>());
        // the row count never needed the data pages
        assert_eq!(scan.num_rows(), 7);
        // `b` was never decoded: reading it now needs the (removed) file
        let err = scan.select_columns(&["b"]).expect("select").read().err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Execution));
    }

    #[test]
    fn eng_io_3_files_must_agree_and_other_formats_are_not_scanned() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (one, two) = (dir.path().join("one.parquet"), dir.path().join("two.parquet"));
        let single = SaveOptions { force_single: true, ..SaveOptions::default() };
        let df = frame();
        kernels::save_df(std::slice::from_ref(&df), df.schema(), &one.to_string_lossy(), &single)
            .expect("save one");
        let other = df.select_columns(&["a", "b"]).and_then(|d| d.as_local_bounded()).expect("ab");
        kernels::save_df(
            std::slice::from_ref(&other),
            other.schema(),
            &two.to_string_lossy(),
            &single,
        )
        .expect("save two");
        let (p1, p2) = (one.to_string_lossy(), two.to_string_lossy());
        let err = ParquetScan::open(&[p1.as_ref(), p2.as_ref()], &LoadOptions::default()).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Schema));
        // a selection both files have makes them agree
        let columns = LoadColumns::Names(vec!["b".into(), "a".into()]);
        let options = LoadOptions { columns, ..LoadOptions::default() };
        let both = ParquetScan::open(&[p1.as_ref(), p2.as_ref()], &options).expect("open");
        assert_eq!(both.map(|s| s.read().expect("read").num_rows()), Some(14));

        let csv = dir.path().join("t.csv");
        let c = csv.to_string_lossy();
        let csv_opts = SaveOptions { force_single: true, ..SaveOptions::default() };
        kernels::save_df(std::slice::from_ref(&df), df.schema(), &c, &csv_opts).expect("csv");
        let mixed = ParquetScan::open(&[p1.as_ref(), c.as_ref()], &LoadOptions::default());
        assert!(mixed.expect("open").is_none(), "a csv file is loaded eagerly by the caller");
    }

    /// ENG-FILTER-1 on a scan: the rows the eager filter keeps, after the
    /// recorded renames and casts, and still so after later column
    /// operations; the count needs only the condition's columns.
    #[test]
    fn eng_filter_1_a_recorded_filter_keeps_the_eager_rows() {
        use crate::expr::functions::sum;
        use crate::expr::{col, lit};
        let (_dir, _path, eager, scan) = two_parts();
        let renamed = scan.rename(&[("c", "x")]).expect("rename");
        let cond = col("x").gt(lit(2.0)).or(col("b").is_null());
        let filtered = renamed.filter(&cond).expect("filter").expect("a first filter");
        let eager_filtered = eager
            .rename(&[("c", "x")])
            .and_then(|d| kernels::filter(&d.as_local_bounded()?, &cond))
            .expect("eager");
        assert_eq!(filtered.count().ok(), Some(eager_filtered.num_rows()));
        assert!(eager_filtered.num_rows() > 0 && eager_filtered.num_rows() < 7);
        assert_eq!(rows(&filtered.read().expect("read")), rows(&eager_filtered));
        let picked = filtered.select_columns(&["a"]).expect("select");
        assert_eq!(picked.stored_columns(), ["a"]);
        let expected = eager_filtered.select_columns(&["a"]).and_then(|d| d.as_local_bounded());
        assert_eq!(rows(&picked.read().expect("read")), rows(&expected.expect("eager")));
        // one recorded filter at a time: the caller filters a filtered scan
        assert!(filtered.filter(&cond).expect("checked").is_none());
        // the frame's errors at the call
        let kind = |r: Result<Option<ParquetScan>>| r.err().map(|e| e.kind());
        assert_eq!(kind(scan.filter(&col("zz").is_null())), Some(ErrorKind::NotFound));
        assert_eq!(kind(scan.filter(&sum(col("a")).gt(lit(1)))), Some(ErrorKind::InvalidArgument));
        // a condition of literals reads one column for the row count
        let all = scan.filter(&lit(true)).expect("filter").expect("first");
        assert_eq!(all.count().ok(), Some(7));
    }
}
