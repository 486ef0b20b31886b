//! Rendering a DataFrame as a readable text table (DF-SHOW-1..6).

use std::io::Write;
use std::sync::Mutex;

use super::DataFrame;
use crate::error::{Error, Result};
use crate::value::Value;

/// Options of `show` (DF-SHOW-1..4).
#[derive(Debug, Clone)]
pub struct ShowOptions {
    /// Maximum number of rows printed (default 10).
    pub n: usize,
    /// Take a full count and print it (DF-SHOW-4).
    pub with_count: bool,
    /// A title line printed first when non-empty (DF-SHOW-1).
    pub title: Option<String>,
}

impl Default for ShowOptions {
    fn default() -> Self {
        ShowOptions { n: 10, with_count: false, title: None }
    }
}

/// Longest cell text before it is cut (DF-SHOW-3).
const MAX_CELL: usize = 500;
/// Target table width in characters (DF-SHOW-3).
const TARGET_WIDTH: usize = 100;

static SHOW_LOCK: Mutex<()> = Mutex::new(());

/// Writes `text` to stdout under one global lock so concurrent shows never
/// interleave (DF-SHOW-6).
pub(super) fn print_locked(text: &str) -> Result<()> {
    let _guard = SHOW_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).map_err(|e| Error::io("<stdout>", e))?;
    out.flush().map_err(|e| Error::io("<stdout>", e))
}

fn cell_text(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > MAX_CELL {
        let mut cut: String = s.chars().take(MAX_CELL - 3).collect();
        cut.push_str("...");
        cut
    } else {
        s
    }
}

/// Splits `s` into pieces of at most `width` characters (wrapping long cells).
fn wrap(s: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars.chunks(width.max(1)).map(|c| c.iter().collect()).collect()
}

pub(super) fn render<D: DataFrame + ?Sized>(df: &D, options: &ShowOptions) -> Result<String> {
    let mut out = String::new();
    if let Some(title) = options.title.as_deref().filter(|t| !t.is_empty()) {
        out.push_str(title);
        out.push('\n');
    }
    out.push_str(type_name(df));
    out.push('\n');
    let head = df.head(options.n, None)?;
    let rows = head.rows()?;
    let headers: Vec<String> = df
        .schema()
        .fields()
        .iter()
        .map(|f| {
            crate::schema::Schema::from_fields_unchecked_types([f.clone()])
                .map(|s| s.to_string())
                .unwrap_or_else(|_| f.name().clone())
        })
        .collect();
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(cell_text).collect()).collect();
    let widths = column_widths(&headers, &cells);
    let line = |texts: &[String], out: &mut String| {
        let wrapped: Vec<Vec<String>> =
            texts.iter().zip(&widths).map(|(t, w)| wrap(t, *w)).collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for i in 0..height {
            let parts: Vec<String> = wrapped
                .iter()
                .zip(&widths)
                .map(|(w, width)| {
                    let piece = w.get(i).map(String::as_str).unwrap_or("");
                    format!("{piece:<width$}")
                })
                .collect();
            out.push_str(parts.join("|").trim_end());
            out.push('\n');
        }
    };
    line(&headers, &mut out);
    out.push_str(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("+"));
    out.push('\n');
    for r in &cells {
        line(r, &mut out);
    }
    if options.with_count {
        out.push_str(&format!("Total count: {}\n\n", df.count()?));
    } else if rows.len() < options.n {
        out.push_str(&format!("Total count: {}\n\n", rows.len()));
    }
    if !df.metadata().is_empty() {
        let json = serde_json::to_string_pretty(df.metadata())
            .map_err(|e| Error::internal(format!("cannot print metadata: {e}")))?;
        out.push_str("Metadata:\n");
        out.push_str(&json);
        out.push_str("\n\n");
    }
    Ok(out)
}

fn type_name<D: ?Sized>(_df: &D) -> &'static str {
    let full = std::any::type_name::<D>();
    // `dyn fugue_core::dataframe::DataFrame` → `DataFrame`; `a::b::LocalDataFrame` → `LocalDataFrame`
    full.rsplit("::").next().unwrap_or(full)
}

/// Column widths: start at the header width and share the rest of a
/// 100-character target proportionally to the content (DF-SHOW-3).
fn column_widths(headers: &[String], cells: &[Vec<String>]) -> Vec<usize> {
    let n = headers.len();
    let header_w: Vec<usize> = headers.iter().map(|h| h.chars().count().max(1)).collect();
    let content_w: Vec<usize> = (0..n)
        .map(|i| cells.iter().map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0))
        .collect();
    let wanted: Vec<usize> = header_w.iter().zip(&content_w).map(|(h, c)| (*h).max(*c)).collect();
    let total: usize = wanted.iter().sum::<usize>() + n.saturating_sub(1);
    if total <= TARGET_WIDTH {
        return wanted;
    }
    let base: usize = header_w.iter().sum::<usize>() + n.saturating_sub(1);
    let spare = TARGET_WIDTH.saturating_sub(base);
    let extra_wanted: usize = wanted.iter().zip(&header_w).map(|(w, h)| w - h).sum();
    wanted
        .iter()
        .zip(&header_w)
        .map(|(w, h)| {
            let extra = w - h;
            let share = (extra * spare).checked_div(extra_wanted).unwrap_or(0);
            h + share.min(extra)
        })
        .collect()
}
