//! Partitioning: [`PartitionSpec`] (how a DataFrame is split into physical
//! and logical partitions), [`PartitionCursor`] (what a map function is told
//! about its current logical partition) and the extension [`ValidationRule`]s
//! that check a spec or an input schema.
//!
//! Rules: `spec/PARTITION.md` PS-FIELD, PS-CTOR, PS-PRESORT, PS-VAL, PS-NUM,
//! PS-EMPTY, PS-EQ, PS-SORT, PS-KEY, PC-1..12, and `spec/WORKFLOW.md` WF-VAL.
//!
//! ```
//! use fugue_core::partition::{PartitionAlgo, PartitionSpec};
//!
//! let spec = PartitionSpec::builder().num(4).by(["a"]).presort("b desc").algo("even").build()?;
//! assert_eq!(spec.num_partitions(), "4");
//! assert_eq!(spec.algo(), Some(PartitionAlgo::Even));
//! assert_eq!(spec.presort_expr(), "b DESC");
//! assert_eq!(PartitionSpec::parse("per_row")?, PartitionSpec::per_row());
//! # Ok::<(), fugue_core::Error>(())
//! ```

mod cursor;
mod num;
mod presort;
mod validation;

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value as Json};

use crate::error::{Error, Result};
use crate::schema::Schema;

pub use cursor::PartitionCursor;
pub use num::NumPartitionsExpr;
pub use presort::{PresortItem, format_presort, parse_presort, presort_from_list};
pub use validation::{
    ValidationRule, partitionby_has, partitionby_is, presort_has, presort_is, schema_has, schema_is,
};

/// The physical distribution algorithm of a [`PartitionSpec`] (PS-FIELD-4,
/// PA-1..6).
///
/// Parsed case-insensitively (`"EVEN"` → [`PartitionAlgo::Even`]); printed in
/// lower case.
///
/// ```
/// use fugue_core::partition::PartitionAlgo;
///
/// assert_eq!("Hash".parse::<PartitionAlgo>()?, PartitionAlgo::Hash);
/// assert_eq!(PartitionAlgo::Coarse.to_string(), "coarse");
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartitionAlgo {
    /// `default`: the engine's natural group-by / choice (PA-1).
    Default,
    /// `hash`: physical partition from a deterministic hash of the keys (PA-2).
    Hash,
    /// `rand`: random assignment; with keys behaves like `hash` (PA-3).
    Rand,
    /// `even`: balanced physical partitions (PA-4).
    Even,
    /// `coarse`: one map call per physical partition, not per key (PA-5).
    Coarse,
}

impl PartitionAlgo {
    /// Every algorithm, in declaration order.
    pub const ALL: [PartitionAlgo; 5] = [
        PartitionAlgo::Default,
        PartitionAlgo::Hash,
        PartitionAlgo::Rand,
        PartitionAlgo::Even,
        PartitionAlgo::Coarse,
    ];

    /// The lower-case name (`default`, `hash`, `rand`, `even`, `coarse`).
    pub fn as_str(self) -> &'static str {
        match self {
            PartitionAlgo::Default => "default",
            PartitionAlgo::Hash => "hash",
            PartitionAlgo::Rand => "rand",
            PartitionAlgo::Even => "even",
            PartitionAlgo::Coarse => "coarse",
        }
    }
}

impl FromStr for PartitionAlgo {
    type Err = Error;

    /// Parses an algorithm name in any letter case, surrounding whitespace
    /// ignored.
    ///
    /// # Errors
    /// `ERR-ARG` for any other name (PS-FIELD-7), including the empty text.
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        PartitionAlgo::ALL.into_iter().find(|a| a.as_str().eq_ignore_ascii_case(t)).ok_or_else(
            || {
                Error::arg(
                    s,
                    "unknown partition algo; expected one of `default`, `hash`, `rand`, `even`, \
                     `coarse`",
                )
            },
        )
    }
}

