//! Load path resolution: files, folders, globs and lists of them (ENG-IO-3,
//! ENG-IO-7, ENG-PQ-2, ENG-CSV-8, ENG-JSON-3).

use std::fs;
use std::path::{Path, PathBuf};

use super::format::{Compression, FileFormat, compression_of, final_component, infer_format};
use super::hive::parse_hive_segment;
use super::{has_glob, local_path};
use crate::error::{Error, Result};

/// Deepest folder nesting a parquet folder load follows (guards against
/// symbolic-link loops).
const MAX_FOLDER_DEPTH: usize = 64;

/// One data file a load reads, with how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    /// The file's local path.
    pub path: PathBuf,
    /// Its format: the hint, or inferred from its name (ENG-IO-2).
    pub format: FileFormat,
    /// Its compression (gzip when a csv/json name ends with `.gz`).
    pub compression: Compression,
    /// The Hive `key=value` folders between the loaded folder and the file,
    /// outermost first, decoded with
    /// [`parse_hive_segment`](super::parse_hive_segment) (`None` = null);
    /// empty for files not found through a parquet folder (ENG-PQ-2).
    pub partition_values: Vec<(String, Option<String>)>,
}

/// True for names a folder load skips: those starting with `_` or `.`
/// (`_SUCCESS`, `_metadata`, `.part-0.crc`, the temporaries of
/// [`SaveTarget`](super::SaveTarget)) (ENG-PQ-2).
pub fn is_hidden_name(name: &str) -> bool {
    name.starts_with(['_', '.'])
}

/// True when a file called `name`, found in a folder loaded as `format`,
/// is one of its data files: not hidden ([`is_hidden_name`]) and its name
/// infers to `format` (ENG-IO-2, case-insensitive):
///
/// * csv: `*.csv`, `*.csv.gz` (ENG-CSV-8);
/// * json: `*.json`, `*.json.gz` (ENG-JSON-3);
/// * parquet: `*.parquet`, e.g. `part-0.snappy.parquet` (ENG-PQ-2).
pub fn is_folder_data_file(format: FileFormat, name: &str) -> bool {
    !is_hidden_name(name) && matches!(infer_format(name), Ok((inferred, _)) if inferred == format)
}

/// Resolves load paths into the data files to read, in read order
/// (ENG-IO-3, ENG-IO-7, ENG-PQ-2, ENG-CSV-8, ENG-JSON-3).
///
/// Each entry of `paths` (local paths or `file://` URLs) is resolved in list
/// order and its files appended:
///
/// * a **file** → itself;
/// * a **glob** (contains `*` or `?`; the syntax of the `glob` crate: `*`,
///   `?`, `[...]`, `**`) → the matching paths sorted by path; `*` and `?` do
///   not cross `/` nor match a leading `.`, and matches whose name starts with
///   `_` are dropped unless the pattern's last component starts with `_`;
///   a matching folder is loaded as a folder;
/// * a **folder** → its data files ([`is_folder_data_file`]): for parquet
///   every `*.parquet` file at any depth, in path order, including Hive
///   `key=value` subfolders (their decoded pairs go into
///   [`DataFile::partition_values`]), skipping any file or folder whose name
///   starts with `_` or `.`; for csv/json the matching files directly inside
///   the folder, sorted by name.
///
/// Each file's format is `format` when given, else inferred from its own
/// name (ENG-IO-2); a folder's format is `format` or inferred from the
/// folder's name (`out.parquet/`).
///
/// Returns one entry per data file, never empty; every path contributes at
/// least one file, and a file reached twice (e.g. listed twice) is returned
/// twice, as the load concatenates in list order. Only names are inspected:
/// schemas are the reader's business.
///
/// # Errors
/// * `ERR-ARG`: `paths` is empty, a glob pattern is malformed, or a path
///   (or a visible entry of a folder) is a pipe, socket or device, which
///   would block the reader;
/// * `ERR-NOT-FOUND`: a path does not exist (after putting back the
///   previous output an interrupted overwrite left hidden, see
///   `SaveTarget::commit`), a glob matches nothing, or a folder holds no
///   data file;
/// * `ERR-NOT-SUPPORTED`: no `format` and a file's or folder's name has no
///   recognised suffix (ENG-IO-2), or a URL scheme other than `file://`;
/// * `ERR-EXECUTION` (`Error::Io`): the file system failed while listing.
pub fn list_load_files(
    paths: &[impl AsRef<str>],
    format: Option<FileFormat>,
) -> Result<Vec<DataFile>> {
    if paths.is_empty() {
        return Err(Error::arg("path", "no path to load"));
    }
    let mut out = Vec::new();
    for path in paths {
        resolve_one(path.as_ref(), format, &mut out)?;
    }
    Ok(out)
}

