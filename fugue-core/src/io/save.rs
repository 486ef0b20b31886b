//! Save modes and crash-safe save targets (ENG-IO-5, ENG-IO-6, ENG-IO-7,
//! ENG-IO-9).

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use super::format::FileFormat;
use super::{has_glob, local_path};
use crate::error::{Error, Result};

/// What a save does when its path already exists (ENG-IO-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SaveMode {
    /// Replace the existing file or folder (the default).
    #[default]
    Overwrite,
    /// Add data to the existing output, when the engine supports it (else the
    /// engine raises `ERR-NOT-SUPPORTED`).
    Append,
    /// Fail with `ERR-EXISTS` when the path exists.
    Error,
}

impl SaveMode {
    /// The lower-case name: `"overwrite"`, `"append"` or `"error"`.
    pub fn name(self) -> &'static str {
        match self {
            SaveMode::Overwrite => "overwrite",
            SaveMode::Append => "append",
            SaveMode::Error => "error",
        }
    }
}

impl fmt::Display for SaveMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SaveMode {
    type Err = Error;

    /// Parses `overwrite`, `append` or `error`, case-insensitively.
    ///
    /// # Errors
    /// `ERR-NOT-SUPPORTED` for any other text (ENG-IO-5).
    fn from_str(s: &str) -> Result<Self> {
        [SaveMode::Overwrite, SaveMode::Append, SaveMode::Error]
            .into_iter()
            .find(|m| s.eq_ignore_ascii_case(m.name()))
            .ok_or_else(|| {
                Error::not_supported(format!(
                    "save mode `{s}`; supported modes: overwrite, append, error"
                ))
            })
    }
}

/// What is at a path on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathKind {
    /// Nothing.
    Missing,
    /// A file (or anything that is not a folder).
    File,
    /// A folder.
    Folder,
}

impl PathKind {
    /// What is at `path` now (symbolic links followed; a dangling link is a
    /// [`PathKind::File`]).
    ///
    /// # Errors
    /// `ERR-EXECUTION` (`Error::Io`) when the file system cannot tell.
    pub fn of(path: &Path) -> Result<PathKind> {
        match fs::metadata(path) {
            Ok(m) if m.is_dir() => Ok(PathKind::Folder),
            Ok(_) => Ok(PathKind::File),
            Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::symlink_metadata(path) {
                Ok(_) => Ok(PathKind::File),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(PathKind::Missing),
                Err(e) => Err(Error::io(path.display(), e)),
            },
            Err(e) => Err(Error::io(path.display(), e)),
        }
    }
}

static UNIQUE: AtomicU64 = AtomicU64::new(0);

/// A process-unique, time-salted token for temporary and part names.
fn unique_token() -> String {
    let n = UNIQUE.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
        .unwrap_or(0);
    format!("{:x}-{n:x}-{nanos:08x}", std::process::id())
}

/// A free hidden sibling of `path`: `<parent>/.<name>.fugue-<tag>-<token>`.
fn hidden_sibling(path: &Path, name: &str, tag: &str) -> Result<PathBuf> {
    for _ in 0..100 {
        let candidate = path.with_file_name(format!(".{name}.fugue-{tag}-{}", unique_token()));
        if PathKind::of(&candidate)? == PathKind::Missing {
            return Ok(candidate);
        }
    }
    Err(Error::internal(format!("cannot find a free temporary name next to `{}`", path.display())))
}

/// Removes the file or folder at `path` (a symbolic link itself, never its
/// target); a missing path is fine.
fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Moves every entry of folder `src` into folder `dst`, merging subfolders
/// (Hive layout) and never replacing a file.
fn merge_into(src: &Path, dst: &Path) -> Result<()> {
    for entry in fs::read_dir(src).map_err(|e| Error::io(src.display(), e))? {
        let entry = entry.map_err(|e| Error::io(src.display(), e))?;
        let from = entry.path();
        let to = dst.join(entry.file_name());
        match (PathKind::of(&to)?, PathKind::of(&from)?) {
            (PathKind::Missing, _) => {
                fs::rename(&from, &to).map_err(|e| Error::io(to.display(), e))?;
            }
            (PathKind::Folder, PathKind::Folder) => merge_into(&from, &to)?,
            _ => return Err(Error::AlreadyExists(to.display().to_string())),
        }
    }
    Ok(())
}

