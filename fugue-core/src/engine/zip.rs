//! The engine-neutral `zip` and `comap` (ENG-ZIP-1..9, ENG-COMAP-1..7,
//! PC-12) over [`MapEngine::map_dataframe`](super::MapEngine::map_dataframe)
//! and [`ExecutionEngine::union`].
//!
//! # Layout of a zipped frame (ENG-ZIP-6)
//! One row per (key group, input) holding that input's rows of the group:
//!
//! | column | type | content |
//! |---|---|---|
//! | the zip keys | as in the inputs | the group's key values |
//! | `__fugue_serialized_blob__` | `bytes` | the group's rows as Arrow IPC stream bytes |
//! | `__fugue_df_index__` | `int` | the input's position in the zipped collection |
//!
//! Every input is serialised by one `map_dataframe` partitioned by the keys
//! (plus the presort items present in that input, ENG-ZIP-5); the per-input
//! results are combined with `union` (`distinct = false`). Without keys
//! (cross, or a single frame without keys) each input becomes one row
//! holding the whole frame. An input without rows produces no row.
//!
//! # Metadata (ENG-ZIP-7)
//! - `serialized`: `true`
//! - `serialized_cols`: input key → blob column name
//! - `schemas`: input key → the input's schema (canonical text)
//! - `serialized_has_name`: `true` for dict-like input (ENG-ZIP-8)
//! - `how`: the join type (`inner`, `left_outer`, ...)
//! - `keys`: the zip keys, in order
//!
//! The input key is the member's name for dict-like input and the input
//! position (`"0"`, `"1"`, ...) otherwise; entries follow input order.
//!
//! `comap` reads the metadata back, runs `map_dataframe` over the zipped
//! frame partitioned by the zip keys, deserialises each key group into a
//! [`DataFrames`] and calls the user's function once per selected group.
//!
//! ENG-ZIP-9 (spilling large groups to files) is not implemented: groups are
//! always held in memory (the spec allows ignoring the threshold).

use std::io::Cursor;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BinaryArray, Int32Array, RecordBatch};
use arrow::datatypes::DataType;
use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::StreamWriter;
use serde_json::{Map, Value as Json};

use super::map::{
    MapFn, OnInitFn, call_user, check_output_schema, key_ranges, map_fn as wrap_map_fn, sort_batch,
};
use super::portable::{BuiltMap, MapBuilder, MapRecipe};
use super::{CoMapFn, CoOnInitFn, ExecutionEngine, JoinType};
use crate::dataframe::{DataFrame, DataFrameRef, DataFrames, LocalDataFrame, Metadata};
use crate::error::{Error, Result};
use crate::partition::{PartitionCursor, PartitionSpec};
use crate::schema::{Schema, types_equal};
use crate::value::row_at;

/// The internal column holding a group's rows as Arrow IPC stream bytes.
const BLOB_COL: &str = "__fugue_serialized_blob__";
/// The internal column holding the input position of a row's group data.
const INDEX_COL: &str = "__fugue_df_index__";

const META_SERIALIZED: &str = "serialized";
const META_SERIALIZED_COLS: &str = "serialized_cols";
const META_SCHEMAS: &str = "schemas";
const META_HAS_NAME: &str = "serialized_has_name";
const META_HOW: &str = "how";
const META_KEYS: &str = "keys";

