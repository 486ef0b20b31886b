//! The cost of running W1 as a one-node `FugueWorkflow` (and through
//! `fugue::api::transform`) over a direct `map_dataframe` on
//! workload W1 (`shared/bench/WORKLOADS.md`: lineitem partitioned by
//! `l_suppkey`, presorted by `l_shipdate, l_orderkey`; per group add
//! `qty_share` and `rn`) on the native engine. Both paths run the same
//! per-group body, so the difference is the API: engine resolution, the
//! extension context, one transformer instance per physical partition and
//! the output conversion (target ≤ 1.05x, issues 11 and 12); the workflow
//! adds building the DAG, its run bookkeeping and node identity.
//!
//! `FUGUE_BENCH_SF` sets the scale factor (default 0.1).
//! Run: `cargo bench -p fugue-workflow --bench workflow_overhead`.

use std::sync::Arc;
use std::time::Duration;

use arrow::array::{ArrayRef, Float64Array, Int64Array};
use arrow::compute::kernels::numeric::div;
use arrow::compute::{cast, sum};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use fugue_api::extension::TransformContext;
use fugue_core::engine::{EngineRef, map_fn};
use fugue_core::{DataFrame, DataFrameRef, Error, LocalDataFrame, PartitionSpec, Result, Schema};
use tpchgen::generators::LineItemGenerator;
use tpchgen_arrow::LineItemArrow;

use fugue_native as _;

const PRESORT: &str = "l_shipdate asc, l_orderkey asc";
const HINT: &str = "*,qty_share:double,rn:long";

/// W1's per-group body, shared by both paths.
fn body(part: LocalDataFrame, out: &Schema) -> Result<LocalDataFrame> {
    let batch = part.to_batch()?;
    let qty = cast(batch.column(2), &DataType::Float64)?;
    let qty = qty
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| Error::user("l_quantity is not double"))?;
    let total = sum(qty).unwrap_or(0.0);
    let share: ArrayRef = div(qty, &Float64Array::new_scalar(total))?;
    let rn: ArrayRef = Arc::new(Int64Array::from_iter_values(1..=batch.num_rows() as i64));
    let mut columns = batch.columns().to_vec();
    columns.extend([share, rn]);
    LocalDataFrame::new(out.clone(), vec![RecordBatch::try_new(out.arrow().clone(), columns)?])
}

fn direct(engine: &EngineRef, input: &DataFrameRef) -> Result<usize> {
    let spec = PartitionSpec::builder().by(["l_suppkey"]).presort(PRESORT).build()?;
    let output = input.schema().transform(HINT)?;
    let out = output.clone();
    let f = map_fn(move |_cursor, part| body(part, &out));
    Ok(engine.map_dataframe(input, f, &output, &spec, None)?.as_local_bounded()?.num_rows())
}

fn via_api(engine: &EngineRef, input: &DataFrameRef) -> Result<usize> {
    let out = fugue_api::api::transform(input.clone(), |ctx: &TransformContext<'_>, part| {
        body(part, ctx.output_schema()?)
    })
    .schema(HINT)
    .partition(("l_suppkey", PRESORT))
    .engine(engine.clone())
    .as_local()
    .run()?;
    out.count()
}

fn via_workflow(engine: &EngineRef, input: &DataFrameRef) -> Result<usize> {
    let dag = fugue_workflow::FugueWorkflow::new();
    dag.df(input.clone())?
        .partition(("l_suppkey", PRESORT))?
        .transform(|ctx: &TransformContext<'_>, part| body(part, ctx.output_schema()?), HINT)?
        .yield_dataframe_as("out", true)?;
    let result = dag.run(engine.clone())?;
    result.get("out")?.count()
}

fn bench(c: &mut Criterion) {
    let sf: f64 = std::env::var("FUGUE_BENCH_SF").ok().and_then(|s| s.parse().ok()).unwrap_or(0.1);
    let setup = || -> Result<(EngineRef, DataFrameRef)> {
        let batches = LineItemArrow::new(LineItemGenerator::new(sf, 1, 1))
            .with_batch_size(8192)
            .collect::<std::result::Result<Vec<RecordBatch>, _>>()?;
        let li = LocalDataFrame::from_batches(batches)?;
        let input: DataFrameRef = Arc::new(li).select_columns(&[
            "l_orderkey",
            "l_suppkey",
            "l_quantity",
            "l_shipdate",
        ])?;
        Ok((fugue_core::make_engine("native", fugue_core::Conf::empty())?, input))
    };
    let (engine, input) = match setup() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("cannot set up W1 at SF {sf}: {e}");
            return;
        }
    };
    let rows = input.count().unwrap_or(0) as u64;
    let mut g = c.benchmark_group("W1_workflow_overhead");
    g.throughput(Throughput::Elements(rows));
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function(BenchmarkId::new("map_dataframe", rows), |b| {
        b.iter(|| direct(&engine, &input).unwrap_or(0))
    });
    g.bench_function(BenchmarkId::new("api_transform", rows), |b| {
        b.iter(|| via_api(&engine, &input).unwrap_or(0))
    });
    g.bench_function(BenchmarkId::new("workflow", rows), |b| {
        b.iter(|| via_workflow(&engine, &input).unwrap_or(0))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
