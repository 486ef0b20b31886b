//! `PolarsDataFrame`: a Polars `LazyFrame` (computed at most once) plus its
//! Fugue schema and metadata.

use std::fmt;
use std::sync::{Arc, Mutex};

use fugue_core::dataframe::{DataFrame, DataFrameRef, Metadata};
use fugue_core::spi::frame::{
    alter_columns_schema, check_dataframe_schema, drop_columns_schema, rename_schema,
    select_columns_schema,
};
use fugue_core::{Error, LocalDataFrame, Result, Schema};
use polars::prelude::{DataFrame as PlDataFrame, IntoLazy, LazyFrame, PlSmallStr};

use crate::exact_col as col;

use crate::bridge::{from_polars_df, fugue_schema};
use crate::error::{from_polars, run_polars};
use crate::scan::{ArrowScan, ParquetData, lazy_scan};

/// A frame of the Polars engine: a Polars [`LazyFrame`] plus the Fugue
/// schema it produces and the frame's metadata (ENG-GEN-2).
///
/// - The plan runs at most once: the first operation that needs rows
///   (`count`, `as_local_bounded`, `persist`, ...) collects it and keeps the
///   Polars `DataFrame`; later uses and every frame derived from this one
///   start from that result. `head` runs a limited plan and keeps nothing.
/// - The schema is the Fugue schema (normalised per SCH-TYPE-8: a Polars
///   `String` column is `str`, a map column that Polars holds as
///   `List(Struct{key, value})` is reported as the map it was). Rows
///   converted back to Arrow ([`DataFrame::as_local_bounded`]) have exactly
///   this schema.
/// - Column operations (`rename`, `drop_columns`, `select_columns`,
///   `alter_columns`) extend the lazy plan and validate with the shared core
///   functions, so their errors match every other engine's;
///   `alter_columns` casts with the DF-CAST rules (the same code as every
///   engine, run per chunk inside the plan).
/// - It is local, bounded and has one physical partition.
///
/// Reach the native object with [`PolarsDataFrame::native`] (the plan) or
/// [`PolarsDataFrame::collect`] (the computed Polars `DataFrame`).
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::{DataFrame, DataFrameRef, ExecutionEngine, LocalDataFrame, Value, Conf};
/// use fugue_polars::{PolarsDataFrame, PolarsExecutionEngine};
///
/// let engine = PolarsExecutionEngine::new(Conf::new())?;
/// let local: DataFrameRef =
///     Arc::new(LocalDataFrame::from_rows(vec![vec![Value::from("x")]], "a:str")?);
/// let df = engine.to_df(&local)?;
/// let pl = df.downcast_ref::<PolarsDataFrame>().expect("a polars frame");
/// assert_eq!(pl.collect()?.height(), 1);
/// assert_eq!(df.schema().to_string(), "a:str");
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Clone)]
pub struct PolarsDataFrame {
    schema: Schema,
    plan: Arc<Plan>,
    metadata: Arc<Metadata>,
    /// The plan's rows are known to be distinct (the result of `distinct`,
    /// a distinct union, `subtract`, `intersect`): set operations skip
    /// another `unique` over them. Any derived plan starts unknown.
    distinct_rows: bool,
}

/// The lazy plan and, once computed, its result.
struct Plan {
    lazy: LazyFrame,
    computed: Mutex<Option<PlDataFrame>>,
    /// The Arrow data of a frame built from Arrow (`lazy` scans it): rows
    /// go back to Arrow without crossing the bridge twice.
    arrow: Option<LocalDataFrame>,
    /// The Parquet files of a frame made by `load_df` (`lazy` scans them,
    /// decoding the columns a plan reads): counted from their footers, read
    /// whole (once) when rows go back to Arrow.
    parquet: Option<Arc<ParquetData>>,
}

impl fmt::Debug for PolarsDataFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolarsDataFrame")
            .field("schema", &self.schema.to_string())
            .field("computed", &self.is_computed())
            .finish()
    }
}

