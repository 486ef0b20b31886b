//! Format options (ENG-IO-10, ENG-CSV-1, ENG-CSV-4..6) and load columns
//! (ENG-IO-4).

use serde_json::Value as JsonValue;

use crate::error::{Error, Result};
use crate::schema::Schema;

/// The extra keyword arguments of a load or save: format options by name, in
/// the order given (ENG-IO-10).
pub type FormatOptions = indexmap::IndexMap<String, JsonValue>;

/// `ERR-ARG` for an unknown option `key` of `format`, listing the known keys.
fn unknown_option(format: &str, key: &str, known: &[&str]) -> Error {
    let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
    Error::arg(key, format!("unknown {format} option; known options: {known}"))
}

/// The options of csv loads and saves (ENG-CSV-1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CsvOptions {
    /// Option `header`: the first line holds the column names (load), or a
    /// header line is written (save). Default `false` for both (ENG-CSV-1).
    pub header: bool,
    /// Option `infer_schema` (load only, ignored by saves): infer column
    /// types (integers → long, decimals → double, else str) instead of
    /// loading every column as str. Default `false` (ENG-CSV-5).
    pub infer_schema: bool,
    /// Option `delimiter` (alias `sep`): the field separator, one ASCII
    /// character. Default `,`.
    pub delimiter: u8,
    /// Option `quote`: the quote character, one ASCII character. Default `"`.
    pub quote: u8,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { header: false, infer_schema: false, delimiter: b',', quote: b'"' }
    }
}

