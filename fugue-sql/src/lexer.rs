//! The FugueSQL lexer (FSQL-LEX): positions are 1-based line and column
//! (in characters) of the rendered script; it never changes positions.

use crate::error::SyntaxError;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An unquoted word: keyword or identifier (FSQL-LEX-10).
    Word,
    /// A backquoted identifier (FSQL-LEX-11).
    Quoted,
    /// A string literal (FSQL-LEX-17).
    Str,
    /// A number (FSQL-LEX-15, without suffix forms).
    Num,
    /// Punctuation (FSQL-LEX-20).
    Punct,
}

/// One token.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub kind: Kind,
    /// The text as written (quotes included).
    pub text: String,
    /// Decoded value: string contents, unquoted identifier, else the text.
    pub value: String,
    /// The form keywords are matched against: the text, upper-cased for
    /// words under ignore_case (FSQL-LEX-4/5: per token, positions unchanged).
    pub kw: String,
    pub line: usize,
    pub col: usize,
}

impl Tok {
    /// Whether this is the keyword `kw` (upper case; case-sensitive unless
    /// the script is lexed with ignore_case, FSQL-LEX-4).
    pub fn is_kw(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.kw == kw
    }

    /// Whether this is the punctuation `p`.
    pub fn is_p(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }
}

const PUNCT2: [&str; 10] = ["==", "<>", "!=", "<=", ">=", "!<", "!>", "||", "->", "::"];
const PUNCT1: &str = "()[]{},.:=<>+-*/%~&|^!";

/// Tokenises the whole script; with `ignore_case` every word token's
/// keyword form is its ASCII upper case (FSQL-LEX-4/5).
pub(crate) fn lex(src: &str, ignore_case: bool) -> Result<Vec<Tok>, SyntaxError> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    // Advances over chars[i..j], keeping line and column.
    let adv = |i: &mut usize, j: usize, line: &mut usize, col: &mut usize| {
        for c in &chars[*i..j] {
            if *c == '\n' {
                *line += 1;
                *col = 1;
            } else {
                *col += 1;
            }
        }
        *i = j;
    };
    let err = |line: usize, col: usize, token: String, msg: &str, hint: Option<&str>| {
        SyntaxError::new(src, line, col, token, msg, hint)
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            let j = i + 1;
            adv(&mut i, j, &mut line, &mut col);
            continue;
        }
        // Line comments: --, //, # (FSQL-LEX-14), with backslash continuation.
        if (c == '-' && next == Some('-')) || (c == '/' && next == Some('/')) || c == '#' {
            let mut j = i;
            while j < chars.len() && !(chars[j] == '\n' && (j == 0 || chars[j - 1] != '\\')) {
                j += 1;
            }
            adv(&mut i, j, &mut line, &mut col);
            continue;
        }
        // Nested block comments.
        if c == '/' && next == Some('*') {
            let (l0, c0) = (line, col);
            let mut depth = 0usize;
            let mut j = i;
            loop {
                if j + 1 >= chars.len() {
                    return Err(err(l0, c0, "/*".into(), "unterminated block comment", None));
                }
                if chars[j] == '/' && chars[j + 1] == '*' {
                    depth += 1;
                    j += 2;
                } else if chars[j] == '*' && chars[j + 1] == '/' {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            adv(&mut i, j, &mut line, &mut col);
            continue;
        }
        let (l0, c0) = (line, col);
        let start = i;
        let (kind, value, end) = if c == '\'' || c == '"' {
            let mut j = i + 1;
            let mut value = String::new();
            loop {
                let Some(&d) = chars.get(j) else {
                    return Err(err(l0, c0, c.to_string(), "unterminated string", None));
                };
                if d == c {
                    break;
                }
                if d == '\\' {
                    let Some(&e) = chars.get(j + 1) else {
                        return Err(err(l0, c0, c.to_string(), "unterminated string", None));
                    };
                    j += 2;
                    match e {
                        'n' => value.push('\n'),
                        'r' => value.push('\r'),
                        't' => value.push('\t'),
                        '\\' | '\'' | '"' => value.push(e),
                        '\n' => {}
                        'u' => {
                            let hex: String = chars.iter().skip(j).take(4).collect();
                            match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                                Some(ch) if hex.len() == 4 => {
                                    value.push(ch);
                                    j += 4;
                                }
                                _ => {
                                    value.push('\\');
                                    value.push('u');
                                }
                            }
                        }
                        other => {
                            value.push('\\');
                            value.push(other);
                        }
                    }
                    continue;
                }
                value.push(d);
                j += 1;
            }
            (Kind::Str, value, j + 1)
        } else if c == '`' {
            let mut j = i + 1;
            let mut value = String::new();
            loop {
                let Some(&d) = chars.get(j) else {
                    return Err(err(l0, c0, "`".into(), "unterminated quoted identifier", None));
                };
                if d == '`' {
                    if chars.get(j + 1) == Some(&'`') {
                        value.push('`');
                        j += 2;
                        continue;
                    }
                    break;
                }
                value.push(d);
                j += 1;
            }
            (Kind::Quoted, value, j + 1)
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            if word.bytes().all(|b| b.is_ascii_digit()) {
                // integer, or decimal `5.` / `5.25`
                if chars.get(j) == Some(&'.') {
                    j += 1;
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                (Kind::Num, chars[i..j].iter().collect(), j)
            } else {
                (Kind::Word, word, j)
            }
        } else if c == '.' && next.is_some_and(|d| d.is_ascii_digit()) {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            (Kind::Num, chars[i..j].iter().collect(), j)
        } else if c == ';' {
            return Err(err(
                l0,
                c0,
                ";".into(),
                "unexpected `;`",
                Some("FugueSQL needs no statement separator: remove the `;` (FSQL-LEX-3)"),
            ));
        } else if !c.is_ascii() {
            return Err(err(
                l0,
                c0,
                c.to_string(),
                "a non-ASCII character outside strings and backquotes (FSQL-LEX-1)",
                None,
            ));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if two == "<=" && chars.get(i + 2) == Some(&'>') {
                (Kind::Punct, "<=>".to_string(), i + 3)
            } else if PUNCT2.contains(&two.as_str()) {
                (Kind::Punct, two, i + 2)
            } else if PUNCT1.contains(c) {
                (Kind::Punct, c.to_string(), i + 1)
            } else {
                return Err(err(l0, c0, c.to_string(), "an unrecognised character", None));
            }
        };
        let text: String = chars[start..end].iter().collect();
        adv(&mut i, end, &mut line, &mut col);
        let kw = if ignore_case && kind == Kind::Word {
            text.to_ascii_uppercase()
        } else {
            text.clone()
        };
        toks.push(Tok { kind, text, value, kw, line: l0, col: c0 });
    }
    Ok(toks)
}
