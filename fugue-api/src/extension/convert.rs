//! The shapes in which a partition reaches a function and comes back
//! (WF-SIG-1c/1d, WF-SIG-5, WF-SIG-6).
//!
//! Inputs ([`PartitionInput`]): [`LocalDataFrame`] (zero copy), `RecordBatch`
//! (the partition's batches concatenated), `Vec<RecordBatch>` (zero copy),
//! [`Batches`] (a stream over the partition's batches, zero copy, nothing
//! concatenated), `Vec<Row>` (schema-typed values, DF-OUT), `Vec<RowMap>`
//! (rows keyed by column name), and typed rows `Vec<T>` for any
//! `T: serde::Deserialize` (through `serde_arrow`).
//!
//! Outputs ([`PartitionOutput`]) and how they are conformed to the declared
//! output schema (WF-SIG-5):
//! - `LocalDataFrame`: must match exactly (ERR-SCHEMA, ENG-MAP-6);
//! - `RecordBatch`, `Vec<RecordBatch>`, [`Batches`], typed rows `Vec<U>`:
//!   the declared columns are taken by name in declared order (extra
//!   columns dropped, a missing one is ERR-NOT-FOUND), then cast to the
//!   declared types (DF-CAST); a stream that yields nothing is an empty
//!   frame;
//! - `Vec<Row>`: positional (DF-VAL rules, arity checked);
//! - `Vec<RowMap>`: read by declared names (a missing key is ERR-NOT-FOUND,
//!   extra keys ignored);
//! - `()`: nothing (output transformers);
//! - `Result<O>` of any of these.
//!
//! Typed row outputs (`U: Serialize + Deserialize`, derive both) also give
//! the output schema when the call has none (traced from `U`'s serde shape).

use std::sync::Arc;

use arrow::array::{ArrayRef, new_null_array};
use arrow::compute::concat_batches;
use arrow::datatypes::FieldRef;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use fugue_core::dataframe::{DataFrame, DataFrameExt};
use fugue_core::spi::value::cast_array;
use fugue_core::{Error, LocalDataFrame, Result, Row, Schema, Value};
use indexmap::IndexMap;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A row keyed by column name (WF-SIG-1d "rows as name→value maps").
pub type RowMap = IndexMap<String, Value>;

/// A single-pass stream of record batches: the partition as it arrives,
/// never concatenated (WF-SIG-1c "iterator of batches"). As an output, it
/// is drained and conformed batch by batch.
pub struct Batches(Box<dyn Iterator<Item = Result<RecordBatch>> + Send>);

impl Batches {
    /// A stream over `iter`.
    pub fn new<I>(iter: I) -> Self
    where
        I: IntoIterator<Item = Result<RecordBatch>>,
        I::IntoIter: Send + 'static,
    {
        Batches(Box::new(iter.into_iter()))
    }

    /// A stream over batches that cannot fail.
    pub fn from_batches<I>(iter: I) -> Self
    where
        I: IntoIterator<Item = RecordBatch>,
        I::IntoIter: Send + 'static,
    {
        Batches(Box::new(iter.into_iter().map(Ok)))
    }
}

impl Iterator for Batches {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

impl std::fmt::Debug for Batches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Batches(..)")
    }
}

/// Marker types that tell the input/output conversions apart (so one
/// closure type maps to exactly one conversion). You never name them.
pub mod marker {
    /// The frame itself.
    #[derive(Debug)]
    pub enum Frame {}
    /// One record batch.
    #[derive(Debug)]
    pub enum Batch {}
    /// A vector of batches.
    #[derive(Debug)]
    pub enum BatchVec {}
    /// A batch stream.
    #[derive(Debug)]
    pub enum Stream {}
    /// Rows of values.
    #[derive(Debug)]
    pub enum Rows {}
    /// Rows keyed by name.
    #[derive(Debug)]
    pub enum RowMaps {}
    /// Typed rows through serde.
    #[derive(Debug)]
    pub enum Typed {}
    /// Nothing.
    #[derive(Debug)]
    pub enum Unit {}
    /// A `Result` of another output.
    #[derive(Debug)]
    pub struct Fallible<M>(std::marker::PhantomData<M>);
}

/// A shape a partition can be handed to a function in (WF-SIG-6).
/// `M` is a marker type that keeps the conversions apart.
pub trait PartitionInput<M>: Sized + 'static {
    /// The preferred input format passed to the engine (ENG-MAP-10).
    const FORMAT_HINT: &'static str;

    /// Converts the partition.
    ///
    /// # Errors
    /// `ERR-CAST` when typed rows cannot be read from the columns.
    fn from_partition(df: LocalDataFrame) -> Result<Self>;

    /// Converts the (empty-member) frames of `on_init`; the same as
    /// [`from_partition`](Self::from_partition).
    ///
    /// # Errors
    /// As [`from_partition`](Self::from_partition).
    fn from_init(df: &LocalDataFrame) -> Result<Self> {
        Self::from_partition(df.clone())
    }
}