impl fmt::Display for PartitionAlgo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for PartitionAlgo {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// How a DataFrame is partitioned: number of physical partitions, partition
/// keys, presort inside each logical partition and the distribution
/// algorithm (PS-FIELD-1..5).
///
/// A spec is immutable and always valid: every constructor checks PS-VAL-1
/// (unique keys), PS-VAL-2 (no presort column is a key) and that the number
/// expression parses (PS-NUM-1). Column existence is checked only when the
/// spec meets a schema ([`get_sorts`](Self::get_sorts),
/// [`get_key_schema`](Self::get_key_schema), PS-VAL-3).
///
/// Equality, hashing and [`identity`](Self::identity) follow the JSON form
/// (PS-EQ-1): `PartitionSpec::num(4) == PartitionSpec::num_expr("4")?`, and
/// an explicit `algo = default` differs from an unset algo.
///
/// Construction:
///
/// | Spec rule | Rust |
/// |---|---|
/// | PS-CTOR-1 | [`PartitionSpec::default()`] |
/// | PS-CTOR-2 | [`PartitionSpec::per_row`], [`PartitionSpec::parse`]`("per_row")` |
/// | PS-CTOR-3 | [`PartitionSpec::parse`]`("a")` (a single key), [`PartitionSpec::by`] |
/// | PS-CTOR-4, 9 | [`PartitionSpec::parse`]`("{...}")`, [`from_json`](Self::from_json), [`from_map`](Self::from_map) |
/// | PS-CTOR-5 | [`PartitionSpec::num`], [`PartitionSpec::num_expr`] |
/// | PS-CTOR-6 | [`PartitionSpec::by`] |
/// | PS-CTOR-7 | [`combine`](Self::combine), [`with_map`](Self::with_map) |
/// | PS-CTOR-8 | [`to_builder`](Self::to_builder) then [`build`](PartitionSpecBuilder::build) |
///
/// ```
/// use fugue_core::partition::PartitionSpec;
///
/// let spec = PartitionSpec::from_json(r#"{"by": "a", "presort": "b , c dESc", "num": 4}"#)?;
/// assert_eq!(spec.partition_by(), ["a"]);
/// assert_eq!(spec.presort_expr(), "b ASC,c DESC");
/// assert_eq!(spec, PartitionSpec::builder().num(4).by(["a"]).presort("b,c desc").build()?);
///
/// // the number of partitions is an expression, evaluated lazily (PS-NUM)
/// let spec = PartitionSpec::num_expr("ROWCOUNT/4 + 3")?;
/// assert_eq!(spec.eval_num_partitions(|| Ok(10), || 2)?, 5);
///
/// // override some fields of an existing spec (PS-CTOR-8)
/// let even = spec.to_builder().algo("even").build()?;
/// assert_eq!(even.num_partitions(), "ROWCOUNT/4 + 3");
/// assert_eq!(even.to_json_string(),
///     r#"{"num_partitions":"ROWCOUNT/4 + 3","algo":"even","partition_by":[],"presort":"","size_limit":0,"row_limit":0}"#);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartitionSpec {
    num_partitions: String,
    partition_by: Vec<String>,
    presort: Vec<(String, bool)>,
    algo: Option<PartitionAlgo>,
    size_limit: u64,
    row_limit: u64,
}

impl Default for PartitionSpec {
    /// The empty spec (PS-CTOR-1, PS-EMPTY-1): `num = "0"`, no keys, no
    /// presort, algo not set, limits 0.
    fn default() -> Self {
        PartitionSpec {
            num_partitions: "0".to_string(),
            partition_by: Vec::new(),
            presort: Vec::new(),
            algo: None,
            size_limit: 0,
            row_limit: 0,
        }
    }
}

impl PartitionSpec {
    /// A builder starting from the empty spec.
    pub fn builder() -> PartitionSpecBuilder {
        PartitionSpecBuilder { spec: Ok(PartitionSpec::default()) }
    }

    /// A builder starting from a copy of this spec, to replace some fields
    /// (PS-CTOR-8; fields not touched, including the presort, are kept).
    pub fn to_builder(&self) -> PartitionSpecBuilder {
        PartitionSpecBuilder { spec: Ok(self.clone()) }
    }

