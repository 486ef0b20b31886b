//! Validation rules of extensions (WF-VAL-1..8): compile-time rules on the
//! partition spec and run-time rules on each input schema.
//!
//! The value text of `input_has` / `input_is` holds names and types, parsed
//! with the schema grammar (SCH-GRAM, SCH-NAME).

use arrow::datatypes::DataType;

use super::PartitionSpec;
use super::presort::{format_presort, parse_presort};
use crate::error::{Error, Result};
use crate::schema::{Schema, data_type_to_expr, parse_name, split_outside_backticks};

/// One validation rule of an extension (WF-VAL-1..6).
///
/// Compile-time rules ([`validate_partition`](Self::validate_partition),
/// `ERR-WF-COMPILE-VALIDATION`) check the pre-partition of the node;
/// run-time rules ([`validate_input`](Self::validate_input),
/// `ERR-WF-RUNTIME-VALIDATION`) check every input frame's schema.
///
/// ```
/// use fugue_core::ErrorKind;
/// use fugue_core::partition::{PartitionSpec, ValidationRule};
///
/// let rule = ValidationRule::parse("partitionby_has", "a, b")?;
/// let spec = PartitionSpec::by(["b", "a", "c"])?;
/// rule.validate_partition(&spec)?;
/// let err = rule.validate_partition(&PartitionSpec::by(["a"])?).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::CompileValidation);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub enum ValidationRule {
    /// `partitionby_has` (WF-VAL-1): every listed name is a partition key.
    PartitionByHas(Vec<String>),
    /// `partitionby_is` (WF-VAL-2): the keys are exactly the listed names, in
    /// any order.
    PartitionByIs(Vec<String>),
    /// `presort_has` (WF-VAL-3): each `(name, ascending)` is in the presort
    /// with the same direction.
    PresortHas(Vec<(String, bool)>),
    /// `presort_is` (WF-VAL-4): the presort is exactly this list, in order.
    PresortIs(Vec<(String, bool)>),
    /// `input_has` (WF-VAL-5): every name is a column of the input; a typed
    /// item also needs the same type.
    InputHas(Vec<(String, Option<DataType>)>),
    /// `input_is` (WF-VAL-6): the input schema equals this one (names, order
    /// and types).
    InputIs(Schema),
}

impl PartialEq for ValidationRule {
    fn eq(&self, other: &Self) -> bool {
        use ValidationRule::*;
        match (self, other) {
            (PartitionByHas(a), PartitionByHas(b)) | (PartitionByIs(a), PartitionByIs(b)) => a == b,
            (PresortHas(a), PresortHas(b)) | (PresortIs(a), PresortIs(b)) => a == b,
            (InputHas(a), InputHas(b)) => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|((n1, t1), (n2, t2))| {
                        n1 == n2
                            && match (t1, t2) {
                                (None, None) => true,
                                (Some(x), Some(y)) => data_type_to_expr(x) == data_type_to_expr(y),
                                _ => false,
                            }
                    })
            }
            (InputIs(a), InputIs(b)) => same_text(a, b),
            _ => false,
        }
    }
}

