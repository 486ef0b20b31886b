//! The schema expression grammar (SCH-TYPE, SCH-NAME, SCH-GRAM): a
//! hand-written recursive-descent parser.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Fields, TimeUnit};

use crate::error::{Error, Result};

use super::Schema;
use super::types::{check_decimal, list_of, map_of};

/// Characters an unquoted name cannot contain (SCH-NAME-2).
const SPECIAL: [char; 11] = [',', ':', '{', '}', '[', ']', '<', '>', '`', '(', ')'];

/// Splits `text` at every `sep` that is outside backticks.
///
/// The pieces are returned verbatim (not trimmed, backticks kept), in order;
/// `n` separators give `n + 1` pieces, so `""` gives `[""]` and `"a,"` gives
/// `["a", ""]`. Inside backticks a doubled backtick is an escaped backtick, so
/// `` `a``,b`,c `` splits into `` `a``,b` `` and `c`.
///
/// ```
/// use fugue_core::schema::split_outside_backticks;
/// assert_eq!(split_outside_backticks("a,`b,c`, d", ',')?, vec!["a", "`b,c`", " d"]);
/// # Ok::<(), fugue_core::Error>(())
/// ```
///
/// # Errors
/// * `ERR-SCHEMA-SYNTAX`: an unterminated backtick (SCH-GRAM-3).
/// * `ERR-ARG`: `sep` is a backtick.
pub fn split_outside_backticks(text: &str, sep: char) -> Result<Vec<&str>> {
    if sep == '`' {
        return Err(Error::arg("sep", "the separator cannot be a backtick"));
    }
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        if c == '`' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            parts.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    if quoted {
        return Err(Error::syntax(text, "unterminated backtick, expected a closing `` ` ``"));
    }
    parts.push(&text[start..]);
    Ok(parts)
}

/// Parses one column name as written in an expression (SCH-NAME-1..5, 8).
///
/// The token is trimmed. A name starting with a backtick is quoted: it must
/// end with the matching backtick, a doubled backtick inside stands for one
/// backtick, and everything inside is kept verbatim (`` `a:b` `` → `a:b`,
/// `` `c``d` `` → `` c`d ``). Any other name is unquoted and is returned
/// trimmed, inner whitespace kept (` a b ` → `a b`).
///
/// ```
/// use fugue_core::schema::parse_name;
/// assert_eq!(parse_name(" a b ")?, "a b");
/// assert_eq!(parse_name("`c``d`")?, "c`d");
/// assert!(parse_name("`a`b").is_err());
/// # Ok::<(), fugue_core::Error>(())
/// ```
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for an empty name, quoted or not (SCH-NAME-5), text
/// glued to a quoted name (SCH-NAME-4), an unterminated backtick, an unquoted
/// name containing `` , : { } [ ] < > ` ( ) `` (SCH-NAME-2) or a control
/// character (SCH-NAME-8; quoted names may contain them).
pub fn parse_name(token: &str) -> Result<String> {
    let t = token.trim();
    if t.is_empty() {
        return Err(Error::syntax(token, "empty column name, expected a name"));
    }
    if t.starts_with('`') {
        let (name, end) = read_quoted(t, 0).ok_or_else(|| {
            Error::syntax(token, "unterminated backtick, expected a closing `` ` ``")
        })?;
        if end != t.len() {
            return Err(Error::syntax(
                token,
                format!("unexpected text `{}` after the quoted name, expected nothing", &t[end..]),
            ));
        }
        if name.is_empty() {
            return Err(Error::syntax(token, "empty quoted column name, expected a name"));
        }
        Ok(name)
    } else {
        check_unquoted(t).map_err(|reason| Error::syntax(token, reason))?;
        Ok(t.to_string())
    }
}

/// Reads a quoted name whose opening backtick is at byte `start` of `s`.
/// Returns the unescaped name and the byte position after the closing
/// backtick, or `None` when the backtick is not closed.
fn read_quoted(s: &str, start: usize) -> Option<(String, usize)> {
    let mut name = String::new();
    let mut i = start + 1;
    loop {
        let rest = s.get(i..)?;
        let close = rest.find('`')?;
        name.push_str(&rest[..close]);
        let after = i + close + 1;
        if s[after..].starts_with('`') {
            name.push('`');
            i = after + 1;
        } else {
            return Some((name, after));
        }
    }
}

