//! The Arrow (arrow-rs 59) ↔ Polars bridge, through the Arrow C Data
//! Interface: buffers are handed over, never copied or serialised (no IPC).
//!
//! - arrow-rs → Polars: [`arrow::ffi::to_ffi`] exports an array, the two C
//!   structs are moved (same `#[repr(C)]` ABI) into
//!   [`polars_arrow::ffi::ArrowArray`] / [`polars_arrow::ffi::ArrowSchema`]
//!   and imported with `import_field_from_c` / `import_array_from_c`; a
//!   [`Series`] is built over the imported chunks. Polars then holds the
//!   arrow-rs buffers (released through the C `release` callback when the
//!   last Polars reference goes).
//! - Polars → arrow-rs: every chunk of a [`Series`] is exported with
//!   `export_array_to_c` and imported with [`arrow::ffi::from_ffi`].
//!
//! Polars has its own physical types for some Arrow types; the bridge maps
//! them back to the frame's Fugue schema (SCH-TYPE-8) with
//! [`conform_array`]:
//!
//! | Fugue / Arrow type | inside Polars | back to Arrow |
//! |---|---|---|
//! | `str` (`Utf8`) | `String` (`Utf8View`) | cast to `Utf8` (copies the strings) |
//! | `bytes` (`Binary`) | `Binary` (`BinaryView`) | cast to `Binary` |
//! | `[t]` (`List`) | `List` (`LargeList`) | offsets narrowed to `i32`, values shared |
//! | `<k,v>` (`Map`) | `List(Struct{key,value})` | rebuilt as a `MapArray` over the same struct |
//! | `datetime` with unit `s` | `Datetime(ms)` | cast back to seconds |
//! | everything else | the same layout | zero copy |
//!
//! Sliced arrays keep their offset through the interface.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, LargeListArray, ListArray, MapArray, RecordBatch, RecordBatchOptions,
    StructArray, make_array,
};
use arrow::buffer::{OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{DataType, Field, Schema as ArrowSchema};
use arrow::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use fugue_core::spi::value::cast_array;
use fugue_core::{DataFrame, Error, LocalDataFrame, Result, Schema};
use polars::prelude::{
    ArrowDataType, ArrowField, Column, CompatLevel, DataFrame as PlDataFrame,
    DataType as PlDataType, IntoColumn, PlSmallStr, Series,
};

use crate::error::from_polars;

type PlArray = Box<dyn polars_arrow::array::Array>;

fn arrow_err(context: &str, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::backend("polars", format!("arrow bridge: {context}"), e)
}

/// Moves an arrow-rs C array struct into the Polars one (same C ABI).
fn array_to_polars_ffi(array: FFI_ArrowArray) -> polars_arrow::ffi::ArrowArray {
    // SAFETY: both types are `#[repr(C)]` definitions of the Arrow C Data
    // Interface `struct ArrowArray` (same fields, same order, same size —
    // `transmute` checks the size). Ownership (the `release` callback) moves
    // with the value: the source is consumed, so it is released only once.
    unsafe { std::mem::transmute::<FFI_ArrowArray, polars_arrow::ffi::ArrowArray>(array) }
}

/// Moves an arrow-rs C schema struct into the Polars one (same C ABI).
fn schema_to_polars_ffi(schema: FFI_ArrowSchema) -> polars_arrow::ffi::ArrowSchema {
    // SAFETY: as in `array_to_polars_ffi`, for `struct ArrowSchema`.
    unsafe { std::mem::transmute::<FFI_ArrowSchema, polars_arrow::ffi::ArrowSchema>(schema) }
}

/// Moves a Polars C array struct into the arrow-rs one (same C ABI).
fn array_from_polars_ffi(array: polars_arrow::ffi::ArrowArray) -> FFI_ArrowArray {
    // SAFETY: as in `array_to_polars_ffi`, in the other direction.
    unsafe { std::mem::transmute::<polars_arrow::ffi::ArrowArray, FFI_ArrowArray>(array) }
}

/// Moves a Polars C schema struct into the arrow-rs one (same C ABI).
fn schema_from_polars_ffi(schema: polars_arrow::ffi::ArrowSchema) -> FFI_ArrowSchema {
    // SAFETY: as in `schema_to_polars_ffi`, in the other direction.
    unsafe { std::mem::transmute::<polars_arrow::ffi::ArrowSchema, FFI_ArrowSchema>(schema) }
}

/// `ERR-SCHEMA` when a timestamp in `data_type` (nested ones included) has
/// a time zone Arrow cannot resolve: Polars panics on it while importing,
/// outside any `catch_unwind` (the schema parser rejects such zones, but a
/// frame built from Arrow data skips the parser).
fn check_time_zones(data_type: &DataType) -> Result<()> {
    match data_type {
        DataType::Timestamp(_, Some(tz)) => {
            tz.parse::<arrow::array::timezone::Tz>().map(|_| ()).map_err(|e| {
                Error::schema(format!(
                    "the time zone `{tz}` of a `timestamp` column is unknown ({e}); \
                     Polars can only take IANA names such as `UTC` or offsets such as `+08:00`"
                ))
            })
        }
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::FixedSizeList(f, _)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::Map(f, _) => check_time_zones(f.data_type()),
        DataType::Struct(fields) => fields.iter().try_for_each(|f| check_time_zones(f.data_type())),
        DataType::Dictionary(_, v) => check_time_zones(v),
        DataType::RunEndEncoded(_, v) => check_time_zones(v.data_type()),
        _ => Ok(()),
    }
}

/// One arrow-rs array as a Polars arrow array, zero copy.
///
/// # Errors
/// `ERR-SCHEMA` for a timestamp time zone Arrow does not know;
/// `ERR-EXECUTION` when either side rejects the type.
pub fn array_to_polars(array: &dyn Array) -> Result<PlArray> {
    check_time_zones(array.data_type())?;
    let (ffi_array, ffi_schema) =
        arrow::ffi::to_ffi(&array.to_data()).map_err(|e| arrow_err("export to polars", e))?;
    let pl_schema = schema_to_polars_ffi(ffi_schema);
    let pl_array = array_to_polars_ffi(ffi_array);
    // SAFETY: both structs were just produced by arrow-rs' exporter and are
    // valid per the C Data Interface.
    let field = unsafe { polars_arrow::ffi::import_field_from_c(&pl_schema) }
        .map_err(|e| from_polars(e, "import arrow field"))?;
    // SAFETY: as above; the array matches the field it was exported with.
    unsafe { polars_arrow::ffi::import_array_from_c(pl_array, field.dtype) }
        .map_err(|e| from_polars(e, "import arrow array"))
}

/// One Polars arrow array as an arrow-rs array, zero copy, validated in
/// full (offsets, UTF-8, views, children) once per import.
///
/// # Errors
/// `ERR-EXECUTION` when arrow-rs rejects the type or the data is not a
/// valid Arrow array.
pub fn array_from_polars(array: PlArray) -> Result<ArrayRef> {
    if array.dtype() == &ArrowDataType::Null {
        // a null array has no buffers; Polars exports one, which arrow-rs rejects
        return Ok(arrow::array::new_null_array(&DataType::Null, array.len()));
    }
    let field = ArrowField::new(PlSmallStr::EMPTY, array.dtype().clone(), true);
    let ffi_schema = schema_from_polars_ffi(polars_arrow::ffi::export_field_to_c(&field));
    let ffi_array = array_from_polars_ffi(polars_arrow::ffi::export_array_to_c(array));
    // SAFETY: both structs were just produced by the Polars exporter and are
    // valid per the C Data Interface; `from_ffi` takes ownership of the array.
    let data = unsafe { arrow::ffi::from_ffi(ffi_array, &ffi_schema) }
        .map_err(|e| arrow_err("import from polars", e))?;
    // The C Data Interface hands over foreign memory and `from_ffi` builds
    // the array without checks: validate it once here (buffer sizes,
    // offsets in range and ascending, UTF-8 of strings and string views,
    // view buffer indices and lengths, children), so a defect on the Polars
    // side is an error, not undefined behaviour in a later kernel.
    data.validate_full().map_err(|e| arrow_err("validate an array imported from polars", e))?;
    Ok(make_array(data))
}

/// An arrow-rs type as the Polars type Polars gives it on import
/// (`Utf8` → `String`, a map → `List(Struct)`, ...).
///
/// # Errors
/// `ERR-SCHEMA` for a timestamp time zone Arrow does not know;
/// `ERR-EXECUTION` when the type cannot cross the interface.
pub fn polars_type(data_type: &DataType) -> Result<PlDataType> {
    check_time_zones(data_type)?;
    let field = Field::new("", data_type.clone(), true);
    let ffi = FFI_ArrowSchema::try_from(&field).map_err(|e| arrow_err("export type", e))?;
    let pl_schema = schema_to_polars_ffi(ffi);
    // SAFETY: produced by arrow-rs' exporter just above.
    let field = unsafe { polars_arrow::ffi::import_field_from_c(&pl_schema) }
        .map_err(|e| from_polars(e, "import arrow type"))?;
    Ok(PlDataType::from_arrow_field(&field))
}

/// The arrow-rs type of a Polars type (as Polars exports it, not yet
/// normalised).
///
/// # Errors
/// `ERR-EXECUTION` when the type cannot cross the interface.
pub fn arrow_type(data_type: &PlDataType) -> Result<DataType> {
    let arrow = data_type
        .try_to_arrow(CompatLevel::newest())
        .map_err(|e| from_polars(e, "export polars type"))?;
    arrow_type_of(&arrow)
}

fn arrow_type_of(arrow: &ArrowDataType) -> Result<DataType> {
    let field = ArrowField::new(PlSmallStr::EMPTY, arrow.clone(), true);
    let ffi = schema_from_polars_ffi(polars_arrow::ffi::export_field_to_c(&field));
    let f = Field::try_from(&ffi).map_err(|e| arrow_err("import polars type", e))?;
    Ok(f.data_type().clone())
}

/// The Fugue schema of a Polars schema: each type exported to Arrow and
/// normalised (SCH-TYPE-8: `String` → `str`, `List` → `[t]`, ...).
///
/// # Errors
/// `ERR-SCHEMA` for types outside the schema grammar (e.g. `Time`,
/// `Duration`); `ERR-EXECUTION` when a type cannot cross the interface.
pub fn fugue_schema(schema: &polars::prelude::Schema) -> Result<Schema> {
    let fields = schema
        .iter()
        .map(|(name, dt)| Ok(Field::new(name.as_str(), arrow_type(dt)?, true)))
        .collect::<Result<Vec<_>>>()?;
    Schema::from_arrow(&ArrowSchema::new(fields))
}

/// A Polars [`Series`] named `name` over the arrow-rs arrays `chunks`,
/// zero copy: one Polars chunk per array, except several `Utf8` / `Binary`
/// arrays of type `data_type`, which become ONE chunk of string views over
/// their bytes (Polars holds strings as views; one chunk spares Polars a
/// re-concatenation later). `data_type` is also the type when `chunks` is
/// empty.
///
/// # Errors
/// `ERR-EXECUTION` when Polars rejects the type.
pub fn series_from_arrays(name: &str, chunks: &[ArrayRef], data_type: &DataType) -> Result<Series> {
    let name = PlSmallStr::from_str(name);
    if chunks.is_empty() {
        let empty = arrow::array::new_empty_array(data_type);
        let pl = array_to_polars(empty.as_ref())?;
        return Series::from_arrow(name, pl).map_err(|e| from_polars(e, "build series"));
    }
    if chunks.len() > 1
        && let Some(view) = views_over_chunks(chunks, data_type)?
    {
        let pl = array_to_polars(view.as_ref())?;
        return Series::from_arrow(name, pl).map_err(|e| from_polars(e, "build series"));
    }
    let arrays = chunks.iter().map(|c| array_to_polars(c.as_ref())).collect::<Result<Vec<_>>>()?;
    Series::from_arrow_chunks(name, arrays).map_err(|e| from_polars(e, "build series"))
}

/// The parts of a `Utf8` / `Binary` chunk: offsets, value bytes, validity.
type ByteChunk<'a> = (&'a [i32], &'a arrow::buffer::Buffer, Option<&'a arrow::buffer::NullBuffer>);

