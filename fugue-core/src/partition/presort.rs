//! Presort expressions (PS-PRESORT-1..6) and the quoting of names (SCH-NAME-3,
//! SCH-PRINT-2).
//!
//! Items are split on `,` outside backticks with the schema module's lexer,
//! then each at the first whitespace outside backticks.

use crate::error::{Error, Result};
use crate::schema::{quote_name, split_outside_backticks};

/// One item of the list form of a presort (PS-PRESORT-4): a bare name
/// (ascending) or a `(name, ascending)` pair.
///
/// Built with `From`: `"a"`, `String`, `("a", false)`, `(String, bool)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresortItem {
    /// A column name, sorted ascending. Surrounding whitespace is removed;
    /// the name must be a single word (Py rejects `"b desc"` here).
    Name(String),
    /// A column name (surrounding whitespace removed) and its direction
    /// (`true` = ascending).
    Pair(String, bool),
}

impl From<&str> for PresortItem {
    fn from(v: &str) -> Self {
        PresortItem::Name(v.to_string())
    }
}
impl From<String> for PresortItem {
    fn from(v: String) -> Self {
        PresortItem::Name(v)
    }
}
impl From<&String> for PresortItem {
    fn from(v: &String) -> Self {
        PresortItem::Name(v.clone())
    }
}
impl From<(&str, bool)> for PresortItem {
    fn from(v: (&str, bool)) -> Self {
        PresortItem::Pair(v.0.to_string(), v.1)
    }
}
impl From<(String, bool)> for PresortItem {
    fn from(v: (String, bool)) -> Self {
        PresortItem::Pair(v.0, v.1)
    }
}
impl From<&(String, bool)> for PresortItem {
    fn from(v: &(String, bool)) -> Self {
        PresortItem::Pair(v.0.clone(), v.1)
    }
}

/// Parses a presort expression such as `"b desc, c"` into ordered
/// `(name, ascending)` pairs (PS-PRESORT-1..3, 5).
///
/// * The text is trimmed; empty text is no presort (`[]`).
/// * Items are separated by `,` outside backticks; each item is a name, then
///   optionally whitespace and `asc` / `desc` in any letter case (missing =
///   ascending).
/// * A name may be backtick-quoted with doubled backticks standing for one
///   (SCH-NAME-3): `` `a b` desc `` names the column `a b`. An unquoted name
///   ends at the first whitespace and cannot contain a backtick.
///
/// ```
/// use fugue_core::partition::parse_presort;
///
/// let p = parse_presort("b , c dESc, `x y`")?;
/// assert_eq!(p, vec![("b".into(), true), ("c".into(), false), ("x y".into(), true)]);
/// # Ok::<(), fugue_core::Error>(())
/// ```
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` (naming the text) for an empty item (`a,,b`, trailing
/// comma), a direction other than `asc`/`desc`, more than one word after the
/// name (`b desc x`), an unterminated or empty quoted name, text glued to a
/// quoted name, a backtick inside an unquoted name, or a name given twice
/// (PS-PRESORT-2, 3, 5).
pub fn parse_presort(text: &str) -> Result<Vec<(String, bool)>> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<(String, bool)> = Vec::new();
    for item in split_outside_backticks(trimmed, ',')? {
        let (name, asc) = parse_item(text, item)?;
        push_unique(text, &mut out, name, asc)?;
    }
    Ok(out)
}

/// Builds a presort from its list form (PS-PRESORT-4, 5): each item is a
/// name (ascending) or a `(name, ascending)` pair; names are trimmed and kept
/// verbatim otherwise (no backtick unquoting).
///
/// ```
/// use fugue_core::partition::{presort_from_list, PresortItem};
///
/// let p = presort_from_list([PresortItem::from("a"), ("b", false).into()])?;
/// assert_eq!(p, vec![("a".into(), true), ("b".into(), false)]);
/// # Ok::<(), fugue_core::Error>(())
/// ```
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for an empty name, a bare name that is more than one
/// word (`"b desc"`), or a name given twice.
pub fn presort_from_list<I>(items: I) -> Result<Vec<(String, bool)>>
where
    I: IntoIterator,
    I::Item: Into<PresortItem>,
{
    let mut out: Vec<(String, bool)> = Vec::new();
    for item in items {
        let (name, asc) = match item.into() {
            PresortItem::Name(n) => {
                let t = n.trim();
                if t.split_whitespace().count() != 1 {
                    return Err(Error::syntax(
                        n.as_str(),
                        "a presort list item must be one column name; use a (name, ascending) \
                         pair for a direction",
                    ));
                }
                (t.to_string(), true)
            }
            PresortItem::Pair(n, asc) => {
                let t = n.trim();
                if t.is_empty() {
                    return Err(Error::syntax(n.as_str(), "empty presort column name"));
                }
                (t.to_string(), asc)
            }
        };
        let shown = name.clone();
        push_unique(&shown, &mut out, name, asc)?;
    }
    Ok(out)
}

