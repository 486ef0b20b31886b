//! `Schema`: an ordered, non-duplicated list of named, typed, nullable fields
//! over an Arrow schema (`spec/SCHEMA_AND_DATAFRAME.md` §1–§3).
//!
//! * Schema expressions (`a:int,b:[str],c:{x:double},m:<str,long>`) are parsed
//!   by [`Schema::parse`] / [`parse_data_type`] (SCH-TYPE, SCH-NAME, SCH-GRAM)
//!   and printed by `Display` / [`data_type_to_expr`] (SCH-PRINT).
//! * Arrow schemas are normalised to the supported type set by
//!   [`Schema::from_arrow`] / [`normalize_data_type`] (SCH-TYPE-7/8/9,
//!   SCH-BUILD).
//! * Operations (`concat`, `remove`, `extract`, `rename`, `alter`, ...) return
//!   new schemas (SCH-OP); equality ignores nullability, metadata and nested
//!   field names of lists and maps (SCH-EQ, [`types_equal`]).
//! * Output-schema hints (`*,c:int`, `*-b`, `*+b:long`) are evaluated by
//!   [`Schema::transform`] (SCH-HINT).
//!
//! ```
//! use fugue_core::Schema;
//! let s: Schema = "a:int, b:string".parse()?;
//! assert_eq!(s.to_string(), "a:int,b:str");
//! assert_eq!(s, "a:int,b:str");
//! assert_eq!(s.transform("*-a+c:long")?, "b:str,c:long");
//! # Ok::<(), fugue_core::Error>(())
//! ```

mod hint;
mod parse;
mod print;
mod types;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Fields, Schema as ArrowSchema, SchemaRef};

use crate::error::{Error, Result};

pub use parse::{parse_data_type, parse_name, split_outside_backticks};
pub use print::{data_type_to_expr, quote_name};
pub use types::{normalize_data_type, types_equal, types_like};

/// An ordered set of uniquely named fields, backed by an Arrow schema.
///
/// Invariants (whatever the constructor): names are non-empty and unique
/// (SCH-NAME-5/7), every top-level and nested field is nullable (SCH-TYPE-9,
/// map keys excepted, as Arrow requires), and types are in the supported set
/// with large/view/dictionary Arrow types normalised (SCH-TYPE-7/8) — except
/// for [`Schema::from_fields_unchecked_types`], which trusts its input types.
/// Cloning is cheap (one `Arc`).
///
/// Operations (SCH-OP) return new schemas; they keep field metadata but not
/// the Arrow schema-level metadata (only [`Schema::from_arrow`] keeps it).
///
/// Equality (`==`) follows SCH-EQ-1; comparing with a string follows SCH-EQ-2.
/// `Debug` prints `Schema(<canonical text>)`.
#[derive(Clone)]
pub struct Schema {
    inner: SchemaRef,
}

/// A value that names a column type: a type expression (`&str`, `String`,
/// SCH-TYPE) or an Arrow [`DataType`] (normalised per SCH-TYPE-8). Used by
/// [`Schema::from_pairs`] (SCH-BUILD-2).
pub trait ToDataType {
    /// The normalised Arrow type.
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` for an invalid type expression, `ERR-SCHEMA` for an
    /// Arrow type outside the supported set.
    fn to_data_type(&self) -> Result<DataType>;
}

impl ToDataType for str {
    fn to_data_type(&self) -> Result<DataType> {
        parse_data_type(self)
    }
}

impl ToDataType for String {
    fn to_data_type(&self) -> Result<DataType> {
        parse_data_type(self)
    }
}

impl ToDataType for DataType {
    fn to_data_type(&self) -> Result<DataType> {
        normalize_data_type(self)
    }
}

impl<T: ToDataType + ?Sized> ToDataType for &T {
    fn to_data_type(&self) -> Result<DataType> {
        (**self).to_data_type()
    }
}

/// Checks names are non-empty and unique (`ERR-SCHEMA`).
fn check_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let mut seen = HashSet::new();
    for name in names {
        if name.is_empty() {
            return Err(Error::schema("empty column name, expected a non-empty name"));
        }
        if !seen.insert(name) {
            return Err(Error::schema(format!("duplicate column name `{name}`")));
        }
    }
    Ok(())
}

/// Checks a list of names has no duplicate (`ERR-SCHEMA`).
fn check_no_repeat(op: &str, names: &[&str]) -> Result<()> {
    let mut seen = HashSet::new();
    for n in names {
        if !seen.insert(*n) {
            return Err(Error::schema(format!("cannot {op} column `{n}` twice")));
        }
    }
    Ok(())
}

impl Default for Schema {
    fn default() -> Self {
        Schema::empty()
    }
}

impl Schema {
    /// The empty schema (zero fields, SCH-GRAM-2).
    pub fn empty() -> Self {
        Schema { inner: Arc::new(ArrowSchema::empty()) }
    }

    /// Wraps fields already known to be valid (unique, normalised).
    fn new_unchecked(fields: Vec<FieldRef>) -> Self {
        Schema { inner: Arc::new(ArrowSchema::new(Fields::from(fields))) }
    }

    /// Parses a schema expression (SCH-TYPE-1..6, SCH-NAME-1..8,
    /// SCH-GRAM-1..3): `name:type` items separated by commas, whitespace
    /// around tokens ignored; an empty or blank text gives the empty schema.
    ///
    /// ```
    /// use fugue_core::Schema;
    /// use fugue_core::arrow::datatypes::DataType;
    /// let s = Schema::parse("a:int, `b c`:[str], d:decimal(10,2)")?;
    /// assert_eq!(s.names(), ["a", "b c", "d"]);
    /// assert_eq!(s.data_type("d"), Some(&DataType::Decimal128(10, 2)));
    /// assert!(Schema::parse("").unwrap().is_empty());
    /// assert!(Schema::parse("a:int,a:str").is_err());
    /// # Ok::<(), fugue_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` for any malformed expression: unknown or
    /// upper-case type names, bad arguments, empty/glued/invalid names,
    /// duplicate names at one level, stray or missing commas, colons and
    /// brackets, unterminated backticks.
    pub fn parse(expr: &str) -> Result<Schema> {
        Ok(Schema::new_unchecked(parse::Parser::new(expr, None).schema()?))
    }