/// Validates a trimmed, non-empty unquoted name (SCH-NAME-2, SCH-NAME-8).
fn check_unquoted(name: &str) -> std::result::Result<(), String> {
    if let Some(c) = name.chars().find(|c| SPECIAL.contains(c)) {
        return Err(if c == '`' {
            format!(
                "unexpected backtick in name `{name}`, expected a whole name in backticks \
                 (`` `name` ``) with nothing glued to it"
            )
        } else {
            format!(
                "unexpected `{c}` in unquoted name `{name}`, quote the name with backticks \
                 to use special characters"
            )
        });
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "control character in unquoted name `{}`, quote the name with backticks",
            name.escape_default()
        ));
    }
    Ok(())
}

/// One item of a field list: a field, or a `*` standing for the input schema
/// of an output-schema hint.
enum Item {
    Field(FieldRef),
    Star,
}

/// Recursive-descent parser over one expression.
pub(crate) struct Parser<'a> {
    src: &'a str,
    pos: usize,
    /// In an output-schema hint head, the schema that `*` stands for.
    star: Option<&'a Schema>,
    /// Current nesting depth of `[`, `{`, `<`.
    depth: usize,
}

/// Deepest nesting of `[`, `{`, `<` accepted, so hostile input cannot
/// overflow the stack.
const MAX_DEPTH: usize = 128;

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str, star: Option<&'a Schema>) -> Self {
        Parser { src, pos: 0, star, depth: 0 }
    }

    /// Parses a whole schema expression (SCH-GRAM).
    pub(crate) fn schema(mut self) -> Result<Vec<FieldRef>> {
        self.field_list(None)
    }

    /// Parses a whole single-type expression.
    pub(crate) fn single_type(mut self) -> Result<DataType> {
        let dt = self.data_type()?;
        self.skip_ws();
        if self.peek().is_some() {
            return Err(
                self.err(format!("expected end of expression after type, found {}", self.found()))
            );
        }
        Ok(dt)
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|r| r.chars().next())
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    fn err(&self, reason: impl Into<String>) -> Error {
        Error::syntax(self.src, reason)
    }

    /// "`x` at position n" or "end of expression".
    fn found(&self) -> String {
        match self.peek() {
            None => "end of expression".to_string(),
            Some(c) => format!("`{c}` at position {}", self.pos),
        }
    }

    fn expect(&mut self, c: char, context: &str) -> Result<()> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(format!("expected `{c}` {context}, found {}", self.found())))
        }
    }

    /// Parses `field ("," field)*` up to `close` (`None`: end of input),
    /// consuming `close`. An empty list is allowed.
    fn field_list(&mut self, close: Option<char>) -> Result<Vec<FieldRef>> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == close {
            if close.is_some() {
                self.pos += 1;
            }
            return Ok(Vec::new());
        }
        loop {
            items.push(self.item(close, !items.is_empty())?);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                c if c == close => {
                    if close.is_some() {
                        self.pos += 1;
                    }
                    break;
                }
                _ => {
                    let expected = match close {
                        None => "`,` or end of expression".to_string(),
                        Some(c) => format!("`,` or `{c}`"),
                    };
                    return Err(self.err(format!(
                        "expected {expected} after a field, found {}",
                        self.found()
                    )));
                }
            }
        }
        self.assemble(items)
    }

    /// Builds the field list, checking duplicates: between written fields
    /// they are `ERR-SCHEMA-SYNTAX` (SCH-NAME-7); when a `*` is involved they
    /// are `ERR-SCHEMA` (SCH-HINT-3).
    fn assemble(&self, items: Vec<Item>) -> Result<Vec<FieldRef>> {
        let mut from_star: HashMap<String, bool> = HashMap::new();
        let mut out = Vec::new();
        for item in items {
            match item {
                Item::Field(f) => {
                    match from_star.get(f.name()) {
                        Some(false) => {
                            return Err(self.err(format!("duplicate column name `{}`", f.name())));
                        }
                        Some(true) => {
                            return Err(Error::schema(format!(
                                "column `{}` of the hint is already in the input schema",
                                f.name()
                            )));
                        }
                        None => {}
                    }
                    from_star.insert(f.name().clone(), false);
                    out.push(f);
                }
                Item::Star => {
                    for f in self.star.map(|s| s.fields().iter()).into_iter().flatten() {
                        if from_star.insert(f.name().clone(), true).is_some() {
                            return Err(Error::schema(format!(
                                "column `{}` appears twice in the hint result",
                                f.name()
                            )));
                        }
                        out.push(f.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    /// Parses `name ":" type` (or a lone `*` in a hint head).
    fn item(&mut self, close: Option<char>, after_comma: bool) -> Result<Item> {
        self.skip_ws();
        let start = self.pos;
        let name = if self.peek() == Some('`') {
            let (name, end) = read_quoted(self.src, self.pos).ok_or_else(|| {
                self.err(format!(
                    "unterminated backtick at position {start}, expected a closing `` ` ``"
                ))
            })?;
            self.pos = end;
            if name.is_empty() {
                return Err(self.err(format!(
                    "empty quoted column name at position {start}, expected a name"
                )));
            }
            self.skip_ws();
            match self.peek() {
                Some(':') | None | Some(',') => {}
                Some(c) if Some(c) == close => {}
                Some(_) => {
                    return Err(self.err(format!(
                        "unexpected text glued to quoted name `{name}`, expected `:`, found {}",
                        self.found()
                    )));
                }
            }
            name
        } else {
            let rest = self.src.get(self.pos..).unwrap_or("");
            let len = rest.find(|c: char| SPECIAL.contains(&c)).unwrap_or(rest.len());
            self.pos += len;
            let name = rest[..len].trim();
            let next = self.peek();
            if self.star.is_some() && name.contains('*') {
                if name == "*" && (next == Some(',') || next == close) {
                    return Ok(Item::Star);
                }
                return Err(self.err(format!(
                    "`*` must be a whole item of the hint (like `*,c:int`), found `{name}`; \
                     quote names containing `*`"
                )));
            }
            if name.is_empty() {
                return Err(self.err(match next {
                    Some(':') => format!("empty column name before `:` at position {}", self.pos),
                    Some(',') => format!(
                        "empty field at position {}, expected a field (leading or doubled comma)",
                        self.pos
                    ),
                    c if c == close && after_comma => {
                        format!("expected a field after `,`, found {}", self.found())
                    }
                    _ => format!("expected a column name, found {}", self.found()),
                }));
            }
            if next == Some('`') {
                return Err(self.err(format!(
                    "unexpected backtick after `{name}` at position {}, expected a whole name \
                     in backticks with nothing glued to it",
                    self.pos
                )));
            }
            check_unquoted(name).map_err(|r| self.err(r))?;
            name.to_string()
        };
        self.skip_ws();
        match self.peek() {
            Some(':') => self.pos += 1,
            c if c.is_none() || c == Some(',') || c == close => {
                return Err(self.err(format!(
                    "missing type for column `{name}`, expected `:type`, found {}",
                    self.found()
                )));
            }
            _ => {
                return Err(self.err(format!(
                    "expected `:` after column name `{name}`, found {}",
                    self.found()
                )));
            }
        }
        let dt = self.data_type()?;
        Ok(Item::Field(Arc::new(Field::new(name, dt, true))))
    }

    /// Parses one type (SCH-TYPE-2, 3, 5, 6).
    fn data_type(&mut self) -> Result<DataType> {
        self.skip_ws();
        if matches!(self.peek(), Some('[' | '{' | '<')) {
            if self.depth >= MAX_DEPTH {
                return Err(self.err(format!(
                    "types nested deeper than {MAX_DEPTH} levels at position {}",
                    self.pos
                )));
            }
            self.depth += 1;
            let dt = self.nested_type();
            self.depth -= 1;
            return dt;
        }
        self.named_type_or_err()
    }

    fn named_type_or_err(&mut self) -> Result<DataType> {
        match self.peek() {
            Some(c) if c.is_alphanumeric() || c == '_' => self.named_type(),
            _ => Err(self.err(format!("expected a type, found {}", self.found()))),
        }
    }

    /// Parses a list, struct or map type.
    fn nested_type(&mut self) -> Result<DataType> {
        match self.peek() {
            Some('[') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(']') {
                    return Err(self.err(format!(
                        "empty list type at position {}, expected one element type like `[int]`",
                        self.pos
                    )));
                }
                let item = self.data_type()?;
                self.skip_ws();
                if self.peek() == Some(',') {
                    return Err(self.err(format!(
                        "a list has exactly one element type, found `,` at position {}",
                        self.pos
                    )));
                }
                self.expect(']', "to close the list type")?;
                Ok(list_of(item))
            }
            Some('{') => {
                self.pos += 1;
                let fields = self.field_list(Some('}'))?;
                Ok(DataType::Struct(Fields::from(fields)))
            }
            Some('<') => {
                self.pos += 1;
                let key = self.data_type()?;
                self.expect(',', "between the key and value types of a map")?;
                let value = self.data_type()?;
                self.skip_ws();
                if self.peek() == Some(',') {
                    return Err(self.err(format!(
                        "a map has exactly two types `<key,value>`, found `,` at position {}",
                        self.pos
                    )));
                }
                self.expect('>', "to close the map type")?;
                Ok(map_of(key, value, false))
            }
            _ => self.named_type_or_err(),
        }
    }

    /// Parses a simple or parameterised type name.
    fn named_type(&mut self) -> Result<DataType> {
        let start = self.pos;
        let rest = self.src.get(self.pos..).unwrap_or("");
        let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        self.pos += len;
        let ident = &rest[..len];
        let after_ident = self.pos;
        self.skip_ws();
        let args = if self.peek() == Some('(') {
            Some(self.args()?)
        } else {
            self.pos = after_ident;
            None
        };
        match (ident, args) {
            ("decimal", Some(args)) => self.decimal(&args),
            ("timestamp", Some(args)) => self.timestamp(&args),
            ("decimal", None) => Err(self.err(
                "type `decimal` needs arguments, expected `decimal(precision)` or \
                 `decimal(precision,scale)`",
            )),
            ("timestamp", None) => Err(self.err(
                "type `timestamp` needs arguments, expected `timestamp(unit)` or \
                 `timestamp(unit,tz)`",
            )),
            (name, args) => match simple_type(name) {
                Some(dt) if args.is_none() => Ok(dt),
                Some(_) => Err(self.err(format!(
                    "type `{name}` takes no arguments, found `(` after it at position {}",
                    after_ident
                ))),
                None => {
                    let lower = name.to_lowercase();
                    let hint = if lower != name
                        && (simple_type(&lower).is_some()
                            || lower == "decimal"
                            || lower == "timestamp")
                    {
                        format!("; type names are lower case, did you mean `{lower}`?")
                    } else {
                        String::new()
                    };
                    Err(self.err(format!("unknown type `{name}` at position {start}{hint}")))
                }
            },
        }
    }

    /// Parses `( arg ("," arg)* )` and returns the trimmed arguments; `()`
    /// gives no argument.
    fn args(&mut self) -> Result<Vec<String>> {
        let open = self.pos;
        self.pos += 1;
        let rest = self.src.get(self.pos..).unwrap_or("");
        let Some(len) = rest.find(')') else {
            return Err(self.err(format!("unclosed `(` at position {open}, expected `)`")));
        };
        let inner = &rest[..len];
        self.pos += len + 1;
        if inner.trim().is_empty() {
            return Ok(Vec::new());
        }
        let mut args = Vec::new();
        for a in inner.split(',') {
            let a = a.trim();
            if a.is_empty() {
                return Err(self.err(format!("empty type argument in `({inner})`")));
            }
            if let Some(c) = a.chars().find(|c| SPECIAL.contains(c) && *c != ':') {
                return Err(self.err(format!(
                    "unexpected `{c}` in type argument `{a}`, expected a plain value"
                )));
            }
            args.push(a.to_string());
        }
        Ok(args)
    }

    fn decimal(&self, args: &[String]) -> Result<DataType> {
        let (p, s) = match args {
            [p] => (p.as_str(), "0"),
            [p, s] => (p.as_str(), s.as_str()),
            _ => {
                return Err(self.err(format!(
                    "`decimal` takes 1 or 2 arguments (precision, scale), found {}",
                    args.len()
                )));
            }
        };
        let p: u8 = p.parse().map_err(|_| {
            self.err(format!("invalid decimal precision `{p}`, expected an integer from 1 to 38"))
        })?;
        let s: i8 = s.parse().map_err(|_| {
            self.err(format!("invalid decimal scale `{s}`, expected a small integer"))
        })?;
        check_decimal(p, s).map_err(|r| self.err(r))?;
        Ok(DataType::Decimal128(p, s))
    }

    fn timestamp(&self, args: &[String]) -> Result<DataType> {
        let (unit, tz) = match args {
            [u] => (u.as_str(), None),
            [u, tz] => (u.as_str(), Some(tz.as_str())),
            _ => {
                return Err(self.err(format!(
                    "`timestamp` takes 1 or 2 arguments (unit, time zone), found {}",
                    args.len()
                )));
            }
        };
        let unit = match unit {
            "s" => TimeUnit::Second,
            "ms" => TimeUnit::Millisecond,
            "us" => TimeUnit::Microsecond,
            "ns" => TimeUnit::Nanosecond,
            other => {
                return Err(self.err(format!(
                    "invalid timestamp unit `{other}`, expected `s`, `ms`, `us` or `ns`"
                )));
            }
        };
        if let Some(tz) = tz {
            // the zone must be one Arrow (and so every engine) can resolve:
            // an IANA name or a fixed offset `±HH:MM`, `±HHMM`, `±HH`
            if let Err(e) = tz.parse::<arrow::array::timezone::Tz>() {
                return Err(self.err(format!(
                    "unknown time zone `{tz}` in `timestamp`: {e}; expected an IANA name \
                     such as `UTC` or `Europe/Paris`, or an offset such as `+08:00`"
                )));
            }
        }
        Ok(DataType::Timestamp(unit, tz.map(Arc::from)))
    }
}

/// The Arrow type of a simple type name (SCH-TYPE-2); case-sensitive.
fn simple_type(name: &str) -> Option<DataType> {
    use DataType as D;
    Some(match name {
        "null" => D::Null,
        "str" | "string" => D::Utf8,
        "bool" | "boolean" => D::Boolean,
        "int8" | "byte" => D::Int8,
        "int16" | "short" => D::Int16,
        "int32" | "int" => D::Int32,
        "int64" | "long" => D::Int64,
        "uint8" | "ubyte" => D::UInt8,
        "uint16" | "ushort" => D::UInt16,
        "uint32" | "uint" => D::UInt32,
        "uint64" | "ulong" => D::UInt64,
        "float16" => D::Float16,
        "float32" | "float" => D::Float32,
        "float64" | "double" => D::Float64,
        "date" => D::Date32,
        "datetime" => D::Timestamp(TimeUnit::Microsecond, None),
        "binary" | "bytes" => D::Binary,
        _ => return None,
    })
}

/// Parses a single type expression such as `int`, `[{a:int}]`,
/// `decimal(10,2)`, `timestamp(ms,UTC)` or `<str,[int]>` (SCH-TYPE-1..6).
/// Whitespace around tokens is ignored (SCH-GRAM-1). Nested fields are
/// nullable; map keys are non-nullable (Arrow's requirement) in the layout
/// `entries{key, value}`; list items are named `item`.
///
/// ```
/// use fugue_core::arrow::datatypes::DataType;
/// use fugue_core::schema::parse_data_type;
/// assert_eq!(parse_data_type(" decimal( 10 , 2 ) ")?, DataType::Decimal128(10, 2));
/// assert!(parse_data_type("INT").is_err());
/// # Ok::<(), fugue_core::Error>(())
/// ```
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for anything that is not exactly one valid type: an
/// unknown or upper-case name, arguments on a simple type, missing or wrong
/// arguments of `decimal` / `timestamp`, malformed nested types, duplicate
/// struct field names, trailing text.
pub fn parse_data_type(expr: &str) -> Result<DataType> {
    Parser::new(expr, None).single_type()
}
