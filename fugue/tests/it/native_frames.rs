//! Engine-native frames as dataframe-like inputs (ENG-API-1, WF-API-1):
//! a Polars `DataFrame` / `LazyFrame` or a DataFusion `DataFrame` goes in and
//! the result comes back as the same kind, on every engine.

#[cfg(feature = "polars")]
#[test]
fn polars_frames_round_trip_through_transform_on_every_engine() -> fugue::Result<()> {
    use fugue::core::LocalDataFrame;
    use fugue_polars::polars::prelude::{IntoLazy, df};

    for engine in ["native", "polars", "datafusion"] {
        let input = df!("k" => ["a", "b", "a"], "v" => [3i64, 1, 5]).map_err(fugue::Error::user)?;
        let out = fugue::api::transform(input.clone(), |df: LocalDataFrame| df.slice(0, 1))
            .schema("*")
            .partition(("k", "v desc"))
            .engine(engine)
            .run()?;
        // a Polars DataFrame back: the top row per key
        let col = out.column("v").map_err(fugue::Error::user)?;
        let mut top: Vec<i64> =
            col.i64().map_err(fugue::Error::user)?.into_no_null_iter().collect();
        top.sort_unstable();
        assert_eq!(top, vec![1, 5], "engine {engine}");

        let lazy_out = fugue::api::distinct(input.clone().lazy()).engine(engine).run()?;
        let collected = lazy_out.collect().map_err(fugue::Error::user)?;
        assert_eq!(collected.height(), 3, "engine {engine}");
    }
    Ok(())
}

/// ENG-CTX-1: with no engine named and no context or global engine, a
/// Polars frame runs on the Polars engine (inferred from the input).
#[cfg(feature = "polars")]
#[test]
fn the_engine_is_inferred_from_a_polars_input() -> fugue::Result<()> {
    use fugue_polars::PolarsDataFrame;
    use fugue_polars::polars::prelude::df;

    let input = df!("k" => ["a", "b", "a"]).map_err(fugue::Error::user)?;
    let out = fugue::api::distinct(fugue::api::as_fugue(input)).run()?;
    assert!(out.is::<PolarsDataFrame>(), "ran on the polars engine");
    assert_eq!(fugue::api::count(out)?, 2);
    Ok(())
}

#[cfg(feature = "datafusion")]
#[test]
fn datafusion_frames_round_trip_through_the_api_on_every_engine() -> fugue::Result<()> {
    use std::sync::Arc;

    use fugue::core::arrow::array::{Int64Array, StringArray};
    use fugue::core::arrow::record_batch::RecordBatch;
    use fugue_datafusion::datafusion::prelude::SessionContext;

    let batch = RecordBatch::try_from_iter([
        ("k", Arc::new(StringArray::from(vec!["a", "b", "a"])) as _),
        ("v", Arc::new(Int64Array::from(vec![3, 1, 5])) as _),
    ])?;
    let ctx = SessionContext::new();
    for engine in ["native", "polars", "datafusion"] {
        let input = ctx.read_batch(batch.clone()).map_err(fugue::Error::user)?;
        let out = fugue::api::take(input, 1).presort("v desc").engine(engine).run()?;
        // a DataFusion DataFrame back; run it with DataFusion's own API
        let rt = tokio_runtime()?;
        let batches = rt.block_on(out.collect()).map_err(fugue::Error::user)?;
        let values: Vec<i64> = batches
            .iter()
            .flat_map(|b| {
                b.column(1)
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .into_iter()
                    .flat_map(|a| a.values().to_vec())
            })
            .collect();
        assert_eq!(values, vec![5], "engine {engine}");
    }
    Ok(())
}

#[cfg(feature = "datafusion")]
fn tokio_runtime() -> fugue::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(fugue::Error::user)
}