impl PolarsDataFrame {
    /// A frame over the lazy plan `lazy`, which must produce the columns of
    /// `schema` in order (types as Polars holds them; they are conformed to
    /// `schema` when rows come back to Arrow).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty schema.
    pub fn from_lazy(lazy: LazyFrame, schema: Schema) -> Result<Self> {
        check_dataframe_schema(&schema)?;
        Ok(PolarsDataFrame {
            schema,
            plan: Arc::new(Plan { lazy, computed: Mutex::new(None), arrow: None, parquet: None }),
            metadata: Arc::new(Metadata::new()),
            distinct_rows: false,
        })
    }

    /// A frame over a computed Polars `DataFrame` with the Fugue schema
    /// `schema`.
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty schema; `ERR-DF-INIT` when the column count differs.
    pub fn from_polars(df: PlDataFrame, schema: Schema) -> Result<Self> {
        check_dataframe_schema(&schema)?;
        if df.width() != schema.len() {
            return Err(Error::df_init(format!(
                "a polars frame with {} columns cannot have the schema `{schema}`",
                df.width()
            )));
        }
        Ok(PolarsDataFrame {
            schema,
            plan: Arc::new(Plan {
                lazy: df.clone().lazy(),
                computed: Mutex::new(Some(df)),
                arrow: None,
                parquet: None,
            }),
            metadata: Arc::new(Metadata::new()),
            distinct_rows: false,
        })
    }

    /// A frame over a Polars `DataFrame`, its Fugue schema derived from the
    /// Polars schema (SCH-TYPE-8).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for types outside the schema grammar or no columns.
    pub fn from_polars_infer(df: PlDataFrame) -> Result<Self> {
        let schema = fugue_schema(df.schema())?;
        Self::from_polars(df, schema)
    }

    /// A frame over a Polars `LazyFrame`, its Fugue schema derived from the
    /// plan's schema (resolving it; no rows are computed).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for types outside the schema grammar; backend errors
    /// while resolving the plan's schema.
    pub fn from_lazy_infer(mut lazy: LazyFrame) -> Result<Self> {
        let schema = lazy.collect_schema().map_err(|e| from_polars(e, "collect_schema"))?;
        let schema = fugue_schema(&schema)?;
        Self::from_lazy(lazy, schema)
    }

    /// A frame over a local Arrow frame (metadata kept, ENG-TODF-2). Nothing
    /// is converted here: the plan is a Polars scan of the Arrow batches
    /// that converts only the columns a plan reads, when it runs, each
    /// through the zero-copy bridge (the batches become the Polars chunks;
    /// `str` columns get string views over the same bytes). Column
    /// selections, renames, `count`, `head` and `as_local_bounded` work on
    /// the Arrow data directly.
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty schema; `ERR-EXECUTION` when Polars
    /// rejects a column type.
    pub fn from_local(local: &LocalDataFrame) -> Result<Self> {
        let schema = local.schema().clone();
        check_dataframe_schema(&schema)?;
        let metadata = local.metadata().clone();
        let lazy = lazy_scan(Arc::new(ArrowScan::new(local.clone())?))?;
        Ok(PolarsDataFrame {
            schema,
            plan: Arc::new(Plan {
                lazy,
                computed: Mutex::new(None),
                arrow: Some(local.clone().with_metadata_map(Metadata::new())),
                parquet: None,
            }),
            metadata: Arc::new(metadata),
            distinct_rows: false,
        })
    }

    /// A frame over Parquet files whose footers are read (the Polars
    /// engine's `load_df`): the plan is a scan that decodes only the
    /// columns a plan reads, when it runs; `count` is answered from the
    /// footers; `as_local_bounded` (and saving, maps) decodes every column
    /// once and keeps the Arrow batches.
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty schema; `ERR-EXECUTION` when Polars
    /// rejects a column type.
    pub(crate) fn from_parquet(data: ParquetData) -> Result<Self> {
        let schema = data.schema().clone();
        check_dataframe_schema(&schema)?;
        let data = Arc::new(data);
        let lazy = lazy_scan(Arc::new(ArrowScan::parquet(Arc::clone(&data))?))?;
        Ok(PolarsDataFrame {
            schema,
            plan: Arc::new(Plan {
                lazy,
                computed: Mutex::new(None),
                arrow: None,
                parquet: Some(data),
            }),
            metadata: Arc::new(Metadata::new()),
            distinct_rows: false,
        })
    }