/// `str` / `bytes` chunks (`Utf8` / `Binary`) as ONE string-view array
/// (`Utf8View` / `BinaryView`) whose views point into the chunks' own
/// value buffers: the bytes are not copied, only a 16-byte view per row is
/// written (in parallel over the chunks). Polars holds strings as views,
/// so this is the conversion Polars would do per chunk, minus the later
/// re-concatenation of many view chunks (`rechunk`) that group-bys, joins
/// and sorts over string columns do. `None` for other types.
fn views_over_chunks(chunks: &[ArrayRef], data_type: &DataType) -> Result<Option<ArrayRef>> {
    if !matches!(data_type, DataType::Utf8 | DataType::Binary)
        || chunks.iter().any(|c| c.data_type() != data_type)
    {
        return Ok(None);
    }
    let parts: Option<Vec<ByteChunk<'_>>> = chunks
        .iter()
        .map(|c| {
            if let Some(a) = c.as_string_opt::<i32>() {
                Some((a.value_offsets(), a.values(), a.nulls()))
            } else {
                c.as_binary_opt::<i32>().map(|a| (a.value_offsets(), a.values(), a.nulls()))
            }
        })
        .collect();
    let Some(parts) = parts else { return Ok(None) };
    // one type for every chunk, checked: a `Binary` chunk among `Utf8` ones
    // must not become (unchecked) string views
    let utf8 = data_type == &DataType::Utf8;
    let total: usize = chunks.iter().map(|c| c.len()).sum();
    let mut views = vec![0u128; total];
    // one disjoint slice of `views` per chunk
    let mut slices: Vec<&mut [u128]> = Vec::with_capacity(chunks.len());
    let mut rest: &mut [u128] = &mut views;
    for c in chunks {
        let (head, tail) = rest.split_at_mut(c.len());
        slices.push(head);
        rest = tail;
    }
    let fill = |(block, ((offsets, values, _), out)): (
        usize,
        (&ByteChunk<'_>, &mut &mut [u128]),
    )|
     -> Result<()> {
        let block = u32::try_from(block).map_err(|_| Error::internal("too many chunks"))?;
        let bytes = values.as_slice();
        for (view, w) in out.iter_mut().zip(offsets.windows(2)) {
            // offsets of a valid array are non-negative and ascending (i32 ⊂ u32)
            let (start, end) = (w[0] as usize, w[1] as usize);
            *view = arrow::array::builder::make_view(&bytes[start..end], block, w[0] as u32);
        }
        Ok(())
    };
    polars_core::runtime::THREAD_POOL.install(|| {
        use rayon::prelude::*;
        parts.par_iter().zip(slices.par_iter_mut()).enumerate().try_for_each(fill)
    })?;
    let nulls = if parts.iter().any(|(_, _, n)| n.is_some()) {
        let mut builder = arrow::array::BooleanBufferBuilder::new(total);
        for ((_, _, n), c) in parts.iter().zip(chunks) {
            match n {
                Some(n) => builder.append_buffer(n.inner()),
                None => builder.append_n(c.len(), true),
            }
        }
        Some(arrow::buffer::NullBuffer::new(builder.finish()))
    } else {
        None
    };
    let buffers: Vec<arrow::buffer::Buffer> = parts.iter().map(|(_, b, _)| (*b).clone()).collect();
    let views = ScalarBuffer::from(views);
    // SAFETY: every chunk has the type `data_type` (checked above). Each
    // view was made by `make_view` from the bytes one row's offsets cover
    // (null rows included) in chunk `block`'s value buffer, which is buffer
    // `block` of the list, at that row's offset in it: lengths, prefixes,
    // buffer indices and offsets are in bounds. For `Utf8` those bytes are
    // valid UTF-8 (a `StringArray` guarantees it for every slot). That is
    // everything `try_new` checks.
    let array: ArrayRef = if utf8 {
        Arc::new(unsafe { arrow::array::StringViewArray::new_unchecked(views, buffers, nulls) })
    } else {
        Arc::new(unsafe { arrow::array::BinaryViewArray::new_unchecked(views, buffers, nulls) })
    };
    Ok(Some(array))
}

/// A local Arrow frame as a Polars [`DataFrame`](PlDataFrame) without
/// copying the data: every column is built by [`series_from_arrays`] over
/// the batches' arrays (shared through the C Data Interface) — one chunk
/// per batch, except `str` / `bytes` columns, which become one chunk of
/// string views over the batches' bytes. Chunks of different columns may
/// therefore not line up: call Polars' `align_chunks_par` before APIs that
/// need aligned chunks (`iter_chunks`). This is the helper for map
/// functions that want to work with Polars on their partition.
///
/// ```
/// use fugue_core::{LocalDataFrame, Value};
/// let local = LocalDataFrame::from_rows(vec![vec![Value::from(1), Value::from("x")]], "a:int,b:str")?;
/// let pl = fugue_polars::to_polars_df(&local)?;
/// assert_eq!(pl.height(), 1);
/// assert_eq!(pl.get_column_names(), ["a", "b"]);
/// # Ok::<(), fugue_core::Error>(())
/// ```
///
/// # Errors
/// `ERR-EXECUTION` when Polars rejects a column type.
pub fn to_polars_df(local: &LocalDataFrame) -> Result<PlDataFrame> {
    let schema = local.schema();
    let mut columns: Vec<Column> = Vec::with_capacity(schema.len());
    for (i, field) in schema.fields().iter().enumerate() {
        let chunks: Vec<ArrayRef> = local.batches().iter().map(|b| b.column(i).clone()).collect();
        columns.push(series_from_arrays(field.name(), &chunks, field.data_type())?.into_column());
    }
    PlDataFrame::new(local.num_rows(), columns).map_err(|e| from_polars(e, "build dataframe"))
}

/// A Polars [`DataFrame`](PlDataFrame) as a local Arrow frame with the Fugue
/// schema `schema` (same column count and names, in order). Chunks are
/// aligned across columns first (no copy when they already are), then every
/// chunk crosses the interface and is conformed to the schema's type
/// ([`conform_array`]).
///
/// # Errors
/// `ERR-DF-INIT` when the column count or names differ from `schema`;
/// `ERR-CAST` when a column does not fit its schema type.
pub fn from_polars_df(df: &PlDataFrame, schema: &Schema) -> Result<LocalDataFrame> {
    if df.width() != schema.len() {
        return Err(Error::df_init(format!(
            "a polars frame has {} columns but the schema `{schema}` has {}",
            df.width(),
            schema.len()
        )));
    }
    if df.height() == 0 {
        return LocalDataFrame::empty(schema.clone());
    }
    let mut df = df.clone();
    df.align_chunks_par();
    let mut per_column = column_arrays(&df, schema)?;
    if !chunks_aligned(&per_column) {
        // e.g. a broadcast literal column next to chunked ones: one chunk each
        df.rechunk_mut_par();
        per_column = column_arrays(&df, schema)?;
    }
    let n_chunks = per_column.first().map_or(0, Vec::len);
    let arrow_schema = schema.arrow().clone();
    let mut batches = Vec::with_capacity(n_chunks);
    for i in 0..n_chunks {
        let columns: Vec<ArrayRef> = per_column
            .iter()
            .map(|chunks| {
                chunks.get(i).cloned().ok_or_else(|| {
                    Error::internal("polars columns have different chunk counts after aligning")
                })
            })
            .collect::<Result<_>>()?;
        let rows = columns.first().map_or(0, |c| c.len());
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        batches.push(
            RecordBatch::try_new_with_options(arrow_schema.clone(), columns, &options)
                .map_err(|e| arrow_err("assemble record batch", e))?,
        );
    }
    LocalDataFrame::new(schema.clone(), batches)
}

/// Every column's chunks as arrow-rs arrays of its schema type.
fn column_arrays(df: &PlDataFrame, schema: &Schema) -> Result<Vec<Vec<ArrayRef>>> {
    df.columns()
        .iter()
        .zip(schema.fields().iter())
        .map(|(col, field)| {
            if col.name().as_str() != field.name() {
                return Err(Error::df_init(format!(
                    "polars column `{}` does not match schema column `{}`",
                    col.name(),
                    field.name()
                )));
            }
            series_arrays(col.as_materialized_series(), field.data_type())
        })
        .collect()
}

/// True when every column has the same chunk lengths.
fn chunks_aligned(per_column: &[Vec<ArrayRef>]) -> bool {
    let lengths = |c: &Vec<ArrayRef>| c.iter().map(|a| a.len()).collect::<Vec<_>>();
    match per_column.split_first() {
        Some((first, rest)) => {
            let want = lengths(first);
            rest.iter().all(|c| lengths(c) == want)
        }
        None => true,
    }
}

/// The chunks of `series` as arrow-rs arrays of type `target`.
///
/// # Errors
/// As [`conform_array`].
pub fn series_arrays(series: &Series, target: &DataType) -> Result<Vec<ArrayRef>> {
    let field = series.dtype().to_arrow_field(series.name().clone(), CompatLevel::newest());
    (0..series.n_chunks())
        .map(|i| {
            let pl = series
                .to_arrow_with_field(i, std::borrow::Cow::Borrowed(&field), true)
                .map_err(|e| from_polars(e, "export series"))?;
            conform_array(&array_from_polars(pl)?, target)
        })
        .collect()
}

/// Makes an array that came out of Polars exactly `target` (a normalised
/// Fugue type): maps are rebuilt from Polars' `List(Struct{key, value})`
/// over the same child data, lists get `i32` offsets and the canonical item
/// field, structs are conformed field by field, anything else is cast with
/// the DF-CAST rules ([`cast_array`]: `Utf8View` → `Utf8`, time units, ...).
///
/// # Errors
/// `ERR-CAST` when the array cannot take the type.
pub fn conform_array(array: &ArrayRef, target: &DataType) -> Result<ArrayRef> {
    if array.data_type() == target {
        return Ok(array.clone());
    }
    match target {
        DataType::Map(entries, sorted) => {
            let (offsets, values, nulls) = list_parts(array, target)?;
            let entries_struct = conform_array(&values, entries.data_type())?;
            let entries_struct = entries_struct.as_struct_opt().cloned().ok_or_else(|| {
                Error::cast(
                    "polars list",
                    fugue_core::schema::data_type_to_expr(target),
                    "no struct",
                )
            })?;
            let map = MapArray::try_new(entries.clone(), offsets, entries_struct, nulls, *sorted)
                .map_err(|e| cast_err(array, target, e))?;
            Ok(Arc::new(map))
        }
        DataType::List(item) => {
            let (offsets, values, nulls) = list_parts(array, target)?;
            let values = conform_array(&values, item.data_type())?;
            let list = ListArray::try_new(item.clone(), offsets, values, nulls)
                .map_err(|e| cast_err(array, target, e))?;
            Ok(Arc::new(list))
        }
        DataType::Struct(fields) => {
            let Some(s) = array.as_struct_opt() else {
                return cast_array(array, target);
            };
            if s.num_columns() != fields.len() {
                return cast_array(array, target);
            }
            let columns = s
                .columns()
                .iter()
                .zip(fields.iter())
                .map(|(c, f)| conform_array(c, f.data_type()))
                .collect::<Result<Vec<_>>>()?;
            let out = StructArray::try_new(fields.clone(), columns, s.nulls().cloned())
                .map_err(|e| cast_err(array, target, e))?;
            Ok(Arc::new(out))
        }
        _ => cast_array(array, target),
    }
}

fn cast_err(array: &ArrayRef, target: &DataType, e: arrow::error::ArrowError) -> Error {
    Error::cast(
        format!("column of type `{}`", fugue_core::schema::data_type_to_expr(array.data_type())),
        format!("`{}`", fugue_core::schema::data_type_to_expr(target)),
        e.to_string(),
    )
}

/// Offsets (`i32`), values and validity of a list-like array.
fn list_parts(
    array: &ArrayRef,
    target: &DataType,
) -> Result<(OffsetBuffer<i32>, ArrayRef, Option<arrow::buffer::NullBuffer>)> {
    if let Some(l) = array.as_any().downcast_ref::<LargeListArray>() {
        let offsets: Vec<i32> = l
            .offsets()
            .iter()
            .map(|&o| i32::try_from(o))
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| {
                Error::cast(
                    "large list",
                    fugue_core::schema::data_type_to_expr(target),
                    "more than 2^31 values",
                )
            })?;
        return Ok((
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            l.values().clone(),
            l.nulls().cloned(),
        ));
    }
    if let Some(l) = array.as_any().downcast_ref::<ListArray>() {
        return Ok((l.offsets().clone(), l.values().clone(), l.nulls().cloned()));
    }
    if let Some(m) = array.as_any().downcast_ref::<MapArray>() {
        return Ok((m.offsets().clone(), Arc::new(m.entries().clone()), m.nulls().cloned()));
    }
    if array.data_type() == &DataType::Null {
        let empty = arrow::array::new_null_array(target, array.len());
        return list_parts(&empty, target);
    }
    Err(Error::cast(
        format!("column of type `{}`", fugue_core::schema::data_type_to_expr(array.data_type())),
        format!("`{}`", fugue_core::schema::data_type_to_expr(target)),
        "not a list",
    ))
}
