//! The SQL facet: [`StructuredSql`] statements and the [`SqlEngine`] trait
//! (ENG-SQL-1..7).

use std::any::Any;
use std::fmt;

use crate::dataframe::{DataFrameRef, DataFrames};
use crate::error::{Error, Result};
use crate::io::SaveMode;

/// A Spark-style structured SQL statement: raw text parts and references to
/// frames of a [`DataFrames`] collection (ENG-SQL-1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StructuredSql {
    /// The parts, joined with single spaces.
    pub parts: Vec<SqlPart>,
    /// The dialect the text is written in (default `spark`, CFG-10, ENG-SQL-2).
    pub dialect: String,
}

/// One part of a [`StructuredSql`].
#[derive(Debug, Clone, PartialEq)]
pub enum SqlPart {
    /// Raw SQL text.
    Text(String),
    /// A reference to the frame with this key in the input collection.
    Table(String),
}

impl StructuredSql {
    /// A statement with one text part, in the `spark` dialect.
    pub fn text(sql: impl Into<String>) -> Self {
        StructuredSql { parts: vec![SqlPart::Text(sql.into())], dialect: "spark".into() }
    }

    /// A statement from SQL text whose bare identifiers naming one of
    /// `tables` (case-insensitively) become table references, so a query
    /// written against frame names (`SELECT * FROM people`) runs on any SQL
    /// engine, whatever names it registers the frames under (ENG-SQL-1).
    /// String literals, quoted identifiers, comments, qualified names
    /// (`x.people`) and function calls (`people(...)`) are left as they are.
    ///
    /// ```
    /// use fugue_core::engine::{SqlPart, StructuredSql};
    /// let s = StructuredSql::with_tables("SELECT 'people' AS t FROM People p", &["people"]);
    /// assert_eq!(s.parts[1], SqlPart::Table("people".into()));
    /// ```
    pub fn with_tables(sql: &str, tables: &[&str]) -> Self {
        let chars: Vec<(usize, char)> = sql.char_indices().collect();
        let mut parts = Vec::new();
        let mut text_start = 0;
        let mut i = 0;
        let at = |k: usize| chars.get(k).map(|(_, c)| *c);
        let byte = |k: usize| chars.get(k).map_or(sql.len(), |(b, _)| *b);
        while i < chars.len() {
            let c = chars[i].1;
            match c {
                '\'' | '"' | '`' => {
                    // quoted: skip to the closing quote (doubled quotes stay inside)
                    i += 1;
                    while i < chars.len() {
                        if chars[i].1 == c {
                            if at(i + 1) == Some(c) {
                                i += 2;
                                continue;
                            }
                            break;
                        }
                        i += 1;
                    }
                    i += 1;
                }
                '-' if at(i + 1) == Some('-') => {
                    while i < chars.len() && chars[i].1 != '\n' {
                        i += 1;
                    }
                }
                '/' if at(i + 1) == Some('*') => {
                    i += 2;
                    while i < chars.len() && !(chars[i].1 == '*' && at(i + 1) == Some('/')) {
                        i += 1;
                    }
                    i += 2;
                }
                c if c.is_ascii_alphabetic() || c == '_' => {
                    let start = i;
                    while i < chars.len()
                        && (chars[i].1.is_ascii_alphanumeric() || chars[i].1 == '_')
                    {
                        i += 1;
                    }
                    let word = &sql[byte(start)..byte(i)];
                    let prev = sql[..byte(start)].trim_end().chars().last();
                    let next = sql[byte(i)..].trim_start().chars().next();
                    let qualified = prev == Some('.') || next == Some('.');
                    let call = next == Some('(');
                    let hit = tables.iter().find(|t| t.eq_ignore_ascii_case(word));
                    if let (Some(t), false, false) = (hit, qualified, call) {
                        if text_start < byte(start) {
                            parts.push(SqlPart::Text(sql[text_start..byte(start)].to_string()));
                        }
                        parts.push(SqlPart::Table((*t).to_string()));
                        text_start = byte(i);
                    }
                }
                _ => i += 1,
            }
        }
        if text_start < sql.len() {
            parts.push(SqlPart::Text(sql[text_start..].to_string()));
        }
        StructuredSql { parts, dialect: "spark".into() }
    }