    /// The Arrow data of a frame built from Arrow ([`PolarsDataFrame::from_local`],
    /// `to_df` of a non-Polars frame, `map_dataframe` results), shared, not
    /// copied; for a Parquet load, its batches once they have been read
    /// whole; `None` for frames of a Polars plan.
    pub fn arrow(&self) -> Option<&LocalDataFrame> {
        self.plan.arrow.as_ref().or_else(|| self.plan.parquet.as_ref().and_then(|p| p.read_whole()))
    }

    /// This frame's Arrow data, reading a Parquet load whole first; `None`
    /// for frames of a Polars plan.
    fn arrow_or_read(&self) -> Result<Option<&LocalDataFrame>> {
        match (&self.plan.arrow, &self.plan.parquet) {
            (Some(local), _) => Ok(Some(local)),
            (None, Some(parquet)) => Ok(Some(parquet.local()?)),
            (None, None) => Ok(None),
        }
    }

    /// The native object: the Polars lazy plan of this frame (over the
    /// computed result once there is one).
    pub fn native(&self) -> LazyFrame {
        match self.computed() {
            Some(df) => df.lazy(),
            None => self.plan.lazy.clone(),
        }
    }

    fn computed(&self) -> Option<PlDataFrame> {
        self.plan.computed.lock().ok().and_then(|c| c.clone())
    }

    /// True when the rows are held: a frame built from Arrow data, or a
    /// plan computed by `collect` or `persist`.
    pub fn is_computed(&self) -> bool {
        self.arrow().is_some() || self.plan.computed.lock().map(|c| c.is_some()).unwrap_or(false)
    }

    /// A frame over the Arrow result of a column operation on this frame's
    /// Arrow data (this frame's metadata kept).
    fn rewrap(&self, df: DataFrameRef) -> Result<DataFrameRef> {
        let local = df.as_local_bounded()?;
        Ok(Arc::new(Self::from_local(&local)?.with_metadata_map((*self.metadata).clone())))
    }

    /// The computed Polars `DataFrame`: collects the plan on first use and
    /// keeps the result (ENG-PERSIST-2: later calls neither recompute nor copy).
    ///
    /// # Errors
    /// Errors of the plan (`ERR-CAST` of casts inside it, backend errors).
    pub fn collect(&self) -> Result<PlDataFrame> {
        if let Some(df) = self.computed() {
            return Ok(df);
        }
        let df = run_polars("collect", || self.plan.lazy.clone().collect())?;
        if df.width() != self.schema.len() {
            return Err(Error::internal(format!(
                "the polars plan produced {} columns for schema `{}`",
                df.width(),
                self.schema
            )));
        }
        if let Ok(mut slot) = self.plan.computed.lock() {
            *slot = Some(df.clone());
        }
        Ok(df)
    }

    /// Computes and keeps the rows (ENG-PERSIST-2): a Parquet load is read
    /// whole into Arrow (once), a plan is collected (once); frames built
    /// from Arrow already hold theirs.
    ///
    /// # Errors
    /// Reader errors; errors of the plan.
    pub(crate) fn compute(&self) -> Result<()> {
        if self.arrow_or_read()?.is_none() {
            self.collect()?;
        }
        Ok(())
    }

    /// This frame marked as holding distinct rows (see the field).
    pub(crate) fn with_distinct_rows(mut self) -> Self {
        self.distinct_rows = true;
        self
    }

    /// True when the rows are known to be distinct (no `unique` needed).
    pub(crate) fn has_distinct_rows(&self) -> bool {
        self.distinct_rows
    }

    /// This frame with `metadata` (DF-META-1), sharing the plan.
    pub fn with_metadata_map(mut self, metadata: Metadata) -> Self {
        self.metadata = Arc::new(metadata);
        self
    }

    /// A frame of a new plan derived from this one, with this frame's metadata.
    pub(crate) fn derive(&self, lazy: LazyFrame, schema: Schema) -> Result<Self> {
        Ok(Self::from_lazy(lazy, schema)?.with_metadata_map((*self.metadata).clone()))
    }
}

