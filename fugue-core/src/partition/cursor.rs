//! [`PartitionCursor`]: the description of the current logical partition
//! handed to map functions (PC-1..12, ENG-COMAP-4).

use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};

use indexmap::IndexMap;

use super::PartitionSpec;
use crate::error::{Error, Result};
use crate::schema::Schema;
use crate::value::{Row, Value};

type LazyFn = Box<dyn FnOnce() -> Result<Row> + Send>;

enum LazyRow {
    None,
    Pending(LazyFn),
    Failed(String),
}

/// The cursor of one physical partition: the engine creates one per physical
/// partition (PC-1) and moves it to each logical partition with
/// [`set`](Self::set) before calling the map function (PC-2).
///
/// * [`row`](Self::row): the first row of the current logical partition after
///   sorting (PC-3); ERR-EMPTY until set.
/// * [`key_value_array`](Self::key_value_array) /
///   [`key_value_dict`](Self::key_value_dict): the key values in `by` order
///   (PC-6, PC-7), empty without keys.
/// * Comap cursors (PC-12, ENG-COMAP-4) get their keys directly with
///   [`set_keys`](Self::set_keys), so they are known even when the first
///   frame of the group is empty.
///
/// The cursor is `Send + Sync`; a lazily given row is computed once, on
/// first access.
///
/// ```
/// use std::sync::Arc;
/// use fugue_core::arrow::datatypes::{DataType, Field};
/// use fugue_core::partition::{PartitionCursor, PartitionSpec};
/// use fugue_core::schema::Schema;
/// use fugue_core::value::Value;
///
/// let schema = Schema::from_fields_unchecked_types([
///     Arc::new(Field::new("a", DataType::Int64, true)),
///     Arc::new(Field::new("b", DataType::Utf8, true)),
/// ])?;
/// let spec = PartitionSpec::by(["b"])?;
/// let mut cursor = PartitionCursor::new(schema, &spec, 0)?;
/// cursor.set(vec![Value::Int64(1), Value::Null], 0, 0);
/// assert_eq!(cursor.key_value_array()?, vec![Value::Null]);
/// assert_eq!(cursor.get("a")?, &Value::Int64(1));
/// assert_eq!(cursor.describe_keys(), "{b=NULL}");
/// # Ok::<(), fugue_core::Error>(())
/// ```
pub struct PartitionCursor {
    row_schema: Schema,
    key_schema: Schema,
    /// Positions of the keys in `row_schema`; `None` when some key is not a
    /// column of `row_schema` (comap cursors), then keys come from `set_keys`.
    key_index: Option<Vec<usize>>,
    physical_partition_no: usize,
    partition_no: usize,
    slice_no: usize,
    row: OnceLock<Row>,
    lazy: Mutex<LazyRow>,
    keys: Option<Row>,
}

impl fmt::Debug for PartitionCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartitionCursor")
            .field("row_schema", &self.row_schema.names())
            .field("key_schema", &self.key_schema.names())
            .field("physical_partition_no", &self.physical_partition_no)
            .field("partition_no", &self.partition_no)
            .field("slice_no", &self.slice_no)
            .field("row", &self.row.get())
            .field("keys", &self.keys)
            .finish()
    }
}

impl PartitionCursor {
    /// The cursor of physical partition `physical_partition_no` over input
    /// `schema` partitioned by `spec` (PC-1); key schema per PS-KEY-1 (PC-5).
    /// Nothing is set yet: [`row`](Self::row) is ERR-EMPTY, numbers are 0.
    ///
    /// # Errors
    /// `ERR-SCHEMA` when a partition key is not in `schema`.
    pub fn new(schema: Schema, spec: &PartitionSpec, physical_partition_no: usize) -> Result<Self> {
        let key_schema = spec.get_key_schema(&schema)?;
        Ok(Self::with_key_schema(schema, key_schema, physical_partition_no))
    }