impl PartitionInput<marker::Frame> for LocalDataFrame {
    const FORMAT_HINT: &'static str = "arrow";
    fn from_partition(df: LocalDataFrame) -> Result<Self> {
        Ok(df)
    }
}

impl PartitionInput<marker::Batch> for RecordBatch {
    const FORMAT_HINT: &'static str = "arrow";
    fn from_partition(df: LocalDataFrame) -> Result<Self> {
        df.to_batch()
    }
}

impl PartitionInput<marker::BatchVec> for Vec<RecordBatch> {
    const FORMAT_HINT: &'static str = "arrow";
    fn from_partition(df: LocalDataFrame) -> Result<Self> {
        Ok(df.into_batches())
    }
}

impl PartitionInput<marker::Stream> for Batches {
    const FORMAT_HINT: &'static str = "arrow";
    fn from_partition(df: LocalDataFrame) -> Result<Self> {
        Ok(Batches::from_batches(df.into_batches()))
    }
}

impl PartitionInput<marker::Rows> for Vec<Row> {
    const FORMAT_HINT: &'static str = "rows";
    fn from_partition(df: LocalDataFrame) -> Result<Self> {
        df.rows()
    }
}

impl PartitionInput<marker::RowMaps> for Vec<RowMap> {
    const FORMAT_HINT: &'static str = "rows";
    fn from_partition(df: LocalDataFrame) -> Result<Self> {
        df.as_dicts(None)
    }
}

impl<T: DeserializeOwned + 'static> PartitionInput<marker::Typed> for Vec<T> {
    const FORMAT_HINT: &'static str = "arrow";
    fn from_partition(df: LocalDataFrame) -> Result<Self> {
        let mut out = Vec::with_capacity(df.num_rows());
        for batch in df.batches() {
            let rows: Vec<T> = serde_arrow::from_record_batch(batch).map_err(|e| {
                Error::cast(
                    df.schema().to_string(),
                    std::any::type_name::<T>(),
                    format!("typed rows cannot be read from the partition: {e}"),
                )
            })?;
            out.extend(rows);
        }
        Ok(out)
    }
}

/// A shape a function can return a partition's result in, conformed to
/// the declared output schema (WF-SIG-5). `M` is a marker type.
pub trait PartitionOutput<M>: Sized + 'static {
    /// The output schema this type implies when the call gives none (typed
    /// rows); `None` for shapes that carry no schema before they exist.
    ///
    /// # Errors
    /// `ERR-WF-INTERFACELESS` when the type cannot be traced.
    fn implied_schema() -> Option<Result<Schema>> {
        None
    }

    /// The result as a local frame with exactly `schema`.
    ///
    /// # Errors
    /// `ERR-SCHEMA`, `ERR-NOT-FOUND`, `ERR-CAST` per WF-SIG-5.
    fn into_local(self, schema: &Schema) -> Result<LocalDataFrame>;

    /// Consumes the result without keeping it (output transformers,
    /// WF-OTR-2): streams are drained so their lazy work runs.
    ///
    /// # Errors
    /// Errors raised while draining.
    fn consume(self) -> Result<()> {
        drop(self);
        Ok(())
    }
}

impl PartitionOutput<marker::Frame> for LocalDataFrame {
    fn into_local(self, _schema: &Schema) -> Result<LocalDataFrame> {
        // Fugue frames must match exactly; the engine checks (ENG-MAP-6).
        Ok(self)
    }
}

impl PartitionOutput<marker::Batch> for RecordBatch {
    fn into_local(self, schema: &Schema) -> Result<LocalDataFrame> {
        LocalDataFrame::new(schema.clone(), vec![conform_batch(&self, schema)?])
    }
}

impl PartitionOutput<marker::BatchVec> for Vec<RecordBatch> {
    fn into_local(self, schema: &Schema) -> Result<LocalDataFrame> {
        let batches = self.iter().map(|b| conform_batch(b, schema)).collect::<Result<Vec<_>>>()?;
        LocalDataFrame::new(schema.clone(), batches)
    }
}

impl PartitionOutput<marker::Stream> for Batches {
    fn consume(self) -> Result<()> {
        self.into_iter().try_for_each(|b| b.map(drop))
    }
    fn into_local(self, schema: &Schema) -> Result<LocalDataFrame> {
        let mut batches = Vec::new();
        for b in self {
            batches.push(conform_batch(&b?, schema)?);
        }
        LocalDataFrame::new(schema.clone(), batches)
    }
}

impl PartitionOutput<marker::Rows> for Vec<Row> {
    fn into_local(self, schema: &Schema) -> Result<LocalDataFrame> {
        LocalDataFrame::from_rows(self, schema.clone())
    }
}

impl PartitionOutput<marker::RowMaps> for Vec<RowMap> {
    fn into_local(self, schema: &Schema) -> Result<LocalDataFrame> {
        let names = schema.names();
        let rows = self
            .into_iter()
            .map(|mut m| {
                names
                    .iter()
                    .map(|n| {
                        m.swap_remove(*n).ok_or_else(|| Error::NotFound {
                            what: "column",
                            name: n.to_string(),
                            available: m.keys().cloned().collect::<Vec<_>>().join(", "),
                        })
                    })
                    .collect::<Result<Row>>()
            })
            .collect::<Result<Vec<Row>>>()?;
        LocalDataFrame::from_rows(rows, schema.clone())
    }
}

