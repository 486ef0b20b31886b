//! Shared helpers: the CLI error, conf parsing, number formatting, output.

use std::io::Write;
use std::process::ExitCode;

use fugue::core::Conf;
use serde_json::Value as Json;

/// A failed command: one line for stderr and the exit code.
#[derive(Debug)]
pub struct CliError {
    /// The message printed after `error: `.
    pub message: String,
    /// The process exit code (1 for a failed run).
    pub code: u8,
}

impl CliError {
    /// A failed run (exit code 1).
    pub fn new(message: impl Into<String>) -> Self {
        CliError { message: message.into(), code: 1 }
    }
}

impl From<fugue::Error> for CliError {
    fn from(e: fugue::Error) -> Self {
        CliError::new(error_chain(&e))
    }
}

/// The error's message followed by each source's message that it does not
/// already contain (user-function and backend errors keep their cause as a
/// source).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let m = s.to_string();
        if !text.contains(&m) {
            text.push_str(": ");
            text.push_str(&m);
        }
        source = s.source();
    }
    text
}

/// `s` on one line: line breaks become `; `, runs of spaces are kept.
pub fn one_line(s: &str) -> String {
    s.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("; ")
}

/// Prints a clap outcome: help and version to stdout (exit 0); a usage
/// error as one line on stderr pointing to `--help` (exit 2).
pub fn clap_exit(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = e.render().to_string();
            // The lines before the usage block, joined: clap puts the
            // missing argument names on their own lines.
            let first = rendered
                .lines()
                .map(str::trim)
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let first = if first.is_empty() { "invalid command line".to_string() } else { first };
            let first = first.strip_prefix("error: ").unwrap_or(&first);
            eprintln!("error: {first} (see `fugue --help`)");
            ExitCode::from(2)
        }
    }
}

/// The engine conf from `--conf` pairs over the global defaults: a value
/// that parses as JSON (`4`, `true`, `"x"`) is kept typed, any other value
/// is text.
pub fn make_conf(pairs: &[(String, String)]) -> Conf {
    let mut conf = Conf::new();
    for (k, v) in pairs {
        let value = serde_json::from_str::<Json>(v.trim())
            .ok()
            .filter(|j| !j.is_object() && !j.is_array())
            .unwrap_or_else(|| Json::String(v.clone()));
        conf.set(k.clone(), value);
    }
    conf
}

/// Writes `text` to stdout; a closed pipe (`fugue ... | head`) is not an error.
///
/// # Errors
/// Any other write error.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::new(format!("cannot write to stdout: {e}"))),
    }
}

/// Writes the file `path` through `write`, which must write the whole
/// content at the path it is given: a hidden sibling of `path` with a
/// unique name, flushed to disk and renamed over `path` in one atomic step
/// ([`SaveTarget`](fugue::core::spi::io::SaveTarget)). A failed or killed
/// run never leaves a half-written file under `path`, and two runs writing
/// into one folder never share a temporary file. The folder must exist.
///
/// # Errors
/// A missing folder, a path that is not UTF-8, and the errors of `write`
/// and of the rename, each naming `path`.
pub fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&std::path::Path) -> Result<(), CliError>,
) -> Result<(), CliError> {
    use fugue::core::io::SaveMode;
    use fugue::core::spi::io::SaveTarget;
    let cannot = |why: String| CliError::new(format!("cannot write `{}`: {why}", path.display()));
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(cannot(format!("the folder `{}` does not exist", parent.display())));
    }
    let text = path.to_str().ok_or_else(|| cannot("the path is not valid UTF-8".into()))?;
    let target =
        SaveTarget::prepare(text, SaveMode::Overwrite).map_err(|e| cannot(error_chain(&e)))?;
    write(target.write_path())?;
    target.commit().map_err(|e| cannot(error_chain(&e)))
}

/// Seconds with 3 significant decimals (`1.234`, `0.0123`).
pub fn secs(s: f64) -> String {
    if s >= 100.0 {
        format!("{s:.1}")
    } else if s >= 0.1 {
        format!("{s:.3}")
    } else {
        format!("{s:.4}")
    }
}

/// A rate with an SI suffix (`6.12M`).
pub fn rate(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    if x >= 1e9 {
        format!("{:.2}G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// An integer with thousands separators (`6,001,215`).
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A text table: left-aligned columns separated by two spaces.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let parts: Vec<String> = cells.zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        let mut l = parts.join("  ").trim_end().to_string();
        l.push('\n');
        l
    };
    let mut out = line(&mut headers.iter().copied());
    out.push_str(&line(
        &mut widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().iter().map(String::as_str),
    ));
    for r in rows {
        out.push_str(&line(&mut r.iter().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(6001215), "6,001,215");
        assert_eq!(thousands(12), "12");
        assert_eq!(rate(6_120_000.0), "6.12M");
        assert_eq!(secs(1.23456), "1.235");
        assert_eq!(secs(0.012345), "0.0123");
        assert_eq!(one_line("a\n\nb  \n"), "a; b");
    }

    #[test]
    fn conf_values_are_typed_when_json() {
        let c = make_conf(&[("a".into(), "4".into()), ("b".into(), "x y".into())]);
        assert_eq!(c.get_value("a"), Some(&Json::from(4)));
        assert_eq!(c.get_value("b"), Some(&Json::from("x y")));
    }

    #[test]
    fn atomic_writes_replace_whole_files_and_leave_no_temporaries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old").expect("write");
        write_atomically(&path, |tmp| {
            assert_ne!(tmp, path.as_path(), "the content goes to a temporary first");
            assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("old"));
            std::fs::write(tmp, "new").map_err(|e| CliError::new(e.to_string()))
        })
        .expect("write");
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("new"));
        // a failed write keeps the old file and removes its temporary
        let err = write_atomically(&path, |tmp| {
            std::fs::write(tmp, "half").expect("write");
            Err(CliError::new("boom"))
        })
        .expect_err("fails");
        assert_eq!(err.message, "boom");
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("new"));
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(names.len(), 1);
        let missing = dir.path().join("no/such/r.json");
        let err = write_atomically(&missing, |_| Ok(())).expect_err("no folder");
        assert!(err.message.contains("does not exist"), "{}", err.message);
    }

    #[test]
    fn tables_align() {
        let t = table(&["a", "bb"], &[vec!["xxx".into(), "y".into()]]);
        assert_eq!(t, "a    bb\n---  --\nxxx  y\n");
    }
}