    /// A cursor whose key schema is given directly (comap, PC-12 /
    /// ENG-COMAP-4: the zip keys). When every key is a column of
    /// `row_schema`, [`set`](Self::set) also derives key values from the row;
    /// otherwise keys are only known through [`set_keys`](Self::set_keys).
    pub fn with_key_schema(
        row_schema: Schema,
        key_schema: Schema,
        physical_partition_no: usize,
    ) -> Self {
        let key_index: Option<Vec<usize>> =
            key_schema.names().iter().map(|k| row_schema.index_of(k).ok()).collect();
        PartitionCursor {
            row_schema,
            key_schema,
            key_index,
            physical_partition_no,
            partition_no: 0,
            slice_no: 0,
            row: OnceLock::new(),
            lazy: Mutex::new(LazyRow::None),
            keys: None,
        }
    }

    /// Moves the cursor to a logical partition (PC-2): `row` is its first row
    /// after sorting, in [`row_schema`](Self::row_schema) order;
    /// `partition_no` the logical partition number (PC-9, starting at 0 in
    /// each physical partition); `slice_no` is always 0 (PC-11). Clears keys
    /// given by [`set_keys`](Self::set_keys).
    pub fn set(&mut self, row: Row, partition_no: usize, slice_no: usize) {
        self.row = OnceLock::from(row);
        self.lazy = Mutex::new(LazyRow::None);
        self.keys = None;
        self.partition_no = partition_no;
        self.slice_no = slice_no;
    }

    /// Like [`set`](Self::set), with the row computed on first access (PC-2);
    /// `row` runs at most once.
    pub fn set_lazy(
        &mut self,
        row: impl FnOnce() -> Result<Row> + Send + 'static,
        partition_no: usize,
        slice_no: usize,
    ) {
        self.row = OnceLock::new();
        self.lazy = Mutex::new(LazyRow::Pending(Box::new(row)));
        self.keys = None;
        self.partition_no = partition_no;
        self.slice_no = slice_no;
    }

    /// Moves a comap cursor to a key group (PC-12, ENG-COMAP-4): `keys` are
    /// the group's key values in [`key_schema`](Self::key_schema) order;
    /// `row`, when some member of the group is non-empty, is the first row of
    /// the first non-empty member in [`row_schema`](Self::row_schema) order
    /// (`None` leaves [`row`](Self::row) ERR-EMPTY). `slice_no` becomes 0.
    pub fn set_keys(&mut self, keys: Row, row: Option<Row>, partition_no: usize) {
        self.row = row.map(OnceLock::from).unwrap_or_default();
        self.lazy = Mutex::new(LazyRow::None);
        self.keys = Some(keys);
        self.partition_no = partition_no;
        self.slice_no = 0;
    }

    /// The first row of the current logical partition (PC-3), values in
    /// [`row_schema`](Self::row_schema) order. A lazy row is computed here.
    ///
    /// # Errors
    /// `ERR-EMPTY` when no row is set (before the first `set`, or a comap
    /// group without rows); the error of a lazy row's function (later calls
    /// then fail with `ERR-INVALID-OP`); `ERR-INTERNAL` when the row does not
    /// have one value per column.
    pub fn row(&self) -> Result<&Row> {
        let row = match self.row.get() {
            Some(row) => row,
            None => self.compute_lazy()?,
        };
        if row.len() != self.row_schema.len() {
            return Err(Error::internal(format!(
                "cursor row has {} values but the schema has {} columns",
                row.len(),
                self.row_schema.len()
            )));
        }
        Ok(row)
    }

    fn compute_lazy(&self) -> Result<&Row> {
        let mut guard = self.lazy.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(row) = self.row.get() {
            return Ok(row);
        }
        match std::mem::replace(&mut *guard, LazyRow::None) {
            LazyRow::None => Err(Error::empty("the partition cursor has no current row")),
            LazyRow::Failed(msg) => {
                *guard = LazyRow::Failed(msg.clone());
                Err(Error::invalid_op(format!("the cursor row failed to compute earlier: {msg}")))
            }
            LazyRow::Pending(f) => match f() {
                Ok(row) => {
                    let _ = self.row.set(row);
                    self.row.get().ok_or_else(|| Error::internal("cursor row not stored"))
                }
                Err(e) => {
                    *guard = LazyRow::Failed(e.to_string());
                    Err(e)
                }
            },
        }
    }

