//! Typed parameters of engine operations and the engine-neutral validation
//! every engine shares, so all engines accept and reject the same inputs.

use std::fmt;
use std::str::FromStr;

use indexmap::IndexMap;

use crate::error::{Error, Result};
use crate::schema::{Schema, types_equal};
use crate::value::Value;

/// Join types (ENG-JOIN-1), named as Fugue and Spark name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinType {
    /// `inner`.
    Inner,
    /// `left_outer`.
    LeftOuter,
    /// `right_outer`.
    RightOuter,
    /// `full_outer`.
    FullOuter,
    /// `semi` / `left_semi`: left rows with a match, left columns only.
    Semi,
    /// `anti` / `left_anti`: left rows without a match, left columns only.
    Anti,
    /// `cross`: every pair of rows.
    Cross,
}

impl JoinType {
    /// The canonical name (`left_outer`, `semi`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            JoinType::Inner => "inner",
            JoinType::LeftOuter => "left_outer",
            JoinType::RightOuter => "right_outer",
            JoinType::FullOuter => "full_outer",
            JoinType::Semi => "semi",
            JoinType::Anti => "anti",
            JoinType::Cross => "cross",
        }
    }
}

impl fmt::Display for JoinType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JoinType {
    type Err = Error;

    /// Parses `how` case-insensitively (ENG-JOIN-1): `semi`, `left_semi`,
    /// `anti`, `left_anti`, `inner`, `left_outer`, `right_outer`,
    /// `full_outer`, `cross`.
    ///
    /// # Errors
    /// `ERR-ARG` for anything else (`outer`, `left`, `left outer`, ...).
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "inner" => JoinType::Inner,
            "left_outer" => JoinType::LeftOuter,
            "right_outer" => JoinType::RightOuter,
            "full_outer" => JoinType::FullOuter,
            "semi" | "left_semi" => JoinType::Semi,
            "anti" | "left_anti" => JoinType::Anti,
            "cross" => JoinType::Cross,
            _ => {
                return Err(Error::arg(
                    s,
                    "unknown join type; expected one of inner, left_outer, right_outer, \
                     full_outer, semi, left_semi, anti, left_anti, cross",
                ));
            }
        })
    }
}

/// The resolved shape of a join: keys and output schema (ENG-JOIN-2..5, 10).
#[derive(Debug, Clone, PartialEq)]
pub struct JoinPlan {
    /// The join type.
    pub how: JoinType,
    /// Key columns, in df1's column order (empty for cross joins).
    pub keys: Vec<String>,
    /// The output schema: df1's columns, then df2's non-key columns
    /// (df1's schema alone for semi/anti), ENG-JOIN-4.
    pub output_schema: Schema,
}

fn is_integer(dt: &arrow::datatypes::DataType) -> bool {
    dt.is_integer()
}