/// The normalised text of a presort (PS-PRESORT-6): `name ASC` / `name DESC`
/// joined by `,` without spaces, names quoted per SCH-PRINT-2 so that
/// [`parse_presort`] reads the text back to the same pairs.
///
/// ```
/// use fugue_core::partition::{format_presort, parse_presort};
///
/// assert_eq!(format_presort(&parse_presort("b , c dESc")?), "b ASC,c DESC");
/// assert_eq!(format_presort(&[("d e".to_string(), true)]), "`d e` ASC");
/// # Ok::<(), fugue_core::Error>(())
/// ```
pub fn format_presort(presort: &[(String, bool)]) -> String {
    presort
        .iter()
        .map(|(n, asc)| format!("{} {}", quote_name(n), if *asc { "ASC" } else { "DESC" }))
        .collect::<Vec<_>>()
        .join(",")
}

fn push_unique(text: &str, out: &mut Vec<(String, bool)>, name: String, asc: bool) -> Result<()> {
    if out.iter().any(|(n, _)| *n == name) {
        return Err(Error::syntax(text, format!("presort column `{name}` appears twice")));
    }
    out.push((name, asc));
    Ok(())
}

/// Reads one name at the start of `s` (already trimmed at the start): a
/// backtick-quoted name (SCH-NAME-3) or the text up to the first whitespace.
/// Returns the name and the rest of `s`. After a quoted name, the next
/// character must be whitespace or one of `glue_ok` (SCH-NAME-4).
pub(crate) fn read_name<'a>(full: &str, s: &'a str, glue_ok: &str) -> Result<(String, &'a str)> {
    if let Some(body) = s.strip_prefix('`') {
        let mut name = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '`' {
                if let Some((_, '`')) = chars.peek() {
                    chars.next();
                    name.push('`');
                    continue;
                }
                let rest = &body[i + 1..];
                if name.is_empty() {
                    return Err(Error::syntax(full, "empty quoted name"));
                }
                if rest.chars().next().is_some_and(|c| !c.is_whitespace() && !glue_ok.contains(c)) {
                    return Err(Error::syntax(full, "text glued to a quoted name"));
                }
                return Ok((name, rest));
            }
            name.push(c);
        }
        Err(Error::syntax(full, "unterminated backtick"))
    } else {
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        let name = &s[..end];
        if name.contains('`') {
            return Err(Error::syntax(full, "a backtick inside an unquoted name"));
        }
        if name.is_empty() {
            return Err(Error::syntax(full, "empty name"));
        }
        Ok((name.to_string(), &s[end..]))
    }
}

