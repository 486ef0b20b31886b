//! File IO rules shared by every engine (`spec/ENGINE.md` §15, ENG-IO-*,
//! ENG-PQ-*, ENG-CSV-*, ENG-JSON-*).
//!
//! Engines read and write files with their own readers and writers (arrow-rs,
//! Polars, DataFusion); this module owns the engine-neutral decisions so all
//! engines behave the same:
//!
//! | concern | items | rules |
//! |---|---|---|
//! | formats | [`FileFormat`], [`Compression`], [`infer_format`], [`resolve_format`] | ENG-IO-1, ENG-IO-2 |
//! | what a load reads | [`list_load_files`], [`DataFile`], [`is_hidden_name`], [`is_folder_data_file`] | ENG-IO-3, ENG-IO-7, ENG-PQ-2, ENG-CSV-8, ENG-JSON-3 |
//! | how a save writes | [`SaveMode`], [`SaveTarget`], [`PathKind`] | ENG-IO-5, ENG-IO-6, ENG-IO-7, ENG-IO-9 |
//! | Hive layout | [`hive_dir`], [`hive_segment`], [`parse_hive_segment`] | ENG-IO-8, ENG-PQ-2 |
//! | format options | [`FormatOptions`], [`CsvOptions`], [`JsonOptions`], [`ParquetOptions`], [`LoadColumns`], [`check_csv_load_args`] | ENG-IO-10, ENG-CSV-1, ENG-CSV-4..6 |
//!
//! Only the local file system is supported for now: a path is a local path or
//! a `file://` URL; any other URL scheme (`s3://`, ...) is `ERR-NOT-SUPPORTED`.
//! The pure rules ([`infer_format`], [`is_hidden_name`],
//! [`is_folder_data_file`], [`parse_hive_segment`], [`hive_segment`]) take
//! names and strings, not file-system handles, so an object-store lister can
//! reuse them unchanged.

pub(crate) mod csv;
pub(crate) mod format;
pub(crate) mod hive;
pub(crate) mod json;
pub(crate) mod listing;
pub(crate) mod options;
pub(crate) mod parquet_file;
pub(crate) mod parquet_scan;
pub(crate) mod plan;
pub(crate) mod save;
pub(crate) mod select;

pub use format::{Compression, FileFormat, infer_format};
pub use options::{CsvOptions, FormatOptions, JsonOptions, LoadColumns, ParquetOptions};
pub use save::SaveMode;

// backend-only items: public through `crate::spi::io`, reachable here for core code
pub(crate) use csv::csv_load_schema;
pub(crate) use hive::hive_dir;
pub(crate) use json::json_load_schema;
pub(crate) use listing::DataFile;
pub(crate) use options::check_csv_load_args;
pub(crate) use plan::{
    append_load_options, check_append_schema, files_disagree, plan_load, plan_save,
};
pub(crate) use save::{PathKind, SaveTarget};
pub(crate) use select::select_batch;

use crate::error::{Error, Result};

/// True when `path` contains a glob character (`*` or `?`, ENG-IO-3).
///
/// Loads expand such a path with [`list_load_files`]; saves reject it
/// (ENG-IO-5, see [`SaveTarget::prepare`]).
pub fn has_glob(path: &str) -> bool {
    path.contains(['*', '?'])
}

/// The local file-system path of `path`: `path` itself, or the part after
/// `file://`.
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for any other URL scheme (`s3://`, `gs://`, ...):
/// object stores are not supported yet.
fn local_path(path: &str) -> Result<&str> {
    if let Some(rest) = path.strip_prefix("file://") {
        return Ok(rest);
    }
    if let Some(idx) = path.find("://") {
        let scheme = &path[..idx];
        let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme {
            return Err(Error::not_supported(format!(
                "path `{path}`: URL scheme `{scheme}` is not supported yet; \
                 use a local path or a `file://` URL"
            )));
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn eng_io_3_glob_characters() {
        assert!(has_glob("a/*.csv"));
        assert!(has_glob("a/b?.csv"));
        assert!(!has_glob("a/b.csv"));
    }

    #[test]
    fn local_paths_and_schemes() {
        assert_eq!(local_path("/tmp/a.csv").ok(), Some("/tmp/a.csv"));
        assert_eq!(local_path("file:///tmp/a.csv").ok(), Some("/tmp/a.csv"));
        assert_eq!(local_path("rel/a.csv").ok(), Some("rel/a.csv"));
        let err = local_path("s3://bucket/a.csv").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotSupported);
    }
}