/// Resolves the keys and output schema of `join(df1, df2, how, on)`.
///
/// - `on` empty: keys are the columns present in both, in df1's order
///   (ENG-JOIN-2); none → `ERR-SCHEMA`.
/// - `on` given: no duplicates (`ERR-ARG`), each in both frames, and equal to
///   the full set of common columns (`ERR-SCHEMA`, ENG-JOIN-3).
/// - cross: no common column and no `on` (`ERR-SCHEMA`, ENG-JOIN-5).
/// - key types must be equal or both integers (ENG-JOIN-10; `ERR-SCHEMA`).
///
/// # Errors
/// As listed above.
pub fn plan_join(df1: &Schema, df2: &Schema, how: JoinType, on: &[&str]) -> Result<JoinPlan> {
    let common: Vec<&str> = df1.names().into_iter().filter(|n| df2.contains(n)).collect();
    if how == JoinType::Cross {
        if !on.is_empty() {
            return Err(Error::schema(format!(
                "a cross join takes no keys, got `{}`",
                on.join(",")
            )));
        }
        if !common.is_empty() {
            return Err(Error::schema(format!(
                "a cross join needs frames without common columns; both have `{}`",
                common.join(",")
            )));
        }
        return Ok(JoinPlan { how, keys: vec![], output_schema: df1.concat(df2)? });
    }
    let keys: Vec<String> = if on.is_empty() {
        if common.is_empty() {
            return Err(Error::schema(format!(
                "no common column to join `{df1}` with `{df2}`; name the keys or rename columns"
            )));
        }
        common.iter().map(|s| s.to_string()).collect()
    } else {
        let mut seen = std::collections::HashSet::new();
        for k in on {
            if !seen.insert(*k) {
                return Err(Error::arg("on", format!("join key `{k}` is listed twice")));
            }
            if !df1.contains(k) || !df2.contains(k) {
                return Err(Error::schema(format!(
                    "join key `{k}` must be in both frames (`{df1}` and `{df2}`)"
                )));
            }
        }
        if common.iter().any(|c| !seen.contains(c)) {
            return Err(Error::schema(format!(
                "join keys `{}` must be all common columns `{}`: non-key columns with the same \
                 name in both frames are not allowed; rename them first",
                on.join(","),
                common.join(",")
            )));
        }
        // keys in df1's column order
        common.iter().map(|s| s.to_string()).collect()
    };
    for k in &keys {
        let (t1, t2) = match (df1.data_type(k), df2.data_type(k)) {
            (Some(a), Some(b)) => (a, b),
            _ => return Err(Error::internal(format!("join key `{k}` vanished"))),
        };
        let comparable = types_equal(t1, t2) || (is_integer(t1) && is_integer(t2));
        if !comparable {
            return Err(Error::schema(format!(
                "join key `{k}` has incomparable types `{}` and `{}`",
                crate::schema::data_type_to_expr(t1),
                crate::schema::data_type_to_expr(t2)
            )));
        }
    }
    let output_schema = match how {
        JoinType::Semi | JoinType::Anti => df1.clone(),
        _ => {
            let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            df1.concat(&df2.remove(&key_refs)?)?
        }
    };
    Ok(JoinPlan { how, keys, output_schema })
}

/// Checks that the two inputs of `union` / `subtract` / `intersect` have
/// equal schemas: same names, order and types (ENG-SET-1).
///
/// # Errors
/// `ERR-ARG` when they differ.
pub fn check_set_schemas(op: &str, df1: &Schema, df2: &Schema) -> Result<()> {
    if df1 != df2 {
        return Err(Error::arg(
            op,
            format!("both frames must have the same schema, got `{df1}` and `{df2}`"),
        ));
    }
    Ok(())
}

/// `how` of `dropna` (ENG-DROPNA-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DropnaHow {
    /// Drop rows with at least one null among the considered columns.
    #[default]
    Any,
    /// Drop rows whose considered values are all null.
    All,
}

impl FromStr for DropnaHow {
    type Err = Error;
    /// `any` or `all` (case-insensitive).
    ///
    /// # Errors
    /// `ERR-ARG` for anything else (ENG-DROPNA-3).
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "any" => Ok(DropnaHow::Any),
            "all" => Ok(DropnaHow::All),
            _ => Err(Error::arg(s, "dropna `how` must be `any` or `all`")),
        }
    }
}

/// Resolves the columns `dropna` considers: `subset` or all (ENG-DROPNA-1).
///
/// # Errors
/// `ERR-NOT-FOUND` for a subset column that does not exist.
pub fn dropna_columns(schema: &Schema, subset: Option<&[&str]>) -> Result<Vec<String>> {
    match subset {
        Some(cols) if !cols.is_empty() => cols
            .iter()
            .map(|c| schema.index_of(c).map(|_| c.to_string()))
            .collect::<Result<Vec<_>>>(),
        _ => Ok(schema.names().into_iter().map(str::to_string).collect()),
    }
}