fn resolve_one(path: &str, format: Option<FileFormat>, out: &mut Vec<DataFile>) -> Result<()> {
    let local = local_path(path)?;
    if local.is_empty() {
        return Err(Error::arg("path", "empty path"));
    }
    if !has_glob(local) {
        let p = Path::new(local);
        let not_found = |e: std::io::Error| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::not_found("path", path, Vec::<String>::new())
            } else {
                Error::io(path, e)
            }
        };
        let meta = match fs::metadata(p) {
            Ok(m) => m,
            // an overwrite killed midway may have left the data hidden aside
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if super::save::recover_previous_output(p)? {
                    fs::metadata(p).map_err(not_found)?
                } else {
                    return Err(not_found(e));
                }
            }
            Err(e) => return Err(not_found(e)),
        };
        check_regular(p, &meta)?;
        return resolve_existing(p, meta.is_dir(), format, out);
    }
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let paths = glob::glob_with(local, options)
        .map_err(|e| Error::arg("path", format!("invalid glob pattern `{path}`: {e}")))?;
    let allow_underscore = final_component(local).starts_with('_');
    let mut matches = Vec::new();
    for entry in paths {
        let p = entry.map_err(|e| {
            let at = e.path().display().to_string();
            Error::io(at, std::io::Error::from(e))
        })?;
        let name = p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        if allow_underscore || !is_hidden_name(&name) {
            matches.push(p);
        }
    }
    if matches.is_empty() {
        return Err(Error::not_found("file matching glob", path, Vec::<String>::new()));
    }
    matches.sort();
    for p in matches {
        let meta = fs::metadata(&p).map_err(|e| Error::io(p.display(), e))?;
        check_regular(&p, &meta)?;
        resolve_existing(&p, meta.is_dir(), format, out)?;
    }
    Ok(())
}

/// A load reads regular files and folders only: a FIFO, socket or device
/// would block the reader or never end (symbolic links are followed).
fn check_regular(path: &Path, meta: &fs::Metadata) -> Result<()> {
    if meta.is_file() || meta.is_dir() {
        return Ok(());
    }
    Err(Error::arg(
        "path",
        format!(
            "`{}` is not a regular file or folder (a pipe, socket or device); loads read \
             files and folders only",
            path.display()
        ),
    ))
}

fn resolve_existing(
    path: &Path,
    is_dir: bool,
    format: Option<FileFormat>,
    out: &mut Vec<DataFile>,
) -> Result<()> {
    if is_dir {
        list_folder(path, format, out)
    } else {
        out.push(data_file(path.to_path_buf(), format, Vec::new())?);
        Ok(())
    }
}

fn data_file(
    path: PathBuf,
    format: Option<FileFormat>,
    partition_values: Vec<(String, Option<String>)>,
) -> Result<DataFile> {
    let text = path.to_string_lossy();
    let (format, compression) = match format {
        Some(f) => (f, compression_of(&text, f)),
        None => infer_format(&text)?,
    };
    Ok(DataFile { path, format, compression, partition_values })
}