impl ValidationRule {
    /// Parses a rule from its name and text value (WF-VAL-1..8).
    ///
    /// | name | value |
    /// |---|---|
    /// | `partitionby_has`, `partitionby_is` | comma-separated key names, items trimmed |
    /// | `presort_has`, `presort_is` | a presort expression ([`parse_presort`](super::parse_presort)) |
    /// | `input_has` (alias `schema_has`, WF-VAL-8) | comma-separated `name` or `name:type` items |
    /// | `input_is` (alias `schema_is`) | a schema expression, e.g. `a:int,b:str` |
    ///
    /// Rule names are matched after trimming, in any letter case. Names in
    /// `input_*` values may be backtick-quoted (SCH-NAME-3); spaces around
    /// tokens are ignored (Py removes every space, which would also change
    /// names with inner spaces).
    ///
    /// # Errors
    /// * `ERR-SCHEMA-SYNTAX`: an empty value, an empty item, a name listed
    ///   twice, an invalid presort, an invalid type or schema expression
    ///   (WF-VAL-7).
    /// * `ERR-NOT-SUPPORTED`: an unknown rule name (WF-VAL-7).
    pub fn parse(name: &str, value: &str) -> Result<Self> {
        let rule = name.trim().to_ascii_lowercase();
        let known = [
            "partitionby_has",
            "partitionby_is",
            "presort_has",
            "presort_is",
            "input_has",
            "input_is",
            "schema_has",
            "schema_is",
        ];
        if !known.contains(&rule.as_str()) {
            return Err(Error::not_supported(format!(
                "validation rule `{name}`; expected one of {}",
                known.join(", ")
            )));
        }
        if value.trim().is_empty() {
            return Err(Error::syntax(value, format!("empty value of validation rule `{rule}`")));
        }
        Ok(match rule.as_str() {
            "partitionby_has" => ValidationRule::PartitionByHas(parse_names(value)?),
            "partitionby_is" => ValidationRule::PartitionByIs(parse_names(value)?),
            "presort_has" => ValidationRule::PresortHas(parse_presort(value)?),
            "presort_is" => ValidationRule::PresortIs(parse_presort(value)?),
            "input_has" | "schema_has" => {
                ValidationRule::InputHas(parse_fields(value, value, false)?)
            }
            _ => ValidationRule::InputIs(
                Schema::parse(value).map_err(|e| Error::syntax(value, e.to_string()))?,
            ),
        })
    }