/// `zip(dfs, how, partition_spec)`: see the module docs for the layout.
///
/// # Errors
/// `ERR-ARG` for no input, no common column or key types that differ;
/// `ERR-NOT-SUPPORTED` for semi/anti; `ERR-INVALID-OP` for keys with cross;
/// `ERR-SCHEMA` for a key missing from an input; the errors of
/// `map_dataframe` and `union`.
pub(super) fn zip_over_map<E: ExecutionEngine + ?Sized>(
    engine: &E,
    dfs: &DataFrames,
    how: JoinType,
    partition_spec: &PartitionSpec,
) -> Result<DataFrameRef> {
    // ENG-ZIP-1
    let frames: Vec<(&str, &DataFrameRef)> = dfs.iter().collect();
    let Some((_, first)) = frames.first() else {
        return Err(Error::arg("dfs", "zip needs at least one dataframe"));
    };
    if matches!(how, JoinType::Semi | JoinType::Anti) {
        return Err(Error::not_supported(format!(
            "zip does not support `{how}`; use inner, left_outer, right_outer, full_outer or cross"
        )));
    }
    let keys = zip_keys(&frames, how, partition_spec)?;
    check_keys(&frames, &keys)?;
    let key_names: Vec<&str> = keys.iter().map(String::as_str).collect();
    let key_schema = first.schema().extract(&key_names)?;
    let internal = Schema::from_pairs([(BLOB_COL, "bytes"), (INDEX_COL, "int")])?;
    let out_schema = key_schema.concat(&internal)?;

    let mut result: Option<DataFrameRef> = None;
    for (i, (_, df)) in frames.iter().enumerate() {
        let index = i32::try_from(i)
            .map_err(|_| Error::arg("dfs", format!("too many dataframes to zip: `{}`", i + 1)))?;
        // ENG-ZIP-5: presort items of this input only; keys need no sorting
        // inside their own group (and may not be presorted, PS-VAL-2).
        let presort: Vec<(String, bool)> = partition_spec
            .presort()
            .iter()
            .filter(|(c, _)| df.schema().contains(c) && !keys.contains(c))
            .cloned()
            .collect();
        let builder = PartitionSpec::builder().presort_list(presort);
        let map_spec =
            if keys.is_empty() { builder.num(1) } else { builder.by(keys.iter().cloned()) }
                .build()?;
        let serializer = serializer_fn(keys.clone(), out_schema.clone(), index);
        let recipe = serializer_recipe(&keys, &out_schema, index);
        let part = engine.map_dataframe_with_recipe(
            df,
            serializer,
            &out_schema,
            &map_spec,
            None,
            &recipe,
        )?;
        result = Some(match result {
            None => part,
            Some(acc) => engine.union(&acc, &part, false)?,
        });
    }
    let result = result.ok_or_else(|| Error::internal("zip produced no result"))?;
    Ok(result.with_metadata(zip_metadata(dfs, how, &keys)))
}

