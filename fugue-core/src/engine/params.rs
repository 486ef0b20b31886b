//! Typed parameters of engine operations and the engine-neutral validation
//! every engine shares, so all engines accept and reject the same inputs.

use std::fmt;
use std::str::FromStr;

use arrow::datatypes::DataType;
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
    /// Per key (same order as `keys`), the type both sides are cast to
    /// before matching: [`join_key_type`] of df1's and df2's key types
    /// (ENG-JOIN-10). Engines compare keys in exactly these types; output
    /// key columns still take df1's types (ENG-JOIN-4).
    pub key_types: Vec<DataType>,
    /// The output schema: df1's columns, then df2's non-key columns
    /// (df1's schema alone for semi/anti), ENG-JOIN-4.
    pub output_schema: Schema,
}

/// Bit width of an integer type (0 for anything else).
fn int_width(dt: &DataType) -> u8 {
    use DataType as D;
    match dt {
        D::Int8 | D::UInt8 => 8,
        D::Int16 | D::UInt16 => 16,
        D::Int32 | D::UInt32 => 32,
        D::Int64 | D::UInt64 => 64,
        _ => 0,
    }
}

/// The signed integer type of `bits` bits (8, 16, 32 or 64).
fn signed_of_width(bits: u8) -> DataType {
    match bits {
        8 => DataType::Int8,
        16 => DataType::Int16,
        32 => DataType::Int32,
        _ => DataType::Int64,
    }
}

/// The type two join key columns are compared in: left key of type `left`
/// (df1), right key of type `right` (df2). Keys match **by value**
/// (ENG-JOIN-10); every engine casts both key columns to this type before
/// matching, so all engines match the same pairs.
///
/// | `left` / `right` | compared in |
/// |---|---|
/// | equal types ([`types_equal`]) | `left` |
/// | integers, same signedness | the wider of the two (`int`+`long` → `long`, `uint`+`ubyte` → `uint`) |
/// | signed with unsigned narrower than 64 bits | the smallest signed type holding both (`int`+`uint` → `long`, `byte`+`ushort` → `int`, `short`+`ubyte` → `short`) |
/// | signed with `ulong` | `str`: the integers' decimal text (see below) |
/// | integer or float with a float of another type | `double` |
/// | anything else (`int`+`str`, `bool`+`int`, `date`+`datetime`, decimals of different precision or scale, …) | `ERR-SCHEMA` |
///
/// Integers always compare losslessly: a key `2^53 + 1` never matches
/// `2^53`. A signed type with `ulong` needs 65 bits; the natural type is
/// `decimal(20,0)` (DuckDB, which Python Fugue's DuckDB engine runs on,
/// compares `BIGINT` with `UBIGINT` as `HUGEINT`), but Polars 0.55 cannot
/// hash-join 128-bit keys without its `dtype-u128` feature (it panics), so
/// these keys are compared as their decimal text (DF-CAST-8), which is
/// canonical (no leading zeros, `-` only for negatives): two texts are
/// equal exactly when the integers are, and every engine can hash-join
/// strings.
///
/// Integers with floats compare by value in `double`, as Python Fugue's
/// engines do: the native engine joins with pandas `merge`
/// (`triad`'s `PandasLikeUtils.join`), which accepts int with float keys
/// and matches them by value (`pandas/core/reshape/merge.py`,
/// `_maybe_coerce_merge_keys`, only a warning when a float is not
/// integral), and DuckDB casts `INTEGER = DOUBLE` to `DOUBLE`. Integers
/// above 2^53 are rounded to the nearest `double` there, as in both.
/// pandas `merge` also rejects int with string (object) keys (`ValueError`),
/// which is the `ERR-SCHEMA` row.
///
/// # Errors
/// `ERR-SCHEMA` when the two types cannot be compared (last row).
///
/// ```
/// use fugue_core::arrow::datatypes::DataType as D;
/// use fugue_core::spi::plan::join_key_type;
/// assert_eq!(join_key_type(&D::Int32, &D::Int64).ok(), Some(D::Int64));
/// assert_eq!(join_key_type(&D::Int32, &D::UInt32).ok(), Some(D::Int64));
/// assert_eq!(join_key_type(&D::Int64, &D::UInt64).ok(), Some(D::Utf8));
/// assert_eq!(join_key_type(&D::Int32, &D::Float64).ok(), Some(D::Float64));
/// assert!(join_key_type(&D::Int32, &D::Utf8).is_err());
/// ```
pub fn join_key_type(left: &DataType, right: &DataType) -> Result<DataType> {
    if types_equal(left, right) {
        return Ok(left.clone());
    }
    let (lw, rw) = (int_width(left), int_width(right));
    if left.is_integer() && right.is_integer() {
        let (ls, rs) = (left.is_signed_integer(), right.is_signed_integer());
        if ls == rs {
            return Ok(if lw >= rw { left.clone() } else { right.clone() });
        }
        let (sw, uw) = if ls { (lw, rw) } else { (rw, lw) };
        if uw == 64 {
            return Ok(DataType::Utf8);
        }
        return Ok(signed_of_width(sw.max(uw * 2)));
    }
    let numeric = |t: &DataType| t.is_integer() || t.is_floating();
    if numeric(left) && numeric(right) && (left.is_floating() || right.is_floating()) {
        return Ok(DataType::Float64);
    }
    Err(Error::schema(format!(
        "join keys of types `{}` and `{}` cannot be compared (ENG-JOIN-10)",
        crate::schema::data_type_to_expr(left),
        crate::schema::data_type_to_expr(right)
    )))
}

