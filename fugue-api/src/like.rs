//! x-like inputs: one conversion trait per role, so each API call accepts
//! what a user has in hand (the seeds' "X-Like Objects").
//!
//! | role | trait | accepts |
//! |---|---|---|
//! | dataframe | [`DataFrameLike`] | `DataFrameRef`, `LocalDataFrame`, `RecordBatch`, `Vec<RecordBatch>`, a Parquet path (`&str`, `String`, `&Path`, `PathBuf`; WF-API-2), rows with a schema `(Vec<Row>, schema)`; Polars and DataFusion frames behind the `polars` / `datafusion` features |
//! | schema | [`SchemaLike`] | schema text, `Schema`, an Arrow schema, `(name, DataType)` pairs |
//! | partition | [`PartitionLike`] | `PartitionSpec`, its builder, text (`"k"`, `"per_row"`, JSON), a JSON value, `(by, presort)` pairs |
//! | conf | [`ConfLike`] | `Conf`, `(key, value)` pairs, a JSON object (value or text) |
//! | engine | [`EngineLike`](crate::context::EngineLike) | a name, an `EngineRef`, `(name, conf)` |
//!
//! Results come back as the caller's kind ([`DataFrameLike::Output`],
//! WF-API-1, ENG-API-1): a `RecordBatch` in gives a `RecordBatch` out, a
//! `DataFrameRef` in gives a `DataFrameRef` out. Wrap any input with
//! [`as_fugue`](crate::api::as_fugue) to get an engine frame back instead.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema as ArrowSchema, SchemaRef};
use arrow::record_batch::RecordBatch;
use fugue_core::dataframe::{DataFrame, DataFrameRef};
use fugue_core::engine::{ExecutionEngine, LoadOptions};
use fugue_core::io::{FileFormat, infer_format};
use fugue_core::partition::PartitionSpecBuilder;
use fugue_core::{Conf, Error, LocalDataFrame, PartitionSpec, Result, Row, Schema};
use serde_json::Value as Json;

/// Anything that becomes a [`DataFrame`] on an engine, and the kind the
/// result of an API call comes back as.
///
/// Conversion is zero-copy where the data already is Arrow: batches are
/// wrapped, not copied; a path is loaded lazily by the engine.
pub trait DataFrameLike {
    /// What an API call returns for this input (ENG-API-1: the caller's kind).
    type Output;

    /// The frame on `engine` (`engine.to_df` of the data, or a load for a path).
    ///
    /// # Errors
    /// `ERR-WF-INTERFACELESS` for a path that is not Parquet (WF-API-2);
    /// the engine's load and conversion errors.
    fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef>;

    /// The engine this input suggests when the call names none and no
    /// context or global engine is set (ENG-CTX-1 "inferred from the input
    /// frames"): `polars` for Polars frames, `datafusion` for DataFusion
    /// frames, none for Arrow data and paths.
    fn engine_hint(&self) -> Option<&'static str> {
        None
    }

    /// The schema, when it is known without computing anything (Arrow data
    /// and engine frames); `None` for paths and foreign lazy plans. A
    /// workflow's `df(..)` node includes it in its identity (WF-ID-3).
    fn known_schema(&self) -> Option<Schema> {
        None
    }

    /// Converts a result back to [`Output`](Self::Output).
    ///
    /// # Errors
    /// Errors of materialising the frame when the output kind is local.
    fn convert_output(df: DataFrameRef) -> Result<Self::Output>;
}

impl DataFrameLike for DataFrameRef {
    type Output = DataFrameRef;
    fn known_schema(&self) -> Option<Schema> {
        Some(self.schema().clone())
    }
    fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
        engine.to_df(&self)
    }
    fn convert_output(df: DataFrameRef) -> Result<DataFrameRef> {
        Ok(df)
    }
}

impl DataFrameLike for &DataFrameRef {
    type Output = DataFrameRef;
    fn known_schema(&self) -> Option<Schema> {
        Some(self.schema().clone())
    }
    fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
        engine.to_df(self)
    }
    fn convert_output(df: DataFrameRef) -> Result<DataFrameRef> {
        Ok(df)
    }
}