impl<U: Serialize + DeserializeOwned + 'static> PartitionOutput<marker::Typed> for Vec<U> {
    fn implied_schema() -> Option<Result<Schema>> {
        Some(schema_of::<U>())
    }
    fn into_local(self, schema: &Schema) -> Result<LocalDataFrame> {
        if self.is_empty() {
            return LocalDataFrame::empty(schema.clone());
        }
        let fields: Vec<FieldRef> = typed_fields_from_samples(&self)?;
        let batch = serde_arrow::to_record_batch(&fields, &self).map_err(|e| {
            Error::cast(
                std::any::type_name::<U>(),
                schema.to_string(),
                format!("typed rows cannot be written as Arrow: {e}"),
            )
        })?;
        LocalDataFrame::new(schema.clone(), vec![conform_batch(&batch, schema)?])
    }
}

impl PartitionOutput<marker::Unit> for () {
    fn into_local(self, schema: &Schema) -> Result<LocalDataFrame> {
        LocalDataFrame::empty(schema.clone())
    }
}

impl<O, M> PartitionOutput<marker::Fallible<M>> for Result<O>
where
    O: PartitionOutput<M>,
    M: 'static,
{
    fn implied_schema() -> Option<Result<Schema>> {
        O::implied_schema()
    }
    fn into_local(self, schema: &Schema) -> Result<LocalDataFrame> {
        self?.into_local(schema)
    }
    fn consume(self) -> Result<()> {
        self?.consume()
    }
}

/// The Arrow fields of typed rows, traced from the values (so `Option`
/// fields that are all `None` still get a type from the declared schema
/// after the cast).
fn typed_fields_from_samples<U: Serialize>(rows: &[U]) -> Result<Vec<FieldRef>> {
    use serde_arrow::schema::{SchemaLike, TracingOptions};
    Vec::<FieldRef>::from_samples(rows, TracingOptions::default().allow_null_fields(true)).map_err(
        |e| {
            Error::cast(
                std::any::type_name::<U>(),
                "an Arrow schema",
                format!("the shape of the typed rows cannot be traced: {e}"),
            )
        },
    )
}

/// The Fugue schema of typed rows `U`, traced from its serde shape (needs
/// `U: Deserialize`). Strings are `str`, integers `long`/`int`/..., floats
/// `double`, `Option` makes nothing special (every Fugue column is nullable).
///
/// # Errors
/// `ERR-WF-INTERFACELESS` when the shape cannot be traced or is not a
/// Fugue schema (e.g. a field of a type outside the schema grammar).
pub fn schema_of<U: DeserializeOwned>() -> Result<Schema> {
    use serde_arrow::schema::{SchemaLike, TracingOptions};
    let fields = Vec::<FieldRef>::from_type::<U>(TracingOptions::default().allow_null_fields(true))
        .map_err(|e| {
            Error::interfaceless(format!(
                "the output schema cannot be derived from `{}`: {e}; give it with `.schema(..)`",
                std::any::type_name::<U>()
            ))
        })?;
    let arrow = arrow::datatypes::Schema::new(fields);
    Schema::from_arrow(&arrow).map_err(|e| {
        Error::interfaceless(format!(
            "the output schema derived from `{}` is not a Fugue schema: {e}; give it with `.schema(..)`",
            std::any::type_name::<U>()
        ))
    })
}

/// Takes `schema`'s columns from `batch` by name in schema order and casts
/// them to the declared types (WF-SIG-5).
///
/// # Errors
/// `ERR-NOT-FOUND` for a declared column the batch lacks; `ERR-CAST` for a
/// column that cannot be cast.
pub fn conform_batch(batch: &RecordBatch, schema: &Schema) -> Result<RecordBatch> {
    let arrow_schema = schema.arrow().clone();
    let bs = batch.schema();
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(arrow_schema.fields().len());
    for field in arrow_schema.fields() {
        let idx = bs.index_of(field.name()).map_err(|_| Error::NotFound {
            what: "column",
            name: field.name().to_string(),
            available: bs.fields().iter().map(|f| f.name().as_str()).collect::<Vec<_>>().join(", "),
        })?;
        let col = batch.column(idx);
        columns.push(if col.data_type() == field.data_type() {
            col.clone()
        } else if col.null_count() == col.len() {
            new_null_array(field.data_type(), col.len())
        } else {
            cast_array(col, field.data_type())?
        });
    }
    Ok(RecordBatch::try_new_with_options(
        arrow_schema,
        columns,
        &RecordBatchOptions::new().with_row_count(Some(batch.num_rows())),
    )?)
}

/// Concatenates batches of one schema (helper for tests and adapters).
///
/// # Errors
/// Arrow errors for batches of different schemas.
pub fn concat(schema: &Schema, batches: &[RecordBatch]) -> Result<RecordBatch> {
    Ok(concat_batches(&Arc::clone(schema.arrow()), batches)?)
}