/// Where and how a save writes, so a failed write never destroys the
/// previous data (ENG-IO-5, ENG-IO-6, ENG-IO-7, ENG-IO-9).
///
/// Protocol for an engine's save:
///
/// 1. [`SaveTarget::prepare`] checks the path and mode and creates the
///    parent folders;
/// 2. the writer writes **only** at [`write_path`](SaveTarget::write_path),
///    a hidden sibling of `path` in the same folder (so the final rename is
///    atomic on one file system and folder loads skip it), either
///    * one file at `write_path` (single-file layout, `force_single`,
///      ENG-IO-6), or
///    * a folder at `write_path` ([`create_write_dir`](SaveTarget::create_write_dir))
///      of part files named by [`part_path`](SaveTarget::part_path), possibly
///      in Hive subfolders ([`hive_dir`](super::hive_dir) of `write_path`,
///      ENG-IO-7, ENG-IO-8);
/// 3. [`commit`](SaveTarget::commit) puts the output in place at `path`.
///
/// Dropping the target without a successful commit removes what was written
/// at `write_path` and leaves `path` untouched.
///
/// # Example
/// ```
/// use fugue_core::io::{FileFormat, SaveMode};
/// use fugue_core::spi::io::SaveTarget;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("out").join("t.csv");
/// let path = path.to_str().ok_or("non-UTF-8 temporary folder")?;
///
/// // a single file
/// let target = SaveTarget::prepare(path, SaveMode::Overwrite)?;
/// std::fs::write(target.write_path(), "a\n1\n")?;
/// target.commit()?;
/// assert_eq!(std::fs::read_to_string(path)?, "a\n1\n");
///
/// // a folder of part files replaces it
/// let target = SaveTarget::prepare(path, SaveMode::Overwrite)?;
/// target.create_write_dir()?;
/// std::fs::write(target.part_path(0, FileFormat::Csv), "a\n2\n")?;
/// target.commit()?;
/// assert!(std::path::Path::new(path).join("part-00000.csv").is_file());
///
/// // a failed write (dropped without commit) keeps the old data
/// let target = SaveTarget::prepare(path, SaveMode::Overwrite)?;
/// std::fs::write(target.write_path(), "half")?;
/// drop(target);
/// assert!(std::path::Path::new(path).join("part-00000.csv").is_file());
///
/// // error mode refuses an existing path
/// let err = SaveTarget::prepare(path, SaveMode::Error).unwrap_err();
/// assert_eq!(err.kind(), fugue_core::ErrorKind::AlreadyExists);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "a SaveTarget does nothing until it is committed"]
pub struct SaveTarget {
    path: PathBuf,
    mode: SaveMode,
    existing: PathKind,
    write_path: PathBuf,
    /// Added to part names in append mode so they never collide with the
    /// parts already at `path`.
    part_suffix: Option<String>,
    committed: bool,
}

