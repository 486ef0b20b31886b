//! The supported type set: normalisation of Arrow types (SCH-TYPE-7/8/9) and
//! type equality (SCH-EQ-1, SCH-EQ-4).

use std::collections::HashSet;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Fields};

use crate::error::{Error, Result};

use super::print::data_type_to_expr;

/// Largest Decimal128 precision (Arrow's limit).
pub(crate) const MAX_DECIMAL_PRECISION: u8 = 38;

/// Name of the list item field (Arrow's convention).
pub(crate) const LIST_ITEM: &str = "item";
/// Name of the map entries struct field.
pub(crate) const MAP_ENTRIES: &str = "entries";
/// Name of the map key field (non-nullable, as Arrow requires).
pub(crate) const MAP_KEY: &str = "key";
/// Name of the map value field.
pub(crate) const MAP_VALUE: &str = "value";

/// A list type in the canonical layout: item field `item`, nullable.
pub(crate) fn list_of(item: DataType) -> DataType {
    DataType::List(Arc::new(Field::new(LIST_ITEM, item, true)))
}

/// A map type in the canonical layout: `entries{key (non-null), value}`,
/// entries non-null, unsorted unless `sorted`.
pub(crate) fn map_of(key: DataType, value: DataType, sorted: bool) -> DataType {
    let entries =
        Fields::from(vec![Field::new(MAP_KEY, key, false), Field::new(MAP_VALUE, value, true)]);
    DataType::Map(Arc::new(Field::new(MAP_ENTRIES, DataType::Struct(entries), false)), sorted)
}

/// The key and value types of a map entries field, when it has the
/// two-field struct layout Arrow requires.
pub(crate) fn map_key_value(entries: &FieldRef) -> Option<(&DataType, &DataType)> {
    match entries.data_type() {
        DataType::Struct(fields) if fields.len() == 2 => {
            Some((fields[0].data_type(), fields[1].data_type()))
        }
        _ => None,
    }
}

/// Checks a Decimal128 precision and scale: `1 <= p <= 38` and `s <= p`.
pub(crate) fn check_decimal(precision: u8, scale: i8) -> std::result::Result<(), String> {
    if precision == 0 || precision > MAX_DECIMAL_PRECISION {
        return Err(format!(
            "decimal precision `{precision}` is out of range, expected 1 to {MAX_DECIMAL_PRECISION}"
        ));
    }
    if scale > 0 && scale.unsigned_abs() > precision {
        return Err(format!("decimal scale `{scale}` is larger than the precision `{precision}`"));
    }
    Ok(())
}

/// Maps an Arrow type to the supported type set of a Fugue schema.
///
/// * `Utf8View`, `LargeUtf8` → `Utf8` (`str`);
/// * `LargeBinary`, `BinaryView` → `Binary` (`bytes`);
/// * `LargeList`, `ListView`, `LargeListView` → `List` with item field `item`;
/// * `Dictionary(_, v)` → `normalize(v)`;
/// * `Date64` → `Date32` (`date`);
/// * lists, structs and maps are normalised recursively; every nested field is
///   made nullable (map keys stay non-nullable, as Arrow requires) and maps get
///   the canonical `entries{key, value}` layout.
///
/// Supported types (null, bool, integers, floats, `Utf8`, `Binary`, `Date32`,
/// any `Timestamp`, `Decimal128`, list, struct, map) are returned unchanged
/// apart from the nested-field rules above. Implements SCH-TYPE-7, SCH-TYPE-8
/// and SCH-TYPE-9. Never panics.
///
/// # Errors
/// `ERR-SCHEMA` for a type outside the supported set (`Time32`, `Time64`,
/// `Duration`, `Interval`, `Decimal32`, `Decimal64`, `Decimal256`,
/// `FixedSizeList`, `FixedSizeBinary`, `Union`, `RunEndEncoded`), for an invalid
/// decimal precision, for a map whose entries are not a two-field struct, and
/// for empty or duplicate struct field names (SCH-NAME-5, SCH-NAME-7).
pub fn normalize_data_type(dt: &DataType) -> Result<DataType> {
    normalize(dt).map_err(Error::schema)
}

/// Normalises the type of column `column`, naming it in the error.
pub(crate) fn normalize_column_type(column: &str, dt: &DataType) -> Result<DataType> {
    normalize(dt).map_err(|reason| Error::schema(format!("column `{column}`: {reason}")))
}

/// Normalises a field (type normalised, nullable, metadata kept).
pub(crate) fn normalize_field(field: &Field) -> Result<FieldRef> {
    let dt = normalize_column_type(field.name(), field.data_type())?;
    Ok(Arc::new(field.clone().with_data_type(dt).with_nullable(true)))
}

fn unsupported(dt: &DataType) -> String {
    format!(
        "type `{}` is not supported, expected one of the schema expression types \
         (null, bool, integers, floats, str, bytes, date, datetime/timestamp, decimal, \
         list, struct, map)",
        data_type_to_expr(dt)
    )
}

