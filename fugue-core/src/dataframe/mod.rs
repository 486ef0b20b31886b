//! DataFrames: the [`DataFrame`] trait every engine's frame implements, the
//! local Arrow frames ([`LocalDataFrame`], [`LocalStreamDataFrame`]) and the
//! [`DataFrames`] collection.
//!
//! Rules: DF-KIND-*, DF-OP-*, DF-SHOW-*, DF-META-*, DFS-* of
//! `spec/SCHEMA_AND_DATAFRAME.md`.
//!
//! ```
//! use fugue_core::{DataFrame, DataFrameExt, LocalDataFrame, Value};
//!
//! let df = LocalDataFrame::from_rows(
//!     vec![vec![Value::from(1), Value::from("x")], vec![Value::from(2), Value::Null]],
//!     "a:int,b:str",
//! )?;
//! assert_eq!(df.count()?, 2);
//! assert_eq!(df.schema().to_string(), "a:int,b:str");
//! let renamed = df.rename(&[("b", "c")])?;
//! assert_eq!(renamed.schema().to_string(), "a:int,c:str");
//! assert_eq!(df.peek_array()?, vec![Value::Int32(1), Value::Str("x".into())]);
//! # Ok::<(), fugue_core::Error>(())
//! ```

mod collection;
mod local;
pub(crate) mod ops;
mod show;
mod stream;

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use indexmap::IndexMap;

use crate::error::{Error, Result};
use crate::schema::Schema;
use crate::value::{Row, Value};

pub use collection::{DataFrames, DataFramesBuilder};
pub use local::LocalDataFrame;
pub use show::ShowOptions;
pub use stream::LocalStreamDataFrame;

/// A shared handle to any engine's DataFrame.
pub type DataFrameRef = Arc<dyn DataFrame>;

/// DataFrame metadata: an ordered map of string keys to JSON values
/// (DF-META-1). Empty by default.
pub type Metadata = IndexMap<String, serde_json::Value>;

/// A DataFrame of any engine: a non-empty [`Schema`] plus rows, local or
/// distributed, bounded or a single-pass stream (DF-KIND-1, DF-KIND-2).
///
/// # Contract
/// - The schema is never empty and reports normalised types (SCH-TYPE-8).
/// - Operations never mutate the frame: they return new frames (DF-OP intro).
/// - `count` of an unbounded frame is `ERR-INVALID-OP` (DF-OP-1); `is_empty`
///   and `peek_array` never consume a stream (DF-OP-2, DF-OP-3).
/// - Column operations return frames of the same engine and raise the spec's
///   errors (DF-OP-10..14); every engine validates them with the shared
///   functions of this module ([`rename_schema`] etc.) so the errors agree.
///
/// Reach an engine's native object by downcasting:
/// `df.downcast_ref::<PolarsDataFrame>()` (see `impl dyn DataFrame`).
pub trait DataFrame: Any + Send + Sync + fmt::Debug {
    /// The schema (never empty, DF-KIND-1).
    fn schema(&self) -> &Schema;

    /// The metadata map (DF-META-1).
    fn metadata(&self) -> &Metadata;

    /// A copy of this frame sharing its data, with `metadata` replacing the
    /// current metadata entirely (DF-META-1 `reset_metadata`).
    fn with_metadata(&self, metadata: Metadata) -> DataFrameRef;

    /// True for frames held in this process (DF-KIND-2). Default: true (a
    /// distributed engine's frames override it).
    fn is_local(&self) -> bool {
        true
    }

    /// False for single-pass streams (DF-KIND-2). Default: true.
    fn is_bounded(&self) -> bool {
        true
    }

    /// Number of physical partitions; 1 for local frames (DF-KIND-2).
    /// Default: 1.
    fn num_partitions(&self) -> usize {
        1
    }

    /// Number of rows (DF-OP-1). Default: the row count of
    /// [`DataFrame::as_local_bounded`]; engines override it with a cheaper
    /// count.
    ///
    /// # Errors
    /// `ERR-INVALID-OP` for an unbounded stream; backend errors while computing.
    fn count(&self) -> Result<usize> {
        Ok(self.as_local_bounded()?.num_rows())
    }

    /// True iff the frame has no row; never consumes a stream (DF-OP-2).
    /// Default: `head(1)` is empty (streams override it).
    ///
    /// # Errors
    /// Backend errors while computing.
    fn is_empty(&self) -> Result<bool> {
        Ok(self.head(1, None)?.num_rows() == 0)
    }

    /// The whole frame as a local bounded Arrow frame (DF-KIND-3
    /// `as_local_bounded`). A local bounded frame returns a copy sharing its
    /// data and metadata; an engine frame is materialised (metadata kept,
    /// DF-META-2); a stream is drained.
    ///
    /// # Errors
    /// Backend errors while materialising.
    fn as_local_bounded(&self) -> Result<LocalDataFrame>;

    /// The first `n` rows (any `n` rows for distributed frames) as a local
    /// bounded frame, optionally projected to `columns` in the requested order
    /// (DF-OP-5, DF-OP-10 rules for `columns`). `n = 0` gives an empty frame
    /// with the (projected) schema. Consumes rows of a stream.
    ///
    /// Default: the first rows of [`DataFrame::as_local_bounded`].
    ///
    /// # Errors
    /// `ERR-DF-OP` for invalid `columns`; backend errors.
    fn head(&self, n: usize, columns: Option<&[&str]>) -> Result<LocalDataFrame> {
        self.as_local_bounded()?.head(n, columns)
    }

