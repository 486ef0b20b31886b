//! Schema-level validation of the DataFrame column operations, shared by
//! every engine so that all of them raise the same errors (DF-OP-10..14).

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::schema::Schema;

fn available(schema: &Schema) -> String {
    schema.names().iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The schema after `select_columns(columns)` (DF-OP-10): the requested
/// columns in the requested order, types unchanged.
///
/// # Errors
/// `ERR-DF-OP` when `columns` is empty, names a missing column or repeats a name.
pub fn select_columns_schema(schema: &Schema, columns: &[&str]) -> Result<Schema> {
    if columns.is_empty() {
        return Err(Error::df_op("select_columns", "the column list must not be empty"));
    }
    let mut seen = HashSet::new();
    for c in columns {
        if !seen.insert(*c) {
            return Err(Error::df_op("select_columns", format!("column `{c}` is listed twice")));
        }
        if !schema.contains(c) {
            return Err(Error::df_op(
                "select_columns",
                format!("column `{c}` not found; available: {}", available(schema)),
            ));
        }
    }
    schema.extract(columns).map_err(|e| Error::df_op("select_columns", e.to_string()))
}

/// The schema after `drop(columns)` (DF-OP-11): remaining columns in order.
///
/// # Errors
/// `ERR-DF-OP` when a name is missing or listed twice, or when nothing would remain.
pub fn drop_columns_schema(schema: &Schema, columns: &[&str]) -> Result<Schema> {
    let mut seen = HashSet::new();
    for c in columns {
        if !seen.insert(*c) {
            return Err(Error::df_op("drop", format!("column `{c}` is listed twice")));
        }
        if !schema.contains(c) {
            return Err(Error::df_op(
                "drop",
                format!("column `{c}` not found; available: {}", available(schema)),
            ));
        }
    }
    if seen.len() == schema.len() {
        return Err(Error::df_op("drop", "cannot drop every column of a dataframe"));
    }
    schema.remove(columns).map_err(|e| Error::df_op("drop", e.to_string()))
}

/// The schema after `rename(pairs)` (DF-OP-13): simultaneous renames, types
/// and order kept.
///
/// # Errors
/// `ERR-DF-OP` when an old name is missing, listed twice, or the new names
/// are not unique.
pub fn rename_schema(schema: &Schema, pairs: &[(&str, &str)]) -> Result<Schema> {
    let mut seen = HashSet::new();
    for (old, _) in pairs {
        if !seen.insert(*old) {
            return Err(Error::df_op("rename", format!("column `{old}` is renamed twice")));
        }
        if !schema.contains(old) {
            return Err(Error::df_op(
                "rename",
                format!("column `{old}` not found; available: {}", available(schema)),
            ));
        }
    }
    schema.rename(pairs).map_err(|e| Error::df_op("rename", e.to_string()))
}

/// The schema after `alter_columns(subschema)` (DF-OP-14): the original
/// column order with the types of `subschema` for the columns it names.
///
/// # Errors
/// `ERR-ARG` when a subschema name is not a column.
pub fn alter_columns_schema(schema: &Schema, subschema: &Schema) -> Result<Schema> {
    for name in subschema.names() {
        if !schema.contains(name) {
            return Err(Error::arg(
                "alter_columns",
                format!("column `{name}` not found; available: {}", available(schema)),
            ));
        }
    }
    schema.alter(subschema)
}
