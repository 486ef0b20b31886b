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

/// The longest file name most file systems take (`NAME_MAX`, bytes).
const NAME_MAX: usize = 255;

/// The part of a hidden sibling's name taken from `name`: `name` itself,
/// or for a name too long to leave room for `.` + `.fugue-<tag>-<token>`
/// (46 bytes at most) its first 200 bytes plus `~` and a hash of the whole
/// name, so a 255-byte output name still gets a temporary sibling and a
/// leftover backup is still found (same name, same stem).
fn sibling_stem(name: &str) -> String {
    const ROOM: usize = NAME_MAX - 46;
    if name.len() <= ROOM {
        return name.to_string();
    }
    let mut cut = 200;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let hash = name
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{}~{:08x}", &name[..cut], hash as u32)
}

/// The prefix of every hidden sibling of `name` with `tag`:
/// `.<stem>.fugue-<tag>-`.
fn sibling_prefix(name: &str, tag: &str) -> String {
    format!(".{}.fugue-{tag}-", sibling_stem(name))
}

/// A free hidden sibling of `path`: `<parent>/.<stem>.fugue-<tag>-<token>`
/// (see [`sibling_stem`]).
fn hidden_sibling(path: &Path, name: &str, tag: &str) -> Result<PathBuf> {
    let prefix = sibling_prefix(name, tag);
    for _ in 0..100 {
        let candidate = path.with_file_name(format!("{prefix}{}", unique_token()));
        if PathKind::of(&candidate)? == PathKind::Missing {
            return Ok(candidate);
        }
    }
    Err(Error::internal(format!("cannot find a free temporary name next to `{}`", path.display())))
}

/// Flushes `path` to stable storage: a file's data, or every file and
/// folder under a folder (ENG-IO-5: the new output is durable before the
/// old one goes).
fn sync_tree(path: &Path) -> Result<()> {
    let io = |e| Error::io(path.display(), e);
    let meta = fs::symlink_metadata(path).map_err(io)?;
    if meta.is_dir() {
        for entry in fs::read_dir(path).map_err(io)? {
            sync_tree(&entry.map_err(io)?.path())?;
        }
        sync_dir(path)
    } else if meta.is_file() {
        fs::File::open(path).and_then(|f| f.sync_all()).map_err(io)
    } else {
        Ok(())
    }
}

/// Flushes a folder's entries (names created, renamed or removed in it) to
/// stable storage; a no-op where folders cannot be opened (Windows).
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        fs::File::open(dir).and_then(|f| f.sync_all()).map_err(|e| Error::io(dir.display(), e))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// How [`rename_with`] renames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RenameHow {
    /// Fail with `AlreadyExists` when `to` exists (`RENAME_NOREPLACE`).
    NoReplace,
    /// Swap `from` and `to`, both existing (`RENAME_EXCHANGE`).
    Exchange,
}

/// `renameat2` with `how`; `Ok(false)` when the system or file system
/// cannot do it (the caller falls back).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn rename_with(from: &Path, to: &Path, how: RenameHow) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    let flags = match how {
        RenameHow::NoReplace => RenameFlags::NOREPLACE,
        RenameHow::Exchange => RenameFlags::EXCHANGE,
    };
    match renameat_with(CWD, from, CWD, to, flags) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
        Err(e) => Err(io::Error::from(e)),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn rename_with(_from: &Path, _to: &Path, _how: RenameHow) -> io::Result<bool> {
    Ok(false)
}

/// Puts back the previous output of an overwrite that was interrupted
/// between moving it aside and renaming the new one in (a killed process):
/// when nothing is at `path` and a hidden `.<name>.fugue-old-*` sibling is
/// left, the newest one is renamed back to `path`. Called before every save
/// and by loads of a missing path, so the data never stays hidden.
///
/// # Errors
/// `ERR-EXECUTION` (`Error::Io`) naming the leftover copy when it cannot be
/// renamed back.
pub(crate) fn recover_previous_output(path: &Path) -> Result<bool> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(false);
    };
    if PathKind::of(path)? != PathKind::Missing {
        return Ok(false);
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = sibling_prefix(&name, "old");
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(false);
    };
    let mut newest: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(&prefix) {
            continue;
        }
        let modified = entry
            .metadata()
            .and_then(|m| m.modified())
            .unwrap_or(std::time::SystemTime::UNIX_EPOCH);
        if newest.as_ref().is_none_or(|(t, _)| modified > *t) {
            newest = Some((modified, entry.path()));
        }
    }
    let Some((_, backup)) = newest else {
        return Ok(false);
    };
    match rename_with(&backup, path, RenameHow::NoReplace) {
        Ok(true) => {}
        Ok(false) => fs::rename(&backup, path).map_err(|e| recover_error(path, &backup, e))?,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(recover_error(path, &backup, e)),
    }
    sync_dir(parent)?;
    tracing::info!(
        path = %path.display(), backup = %backup.display(),
        "restored the previous output left hidden by an interrupted overwrite"
    );
    Ok(true)
}

