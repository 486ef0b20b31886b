//! W1 in miniature (bench/WORKLOADS.md): a keyed, presorted transform run
//! through the registry engine gives the rows `map_local` gives.
#![cfg(feature = "native")]

use std::sync::Arc;

use fugue::core::arrow::array::{Array, ArrayRef, Float64Array, Int64Array};
use fugue::core::arrow::compute::{kernels::numeric::div, sum};
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::core::engine::{MapFn, map_fn};
use fugue::core::spi::map::map_local;
use fugue::core::{DataFrameRef, make_engine};
use fugue::{Conf, DataFrame, Error, LocalDataFrame, PartitionSpec, Row, Schema, Value};

/// `k:int,t:int,q:double`, 13 keys (one of them null), shuffled-ish order.
fn input() -> LocalDataFrame {
    let rows: Vec<Row> = (0..400i32)
        .map(|r| {
            let k = (r * 7) % 13;
            let key = if k == 5 { Value::Null } else { Value::from(k) };
            vec![key, Value::from((r * 31) % 97), Value::from(f64::from(r % 11) + 0.5)]
        })
        .collect();
    LocalDataFrame::from_rows(rows, "k:int,t:int,q:double").expect("input")
}

/// Adds the row's share of its group's `q` and its 1-based rank in presort order.
fn share_and_rank(output: Schema) -> MapFn {
    map_fn(move |_cursor, part: LocalDataFrame| {
        let batch = part.to_batch()?;
        let q = batch
            .column(2)
            .as_any()
            .downcast_ref::<Float64Array>()
            .ok_or_else(|| Error::user("q is not a double column"))?;
        let total = sum(q).unwrap_or(0.0);
        let share: ArrayRef = div(q, &Float64Array::new_scalar(total))?;
        let rn: ArrayRef = Arc::new(Int64Array::from_iter_values(1..=batch.num_rows() as i64));
        let mut columns = batch.columns().to_vec();
        columns.extend([share, rn]);
        LocalDataFrame::new(
            output.clone(),
            vec![RecordBatch::try_new(output.arrow().clone(), columns)?],
        )
    })
}

fn sorted_rows(df: &dyn DataFrame) -> Vec<Row> {
    let mut rows = df.as_local_bounded().and_then(|l| l.rows()).expect("rows");
    rows.sort_by(|a, b| {
        a.iter()
            .zip(b.iter())
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    rows
}

#[test]
fn w1_partitioned_transform_matches_map_local() {
    let df = input();
    let output: Schema = df.schema().transform("*,share:double,rn:long").expect("schema");
    let f = share_and_rank(output.clone());
    for spec_text in [
        r#"{"by": ["k"], "presort": "t asc"}"#,
        r#"{"by": ["k"], "presort": "t desc", "num": 3}"#,
        r#"{"by": ["k"], "presort": "t", "algo": "even", "num": 4}"#,
        r#"{"by": ["k"], "presort": "t", "algo": "hash", "num": "CONCURRENCY"}"#,
    ] {
        let spec = PartitionSpec::from_json(spec_text).expect("spec");
        let expected = map_local(&df, &f, &output, &spec, None).expect("reference");
        for threads in [1i64, 2] {
            let conf = Conf::empty().with_entry(fugue_native::NATIVE_THREADS, threads);
            let engine = make_engine("native", conf).expect("engine");
            let input: DataFrameRef = Arc::new(df.clone());
            let actual =
                engine.map_dataframe(&input, f.clone(), &output, &spec, None).expect("map");
            assert_eq!(actual.schema(), &output);
            assert_eq!(
                sorted_rows(actual.as_ref()),
                sorted_rows(&expected),
                "{spec_text}, {threads} threads"
            );
        }
    }
}