    /// A spec with partition keys only (PS-CTOR-6, PS-FIELD-2), in the given order.
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` when a key appears twice (PS-VAL-1).
    pub fn by<I>(keys: I) -> Result<Self>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        PartitionSpec::builder().by(keys).build()
    }

    /// A spec with a number of partitions only (PS-CTOR-5): `num(4)` stores the
    /// expression `"4"` (PS-FIELD-1). Cannot fail.
    pub fn num(n: impl Into<i64>) -> Self {
        PartitionSpec { num_partitions: n.into().to_string(), ..PartitionSpec::default() }
    }

    /// A spec whose number of partitions is the expression `text`, kept
    /// verbatim (PS-NUM-1, PS-NUM-5), e.g. `"ROWCOUNT/2"`.
    ///
    /// # Errors
    /// `ERR-ARG` when `text` is not a valid expression (PS-NUM-4).
    pub fn num_expr(text: impl Into<String>) -> Result<Self> {
        PartitionSpec::builder().num_expr(text).build()
    }

    /// The `per_row` spec (PS-CTOR-2, PA-6): `algo = even`, `num = "ROWCOUNT"`.
    pub fn per_row() -> Self {
        PartitionSpec {
            num_partitions: "ROWCOUNT".to_string(),
            algo: Some(PartitionAlgo::Even),
            ..PartitionSpec::default()
        }
    }

    /// Builds a spec from a single text (PS-CTOR-2..4):
    /// `per_row` in any letter case → [`per_row`](Self::per_row); text starting
    /// with `{` (after leading whitespace) → a JSON object of fields
    /// ([`from_json`](Self::from_json)); any other text → one partition key
    /// with exactly that name (so `"ROWCOUNT/2"` is a key, not a number).
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` for an empty or whitespace-only text (an empty key
    /// name); the errors of [`from_map`](Self::from_map) for JSON text, and
    /// `ERR-ARG` when that text is not a JSON object.
    pub fn parse(text: &str) -> Result<Self> {
        if text.eq_ignore_ascii_case("per_row") {
            return Ok(PartitionSpec::per_row());
        }
        if text.trim_start().starts_with('{') {
            let json: Json = serde_json::from_str(text)
                .map_err(|e| Error::arg(text, format!("invalid partition spec JSON: {e}")))?;
            return match json {
                Json::Object(map) => PartitionSpec::from_map(&map),
                _ => Err(Error::arg(text, "a partition spec JSON must be an object")),
            };
        }
        if text.trim().is_empty() {
            return Err(Error::syntax(text, "empty partition key name"));
        }
        PartitionSpec::by([text])
    }

    /// Builds a spec from JSON text (PS-CTOR-9), see
    /// [`from_json_value`](Self::from_json_value) for the accepted shapes.
    ///
    /// # Errors
    /// `ERR-ARG` for invalid JSON; otherwise the errors of
    /// [`from_json_value`](Self::from_json_value).
    pub fn from_json(text: &str) -> Result<Self> {
        let json: Json = serde_json::from_str(text)
            .map_err(|e| Error::arg(text, format!("invalid partition spec JSON: {e}")))?;
        PartitionSpec::from_json_value(&json)
    }

    /// Builds a spec from one JSON value, following the single-argument rules
    /// of the Python constructor: `null` → empty (PS-CTOR-1); a string →
    /// [`parse`](Self::parse) (PS-CTOR-2..4); an integer or a float → `num` as
    /// its text (PS-CTOR-5, PS-FIELD-1); an array → `by` (PS-CTOR-6); an object →
    /// [`from_map`](Self::from_map).
    ///
    /// # Errors
    /// `ERR-ARG` for a boolean; otherwise the errors of the chosen rule.
    pub fn from_json_value(value: &Json) -> Result<Self> {
        match value {
            Json::Null => Ok(PartitionSpec::default()),
            Json::String(s) => PartitionSpec::parse(s),
            Json::Number(_) => {
                let mut m = Map::new();
                m.insert("num".to_string(), value.clone());
                PartitionSpec::from_map(&m)
            }
            Json::Array(_) => {
                let mut m = Map::new();
                m.insert("by".to_string(), value.clone());
                PartitionSpec::from_map(&m)
            }
            Json::Object(m) => PartitionSpec::from_map(m),
            Json::Bool(_) => {
                Err(Error::arg(value.to_string(), "a boolean is not a partition spec"))
            }
        }
    }

    /// Builds a spec from a map of fields (PS-CTOR-9): keys `num` /
    /// `num_partitions` (string expression, integer or float), `by` /
    /// `partition_by` (string or array of strings), `presort` (string, or an
    /// array of names and `[name, ascending]` pairs), `algo` (string; `""` =
    /// not set), `size_limit` (non-negative number or size text such as
    /// `"1k"`), `row_limit` (non-negative integer). A `null` value leaves the
    /// field at its default. Unknown keys are ignored (PS-FIELD-6). When both
    /// aliases of a field are given, the later one in map order wins.
    ///
    /// # Errors
    /// * `ERR-ARG`: a `num` that is neither a valid expression nor a number
    ///   (PS-NUM-4); an unknown `algo` (PS-FIELD-7); an invalid limit.
    /// * `ERR-SCHEMA-SYNTAX`: a `by` that is not a string or an array of
    ///   strings (PS-FIELD-2); an invalid presort (PS-PRESORT); duplicate keys
    ///   (PS-VAL-1); a presort column that is a key (PS-VAL-2).
    pub fn from_map(map: &Map<String, Json>) -> Result<Self> {
        PartitionSpec::default().with_map(map)
    }

    /// A copy of this spec with the fields present in `map` replaced (the
    /// keyword part of PS-CTOR-7 / PS-CTOR-8); same keys and rules as
    /// [`from_map`](Self::from_map).
    ///
    /// # Errors
    /// As [`from_map`](Self::from_map), including PS-VAL-2 for the combined
    /// spec.
    pub fn with_map(&self, map: &Map<String, Json>) -> Result<Self> {
        let mut spec = self.clone();
        for (key, value) in map {
            match key.as_str() {
                "num" | "num_partitions" => spec.num_partitions = num_from_json(value)?,
                "by" | "partition_by" => spec.partition_by = by_from_json(value)?,
                "presort" => spec.presort = presort_from_json(value)?,
                "algo" => spec.algo = algo_from_json(value)?,
                "size_limit" => spec.size_limit = size_from_json(value)?,
                "row_limit" => spec.row_limit = row_limit_from_json(value)?,
                _ => {}
            }
        }
        spec.validate()
    }

    /// Merges `later` into a copy of `self` (PS-CTOR-7): every field that
    /// `later` sets (num other than `"0"`, non-empty keys, non-empty presort,
    /// an algo, non-zero limits) overwrites the field of `self`; the others
    /// are kept.
    ///
    /// Py differs: a `PartitionSpec` passed positionally contributes all of
    /// its fields, defaults included; Rust merges only what is set, which is
    /// what layering a hint under an explicit partition needs.
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` when the result has a presort column that is also a
    /// key (PS-VAL-2), e.g. `by a` combined with `presort a`.
    pub fn combine(&self, later: &PartitionSpec) -> Result<Self> {
        let mut spec = self.clone();
        if later.num_partitions != "0" {
            spec.num_partitions.clone_from(&later.num_partitions);
        }
        if !later.partition_by.is_empty() {
            spec.partition_by.clone_from(&later.partition_by);
        }
        if !later.presort.is_empty() {
            spec.presort.clone_from(&later.presort);
        }
        if later.algo.is_some() {
            spec.algo = later.algo;
        }
        if later.size_limit != 0 {
            spec.size_limit = later.size_limit;
        }
        if later.row_limit != 0 {
            spec.row_limit = later.row_limit;
        }
        spec.validate()
    }

    /// Checks PS-VAL-1, PS-VAL-2 and the number expression.
    fn validate(self) -> Result<Self> {
        for (i, k) in self.partition_by.iter().enumerate() {
            if self.partition_by[..i].contains(k) {
                return Err(Error::syntax(
                    format!("{:?}", self.partition_by),
                    format!("partition key `{k}` appears twice"),
                ));
            }
        }
        if let Some((name, _)) = self.presort.iter().find(|(n, _)| self.partition_by.contains(n)) {
            return Err(Error::syntax(
                self.presort_expr(),
                format!("presort column `{name}` is also a partition key"),
            ));
        }
        if self.num_partitions != "0" {
            NumPartitionsExpr::parse(&self.num_partitions)?;
        }
        Ok(self)
    }

    /// The number-of-partitions expression, verbatim (PS-NUM-5): `"0"` when
    /// not set, `"4"` for `num(4)`, `"ROWCOUNT/2"` for an expression.
    pub fn num_partitions(&self) -> &str {
        &self.num_partitions
    }

    /// The partition keys in order (PS-FIELD-2); empty when there are none.
    pub fn partition_by(&self) -> &[String] {
        &self.partition_by
    }

    /// The presort as ordered `(column, ascending)` pairs (PS-FIELD-3).
    pub fn presort(&self) -> &[(String, bool)] {
        &self.presort
    }

    /// The algorithm, `None` when not set (PS-FIELD-4).
    pub fn algo(&self) -> Option<PartitionAlgo> {
        self.algo
    }

    /// The algorithm with an unset value reported as
    /// [`PartitionAlgo::Default`] (PS-FIELD-4).
    pub fn algo_or_default(&self) -> PartitionAlgo {
        self.algo.unwrap_or(PartitionAlgo::Default)
    }

    /// The deprecated size limit in bytes (PS-FIELD-5); 0 = none.
    pub fn size_limit(&self) -> u64 {
        self.size_limit
    }

    /// The deprecated row limit (PS-FIELD-5); 0 = none.
    pub fn row_limit(&self) -> u64 {
        self.row_limit
    }

    /// The normalised presort text (PS-PRESORT-6): `"b ASC,c DESC"`; names
    /// are quoted when needed (SCH-PRINT-2); `""` without presort.
    pub fn presort_expr(&self) -> String {
        format_presort(&self.presort)
    }

    /// True iff nothing is specified (PS-EMPTY-1): num `"0"`, algo not set,
    /// no keys, no presort, both limits 0. `algo = default` set explicitly or
    /// `num = -1` makes a spec non-empty.
    pub fn is_empty(&self) -> bool {
        self.num_partitions == "0"
            && self.algo.is_none()
            && self.partition_by.is_empty()
            && self.presort.is_empty()
            && self.size_limit == 0
            && self.row_limit == 0
    }

    /// The parsed number expression.
    ///
    /// # Errors
    /// None in practice (the text was checked at construction); `ERR-ARG`
    /// otherwise.
    pub fn num_partitions_expr(&self) -> Result<NumPartitionsExpr> {
        NumPartitionsExpr::parse(&self.num_partitions)
    }

    /// Evaluates the number of partitions (PS-NUM-1..3): `row_count` is called
    /// only if the expression mentions `ROWCOUNT`, `concurrency` only if it
    /// mentions `CONCURRENCY`; true division, result truncated toward zero.
    /// See PS-NUM-6 for the meaning of the result (≤ 0: no request).
    ///
    /// # Errors
    /// The error of `row_count` unchanged; `ERR-ARG` for a division by zero or
    /// an out-of-range result.
    pub fn eval_num_partitions(
        &self,
        row_count: impl FnOnce() -> Result<usize>,
        concurrency: impl FnOnce() -> usize,
    ) -> Result<i64> {
        self.num_partitions_expr()?.eval(row_count, concurrency)
    }

    /// The sort columns of a partition (PS-SORT-1..3): with
    /// `with_partition_keys`, every key ascending in `by` order, then the
    /// presort items in order and direction; otherwise the presort items only.
    /// `(column, ascending)` pairs.
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` when a returned column is not in `schema` (PS-SORT-3).
    pub fn get_sorts(
        &self,
        schema: &Schema,
        with_partition_keys: bool,
    ) -> Result<Vec<(String, bool)>> {
        let keys = if with_partition_keys { &self.partition_by[..] } else { &[] };
        let sorts: Vec<(String, bool)> =
            keys.iter().map(|k| (k.clone(), true)).chain(self.presort.iter().cloned()).collect();
        for (name, _) in &sorts {
            if !schema.contains(name) {
                return Err(Error::not_found("column", name.as_str(), schema.names()));
            }
        }
        Ok(sorts)
    }

    /// The schema of the partition keys (PS-KEY-1): the key fields of
    /// `schema` in **`by` order** (by `c,a` over `a,b,c` → `c,a`); the empty
    /// schema when there are no keys.
    ///
    /// # Errors
    /// `ERR-SCHEMA` when a key is not in `schema`.
    pub fn get_key_schema(&self, schema: &Schema) -> Result<Schema> {
        let mut fields = Vec::with_capacity(self.partition_by.len());
        for key in &self.partition_by {
            let field = schema.field(key).ok_or_else(|| {
                Error::schema(format!(
                    "partition key `{key}` is not in the schema; columns: {}",
                    schema.names().join(", ")
                ))
            })?;
            fields.push(field.clone());
        }
        Schema::from_fields_unchecked_types(fields)
    }

    /// The JSON form (PS-CTOR-9, PS-EQ-1), keys in this order:
    /// `num_partitions` (string), `algo` (string as stored, `""` when unset),
    /// `partition_by` (array of strings), `presort` (normalised text,
    /// PS-PRESORT-6), `size_limit`, `row_limit` (integers).
    /// [`from_json_value`](Self::from_json_value) reads it back to an equal spec.
    pub fn to_json(&self) -> Json {
        let mut m = Map::new();
        m.insert("num_partitions".into(), Json::String(self.num_partitions.clone()));
        m.insert("algo".into(), Json::String(self.algo.map(|a| a.as_str()).unwrap_or("").into()));
        m.insert(
            "partition_by".into(),
            Json::Array(self.partition_by.iter().cloned().map(Json::String).collect()),
        );
        m.insert("presort".into(), Json::String(self.presort_expr()));
        m.insert("size_limit".into(), Json::from(self.size_limit));
        m.insert("row_limit".into(), Json::from(self.row_limit));
        Json::Object(m)
    }

    /// The compact text of [`to_json`](Self::to_json) (deterministic).
    pub fn to_json_string(&self) -> String {
        self.to_json().to_string()
    }

    /// A deterministic identity of the spec (PS-EQ-3): 32 lower-case hex
    /// digits of the 128-bit FNV-1a hash of [`to_json_string`](Self::to_json_string).
    /// Equal specs have equal identities, in every process and on every
    /// platform. Not a cryptographic hash.
    pub fn identity(&self) -> String {
        format!("{:032x}", fnv1a_128(self.to_json_string().as_bytes()))
    }
}

impl fmt::Display for PartitionSpec {
    /// The compact JSON form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json_string())
    }
}

impl FromStr for PartitionSpec {
    type Err = Error;