impl SaveTarget {
    /// Checks `path` and `mode` and prepares a save (ENG-IO-5, ENG-IO-9).
    ///
    /// `path` is a local path or a `file://` URL; a trailing `/` is ignored.
    /// Parent folders are created. Nothing at `path` is changed until
    /// [`commit`](SaveTarget::commit). With [`SaveMode::Append`] the caller
    /// decides, from [`existing`](SaveTarget::existing), whether it can
    /// append (see [`commit`](SaveTarget::commit)) or raises
    /// `ERR-NOT-SUPPORTED`.
    ///
    /// # Errors
    /// * `ERR-ARG`: `path` is empty, names no file (`.`, `..`, `/`) or has a
    ///   glob character `*` / `?` (ENG-IO-5);
    /// * `ERR-EXISTS`: `mode` is [`SaveMode::Error`] and `path` exists;
    /// * `ERR-NOT-SUPPORTED`: a URL scheme other than `file://`;
    /// * `ERR-EXECUTION` (`Error::Io`): parent folders cannot be created.
    pub fn prepare(path: &str, mode: SaveMode) -> Result<SaveTarget> {
        let local = local_path(path)?;
        if has_glob(local) {
            return Err(Error::arg(
                "path",
                format!("save path `{path}` has a glob character (`*` or `?`)"),
            ));
        }
        let raw = Path::new(local);
        let Some(name) = raw.file_name() else {
            return Err(Error::arg("path", format!("save path `{path}` names no file or folder")));
        };
        let parent = raw.parent().unwrap_or(Path::new(""));
        let target = parent.join(name);
        let existing = PathKind::of(&target)?;
        if mode == SaveMode::Error && existing != PathKind::Missing {
            return Err(Error::AlreadyExists(path.to_string()));
        }
        if !parent.as_os_str().is_empty() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent.display(), e))?;
        }
        let write_path = hidden_sibling(&target, &name.to_string_lossy(), "tmp")?;
        let part_suffix = (mode == SaveMode::Append).then(unique_token);
        Ok(SaveTarget { path: target, mode, existing, write_path, part_suffix, committed: false })
    }

    /// The final path of the output.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The save mode.
    pub fn mode(&self) -> SaveMode {
        self.mode
    }

    /// What was at [`path`](SaveTarget::path) when the target was prepared;
    /// always [`PathKind::Missing`] in error mode (`prepare` fails
    /// otherwise). Append-mode writers use it to pick a layout or refuse.
    pub fn existing(&self) -> PathKind {
        self.existing
    }

    /// Where the writer writes: a hidden, not yet existing sibling
    /// `.<name>.fugue-tmp-<token>` of [`path`](SaveTarget::path) in the same
    /// folder. Write one file here, or a folder of parts.
    pub fn write_path(&self) -> &Path {
        &self.write_path
    }

    /// Creates [`write_path`](SaveTarget::write_path) as a folder, for the
    /// part-file layout (ENG-IO-7).
    ///
    /// # Errors
    /// `ERR-EXECUTION` (`Error::Io`) when the folder cannot be created.
    pub fn create_write_dir(&self) -> Result<()> {
        fs::create_dir_all(&self.write_path).map_err(|e| Error::io(self.write_path.display(), e))
    }

    /// The name of part file `index` of `format`: `part-00000.parquet`, or in
    /// append mode `part-00000-<token>.parquet` with a token unique to this
    /// target, so appended parts never collide with existing ones (ENG-IO-7).
    pub fn part_name(&self, index: usize, format: FileFormat) -> String {
        match &self.part_suffix {
            None => format!("part-{index:05}.{}", format.extension()),
            Some(token) => format!("part-{index:05}-{token}.{}", format.extension()),
        }
    }

    /// `write_path/part_name(index, format)`: part file `index` of the folder
    /// layout (ENG-IO-7). For Hive layout put parts under
    /// `hive_dir(write_path(), keys)` instead (ENG-IO-8).
    pub fn part_path(&self, index: usize, format: FileFormat) -> PathBuf {
        self.write_path.join(self.part_name(index, format))
    }

    /// Puts the written output in place at [`path`](SaveTarget::path).
    ///
    /// * [`SaveMode::Overwrite`]: the old file or folder at `path` (if any)
    ///   is moved aside, the output renamed into place, then the old one
    ///   removed; if the rename fails the old one is moved back (ENG-IO-5,
    ///   ENG-IO-6: a single file replaces a folder and vice versa);
    /// * [`SaveMode::Error`]: the output is renamed into place unless `path`
    ///   has appeared since `prepare`;
    /// * [`SaveMode::Append`]: when nothing is at `path` the output is renamed
    ///   into place; when both `path` and the output are folders, the output's
    ///   entries are moved into `path`, merging Hive subfolders (part names
    ///   are unique, see [`part_name`](SaveTarget::part_name)).
    ///
    /// On error, what is left at `write_path` is removed when the target
    /// drops; an append that failed midway may have moved some parts.
    ///
    /// # Errors
    /// * `ERR-EXISTS`: error mode and `path` now exists, or an appended entry
    ///   collides with an existing file;
    /// * `ERR-NOT-SUPPORTED`: append where `path` or the output is a single
    ///   file and the other exists (appending needs the folder layout);
    /// * `ERR-INTERNAL`: nothing was written at `write_path` (a writer bug);
    /// * `ERR-EXECUTION` (`Error::Io`): a rename or removal failed.
    pub fn commit(mut self) -> Result<()> {
        let written = PathKind::of(&self.write_path)?;
        if written == PathKind::Missing {
            return Err(Error::internal(format!(
                "nothing was written at `{}` before commit",
                self.write_path.display()
            )));
        }
        let current = PathKind::of(&self.path)?;
        match (self.mode, current, written) {
            (_, PathKind::Missing, _) => self.rename_into_place()?,
            (SaveMode::Error, _, _) => {
                return Err(Error::AlreadyExists(self.path.display().to_string()));
            }
            (SaveMode::Overwrite, _, _) => self.replace()?,
            (SaveMode::Append, PathKind::Folder, PathKind::Folder) => {
                merge_into(&self.write_path, &self.path)?;
                if let Err(e) = remove_any(&self.write_path) {
                    tracing::warn!(
                        path = %self.write_path.display(), error = %e,
                        "could not remove the emptied temporary save folder"
                    );
                }
            }
            (SaveMode::Append, _, _) => {
                return Err(Error::not_supported(format!(
                    "appending to `{}`: append adds part files to a folder; a single file \
                     cannot be appended to or appended into a folder",
                    self.path.display()
                )));
            }
        }
        self.committed = true;
        Ok(())
    }

    fn rename_into_place(&self) -> Result<()> {
        fs::rename(&self.write_path, &self.path).map_err(|e| Error::io(self.path.display(), e))
    }

    /// Overwrite: move the old output aside, rename the new one in, then
    /// delete the old one; restore it if the rename fails.
    fn replace(&self) -> Result<()> {
        let name = self.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let backup = hidden_sibling(&self.path, &name, "old")?;
        fs::rename(&self.path, &backup).map_err(|e| Error::io(self.path.display(), e))?;
        if let Err(e) = fs::rename(&self.write_path, &self.path) {
            if let Err(restore) = fs::rename(&backup, &self.path) {
                tracing::warn!(
                    path = %self.path.display(), backup = %backup.display(), error = %restore,
                    "could not restore the previous output after a failed overwrite"
                );
            }
            return Err(Error::io(self.path.display(), e));
        }
        if let Err(e) = remove_any(&backup) {
            tracing::warn!(
                path = %backup.display(), error = %e,
                "could not remove the previous output after an overwrite"
            );
        }
        Ok(())
    }
}