    /// Builds a schema from an Arrow schema (SCH-BUILD-1): types normalised
    /// per SCH-TYPE-8 (see [`normalize_data_type`]), every field made
    /// nullable (SCH-TYPE-9); field and schema metadata are kept.
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty or duplicate name, or a type outside the
    /// supported set (SCH-TYPE-7), naming the column.
    pub fn from_arrow(schema: &ArrowSchema) -> Result<Schema> {
        let fields = Self::normalize_fields(schema.fields().iter().cloned())?;
        Ok(Schema {
            inner: Arc::new(ArrowSchema::new_with_metadata(
                Fields::from(fields),
                schema.metadata.clone(),
            )),
        })
    }

    fn normalize_fields(fields: impl IntoIterator<Item = FieldRef>) -> Result<Vec<FieldRef>> {
        let fields: Vec<FieldRef> = fields.into_iter().collect();
        check_names(fields.iter().map(|f| f.name().as_str()))?;
        fields.iter().map(|f| types::normalize_field(f)).collect()
    }

    /// Builds a schema from Arrow fields, normalising and validating their
    /// types like [`Schema::from_arrow`] (SCH-BUILD-1).
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty or duplicate name (SCH-NAME-5/7) or an
    /// unsupported type (SCH-TYPE-7).
    pub fn from_fields(fields: impl IntoIterator<Item = impl Into<FieldRef>>) -> Result<Schema> {
        Ok(Schema::new_unchecked(Self::normalize_fields(fields.into_iter().map(Into::into))?))
    }

    /// Builds a schema from Arrow fields, checking that names are unique and
    /// non-empty (SCH-NAME-5, SCH-NAME-7; `ERR-SCHEMA`). Types and
    /// nullability are taken as given; use [`Schema::from_fields`] to
    /// normalise and validate types.
    ///
    /// # Errors
    /// `ERR-SCHEMA` for an empty or duplicate name.
    pub fn from_fields_unchecked_types(fields: impl IntoIterator<Item = FieldRef>) -> Result<Self> {
        let fields: Vec<FieldRef> = fields.into_iter().collect();
        check_names(fields.iter().map(|f| f.name().as_str()))?;
        Ok(Schema::new_unchecked(fields))
    }