    /// Same as [`PartitionSpec::parse`].
    fn from_str(s: &str) -> Result<Self> {
        PartitionSpec::parse(s)
    }
}

impl serde::Serialize for PartitionSpec {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&self.to_json(), serializer)
    }
}

impl<'de> serde::Deserialize<'de> for PartitionSpec {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let json = <Json as serde::Deserialize>::deserialize(deserializer)?;
        PartitionSpec::from_json_value(&json).map_err(serde::de::Error::custom)
    }
}

/// Builds a [`PartitionSpec`] field by field; the first invalid input is
/// remembered and reported by [`build`](Self::build), so calls chain
/// without `?`. Setting a field twice keeps the last value.
///
/// ```
/// use fugue_core::ErrorKind;
/// use fugue_core::partition::PartitionSpec;
///
/// let spec = PartitionSpec::builder().by(["a", "b"]).presort("c desc").num_expr("ROWCOUNT//2").build()?;
/// assert_eq!(spec.presort(), [("c".to_string(), false)]);
///
/// let err = PartitionSpec::builder().by(["a"]).presort("a").build().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::SchemaSyntax); // PS-VAL-2
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Debug)]
#[must_use]
pub struct PartitionSpecBuilder {
    spec: Result<PartitionSpec>,
}

impl PartitionSpecBuilder {
    fn update(mut self, f: impl FnOnce(&mut PartitionSpec) -> Result<()>) -> Self {
        if let Ok(spec) = &mut self.spec
            && let Err(e) = f(spec)
        {
            self.spec = Err(e);
        }
        self
    }

