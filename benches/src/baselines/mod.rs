//! Hand-written baselines: the workloads W1, W2, W3, W5 and W7 written
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
use fugue::core::{LocalDataFrame, Result, Schema};

use crate::{Output, Workload};

/// The workloads that have hand-written baselines.
pub const WORKLOADS: [Workload; 5] =
    [Workload::W1, Workload::W2, Workload::W3, Workload::W5, Workload::W7];

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
        assert!(polars::run(Workload::W4, &input, &data).is_err(), "W4 has no baseline");
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
        assert!(datafusion::run(Workload::W6, &input, &data).is_err(), "W6 has no baseline");
    }

    /// The baselines also agree with the native engine (the reference).
    #[test]
    fn raw_baselines_agree_with_the_native_engine() {
        let data = TpchData::generate(0.001).expect("data");
        let pl = polars::PolarsInput::new(&data).expect("polars input");
        let df = datafusion::DataFusionInput::new(&data).expect("datafusion input");
        let native = engine("native");
        for w in [Workload::W1, Workload::W2, Workload::W3, Workload::W5] {
            let want = fugue_checksum(&native, w, &data);
            let p = polars::output(&polars::run(w, &pl, &data).expect("polars")).expect("out");
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