/// The fill value of `fillna` (ENG-FILLNA).
#[derive(Debug, Clone, PartialEq)]
pub enum FillValue {
    /// One value for the `subset` columns, or all columns (ENG-FILLNA-3).
    Scalar(Value),
    /// A value per column; `subset` is ignored (ENG-FILLNA-2).
    PerColumn(IndexMap<String, Value>),
}

/// Resolves `fillna(value, subset)` into (column, fill value) pairs after
/// checking ENG-FILLNA-1..5.
///
/// # Errors
/// `ERR-ARG` for a null or list value, an empty mapping or a mapping with a
/// null (ENG-FILLNA-1/2); `ERR-NOT-FOUND` for unknown columns (ENG-FILLNA-4);
/// `ERR-CAST` when a value does not fit its column (ENG-FILLNA-5).
pub fn fillna_plan(
    schema: &Schema,
    value: &FillValue,
    subset: Option<&[&str]>,
) -> Result<Vec<(String, Value)>> {
    let check_value = |v: &Value| -> Result<()> {
        match v {
            Value::Null => Err(Error::arg("value", "fillna value must not be null")),
            Value::List(_) | Value::Map(_) | Value::Struct(_) => {
                Err(Error::arg("value", "fillna value must be a scalar, not a list or mapping"))
            }
            _ => Ok(()),
        }
    };
    let pairs: Vec<(String, Value)> = match value {
        FillValue::Scalar(v) => {
            check_value(v)?;
            let cols: Vec<String> = match subset {
                Some(cols) if !cols.is_empty() => cols.iter().map(|c| c.to_string()).collect(),
                _ => schema.names().into_iter().map(str::to_string).collect(),
            };
            cols.into_iter().map(|c| (c, v.clone())).collect()
        }
        FillValue::PerColumn(map) => {
            if map.is_empty() {
                return Err(Error::arg("value", "fillna mapping must not be empty"));
            }
            for v in map.values() {
                check_value(v)?;
            }
            map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        }
    };
    for (c, v) in &pairs {
        let dt =
            schema.data_type(c).ok_or_else(|| Error::not_found("column", c, schema.names()))?;
        check_fill_fits(c, v, dt)?;
    }
    Ok(pairs)
}

fn check_fill_fits(column: &str, v: &Value, dt: &arrow::datatypes::DataType) -> Result<()> {
    use arrow::datatypes::DataType as D;
    let numeric_value = matches!(
        v,
        Value::Int8(_)
            | Value::Int16(_)
            | Value::Int32(_)
            | Value::Int64(_)
            | Value::UInt8(_)
            | Value::UInt16(_)
            | Value::UInt32(_)
            | Value::UInt64(_)
            | Value::Float16(_)
            | Value::Float32(_)
            | Value::Float64(_)
    );
    let fractional = match v {
        Value::Float64(f) => f.fract() != 0.0,
        Value::Float32(f) => f.fract() != 0.0,
        _ => false,
    };
    let ok = match dt {
        d if d.is_integer() => numeric_value && !fractional,
        d if d.is_floating() || matches!(d, D::Decimal128(..)) => numeric_value,
        D::Utf8 => matches!(v, Value::Str(_)),
        D::Boolean => matches!(v, Value::Bool(_)),
        D::Date32 => matches!(v, Value::Date(_)),
        D::Timestamp(..) => matches!(v, Value::DateTime(_) | Value::TimestampTz { .. }),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::cast(
            format!("fill value {v:?}"),
            crate::schema::data_type_to_expr(dt),
            format!("it does not fit column `{column}`"),
        ))
    }
}

/// What `sample` draws (ENG-SAMPLE-1..3): exactly one of a count or a fraction.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleSpec {
    /// Number of rows; exclusive with `frac`.
    pub n: Option<usize>,
    /// Fraction of rows (≥ 0; > 1 needs `replace`); exclusive with `n`.
    pub frac: Option<f64>,
    /// Sample with replacement (ENG-SAMPLE-5).
    pub replace: bool,
    /// Seed for reproducible results (ENG-SAMPLE-6); `None` varies per call.
    pub seed: Option<u64>,
}