    /// Sets the number of partitions to `n` (stored as its text, PS-FIELD-1).
    pub fn num(self, n: impl Into<i64>) -> Self {
        let n = n.into();
        self.update(|s| {
            s.num_partitions = n.to_string();
            Ok(())
        })
    }

    /// Sets the number of partitions to an expression, kept verbatim
    /// (PS-NUM-1, PS-NUM-5). An invalid expression makes `build` fail with
    /// `ERR-ARG`.
    pub fn num_expr(self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.update(|s| {
            NumPartitionsExpr::parse(&text)?;
            s.num_partitions = text;
            Ok(())
        })
    }

    /// Sets the partition keys (PS-FIELD-2), replacing earlier ones.
    pub fn by<I>(self, keys: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let keys: Vec<String> = keys.into_iter().map(Into::into).collect();
        self.update(|s| {
            s.partition_by = keys;
            Ok(())
        })
    }

    /// Sets the presort from its text form ([`parse_presort`], PS-PRESORT-1..5).
    pub fn presort(self, text: &str) -> Self {
        self.update(|s| {
            s.presort = parse_presort(text)?;
            Ok(())
        })
    }

    /// Sets the presort from its list form ([`presort_from_list`], PS-PRESORT-4).
    pub fn presort_list<I>(self, items: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<PresortItem>,
    {
        let parsed = presort_from_list(items);
        self.update(|s| {
            s.presort = parsed?;
            Ok(())
        })
    }

    /// Sets the algorithm: a [`PartitionAlgo`] or its name in any case;
    /// `""` unsets it. An unknown name makes `build` fail with `ERR-ARG`
    /// (PS-FIELD-7).
    pub fn algo(self, algo: impl AsRef<str>) -> Self {
        let algo = algo.as_ref();
        self.update(|s| {
            s.algo = if algo.is_empty() { None } else { Some(algo.parse()?) };
            Ok(())
        })
    }

    /// Makes the spec `per_row` (PS-CTOR-2): `algo = even`, `num = "ROWCOUNT"`.
    pub fn per_row(self) -> Self {
        self.update(|s| {
            s.algo = Some(PartitionAlgo::Even);
            s.num_partitions = "ROWCOUNT".to_string();
            Ok(())
        })
    }

    /// Sets the deprecated size limit in bytes (PS-FIELD-5).
    pub fn size_limit(self, bytes: u64) -> Self {
        self.update(|s| {
            s.size_limit = bytes;
            Ok(())
        })
    }

    /// Sets the deprecated size limit from size text (`"1k"` = 1024,
    /// [`parse_size_bytes`]); invalid text makes `build` fail with `ERR-ARG`.
    pub fn size_limit_text(self, text: &str) -> Self {
        self.update(|s| {
            s.size_limit = parse_size_bytes(text)?;
            Ok(())
        })
    }

    /// Sets the deprecated row limit (PS-FIELD-5).
    pub fn row_limit(self, rows: u64) -> Self {
        self.update(|s| {
            s.row_limit = rows;
            Ok(())
        })
    }

    /// Finishes the spec.
    ///
    /// # Errors
    /// The first error of a setter (`ERR-ARG` for a bad number expression,
    /// algo or size; `ERR-SCHEMA-SYNTAX` for a bad presort), then
    /// `ERR-SCHEMA-SYNTAX` for duplicate keys (PS-VAL-1) or a presort column
    /// that is a key (PS-VAL-2).
    pub fn build(self) -> Result<PartitionSpec> {
        self.spec?.validate()
    }
}

/// Parses a size such as `"1k"`, `"1.5 MB"`, `"100"` into bytes (PS-FIELD-5,
/// also used by ENG-ZIP-9). Spaces are ignored and units are
/// case-insensitive: none, `b`, `byte`, `bytes`, `k`/`kb` (1024), `m`/`mb`,
/// `g`/`gb`, `t`/`tb`. Fractions are truncated after scaling.
///
/// ```
/// assert_eq!(fugue_core::partition::parse_size_bytes("1k")?, 1024);
/// # Ok::<(), fugue_core::Error>(())
/// ```
///
/// # Errors
/// `ERR-ARG` for a negative size, a missing number, an unknown unit or a
/// size beyond `u64`.
pub fn parse_size_bytes(text: &str) -> Result<u64> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 =
        num.parse().map_err(|_| Error::arg(text, "invalid size, expected e.g. `1k`"))?;
    if value < 0.0 || !value.is_finite() {
        return Err(Error::arg(text, "a size can't be negative"));
    }
    let scale: f64 = match unit {
        "" | "b" | "byte" | "bytes" => 1.0,
        "k" | "kb" => 1024.0,
        "m" | "mb" => 1024.0 * 1024.0,
        "g" | "gb" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(Error::arg(text, format!("unknown size unit `{unit}`"))),
    };
    let bytes = (value * scale).trunc();
    if bytes >= u64::MAX as f64 {
        return Err(Error::arg(text, "size too large"));
    }
    Ok(bytes as u64)
}