fn names(cols: &[&str]) -> Vec<polars::prelude::Expr> {
    cols.iter().map(|c| col(PlSmallStr::from_str(c))).collect()
}

impl DataFrame for PolarsDataFrame {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    fn with_metadata(&self, metadata: Metadata) -> DataFrameRef {
        Arc::new(self.clone().with_metadata_map(metadata))
    }

    fn num_partitions(&self) -> usize {
        1
    }

    fn count(&self) -> Result<usize> {
        if let Some(local) = self.arrow() {
            return Ok(local.num_rows());
        }
        if let Some(parquet) = &self.plan.parquet {
            return Ok(parquet.num_rows());
        }
        Ok(self.collect()?.height())
    }

    fn is_empty(&self) -> Result<bool> {
        Ok(self.count()? == 0)
    }

    fn as_local_bounded(&self) -> Result<LocalDataFrame> {
        if let Some(local) = self.arrow_or_read()? {
            return Ok(local.clone().with_metadata_map((*self.metadata).clone()));
        }
        let local = from_polars_df(&self.collect()?, &self.schema)?;
        Ok(local.with_metadata_map((*self.metadata).clone()))
    }

    fn head(&self, n: usize, columns: Option<&[&str]>) -> Result<LocalDataFrame> {
        if let Some(local) = self.arrow() {
            return Ok(local.head(n, columns)?.with_metadata_map((*self.metadata).clone()));
        }
        let schema = match columns {
            Some(cols) => select_columns_schema(&self.schema, cols)?,
            None => self.schema.clone(),
        };
        let rows = u32::try_from(n).unwrap_or(u32::MAX);
        let mut lazy = self.native().limit(rows as polars::prelude::IdxSize);
        if let Some(cols) = columns {
            lazy = lazy.select(names(cols));
        }
        let df = run_polars("head", || lazy.collect())?;
        Ok(from_polars_df(&df, &schema)?.with_metadata_map((*self.metadata).clone()))
    }

    fn rename(&self, pairs: &[(&str, &str)]) -> Result<DataFrameRef> {
        let schema = rename_schema(&self.schema, pairs)?;
        if pairs.is_empty() {
            return Ok(Arc::new(self.clone()));
        }
        if let Some(local) = self.arrow() {
            return self.rewrap(local.rename(pairs)?);
        }
        let lazy = self.native().rename(
            pairs.iter().map(|(o, _)| PlSmallStr::from_str(o)),
            pairs.iter().map(|(_, n)| PlSmallStr::from_str(n)),
            true,
        );
        Ok(Arc::new(self.derive(lazy, schema)?))
    }

    fn drop_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        let schema = drop_columns_schema(&self.schema, columns)?;
        if let Some(local) = self.arrow() {
            return self.rewrap(local.drop_columns(columns)?);
        }
        let keep = schema.names();
        let lazy = self.native().select(names(&keep));
        Ok(Arc::new(self.derive(lazy, schema)?))
    }

    fn select_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        let schema = select_columns_schema(&self.schema, columns)?;
        if let Some(local) = self.arrow() {
            return self.rewrap(local.select_columns(columns)?);
        }
        let lazy = self.native().select(names(columns));
        Ok(Arc::new(self.derive(lazy, schema)?))
    }

    fn alter_columns(&self, subschema: &Schema) -> Result<DataFrameRef> {
        let schema = alter_columns_schema(&self.schema, subschema)?;
        if schema == self.schema {
            return Ok(Arc::new(self.clone()));
        }
        let exprs = self
            .schema
            .fields()
            .iter()
            .zip(schema.fields().iter())
            .map(|(from, to)| {
                let c = col(PlSmallStr::from_str(from.name()));
                if from.data_type() == to.data_type() {
                    Ok(c)
                } else {
                    crate::expr::fugue_cast(c, from.data_type(), to.data_type())
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let lazy = self.native().select(exprs);
        Ok(Arc::new(self.derive(lazy, schema)?))
    }
}