impl Drop for SaveTarget {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        if let Err(e) = remove_any(&self.write_path) {
            tracing::warn!(
                path = %self.write_path.display(), error = %e,
                "could not remove the temporary output of an uncommitted save"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use proptest::prelude::*;

    fn s(p: &Path) -> String {
        p.to_string_lossy().into_owned()
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn write_single(path: &str, mode: SaveMode, content: &str) -> Result<()> {
        let t = SaveTarget::prepare(path, mode)?;
        fs::write(t.write_path(), content).unwrap();
        t.commit()
    }

    fn write_parts(path: &str, mode: SaveMode, parts: &[&str]) -> Result<Vec<String>> {
        let t = SaveTarget::prepare(path, mode)?;
        t.create_write_dir()?;
        let mut names = Vec::new();
        for (i, content) in parts.iter().enumerate() {
            fs::write(t.part_path(i, FileFormat::Parquet), content).unwrap();
            names.push(t.part_name(i, FileFormat::Parquet));
        }
        t.commit()?;
        Ok(names)
    }

    #[test]
    fn eng_io_5_parses_modes() {
        assert_eq!("overwrite".parse::<SaveMode>().ok(), Some(SaveMode::Overwrite));
        assert_eq!("APPEND".parse::<SaveMode>().ok(), Some(SaveMode::Append));
        assert_eq!("Error".parse::<SaveMode>().ok(), Some(SaveMode::Error));
        assert_eq!(SaveMode::default(), SaveMode::Overwrite);
        assert_eq!(SaveMode::Append.to_string(), "append");
        for bad in ["", "ignore", "errorifexists", "over write"] {
            let err = bad.parse::<SaveMode>().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotSupported, "{bad}");
        }
    }

    #[test]
    fn eng_io_5_glob_in_save_path_is_invalid() {
        let tmp = tempfile::tempdir().unwrap();
        for p in ["*.csv", "a?.csv"] {
            let err =
                SaveTarget::prepare(&s(&tmp.path().join(p)), SaveMode::Overwrite).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{p}");
        }
        for p in ["", "/", ".."] {
            let err = SaveTarget::prepare(p, SaveMode::Overwrite).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{p}");
        }
        let err = SaveTarget::prepare("s3://b/x.csv", SaveMode::Overwrite).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotSupported);
    }

