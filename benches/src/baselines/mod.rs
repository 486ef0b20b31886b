//! Hand-written baselines: the workloads W1-W7 written
//! directly against Polars ([`polars`]) and DataFusion ([`datafusion`]),
//! without fugue, so the criterion benches can put each fugue engine beside
//! the best plain code for its own backend and report the overhead ratio
//! `fugue engine / raw backend` (issues 4 and 5, "Performance").
//!
//! ## What is timed (both sides)
//!
//! | | fugue engine ([`crate::run`]) | raw baseline (`run` of each module) |
//! |---|---|---|
//! | input | `engine.to_df` of the in-memory Arrow frame (Polars: the zero-copy bridge, which builds Polars `String` view columns; DataFusion: a one-partition `MemTable`) | already a Polars `DataFrame` / a registered one-partition `MemTable` over the same batches, built once by [`polars::PolarsInput::new`] / [`datafusion::DataFusionInput::new`] |
//! | work | the fugue operations | the same work in the backend's own API |
//! | output | materialised as a fugue `LocalDataFrame` (Arrow, normalised types) | the backend's own materialised result (a collected Polars `DataFrame`, DataFusion `RecordBatch`es) |
//! | W5 | engine `load_df` / `save_df` / `load_df` + `count` | the same Parquet reader and writer the engine uses (Polars: arrow-rs through the bridge; DataFusion: its own scan and writer), same files |
//!
//! Two more Polars entries separate the input conversion from the rest:
//! [`polars::run_from_arrow`] converts the columns it reads from the Arrow
//! data inside the timed span (the counterpart of the engine's `to_df`,
//! whose scan converts only the columns a plan reads), and the engine run
//! on [`polars::PolarsInput::engine_frames`] (`crate::run_on_frames`)
//! starts from the very Polars frames `raw_polars` starts from, so its
//! ratio to `raw_polars` is fugue's own overhead. DataFusion's `MemTable`
//! registration costs microseconds, so it has neither.
//!
//! Not timed: building the inputs, converting a raw result to a fugue frame
//! for its checksum ([`RawOutput::to_output`]).
//!
//! Every baseline's checksum equals the fugue workload's ([`crate::checksum`]);
//! the unit tests check this at SF 0.001.

pub mod datafusion;
pub mod polars;

use std::sync::Arc;

use fugue::core::arrow::array::{ArrayRef, Int64Array};
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::core::{DataFrame, LocalDataFrame, Result, Schema};

use crate::{Output, Workload};

/// The workloads that have hand-written baselines.
pub const WORKLOADS: [Workload; 7] = Workload::ALL;

/// True when `workload` has hand-written baselines.
pub fn has_baseline(workload: Workload) -> bool {
    WORKLOADS.contains(&workload)
}

/// The materialised result of a raw baseline, in the backend's own form
/// (`T`: a Polars `DataFrame`, DataFusion batches).
#[derive(Debug)]
pub enum RawOutput<T> {
    /// One result frame (W1, W2, W3).
    Frame(T),
    /// A row count (W5).
    Count(usize),
    /// The results of TPC-H Q1 and Q6 (W7).
    Queries {
        /// Q1's result.
        q1: T,
        /// Q6's result.
        q6: T,
    },
}

impl<T> RawOutput<T> {
    /// The result as the fugue [`Output`] of the same workload (W5: a
    /// one-row `n:long` frame), so [`crate::checksum`] applies; `local`
    /// converts one backend frame.
    ///
    /// # Errors
    /// The conversion's errors.
    pub fn to_output(&self, local: impl Fn(&T) -> Result<LocalDataFrame>) -> Result<Output> {
        Ok(match self {
            RawOutput::Frame(t) => Output::one(local(t)?),
            RawOutput::Count(n) => Output::one(count_frame(*n)?),
            RawOutput::Queries { q1, q6 } => {
                Output { frames: vec![("q1".into(), local(q1)?), ("q6".into(), local(q6)?)] }
            }
        })
    }
}

