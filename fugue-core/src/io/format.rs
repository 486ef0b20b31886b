//! File formats, compression and format inference (ENG-IO-1, ENG-IO-2).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A data file format (ENG-IO-1): `csv`, `parquet` or `json` (line-delimited
/// JSON objects, ENG-JSON-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// Comma-separated values (ENG-CSV-*).
    Csv,
    /// Apache Parquet (ENG-PQ-*).
    Parquet,
    /// One JSON object per line (ENG-JSON-*).
    Json,
}

impl FileFormat {
    /// Every supported format, in the order of ENG-IO-1.
    pub const ALL: [FileFormat; 3] = [FileFormat::Csv, FileFormat::Parquet, FileFormat::Json];

    /// Parses a `format_hint` (ENG-IO-1), case-insensitively: `"csv"`,
    /// `"PARQUET"`, `"Json"`, ...
    ///
    /// An empty hint is not a format: callers that treat `""` as "no hint"
    /// use [`resolve_format`].
    ///
    /// # Errors
    /// `ERR-NOT-SUPPORTED` for any other text (ENG-IO-1).
    pub fn parse(hint: &str) -> Result<FileFormat> {
        FileFormat::ALL.into_iter().find(|f| hint.eq_ignore_ascii_case(f.name())).ok_or_else(|| {
            Error::not_supported(format!(
                "file format `{hint}`; supported formats: csv, parquet, json"
            ))
        })
    }

    /// The lower-case name: `"csv"`, `"parquet"` or `"json"`.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Parquet => "parquet",
            FileFormat::Json => "json",
        }
    }

    /// The file extension written by saves, without the dot: `"csv"`,
    /// `"parquet"` or `"json"` (used by [`SaveTarget::part_name`](super::SaveTarget::part_name)).
    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// True for the text formats (csv, json), which may be gzip-compressed
    /// (`.csv.gz`, `.json.gz`, ENG-IO-2).
    pub fn is_text(self) -> bool {
        matches!(self, FileFormat::Csv | FileFormat::Json)
    }
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FileFormat {
    type Err = Error;

    /// Same as [`FileFormat::parse`].
    fn from_str(s: &str) -> Result<Self> {
        FileFormat::parse(s)
    }
}

/// Whole-file compression of a text data file (ENG-IO-2): a `.gz` name
/// means gzip. Parquet files compress internally and are always
/// [`Compression::None`] here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Compression {
    /// Not compressed.
    #[default]
    None,
    /// gzip (`.gz`).
    Gzip,
}

impl Compression {
    /// The extra extension without the dot (`Some("gz")`), or `None`.
    pub fn extension(self) -> Option<&'static str> {
        match self {
            Compression::None => None,
            Compression::Gzip => Some("gz"),
        }
    }
}

/// The recognised endings of the joined suffixes (ENG-IO-2).
const SUFFIXES: [(&str, FileFormat, Compression); 5] = [
    (".csv", FileFormat::Csv, Compression::None),
    (".csv.gz", FileFormat::Csv, Compression::Gzip),
    (".parquet", FileFormat::Parquet, Compression::None),
    (".json", FileFormat::Json, Compression::None),
    (".json.gz", FileFormat::Json, Compression::Gzip),
];

/// The final component of `path` (separators `/` and `\`; trailing
/// separators ignored, so `out.parquet/` names `out.parquet`).
pub(crate) fn final_component(path: &str) -> &str {
    let trimmed = path.trim_end_matches(['/', '\\']);
    trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed)
}

/// All suffixes of a file name joined, as Python's `pathlib` computes them:
/// `b.test.csv` → `.test.csv`; a name ending with `.` has none; leading dots
/// (hidden files) are not suffixes (`.csv` → ``).
fn joined_suffixes(name: &str) -> &str {
    if name.ends_with('.') {
        return "";
    }
    let stem_start = name.trim_start_matches('.');
    match stem_start.find('.') {
        Some(i) => &stem_start[i..],
        None => "",
    }
}

/// Infers the format and compression of `path` from its name (ENG-IO-2).
///
/// The lower-cased final component's suffixes, joined (`b.test.csv` →
/// `.test.csv`), must end with `.csv`, `.csv.gz`, `.parquet`, `.json` or
/// `.json.gz`. Works on files, folders (`out.parquet/`) and globs
/// (`data/*.csv`) alike: only the name is looked at, never the file system.
///
/// # Errors
/// `ERR-NOT-SUPPORTED` naming `path` and the expected suffixes when no
/// suffix matches (a folder without a suffix needs a format hint).
///
/// # Example
/// ```
/// use fugue_core::io::{infer_format, Compression, FileFormat};
///
/// assert_eq!(infer_format("data/b.test.csv")?, (FileFormat::Csv, Compression::None));
/// assert_eq!(infer_format("s.JSON.gz")?, (FileFormat::Json, Compression::Gzip));
/// assert_eq!(infer_format("out.parquet/")?.0, FileFormat::Parquet);
/// assert!(infer_format("data/table").unwrap_err().is_not_supported());
/// # Ok::<(), fugue_core::Error>(())
/// ```
pub fn infer_format(path: &str) -> Result<(FileFormat, Compression)> {
    let name = final_component(path).to_lowercase();
    let suffix = joined_suffixes(&name);
    SUFFIXES
        .iter()
        .find(|(ending, _, _)| suffix.ends_with(ending))
        .map(|&(_, format, compression)| (format, compression))
        .ok_or_else(|| {
            Error::not_supported(format!(
                "cannot infer the file format of `{path}`: its name must end with \
                 .csv, .csv.gz, .parquet, .json or .json.gz, or pass a format hint"
            ))
        })
}