/// Resolves the keys, key comparison types and output schema of
/// `join(df1, df2, how, on)`, before any engine work.
///
/// - `on` empty: keys are the columns present in both, in df1's order
///   (ENG-JOIN-2); none → `ERR-SCHEMA`.
/// - `on` given: no duplicates (`ERR-ARG`), each in both frames, and equal to
///   the full set of common columns (`ERR-SCHEMA`, ENG-JOIN-3).
/// - cross: no common column and no `on` (`ERR-SCHEMA`, ENG-JOIN-5).
/// - per key, [`JoinPlan::key_types`] holds [`join_key_type`] of df1's and
///   df2's types: keys match by value (integers of any width and
///   signedness losslessly, integers with floats in `double`); types that
///   cannot be compared (`int` with `str`, `bool` with `int`, …) are
///   `ERR-SCHEMA` (ENG-JOIN-10). Engines cast both key columns to that
///   type before matching and apply no typing rule of their own.
/// - output schema (ENG-JOIN-4): df1's columns (key columns keep df1's
///   types) then df2's non-key columns; df1's schema for semi/anti. Where
///   an output key value comes from df2 (unmatched right rows of
///   right/full outer joins, ENG-JOIN-7) it is converted to df1's key type
///   with the DF-CAST rules (`ERR-CAST` when it does not fit, e.g. a
///   `ulong` above `i64::MAX` into a `long` key); matched rows keep df1's
///   value.
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
        return Ok(JoinPlan {
            how,
            keys: vec![],
            key_types: vec![],
            output_schema: df1.concat(df2)?,
        });
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
    let key_types = keys
        .iter()
        .map(|k| match (df1.data_type(k), df2.data_type(k)) {
            (Some(t1), Some(t2)) => join_key_type(t1, t2).map_err(|_| {
                Error::schema(format!(
                    "join key `{k}` has incomparable types `{}` and `{}` (ENG-JOIN-10)",
                    crate::schema::data_type_to_expr(t1),
                    crate::schema::data_type_to_expr(t2)
                ))
            }),
            _ => Err(Error::internal(format!("join key `{k}` vanished"))),
        })
        .collect::<Result<Vec<_>>>()?;
    let output_schema = match how {
        JoinType::Semi | JoinType::Anti => df1.clone(),
        _ => {
            let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            df1.concat(&df2.remove(&key_refs)?)?
        }
    };
    Ok(JoinPlan { how, keys, key_types, output_schema })
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

    /// Checks ENG-SAMPLE-1..3 without the row count: exactly one of `n`
    /// and `frac`, `frac` a finite number ≥ 0 and ≤ 1 without replacement,
    /// `n` at most [`MAX_SAMPLE_ROWS`].
    ///
    /// # Errors
    /// `ERR-ARG` naming the parameter and the reason.
    pub fn check(&self) -> Result<()> {
        match (self.n, self.frac) {
            (Some(_), Some(_)) | (None, None) => {
                Err(Error::arg("sample", "exactly one of `n` and `frac` must be set"))
            }
            (Some(n), None) => {
                if n > MAX_SAMPLE_ROWS {
                    return Err(Error::arg(
                        "n",
                        format!(
                            "cannot sample {n} rows: a sample has at most {MAX_SAMPLE_ROWS} rows"
                        ),
                    ));
                }
                Ok(())
            }
            (None, Some(f)) => {
                if !f.is_finite() || f < 0.0 {
                    return Err(Error::arg("frac", format!("`{f}` must be a number ≥ 0")));
                }
                if f > 1.0 && !self.replace {
                    return Err(Error::arg("frac", format!("`{f}` > 1 needs replace=true")));
                }
                Ok(())
            }
        }
    }

    /// Checks ENG-SAMPLE-1..3 and returns the number of rows a local engine
    /// must return for `count` input rows (ENG-SAMPLE-4).
    ///
    /// # Errors
    /// `ERR-ARG` for neither/both of n and frac, a negative or non-finite
    /// frac, frac > 1 without replacement, n > count without replacement,
    /// or a size above [`MAX_SAMPLE_ROWS`] (`frac × count` with replacement
    /// can be any size).
    pub fn resolve_size(&self, count: usize) -> Result<usize> {
        self.check()?;
        match (self.n, self.frac) {
            (Some(n), _) => {
                if !self.replace && n > count {
                    return Err(Error::arg(
                        "n",
                        format!("cannot sample {n} rows of {count} without replacement"),
                    ));
                }
                Ok(n)
            }
            (None, Some(f)) => {
                let rows = (f * count as f64).round();
                if rows > MAX_SAMPLE_ROWS as f64 {
                    return Err(Error::arg(
                        "frac",
                        format!(
                            "`{f}` × {count} rows is {rows:e} rows; a sample has at most \
                             {MAX_SAMPLE_ROWS} rows"
                        ),
                    ));
                }
                Ok(rows as usize)
            }
            (None, None) => Err(Error::arg("sample", "exactly one of `n` and `frac` must be set")),
        }
    }
}

