//! `Schema`: an ordered, non-duplicated list of named, typed, nullable fields
//! over an Arrow schema (`spec/SCHEMA_AND_DATAFRAME.md` §1–§3).
//!
//! (Minimal foundation; the expression grammar, printing, operations and
//! output-schema hints are being added.)

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Fields, SchemaRef};

use crate::error::{Error, Result};

/// An ordered set of uniquely named fields, backed by an Arrow schema.
///
/// Every field is nullable (SCH-TYPE-9); large/view Arrow types are
/// normalised to their plain form (SCH-TYPE-8) at construction. Cloning is
/// cheap (one `Arc`).
#[derive(Clone, Debug)]
pub struct Schema {
    inner: SchemaRef,
}

impl Schema {
    /// The empty schema (zero fields, SCH-GRAM-2).
    pub fn empty() -> Self {
        Schema { inner: Arc::new(arrow::datatypes::Schema::empty()) }
    }

    /// Builds a schema from Arrow fields, checking that names are unique and
    /// non-empty (SCH-NAME-5, SCH-NAME-7; `ERR-SCHEMA`). Types are taken as
    /// given; use [`Schema::from_arrow`] to normalise and validate types.
    pub fn from_fields_unchecked_types(fields: impl IntoIterator<Item = FieldRef>) -> Result<Self> {
        let fields: Vec<FieldRef> = fields.into_iter().collect();
        let mut seen = std::collections::HashSet::new();
        for f in &fields {
            if f.name().is_empty() {
                return Err(Error::schema("empty column name"));
            }
            if !seen.insert(f.name().as_str()) {
                return Err(Error::schema(format!("duplicate column name `{}`", f.name())));
            }
        }
        Ok(Schema { inner: Arc::new(arrow::datatypes::Schema::new(Fields::from(fields))) })
    }

    /// The Arrow schema (normalised types, every field nullable).
    pub fn arrow(&self) -> &SchemaRef {
        &self.inner
    }

    /// The Arrow fields in order.
    pub fn fields(&self) -> &Fields {
        self.inner.fields()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.inner.fields().len()
    }

    /// True when the schema has no field.
    pub fn is_empty(&self) -> bool {
        self.inner.fields().is_empty()
    }

    /// Field names in order (SCH-OP-1).
    pub fn names(&self) -> Vec<&str> {
        self.inner.fields().iter().map(|f| f.name().as_str()).collect()
    }

    /// Position of `name`; a missing name is `ERR-NOT-FOUND` (SCH-OP-1).
    pub fn index_of(&self, name: &str) -> Result<usize> {
        self.inner
            .fields()
            .iter()
            .position(|f| f.name() == name)
            .ok_or_else(|| Error::not_found("column", name, self.names()))
    }

    /// The field called `name`, if any.
    pub fn field(&self, name: &str) -> Option<&FieldRef> {
        self.inner.fields().iter().find(|f| f.name() == name)
    }

    /// The type of column `name`, if any.
    pub fn data_type(&self, name: &str) -> Option<&DataType> {
        self.field(name).map(|f| f.data_type())
    }

    /// True when a field called `name` exists.
    pub fn contains(&self, name: &str) -> bool {
        self.field(name).is_some()
    }
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn f<T: Send + Sync>() {}
    f::<Schema>();
    let _ = Field::new("a", DataType::Int32, true);
}