    /// The values of the first row in schema order (DF-OP-3); never consumes
    /// a stream.
    ///
    /// # Errors
    /// `ERR-EMPTY` when the frame has no row.
    fn peek_array(&self) -> Result<Row> {
        let head = self.head(1, None)?;
        head.rows()?.into_iter().next().ok_or_else(|| Error::empty("cannot peek: no rows"))
    }

    /// Renames columns simultaneously (DF-OP-13). An empty list returns an
    /// equal frame sharing the data.
    ///
    /// # Errors
    /// `ERR-DF-OP` when a name is missing or the new names are not unique.
    fn rename(&self, pairs: &[(&str, &str)]) -> Result<DataFrameRef>;

    /// Drops columns; the rest keep their order (DF-OP-11).
    ///
    /// # Errors
    /// `ERR-DF-OP` when a name is missing or listed twice, or when every
    /// column would be dropped.
    fn drop_columns(&self, columns: &[&str]) -> Result<DataFrameRef>;

    /// Keeps `columns` in the requested order (DF-OP-10).
    ///
    /// # Errors
    /// `ERR-DF-OP` when `columns` is empty, has duplicates or names a missing column.
    fn select_columns(&self, columns: &[&str]) -> Result<DataFrameRef>;

    /// Converts the columns named in `subschema` to its types, keeping the
    /// original column order (DF-OP-14, casts per DF-CAST).
    ///
    /// # Errors
    /// `ERR-ARG` when a subschema name is not a column; `ERR-CAST` when a
    /// value cannot be converted (at the latest when materialised).
    fn alter_columns(&self, subschema: &Schema) -> Result<DataFrameRef>;
}

impl dyn DataFrame {
    /// Downcasts to the concrete frame type (e.g. `LocalDataFrame`, or an
    /// engine's frame to reach its native object).
    pub fn downcast_ref<T: DataFrame>(&self) -> Option<&T> {
        (self as &dyn Any).downcast_ref::<T>()
    }

    /// True when the concrete frame type is `T`.
    pub fn is<T: DataFrame>(&self) -> bool {
        (self as &dyn Any).is::<T>()
    }
}

/// Conveniences over every [`DataFrame`], built on its required methods.
pub trait DataFrameExt: DataFrame {
    /// Column names in order (DF-OP-15).
    fn column_names(&self) -> Vec<String> {
        self.schema().names().into_iter().map(str::to_string).collect()
    }

    /// The first row as an ordered name → value map (DF-OP-4).
    ///
    /// # Errors
    /// `ERR-EMPTY` when the frame has no row.
    fn peek_dict(&self) -> Result<IndexMap<String, Value>> {
        let row = self.peek_array()?;
        Ok(self.schema().names().into_iter().map(str::to_string).zip(row).collect())
    }

    /// All rows as values, optionally only `columns` in the requested order
    /// (DF-OP-6). `type_safe` is accepted and ignored: values always follow
    /// the column types (DF-OP-7).
    ///
    /// # Errors
    /// `ERR-ARG` for an empty `columns` list; `ERR-NOT-FOUND` for a missing column.
    fn as_array(&self, columns: Option<&[&str]>, type_safe: bool) -> Result<Vec<Row>> {
        let _ = type_safe;
        let local = self.as_local_bounded()?;
        local.rows_of(columns)
    }

    /// All rows as ordered column → value maps, optionally only `columns`
    /// in the requested order (DF-OP-9).
    ///
    /// # Errors
    /// As [`DataFrameExt::as_array`].
    fn as_dicts(&self, columns: Option<&[&str]>) -> Result<Vec<IndexMap<String, Value>>> {
        let names: Vec<String> = match columns {
            Some(cols) => cols.iter().map(|c| c.to_string()).collect(),
            None => self.column_names(),
        };
        let rows = self.as_array(columns, true)?;
        Ok(rows.into_iter().map(|r| names.iter().cloned().zip(r).collect()).collect())
    }

    /// The whole frame as one Arrow record batch with the normalised schema
    /// (DF-KIND-3 `as_arrow`).
    ///
    /// # Errors
    /// Backend errors while materialising.
    fn as_arrow(&self) -> Result<RecordBatch> {
        self.as_local_bounded()?.to_batch()
    }

    /// Prints the frame as a readable table to stdout (DF-SHOW-1..6): at most
    /// `n` rows, the count line when `with_count` or fewer rows than `n`
    /// exist, and an optional title.
    ///
    /// # Errors
    /// Backend errors while fetching rows, or a failed write to stdout.
    fn show(&self, n: usize, with_count: bool, title: Option<&str>) -> Result<()> {
        let text =
            self.show_string(&ShowOptions { n, with_count, title: title.map(str::to_string) })?;
        show::print_locked(&text)
    }

    /// The text [`DataFrameExt::show`] prints (DF-SHOW-1..5).
    ///
    /// # Errors
    /// Backend errors while fetching rows.
    fn show_string(&self, options: &ShowOptions) -> Result<String> {
        show::render(self, options)
    }
}

impl<T: DataFrame + ?Sized> DataFrameExt for T {}

/// Checks that a schema can belong to a DataFrame: non-empty (DF-KIND-1).
///
/// # Errors
/// `ERR-SCHEMA` for the empty schema.
pub fn check_dataframe_schema(schema: &Schema) -> Result<()> {
    if schema.is_empty() {
        return Err(Error::schema("a dataframe schema must have at least one column"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