impl SampleSpec {
    /// Sample `n` rows without replacement and without a seed.
    pub fn n(n: usize) -> Self {
        SampleSpec { n: Some(n), frac: None, replace: false, seed: None }
    }

    /// Sample a fraction of rows without replacement and without a seed.
    pub fn frac(frac: f64) -> Self {
        SampleSpec { n: None, frac: Some(frac), replace: false, seed: None }
    }

    /// With replacement on or off.
    pub fn with_replace(mut self, replace: bool) -> Self {
        self.replace = replace;
        self
    }

    /// With a seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Checks ENG-SAMPLE-1..3 and returns the number of rows a local engine
    /// must return for `count` input rows (ENG-SAMPLE-4).
    ///
    /// # Errors
    /// `ERR-ARG` for neither/both of n and frac, a negative or non-finite
    /// frac, frac > 1 without replacement, n > count without replacement.
    pub fn resolve_size(&self, count: usize) -> Result<usize> {
        match (self.n, self.frac) {
            (Some(_), Some(_)) | (None, None) => {
                Err(Error::arg("sample", "exactly one of `n` and `frac` must be set"))
            }
            (Some(n), None) => {
                if !self.replace && n > count {
                    return Err(Error::arg(
                        "n",
                        format!("cannot sample {n} rows of {count} without replacement"),
                    ));
                }
                Ok(n)
            }
            (None, Some(f)) => {
                if !f.is_finite() || f < 0.0 {
                    return Err(Error::arg("frac", format!("`{f}` must be a number ≥ 0")));
                }
                if f > 1.0 && !self.replace {
                    return Err(Error::arg("frac", format!("`{f}` > 1 needs replace=true")));
                }
                Ok((f * count as f64).round() as usize)
            }
        }
    }
}

/// Where nulls go when `take` sorts (ENG-TAKE-2, ENG-TAKE-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NaPosition {
    /// Nulls before all values, for every sort column.
    First,
    /// Nulls after all values, for every sort column (default).
    #[default]
    Last,
}