fn recover_error(path: &Path, backup: &Path, e: io::Error) -> Error {
    Error::io(
        path.display(),
        io::Error::new(
            e.kind(),
            format!(
                "an interrupted overwrite left the previous output hidden at `{}` and it \
                 cannot be renamed back ({e}); rename it to `{}` by hand",
                backup.display(),
                path.display()
            ),
        ),
    )
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
        recover_previous_output(&target)?;
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
    /// The output is first flushed to stable storage (`fsync` of every file
    /// and folder written), then:
    ///
    /// * [`SaveMode::Overwrite`]: a file replacing a file (or nothing) is one
    ///   atomic `rename`: the path holds the old or the new complete file at
    ///   every instant. When a folder is involved on either side (ENG-IO-6:
    ///   a single file replaces a folder and vice versa) the two are swapped
    ///   atomically (`renameat2(RENAME_EXCHANGE)` on Linux) and the old one
    ///   removed; where that is not available the old one is moved aside to
    ///   a hidden `.<name>.fugue-old-*` sibling first and put back if the
    ///   rename fails. A process killed in that window leaves the old output
    ///   hidden; the next save or load of the path renames it back
    ///   (ENG-IO-5);
    /// * [`SaveMode::Error`]: the output is renamed into place only if
    ///   nothing is there, atomically (`RENAME_NOREPLACE` on Linux; a hard
    ///   link for files elsewhere): of two concurrent saves to one new path,
    ///   one fails with `ERR-EXISTS`;
    /// * [`SaveMode::Append`]: when nothing is at `path` the output is renamed
    ///   into place as in error mode; when both `path` and the output are
    ///   folders, the output's entries are moved into `path`, merging Hive
    ///   subfolders (part names are unique, see [`part_name`](SaveTarget::part_name)).
    ///
    /// Finally the folder holding `path` is flushed, so the rename is
    /// durable.
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
    /// * `ERR-EXECUTION` (`Error::Io`): a flush, rename or removal failed,
    ///   or the previous output could not be put back (the message names
    ///   where it is).
    pub fn commit(mut self) -> Result<()> {
        let written = PathKind::of(&self.write_path)?;
        if written == PathKind::Missing {
            return Err(Error::internal(format!(
                "nothing was written at `{}` before commit",
                self.write_path.display()
            )));
        }
        sync_tree(&self.write_path)?;
        let current = PathKind::of(&self.path)?;
        match (self.mode, current, written) {
            (SaveMode::Overwrite, PathKind::Missing | PathKind::File, PathKind::File)
            | (SaveMode::Overwrite, PathKind::Missing, PathKind::Folder) => {
                fs::rename(&self.write_path, &self.path)
                    .map_err(|e| Error::io(self.path.display(), e))?;
            }
            (SaveMode::Overwrite, _, _) => self.replace()?,
            (SaveMode::Error, _, _) | (SaveMode::Append, PathKind::Missing, _) => {
                self.rename_no_replace(written)?;
            }
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
        sync_dir(self.path.parent().unwrap_or(Path::new("")))
    }

    /// Error mode (and append to a missing path): rename unless something is
    /// at `path`, without a window between the check and the rename.
    fn rename_no_replace(&self, written: PathKind) -> Result<()> {
        let exists = || Error::AlreadyExists(self.path.display().to_string());
        match rename_with(&self.write_path, &self.path, RenameHow::NoReplace) {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(exists()),
            Err(e) => return Err(Error::io(self.path.display(), e)),
        }
        if written == PathKind::File {
            // a hard link fails if the name exists: atomic for files
            match fs::hard_link(&self.write_path, &self.path) {
                Ok(()) => {
                    let _ = fs::remove_file(&self.write_path);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(exists()),
                Err(_) => {} // no hard links here: check, then rename
            }
        }
        if PathKind::of(&self.path)? != PathKind::Missing {
            return Err(exists());
        }
        fs::rename(&self.write_path, &self.path).map_err(|e| Error::io(self.path.display(), e))
    }

    /// Overwrite where a folder is involved: swap the new output with the
    /// old one atomically and remove the old one; without `RENAME_EXCHANGE`,
    /// move the old one aside, rename the new one in, then remove the old
    /// one (restored if the rename fails; a leftover is recovered by the
    /// next save or load of the path).
    fn replace(&self) -> Result<()> {
        if let Ok(true) = rename_with(&self.write_path, &self.path, RenameHow::Exchange) {
            // the old output is now at write_path (hidden); the drop handler
            // would remove it too, but the target counts as committed
            if let Err(e) = remove_any(&self.write_path) {
                tracing::warn!(
                    path = %self.write_path.display(), error = %e,
                    "could not remove the previous output after an overwrite"
                );
            }
            return Ok(());
        }
        let name = self.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let backup = hidden_sibling(&self.path, &name, "old")?;
        fs::rename(&self.path, &backup).map_err(|e| Error::io(self.path.display(), e))?;
        if let Err(e) = fs::rename(&self.write_path, &self.path) {
            if let Err(restore) = fs::rename(&backup, &self.path) {
                return Err(recover_error(&self.path, &backup, restore));
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

    /// A name at the file-system limit: the temporary and backup siblings
    /// used to add ~30 bytes to it, so a legal 240-byte name always failed.
    #[test]
    fn eng_io_5_names_near_the_limit_save_and_overwrite() {
        let tmp = tempfile::tempdir().unwrap();
        for len in [200, 240, 255] {
            let name = format!("{}.csv", "n".repeat(len - 4));
            let path = s(&tmp.path().join(&name));
            write_single(&path, SaveMode::Overwrite, "one").unwrap();
            write_single(&path, SaveMode::Overwrite, "two").unwrap();
            assert_eq!(fs::read_to_string(&path).unwrap(), "two");
            // a folder replacing the file, and the file replacing the folder
            write_parts(&path, SaveMode::Overwrite, &["p"]).unwrap();
            write_single(&path, SaveMode::Overwrite, "three").unwrap();
            assert_eq!(fs::read_to_string(&path).unwrap(), "three");
            assert_eq!(names(tmp.path()), std::slice::from_ref(&name));
            fs::remove_file(&path).unwrap();
        }
        // unicode names are cut at a character boundary
        let name = "é".repeat(127);
        let path = s(&tmp.path().join(&name));
        write_single(&path, SaveMode::Overwrite, "x").unwrap();
        write_parts(&path, SaveMode::Overwrite, &["p"]).unwrap();
        assert_eq!(names(tmp.path()), [name]);
    }

    /// The state a process killed between moving the old output aside and
    /// renaming the new one in leaves: only a hidden copy. Loaders skip
    /// hidden names, so the data was lost to them; now the next load or
    /// save renames it back.
    #[test]
    fn eng_io_5_a_hidden_previous_output_is_recovered() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("t.csv");
        let hidden = tmp.path().join(".t.csv.fugue-old-1-2-3");
        fs::write(&hidden, "a\n1\n").unwrap();
        let text = s(&path);
        let files = crate::io::listing::list_load_files(&[text.as_str()], None).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(fs::read_to_string(&path).unwrap(), "a\n1\n");
        assert_eq!(names(tmp.path()), ["t.csv"]);
        // a save in error mode sees the recovered data, not a free path
        fs::rename(&path, &hidden).unwrap();
        let err = SaveTarget::prepare(&text, SaveMode::Error).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        assert_eq!(names(tmp.path()), ["t.csv"]);
        // a folder, and the newest of two leftovers
        fs::remove_file(&path).unwrap();
        let old = tmp.path().join(".t.csv.fugue-old-a");
        fs::create_dir(&old).unwrap();
        fs::write(old.join("part-00000.csv"), "a\n2\n").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let newer = tmp.path().join(".t.csv.fugue-old-b");
        fs::create_dir(&newer).unwrap();
        fs::write(newer.join("part-00000.csv"), "a\n3\n").unwrap();
        assert!(recover_previous_output(&path).unwrap());
        assert_eq!(fs::read_to_string(path.join("part-00000.csv")).unwrap(), "a\n3\n");
        // nothing to do when the path exists
        assert!(!recover_previous_output(&path).unwrap());
    }

    /// Error mode does not check and then rename: of many concurrent saves
    /// to one new path exactly one wins, the others get `ERR-EXISTS`, and
    /// the path holds the winner's complete output.
    #[test]
    fn eng_io_5_concurrent_error_mode_saves_one_wins() {
        let tmp = tempfile::tempdir().unwrap();
        for (round, folder) in [(0, false), (1, true), (2, false)] {
            let path = s(&tmp.path().join(format!("t{round}.csv")));
            let targets: Vec<SaveTarget> =
                (0..8).map(|_| SaveTarget::prepare(&path, SaveMode::Error).unwrap()).collect();
            for (i, t) in targets.iter().enumerate() {
                if folder {
                    t.create_write_dir().unwrap();
                    fs::write(t.part_path(0, FileFormat::Csv), format!("{i}")).unwrap();
                } else {
                    fs::write(t.write_path(), format!("{i}")).unwrap();
                }
            }
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(targets.len()));
            let results: Vec<std::result::Result<(), ErrorKind>> = std::thread::scope(|scope| {
                let handles: Vec<_> = targets
                    .into_iter()
                    .map(|t| {
                        let barrier = std::sync::Arc::clone(&barrier);
                        scope.spawn(move || {
                            barrier.wait();
                            t.commit().map_err(|e| e.kind())
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
            assert!(
                results.iter().all(|r| r.is_ok() || *r == Err(ErrorKind::AlreadyExists)),
                "{results:?}"
            );
            let winner = results.iter().position(Result::is_ok).unwrap();
            let file = if folder { Path::new(&path).join("part-00000.csv") } else { path.into() };
            assert_eq!(fs::read_to_string(file).unwrap(), winner.to_string());
        }
        // no temporaries are left behind
        assert_eq!(names(tmp.path()), ["t0.csv", "t1.csv", "t2.csv"]);
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
