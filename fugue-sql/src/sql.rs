//! SQL analysis of query statements (FSQL-RUST-SQL): the segment's canonical
//! text (tokens joined by one space, FSQL-RUST-TEXT) is tokenised with
//! sqlparser's tokenizer (Databricks dialect: Spark quoting); a token-level
//! walk (FSQL-RUST-SQL-6) finds the relation positions, substitutes script
//! frames (FSQL-STMT-SELECT-3/4) and inserts `FROM <last>` into FROM-less
//! SELECT blocks (FSQL-STMT-SELECT-7). The user's SQL text is never
//! re-printed from an AST (FSQL-RUST-SQL-4).

use std::collections::HashSet;

use crate::parser::{Member, PLACEHOLDER};

use sqlparser::dialect::DatabricksDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

/// One edit of the canonical text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Edit {
    /// Replace the table name with the variable's frame, plus `AS alias`.
    Frame { var: String, alias: Option<String> },
    /// Replace `name[member]` with the member's frame, plus `AS alias`
    /// (FSQL-STMT-SELECT-6).
    Member { var: String, member: Member, alias: Option<String> },
    /// A term placeholder in an expression subquery: `SELECT * FROM
    /// <frame>` (FSQL-STMT-SELECT-8).
    Subquery { var: String },
    /// Insert `FROM <last>`.
    FromLast,
    /// Insert `AS name` (after a TABLESAMPLE clause, FSQL-STMT-SELECT-4).
    Alias(String),
}

/// A piece of the rewritten statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    /// A variable or a term placeholder.
    Var(String),
    /// `name[member]`.
    Member(String, Member),
    Last,
}

/// Clauses that end a FROM list / a projection at one depth.
const CLAUSE_END: [Keyword; 16] = [
    Keyword::WHERE,
    Keyword::GROUP,
    Keyword::HAVING,
    Keyword::ORDER,
    Keyword::LIMIT,
    Keyword::WINDOW,
    Keyword::CLUSTER,
    Keyword::DISTRIBUTE,
    Keyword::SORT,
    Keyword::UNION,
    Keyword::INTERSECT,
    Keyword::EXCEPT,
    Keyword::MINUS,
    Keyword::LATERAL,
    Keyword::QUALIFY,
    Keyword::OFFSET,
];

/// Join words that, besides [`CLAUSE_END`], cannot be an implicit table
/// alias.
const JOIN_WORDS: [Keyword; 12] = [
    Keyword::JOIN,
    Keyword::INNER,
    Keyword::LEFT,
    Keyword::RIGHT,
    Keyword::FULL,
    Keyword::CROSS,
    Keyword::OUTER,
    Keyword::SEMI,
    Keyword::ANTI,
    Keyword::NATURAL,
    Keyword::ON,
    Keyword::USING,
];

/// True for words that cannot be an implicit table alias: the clause ends
/// and the join words.
fn not_alias(kw: Keyword) -> bool {
    CLAUSE_END.contains(&kw) || JOIN_WORDS.contains(&kw)
}

#[derive(Default)]
struct Level {
    select: bool,
    has_from: bool,
    in_from: bool,
    projection_end: Option<usize>,
}