    /// The full input schema (PC-4).
    pub fn row_schema(&self) -> &Schema {
        &self.row_schema
    }

    /// The partition key schema (PC-5), in `by` order; empty without keys.
    pub fn key_schema(&self) -> &Schema {
        &self.key_schema
    }

    /// The key values of the current logical partition in `by` order (PC-6):
    /// from [`set_keys`](Self::set_keys) when given, otherwise from the row.
    /// Empty when there are no keys (even before `set`).
    ///
    /// # Errors
    /// The errors of [`row`](Self::row) when keys come from the row
    /// (`ERR-EMPTY` before `set`); `ERR-INVALID-OP` for a comap cursor whose
    /// keys were not set; `ERR-INTERNAL` when `set_keys` got the wrong number
    /// of values.
    pub fn key_value_array(&self) -> Result<Vec<Value>> {
        if let Some(keys) = &self.keys {
            if keys.len() != self.key_schema.len() {
                return Err(Error::internal(format!(
                    "cursor has {} key values but {} keys",
                    keys.len(),
                    self.key_schema.len()
                )));
            }
            return Ok(keys.clone());
        }
        if self.key_schema.is_empty() {
            return Ok(Vec::new());
        }
        let index = self
            .key_index
            .as_ref()
            .ok_or_else(|| Error::invalid_op("the cursor's key values are not set"))?;
        let row = self.row()?;
        index
            .iter()
            .map(|i| {
                row.get(*i).cloned().ok_or_else(|| Error::internal("cursor key index out of range"))
            })
            .collect()
    }

    /// Key name → key value, in `by` order (PC-7).
    ///
    /// # Errors
    /// As [`key_value_array`](Self::key_value_array).
    pub fn key_value_dict(&self) -> Result<IndexMap<String, Value>> {
        let values = self.key_value_array()?;
        Ok(self.key_schema.names().into_iter().map(String::from).zip(values).collect())
    }