    /// Builds a schema from ordered `(name, type)` pairs (SCH-BUILD-2). The
    /// name is taken verbatim (no quoting rules); the type is a type
    /// expression (`"[int]"`) or an Arrow [`DataType`] (see [`ToDataType`]).
    ///
    /// ```
    /// use fugue_core::Schema;
    /// use fugue_core::arrow::datatypes::DataType;
    /// let s = Schema::from_pairs([("a", "int"), ("b c", "[str]")])?;
    /// assert_eq!(s.to_string(), "a:int,`b c`:[str]");
    /// let t = Schema::from_pairs([("x", DataType::LargeUtf8)])?;
    /// assert_eq!(t, "x:str");
    /// # Ok::<(), fugue_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` for an invalid type expression; `ERR-SCHEMA` for an
    /// empty or duplicate name or an unsupported Arrow type.
    pub fn from_pairs<I, N, T>(pairs: I) -> Result<Schema>
    where
        I: IntoIterator<Item = (N, T)>,
        N: AsRef<str>,
        T: ToDataType,
    {
        let mut fields = Vec::new();
        for (name, ty) in pairs {
            let name = name.as_ref();
            let dt = ty.to_data_type().map_err(|e| match e {
                Error::Schema(msg) => Error::schema(format!("column `{name}`: {msg}")),
                other => other,
            })?;
            fields.push(Arc::new(Field::new(name, dt, true)));
        }
        check_names(fields.iter().map(|f| f.name().as_str()))?;
        Ok(Schema::new_unchecked(fields))
    }

    /// The Arrow schema (normalised types, every field nullable).
    pub fn arrow(&self) -> &SchemaRef {
        &self.inner
    }

    /// The Arrow fields in order (SCH-OP-1).
    pub fn fields(&self) -> &Fields {
        self.inner.fields()
    }

    /// Number of fields (SCH-OP-1).
    pub fn len(&self) -> usize {
        self.inner.fields().len()
    }

    /// True when the schema has no field.
    pub fn is_empty(&self) -> bool {
        self.inner.fields().is_empty()
    }

    /// Checks the schema has at least one field, for places where a
    /// DataFrame schema is required (SCH-GRAM-2, SCH-HINT-11).
    ///
    /// # Errors
    /// `ERR-SCHEMA` when the schema is empty.
    pub fn assert_not_empty(&self) -> Result<()> {
        if self.is_empty() {
            return Err(Error::schema("the schema is empty, expected at least one column"));
        }
        Ok(())
    }

    /// Field names in order (SCH-OP-1).
    pub fn names(&self) -> Vec<&str> {
        self.inner.fields().iter().map(|f| f.name().as_str()).collect()
    }

    /// Field types in order (SCH-OP-1).
    pub fn types(&self) -> Vec<&DataType> {
        self.inner.fields().iter().map(|f| f.data_type()).collect()
    }

