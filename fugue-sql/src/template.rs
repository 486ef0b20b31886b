//! Template rendering (FSQL-TPL, FSQL-RUST-PARSE-1) with `minijinja`.

use fugue_core::{Error, Result};
use minijinja::value::ValueKind;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde_json::{Map, Value as Json};

/// Stand-ins for the characters of protected strings (FSQL-TPL-5): one
/// private-use character per character, so positions do not move.
const PROTECT: [(char, char); 3] = [('{', '\u{E000}'), ('%', '\u{E001}'), ('}', '\u{E002}')];

/// Replaces the content of quoted strings made only of `{`, `%`, `}` by
/// stand-ins (FSQL-TPL-5; Py's `'[{}%]*'` / `"[{}%]*"` patterns). Returns
/// the text and whether anything was protected.
fn protect(src: &str) -> (String, bool) {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut any = false;
    let mut i = 0;
    while i < chars.len() {
        let q = chars[i];
        out.push(q);
        i += 1;
        if q != '\'' && q != '"' {
            continue;
        }
        let mut j = i;
        while j < chars.len() && matches!(chars[j], '{' | '%' | '}') {
            j += 1;
        }
        if j < chars.len() && chars[j] == q {
            for &c in &chars[i..j] {
                out.push(PROTECT.iter().find(|(a, _)| *a == c).map_or(c, |(_, b)| *b));
                any = true;
            }
            out.push(q);
            i = j + 1;
        }
    }
    (out, any)
}

fn unprotect(text: &str) -> String {
    text.chars().map(|c| PROTECT.iter().find(|(_, b)| *b == c).map_or(c, |(a, _)| *a)).collect()
}

/// True when `text` holds template syntax (FSQL-TPL-7).
fn has_markers(text: &str) -> bool {
    text.contains("{{") || text.contains("{%") || text.contains("{#")
}

/// Renders `src` with `params` as the template variables (FSQL-TPL-1..8).
/// Scripts without `{{`, `{%` or `{#` outside protected strings are
/// returned unchanged (FSQL-TPL-7).
///
/// # Errors
/// `ERR-FSQL-TEMPLATE` with line and column for template syntax errors and
/// undefined values (strict, FSQL-TPL-6); `ERR-NOT-SUPPORTED` for a
/// rendered script with protected strings that also holds the private-use
/// characters U+E000..U+E002 (they stand in for protected braces).
pub(crate) fn render(src: &str, params: &Map<String, Json>) -> Result<String> {
    let (text, protected) = protect(src);
    if !has_markers(&text) {
        return Ok(src.to_string());
    }
    if protected && src.chars().any(|c| PROTECT.iter().any(|(_, b)| *b == c)) {
        return Err(Error::not_supported(
            "a templated script holding the private-use characters U+E000..U+E002 \
             (they stand in for protected braces, FSQL-TPL-5)",
        ));
    }
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    // FSQL-TPL-4: booleans as `true`/`false` (minijinja prints `True`).
    env.set_formatter(|out, state, value| {
        if value.kind() == ValueKind::Bool {
            out.write_str(if value.is_true() { "true" } else { "false" }).map_err(Into::into)
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    let ctx = minijinja::Value::from_serialize(params);
    let out = env.render_str(&text, ctx).map_err(|e| template_error(&text, &e))?;
    Ok(if protected { unprotect(&out) } else { out })
}

/// ERR-FSQL-TEMPLATE naming the position in the template source and the
/// text there (e.g. the undefined name).
fn template_error(text: &str, e: &minijinja::Error) -> Error {
    let mut msg = e.kind().to_string();
    if let Some(d) = e.detail() {
        msg = format!("{msg}: {d}");
    }
    let pos = match (e.range(), e.line()) {
        (Some(r), _) if r.start <= r.end && r.end <= text.len() => {
            let before = text.get(..r.start).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            if let Some(at) = text.get(r).filter(|t| !t.trim().is_empty()) {
                msg = format!("{msg} (at `{}`)", unprotect(at));
            }
            format!(" at line {line}, column {col}")
        }
        (_, Some(line)) => format!(" at line {line}"),
        _ => String::new(),
    };
    Error::fsql_template(format!(
        "the FugueSQL template cannot be rendered{pos}: {msg} (FSQL-TPL-6)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(v: Json) -> Map<String, Json> {
        v.as_object().cloned().unwrap_or_default()
    }

    /// FSQL-TPL-4: floats keep a fraction, booleans are lower case.
    #[test]
    fn values_render_as_spec() {
        let p = params(json!({"f": 1.0, "g": 0.25, "i": 3, "b": true, "s": "x'y"}));
        assert_eq!(render("{{f}} {{g}} {{i}} {{b}} {{s}}", &p).unwrap(), "1.0 0.25 3 true x'y");
    }

    /// FSQL-TPL-5: brace-only strings survive, others render.
    #[test]
    fn brace_only_strings_are_literal() {
        let p = params(json!({"x": 7}));
        assert_eq!(
            render("a '{%' \"{}%{}\" '' '{{x}}%' \"{{x}}\"", &p).unwrap(),
            "a '{%' \"{}%{}\" '' '7%' \"7\""
        );
        assert_eq!(render("LIKE '{%'", &p).unwrap(), "LIKE '{%'");
    }

    /// FSQL-TPL-7: no markers, no rendering (a lone `{` or `}` stays, and
    /// the trailing newline is kept when rendering).
    #[test]
    fn no_markers_no_rendering() {
        let p = Map::new();
        assert_eq!(render("SELECT '}' {x}\n", &p).unwrap(), "SELECT '}' {x}\n");
        let p = params(json!({"x": 1}));
        assert_eq!(render("a {{x}}\n", &p).unwrap(), "a 1\n");
    }

    /// The stand-in characters are never silently turned into braces.
    #[test]
    fn stand_in_characters_are_rejected() {
        let p = params(json!({"x": 1}));
        let e = render("'{%' '\u{E000}' {{x}}", &p).unwrap_err();
        assert_eq!(e.kind(), fugue_core::ErrorKind::NotSupported, "{e}");
        assert_eq!(render("'\u{E000}' {{x}}", &p).unwrap(), "'\u{E000}' 1");
    }

    /// FSQL-TPL-6: undefined and syntax errors name their position.
    #[test]
    fn errors_are_template_errors_with_positions() {
        let e = render("SELECT 1\nWHERE a > {{ y }}", &Map::new()).unwrap_err();
        assert_eq!(e.kind(), fugue_core::ErrorKind::FsqlTemplate, "{e}");
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = render("{% if %}", &Map::new()).unwrap_err();
        assert_eq!(e.kind(), fugue_core::ErrorKind::FsqlTemplate, "{e}");
        assert!(e.to_string().contains("line 1"), "{e}");
    }
}