    /// The rule name as written in Python (`partitionby_has`, ..., `input_is`).
    pub fn name(&self) -> &'static str {
        match self {
            ValidationRule::PartitionByHas(_) => "partitionby_has",
            ValidationRule::PartitionByIs(_) => "partitionby_is",
            ValidationRule::PresortHas(_) => "presort_has",
            ValidationRule::PresortIs(_) => "presort_is",
            ValidationRule::InputHas(_) => "input_has",
            ValidationRule::InputIs(_) => "input_is",
        }
    }

    /// True for the partition and presort rules (checked at compile time).
    pub fn is_compile_time(&self) -> bool {
        !matches!(self, ValidationRule::InputHas(_) | ValidationRule::InputIs(_))
    }

    /// Checks a compile-time rule against the node's pre-partition (WF-VAL-1..4,
    /// WF-VAL-9). Run-time rules always pass here.
    ///
    /// # Errors
    /// `ERR-WF-COMPILE-VALIDATION` ([`Error::Validation`] with
    /// `compile_time: true`) when the rule is not met.
    pub fn validate_partition(&self, spec: &PartitionSpec) -> Result<()> {
        let keys = spec.partition_by();
        let fail = |reason: String| Error::Validation {
            rule: self.name().to_string(),
            reason,
            compile_time: true,
        };
        let missing_key = |names: &[String]| -> Result<()> {
            match names.iter().find(|n| !keys.contains(n)) {
                Some(n) => Err(fail(format!(
                    "`{n}` is not a partition key; partition keys: [{}]",
                    keys.join(", ")
                ))),
                None => Ok(()),
            }
        };
        match self {
            ValidationRule::PartitionByHas(names) => missing_key(names),
            ValidationRule::PartitionByIs(names) => {
                missing_key(names)?;
                if names.len() != keys.len() {
                    return Err(fail(format!(
                        "expected partition keys [{}], got [{}]",
                        names.join(", "),
                        keys.join(", ")
                    )));
                }
                Ok(())
            }
            ValidationRule::PresortHas(items) => {
                for (name, asc) in items {
                    if !spec.presort().iter().any(|(n, a)| n == name && a == asc) {
                        return Err(fail(format!(
                            "`{}` is not in the presort `{}`",
                            format_presort(&[(name.clone(), *asc)]),
                            spec.presort_expr()
                        )));
                    }
                }
                Ok(())
            }
            ValidationRule::PresortIs(items) => {
                if spec.presort() != items.as_slice() {
                    return Err(fail(format!(
                        "expected presort `{}`, got `{}`",
                        format_presort(items),
                        spec.presort_expr()
                    )));
                }
                Ok(())
            }
            ValidationRule::InputHas(_) | ValidationRule::InputIs(_) => Ok(()),
        }
    }

    /// Checks a run-time rule against an input schema (WF-VAL-5, WF-VAL-6);
    /// compile-time rules always pass here. Types compare as in schema
    /// equality: nullability, metadata and list item names are ignored, and
    /// tz-less timestamps of any unit equal `datetime` (SCH-TYPE-4, SCH-TYPE-9).
    ///
    /// # Errors
    /// `ERR-WF-RUNTIME-VALIDATION` ([`Error::Validation`] with
    /// `compile_time: false`) when the rule is not met.
    pub fn validate_input(&self, schema: &Schema) -> Result<()> {
        let fail = |reason: String| Error::Validation {
            rule: self.name().to_string(),
            reason,
            compile_time: false,
        };
        match self {
            ValidationRule::InputHas(items) => {
                for (name, ty) in items {
                    let actual = schema.data_type(name).ok_or_else(|| {
                        fail(format!(
                            "column `{name}` is not in the input; columns: [{}]",
                            schema.names().join(", ")
                        ))
                    })?;
                    if let Some(ty) = ty
                        && data_type_to_expr(ty) != data_type_to_expr(actual)
                    {
                        return Err(fail(format!(
                            "column `{name}` has type `{}`, expected `{}`",
                            data_type_to_expr(actual),
                            data_type_to_expr(ty)
                        )));
                    }
                }
                Ok(())
            }
            ValidationRule::InputIs(expected) => {
                // WF-VAL-6 compares canonical text (a tz-less timestamp of any unit is `datetime`, SCH-TYPE-4)
                if !same_text(expected, schema) {
                    return Err(fail(format!(
                        "expected input schema `{}`, got `{}`",
                        expected, schema
                    )));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// WF-VAL-1: fails with `ERR-WF-COMPILE-VALIDATION` unless every name in
/// `keys` is a partition key of `spec`.
///
/// # Errors
/// `ERR-WF-COMPILE-VALIDATION` when a name is not a key.
pub fn partitionby_has(spec: &PartitionSpec, keys: &[&str]) -> Result<()> {
    ValidationRule::PartitionByHas(to_strings(keys)).validate_partition(spec)
}

/// WF-VAL-2: fails unless the keys of `spec` are exactly `keys` (any order).
///
/// # Errors
/// `ERR-WF-COMPILE-VALIDATION` when they differ.
pub fn partitionby_is(spec: &PartitionSpec, keys: &[&str]) -> Result<()> {
    ValidationRule::PartitionByIs(to_strings(keys)).validate_partition(spec)
}

/// WF-VAL-3: fails unless each presort item of `presort` (an expression such
/// as `"b desc, c"`) is in the presort of `spec` with the same direction.
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for an invalid `presort`; `ERR-WF-COMPILE-VALIDATION`
/// when an item is missing.
pub fn presort_has(spec: &PartitionSpec, presort: &str) -> Result<()> {
    ValidationRule::PresortHas(parse_presort(presort)?).validate_partition(spec)
}

/// WF-VAL-4: fails unless the presort of `spec` is exactly `presort`, in order.
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for an invalid `presort`; `ERR-WF-COMPILE-VALIDATION`
/// when they differ.
pub fn presort_is(spec: &PartitionSpec, presort: &str) -> Result<()> {
    ValidationRule::PresortIs(parse_presort(presort)?).validate_partition(spec)
}

/// WF-VAL-5: fails unless `schema` contains every item of `items`
/// (`"a"` or `"a:int"`; see [`ValidationRule::parse`]).
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for an invalid item; `ERR-WF-RUNTIME-VALIDATION` when
/// a column is missing or has another type.
pub fn schema_has(schema: &Schema, items: &[&str]) -> Result<()> {
    let mut parsed = Vec::with_capacity(items.len());
    for item in items {
        parsed.extend(parse_fields(item, item, false)?);
    }
    check_unique(&items.join(","), parsed.iter().map(|(n, _)| n))?;
    ValidationRule::InputHas(parsed).validate_input(schema)
}

/// WF-VAL-6: fails unless `schema` equals the schema expression `expected`.
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for an invalid expression; `ERR-WF-RUNTIME-VALIDATION`
/// when the schemas differ.
pub fn schema_is(schema: &Schema, expected: &str) -> Result<()> {
    ValidationRule::parse("input_is", expected)?.validate_input(schema)
}

fn to_strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn check_unique<'a>(text: &str, names: impl Iterator<Item = &'a String>) -> Result<()> {
    let mut seen: Vec<&String> = Vec::new();
    for n in names {
        if seen.contains(&n) {
            return Err(Error::syntax(text, format!("`{n}` is listed twice")));
        }
        seen.push(n);
    }
    Ok(())
}

fn parse_names(value: &str) -> Result<Vec<String>> {
    let names: Vec<String> = value.split(',').map(|s| s.trim().to_string()).collect();
    if names.iter().any(String::is_empty) {
        return Err(Error::syntax(value, "empty name in the list"));
    }
    check_unique(value, names.iter())?;
    Ok(names)
}

/// Schemas compare by canonical text here (WF-VAL-6): unlike `Schema`'s
/// `PartialEq`, a tz-less timestamp of any unit equals `datetime` (SCH-TYPE-4).
#[allow(clippy::cmp_owned)]
fn same_text(a: &Schema, b: &Schema) -> bool {
    a.to_string() == b.to_string()
}

fn parse_fields(
    text: &str,
    full: &str,
    require_type: bool,
) -> Result<Vec<(String, Option<DataType>)>> {
    let mut out: Vec<(String, Option<DataType>)> = Vec::new();
    for item in split_outside_backticks(text, ',')? {
        let item = item.trim();
        if item.is_empty() {
            return Err(Error::syntax(full, "empty item"));
        }
        let typed = split_outside_backticks(item, ':')?.len() > 1;
        let (name, ty) = if typed {
            // `name:type` is a one-field schema expression (SCH-GRAM).
            let one = Schema::parse(item).map_err(|e| Error::syntax(full, e.to_string()))?;
            match one.fields().first() {
                Some(f) if one.len() == 1 => (f.name().clone(), Some(f.data_type().clone())),
                _ => return Err(Error::syntax(full, format!("invalid item `{item}`"))),
            }
        } else if require_type {
            return Err(Error::syntax(full, format!("missing type of `{item}`")));
        } else {
            (parse_name(item).map_err(|e| Error::syntax(full, e.to_string()))?, None)
        };
        if out.iter().any(|(n, _)| *n == name) {
            return Err(Error::syntax(full, format!("`{name}` is listed twice")));
        }
        out.push((name, ty));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::error::ErrorKind;
    use arrow::datatypes::{Field, Fields, TimeUnit};

    fn schema(cols: &[(&str, DataType)]) -> Schema {
        Schema::from_fields(cols.iter().map(|(n, t)| Arc::new(Field::new(*n, t.clone(), true))))
            .unwrap()
    }

    fn spec(by: &[&str], presort: &str) -> PartitionSpec {
        PartitionSpec::builder().by(by.iter().copied()).presort(presort).build().unwrap()
    }

    fn compile_fails(r: Result<()>) {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::CompileValidation);
    }

    fn runtime_fails(r: Result<()>) {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::RuntimeValidation);
    }

    #[test]
    fn wf_val_1_partitionby_has() {
        let rule = ValidationRule::parse("partitionby_has", " a , b ").unwrap();
        assert_eq!(rule, ValidationRule::PartitionByHas(vec!["a".into(), "b".into()]));
        rule.validate_partition(&spec(&["b", "a", "c"], "")).unwrap();
        compile_fails(rule.validate_partition(&spec(&["a"], "")));
        compile_fails(rule.validate_partition(&PartitionSpec::default()));
        partitionby_has(&spec(&["a"], ""), &["a"]).unwrap();
        compile_fails(partitionby_has(&spec(&["a"], ""), &["b"]));
        // run-time check ignores compile rules
        rule.validate_input(&Schema::empty()).unwrap();
    }

    #[test]
    fn wf_val_2_partitionby_is() {
        let rule = ValidationRule::parse("partitionby_is", "a,b").unwrap();
        rule.validate_partition(&spec(&["b", "a"], "")).unwrap(); // order not checked
        compile_fails(rule.validate_partition(&spec(&["a", "b", "c"], "")));
        compile_fails(rule.validate_partition(&spec(&["a"], "")));
        partitionby_is(&spec(&["b", "a"], ""), &["a", "b"]).unwrap();
        compile_fails(partitionby_is(&spec(&["a", "c"], ""), &["a", "b"]));
    }

    #[test]
    fn wf_val_3_presort_has() {
        let rule = ValidationRule::parse("presort_has", "a, b desc").unwrap();
        assert_eq!(rule, ValidationRule::PresortHas(vec![("a".into(), true), ("b".into(), false)]));
        rule.validate_partition(&spec(&[], "b desc, c, a asc")).unwrap();
        compile_fails(rule.validate_partition(&spec(&[], "a, b")));
        compile_fails(rule.validate_partition(&spec(&[], "a desc, b desc")));
        compile_fails(rule.validate_partition(&spec(&["x"], "b desc")));
        presort_has(&spec(&[], "a,b desc"), "a").unwrap();
        compile_fails(presort_has(&spec(&[], "a desc"), "a"));
    }

    #[test]
    fn wf_val_4_presort_is() {
        let rule = ValidationRule::parse("presort_is", "a, b desc").unwrap();
        rule.validate_partition(&spec(&[], "a asc,b DESC")).unwrap();
        compile_fails(rule.validate_partition(&spec(&[], "b desc, a")));
        compile_fails(rule.validate_partition(&spec(&[], "a, b desc, c")));
        presort_is(&spec(&[], "a"), "a asc").unwrap();
        compile_fails(presort_is(&spec(&[], ""), "a"));
    }

    #[test]
    fn wf_val_5_input_has() {
        let s = schema(&[("a", DataType::Int32), ("b", DataType::Utf8), ("c d", DataType::Int64)]);
        let rule = ValidationRule::parse("input_has", " a , b : str").unwrap();
        assert_eq!(
            rule,
            ValidationRule::InputHas(vec![("a".into(), None), ("b".into(), Some(DataType::Utf8))])
        );
        rule.validate_input(&s).unwrap();
        ValidationRule::parse("input_has", "a:int32,`c d`:long")
            .unwrap()
            .validate_input(&s)
            .unwrap();
        runtime_fails(ValidationRule::parse("input_has", "a:long").unwrap().validate_input(&s));
        runtime_fails(ValidationRule::parse("input_has", "x").unwrap().validate_input(&s));
        // compile-time check ignores run-time rules
        rule.validate_partition(&PartitionSpec::default()).unwrap();
        schema_has(&s, &["a", "b:string"]).unwrap();
        runtime_fails(schema_has(&s, &["a", "z"]));
    }

    #[test]
    fn wf_val_6_input_is() {
        let s = schema(&[
            ("a", DataType::Int32),
            ("b", DataType::LargeUtf8),
            ("t", DataType::Timestamp(TimeUnit::Nanosecond, None)),
            ("l", DataType::List(Arc::new(Field::new("element", DataType::Int64, false)))),
        ]);
        let rule = ValidationRule::parse("input_is", "a:int, b:str, t:datetime, l:[long]").unwrap();
        rule.validate_input(&s).unwrap();
        schema_is(&s, "a:int32,b:string,t:datetime,l:[int64]").unwrap();
        runtime_fails(schema_is(&s, "b:str,a:int,t:datetime,l:[long]"));
        runtime_fails(schema_is(&s, "a:int,b:str,t:datetime"));
        runtime_fails(schema_is(&s, "a:int,b:str,t:datetime,l:[int]"));
    }

    #[test]
    fn wf_val_6_type_grammar() {
        let s = schema(&[
            ("d", DataType::Decimal128(10, 2)),
            ("ts", DataType::Timestamp(TimeUnit::Second, Some(Arc::from("UTC")))),
            (
                "st",
                DataType::Struct(Fields::from(vec![
                    Field::new("x", DataType::Int32, true),
                    Field::new(
                        "y z",
                        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                        true,
                    ),
                ])),
            ),
            (
                "m",
                DataType::Map(
                    Arc::new(Field::new(
                        "entries",
                        DataType::Struct(Fields::from(vec![
                            Field::new("keys", DataType::Utf8, false),
                            Field::new("values", DataType::Int64, true),
                        ])),
                        false,
                    )),
                    false,
                ),
            ),
            ("e", DataType::Struct(Fields::empty())),
        ]);
        schema_is(
            &s,
            "d:decimal( 10 , 2 ),ts:timestamp(s,UTC),st:{x:int,`y z`:[str]},m:<str,long>,e:{}",
        )
        .unwrap();
        runtime_fails(schema_is(
            &s,
            "d:decimal(10),ts:timestamp(s,UTC),st:{x:int,`y z`:[str]},m:<str,long>,e:{}",
        ));
    }

    #[test]
    fn wf_val_7_errors() {
        for (name, value) in [
            ("partitionby_has", ""),
            ("presort_is", "  "),
            ("input_has", ""),
            ("input_is", ""),
            ("partitionby_has", "a,,b"),
            ("partitionby_is", "a,a"),
            ("presort_has", "a up"),
            ("input_has", "a:foo"),
            ("input_has", "a,a:int"),
            ("input_is", "a"),
            ("input_is", "a:int,"),
            ("input_is", "a:int,a:str"),
            ("input_is", "a:[int"),
            ("input_is", "a:[]"),
            ("input_is", "a:[int,str]"),
            ("input_is", "a:<str>"),
            ("input_is", "a:INT"),
            ("input_is", "a:str(5)"),
            ("input_is", "a:decimal"),
            ("input_is", "a:decimal(1,2,3)"),
            ("input_is", "a:timestamp(xs)"),
            ("input_is", ":int"),
            ("input_is", "`a:int"),
            ("input_is", "``:int"),
            ("input_is", "a b c:int:str"),
        ] {
            let err = ValidationRule::parse(name, value).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::SchemaSyntax, "{name}: {value}");
        }
        let err = ValidationRule::parse("foo_has", "a").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotSupported);
    }

    #[test]
    fn wf_val_8_tutorial_aliases() {
        assert_eq!(
            ValidationRule::parse("schema_has", "a").unwrap(),
            ValidationRule::parse("input_has", "a").unwrap()
        );
        let r = ValidationRule::parse("schema_is", "a:int").unwrap();
        assert_eq!(r.name(), "input_is");
        assert!(!r.is_compile_time());
        assert!(ValidationRule::parse("PartitionBy_Has", "a").unwrap().is_compile_time());
    }

    #[test]
    fn deep_types_do_not_overflow() {
        let deep = format!("a:{}int{}", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(
            ValidationRule::parse("input_is", &deep).unwrap_err().kind(),
            ErrorKind::SchemaSyntax
        );
    }

    proptest::proptest! {
        #[test]
        fn prop_rule_parse_never_panics(
            name in "(partitionby_has|partitionby_is|presort_has|presort_is|input_has|input_is|schema_is|x)",
            value in ".{0,40}",
        ) {
            let _ = ValidationRule::parse(&name, &value);
        }

        #[test]
        fn prop_type_grammar_never_panics(value in "[a-z:,`<>\\[\\]{}() 0-9]{0,40}") {
            let _ = ValidationRule::parse("input_is", &value);
            let _ = ValidationRule::parse("input_has", &value);
        }
    }
}
