//! Syntax errors with position and a caret line (FSQL-RUST-ERR).

use std::fmt;

/// A FugueSQL syntax error (ERR-FSQL-SYNTAX, FSQL-RUST-ERR-1): the 1-based
/// line and column of the offending token, its text (empty at the end of
/// input), what was expected, an optional hint and the source line.
///
/// `Display` follows FSQL-RUST-ERR-2: the message, then the source line as
/// `N:<TAB>text`, then a marker line of spaces, a tab, one `.` per character
/// before the token and one `^` per character of the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line of the offending token.
    pub line: usize,
    /// 1-based column (in characters) of the offending token.
    pub column: usize,
    /// The offending token's text; empty at the end of input.
    pub token: String,
    /// What went wrong / what was expected.
    pub message: String,
    /// An optional hint (FSQL-RUST-ERR-4).
    pub hint: Option<String>,
    /// The source line holding the token.
    pub source_line: String,
}

impl SyntaxError {
    pub(crate) fn new(
        src: &str,
        line: usize,
        column: usize,
        token: String,
        message: &str,
        hint: Option<&str>,
    ) -> Self {
        let source_line = src.lines().nth(line.saturating_sub(1)).unwrap_or("").to_string();
        SyntaxError {
            line,
            column,
            token,
            message: message.to_string(),
            hint: hint.map(str::to_string),
            source_line,
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.token.is_empty() {
            "end of input".to_string()
        } else {
            format!("`{}`", self.token)
        };
        writeln!(
            f,
            "FugueSQL syntax error at line {}, column {} ({at}): {}",
            self.line, self.column, self.message
        )?;
        let prefix = format!("{}:", self.line);
        writeln!(f, "{prefix}\t{}", self.source_line)?;
        let dots = ".".repeat(self.column.saturating_sub(1));
        let carets = "^".repeat(self.token.chars().count());
        write!(f, "{}\t{dots}{carets}", " ".repeat(prefix.chars().count()))?;
        if let Some(h) = &self.hint {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SyntaxError {}

impl From<SyntaxError> for fugue_core::Error {
    /// `ERR-FSQL-SYNTAX` whose message is the full FSQL-RUST-ERR-2 text.
    fn from(e: SyntaxError) -> Self {
        fugue_core::Error::fsql_syntax(e.to_string())
    }
}