    #[test]
    fn eng_io_9_creates_parent_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a/b/c/t.json");
        write_single(&s(&path), SaveMode::Overwrite, "{}").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
        // no temporaries left behind
        assert_eq!(names(&tmp.path().join("a/b/c")), ["t.json"]);
        let url = format!("file://{}", s(&tmp.path().join("d/u.csv")));
        write_single(&url, SaveMode::Overwrite, "x").unwrap();
        assert!(tmp.path().join("d/u.csv").is_file());
    }

    #[test]
    fn eng_io_5_overwrite_file_by_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = s(&tmp.path().join("t.csv"));
        write_single(&path, SaveMode::Overwrite, "old").unwrap();
        let t = SaveTarget::prepare(&path, SaveMode::Overwrite).unwrap();
        assert_eq!(t.existing(), PathKind::File);
        assert_eq!(t.mode(), SaveMode::Overwrite);
        assert_eq!(t.write_path().parent(), Some(tmp.path()));
        assert!(
            t.write_path().file_name().unwrap().to_string_lossy().starts_with(".t.csv.fugue-tmp-")
        );
        fs::write(t.write_path(), "new").unwrap();
        // nothing changes before commit
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        t.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(names(tmp.path()), ["t.csv"]);
    }

    #[test]
    fn eng_io_6_single_file_replaces_a_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let path = s(&tmp.path().join("t.parquet"));
        write_parts(&path, SaveMode::Overwrite, &["p0", "p1"]).unwrap();
        assert_eq!(names(Path::new(&path)), ["part-00000.parquet", "part-00001.parquet"]);
        write_single(&path, SaveMode::Overwrite, "single").unwrap();
        assert!(Path::new(&path).is_file());
        assert_eq!(fs::read_to_string(&path).unwrap(), "single");
        assert_eq!(names(tmp.path()), ["t.parquet"]);
        // and a folder replaces a single file
        write_parts(&path, SaveMode::Overwrite, &["p0"]).unwrap();
        assert_eq!(names(Path::new(&path)), ["part-00000.parquet"]);
    }

    #[test]
    fn eng_io_5_failed_write_keeps_old_data() {
        let tmp = tempfile::tempdir().unwrap();
        let path = s(&tmp.path().join("t.parquet"));
        write_parts(&path, SaveMode::Overwrite, &["p0", "p1"]).unwrap();
        {
            let t = SaveTarget::prepare(&path, SaveMode::Overwrite).unwrap();
            t.create_write_dir().unwrap();
            fs::write(t.part_path(0, FileFormat::Parquet), "half").unwrap();
            // the writer fails: the target drops without commit
        }
        assert_eq!(names(Path::new(&path)), ["part-00000.parquet", "part-00001.parquet"]);
        assert_eq!(fs::read_to_string(Path::new(&path).join("part-00000.parquet")).unwrap(), "p0");
        assert_eq!(names(tmp.path()), ["t.parquet"]);
        // a single-file write that fails before writing anything
        drop(SaveTarget::prepare(&path, SaveMode::Overwrite).unwrap());
        assert_eq!(names(tmp.path()), ["t.parquet"]);
    }

    #[test]
    fn commit_without_output_is_internal_and_keeps_old_data() {
        let tmp = tempfile::tempdir().unwrap();
        let path = s(&tmp.path().join("t.csv"));
        write_single(&path, SaveMode::Overwrite, "old").unwrap();
        let err = SaveTarget::prepare(&path, SaveMode::Overwrite).unwrap().commit().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Internal);
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
    }

    #[test]
    fn eng_io_5_error_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let path = s(&tmp.path().join("t.csv"));
        write_single(&path, SaveMode::Error, "first").unwrap();
        let err = SaveTarget::prepare(&path, SaveMode::Error).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        let folder = s(&tmp.path().join("f"));
        fs::create_dir(&folder).unwrap();
        let err = SaveTarget::prepare(&folder, SaveMode::Error).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        // the path appears between prepare and commit
        let late = s(&tmp.path().join("late.csv"));
        let t = SaveTarget::prepare(&late, SaveMode::Error).unwrap();
        fs::write(t.write_path(), "mine").unwrap();
        fs::write(&late, "theirs").unwrap();
        assert_eq!(t.commit().unwrap_err().kind(), ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&late).unwrap(), "theirs");
        assert_eq!(names(tmp.path()), ["f", "late.csv", "t.csv"]);
        assert_eq!(fs::read_to_string(&path).unwrap(), "first");
    }

    #[test]
    fn eng_io_7_append_part_names_are_unique() {
        let tmp = tempfile::tempdir().unwrap();
        let path = s(&tmp.path().join("t.parquet"));
        let first = write_parts(&path, SaveMode::Append, &["a0", "a1"]).unwrap();
        let second = write_parts(&path, SaveMode::Append, &["b0", "b1"]).unwrap();
        let mut all: Vec<String> = first.iter().chain(&second).cloned().collect();
        all.sort();
        assert_eq!(names(Path::new(&path)), all);
        assert!(first.iter().all(|n| !second.contains(n)));
        assert!(first[0].starts_with("part-00000-") && first[0].ends_with(".parquet"));
        let t = SaveTarget::prepare(&path, SaveMode::Append).unwrap();
        assert_eq!(t.existing(), PathKind::Folder);
        assert_ne!(
            t.part_name(0, FileFormat::Csv),
            SaveTarget::prepare(&path, SaveMode::Append).unwrap().part_name(0, FileFormat::Csv)
        );
    }

    #[test]
    fn eng_io_8_append_merges_hive_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let path = s(&tmp.path().join("t"));
        let mut written = Vec::new();
        for round in 0..2 {
            let t = SaveTarget::prepare(&path, SaveMode::Append).unwrap();
            for v in ["1", "2"] {
                let dir = super::super::hive_dir(t.write_path(), &[("a", Some(v))]);
                fs::create_dir_all(&dir).unwrap();
                let name = t.part_name(round, FileFormat::Parquet);
                fs::write(dir.join(&name), v).unwrap();
                written.push((v, name));
            }
            t.commit().unwrap();
        }
        assert_eq!(names(Path::new(&path)), ["a=1", "a=2"]);
        assert_eq!(names(&Path::new(&path).join("a=1")).len(), 2);
        assert_eq!(names(&Path::new(&path).join("a=2")).len(), 2);
        assert_eq!(names(tmp.path()), ["t"]);
    }

    #[test]
    fn eng_io_5_append_to_a_single_file_is_not_supported() {
        let tmp = tempfile::tempdir().unwrap();
        let path = s(&tmp.path().join("t.csv"));
        write_single(&path, SaveMode::Append, "first").unwrap();
        let err = write_single(&path, SaveMode::Append, "second").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotSupported);
        assert_eq!(fs::read_to_string(&path).unwrap(), "first");
        assert_eq!(names(tmp.path()), ["t.csv"]);
    }

    #[test]
    fn overwrite_with_trailing_slash() {
        let tmp = tempfile::tempdir().unwrap();
        let path = format!("{}/", s(&tmp.path().join("t.parquet")));
        write_parts(&path, SaveMode::Overwrite, &["x"]).unwrap();
        write_single(&path, SaveMode::Overwrite, "y").unwrap();
        assert!(tmp.path().join("t.parquet").is_file());
    }

    proptest! {
        #[test]
        fn save_mode_parsing_never_panics(s in any::<String>()) {
            let parsed = s.parse::<SaveMode>();
            let known = ["overwrite", "append", "error"].contains(&s.to_ascii_lowercase().as_str());
            prop_assert_eq!(parsed.is_ok(), known);
        }
    }
}