fn normalize(dt: &DataType) -> std::result::Result<DataType, String> {
    use DataType as D;
    Ok(match dt {
        D::Null
        | D::Boolean
        | D::Int8
        | D::Int16
        | D::Int32
        | D::Int64
        | D::UInt8
        | D::UInt16
        | D::UInt32
        | D::UInt64
        | D::Float16
        | D::Float32
        | D::Float64
        | D::Utf8
        | D::Binary
        | D::Date32
        | D::Timestamp(_, _) => dt.clone(),
        D::LargeUtf8 | D::Utf8View => D::Utf8,
        D::LargeBinary | D::BinaryView => D::Binary,
        D::Date64 => D::Date32,
        D::Decimal128(p, s) => {
            check_decimal(*p, *s)?;
            dt.clone()
        }
        D::List(f) | D::LargeList(f) | D::ListView(f) | D::LargeListView(f) => {
            list_of(normalize(f.data_type()).map_err(|r| format!("in list item: {r}"))?)
        }
        D::Struct(fields) => D::Struct(normalize_struct_fields(fields)?),
        D::Map(entries, sorted) => {
            let (k, v) = map_key_value(entries).ok_or_else(|| {
                format!("map type `{}` has no two-field entries struct", data_type_to_expr(dt))
            })?;
            let k = normalize(k).map_err(|r| format!("in map key: {r}"))?;
            let v = normalize(v).map_err(|r| format!("in map value: {r}"))?;
            map_of(k, v, *sorted)
        }
        D::Dictionary(_, v) => normalize(v)?,
        D::Time32(_)
        | D::Time64(_)
        | D::Duration(_)
        | D::Interval(_)
        | D::FixedSizeBinary(_)
        | D::FixedSizeList(_, _)
        | D::Union(_, _)
        | D::Decimal32(_, _)
        | D::Decimal64(_, _)
        | D::Decimal256(_, _)
        | D::RunEndEncoded(_, _) => return Err(unsupported(dt)),
    })
}

fn normalize_struct_fields(fields: &Fields) -> std::result::Result<Fields, String> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(fields.len());
    for f in fields {
        if f.name().is_empty() {
            return Err("empty struct field name".to_string());
        }
        if !seen.insert(f.name().as_str()) {
            return Err(format!("duplicate struct field name `{}`", f.name()));
        }
        let dt =
            normalize(f.data_type()).map_err(|r| format!("in struct field `{}`: {r}", f.name()))?;
        out.push(Arc::new(f.as_ref().clone().with_data_type(dt).with_nullable(true)));
    }
    Ok(Fields::from(out))
}

/// Type equality of Fugue schemas (SCH-EQ-1, SCH-TYPE-9).
///
/// Two types are equal when they are the same Arrow type after ignoring, at
/// every nesting level: nullability, field metadata, the list item field name,
/// the names of the map entries / key / value fields and the map `sorted` flag.
/// Struct field names and order, timestamp units and time zones, decimal
/// precision and scale are compared. Different Arrow variants (e.g. `List` and
/// `LargeList`) are never equal; normalise first with [`normalize_data_type`]
/// if that is wanted.
pub fn types_equal(a: &DataType, b: &DataType) -> bool {
    types_like(a, b, &[])
}

/// Type equality with equal groups (SCH-EQ-4).
///
/// Like [`types_equal`], but two types (at any nesting level) also count as
/// equal when both satisfy the same predicate of `equal_groups` (e.g. "is an
/// integer type").
pub fn types_like(a: &DataType, b: &DataType, equal_groups: &[fn(&DataType) -> bool]) -> bool {
    use DataType as D;
    if equal_groups.iter().any(|g| g(a) && g(b)) {
        return true;
    }
    match (a, b) {
        (D::List(x), D::List(y))
        | (D::LargeList(x), D::LargeList(y))
        | (D::ListView(x), D::ListView(y))
        | (D::LargeListView(x), D::LargeListView(y)) => {
            types_like(x.data_type(), y.data_type(), equal_groups)
        }
        (D::FixedSizeList(x, n), D::FixedSizeList(y, m)) => {
            n == m && types_like(x.data_type(), y.data_type(), equal_groups)
        }
        (D::Struct(xs), D::Struct(ys)) => {
            xs.len() == ys.len()
                && xs.iter().zip(ys.iter()).all(|(x, y)| {
                    x.name() == y.name() && types_like(x.data_type(), y.data_type(), equal_groups)
                })
        }
        (D::Map(x, _), D::Map(y, _)) => match (map_key_value(x), map_key_value(y)) {
            (Some((k1, v1)), Some((k2, v2))) => {
                types_like(k1, k2, equal_groups) && types_like(v1, v2, equal_groups)
            }
            _ => x.data_type() == y.data_type(),
        },
        (D::Dictionary(k1, v1), D::Dictionary(k2, v2)) => {
            types_like(k1, k2, equal_groups) && types_like(v1, v2, equal_groups)
        }
        (D::RunEndEncoded(r1, v1), D::RunEndEncoded(r2, v2)) => {
            types_like(r1.data_type(), r2.data_type(), equal_groups)
                && types_like(v1.data_type(), v2.data_type(), equal_groups)
        }
        _ => a == b,
    }
}