impl DataFrameLike for LocalDataFrame {
    type Output = LocalDataFrame;
    fn known_schema(&self) -> Option<Schema> {
        Some(self.schema().clone())
    }
    fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
        engine.to_df(&(Arc::new(self) as DataFrameRef))
    }
    fn convert_output(df: DataFrameRef) -> Result<LocalDataFrame> {
        df.as_local_bounded()
    }
}

impl DataFrameLike for &LocalDataFrame {
    type Output = LocalDataFrame;
    fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
        self.clone().into_fugue(engine)
    }
    fn convert_output(df: DataFrameRef) -> Result<LocalDataFrame> {
        df.as_local_bounded()
    }
}

impl DataFrameLike for RecordBatch {
    type Output = RecordBatch;
    fn known_schema(&self) -> Option<Schema> {
        Schema::from_arrow(self.schema().as_ref()).ok()
    }
    fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
        LocalDataFrame::from_batch(self)?.into_fugue(engine)
    }
    fn convert_output(df: DataFrameRef) -> Result<RecordBatch> {
        df.as_local_bounded()?.to_batch()
    }
}

impl DataFrameLike for &RecordBatch {
    type Output = RecordBatch;
    fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
        self.clone().into_fugue(engine)
    }
    fn convert_output(df: DataFrameRef) -> Result<RecordBatch> {
        RecordBatch::convert_output(df)
    }
}

impl DataFrameLike for Vec<RecordBatch> {
    type Output = Vec<RecordBatch>;
    fn known_schema(&self) -> Option<Schema> {
        self.first().and_then(|b| Schema::from_arrow(b.schema().as_ref()).ok())
    }
    fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
        LocalDataFrame::from_batches(self)?.into_fugue(engine)
    }
    fn convert_output(df: DataFrameRef) -> Result<Vec<RecordBatch>> {
        Ok(df.as_local_bounded()?.into_batches())
    }
}

impl<S: SchemaLike> DataFrameLike for (Vec<Row>, S) {
    type Output = LocalDataFrame;
    fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
        let schema = self.1.into_schema()?;
        LocalDataFrame::from_rows(self.0, schema)?.into_fugue(engine)
    }
    fn convert_output(df: DataFrameRef) -> Result<LocalDataFrame> {
        df.as_local_bounded()
    }
}

/// Loads a Parquet file or folder (WF-API-2); other formats are refused.
fn load_parquet_path(path: &Path, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
    let text = path
        .to_str()
        .ok_or_else(|| Error::arg(path.display().to_string(), "the path is not valid UTF-8"))?;
    if let Ok((format, _)) = infer_format(text)
        && format != FileFormat::Parquet
    {
        return Err(Error::interfaceless(format!(
            "`{text}` is a {format} path: a path given as a dataframe must be Parquet (WF-API-2); load it with `api::load` first"
        )));
    }
    let options = LoadOptions { format_hint: Some("parquet".into()), ..LoadOptions::default() };
    engine.load_df(&[text], &options)
}

macro_rules! path_like {
    ($($t:ty),* $(,)?) => {$(
        impl DataFrameLike for $t {
            type Output = DataFrameRef;
            fn into_fugue(self, engine: &dyn ExecutionEngine) -> Result<DataFrameRef> {
                let p: &Path = self.as_ref();
                load_parquet_path(p, engine)
            }
            fn convert_output(df: DataFrameRef) -> Result<DataFrameRef> {
                Ok(df)
            }
        }
    )*};
}

path_like!(&str, String, &Path, PathBuf);