/// The zip keys (ENG-ZIP-2).
fn zip_keys(
    frames: &[(&str, &DataFrameRef)],
    how: JoinType,
    spec: &PartitionSpec,
) -> Result<Vec<String>> {
    if !spec.partition_by().is_empty() {
        if how == JoinType::Cross {
            return Err(Error::invalid_op(format!(
                "a cross zip takes no partition keys, got `{}`",
                spec.partition_by().join(",")
            )));
        }
        return Ok(spec.partition_by().to_vec());
    }
    if how == JoinType::Cross || frames.len() < 2 {
        return Ok(Vec::new());
    }
    let first = frames[0].1.schema();
    let common: Vec<String> = first
        .names()
        .into_iter()
        .filter(|n| frames[1..].iter().all(|(_, df)| df.schema().contains(n)))
        .map(str::to_string)
        .collect();
    if common.is_empty() {
        return Err(Error::arg(
            "dfs",
            format!(
                "the dataframes to zip have no common column; schemas: {}",
                frames
                    .iter()
                    .map(|(_, df)| format!("`{}`", df.schema()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(common)
}

/// Every key exists in every input (ERR-SCHEMA) with the first input's type
/// (ERR-ARG), ENG-ZIP-4.
fn check_keys(frames: &[(&str, &DataFrameRef)], keys: &[String]) -> Result<()> {
    for key in keys {
        let mut expected: Option<&DataType> = None;
        for (name, df) in frames {
            let field = df.schema().field(key).ok_or_else(|| {
                Error::schema(format!(
                    "zip key `{key}` is not in dataframe `{name}` (`{}`)",
                    df.schema()
                ))
            })?;
            match expected {
                None => expected = Some(field.data_type()),
                Some(t) if types_equal(t, field.data_type()) => {}
                Some(t) => {
                    return Err(Error::arg(
                        key.as_str(),
                        format!(
                            "zip key types differ between dataframes: `{t}` and `{}`",
                            field.data_type()
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The map function serialising one group of input `index` into one row:
/// key values (sliced from the group's first row, columnar), the IPC blob
/// and the input index (ENG-ZIP-6).
fn serializer_fn(keys: Vec<String>, out_schema: Schema, index: i32) -> MapFn {
    wrap_map_fn(move |_: &PartitionCursor, part: LocalDataFrame| {
        let Some(first) = part.batches().first() else {
            return LocalDataFrame::empty(out_schema.clone());
        };
        let blob = serialize_batches(part.schema(), part.batches())?;
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(keys.len() + 2);
        for key in &keys {
            columns.push(first.column(part.schema().index_of(key)?).slice(0, 1));
        }
        columns.push(Arc::new(BinaryArray::from_vec(vec![blob.as_slice()])));
        columns.push(Arc::new(Int32Array::from(vec![index])));
        let batch = RecordBatch::try_new(out_schema.arrow().clone(), columns)?;
        LocalDataFrame::new(out_schema.clone(), vec![batch])
    })
}

/// The builder name of the zip serializer's recipes.
const SERIALIZER_BUILDER: &str = "fugue.zip.serializer";

/// The payload of a [`serializer_recipe`].
#[derive(serde::Serialize, serde::Deserialize)]
struct SerializerPayload {
    keys: Vec<String>,
    schema: String,
    index: i32,
}

/// The recipe of [`serializer_fn`] (so executors of a distributed engine
/// serialise the groups themselves).
fn serializer_recipe(keys: &[String], out_schema: &Schema, index: i32) -> MapRecipe {
    let payload = SerializerPayload { keys: keys.to_vec(), schema: out_schema.to_string(), index };
    // strings and an integer always serialise
    MapRecipe::new(SERIALIZER_BUILDER, serde_json::to_value(payload).unwrap_or_default())
}

/// [`serializer_fn`] from a [`serializer_recipe`] payload.
fn build_serializer(payload: &Json) -> Result<BuiltMap> {
    let p: SerializerPayload = serde_json::from_value(payload.clone()).map_err(|e| {
        Error::arg("zip serializer recipe", format!("not a serializer payload ({e}): {payload}"))
    })?;
    Ok(BuiltMap {
        map_fn: serializer_fn(p.keys, Schema::parse(&p.schema)?, p.index),
        on_init: None,
    })
}

inventory::submit! {
    MapBuilder { name: SERIALIZER_BUILDER, origin: module_path!(), build: build_serializer }
}

/// The zip metadata (ENG-ZIP-7, layout in the module docs).
fn zip_metadata(dfs: &DataFrames, how: JoinType, keys: &[String]) -> Metadata {
    let mut cols = Map::new();
    let mut schemas = Map::new();
    for (i, (name, df)) in dfs.iter().enumerate() {
        let key = if dfs.has_key() { name.to_string() } else { i.to_string() };
        cols.insert(key.clone(), Json::String(BLOB_COL.to_string()));
        schemas.insert(key, Json::String(df.schema().to_string()));
    }
    let mut meta = Metadata::new();
    meta.insert(META_SERIALIZED.into(), Json::Bool(true));
    meta.insert(META_SERIALIZED_COLS.into(), Json::Object(cols));
    meta.insert(META_SCHEMAS.into(), Json::Object(schemas));
    meta.insert(META_HAS_NAME.into(), Json::Bool(dfs.has_key()));
    meta.insert(META_HOW.into(), Json::String(how.as_str().to_string()));
    meta.insert(
        META_KEYS.into(),
        Json::Array(keys.iter().map(|k| Json::String(k.clone())).collect()),
    );
    meta
}

/// Writes `batches` as one Arrow IPC stream.
fn serialize_batches(schema: &Schema, batches: &[RecordBatch]) -> Result<Vec<u8>> {
    let mut writer = StreamWriter::try_new(Vec::new(), schema.arrow().as_ref())?;
    for b in batches {
        writer.write(b)?;
    }
    writer.finish()?;
    Ok(writer.into_inner()?)
}

/// Reads the record batches of an Arrow IPC stream.
fn deserialize_batches(bytes: &[u8]) -> Result<Vec<RecordBatch>> {
    let reader = StreamReader::try_new(Cursor::new(bytes), None)?;
    let mut out = Vec::new();
    for b in reader {
        out.push(b?);
    }
    Ok(out)
}

/// What `comap` needs to know about a zipped frame, read from its metadata.
#[derive(Debug)]
struct ZipInfo {
    keys: Vec<String>,
    key_schema: Schema,
    /// Member names (dict-like) or positions (list-like), in input order.
    names: Vec<String>,
    schemas: Vec<Schema>,
    has_name: bool,
    how: JoinType,
}

fn not_a_zip(reason: &str) -> Error {
    Error::arg("df", format!("the dataframe is not a zip result: {reason}"))
}

impl ZipInfo {
    /// Reads the zip metadata of `df` (ENG-COMAP-1).
    ///
    /// # Errors
    /// `ERR-ARG` when the metadata is missing or malformed.
    fn read(df: &dyn DataFrame) -> Result<Self> {
        let meta = df.metadata();
        if meta.get(META_SERIALIZED).and_then(Json::as_bool) != Some(true) {
            return Err(not_a_zip("no `serialized` metadata"));
        }
        let how: JoinType = meta
            .get(META_HOW)
            .and_then(Json::as_str)
            .ok_or_else(|| not_a_zip("no `how` metadata"))?
            .parse()
            .map_err(|_| not_a_zip("bad `how` metadata"))?;
        let keys: Vec<String> = meta
            .get(META_KEYS)
            .and_then(Json::as_array)
            .ok_or_else(|| not_a_zip("no `keys` metadata"))?
            .iter()
            .map(|k| k.as_str().map(str::to_string).ok_or_else(|| not_a_zip("bad `keys` metadata")))
            .collect::<Result<_>>()?;
        let has_name = meta.get(META_HAS_NAME).and_then(Json::as_bool).unwrap_or(false);
        let schema_map = meta
            .get(META_SCHEMAS)
            .and_then(Json::as_object)
            .ok_or_else(|| not_a_zip("no `schemas` metadata"))?;
        let mut names = Vec::with_capacity(schema_map.len());
        let mut schemas = Vec::with_capacity(schema_map.len());
        for (name, text) in schema_map {
            let text = text.as_str().ok_or_else(|| not_a_zip("bad `schemas` metadata"))?;
            names.push(name.clone());
            schemas.push(
                Schema::parse(text).map_err(|_| not_a_zip("bad schema in `schemas` metadata"))?,
            );
        }
        if schemas.is_empty() {
            return Err(not_a_zip("no zipped input"));
        }
        let schema = df.schema();
        if !schema.contains(BLOB_COL) || !schema.contains(INDEX_COL) {
            return Err(not_a_zip("the internal zip columns are missing"));
        }
        let key_names: Vec<&str> = keys.iter().map(String::as_str).collect();
        let key_schema = schema.extract(&key_names).map_err(|_| not_a_zip("a key is missing"))?;
        Ok(ZipInfo { keys, key_schema, names, schemas, has_name, how })
    }

    /// A collection of `members` (one per input, in order) in the zip's mode
    /// (ENG-ZIP-8, DFS-1/2).
    fn collection(&self, members: Vec<LocalDataFrame>) -> Result<DataFrames> {
        let frames = members.into_iter().map(|m| Arc::new(m) as DataFrameRef);
        if self.has_name {
            DataFrames::named(self.names.iter().cloned().zip(frames))
        } else {
            Ok(DataFrames::list(frames))
        }
    }

    /// Every input as an empty frame with its schema (ENG-COMAP-5).
    fn empty_collection(&self) -> Result<DataFrames> {
        let members = self
            .schemas
            .iter()
            .map(|s| LocalDataFrame::empty(s.clone()))
            .collect::<Result<Vec<_>>>()?;
        self.collection(members)
    }

    /// ENG-COMAP-3: whether a group with inputs `present` gets a call.
    fn selected(&self, present: &[bool]) -> bool {
        match self.how {
            JoinType::Inner => present.iter().all(|p| *p),
            JoinType::LeftOuter => present.first().copied().unwrap_or(false),
            JoinType::RightOuter => present.last().copied().unwrap_or(false),
            _ => true,
        }
    }
}

/// `comap(df, map_fn, output_schema, partition_spec, on_init)`: see the
/// module docs.
///
/// # Errors
/// `ERR-ARG` when `df` is not a zip result; `ERR-USER` for errors and panics
/// of user code (naming the group's keys); `ERR-SCHEMA` for outputs that do
/// not match `output_schema`; the errors of `map_dataframe`.
pub(super) fn comap_over_map<E: ExecutionEngine + ?Sized>(
    engine: &E,
    df: &DataFrameRef,
    map_fn: CoMapFn,
    output_schema: &Schema,
    partition_spec: &PartitionSpec,
    on_init: Option<CoOnInitFn>,
) -> Result<DataFrameRef> {
    let info = Arc::new(ZipInfo::read(df.as_ref())?);
    // ENG-COMAP-6: keys are always the zip keys; num/algo only shape the
    // layout. Without keys (cross) every row must meet in one call.
    let map_spec = if info.keys.is_empty() {
        PartitionSpec::num(1)
    } else {
        partition_spec.to_builder().by(info.keys.iter().cloned()).presort("").build()?
    };
    let init: Option<OnInitFn> = match on_init {
        None => None,
        Some(user_init) => {
            let empty = info.empty_collection()?;
            Some(Arc::new(move |no: usize, _: &LocalDataFrame| user_init(no, &empty)))
        }
    };
    let out = output_schema.clone();
    let state = info.clone();
    let run: MapFn = wrap_map_fn(move |cursor: &PartitionCursor, part: LocalDataFrame| {
        run_groups(&state, &map_fn, &out, cursor, &part)
    });
    engine.map_dataframe(df, run, output_schema, &map_spec, init)
}

/// Runs the user function over every selected key group in `part` (one
/// group normally; several when the engine lays out coarsely).
fn run_groups(
    info: &ZipInfo,
    map_fn: &CoMapFn,
    output_schema: &Schema,
    outer: &PartitionCursor,
    part: &LocalDataFrame,
) -> Result<LocalDataFrame> {
    let schema = part.schema();
    let mut sorts: Vec<(String, bool)> = info.keys.iter().map(|k| (k.clone(), true)).collect();
    sorts.push((INDEX_COL.to_string(), true));
    let batch = sort_batch(&part.to_batch()?, schema, &sorts, false)?;
    let ranges = key_ranges(&batch, schema, &info.keys)?;
    let blobs = binary_column(batch.column(schema.index_of(BLOB_COL)?))?;
    let indices = index_column(batch.column(schema.index_of(INDEX_COL)?))?;
    let key_idx: Vec<usize> =
        info.keys.iter().map(|k| schema.index_of(k)).collect::<Result<_>>()?;
    let key_batch = batch.project(&key_idx)?;
    let n = info.schemas.len();
    let mut out = Vec::new();
    for (group_no, range) in ranges.into_iter().enumerate() {
        let mut data: Vec<Vec<RecordBatch>> = vec![Vec::new(); n];
        let mut present = vec![false; n];
        for r in range.clone() {
            let i = usize::try_from(indices.value(r))
                .ok()
                .filter(|i| *i < n)
                .ok_or_else(|| not_a_zip("an input index is out of range"))?;
            present[i] = true;
            if !blobs.is_null(r) {
                data[i].extend(deserialize_batches(blobs.value(r))?);
            }
        }
        if !info.selected(&present) {
            continue;
        }
        let members = data
            .into_iter()
            .zip(&info.schemas)
            .map(|(batches, s)| LocalDataFrame::new(s.clone(), batches))
            .collect::<Result<Vec<_>>>()?;
        // ENG-COMAP-4 / PC-12: keys from the group, the row from the first
        // non-empty member.
        let keys = if info.keys.is_empty() { Vec::new() } else { row_at(&key_batch, range.start)? };
        let (row_schema, row) = match members.iter().find(|m| m.num_rows() > 0) {
            Some(m) => (m.schema().clone(), Some(row_at(&m.to_batch()?, 0)?)),
            None => (info.schemas[0].clone(), None),
        };
        let mut cursor = PartitionCursor::with_key_schema(
            row_schema,
            info.key_schema.clone(),
            outer.physical_partition_no(),
        );
        cursor.set_keys(keys, row, outer.partition_no() + group_no);
        let dfs = info.collection(members)?;
        let result = call_user(|| cursor.describe_keys(), || map_fn(&cursor, dfs))?;
        if check_output_schema(result.schema(), output_schema).is_err() {
            // ENG-COMAP-7: hand the offending frame to `map_dataframe`, whose
            // own ENG-MAP-6 check raises ERR-SCHEMA (an error returned from
            // here would be reported as ERR-USER).
            return Ok(result);
        }
        out.extend(result.into_batches());
    }
    LocalDataFrame::new(output_schema.clone(), out)
}

fn binary_column(array: &ArrayRef) -> Result<BinaryArray> {
    let cast = arrow::compute::cast(array, &DataType::Binary)?;
    cast.as_any()
        .downcast_ref::<BinaryArray>()
        .cloned()
        .ok_or_else(|| Error::internal("zip blob column is not binary"))
}

fn index_column(array: &ArrayRef) -> Result<Int32Array> {
    let cast = arrow::compute::cast(array, &DataType::Int32)?;
    let ints = cast
        .as_any()
        .downcast_ref::<Int32Array>()
        .cloned()
        .ok_or_else(|| Error::internal("zip index column is not an int"))?;
    if ints.null_count() > 0 {
        return Err(not_a_zip("null input index"));
    }
    Ok(ints)
}

#[cfg(test)]
mod tests;