fn parse_item(full: &str, item: &str) -> Result<(String, bool)> {
    let item = item.trim();
    if item.is_empty() {
        return Err(Error::syntax(full, "empty presort item"));
    }
    let (name, rest) = read_name(full, item, "")?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    let asc = match words.as_slice() {
        [] => true,
        [d] if d.eq_ignore_ascii_case("asc") => true,
        [d] if d.eq_ignore_ascii_case("desc") => false,
        [d] => {
            return Err(Error::syntax(
                full,
                format!("invalid sort direction `{d}`, expected `asc` or `desc`"),
            ));
        }
        _ => {
            return Err(Error::syntax(
                full,
                format!("`{}` has more than one word after the column name", item),
            ));
        }
    };
    Ok((name, asc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn p(text: &str) -> Vec<(String, bool)> {
        parse_presort(text).unwrap()
    }
    fn v(items: &[(&str, bool)]) -> Vec<(String, bool)> {
        items.iter().map(|(n, a)| (n.to_string(), *a)).collect()
    }

    #[test]
    fn ps_presort_1_string_form() {
        assert_eq!(p(""), v(&[]));
        assert_eq!(p("   "), v(&[]));
        assert_eq!(p("a"), v(&[("a", true)]));
        assert_eq!(p(" b desc , c "), v(&[("b", false), ("c", true)]));
        assert_eq!(p("`a b` desc,`x,y`"), v(&[("a b", false), ("x,y", true)]));
        assert_eq!(p("`c``d` asc"), v(&[("c`d", true)]));
        assert_eq!(p("`a:b`"), v(&[("a:b", true)]));
        assert_eq!(p("é desc"), v(&[("é", false)]));
    }

    #[test]
    fn ps_presort_2_directions() {
        assert_eq!(
            p("a ASC,b Desc,c dESc,d"),
            v(&[("a", true), ("b", false), ("c", false), ("d", true)])
        );
        for bad in ["b up", "b desc x", "a asc desc", "`a b` c d"] {
            assert_eq!(parse_presort(bad).unwrap_err().kind(), ErrorKind::SchemaSyntax, "{bad}");
        }
    }

    #[test]
    fn ps_presort_3_empty_items() {
        for bad in ["a,,b", "a,", ",a", " , ", "a, ,b"] {
            assert_eq!(parse_presort(bad).unwrap_err().kind(), ErrorKind::SchemaSyntax, "{bad}");
        }
    }

    #[test]
    fn ps_presort_quoting_errors() {
        for bad in ["`a", "``", "`a`b", "a`b`", "`a` `b`", "``` desc"] {
            assert_eq!(parse_presort(bad).unwrap_err().kind(), ErrorKind::SchemaSyntax, "{bad}");
        }
    }

    #[test]
    fn ps_presort_4_list_form() {
        let got = presort_from_list([
            PresortItem::from(" a "),
            ("b", false).into(),
            ("d e", true).into(),
        ])
        .unwrap();
        assert_eq!(got, v(&[("a", true), ("b", false), ("d e", true)]));
        let none: [&str; 0] = [];
        assert!(presort_from_list(none).unwrap().is_empty());
        for bad in [
            vec![PresortItem::from("b desc")],
            vec![PresortItem::from("")],
            vec![("  ", true).into()],
        ] {
            assert_eq!(presort_from_list(bad).unwrap_err().kind(), ErrorKind::SchemaSyntax);
        }
    }

    #[test]
    fn ps_presort_5_duplicates() {
        for bad in ["a,a", "a asc, a desc", "`a`, a"] {
            assert_eq!(parse_presort(bad).unwrap_err().kind(), ErrorKind::SchemaSyntax, "{bad}");
        }
        let err = presort_from_list([("a", true), ("a", false)]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::SchemaSyntax);
    }

    #[test]
    fn ps_presort_6_normalised_text() {
        assert_eq!(format_presort(&p("b , c dESc")), "b ASC,c DESC");
        assert_eq!(format_presort(&[]), "");
        let odd = v(&[("d e", true), ("_", false), ("1a", true), ("c`d", false), ("_a", true)]);
        let text = format_presort(&odd);
        assert_eq!(text, "`d e` ASC,`_` DESC,`1a` ASC,`c``d` DESC,_a ASC");
        assert_eq!(p(&text), odd);
    }

    #[test]
    fn sch_print_2_simple_identifiers() {
        for bare in ["a", "_a", "A1", "a_b"] {
            assert_eq!(quote_name(bare), bare, "{bare}");
        }
        for quoted in ["", "_", "__", "1a", "a b", "é", "a-b"] {
            assert_ne!(quote_name(quoted), quoted, "{quoted}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

        #[test]
        fn prop_parse_presort_never_panics(text in ".{0,40}") {
            let _ = parse_presort(&text);
        }

        #[test]
        fn prop_parse_presort_lexer_chars(text in "[ab` ,]{0,30}(asc|desc)?") {
            let _ = parse_presort(&text);
        }

        /// ~100k characters of items whose names have spaces, unicode,
        /// quotes and backticks (issue 16): parsed back exactly.
        #[test]
        fn prop_presort_long_inputs(
            count in 1usize..=3_000,
            name in "[a-zA-Z_ é€'\"`]{1,10}",
            desc in proptest::bool::ANY,
        ) {
            let items: Vec<(String, bool)> =
                (0..count).map(|i| (format!("{name}{i}"), !desc || i % 2 == 0)).collect();
            let text = format_presort(&items);
            proptest::prop_assert!(text.len() < 120_000);
            proptest::prop_assert_eq!(parse_presort(&text).unwrap(), items);
            // unbalanced backticks at the end of a long text: an error, not a panic
            let broken = format!("{text}, `x");
            proptest::prop_assert!(parse_presort(&broken).is_err());
        }

        #[test]
        fn prop_presort_round_trip(names in proptest::collection::vec(".{1,6}", 0..5), dirs in proptest::collection::vec(proptest::bool::ANY, 5)) {
            let mut items: Vec<(String, bool)> = Vec::new();
            for (i, n) in names.iter().enumerate() {
                let n = n.trim().to_string();
                if n.is_empty() || items.iter().any(|(m, _)| *m == n) { continue; }
                items.push((n, dirs[i]));
            }
            let text = format_presort(&items);
            proptest::prop_assert_eq!(parse_presort(&text).unwrap(), items);
        }
    }
}