    /// The value of `column` in the current row (PC-8). For a comap cursor
    /// without a row, a key column's value comes from the keys.
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` when `column` is neither in the row schema nor a key;
    /// otherwise the errors of [`row`](Self::row) (`ERR-EMPTY` when no row).
    pub fn get(&self, column: &str) -> Result<&Value> {
        let in_row = self.row_schema.index_of(column).ok();
        let in_keys = self.key_schema.index_of(column).ok();
        if in_row.is_none() && in_keys.is_none() {
            return Err(Error::not_found("column", column, self.row_schema.names()));
        }
        if let (Some(i), Some(keys)) = (in_keys, &self.keys)
            && (in_row.is_none() || self.row().is_err())
        {
            return keys.get(i).ok_or_else(|| Error::internal("cursor key index out of range"));
        }
        match in_row {
            Some(i) => {
                self.row()?.get(i).ok_or_else(|| Error::internal("cursor row index out of range"))
            }
            None => Err(Error::invalid_op(format!("the cursor's key `{column}` is not set"))),
        }
    }

    /// The logical partition number (PC-9): ≥ 0, engine-defined.
    pub fn partition_no(&self) -> usize {
        self.partition_no
    }

    /// The physical partition number given at construction (PC-10).
    pub fn physical_partition_no(&self) -> usize {
        self.physical_partition_no
    }

    /// The slice number; always 0 (PC-11, deprecated).
    pub fn slice_no(&self) -> usize {
        self.slice_no
    }

    /// A short description of the current partition for error messages
    /// (the `keys` of `ERR-USER`): `{a=1, b=NULL}` with keys (strings quoted,
    /// nulls as `NULL`), `no keys (physical partition 3)` without keys, and
    /// `{a, b} (keys unavailable, physical partition 3)` when the key values
    /// cannot be read. Never fails.
    pub fn describe_keys(&self) -> String {
        if self.key_schema.is_empty() {
            return format!("no keys (physical partition {})", self.physical_partition_no);
        }
        let names = self.key_schema.names();
        match self.key_value_array() {
            Ok(values) => {
                let items: Vec<String> = names
                    .iter()
                    .zip(values.iter())
                    .map(|(n, v)| format!("{n}={}", fmt_value(v)))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
            Err(_) => format!(
                "{{{}}} (keys unavailable, physical partition {})",
                names.join(", "),
                self.physical_partition_no
            ),
        }
    }
}

/// Short text of a value for messages: strings quoted, everything else in
/// its `Display` form (`NULL`, ISO dates, scaled decimals, nested values).
fn fmt_value(v: &Value) -> String {
    match v {
        Value::Str(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use arrow::datatypes::{DataType, Field};

    use super::*;
    use crate::error::ErrorKind;

    fn schema(cols: &[(&str, DataType)]) -> Schema {
        Schema::from_fields_unchecked_types(
            cols.iter().map(|(n, t)| Arc::new(Field::new(*n, t.clone(), true))),
        )
        .unwrap()
    }

    fn abc() -> Schema {
        schema(&[("a", DataType::Int32), ("b", DataType::Utf8), ("c", DataType::Float64)])
    }

    #[test]
    fn pc_1_to_5_construction() {
        let spec = PartitionSpec::by(["c", "a"]).unwrap();
        let cursor = PartitionCursor::new(abc(), &spec, 3).unwrap();
        assert_eq!(cursor.row_schema().names(), ["a", "b", "c"]);
        assert_eq!(cursor.key_schema().names(), ["c", "a"]);
        assert_eq!(cursor.physical_partition_no(), 3);
        assert_eq!(cursor.partition_no(), 0);
        assert_eq!(cursor.slice_no(), 0);
        // PC-3: no row before set
        assert_eq!(cursor.row().unwrap_err().kind(), ErrorKind::Empty);
        assert_eq!(cursor.key_value_array().unwrap_err().kind(), ErrorKind::Empty);
        // missing key → ERR-SCHEMA (PS-KEY-1)
        let spec = PartitionSpec::by(["x"]).unwrap();
        assert_eq!(PartitionCursor::new(abc(), &spec, 0).unwrap_err().kind(), ErrorKind::Schema);
    }

    #[test]
    fn pc_2_to_8_values() {
        let spec = PartitionSpec::by(["c", "a"]).unwrap();
        let mut cursor = PartitionCursor::new(abc(), &spec, 0).unwrap();
        cursor.set(vec![Value::Int32(1), Value::from("x"), Value::Float64(2.5)], 2, 0);
        assert_eq!(cursor.row().unwrap().len(), 3);
        assert_eq!(cursor.partition_no(), 2);
        assert_eq!(cursor.key_value_array().unwrap(), vec![Value::Float64(2.5), Value::Int32(1)]);
        let dict = cursor.key_value_dict().unwrap();
        assert_eq!(dict.keys().collect::<Vec<_>>(), ["c", "a"]);
        assert_eq!(dict["a"], Value::Int32(1));
        assert_eq!(cursor.get("b").unwrap(), &Value::from("x"));
        assert_eq!(cursor.get("zz").unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(cursor.describe_keys(), "{c=2.5, a=1}");
    }

    #[test]
    fn pc_6_no_keys() {
        let mut cursor = PartitionCursor::new(abc(), &PartitionSpec::default(), 4).unwrap();
        assert!(cursor.key_schema().is_empty());
        assert!(cursor.key_value_array().unwrap().is_empty());
        assert!(cursor.key_value_dict().unwrap().is_empty());
        assert_eq!(cursor.describe_keys(), "no keys (physical partition 4)");
        cursor.set(vec![Value::Null, Value::Null, Value::Null], 0, 0);
        assert!(cursor.key_value_array().unwrap().is_empty());
        assert_eq!(cursor.get("a").unwrap(), &Value::Null);
    }

    #[test]
    fn pc_2_lazy_row_computed_once() {
        let calls = Arc::new(AtomicUsize::new(0));
        let spec = PartitionSpec::by(["b"]).unwrap();
        let mut cursor = PartitionCursor::new(abc(), &spec, 0).unwrap();
        let c = calls.clone();
        cursor.set_lazy(
            move || {
                c.fetch_add(1, Ordering::SeqCst);
                Ok(vec![Value::Int32(1), Value::Null, Value::Null])
            },
            1,
            0,
        );
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert_eq!(cursor.key_value_array().unwrap(), vec![Value::Null]);
        assert_eq!(cursor.get("a").unwrap(), &Value::Int32(1));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(cursor.describe_keys(), "{b=NULL}");

        cursor.set_lazy(|| Err(Error::arg("x", "boom")), 2, 0);
        assert_eq!(cursor.row().unwrap_err().kind(), ErrorKind::InvalidArgument);
        assert_eq!(cursor.row().unwrap_err().kind(), ErrorKind::InvalidOperation);
        assert_eq!(cursor.describe_keys(), "{b} (keys unavailable, physical partition 0)");
    }

    #[test]
    fn pc_row_length_mismatch_is_internal() {
        let mut cursor =
            PartitionCursor::new(abc(), &PartitionSpec::by(["a"]).unwrap(), 0).unwrap();
        cursor.set(vec![Value::Int32(1)], 0, 0);
        assert_eq!(cursor.row().unwrap_err().kind(), ErrorKind::Internal);
        assert_eq!(cursor.key_value_array().unwrap_err().kind(), ErrorKind::Internal);
    }

    #[test]
    fn pc_12_comap_keys_without_rows() {
        let keys = schema(&[("k", DataType::Int64)]);
        let row_schema = schema(&[("k", DataType::Int64), ("v", DataType::Utf8)]);
        let mut cursor = PartitionCursor::with_key_schema(row_schema, keys.clone(), 0);
        cursor.set_keys(vec![Value::Int64(7)], None, 3);
        assert_eq!(cursor.key_value_array().unwrap(), vec![Value::Int64(7)]);
        assert_eq!(cursor.get("k").unwrap(), &Value::Int64(7));
        assert_eq!(cursor.get("v").unwrap_err().kind(), ErrorKind::Empty);
        assert_eq!(cursor.row().unwrap_err().kind(), ErrorKind::Empty);
        assert_eq!(cursor.partition_no(), 3);
        assert_eq!(cursor.describe_keys(), "{k=7}");
        cursor.set_keys(vec![Value::Int64(8)], Some(vec![Value::Int64(8), Value::from("z")]), 4);
        assert_eq!(cursor.get("v").unwrap(), &Value::from("z"));

        // keys not among the row columns: only set_keys provides them
        let other = schema(&[("v", DataType::Utf8)]);
        let mut cursor = PartitionCursor::with_key_schema(other, keys, 0);
        cursor.set(vec![Value::from("z")], 0, 0);
        assert_eq!(cursor.key_value_array().unwrap_err().kind(), ErrorKind::InvalidOperation);
        cursor.set_keys(vec![Value::Int64(1)], Some(vec![Value::from("z")]), 1);
        assert_eq!(cursor.key_value_dict().unwrap()["k"], Value::Int64(1));
        assert_eq!(cursor.get("k").unwrap(), &Value::Int64(1));
    }

    #[test]
    fn describe_keys_formats_values() {
        assert_eq!(fmt_value(&Value::from("a\"b")), "\"a\\\"b\"");
        assert_eq!(fmt_value(&Value::Decimal { value: -1234, precision: 10, scale: 2 }), "-12.34");
        assert_eq!(fmt_value(&Value::Decimal { value: 5, precision: 10, scale: 3 }), "0.005");
        let list = Value::List(vec![Value::Int32(1), Value::Null]);
        assert_eq!(fmt_value(&list), list.to_string());
    }

    #[test]
    fn cursor_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<PartitionCursor>();
    }
}