/// 128-bit FNV-1a (offset basis and prime of the FNV specification).
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    bytes.iter().fold(OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(PRIME))
}

fn num_from_json(v: &Json) -> Result<String> {
    match v {
        Json::Null => Ok("0".to_string()),
        Json::String(s) => {
            NumPartitionsExpr::parse(s)?;
            Ok(s.clone())
        }
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(i.to_string())
            } else if let Some(u) = n.as_u64() {
                Ok(u.to_string())
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                // Python's str(float): always a decimal point; never an exponent here
                Ok(if f.fract() == 0.0 { format!("{f:.1}") } else { format!("{f}") })
            }
        }
        other => Err(Error::arg(
            other.to_string(),
            "num_partitions must be an integer, a float or an expression string",
        )),
    }
}

fn by_from_json(v: &Json) -> Result<Vec<String>> {
    match v {
        Json::Null => Ok(Vec::new()),
        Json::String(s) => Ok(vec![s.clone()]),
        Json::Array(items) => items
            .iter()
            .map(|i| match i {
                Json::String(s) => Ok(s.clone()),
                other => Err(Error::syntax(
                    v.to_string(),
                    format!("partition key `{other}` is not a string"),
                )),
            })
            .collect(),
        other => Err(Error::syntax(
            other.to_string(),
            "partition_by must be a string or a list of strings",
        )),
    }
}

