//! The schema of a line-delimited json load (ENG-JSON-2), decided once for
//! every engine.

use std::fs::File;
use std::io::BufReader;
use std::sync::Arc;

use arrow::datatypes::{DataType, FieldRef, Schema as ArrowSchema};
use arrow::error::ArrowError;

use super::DataFile;
use crate::{Error, Result};

/// The Arrow schema of line-delimited json `files`, inferred over all files
/// together with arrow-json (ENG-JSON-2): integers → long, floats → double,
/// strings → str, booleans → bool, arrays → lists, objects → structs; a key
/// that is null everywhere → str. Keys keep their order of first appearance.
///
/// # Errors
/// `ERR-EXECUTION` naming the file for a line that is not a json object or
/// not json at all, and for a file that cannot be opened.
pub fn json_load_schema(files: &[&DataFile]) -> Result<ArrowSchema> {
    use arrow::json::reader::{ValueIter, infer_json_schema_from_iterator};
    type Values<'a> =
        Box<dyn Iterator<Item = std::result::Result<serde_json::Value, ArrowError>> + 'a>;
    let values = files.iter().flat_map(|file| -> Values<'_> {
        match File::open(&file.path) {
            Ok(h) => Box::new(ValueIter::new(BufReader::new(h), None).map(move |v| match v {
                Ok(v) if v.is_object() => Ok(v),
                Ok(v) => Err(ArrowError::JsonError(format!(
                    "`{}`: expected one json object per line, found `{v}`",
                    file.path.display()
                ))),
                Err(e) => Err(ArrowError::JsonError(format!("`{}`: {e}", file.path.display()))),
            })),
            Err(e) => Box::new(std::iter::once(Err(ArrowError::IoError(
                format!("`{}`", file.path.display()),
                e,
            )))),
        }
    });
    let inferred = infer_json_schema_from_iterator(values)
        .map_err(|e| Error::backend("arrow-json", "load_df (json schema inference)", e))?;
    let fields: Vec<FieldRef> = inferred
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Null => Arc::new(f.as_ref().clone().with_data_type(DataType::Utf8)),
            _ => Arc::clone(f),
        })
        .collect();
    Ok(ArrowSchema::new(fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eng_json_2_types_are_inferred_over_all_files_and_null_keys_are_str() {
        let dir = tempfile::tempdir().expect("dir");
        let file = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("write");
            DataFile {
                path,
                format: super::super::FileFormat::Json,
                compression: super::super::Compression::None,
                partition_values: vec![],
            }
        };
        let a = file("a.json", "{\"x\":1,\"n\":null}\n");
        let b = file("b.json", "{\"x\":2,\"s\":\"v\",\"l\":[1.5]}\n");
        let schema = json_load_schema(&[&a, &b]).expect("schema");
        let got: Vec<(String, DataType)> =
            schema.fields().iter().map(|f| (f.name().clone(), f.data_type().clone())).collect();
        assert_eq!(got[0], ("x".to_string(), DataType::Int64));
        assert!(got.contains(&("n".to_string(), DataType::Utf8)), "{got:?}");
        assert!(got.contains(&("s".to_string(), DataType::Utf8)), "{got:?}");
        let bad = file("c.json", "[1,2]\n");
        assert!(json_load_schema(&[&bad]).is_err(), "not an object per line");
    }
}