    /// Renders the statement, replacing each table reference with
    /// `table_name(key)` (ENG-SQL-1).
    ///
    /// # Errors
    /// The first error `table_name` returns.
    pub fn render(&self, mut table_name: impl FnMut(&str) -> Result<String>) -> Result<String> {
        let mut out = Vec::with_capacity(self.parts.len());
        for p in &self.parts {
            out.push(match p {
                SqlPart::Text(t) => t.clone(),
                SqlPart::Table(k) => table_name(k)?,
            });
        }
        Ok(out.join(" "))
    }
}

/// The SQL facet: runs SELECT statements over frames of any engine (ENG-SQL).
pub trait SqlEngine: Any + Send + Sync + fmt::Debug {
    /// The registry name, e.g. `datafusion`.
    fn name(&self) -> &str;

    /// Runs `statement` with the frames of `dfs` available under their keys
    /// (ENG-SQL-1); the result schema is the backend's, normalised (ENG-SQL-6).
    ///
    /// # Errors
    /// The backend's SQL errors (`Error::Backend`), `ERR-NOT-FOUND` for a
    /// referenced key missing from `dfs`.
    fn select(&self, dfs: &DataFrames, statement: &StructuredSql) -> Result<DataFrameRef>;

    /// True when a table called `name` exists (ENG-SQL-5, optional).
    ///
    /// # Errors
    /// `ERR-NOT-SUPPORTED` when the engine has no table storage.
    fn table_exists(&self, name: &str) -> Result<bool> {
        let _ = name;
        Err(Error::unsupported(self.name(), "table_exists"))
    }

    /// Loads the table `name` (ENG-SQL-5, optional).
    ///
    /// # Errors
    /// `ERR-NOT-SUPPORTED` when the engine has no table storage.
    fn load_table(&self, name: &str) -> Result<DataFrameRef> {
        let _ = name;
        Err(Error::unsupported(self.name(), "load_table"))
    }

    /// Saves `df` as table `name` (ENG-SQL-5, optional).
    ///
    /// # Errors
    /// `ERR-NOT-SUPPORTED` when the engine has no table storage; `ERR-EXISTS`
    /// in `error` mode when the table exists.
    fn save_table(&self, df: &DataFrameRef, name: &str, mode: SaveMode) -> Result<()> {
        let _ = (df, name, mode);
        Err(Error::unsupported(self.name(), "save_table"))
    }
}

#[cfg(test)]
mod sql_tests {
    use super::{SqlPart, StructuredSql};

    fn tables(s: &StructuredSql) -> Vec<&str> {
        s.parts
            .iter()
            .filter_map(|p| match p {
                SqlPart::Table(t) => Some(t.as_str()),
                SqlPart::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn eng_sql_1_table_names_in_text_become_references() {
        let s = StructuredSql::with_tables(
            "SELECT a.x, 'b' FROM A JOIN b ON a.x = b.x -- b\n/* a */ WHERE \"a\" > count(b.y)",
            &["a", "b"],
        );
        assert_eq!(tables(&s), vec!["a", "b"]);
        let rendered = s.render(|k| Ok(format!("t_{k}"))).expect("render");
        assert_eq!(
            rendered,
            "SELECT a.x, 'b' FROM  t_a  JOIN  t_b  ON a.x = b.x -- b\n/* a */ WHERE \"a\" > count(b.y)"
        );
    }

    #[test]
    fn eng_sql_1_functions_strings_and_unknown_names_are_kept() {
        let s = StructuredSql::with_tables("SELECT people('x'), 'people' FROM other", &["people"]);
        assert!(tables(&s).is_empty());
        assert_eq!(s.parts, vec![SqlPart::Text("SELECT people('x'), 'people' FROM other".into())]);
        let s = StructuredSql::with_tables("SELECT 'it''s people' FROM people", &["people"]);
        assert_eq!(tables(&s), vec!["people"]);
    }
}