/// Anything that is a schema: schema text (`"a:int,b:str"`), a [`Schema`],
/// an Arrow schema, or `(name, DataType)` pairs.
pub trait SchemaLike {
    /// The schema.
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` for text that does not parse; `ERR-SCHEMA` for
    /// duplicate names or types outside the schema grammar.
    fn into_schema(self) -> Result<Schema>;
}

impl SchemaLike for Schema {
    fn into_schema(self) -> Result<Schema> {
        Ok(self)
    }
}

impl SchemaLike for &Schema {
    fn into_schema(self) -> Result<Schema> {
        Ok(self.clone())
    }
}

impl SchemaLike for &str {
    fn into_schema(self) -> Result<Schema> {
        Schema::parse(self)
    }
}

impl SchemaLike for String {
    fn into_schema(self) -> Result<Schema> {
        Schema::parse(&self)
    }
}

impl SchemaLike for &ArrowSchema {
    fn into_schema(self) -> Result<Schema> {
        Schema::from_arrow(self)
    }
}

impl SchemaLike for SchemaRef {
    fn into_schema(self) -> Result<Schema> {
        Schema::from_arrow(self.as_ref())
    }
}

impl<N: AsRef<str>> SchemaLike for Vec<(N, DataType)> {
    fn into_schema(self) -> Result<Schema> {
        let fields: Vec<Field> =
            self.into_iter().map(|(n, t)| Field::new(n.as_ref(), t, true)).collect();
        Schema::from_arrow(&ArrowSchema::new(fields))
    }
}

impl<N: AsRef<str>, const K: usize> SchemaLike for [(N, DataType); K] {
    fn into_schema(self) -> Result<Schema> {
        Vec::from(self).into_schema()
    }
}

/// Anything that is a partition spec: a [`PartitionSpec`] or its builder,
/// text (a key name, `per_row`, or a JSON object, PS-CTOR-2..4), a JSON
/// value, `(by, presort)` with `by` a key or list of keys and `presort` a
/// presort expression (`"v desc, w"`).
pub trait PartitionLike {
    /// The spec.
    ///
    /// # Errors
    /// The errors of [`PartitionSpec::parse`] and the builder.
    fn into_partition(self) -> Result<PartitionSpec>;
}

impl PartitionLike for PartitionSpec {
    fn into_partition(self) -> Result<PartitionSpec> {
        Ok(self)
    }
}

impl PartitionLike for &PartitionSpec {
    fn into_partition(self) -> Result<PartitionSpec> {
        Ok(self.clone())
    }
}

impl PartitionLike for PartitionSpecBuilder {
    fn into_partition(self) -> Result<PartitionSpec> {
        self.build()
    }
}

impl PartitionLike for &str {
    fn into_partition(self) -> Result<PartitionSpec> {
        PartitionSpec::parse(self)
    }
}

impl PartitionLike for String {
    fn into_partition(self) -> Result<PartitionSpec> {
        PartitionSpec::parse(&self)
    }
}

impl PartitionLike for Json {
    fn into_partition(self) -> Result<PartitionSpec> {
        PartitionSpec::from_json_value(&self)
    }
}

impl<const K: usize> PartitionLike for [&str; K] {
    fn into_partition(self) -> Result<PartitionSpec> {
        PartitionSpec::by(self)
    }
}

impl PartitionLike for Vec<&str> {
    fn into_partition(self) -> Result<PartitionSpec> {
        PartitionSpec::by(self)
    }
}

impl PartitionLike for (&str, &str) {
    fn into_partition(self) -> Result<PartitionSpec> {
        PartitionSpec::builder().by([self.0]).presort(self.1).build()
    }
}

impl<const K: usize> PartitionLike for ([&str; K], &str) {
    fn into_partition(self) -> Result<PartitionSpec> {
        PartitionSpec::builder().by(self.0).presort(self.1).build()
    }
}

/// Anything that is a configuration: a [`Conf`], `(key, value)` pairs, a
/// JSON object (value or text).
pub trait ConfLike {
    /// The conf (only the given entries; engines put them over the global
    /// defaults).
    ///
    /// # Errors
    /// `ERR-ARG` for JSON that is not an object.
    fn into_conf(self) -> Result<Conf>;
}

impl ConfLike for Conf {
    fn into_conf(self) -> Result<Conf> {
        Ok(self)
    }
}

impl ConfLike for &Conf {
    fn into_conf(self) -> Result<Conf> {
        Ok(self.clone())
    }
}

impl<K: Into<String>, V: Into<Json>> ConfLike for Vec<(K, V)> {
    fn into_conf(self) -> Result<Conf> {
        Ok(Conf::from_pairs(self))
    }
}

impl<K: Into<String>, V: Into<Json>, const N: usize> ConfLike for [(K, V); N] {
    fn into_conf(self) -> Result<Conf> {
        Ok(Conf::from_pairs(self))
    }
}

impl ConfLike for Json {
    fn into_conf(self) -> Result<Conf> {
        match self {
            Json::Object(map) => Ok(Conf::from_map(&map)),
            Json::Null => Ok(Conf::empty()),
            other => Err(Error::arg(other.to_string(), "a conf must be a JSON object")),
        }
    }
}

impl ConfLike for &str {
    fn into_conf(self) -> Result<Conf> {
        Conf::from_json(self)
    }
}
