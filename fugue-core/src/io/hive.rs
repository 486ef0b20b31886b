//! Hive-style partition folders `key=value` (ENG-IO-8, ENG-PQ-2).

use std::path::{Path, PathBuf};

/// The folder value Hive and Spark write for a null (or empty) partition
/// value, and read back as null.
pub const HIVE_DEFAULT_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// The characters Hive's `FileUtils.escapePathName` and Spark's
/// `ExternalCatalogUtils.escapePathName` percent-escape (plus NUL, which no
/// file system accepts in a name).
fn needs_escaping(c: char) -> bool {
    matches!(
        c,
        '\u{00}'
            ..='\u{1F}'
                | '"'
                | '#'
                | '%'
                | '\''
                | '*'
                | '/'
                | ':'
                | '='
                | '?'
                | '\\'
                | '\u{7F}'
                | '{'
                | '['
                | ']'
                | '^'
    )
}

/// Percent-escapes `s` the way Spark does (`%XX`, upper-case hex); other
/// characters, non-ASCII included, are kept.
fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        if needs_escaping(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
}

/// Decodes `%XX` sequences as UTF-8 bytes (as pyarrow does; for the ASCII
/// escapes Spark writes this equals Spark's decoding). A `%` not followed by
/// two hex digits is kept; if the decoded bytes are not UTF-8 the text is
/// returned undecoded.
fn unescape(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// One Hive folder name `key=value` (ENG-IO-8).
///
/// Key and value are percent-escaped like Hive/Spark (`/`, `=`, `%`, `:`,
/// `*`, `?`, `"`, `'`, `#`, `\`, `{`, `[`, `]`, `^`, control characters →
/// `%XX`), so the name is one path component and [`parse_hive_segment`]
/// gives back exactly `(key, value)`. A null (`None`) or empty value is
/// written as [`HIVE_DEFAULT_PARTITION`] (as Spark does), so both read back
/// as null. `key` should be a non-empty column name (SCH-NAME-7); an empty
/// key gives a name [`parse_hive_segment`] rejects.
pub fn hive_segment(key: &str, value: Option<&str>) -> String {
    let mut out = String::with_capacity(key.len() + 1 + value.map_or(26, str::len));
    escape(key, &mut out);
    out.push('=');
    match value {
        None | Some("") => out.push_str(HIVE_DEFAULT_PARTITION),
        Some(v) => escape(v, &mut out),
    }
    out
}

/// The Hive partition folder for `keys` under `base`:
/// `base/k1=v1/k2=v2/...`, one [`hive_segment`] per key, in the given order
/// (ENG-IO-8). A null value (`None`) is written as
/// [`HIVE_DEFAULT_PARTITION`]. Pure: nothing is created on disk.
///
/// ```
/// use std::path::Path;
/// use fugue_core::spi::io::hive_dir;
///
/// let dir = hive_dir(Path::new("out"), &[("a", Some("x/y")), ("b", None)]);
/// assert_eq!(dir, Path::new("out/a=x%2Fy/b=__HIVE_DEFAULT_PARTITION__"));
/// ```
pub fn hive_dir<K: AsRef<str>, V: AsRef<str>>(base: &Path, keys: &[(K, Option<V>)]) -> PathBuf {
    let mut dir = base.to_path_buf();
    for (k, v) in keys {
        dir.push(hive_segment(k.as_ref(), v.as_ref().map(AsRef::as_ref)));
    }
    dir
}

/// Parses a Hive folder name `key=value` into `(key, value)` (the inverse of
/// [`hive_segment`], ENG-PQ-2): split at the first `=`, percent-decode both
/// sides; [`HIVE_DEFAULT_PARTITION`] → `None` (null).
///
/// Returns `None` when `segment` is not a partition folder name: no `=`, or
/// an empty key. Never fails and never panics.
pub fn parse_hive_segment(segment: &str) -> Option<(String, Option<String>)> {
    let (key, value) = segment.split_once('=')?;
    if key.is_empty() {
        return None;
    }
    let value = if value == HIVE_DEFAULT_PARTITION { None } else { Some(unescape(value)) };
    Some((unescape(key), value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn eng_io_8_hive_dir_layout() {
        let dir = hive_dir(Path::new("/base"), &[("a", Some("1")), ("b", Some("x"))]);
        assert_eq!(dir, Path::new("/base/a=1/b=x"));
        let none: [(&str, Option<&str>); 0] = [];
        assert_eq!(hive_dir(Path::new("/base"), &none), Path::new("/base"));
        let owned = vec![("k".to_string(), Some("v".to_string())), ("n".to_string(), None)];
        assert_eq!(
            hive_dir(Path::new("b"), &owned),
            Path::new("b/k=v/n=__HIVE_DEFAULT_PARTITION__")
        );
    }

    #[test]
    fn eng_io_8_escapes_like_spark() {
        assert_eq!(hive_segment("a", Some("x/y=z%w")), "a=x%2Fy%3Dz%25w");
        assert_eq!(hive_segment("a", Some("1:2 3")), "a=1%3A2 3");
        assert_eq!(hive_segment("k=1", Some("é?*")), "k%3D1=é%3F%2A");
        assert_eq!(hive_segment("a", Some("\n\\")), "a=%0A%5C");
        assert_eq!(hive_segment("a", None), "a=__HIVE_DEFAULT_PARTITION__");
        assert_eq!(hive_segment("a", Some("")), "a=__HIVE_DEFAULT_PARTITION__");
    }

    #[test]
    fn eng_pq_2_parses_hive_segments() {
        assert_eq!(parse_hive_segment("a=1"), Some(("a".into(), Some("1".into()))));
        assert_eq!(parse_hive_segment("a=x%2Fy%3Dz"), Some(("a".into(), Some("x/y=z".into()))));
        assert_eq!(parse_hive_segment("a=b=c"), Some(("a".into(), Some("b=c".into()))));
        assert_eq!(parse_hive_segment("a=__HIVE_DEFAULT_PARTITION__"), Some(("a".into(), None)));
        assert_eq!(parse_hive_segment("a="), Some(("a".into(), Some(String::new()))));
        assert_eq!(parse_hive_segment("a=%C3%A9"), Some(("a".into(), Some("é".into()))));
        // undecodable escapes are kept as written
        assert_eq!(parse_hive_segment("a=%zz%4"), Some(("a".into(), Some("%zz%4".into()))));
        assert_eq!(parse_hive_segment("a=%C3"), Some(("a".into(), Some("%C3".into()))));
        assert_eq!(parse_hive_segment("plain"), None);
        assert_eq!(parse_hive_segment("=1"), None);
    }

    proptest! {
        #[test]
        fn parse_hive_segment_never_panics(s in any::<String>()) {
            let _ = parse_hive_segment(&s);
        }

        #[test]
        fn hive_escaping_round_trips(
            key in any::<String>().prop_filter("non-empty key", |k| !k.is_empty()),
            value in proptest::option::of(any::<String>().prop_filter(
                "empty and the default name read back as null",
                |v| !v.is_empty() && v != HIVE_DEFAULT_PARTITION,
            )),
        ) {
            let segment = hive_segment(&key, value.as_deref());
            prop_assert!(!segment.contains(['/', '\\', '\0']));
            prop_assert_eq!(parse_hive_segment(&segment), Some((key.clone(), value.clone())));
            let dir = hive_dir(Path::new("base"), &[(key, value)]);
            prop_assert_eq!(dir.components().count(), 2);
        }
    }
}