/// Rewrites `text` into pieces. `vars` are the variables in scope;
/// `implicit_from` is false for top-level WITH statements (FSQL-RUST-SQL-7).
///
/// # Errors
/// The tokenizer's message when sqlparser cannot tokenise the text.
pub(crate) fn rewrite(
    text: &str,
    vars: &HashSet<String>,
    implicit_from: bool,
) -> Result<Vec<Piece>, String> {
    let toks = Tokenizer::new(&DatabricksDialect {}, text)
        .tokenize_with_location()
        .map_err(|e| e.to_string())?;
    // (line, column) → char offset in `text`.
    let mut line_starts = vec![0usize];
    for (k, c) in text.chars().enumerate() {
        if c == '\n' {
            line_starts.push(k + 1);
        }
    }
    let off = |line: u64, col: u64| -> usize {
        let l = usize::try_from(line).unwrap_or(1).max(1) - 1;
        line_starts.get(l).copied().unwrap_or(0) + usize::try_from(col).unwrap_or(1).max(1) - 1
    };
    let toks: Vec<(Token, usize, usize)> = toks
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .map(|t| {
            let s = off(t.span.start.line, t.span.start.column);
            let e = off(t.span.end.line, t.span.end.column).max(s);
            (t.token, s, e)
        })
        .collect();
    let text_len = text.chars().count();
    // CTE names shadow variables (FSQL-RUST-SQL-3): `name AS (` at depth 0.
    let mut ctes: HashSet<String> = HashSet::new();
    if matches!(toks.first(), Some((Token::Word(w), _, _)) if w.keyword == Keyword::WITH) {
        for k in 0..toks.len().saturating_sub(2) {
            if let (Token::Word(n), Token::Word(a), Token::LParen) =
                (&toks[k].0, &toks[k + 1].0, &toks[k + 2].0)
                && a.keyword == Keyword::AS
            {
                ctes.insert(n.value.clone());
            }
        }
    }
    let mut edits: Vec<(usize, usize, Edit)> = Vec::new();
    let mut stack: Vec<Level> = vec![Level::default()];
    let finish = |lvl: &Level, at: usize, edits: &mut Vec<(usize, usize, Edit)>| {
        if implicit_from && lvl.select && !lvl.has_from {
            let p = lvl.projection_end.unwrap_or(at);
            edits.push((p, p, Edit::FromLast));
        }
    };
    let mut relation_next = false;
    let mut k = 0usize;
    while k < toks.len() {
        let (tok, s, _) = &toks[k];
        let was_relation = std::mem::take(&mut relation_next);
        match tok {
            Token::LParen
                if matches!(
                    (toks.get(k + 1), toks.get(k + 2)),
                    (Some((Token::Word(w), _, _)), Some((Token::RParen, _, _)))
                        if w.value.starts_with(PLACEHOLDER) && vars.contains(&w.value)
                ) =>
            {
                // `( term )`: in a relation position the frame replaces the
                // parentheses (FSQL-STMT-SELECT-8), else a subquery.
                let Some((Token::Word(w), ws, we)) = toks.get(k + 1) else { break };
                let end = toks[k + 2].2;
                if was_relation {
                    edits.push((*s, end, Edit::Frame { var: w.value.clone(), alias: None }));
                } else {
                    edits.push((*ws, *we, Edit::Subquery { var: w.value.clone() }));
                }
                k += 3;
                continue;
            }
            Token::LParen => stack.push(Level::default()),
            Token::RParen => {
                if stack.len() > 1
                    && let Some(lvl) = stack.pop()
                {
                    finish(&lvl, *s, &mut edits);
                }
            }
            Token::Comma if stack.last().is_some_and(|l| l.in_from) => relation_next = true,
            Token::Word(w) => {
                let Some(lvl) = stack.last_mut() else { break };
                if was_relation
                    && w.keyword != Keyword::SELECT
                    && (w.quote_style.is_some() || !not_alias(w.keyword))
                {
                    // A table name: Word (. Word)*.
                    let mut parts = vec![w.value.clone()];
                    let mut j = k;
                    while let (Some((Token::Period, _, _)), Some((Token::Word(n), _, _))) =
                        (toks.get(j + 1), toks.get(j + 2))
                    {
                        parts.push(n.value.clone());
                        j += 2;
                    }
                    let name = parts.join(".");
                    // `name[member]` (FSQL-STMT-SELECT-5/6).
                    let member = match (toks.get(j + 1), toks.get(j + 2), toks.get(j + 3)) {
                        (
                            Some((Token::LBracket, _, _)),
                            Some((m, _, _)),
                            Some((Token::RBracket, _, _)),
                        ) => match m {
                            Token::Word(m) => Some(Member::Key(m.value.clone())),
                            Token::Number(n, _) => n.parse().ok().map(Member::Index),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(member) = member {
                        let j = j + 3;
                        let alias = (!has_alias_at(&toks, j + 1) && simple_name(&parts, &name))
                            .then(|| name.clone());
                        edits.push((*s, toks[j].2, Edit::Member { var: name, member, alias }));
                        k = j + 1;
                        continue;
                    }
                    let is_fn = matches!(toks.get(j + 1), Some((Token::LParen, _, _)));
                    if !is_fn && vars.contains(&name) && !ctes.contains(&name) {
                        // Terms get no automatic alias (FSQL-STMT-SELECT-8).
                        let simple = simple_name(&parts, &name) && !name.starts_with(PLACEHOLDER);
                        // FSQL-STMT-SELECT-4: a TABLESAMPLE clause stays
                        // between the frame and the automatic alias.
                        let sample_end = match (toks.get(j + 1), toks.get(j + 2)) {
                            (Some((Token::Word(t), _, _)), Some((Token::LParen, _, _)))
                                if t.keyword == Keyword::TABLESAMPLE =>
                            {
                                closing_paren(&toks, j + 2)
                            }
                            _ => None,
                        };
                        match sample_end {
                            Some(r) => {
                                let add = !has_alias_at(&toks, r + 1) && simple;
                                edits.push((
                                    *s,
                                    toks[j].2,
                                    Edit::Frame { var: name.clone(), alias: None },
                                ));
                                if add {
                                    let at = toks[r].2;
                                    edits.push((at, at, Edit::Alias(name)));
                                }
                            }
                            None => {
                                let has_alias = has_alias_at(&toks, j + 1);
                                let alias = (!has_alias && simple).then(|| name.clone());
                                edits.push((*s, toks[j].2, Edit::Frame { var: name, alias }));
                            }
                        }
                    }
                    k = j + 1;
                    continue;
                }
                if w.value.starts_with(PLACEHOLDER) && vars.contains(&w.value) {
                    edits.push((*s, toks[k].2, Edit::Subquery { var: w.value.clone() }));
                    k += 1;
                    continue;
                }
                match w.keyword {
                    Keyword::SELECT => {
                        if lvl.select {
                            let old = std::mem::take(lvl);
                            finish(&old, *s, &mut edits);
                        }
                        lvl.select = true;
                    }
                    Keyword::FROM if lvl.select => {
                        lvl.has_from = true;
                        lvl.in_from = true;
                        relation_next = true;
                    }
                    Keyword::JOIN if lvl.in_from => relation_next = true,
                    Keyword::ON | Keyword::USING => lvl.in_from = false,
                    kw if CLAUSE_END.contains(&kw) => {
                        lvl.in_from = false;
                        if lvl.select && !lvl.has_from && lvl.projection_end.is_none() {
                            lvl.projection_end = Some(*s);
                        }
                        if matches!(
                            kw,
                            Keyword::UNION | Keyword::INTERSECT | Keyword::EXCEPT | Keyword::MINUS
                        ) {
                            let old = std::mem::take(lvl);
                            finish(&old, *s, &mut edits);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        k += 1;
    }
    while let Some(lvl) = stack.pop() {
        finish(&lvl, text_len, &mut edits);
    }
    edits.sort_by_key(|e| (e.0, e.1));
    let chars: Vec<char> = text.chars().collect();
    let mut pieces = Vec::new();
    let mut at = 0usize;
    let push_text = |pieces: &mut Vec<Piece>, a: usize, b: usize| {
        let t: String = chars[a.min(chars.len())..b.min(chars.len())].iter().collect();
        let t = t.trim();
        if !t.is_empty() {
            pieces.push(Piece::Text(t.to_string()));
        }
    };
    for (s, e, edit) in edits {
        if s < at {
            continue;
        }
        push_text(&mut pieces, at, s);
        match edit {
            Edit::Frame { var, alias } => {
                pieces.push(Piece::Var(var));
                if let Some(a) = alias {
                    pieces.push(Piece::Text(format!("AS {a}")));
                }
            }
            Edit::Member { var, member, alias } => {
                pieces.push(Piece::Member(var, member));
                if let Some(a) = alias {
                    pieces.push(Piece::Text(format!("AS {a}")));
                }
            }
            Edit::Subquery { var } => {
                pieces.push(Piece::Text("SELECT * FROM".into()));
                pieces.push(Piece::Var(var));
            }
            Edit::Alias(a) => pieces.push(Piece::Text(format!("AS {a}"))),
            Edit::FromLast => {
                pieces.push(Piece::Text("FROM".into()));
                pieces.push(Piece::Last);
            }
        }
        at = e;
    }
    push_text(&mut pieces, at, text_len);
    // Adjacent text pieces form one part (FSQL-RUST-TEXT-1), with no space
    // after `(`.
    let mut merged: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match (merged.last_mut(), p) {
            (Some(Piece::Text(prev)), Piece::Text(t)) => {
                if !prev.ends_with('(') {
                    prev.push(' ');
                }
                prev.push_str(&t);
            }
            (_, p) => merged.push(p),
        }
    }
    Ok(merged)
}

/// The index of the `)` closing the `(` at `open`.
fn closing_paren(toks: &[(Token, usize, usize)], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, (t, _, _)) in toks.iter().enumerate().skip(open) {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the token at `j` starts an explicit alias (or TABLESAMPLE)
/// after a relation (FSQL-STMT-SELECT-4).
fn has_alias_at(toks: &[(Token, usize, usize)], j: usize) -> bool {
    match toks.get(j) {
        Some((Token::Word(a), _, _)) => {
            a.keyword == Keyword::AS
                || a.keyword == Keyword::TABLESAMPLE
                || a.quote_style.is_some()
                || !not_alias(a.keyword)
        }
        _ => false,
    }
}

/// A simple identifier (SCH-PRINT-2) gets the automatic alias.
fn simple_name(parts: &[String], name: &str) -> bool {
    parts.len() == 1
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.chars().all(|c| c == '_')
}

/// Merges adjacent text pieces (for stable comparisons in tests).
#[cfg(test)]
pub(crate) fn show(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.clone(),
            Piece::Var(v) => format!("<{v}>"),
            Piece::Member(v, m) => format!("<{v}[{m}]>"),
            Piece::Last => "<last>".into(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(v: &[&str]) -> HashSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn substitutes_variables_with_auto_alias() {
        // FSQL-STMT-SELECT Example B parts.
        let p = rewrite(
            "SELECT a.k , a.v , b.w FROM a INNER JOIN b ON a.k = b.k",
            &vars(&["a", "b"]),
            true,
        )
        .unwrap();
        assert_eq!(
            show(&p),
            "SELECT a.k , a.v , b.w FROM <a> AS a INNER JOIN <b> AS b ON a.k = b.k"
        );
    }

    #[test]
    fn explicit_alias_kept_and_unknown_tables_pass_through() {
        let p = rewrite("SELECT * FROM a AS t , nope x", &vars(&["a"]), true).unwrap();
        assert_eq!(show(&p), "SELECT * FROM <a> AS t , nope x");
        let p = rewrite("SELECT * FROM a t WHERE t.k > 1", &vars(&["a"]), true).unwrap();
        assert_eq!(show(&p), "SELECT * FROM <a> t WHERE t.k > 1");
    }

    #[test]
    fn implicit_from_goes_after_the_projection() {
        // FSQL-STMT-SELECT-7, at any depth.
        let p = rewrite("SELECT a WHERE a > 0", &vars(&[]), true).unwrap();
        assert_eq!(show(&p), "SELECT a FROM <last> WHERE a > 0");
        let p = rewrite("SELECT * FROM a WHERE k IN ( SELECT 2 )", &vars(&["a"]), true).unwrap();
        assert_eq!(show(&p), "SELECT * FROM <a> AS a WHERE k IN ( SELECT 2 FROM <last> )");
        let p = rewrite("SELECT 1 AS x UNION ALL SELECT 2 AS x", &vars(&[]), true).unwrap();
        assert_eq!(show(&p), "SELECT 1 AS x FROM <last> UNION ALL SELECT 2 AS x FROM <last>");
    }

    #[test]
    fn functions_with_from_and_ctes_are_not_tables() {
        let p = rewrite("SELECT EXTRACT ( YEAR FROM d ) AS y FROM a", &vars(&["a", "d"]), true)
            .unwrap();
        assert_eq!(show(&p), "SELECT EXTRACT ( YEAR FROM d ) AS y FROM <a> AS a");
        let p = rewrite("WITH a AS ( SELECT * FROM b ) SELECT * FROM a", &vars(&["a", "b"]), false)
            .unwrap();
        assert_eq!(show(&p), "WITH a AS ( SELECT * FROM <b> AS b ) SELECT * FROM a");
    }

    #[test]
    fn term_placeholders_and_members() {
        // FSQL-RUST-SQL-1/3, FSQL-STMT-SELECT-6/8: a term in a relation
        // position replaces its parentheses (alias kept, none added); in an
        // expression it becomes a subquery; members get the automatic alias.
        let ph = format!("{PLACEHOLDER}0");
        let v = vars(&["a", &ph]);
        let p = rewrite(&format!("SELECT * FROM ({ph}) AS t , a"), &v, true).unwrap();
        assert_eq!(show(&p), format!("SELECT * FROM <{ph}> AS t , <a> AS a"));
        let p = rewrite(&format!("SELECT * FROM a JOIN ({ph}) ON a.k = k"), &v, true).unwrap();
        assert_eq!(show(&p), format!("SELECT * FROM <a> AS a JOIN <{ph}> ON a.k = k"));
        let p = rewrite(&format!("SELECT * FROM a WHERE k IN ({ph})"), &v, true).unwrap();
        assert_eq!(show(&p), format!("SELECT * FROM <a> AS a WHERE k IN (SELECT * FROM <{ph}> )"));
        let p = rewrite(&format!("SELECT * FROM {ph} UNION ALL SELECT 1"), &v, true).unwrap();
        assert_eq!(show(&p), format!("SELECT * FROM <{ph}> UNION ALL SELECT 1 FROM <last>"));
        let p = rewrite("SELECT * FROM p [hi] , p [0] AS z", &v, true).unwrap();
        assert_eq!(show(&p), "SELECT * FROM <p[hi]> AS p , <p[0]> AS z");
        // array indexing in expressions is not a member
        let p = rewrite("SELECT arr [0] FROM a", &v, true).unwrap();
        assert_eq!(show(&p), "SELECT arr [0] FROM <a> AS a");
    }

    #[test]
    fn tablesample_stays_before_the_automatic_alias() {
        // FSQL-RUST-TEXT-3 first example, FSQL-STMT-SELECT-4.
        let p = rewrite("select * from a TABLESAMPLE (5 PERCENT)", &vars(&["a"]), true).unwrap();
        assert_eq!(
            p,
            vec![
                Piece::Text("select * from".into()),
                Piece::Var("a".into()),
                Piece::Text("TABLESAMPLE (5 PERCENT) AS a".into()),
            ]
        );
        let p = rewrite("select * from a TABLESAMPLE (5 PERCENT) t", &vars(&["a"]), true).unwrap();
        assert_eq!(show(&p), "select * from <a> TABLESAMPLE (5 PERCENT) t");
    }
}