fn list_folder(dir: &Path, format: Option<FileFormat>, out: &mut Vec<DataFile>) -> Result<()> {
    let format = match format {
        Some(f) => f,
        None => {
            infer_format(&dir.to_string_lossy())
                .map_err(|_| {
                    Error::not_supported(format!(
                        "`{}` is a folder without a .csv, .parquet or .json suffix; \
                     pass a format hint to load it",
                        dir.display()
                    ))
                })?
                .0
        }
    };
    let before = out.len();
    match format {
        FileFormat::Parquet => walk_parquet(dir, &[], 0, out)?,
        FileFormat::Csv | FileFormat::Json => {
            for (path, name, is_dir) in sorted_entries(dir)? {
                if !is_dir && is_folder_data_file(format, &name) {
                    let compression = compression_of(&name, format);
                    out.push(DataFile { path, format, compression, partition_values: Vec::new() });
                }
            }
        }
    }
    if out.len() == before {
        let what = match format {
            FileFormat::Csv => "csv data file (*.csv, *.csv.gz) in folder",
            FileFormat::Parquet => "parquet data file in folder",
            FileFormat::Json => "json data file (*.json, *.json.gz) in folder",
        };
        return Err(Error::not_found(what, dir.display().to_string(), Vec::<String>::new()));
    }
    Ok(())
}

fn walk_parquet(
    dir: &Path,
    partitions: &[(String, Option<String>)],
    depth: usize,
    out: &mut Vec<DataFile>,
) -> Result<()> {
    if depth > MAX_FOLDER_DEPTH {
        return Err(Error::not_supported(format!(
            "folder `{}` is nested more than {MAX_FOLDER_DEPTH} levels deep \
             (a symbolic-link loop?)",
            dir.display()
        )));
    }
    for (path, name, is_dir) in sorted_entries(dir)? {
        if is_hidden_name(&name) {
            continue;
        }
        if !is_dir && !is_folder_data_file(FileFormat::Parquet, &name) {
            continue;
        }
        if is_dir {
            let mut inner = partitions.to_vec();
            inner.extend(parse_hive_segment(&name));
            walk_parquet(&path, &inner, depth + 1, out)?;
        } else {
            out.push(DataFile {
                path,
                format: FileFormat::Parquet,
                compression: Compression::None,
                partition_values: partitions.to_vec(),
            });
        }
    }
    Ok(())
}