    /// Position of `name` (SCH-OP-1).
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` when no field is called `name`.
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

    /// True when a field called `name` exists (SCH-OP-10, plain name).
    pub fn contains(&self, name: &str) -> bool {
        self.field(name).is_some()
    }

    /// True when every name exists (SCH-OP-10, list); true for an empty list.
    pub fn contains_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.contains(n))
    }

    /// True when every field of `typed` exists in `self` with an equal type
    /// ([`types_equal`]) (SCH-OP-10, `name:type` items and schemas). Order is
    /// not compared.
    pub fn contains_schema(&self, typed: &Schema) -> bool {
        typed.fields().iter().all(|f| self.has_same_type(f))
    }

    fn has_same_type(&self, f: &Field) -> bool {
        self.data_type(f.name()).is_some_and(|t| types_equal(t, f.data_type()))
    }

    /// `self`'s fields followed by `other`'s (SCH-OP-2).
    ///
    /// # Errors
    /// `ERR-SCHEMA` when a name of `other` is already in `self`.
    pub fn concat(&self, other: &Schema) -> Result<Schema> {
        if let Some(f) = other.fields().iter().find(|f| self.contains(f.name())) {
            return Err(Error::schema(format!(
                "cannot add column `{}`: it already exists in `{self}`",
                f.name()
            )));
        }
        Ok(Schema::new_unchecked(self.fields().iter().chain(other.fields()).cloned().collect()))
    }

    fn without(&self, names: &HashSet<&str>) -> Schema {
        Schema::new_unchecked(
            self.fields().iter().filter(|f| !names.contains(f.name().as_str())).cloned().collect(),
        )
    }

    fn missing_err(&self, op: &str, name: &str) -> Error {
        Error::schema(format!("cannot {op} column `{name}`: not in schema `{self}`"))
    }

    fn type_mismatch_err(&self, op: &str, f: &Field) -> Error {
        let actual = self.data_type(f.name()).map(data_type_to_expr).unwrap_or_default();
        Error::schema(format!(
            "cannot {op} `{}:{}`: column `{}` has type `{actual}`",
            quote_name(f.name()),
            data_type_to_expr(f.data_type()),
            f.name()
        ))
    }

    /// `self` without the listed columns; survivors keep their order;
    /// removing every field gives the empty schema (SCH-OP-3).
    ///
    /// # Errors
    /// `ERR-SCHEMA` when a name is absent or listed twice.
    pub fn remove(&self, names: &[&str]) -> Result<Schema> {
        check_no_repeat("remove", names)?;
        if let Some(n) = names.iter().find(|n| !self.contains(n)) {
            return Err(self.missing_err("remove", n));
        }
        Ok(self.without(&names.iter().copied().collect()))
    }

    /// Typed removal (SCH-OP-3): removes every field of `typed`, each of which
    /// MUST exist in `self` with an equal type.
    ///
    /// # Errors
    /// `ERR-SCHEMA` when a name is absent or its type differs.
    pub fn remove_schema(&self, typed: &Schema) -> Result<Schema> {
        for f in typed.fields() {
            if !self.contains(f.name()) {
                return Err(self.missing_err("remove", f.name()));
            }
            if !self.has_same_type(f) {
                return Err(self.type_mismatch_err("remove", f));
            }
        }
        Ok(self.without(&typed.names().into_iter().collect()))
    }

    /// `self` without the listed columns; absent names are ignored
    /// (SCH-OP-4). Survivors keep their order.
    pub fn exclude(&self, names: &[&str]) -> Schema {
        self.without(&names.iter().copied().collect())
    }

    /// Typed exclusion (SCH-OP-4): removes the fields of `typed` present in
    /// `self`; absent names are ignored.
    ///
    /// # Errors
    /// `ERR-SCHEMA` when a name exists in `self` with another type.
    pub fn exclude_schema(&self, typed: &Schema) -> Result<Schema> {
        if let Some(f) =
            typed.fields().iter().find(|f| self.contains(f.name()) && !self.has_same_type(f))
        {
            return Err(self.type_mismatch_err("exclude", f));
        }
        Ok(self.without(&typed.names().into_iter().collect()))
    }

    /// The listed columns, in the **argument's** order (SCH-OP-5);
    /// `extract(&[])` is the empty schema.
    ///
    /// # Errors
    /// `ERR-SCHEMA` when a name is absent or listed twice.
    pub fn extract(&self, names: &[&str]) -> Result<Schema> {
        check_no_repeat("extract", names)?;
        let fields = names
            .iter()
            .map(|n| self.field(n).cloned().ok_or_else(|| self.missing_err("extract", n)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Schema::new_unchecked(fields))
    }

    /// Typed extraction (SCH-OP-5): the fields of `typed`, in `typed`'s
    /// order, taken from `self` (which MUST have them with equal types).
    ///
    /// # Errors
    /// `ERR-SCHEMA` when a name is absent or its type differs.
    pub fn extract_schema(&self, typed: &Schema) -> Result<Schema> {
        if let Some(f) =
            typed.fields().iter().find(|f| self.contains(f.name()) && !self.has_same_type(f))
        {
            return Err(self.type_mismatch_err("extract", f));
        }
        self.extract(&typed.names())
    }

    /// The fields of `self` whose name is listed, in **self's** order; absent
    /// names are ignored (SCH-OP-6).
    pub fn intersect(&self, names: &[&str]) -> Schema {
        let keep: HashSet<&str> = names.iter().copied().collect();
        Schema::new_unchecked(
            self.fields().iter().filter(|f| keep.contains(f.name().as_str())).cloned().collect(),
        )
    }

    /// The fields of `self` that are in `typed` with an equal type, in
    /// self's order (SCH-OP-6, typed).
    pub fn intersect_schema(&self, typed: &Schema) -> Schema {
        Schema::new_unchecked(
            self.fields().iter().filter(|f| typed.has_same_type(f)).cloned().collect(),
        )
    }

    /// `self` followed by the fields of `other` whose names are not in `self`;
    /// for shared names `self`'s field wins, types are not compared (SCH-OP-7).
    pub fn union(&self, other: &Schema) -> Schema {
        Schema::new_unchecked(
            self.fields()
                .iter()
                .chain(other.fields().iter().filter(|f| !self.contains(f.name())))
                .cloned()
                .collect(),
        )
    }

    /// Renames columns simultaneously (a swap `[("a","b"),("b","a")]` is
    /// fine); types and order are kept; no pair gives an equal schema
    /// (SCH-OP-8).
    ///
    /// # Errors
    /// `ERR-SCHEMA` when an old name is absent or listed twice, a new name is
    /// empty, or the result has duplicate names (`[("a","b")]` while `b`
    /// stays).
    pub fn rename(&self, pairs: &[(&str, &str)]) -> Result<Schema> {
        let mut map: HashMap<&str, &str> = HashMap::new();
        for (old, new) in pairs {
            if !self.contains(old) {
                return Err(self.missing_err("rename", old));
            }
            if map.insert(old, new).is_some() {
                return Err(Error::schema(format!("cannot rename column `{old}` twice")));
            }
        }
        let fields: Vec<FieldRef> = self
            .fields()
            .iter()
            .map(|f| match map.get(f.name().as_str()) {
                Some(new) => Arc::new(f.as_ref().clone().with_name(*new)),
                None => f.clone(),
            })
            .collect();
        let mut seen = HashSet::new();
        for f in &fields {
            if f.name().is_empty() {
                return Err(Error::schema("cannot rename a column to an empty name"));
            }
            if !seen.insert(f.name().as_str()) {
                return Err(Error::schema(format!(
                    "cannot rename: column `{}` would appear twice in the result",
                    f.name()
                )));
            }
        }
        Ok(Schema::new_unchecked(fields))
    }

    /// Changes the types of the fields named in `subschema`, keeping `self`'s
    /// order and every other field (SCH-OP-9).
    ///
    /// # Errors
    /// `ERR-ARG` when a name of `subschema` is not in `self`.
    pub fn alter(&self, subschema: &Schema) -> Result<Schema> {
        if let Some(f) = subschema.fields().iter().find(|f| !self.contains(f.name())) {
            return Err(Error::arg(
                f.name().as_str(),
                format!("cannot alter column `{}`: not in schema `{self}`", f.name()),
            ));
        }
        Ok(Schema::new_unchecked(
            self.fields()
                .iter()
                .map(|f| match subschema.data_type(f.name()) {
                    Some(t) => Arc::new(f.as_ref().clone().with_data_type(t.clone())),
                    None => f.clone(),
                })
                .collect(),
        ))
    }

    /// Like `==` (SCH-EQ-1) but two types also count as equal, at any nesting
    /// level, when both satisfy one predicate of `equal_groups` (SCH-EQ-4;
    /// see [`types_like`]).
    pub fn is_like(&self, other: &Schema, equal_groups: &[fn(&DataType) -> bool]) -> bool {
        self.len() == other.len()
            && self.fields().iter().zip(other.fields().iter()).all(|(a, b)| {
                a.name() == b.name() && types_like(a.data_type(), b.data_type(), equal_groups)
            })
    }
}

/// SCH-EQ-1: same length, same names in the same order, equal types per
/// [`types_equal`] (nullability, metadata, list item and map entry field
/// names ignored).
impl PartialEq for Schema {
    fn eq(&self, other: &Schema) -> bool {
        self.is_like(other, &[])
    }
}

impl Eq for Schema {}

/// SCH-EQ-2: true when `other` is the canonical text of `self`, or parses to
/// an equal schema; an unparsable string is unequal (never an error).
impl PartialEq<str> for Schema {
    fn eq(&self, other: &str) -> bool {
        self.to_string().as_str() == other || Schema::parse(other).is_ok_and(|s| s == *self)
    }
}

/// SCH-EQ-2, see `PartialEq<str>`.
impl PartialEq<&str> for Schema {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

/// SCH-EQ-2, see `PartialEq<str>`.
impl PartialEq<String> for Schema {
    fn eq(&self, other: &String) -> bool {
        *self == **other
    }
}

/// SCH-EQ-2, see `PartialEq<str>`.
impl PartialEq<Schema> for &str {
    fn eq(&self, other: &Schema) -> bool {
        *other == **self
    }
}

/// Parses a schema expression, see [`Schema::parse`].
impl FromStr for Schema {
    type Err = Error;
    fn from_str(s: &str) -> Result<Schema> {
        Schema::parse(s)
    }
}

/// Parses a schema expression, see [`Schema::parse`].
impl TryFrom<&str> for Schema {
    type Error = Error;
    fn try_from(s: &str) -> Result<Schema> {
        Schema::parse(s)
    }
}

/// Normalises an Arrow schema, see [`Schema::from_arrow`].
impl TryFrom<&ArrowSchema> for Schema {
    type Error = Error;
    fn try_from(s: &ArrowSchema) -> Result<Schema> {
        Schema::from_arrow(s)
    }
}

/// Normalises an Arrow schema, see [`Schema::from_arrow`].
impl TryFrom<SchemaRef> for Schema {
    type Error = Error;
    fn try_from(s: SchemaRef) -> Result<Schema> {
        Schema::from_arrow(&s)
    }
}

/// The backing Arrow schema.
impl From<Schema> for SchemaRef {
    fn from(s: Schema) -> SchemaRef {
        s.inner
    }
}

/// The backing Arrow schema (an `Arc` clone).
impl From<&Schema> for SchemaRef {
    fn from(s: &Schema) -> SchemaRef {
        s.inner.clone()
    }
}