/// A one-row frame `n:long` holding `n`, the shape of W5's fugue output.
fn count_frame(n: usize) -> Result<LocalDataFrame> {
    let n = i64::try_from(n).map_err(|_| fugue::core::Error::user("row count overflows a long"))?;
    let schema: Schema = "n:long".parse()?;
    let batch = RecordBatch::try_new(
        schema.arrow().clone(),
        vec![Arc::new(Int64Array::from(vec![n])) as ArrayRef],
    )?;
    LocalDataFrame::new(schema, vec![batch])
}

/// Reads the Parquet file `path` with arrow-rs: only `columns` when given
/// (a projection pushed into the reader), then the `casts`
/// (`name:double,...`) of the columns read, as the workloads' `load` does
/// after an engine's `load_df`. The baselines' counterpart of reading the
/// run's files inside the timed span.
///
/// # Errors
/// IO and Parquet errors; `ERR-NOT-FOUND` for a column missing from the
/// file; cast errors.
pub fn read_parquet_cast(
    path: &std::path::Path,
    columns: Option<&[&str]>,
    casts: &str,
) -> Result<LocalDataFrame> {
    use fugue::core::arrow::record_batch::RecordBatchReader;
    use parquet::arrow::ProjectionMask;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let pq = |e: parquet::errors::ParquetError| {
        fugue::core::Error::backend("parquet", format!("read `{}`", path.display()), e)
    };
    let file = std::fs::File::open(path).map_err(|e| fugue::core::Error::io(path.display(), e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(pq)?;
    let builder = match columns {
        Some(cols) => {
            let arrow = builder.schema().clone();
            let mut roots = Vec::with_capacity(cols.len());
            for c in cols {
                roots.push(arrow.index_of(c).map_err(|_| {
                    fugue::core::Error::not_found(
                        "column",
                        *c,
                        arrow.fields().iter().map(|f| f.name().clone()),
                    )
                })?);
            }
            let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
            builder.with_projection(mask)
        }
        None => builder,
    };
    let reader = builder.build().map_err(pq)?;
    let schema = Schema::from_arrow(reader.schema().as_ref())?;
    let batches = reader.collect::<std::result::Result<Vec<RecordBatch>, _>>().map_err(|e| {
        fugue::core::Error::backend("parquet", format!("read `{}`", path.display()), e)
    })?;
    let frame = LocalDataFrame::new(schema, batches)?;
    let read = frame.schema().names();
    let casts: Vec<&str> = casts
        .split(',')
        .filter(|c| cast_columns(c).first().is_some_and(|n| read.contains(n)))
        .collect();
    if casts.is_empty() {
        return Ok(frame);
    }
    frame.alter_columns(&casts.join(",").parse()?)?.as_local_bounded()
}

/// The column names of a casts text (`name:double,...`, e.g.
/// [`crate::LINEITEM_CASTS`]).
pub fn cast_columns(casts: &str) -> Vec<&str> {
    casts
        .split(',')
        .filter_map(|c| c.split(':').next())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect()
}

/// The SQL text of `q` (`[head, tail]` of [`crate::Q1`] / [`crate::Q6`])
/// over the table `table`.
fn sql_over(q: [&str; 2], table: &str) -> String {
    format!("{} {table} {}", q[0], q[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Checksum, TpchData, checksum, run};
    use fugue::core::engine::EngineRef;
    use fugue::core::{Conf, DataFrame};

    fn engine(name: &str) -> EngineRef {
        fugue::link_engines();
        fugue::core::make_engine(name, Conf::new()).expect("engine linked through fugue/all")
    }

    fn fugue_checksum(engine: &EngineRef, w: Workload, data: &TpchData) -> Checksum {
        checksum(w, &run(w, engine, data).expect("fugue run")).expect("fugue checksum")
    }

    /// Every Polars baseline agrees with the Polars engine's workload.
    #[test]
    fn raw_polars_checksums_equal_the_fugue_workloads() {
        let data = TpchData::generate(0.001).expect("data");
        let input = polars::PolarsInput::new(&data).expect("polars input");
        let engine = engine("polars");
        for w in WORKLOADS {
            let raw = polars::run(w, &input, &data).expect("raw polars run");
            let got = checksum(w, &polars::output(&raw).expect("output")).expect("checksum");
            assert_eq!(got, fugue_checksum(&engine, w, &data), "{} on raw polars", w.id());
            assert!(got.rows > 0, "{}", w.id());
            let from_arrow = polars::run_from_arrow(w, &data).expect("raw polars from arrow");
            let again = checksum(w, &polars::output(&from_arrow).expect("output")).expect("sum");
            assert_eq!(again, got, "{} on raw polars from arrow", w.id());
            let frames = input.engine_frames().expect("engine frames");
            let on_frames = crate::run_on_frames(w, &engine, &data, &frames).expect("on frames");
            assert_eq!(checksum(w, &on_frames).expect("sum"), got, "{} on polars input", w.id());
        }
    }

    /// Every DataFusion baseline agrees with the DataFusion engine's workload.
    #[test]
    fn raw_datafusion_checksums_equal_the_fugue_workloads() {
        let data = TpchData::generate(0.001).expect("data");
        let input = datafusion::DataFusionInput::new(&data).expect("datafusion input");
        let engine = engine("datafusion");
        for w in WORKLOADS {
            let raw = datafusion::run(w, &input, &data).expect("raw datafusion run");
            let got = checksum(w, &datafusion::output(&raw).expect("output")).expect("checksum");
            assert_eq!(got, fugue_checksum(&engine, w, &data), "{} on raw datafusion", w.id());
            assert!(got.rows > 0, "{}", w.id());
        }
    }

    /// The baselines also agree with the native engine (the reference).
    #[test]
    fn raw_baselines_agree_with_the_native_engine() {
        let data = TpchData::generate(0.001).expect("data");
        let pl = polars::PolarsInput::new(&data).expect("polars input");
        let df = datafusion::DataFusionInput::new(&data).expect("datafusion input");
        let native = engine("native");
        for w in WORKLOADS {
            let want = fugue_checksum(&native, w, &data);
            let p = polars::output(&polars::run(w, &pl, &data).expect("polars")).expect("out");
            let d = datafusion::output(&datafusion::run(w, &df, &data).expect("df")).expect("out");
            assert_eq!(checksum(w, &p).expect("checksum"), want, "{} polars vs native", w.id());
            assert_eq!(checksum(w, &d).expect("checksum"), want, "{} datafusion vs native", w.id());
        }
    }

    /// From Parquet files (`fugue bench --data DIR --baselines`): both
    /// backends' hand-written programs read the files (casts applied) and
    /// agree with the native engine on the same files.
    #[test]
    fn raw_baselines_from_files_agree_with_the_native_engine() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (t, f) in [
            (crate::TpchTable::LineItem, "lineitem.parquet"),
            (crate::TpchTable::Orders, "orders.parquet"),
        ] {
            crate::write_tpch_parquet(t, 0.001, &dir.path().join(f), |_| {}).expect("write");
        }
        let data = TpchData::from_dir(dir.path()).expect("files");
        let df = datafusion::DataFusionInput::new(&data).expect("datafusion input");
        let native = engine("native");
        for w in WORKLOADS {
            let want = fugue_checksum(&native, w, &data);
            let p =
                polars::output(&polars::run_from_arrow(w, &data).expect("polars")).expect("out");
            let d = datafusion::output(&datafusion::run(w, &df, &data).expect("df")).expect("out");
            assert_eq!(checksum(w, &p).expect("checksum"), want, "{} polars vs native", w.id());
            assert_eq!(checksum(w, &d).expect("checksum"), want, "{} datafusion vs native", w.id());
        }
    }

    #[test]
    fn count_frame_is_one_long_row() {
        let f = count_frame(7).expect("frame");
        assert_eq!(f.num_rows(), 1);
        assert_eq!(f.schema().to_string(), "n:long");
    }
}