impl FromStr for NaPosition {
    type Err = Error;
    /// `first` or `last` (case-insensitive).
    ///
    /// # Errors
    /// `ERR-ARG` for anything else (ENG-TAKE-2).
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "first" => Ok(NaPosition::First),
            "last" => Ok(NaPosition::Last),
            _ => Err(Error::arg(s, "na_position must be `first` or `last`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn s(expr: &str) -> Schema {
        Schema::parse(expr).expect("valid schema")
    }

    #[test]
    fn eng_join_1_how_names() {
        assert_eq!("LEFT_SEMI".parse::<JoinType>().ok(), Some(JoinType::Semi));
        assert_eq!("Cross".parse::<JoinType>().ok(), Some(JoinType::Cross));
        for bad in ["outer", "left", "right", "full", "left outer"] {
            let e = bad.parse::<JoinType>().err().map(|e| e.kind());
            assert_eq!(e, Some(ErrorKind::InvalidArgument), "{bad}");
        }
    }

    #[test]
    fn eng_join_2_4_inferred_keys_in_df1_order() {
        let p = plan_join(&s("b:int,a:str,c:int"), &s("a:str,b:int,d:long"), JoinType::Inner, &[])
            .expect("plan");
        assert_eq!(p.keys, vec!["b", "a"]);
        assert_eq!(p.output_schema.to_string(), "b:int,a:str,c:int,d:long");
        let semi = plan_join(&s("a:int,b:int"), &s("a:long"), JoinType::Semi, &[]).expect("plan");
        assert_eq!(semi.output_schema.to_string(), "a:int,b:int");
    }

    #[test]
    fn eng_join_3_5_10_errors() {
        let k = |r: Result<JoinPlan>| r.err().map(|e| e.kind());
        let (a, b) = (s("a:int,b:int"), s("a:int,b:int,c:int"));
        assert_eq!(k(plan_join(&a, &b, JoinType::Inner, &["a"])), Some(ErrorKind::Schema));
        assert_eq!(
            k(plan_join(&a, &b, JoinType::Inner, &["a", "a"])),
            Some(ErrorKind::InvalidArgument)
        );
        assert_eq!(k(plan_join(&a, &s("c:int"), JoinType::Inner, &[])), Some(ErrorKind::Schema));
        assert_eq!(k(plan_join(&a, &b, JoinType::Cross, &[])), Some(ErrorKind::Schema));
        assert_eq!(
            k(plan_join(&s("a:str"), &s("a:int"), JoinType::Inner, &[])),
            Some(ErrorKind::Schema)
        );
        assert!(plan_join(&s("a:int"), &s("a:long"), JoinType::Inner, &[]).is_ok());
        let cross = plan_join(&s("a:int"), &s("b:str"), JoinType::Cross, &[]).expect("plan");
        assert_eq!(cross.output_schema.to_string(), "a:int,b:str");
    }

    #[test]
    fn eng_set_1_schemas_must_match() {
        assert!(check_set_schemas("union", &s("a:int"), &s("a:int")).is_ok());
        let e = check_set_schemas("union", &s("a:int"), &s("a:long")).err().map(|e| e.kind());
        assert_eq!(e, Some(ErrorKind::InvalidArgument));
    }

    #[test]
    fn eng_fillna_1_2_5_checks() {
        let schema = s("a:int,b:str,c:double");
        let k = |r: Result<Vec<(String, Value)>>| r.err().map(|e| e.kind());
        assert_eq!(
            k(fillna_plan(&schema, &FillValue::Scalar(Value::Null), None)),
            Some(ErrorKind::InvalidArgument)
        );
        assert_eq!(
            k(fillna_plan(&schema, &FillValue::PerColumn(IndexMap::new()), None)),
            Some(ErrorKind::InvalidArgument)
        );
        let zero: IndexMap<String, Value> = [("a".to_string(), Value::Int64(0))].into();
        assert_eq!(
            fillna_plan(&schema, &FillValue::PerColumn(zero), None).map(|p| p.len()).ok(),
            Some(1)
        );
        assert_eq!(
            k(fillna_plan(&schema, &FillValue::Scalar(Value::Float64(1.5)), Some(&["a"]))),
            Some(ErrorKind::Cast)
        );
        assert_eq!(
            k(fillna_plan(&schema, &FillValue::Scalar(Value::Int64(1)), Some(&["x"]))),
            Some(ErrorKind::NotFound)
        );
    }

    #[test]
    fn eng_sample_1_3_sizes() {
        let k = |r: Result<usize>| r.err().map(|e| e.kind());
        let both = SampleSpec { n: Some(1), frac: Some(0.1), replace: false, seed: None };
        assert_eq!(k(both.resolve_size(10)), Some(ErrorKind::InvalidArgument));
        assert_eq!(k(SampleSpec::n(11).resolve_size(10)), Some(ErrorKind::InvalidArgument));
        assert_eq!(SampleSpec::n(11).with_replace(true).resolve_size(10).ok(), Some(11));
        assert_eq!(k(SampleSpec::frac(1.5).resolve_size(10)), Some(ErrorKind::InvalidArgument));
        assert_eq!(SampleSpec::frac(0.8).resolve_size(100).ok(), Some(80));
        assert_eq!(SampleSpec::frac(0.0).resolve_size(100).ok(), Some(0));
    }

    #[test]
    fn eng_take_2_na_position_and_dropna_how() {
        assert_eq!("FIRST".parse::<NaPosition>().ok(), Some(NaPosition::First));
        assert!("middle".parse::<NaPosition>().is_err());
        assert_eq!("ALL".parse::<DropnaHow>().ok(), Some(DropnaHow::All));
        let e = "some".parse::<DropnaHow>().err().map(|e| e.kind());
        assert_eq!(e, Some(ErrorKind::InvalidArgument));
    }
}