/// The most rows one sample may have (2^32 − 1, ENG-SAMPLE-4): a sample is
/// materialised, and `frac` with replacement could otherwise ask for more
/// rows than memory or `usize` can hold.
pub const MAX_SAMPLE_ROWS: usize = u32::MAX as usize;

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

    /// The ENG-JOIN-10 table of `join_key_type`, both argument orders.
    #[test]
    fn eng_join_10_key_type_table() {
        use DataType as D;
        let both = |a: &str, b: &str| -> Option<DataType> {
            let (ta, tb) = (crate::schema::parse_data_type(a), crate::schema::parse_data_type(b));
            let (ta, tb) = (ta.expect("type a"), tb.expect("type b"));
            let ab = join_key_type(&ta, &tb).ok();
            let ba = join_key_type(&tb, &ta).ok();
            if a != b {
                assert_eq!(ab, ba, "{a} with {b} depends on the order");
            }
            ab
        };
        let cases: &[(&str, &str, Option<DataType>)] = &[
            // equal types
            ("int", "int", Some(D::Int32)),
            ("str", "str", Some(D::Utf8)),
            ("bool", "bool", Some(D::Boolean)),
            ("date", "date", Some(D::Date32)),
            ("float", "float", Some(D::Float32)),
            ("decimal(10,2)", "decimal(10,2)", Some(D::Decimal128(10, 2))),
            // same signedness: the wider
            ("byte", "long", Some(D::Int64)),
            ("short", "int", Some(D::Int32)),
            ("ubyte", "uint", Some(D::UInt32)),
            ("ushort", "ulong", Some(D::UInt64)),
            // signed with unsigned: the smallest signed type holding both
            ("byte", "ubyte", Some(D::Int16)),
            ("short", "ubyte", Some(D::Int16)),
            ("byte", "ushort", Some(D::Int32)),
            ("int", "uint", Some(D::Int64)),
            ("long", "uint", Some(D::Int64)),
            ("byte", "uint", Some(D::Int64)),
            // signed with ulong: decimal text (lossless, joinable everywhere)
            ("long", "ulong", Some(D::Utf8)),
            ("byte", "ulong", Some(D::Utf8)),
            // floats: by value in double
            ("int", "double", Some(D::Float64)),
            ("long", "float", Some(D::Float64)),
            ("ulong", "double", Some(D::Float64)),
            ("float", "double", Some(D::Float64)),
            // not comparable
            ("int", "str", None),
            ("bool", "int", None),
            ("bool", "double", None),
            ("double", "str", None),
            ("date", "datetime", None),
            ("date", "int", None),
            ("decimal(10,2)", "decimal(12,2)", None),
            ("decimal(10,0)", "long", None),
            ("binary", "str", None),
            ("[int]", "[long]", None),
        ];
        for (a, b, want) in cases {
            assert_eq!(&both(a, b), want, "{a} with {b}");
        }
        let e = join_key_type(&D::Int32, &D::Utf8).err().map(|e| e.kind());
        assert_eq!(e, Some(ErrorKind::Schema));
    }

    #[test]
    fn eng_join_10_plan_carries_key_types() {
        let p =
            plan_join(&s("a:int,b:long,x:str"), &s("b:ulong,a:double,y:int"), JoinType::Inner, &[])
                .expect("plan");
        assert_eq!(p.keys, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(p.key_types, vec![DataType::Float64, DataType::Utf8]);
        // key columns keep df1's types (ENG-JOIN-4)
        assert_eq!(p.output_schema.to_string(), "a:int,b:long,x:str,y:int");
        let p = plan_join(&s("k:uint"), &s("k:int"), JoinType::RightOuter, &[]).expect("plan");
        assert_eq!(p.key_types, vec![DataType::Int64]);
        assert_eq!(p.output_schema.to_string(), "k:uint");
        let cross = plan_join(&s("a:int"), &s("b:str"), JoinType::Cross, &[]).expect("plan");
        assert!(cross.key_types.is_empty());
        for (l, r) in [("k:int", "k:str"), ("k:bool", "k:int"), ("k:date", "k:datetime")] {
            let e = plan_join(&s(l), &s(r), JoinType::Semi, &[]).err().map(|e| e.kind());
            assert_eq!(e, Some(ErrorKind::Schema), "{l} with {r}");
        }
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
        // hostile sizes are argument errors, never a saturated usize::MAX
        let huge = SampleSpec::frac(1e30).with_replace(true);
        assert_eq!(k(huge.resolve_size(3)), Some(ErrorKind::InvalidArgument));
        assert_eq!(huge.check().ok(), Some(()));
        let err = huge.resolve_size(3).unwrap_err().to_string();
        assert!(err.contains("frac") && err.contains("at most"), "{err}");
        let many = SampleSpec::n(usize::MAX).with_replace(true);
        assert_eq!(k(many.resolve_size(3)), Some(ErrorKind::InvalidArgument));
        assert_eq!(many.check().err().map(|e| e.kind()), Some(ErrorKind::InvalidArgument));
        assert_eq!(
            SampleSpec::frac(2.0)
                .with_replace(true)
                .resolve_size(usize::MAX / 2)
                .map_err(|e| e.kind()),
            Err(ErrorKind::InvalidArgument)
        );
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