fn presort_from_json(v: &Json) -> Result<Vec<(String, bool)>> {
    match v {
        Json::Null => Ok(Vec::new()),
        Json::String(s) => parse_presort(s),
        Json::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                list.push(match item {
                    Json::String(s) => PresortItem::Name(s.clone()),
                    Json::Array(pair) => match pair.as_slice() {
                        [Json::String(n), Json::Bool(asc)] => PresortItem::Pair(n.clone(), *asc),
                        _ => {
                            return Err(Error::syntax(
                                v.to_string(),
                                "a presort pair must be [name, ascending]",
                            ));
                        }
                    },
                    _ => {
                        return Err(Error::syntax(
                            v.to_string(),
                            "a presort item must be a name or a [name, ascending] pair",
                        ));
                    }
                });
            }
            presort_from_list(list)
        }
        other => Err(Error::syntax(other.to_string(), "presort must be a string or a list")),
    }
}

fn algo_from_json(v: &Json) -> Result<Option<PartitionAlgo>> {
    match v {
        Json::Null => Ok(None),
        Json::String(s) if s.is_empty() => Ok(None),
        Json::String(s) => Ok(Some(s.parse()?)),
        other => Err(Error::arg(other.to_string(), "algo must be a string")),
    }
}

fn size_from_json(v: &Json) -> Result<u64> {
    match v {
        Json::Null => Ok(0),
        Json::String(s) => parse_size_bytes(s),
        Json::Number(n) => match (n.as_u64(), n.as_f64()) {
            (Some(u), _) => Ok(u),
            (None, Some(f)) if f >= 0.0 && f < u64::MAX as f64 => Ok(f.trunc() as u64),
            _ => Err(Error::arg(n.to_string(), "size_limit must be a non-negative size")),
        },
        other => Err(Error::arg(other.to_string(), "size_limit must be a number or size text")),
    }
}

fn row_limit_from_json(v: &Json) -> Result<u64> {
    match v {
        Json::Null => Ok(0),
        Json::Number(n) => n
            .as_u64()
            .ok_or_else(|| Error::arg(n.to_string(), "row_limit must be a non-negative integer")),
        Json::String(s) => s
            .trim()
            .parse::<u64>()
            .map_err(|_| Error::arg(s.as_str(), "row_limit must be a non-negative integer")),
        other => Err(Error::arg(other.to_string(), "row_limit must be a non-negative integer")),
    }
}

#[cfg(test)]
mod tests;
