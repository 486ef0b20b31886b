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

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use arrow::array::ArrayRef;
use fugue_core::{DataFrame, LocalDataFrame, Result};
use polars::prelude::{
    AnonymousScan, AnonymousScanArgs, Column, DataFrame as PlDataFrame, IntoColumn, LazyFrame,
    PlSmallStr, PolarsResult, ScanArgsAnonymous, Schema as PlSchema, SchemaRef as PlSchemaRef,
};
use rayon::prelude::*;

use crate::bridge::series_from_arrays;
use crate::error::carry;

/// Arrow batches read by Polars as an anonymous scan with projection
/// pushdown (see the module docs). The Polars schema is the one the bridge
/// gives each Arrow type (`str` → `String`, a map → `List(Struct)`, ...).
pub(crate) struct ArrowScan {
    local: LocalDataFrame,
    schema: PlSchemaRef,
    converted: Mutex<HashMap<PlSmallStr, Column>>,
}

impl ArrowScan {
    /// A scan over `local`.
    ///
    /// # Errors
    /// `ERR-EXECUTION` when Polars rejects a column type.
    pub(crate) fn new(local: LocalDataFrame) -> Result<Self> {
        let mut schema = PlSchema::with_capacity(local.schema().len());
        for field in local.schema().fields() {
            // the dtype Polars gives a converted column of this type
            let empty = series_from_arrays(field.name(), &[], field.data_type())?;
            schema.insert(PlSmallStr::from_str(field.name()), empty.dtype().clone());
        }
        Ok(ArrowScan { local, schema: Arc::new(schema), converted: Mutex::new(HashMap::new()) })
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
        let schema = self.local.schema();
        let indices =
            names.iter().map(|n| schema.index_of(n.as_str())).collect::<Result<Vec<_>>>()?;
        if let Some(n) = n_rows.filter(|n| *n < self.local.num_rows()) {
            // `head`: convert the slice only, keep nothing
            let sliced = self.local.slice(0, n);
            let columns = names
                .iter()
                .zip(&indices)
                .map(|(name, &i)| Self::convert(&sliced, name, i))
                .collect::<Result<Vec<_>>>()?;
            return new_frame(sliced.num_rows(), columns);
        }
        let missing: Vec<(PlSmallStr, usize)> = {
            let done = self.converted.lock().map_err(|_| poisoned())?;
            names
                .iter()
                .zip(&indices)
                .filter(|(n, _)| !done.contains_key(*n))
                .map(|(n, &i)| (n.clone(), i))
                .collect()
        };
        let fresh = polars_core::runtime::THREAD_POOL.install(|| {
            missing
                .par_iter()
                .map(|(n, i)| Ok((n.clone(), Self::convert(&self.local, n, *i)?)))
                .collect::<Result<Vec<_>>>()
        })?;
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
        new_frame(self.local.num_rows(), columns)
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
}