/// The entries of `dir` sorted by name: (path, name, is a folder), following
/// symbolic links.
fn sorted_entries(dir: &Path) -> Result<Vec<(PathBuf, String, bool)>> {
    let io_err = |e| Error::io(dir.display(), e);
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let path = entry.path();
        let meta = fs::metadata(&path).map_err(|e| Error::io(path.display(), e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_hidden_name(&name) {
            check_regular(&path, &meta)?;
        }
        let is_dir = meta.is_dir();
        entries.push((path, name, is_dir));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    /// A FIFO passed as a file used to pass the existence check and block
    /// the reader forever; it is an argument error now.
    #[cfg(unix)]
    #[test]
    fn eng_io_1_a_fifo_is_an_argument_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.parquet");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|s| s.success()) {
            return; // no mkfifo on this system
        }
        let text = fifo.to_string_lossy().into_owned();
        let err = list_load_files(&[text.as_str()], None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(err.to_string().contains("not a regular file"), "{err}");
        // inside a folder, and through a glob
        let folder = dir.path().to_string_lossy().into_owned();
        let err = list_load_files(&[folder.as_str()], Some(FileFormat::Parquet)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
        let glob = format!("{folder}/*.parquet");
        let err = list_load_files(&[glob.as_str()], None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    }

    fn touch(root: &Path, rel: &str) -> PathBuf {
        let p = root.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&p, b"x").unwrap();
        p
    }

    fn s(p: &Path) -> String {
        p.to_string_lossy().into_owned()
    }

    fn rel(root: &Path, files: &[DataFile]) -> Vec<String> {
        files.iter().map(|f| s(f.path.strip_prefix(root).unwrap())).collect()
    }

    #[test]
    fn eng_io_3_single_file_with_inferred_or_hinted_format() {
        let tmp = tempfile::tempdir().unwrap();
        let f = touch(tmp.path(), "a.csv.gz");
        let files = list_load_files(&[s(&f)], None).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!((files[0].format, files[0].compression), (FileFormat::Csv, Compression::Gzip));
        assert!(files[0].partition_values.is_empty());

        let g = touch(tmp.path(), "data.txt");
        let err = list_load_files(&[s(&g)], None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotSupported);
        let files = list_load_files(&[s(&g)], Some(FileFormat::Json)).unwrap();
        assert_eq!(files[0].format, FileFormat::Json);

        let url = format!("file://{}", s(&f));
        assert_eq!(list_load_files(&[url], None).unwrap()[0].path, f);
    }

    #[test]
    fn eng_io_3_missing_paths_are_not_found() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = s(&tmp.path().join("nope.csv"));
        let err = list_load_files(std::slice::from_ref(&missing), None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert!(err.to_string().contains("nope.csv"), "{err}");
        // one missing path in a list fails the whole list
        let ok = touch(tmp.path(), "a.csv");
        let err = list_load_files(&[s(&ok), missing], None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        let err = list_load_files(&Vec::<String>::new(), None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn eng_io_3_globs_sorted_by_path() {
        let tmp = tempfile::tempdir().unwrap();
        for name in ["c.csv", "a.csv", "b.csv", "b.json", ".h.csv", "_x.csv"] {
            touch(tmp.path(), name);
        }
        let files = list_load_files(&[s(&tmp.path().join("*.csv"))], None).unwrap();
        assert_eq!(rel(tmp.path(), &files), ["a.csv", "b.csv", "c.csv"]);
        let files = list_load_files(&[s(&tmp.path().join("?.*"))], None).unwrap();
        assert_eq!(rel(tmp.path(), &files), ["a.csv", "b.csv", "b.json", "c.csv"]);
        assert_eq!(files[2].format, FileFormat::Json);
        let files = list_load_files(&[s(&tmp.path().join("_*.csv"))], None).unwrap();
        assert_eq!(rel(tmp.path(), &files), ["_x.csv"]);
    }

    #[test]
    fn eng_io_3_glob_matching_nothing_is_not_found() {
        let tmp = tempfile::tempdir().unwrap();
        touch(tmp.path(), "a.csv");
        let err = list_load_files(&[s(&tmp.path().join("*.parquet"))], None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        let err = list_load_files(&[s(&tmp.path().join("[*.csv"))], None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn eng_io_3_list_keeps_list_order() {
        let tmp = tempfile::tempdir().unwrap();
        let b = touch(tmp.path(), "b.parquet");
        let a = touch(tmp.path(), "a.csv");
        let c = touch(tmp.path(), "sub/c.json");
        let files = list_load_files(&[s(&b), s(&c), s(&a)], None).unwrap();
        assert_eq!(rel(tmp.path(), &files), ["b.parquet", "sub/c.json", "a.csv"]);
        let formats: Vec<_> = files.iter().map(|f| f.format).collect();
        assert_eq!(formats, [FileFormat::Parquet, FileFormat::Json, FileFormat::Csv]);
    }

    #[test]
    fn eng_pq_2_folder_skips_hidden_and_underscore() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out.parquet");
        for name in [
            "part-1.parquet",
            "part-0.parquet",
            "_SUCCESS",
            "_metadata",
            ".part-0.parquet.crc",
            "part-2",
            "notes.txt",
            "x.json",
            "_tmp/x.parquet",
            ".hidden/y.parquet",
            "sub/z.parquet",
        ] {
            touch(&dir, name);
        }
        let files = list_load_files(&[s(&dir)], None).unwrap();
        assert_eq!(rel(&dir, &files), ["part-0.parquet", "part-1.parquet", "sub/z.parquet"]);
        assert!(
            files.iter().all(|f| f.format == FileFormat::Parquet && f.partition_values.is_empty())
        );
    }

    #[test]
    fn eng_pq_2_hive_folders_give_partition_values() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("t");
        touch(&dir, "a=1/b=x%2Fy/part-0.parquet");
        touch(&dir, "a=1/b=__HIVE_DEFAULT_PARTITION__/part-0.parquet");
        touch(&dir, "a=2/b=z/part-0.parquet");
        touch(&dir, "a=2/_SUCCESS");
        touch(&dir, "_SUCCESS");
        let files = list_load_files(&[s(&dir)], Some(FileFormat::Parquet)).unwrap();
        assert_eq!(
            rel(&dir, &files),
            [
                "a=1/b=__HIVE_DEFAULT_PARTITION__/part-0.parquet",
                "a=1/b=x%2Fy/part-0.parquet",
                "a=2/b=z/part-0.parquet"
            ]
        );
        let kv = |a: &str, b: Option<&str>| {
            vec![("a".to_string(), Some(a.to_string())), ("b".to_string(), b.map(String::from))]
        };
        assert_eq!(files[0].partition_values, kv("1", None));
        assert_eq!(files[1].partition_values, kv("1", Some("x/y")));
        assert_eq!(files[2].partition_values, kv("2", Some("z")));
    }

    #[test]
    fn eng_csv_8_folder_reads_direct_csv_files_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        for name in ["b.csv", "a.csv.gz", "_SUCCESS", ".a.csv", "c.json", "sub/d.csv", "e.txt"] {
            touch(&dir, name);
        }
        let files = list_load_files(&[s(&dir)], Some(FileFormat::Csv)).unwrap();
        assert_eq!(rel(&dir, &files), ["a.csv.gz", "b.csv"]);
        assert_eq!(files[0].compression, Compression::Gzip);
        assert_eq!(files[1].compression, Compression::None);
    }

    #[test]
    fn eng_json_3_folder_reads_direct_json_files_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out.json");
        for name in ["p1.json", "p0.json.gz", "_SUCCESS", "x.csv", "sub/d.json"] {
            touch(&dir, name);
        }
        let files = list_load_files(&[s(&dir)], None).unwrap();
        assert_eq!(rel(&dir, &files), ["p0.json.gz", "p1.json"]);
        assert!(files.iter().all(|f| f.format == FileFormat::Json));
    }

    #[test]
    fn eng_io_2_folder_without_suffix_needs_a_hint() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        touch(&dir, "a.csv");
        let err = list_load_files(&[s(&dir)], None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotSupported);
        assert!(err.to_string().contains("format hint"), "{err}");
    }

    #[test]
    fn eng_io_3_folder_without_data_files_is_not_found() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        touch(&dir, "_SUCCESS");
        touch(&dir, "a.json");
        for format in FileFormat::ALL {
            if format == FileFormat::Json {
                continue;
            }
            let err = list_load_files(&[s(&dir)], Some(format)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotFound, "{format}");
            assert!(err.to_string().contains("in folder"), "{err}");
        }
        let empty = tmp.path().join("empty.parquet");
        fs::create_dir(&empty).unwrap();
        let err = list_load_files(&[s(&empty)], None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn eng_io_3_glob_matching_folders_loads_them() {
        let tmp = tempfile::tempdir().unwrap();
        touch(tmp.path(), "d1/a.csv");
        touch(tmp.path(), "d2/b.csv");
        touch(tmp.path(), "d2/_SUCCESS");
        let files = list_load_files(&[s(&tmp.path().join("d*"))], Some(FileFormat::Csv)).unwrap();
        assert_eq!(rel(tmp.path(), &files), ["d1/a.csv", "d2/b.csv"]);
    }

    #[test]
    fn folder_data_file_rules() {
        assert!(is_hidden_name("_SUCCESS") && is_hidden_name(".x") && !is_hidden_name("a_b"));
        assert!(is_folder_data_file(FileFormat::Csv, "A.CSV"));
        assert!(is_folder_data_file(FileFormat::Csv, "a.csv.gz"));
        assert!(!is_folder_data_file(FileFormat::Csv, "a.json"));
        assert!(!is_folder_data_file(FileFormat::Json, "_a.json"));
        assert!(is_folder_data_file(FileFormat::Parquet, "part-0.snappy.PARQUET"));
        assert!(!is_folder_data_file(FileFormat::Parquet, "part-0"));
        assert!(!is_folder_data_file(FileFormat::Parquet, "_common_metadata"));
    }
}