/// The compression of a `format` file called `path`: gzip when a text
/// format's name ends with `.gz` (case-insensitive), else none.
pub(crate) fn compression_of(path: &str, format: FileFormat) -> Compression {
    if format.is_text() && final_component(path).to_lowercase().ends_with(".gz") {
        Compression::Gzip
    } else {
        Compression::None
    }
}

/// The format and compression of `path` given an optional `format_hint`
/// (ENG-IO-1, ENG-IO-2).
///
/// A non-empty hint wins (its compression still comes from a `.gz` name for
/// csv/json); `None` or `""` infers from the name with [`infer_format`].
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for an unknown hint (ENG-IO-1) or, without a hint,
/// an unrecognised suffix (ENG-IO-2).
pub fn resolve_format(path: &str, hint: Option<&str>) -> Result<(FileFormat, Compression)> {
    match hint {
        Some(h) if !h.is_empty() => {
            let format = FileFormat::parse(h)?;
            Ok((format, compression_of(path, format)))
        }
        _ => infer_format(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use proptest::prelude::*;

    #[test]
    fn eng_io_1_parses_hints_case_insensitively() {
        assert_eq!(FileFormat::parse("csv").ok(), Some(FileFormat::Csv));
        assert_eq!(FileFormat::parse("PARQUET").ok(), Some(FileFormat::Parquet));
        assert_eq!(FileFormat::parse("Json").ok(), Some(FileFormat::Json));
        assert_eq!("csv".parse::<FileFormat>().ok(), Some(FileFormat::Csv));
        for bad in ["", "avro", "csv.gz", " csv", "parq"] {
            let err = FileFormat::parse(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotSupported, "{bad}");
        }
        assert_eq!(FileFormat::Parquet.to_string(), "parquet");
        assert_eq!(FileFormat::Json.extension(), "json");
        assert_eq!(Compression::Gzip.extension(), Some("gz"));
    }

    #[test]
    fn eng_io_2_infers_from_all_suffixes() {
        use Compression::{Gzip, None as Plain};
        use FileFormat::*;
        let table = [
            ("a.csv", Csv, Plain),
            ("/x/y/b.test.csv", Csv, Plain),
            ("A.CSV", Csv, Plain),
            ("a.csv.gz", Csv, Gzip),
            ("a.parquet", Parquet, Plain),
            ("dir/out.parquet/", Parquet, Plain),
            ("part-0.snappy.parquet", Parquet, Plain),
            ("a.json", Json, Plain),
            ("a.JSON.GZ", Json, Gzip),
            ("c:\\data\\t.json", Json, Plain),
            ("data/*.csv", Csv, Plain),
            ("file:///tmp/x.parquet", Parquet, Plain),
            ("..a.csv", Csv, Plain),
        ];
        for (path, format, compression) in table {
            assert_eq!(infer_format(path).ok(), Some((format, compression)), "{path}");
        }
    }

    #[test]
    fn eng_io_2_rejects_unknown_suffixes() {
        for path in
            ["a.txt", "folder", "a.csv.bz2", "a.parquet.gz", ".csv", "a.csv.", "", "x.gz", "a.tsv"]
        {
            let err = infer_format(path).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotSupported, "{path}");
            assert!(err.to_string().contains(".parquet"), "{err}");
        }
    }

    #[test]
    fn eng_io_2_hint_wins_when_non_empty() {
        assert_eq!(
            resolve_format("a.txt", Some("csv")).ok(),
            Some((FileFormat::Csv, Compression::None))
        );
        assert_eq!(
            resolve_format("a.txt.gz", Some("json")).ok(),
            Some((FileFormat::Json, Compression::Gzip))
        );
        assert_eq!(
            resolve_format("a.csv", Some("parquet")).ok(),
            Some((FileFormat::Parquet, Compression::None))
        );
        assert_eq!(
            resolve_format("a.csv", Some("")).ok(),
            Some((FileFormat::Csv, Compression::None))
        );
        assert_eq!(resolve_format("a.csv", None).ok(), Some((FileFormat::Csv, Compression::None)));
        let err = resolve_format("a.csv", Some("xml")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotSupported);
        let err = resolve_format("folder", None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotSupported);
    }

    proptest! {
        #[test]
        fn format_parsing_never_panics(s in any::<String>()) {
            let _ = infer_format(&s);
            let _ = FileFormat::parse(&s);
            let _ = resolve_format(&s, Some(&s));
        }

        #[test]
        fn inferred_format_matches_name(stem in "[a-zA-Z0-9_-][a-zA-Z0-9_.-]{0,11}", ext in prop::sample::select(vec![".csv", ".CSV.gz", ".parquet", ".json", ".Json.Gz"])) {
            let path = format!("dir/{stem}{ext}");
            let (format, compression) = infer_format(&path)?;
            let lower = ext.to_lowercase();
            prop_assert_eq!(format.name(), lower.trim_start_matches('.').trim_end_matches(".gz"));
            prop_assert_eq!(compression == Compression::Gzip, lower.ends_with(".gz"));
        }
    }
}