impl CsvOptions {
    /// The option keys [`CsvOptions::from_options`] accepts.
    pub const KEYS: [&'static str; 5] = ["header", "infer_schema", "delimiter", "sep", "quote"];

    /// Reads csv options from `options` (ENG-IO-10, ENG-CSV-1); keys not
    /// given keep their [`Default`].
    ///
    /// * `header`: `true`, `"True"`, `"true"`, `"0"` or `0` → true (as
    ///   Python Fugue: pandas' "header row 0"); `false`, `null`, `"False"`,
    ///   `"false"` → false;
    /// * `infer_schema`: a bool, `"true"`/`"True"`/`"false"`/`"False"`, or
    ///   `null` (false);
    /// * `delimiter` / `sep`, `quote`: a one-character ASCII string.
    ///
    /// # Errors
    /// * `ERR-NOT-SUPPORTED`: any other `header` value (ENG-CSV-1);
    /// * `ERR-ARG`: a bad `infer_schema`, `delimiter` or `quote` value, or an
    ///   unknown key (the message names the key and the known keys).
    pub fn from_options(options: &FormatOptions) -> Result<CsvOptions> {
        let mut out = CsvOptions::default();
        for (key, value) in options {
            match key.as_str() {
                "header" => out.header = parse_header(value)?,
                "infer_schema" => out.infer_schema = parse_bool(key, value)?,
                "delimiter" | "sep" => out.delimiter = parse_char(key, value)?,
                "quote" => out.quote = parse_char(key, value)?,
                _ => return Err(unknown_option("csv", key, &CsvOptions::KEYS)),
            }
        }
        Ok(out)
    }
}

/// ENG-CSV-1: Python Fugue's `str(header) in ["True", "0"]` / `header is None
/// or str(header) == "False"`, plus lower-case `"true"`/`"false"`.
fn parse_header(value: &JsonValue) -> Result<bool> {
    match value {
        JsonValue::Bool(b) => Ok(*b),
        JsonValue::Null => Ok(false),
        JsonValue::String(s) if matches!(s.as_str(), "True" | "true" | "0") => Ok(true),
        JsonValue::String(s) if matches!(s.as_str(), "False" | "false") => Ok(false),
        JsonValue::Number(n) if n.as_u64() == Some(0) => Ok(true),
        other => Err(Error::not_supported(format!(
            "csv option `header` = `{other}`; use true (or \"True\", \"0\") or false \
             (or \"False\", null)"
        ))),
    }
}

fn parse_bool(key: &str, value: &JsonValue) -> Result<bool> {
    match value {
        JsonValue::Bool(b) => Ok(*b),
        JsonValue::Null => Ok(false),
        JsonValue::String(s) if matches!(s.as_str(), "True" | "true") => Ok(true),
        JsonValue::String(s) if matches!(s.as_str(), "False" | "false") => Ok(false),
        other => Err(Error::arg(key, format!("`{other}` is not a boolean"))),
    }
}

fn parse_char(key: &str, value: &JsonValue) -> Result<u8> {
    match value {
        JsonValue::String(s) => match s.as_bytes() {
            [b] if b.is_ascii() => Ok(*b),
            _ => Err(Error::arg(key, format!("`{s}` is not a single ASCII character"))),
        },
        other => Err(Error::arg(key, format!("`{other}` is not a single ASCII character"))),
    }
}

/// The options of json loads and saves. None are defined yet (ENG-IO-10).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct JsonOptions {}

impl JsonOptions {
    /// Reads json options from `options`.
    ///
    /// # Errors
    /// `ERR-ARG` for any key (none is defined yet), naming it (ENG-IO-10).
    pub fn from_options(options: &FormatOptions) -> Result<JsonOptions> {
        match options.keys().next() {
            Some(key) => Err(unknown_option("json", key, &[])),
            None => Ok(JsonOptions {}),
        }
    }
}

/// The options of parquet loads and saves. None are defined yet
/// (ENG-IO-10).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParquetOptions {}

impl ParquetOptions {
    /// Reads parquet options from `options`.
    ///
    /// # Errors
    /// `ERR-ARG` for any key (none is defined yet), naming it (ENG-IO-10).
    pub fn from_options(options: &FormatOptions) -> Result<ParquetOptions> {
        match options.keys().next() {
            Some(key) => Err(unknown_option("parquet", key, &[])),
            None => Ok(ParquetOptions {}),
        }
    }
}

/// The `columns` argument of a load (ENG-IO-4).
#[derive(Debug, Clone, Default)]
pub enum LoadColumns {
    /// All columns, as stored.
    #[default]
    All,
    /// Exactly these columns, in this order (a missing one is
    /// `ERR-NOT-FOUND` when read).
    Names(Vec<String>),
    /// These columns in this order, converted to the schema's types with
    /// DF-CAST rules.
    Schema(Schema),
}

impl LoadColumns {
    /// The requested column names in order, or `None` for
    /// [`LoadColumns::All`].
    pub fn names(&self) -> Option<Vec<String>> {
        match self {
            LoadColumns::All => None,
            LoadColumns::Names(names) => Some(names.clone()),
            LoadColumns::Schema(schema) => {
                Some(schema.names().into_iter().map(String::from).collect())
            }
        }
    }
}

/// Checks the csv-specific `columns` rules before a csv load.
///
/// # Errors
/// * `ERR-ARG` (ENG-CSV-4): `header` is false and `columns` is
///   [`LoadColumns::All`]: without a header the names must be given;
/// * `ERR-ARG` (ENG-CSV-6): `infer_schema` is true and `columns` is a
///   [`LoadColumns::Schema`] (a name list is allowed).
pub fn check_csv_load_args(opts: &CsvOptions, columns: &LoadColumns) -> Result<()> {
    if !opts.header && matches!(columns, LoadColumns::All) {
        return Err(Error::arg(
            "columns",
            "loading csv without a header needs `columns` (a list of names or a schema)",
        ));
    }
    if opts.infer_schema && matches!(columns, LoadColumns::Schema(_)) {
        return Err(Error::arg(
            "columns",
            "a schema is not allowed together with `infer_schema=true`; \
             pass a list of names or set `infer_schema=false`",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::json;

    fn opts(pairs: &[(&str, JsonValue)]) -> FormatOptions {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn eng_csv_1_defaults() {
        let o = CsvOptions::from_options(&FormatOptions::new()).unwrap();
        assert_eq!(o, CsvOptions::default());
        assert!(!o.header && !o.infer_schema);
        assert_eq!((o.delimiter, o.quote), (b',', b'"'));
    }

    #[test]
    fn eng_csv_1_header_values() {
        for v in [json!(true), json!("True"), json!("true"), json!("0"), json!(0)] {
            let o = CsvOptions::from_options(&opts(&[("header", v.clone())])).unwrap();
            assert!(o.header, "{v}");
        }
        for v in [json!(false), json!(null), json!("False"), json!("false")] {
            let o = CsvOptions::from_options(&opts(&[("header", v.clone())])).unwrap();
            assert!(!o.header, "{v}");
        }
        for v in [json!("yes"), json!(1), json!("TRUE"), json!("None"), json!([]), json!(0.5)] {
            let err = CsvOptions::from_options(&opts(&[("header", v.clone())])).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotSupported, "{v}");
        }
    }

    #[test]
    fn eng_csv_5_infer_schema_and_separators() {
        let o = CsvOptions::from_options(&opts(&[
            ("infer_schema", json!(true)),
            ("sep", json!("\t")),
            ("quote", json!("'")),
        ]))
        .unwrap();
        assert!(o.infer_schema);
        assert_eq!((o.delimiter, o.quote), (b'\t', b'\''));
        let o = CsvOptions::from_options(&opts(&[("delimiter", json!("|"))])).unwrap();
        assert_eq!(o.delimiter, b'|');
        for (k, v) in [
            ("infer_schema", json!("maybe")),
            ("infer_schema", json!(1)),
            ("delimiter", json!(",,")),
            ("delimiter", json!("é")),
            ("quote", json!(34)),
        ] {
            let err = CsvOptions::from_options(&opts(&[(k, v)])).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{k}");
        }
    }

    #[test]
    fn eng_io_10_unknown_options_are_rejected() {
        let err = CsvOptions::from_options(&opts(&[("hedaer", json!(true))])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        let msg = err.to_string();
        assert!(msg.contains("hedaer") && msg.contains("infer_schema"), "{msg}");
        let err = JsonOptions::from_options(&opts(&[("x", json!(1))])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        let err =
            ParquetOptions::from_options(&opts(&[("compression", json!("zstd"))])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(JsonOptions::from_options(&FormatOptions::new()).is_ok());
        assert!(ParquetOptions::from_options(&FormatOptions::new()).is_ok());
    }

    fn schema() -> Schema {
        use arrow::datatypes::{DataType, Field};
        use std::sync::Arc;
        Schema::from_fields_unchecked_types([
            Arc::new(Field::new("a", DataType::Int64, true)),
            Arc::new(Field::new("b", DataType::Utf8, true)),
        ])
        .unwrap()
    }

    #[test]
    fn eng_csv_4_headerless_load_needs_columns() {
        let headerless = CsvOptions::default();
        let err = check_csv_load_args(&headerless, &LoadColumns::All).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(check_csv_load_args(&headerless, &LoadColumns::Names(vec!["a".into()])).is_ok());
        assert!(check_csv_load_args(&headerless, &LoadColumns::Schema(schema())).is_ok());
        let header = CsvOptions { header: true, ..CsvOptions::default() };
        assert!(check_csv_load_args(&header, &LoadColumns::All).is_ok());
    }

    #[test]
    fn eng_csv_6_infer_schema_rejects_a_schema() {
        let o = CsvOptions { header: true, infer_schema: true, ..CsvOptions::default() };
        let err = check_csv_load_args(&o, &LoadColumns::Schema(schema())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(check_csv_load_args(&o, &LoadColumns::Names(vec!["b".into()])).is_ok());
        assert!(check_csv_load_args(&o, &LoadColumns::All).is_ok());
    }

    #[test]
    fn eng_io_4_load_column_names() {
        assert_eq!(LoadColumns::All.names(), None);
        assert_eq!(LoadColumns::Names(vec!["x".into()]).names(), Some(vec!["x".to_string()]));
        assert_eq!(LoadColumns::Schema(schema()).names(), Some(vec!["a".into(), "b".into()]));
    }
}
