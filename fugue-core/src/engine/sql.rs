//! The SQL facet: [`StructuredSql`] statements and the [`SqlEngine`] trait
//! (ENG-SQL-1..7).

use std::any::Any;
use std::fmt;
use std::ops::ControlFlow;

use sqlparser::ast::{ObjectNamePart, Query, TableFactor, Visit, Visitor};
use sqlparser::dialect::{Dialect, GenericDialect, dialect_from_str};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Span};

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

    /// A statement from SQL text in the `spark` dialect (CFG-10) whose
    /// relation names naming one of `tables` become table references, so a
    /// query written against frame names (`SELECT * FROM people`) runs on any
    /// SQL engine, whatever names it registers the frames under (ENG-SQL-1).
    /// See [`StructuredSql::with_tables_in`] for the rules.
    ///
    /// ```
    /// use fugue_core::engine::{SqlPart, StructuredSql};
    /// let s = StructuredSql::with_tables("SELECT 'people' AS t FROM People p", &["people"])?;
    /// assert_eq!(s.parts[1], SqlPart::Table("people".into()));
    /// # Ok::<(), fugue_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`StructuredSql::with_tables_in`].
    pub fn with_tables(sql: &str, tables: &[&str]) -> Result<Self> {
        Self::with_tables_in(sql, tables, "spark")
    }

    /// A statement from SQL text written in `dialect` (an empty name means
    /// `spark`, CFG-10; the name is kept in [`StructuredSql::dialect`],
    /// ENG-SQL-2) whose relation names naming one of `tables` become
    /// [`SqlPart::Table`] references (ENG-SQL-1).
    ///
    /// The text is parsed with sqlparser in the matching dialect (`spark`
    /// and every name sqlparser knows, e.g. `generic`, `duckdb`,
    /// `postgres`, `hive`; any other name parses as `generic`). Only the
    /// names of relations become references: table factors of FROM and
    /// JOIN, in subqueries, CTE bodies and set operations alike. Columns,
    /// aliases, function names, strings and comments are never touched, so
    /// `SELECT status FROM status` keeps its column. A CTE shadows a table of
    /// the same name where it is visible (later CTEs and the main query;
    /// itself too under `WITH RECURSIVE`). Qualified names (`db.t`) and table
    /// functions (`t(1)`) are left as they are.
    ///
    /// A name matches the table with exactly that spelling, else the one
    /// table equal to it ignoring ASCII case (quoted or not, as Spark).
    /// A reference without an alias keeps the name as its alias (the text
    /// after it starts with `AS <name as written>`), so qualified columns
    /// (`SELECT t.a FROM t`) still resolve once the engine renders its own
    /// table name.
    ///
    /// # Errors
    /// `ERR-ARG` when the text does not parse in the dialect (the message
    /// names the line and column sqlparser stopped at), or when a relation
    /// name matches two tables that differ only in case and neither matches
    /// exactly (`Ab` with tables `ab` and `AB`), or when the text has more
    /// than [`MAX_SQL_OPERATORS`] operators (a chain `1+1+...` nests one
    /// tree level per operator, and parsers and planners recurse over the
    /// levels: past the limit they could overflow the stack);
    /// `ERR-INTERNAL` if sqlparser reports a position that does not hold the
    /// name (a parser defect, never silently mis-rendered).
    pub fn with_tables_in(sql: &str, tables: &[&str], dialect: &str) -> Result<Self> {
        let dialect = match dialect.trim() {
            "" => "spark",
            d => d,
        };
        // sqlparser and its AST visitor and drop recurse once per nesting
        // level (up to its recursion limit of 50 queries or parentheses, and
        // an operator chain below MAX_SQL_OPERATORS): in debug builds that
        // can outgrow a 2 MiB thread, so the walk runs on its own stack.
        std::thread::scope(|scope| {
            match std::thread::Builder::new()
                .name("fugue-sql-parse".into())
                .stack_size(PARSE_STACK_BYTES)
                .spawn_scoped(scope, || Self::parse_with_tables(sql, tables, dialect))
            {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|_| Err(Error::internal("the SQL parser thread panicked"))),
                Err(_) => Self::parse_with_tables(sql, tables, dialect),
            }
        })
    }

    fn parse_with_tables(sql: &str, tables: &[&str], dialect: &str) -> Result<Self> {
        let parser_dialect: Box<dyn Dialect> =
            dialect_from_str(dialect).unwrap_or_else(|| Box::new(GenericDialect {}));
        check_operator_count(sql, parser_dialect.as_ref())?;
        let statements = Parser::parse_sql(parser_dialect.as_ref(), sql)
            .map_err(|e| parse_error(sql, dialect, &e.to_string()))?;
        let mut finder = RelationFinder { tables, scopes: Vec::new(), found: Vec::new() };
        for statement in &statements {
            if let ControlFlow::Break(e) = statement.visit(&mut finder) {
                return Err(*e);
            }
        }
        let mut found = finder.found;
        found.sort_by_key(|r| (r.span.start.line, r.span.start.column));
        let line_starts: Vec<usize> =
            std::iter::once(0).chain(sql.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let mut parts = Vec::new();
        let mut pending = String::new();
        let mut pos = 0;
        for r in found {
            let range = byte_at(sql, &line_starts, r.span.start)
                .zip(byte_at(sql, &line_starts, r.span.end))
                .filter(|&(s, e)| pos <= s && s < e && sql.get(s..e) == Some(r.written.as_str()));
            let Some((start, end)) = range else {
                return Err(Error::internal(format!(
                    "sqlparser placed the relation `{}` at {}..{} of the SQL text, which \
                     does not hold it",
                    r.written, r.span.start, r.span.end
                )));
            };
            pending.push_str(&sql[pos..start]);
            if !pending.is_empty() {
                parts.push(SqlPart::Text(std::mem::take(&mut pending)));
            }
            parts.push(SqlPart::Table(r.key));
            if r.keep_name {
                pending = format!("AS {}", r.written);
            }
            pos = end;
        }
        pending.push_str(&sql[pos..]);
        if !pending.is_empty() {
            parts.push(SqlPart::Text(pending));
        }
        Ok(StructuredSql { parts, dialect: dialect.to_string() })
    }

    /// Renders the statement, replacing each table reference with
    /// `table_name(key)` (ENG-SQL-1). Every SQL engine renders before it
    /// parses, so the operator limit of
    /// [`with_tables_in`](StructuredSql::with_tables_in) is checked here too.
    ///
    /// # Errors
    /// The first error `table_name` returns; `ERR-ARG` for text with more
    /// than [`MAX_SQL_OPERATORS`] operators.
    pub fn render(&self, mut table_name: impl FnMut(&str) -> Result<String>) -> Result<String> {
        let mut out = Vec::with_capacity(self.parts.len());
        for p in &self.parts {
            out.push(match p {
                SqlPart::Text(t) => t.clone(),
                SqlPart::Table(k) => table_name(k)?,
            });
        }
        let text = out.join(" ");
        let dialect: Box<dyn Dialect> =
            dialect_from_str(self.dialect.trim()).unwrap_or_else(|| Box::new(GenericDialect {}));
        check_operator_count(&text, dialect.as_ref())?;
        Ok(text)
    }
}

/// Stack of the thread that parses and walks SQL text (address space only).
const PARSE_STACK_BYTES: usize = 64 << 20;

/// The most operators (`+ - * / % || = <> < > <= >=`, `AND`, `OR`, `NOT`)
/// one SQL text may hold. Real queries stay far below; a generated
/// `1+1+...` of 20,000 terms used to overflow the stack of the parsers and
/// planners (exit 134).
pub const MAX_SQL_OPERATORS: usize = 1_000;

/// `ERR-ARG` when `sql` has more than [`MAX_SQL_OPERATORS`] operators. The
/// count comes from sqlparser's tokenizer, which does not recurse, so it is
/// safe on any input; text that does not tokenize is left to the parser's
/// error.
fn check_operator_count(sql: &str, dialect: &dyn Dialect) -> Result<()> {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::{Token, Tokenizer};
    // cheap bound first: every operator is at least one character
    let symbols = sql.bytes().filter(|b| b"+-*/%|=<>".contains(b)).count();
    if symbols <= MAX_SQL_OPERATORS && sql.len() <= MAX_SQL_OPERATORS * 4 {
        return Ok(());
    }
    let Ok(tokens) = Tokenizer::new(dialect, sql).tokenize() else {
        return Ok(());
    };
    let count = tokens
        .iter()
        .filter(|t| match t {
            Token::Plus
            | Token::Minus
            | Token::Mul
            | Token::Div
            | Token::Mod
            | Token::DuckIntDiv
            | Token::StringConcat
            | Token::Eq
            | Token::DoubleEq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::Spaceship
            | Token::Ampersand
            | Token::Pipe
            | Token::Caret => true,
            Token::Word(w) => matches!(w.keyword, Keyword::AND | Keyword::OR | Keyword::NOT),
            _ => false,
        })
        .count();
    if count > MAX_SQL_OPERATORS {
        return Err(Error::arg(
            "sql",
            format!(
                "the SQL text has {count} operators; at most {MAX_SQL_OPERATORS} are accepted, \
                 because deeper expressions could exhaust the stack of the SQL parser and \
                 planner (split the expression or use a table of values)"
            ),
        ));
    }
    Ok(())
}

/// `ERR-ARG` for SQL text that does not parse: sqlparser's message names the
/// line and column it stopped at; a message without one (an unexpected end
/// of the text) gets the position of the end.
fn parse_error(sql: &str, dialect: &str, message: &str) -> Error {
    let mut reason = format!("the SQL text does not parse in the `{dialect}` dialect: {message}");
    if !message.contains("Line:") {
        let line = sql.matches('\n').count() + 1;
        let column = sql.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        reason.push_str(&format!(" (at the end of the text, Line: {line}, Column: {column})"));
    }
    Error::arg("sql", reason)
}

/// The byte offset of a sqlparser location (1-based line and column, the
/// column counted in characters; a column one past the line's last
/// character is the line's end).
fn byte_at(sql: &str, line_starts: &[usize], at: Location) -> Option<usize> {
    let line = usize::try_from(at.line).ok()?.checked_sub(1)?;
    let column = usize::try_from(at.column).ok()?.checked_sub(1)?;
    let start = *line_starts.get(line)?;
    let line_end = sql[start..].find('\n').map_or(sql.len(), |i| start + i);
    sql[start..line_end]
        .char_indices()
        .map(|(b, _)| start + b)
        .chain(std::iter::once(line_end))
        .nth(column)
}

/// The table among `tables` that the relation name `name` means: the exact
/// spelling, else the only one equal ignoring ASCII case.
fn match_table<'t>(tables: &[&'t str], name: &str) -> Result<Option<&'t str>> {
    if let Some(t) = tables.iter().find(|t| **t == name) {
        return Ok(Some(t));
    }
    let mut hits: Vec<&str> =
        tables.iter().copied().filter(|t| t.eq_ignore_ascii_case(name)).collect();
    hits.dedup();
    match hits.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(Error::arg(
            name,
            format!(
                "the relation name matches the tables {} ignoring case and none exactly; \
                 write the name exactly as one of them",
                many.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// The CTEs one query defines, and how many of them are visible at the
/// current point of the walk.
struct CteScope {
    /// The query with the WITH clause.
    owner: *const Query,
    /// Each CTE's name and body.
    ctes: Vec<(String, *const Query)>,
    recursive: bool,
    /// The first `visible` CTEs are in scope.
    visible: usize,
}

/// A relation name that becomes a table reference.
struct Relation {
    /// Where the name is in the text.
    span: Span,
    /// The name as written (with its quotes).
    written: String,
    /// The key of the table it means.
    key: String,
    /// The factor has no alias: keep the name usable as a qualifier.
    keep_name: bool,
}

/// Walks the AST and collects the relation names that mean one of `tables`.
struct RelationFinder<'a> {
    tables: &'a [&'a str],
    scopes: Vec<CteScope>,
    found: Vec<Relation>,
}

impl RelationFinder<'_> {
    fn is_cte(&self, name: &str) -> bool {
        self.scopes
            .iter()
            .any(|s| s.ctes[..s.visible].iter().any(|(c, _)| c.eq_ignore_ascii_case(name)))
    }
}

impl Visitor for RelationFinder<'_> {
    type Break = Box<Error>;

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<Self::Break> {
        let this = query as *const Query;
        // a CTE body sees the CTEs before it (all of them under RECURSIVE)
        if let Some(top) = self.scopes.last_mut()
            && let Some(i) = top.ctes.iter().position(|(_, q)| *q == this)
        {
            top.visible = if top.recursive { top.ctes.len() } else { i };
        }
        if let Some(with) = &query.with {
            self.scopes.push(CteScope {
                owner: this,
                ctes: with
                    .cte_tables
                    .iter()
                    .map(|c| (c.alias.name.value.clone(), &*c.query as *const Query))
                    .collect(),
                recursive: with.recursive,
                visible: 0,
            });
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &Query) -> ControlFlow<Self::Break> {
        let this = query as *const Query;
        if self.scopes.last().is_some_and(|s| s.owner == this) {
            self.scopes.pop();
        }
        // after a CTE body, the CTEs up to it are visible (the main query sees all)
        if let Some(top) = self.scopes.last_mut()
            && let Some(i) = top.ctes.iter().position(|(_, q)| *q == this)
        {
            top.visible = i + 1;
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<Self::Break> {
        let TableFactor::Table {
            name,
            alias,
            args: None,
            with_hints,
            version,
            partitions,
            json_path,
            sample,
            index_hints,
            ..
        } = factor
        else {
            return ControlFlow::Continue(());
        };
        let [ObjectNamePart::Identifier(ident)] = name.0.as_slice() else {
            return ControlFlow::Continue(());
        };
        if self.is_cte(&ident.value) {
            return ControlFlow::Continue(());
        }
        match match_table(self.tables, &ident.value) {
            Ok(Some(key)) => {
                // `AS name` goes right after the name only when nothing else follows it
                let plain = with_hints.is_empty()
                    && version.is_none()
                    && partitions.is_empty()
                    && json_path.is_none()
                    && sample.is_none()
                    && index_hints.is_empty();
                self.found.push(Relation {
                    span: ident.span,
                    written: ident.to_string(),
                    key: key.to_string(),
                    keep_name: alias.is_none() && plain,
                });
                ControlFlow::Continue(())
            }
            Ok(None) => ControlFlow::Continue(()),
            Err(e) => ControlFlow::Break(Box::new(e)),
        }
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
    use crate::error::ErrorKind;

    fn tables(s: &StructuredSql) -> Vec<&str> {
        s.parts
            .iter()
            .filter_map(|p| match p {
                SqlPart::Table(t) => Some(t.as_str()),
                SqlPart::Text(_) => None,
            })
            .collect()
    }

    /// `sql` with `names` registered, rendered with `<key>` for each reference.
    fn render(sql: &str, names: &[&str]) -> String {
        let s = StructuredSql::with_tables(sql, names).expect("with_tables");
        s.render(|k| Ok(format!("<{k}>"))).expect("render")
    }

    #[test]
    fn eng_sql_1_relation_names_become_references() {
        let s = StructuredSql::with_tables(
            "SELECT a.x, 'b' FROM A JOIN b ON a.x = b.x -- b\n/* a */ WHERE \"a\" > count(b.y)",
            &["a", "b"],
        )
        .expect("parses");
        assert_eq!(tables(&s), vec!["a", "b"]);
        assert_eq!(s.dialect, "spark");
        let rendered = s.render(|k| Ok(format!("t_{k}"))).expect("render");
        assert_eq!(
            rendered,
            "SELECT a.x, 'b' FROM  t_a AS A JOIN  t_b AS b ON a.x = b.x -- b\n/* a */ WHERE \"a\" > count(b.y)"
        );
    }

    #[test]
    fn eng_sql_1_functions_strings_comments_and_unknown_names_are_kept() {
        let sql = "SELECT people('x'), 'people' /* people */ FROM other -- people";
        let s = StructuredSql::with_tables(sql, &["people"]).expect("parses");
        assert!(tables(&s).is_empty());
        assert_eq!(s.parts, vec![SqlPart::Text(sql.into())]);
        let s = StructuredSql::with_tables("SELECT 'it''s people' FROM people", &["people"])
            .expect("parses");
        assert_eq!(tables(&s), vec!["people"]);
    }

    #[test]
    fn eng_sql_1_a_column_named_like_a_table_stays_a_column() {
        assert_eq!(
            render("SELECT status FROM status WHERE status > 1", &["status"]),
            "SELECT status FROM  <status> AS status WHERE status > 1"
        );
        // aliases and qualified names are not relations either
        assert_eq!(
            render("SELECT x AS t, t.t FROM u AS t", &["t", "u"]),
            "SELECT x AS t, t.t FROM  <u>  AS t"
        );
        assert_eq!(render("SELECT a FROM db.t", &["t", "db"]), "SELECT a FROM db.t");
    }

    #[test]
    fn eng_sql_1_qualified_columns_keep_the_table_name_as_alias() {
        assert_eq!(render("SELECT t.a FROM t", &["t"]), "SELECT t.a FROM  <t> AS t");
        assert_eq!(
            render("SELECT t.a, u.b FROM t, u WHERE t.a = u.a", &["t", "u"]),
            "SELECT t.a, u.b FROM  <t> AS t,  <u> AS u WHERE t.a = u.a"
        );
        // an explicit alias is kept as written, no second one is added
        assert_eq!(render("SELECT x.a FROM t x", &["t"]), "SELECT x.a FROM  <t>  x");
    }

    #[test]
    fn eng_sql_1_an_output_column_named_like_the_table_is_kept() {
        assert_eq!(
            render("SELECT COUNT(*) AS t FROM t", &["t"]),
            "SELECT COUNT(*) AS t FROM  <t> AS t"
        );
    }

    #[test]
    fn eng_sql_1_subqueries_ctes_and_set_operations() {
        assert_eq!(
            render(
                "SELECT a FROM (SELECT a FROM t) s WHERE a IN (SELECT a FROM u) \
                 UNION ALL SELECT a FROM u WHERE EXISTS (SELECT 1 FROM t)",
                &["t", "u"]
            ),
            "SELECT a FROM (SELECT a FROM  <t> AS t) s WHERE a IN (SELECT a FROM  <u> AS u) \
             UNION ALL SELECT a FROM  <u> AS u WHERE EXISTS (SELECT 1 FROM  <t> AS t)"
        );
        // CTE bodies reference frames; the CTE name shadows a frame called `x`
        assert_eq!(
            render("WITH x AS (SELECT a FROM t) SELECT * FROM x JOIN t ON x.a = t.a", &["t", "x"]),
            "WITH x AS (SELECT a FROM  <t> AS t) SELECT * FROM x JOIN  <t> AS t ON x.a = t.a"
        );
        // a non-recursive CTE body does not see itself or later CTEs
        assert_eq!(
            render("WITH x AS (SELECT a FROM x), y AS (SELECT a FROM x) SELECT * FROM y", &["x"]),
            "WITH x AS (SELECT a FROM  <x> AS x), y AS (SELECT a FROM x) SELECT * FROM y"
        );
        // a recursive CTE sees itself
        assert_eq!(
            render(
                "WITH RECURSIVE x AS (SELECT 1 AS a UNION ALL SELECT a + 1 FROM x WHERE a < 3) \
                 SELECT * FROM x",
                &["x"]
            ),
            "WITH RECURSIVE x AS (SELECT 1 AS a UNION ALL SELECT a + 1 FROM x WHERE a < 3) \
             SELECT * FROM x"
        );
        // a CTE of a subquery is visible only inside it
        assert_eq!(
            render("SELECT * FROM (WITH t AS (SELECT 1 AS a) SELECT a FROM t) s, t", &["t"]),
            "SELECT * FROM (WITH t AS (SELECT 1 AS a) SELECT a FROM t) s,  <t> AS t"
        );
    }

    #[test]
    fn eng_sql_1_case_exact_match_wins_else_a_unique_one() {
        assert_eq!(
            render("SELECT * FROM t JOIN T ON t.a = T.a", &["t", "T"]),
            "SELECT * FROM  <t> AS t JOIN  <T> AS T ON t.a = T.a"
        );
        assert_eq!(
            render("SELECT * FROM PEOPLE", &["people"]),
            "SELECT * FROM  <people> AS PEOPLE"
        );
        let e =
            StructuredSql::with_tables("SELECT * FROM Ab", &["ab", "AB"]).expect_err("ambiguous");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("`ab`") && e.to_string().contains("`AB`"), "{e}");
    }

    #[test]
    fn eng_sql_1_a_table_named_like_a_keyword() {
        assert_eq!(
            render("SELECT a FROM `by` ORDER BY a", &["by"]),
            "SELECT a FROM  <by> AS `by` ORDER BY a"
        );
        assert_eq!(
            render("SELECT a FROM by ORDER BY a", &["by"]),
            "SELECT a FROM  <by> AS by ORDER BY a"
        );
        assert_eq!(
            render("SELECT `by`.a FROM `by` WHERE a > 0 ORDER BY `by`.a", &["by"]),
            "SELECT `by`.a FROM  <by> AS `by` WHERE a > 0 ORDER BY `by`.a"
        );
    }

    #[test]
    fn eng_sql_1_multiline_and_non_ascii_text_keeps_positions() {
        assert_eq!(
            render("SELECT 'é€' AS x,\n  a\nFROM\n\tt\nWHERE a = 'ü'", &["t"]),
            "SELECT 'é€' AS x,\n  a\nFROM\n\t <t> AS t\nWHERE a = 'ü'"
        );
    }

    #[test]
    fn eng_sql_2_dialect_is_kept_and_chooses_the_parser() {
        let s = StructuredSql::with_tables_in("SELECT \"a\" FROM \"t\"", &["t"], "generic")
            .expect("double quotes are identifiers in generic");
        assert_eq!(s.dialect, "generic");
        assert_eq!(
            s.render(|k| Ok(format!("<{k}>"))).expect("render"),
            "SELECT \"a\" FROM  <t> AS \"t\""
        );
        assert_eq!(
            StructuredSql::with_tables_in("SELECT 1", &[], " ").expect("ok").dialect,
            "spark"
        );
        // an unknown dialect name parses as generic and is kept
        let s = StructuredSql::with_tables_in("SELECT a FROM t", &["t"], "trino").expect("ok");
        assert_eq!((s.dialect.as_str(), tables(&s)), ("trino", vec!["t"]));
    }

    /// A 20k-term `1+1+...` used to overflow the stack (exit 134 in the
    /// CLI); deep parentheses hit sqlparser's recursion limit. Both are one
    /// `ERR-ARG`, from `with_tables_in` and from `render`.
    #[test]
    fn eng_sql_1_huge_and_deep_expressions_are_argument_errors() {
        let chain = format!("SELECT {} FROM t", vec!["1"; 20_000].join("+"));
        let e = StructuredSql::with_tables(&chain, &["t"]).expect_err("too many operators");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("19999 operators"), "{e}");
        let e = StructuredSql::text(chain).render(|k| Ok(k.to_string())).expect_err("render");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        let ands = format!("SELECT a FROM t WHERE {}", vec!["a = 1"; 1_000].join(" OR "));
        assert!(StructuredSql::with_tables(&ands, &["t"]).is_err());
        let deep = format!("SELECT {}1{} FROM t", "(".repeat(1_000), ")".repeat(1_000));
        let e = StructuredSql::with_tables(&deep, &["t"]).expect_err("too deep");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        // 500 terms are fine
        let ok = format!("SELECT {} AS x FROM t", vec!["1"; 500].join("+"));
        assert_eq!(tables(&StructuredSql::with_tables(&ok, &["t"]).expect("parses")), vec!["t"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

        /// Table-name handling at length and depth: up to ~100k characters,
        /// 1,000 levels of parentheses or subqueries, names with spaces,
        /// unicode, quotes and backticks: a statement or `ERR-ARG`, never a
        /// panic or a stack overflow; a name that parses is found.
        #[test]
        fn prop_with_tables_long_deep_and_odd_names(
            depth in 0usize..=1_000,
            terms in 1usize..=30_000,
            sub in proptest::bool::ANY,
            name in "[a-zA-Z_ é€`\"']{1,12}",
        ) {
            let quoted = format!("`{}`", name.replace('`', "``"));
            let expr = vec!["a"; terms].join("+");
            let sql = if sub {
                format!("{}SELECT {expr} FROM {quoted}{}", "SELECT * FROM (".repeat(depth), ") s".repeat(depth))
            } else {
                format!("SELECT {}{expr}{} FROM {quoted}", "(".repeat(depth), ")".repeat(depth))
            };
            match StructuredSql::with_tables(&sql, &[name.as_str()]) {
                Ok(s) => proptest::prop_assert_eq!(tables(&s), vec![name.as_str()]),
                Err(e) => proptest::prop_assert_eq!(e.kind(), ErrorKind::InvalidArgument),
            }
        }
    }

    #[test]
    fn eng_sql_1_text_that_does_not_parse_is_an_argument_error_with_a_position() {
        let e = StructuredSql::with_tables("SELECT a FROM t\nWHERE a >> > 1", &["t"])
            .expect_err("does not parse");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("Line: 2"), "{e}");
        assert!(e.to_string().contains("Column:"), "{e}");
        let e = StructuredSql::with_tables("SELECT a FROM", &["t"]).expect_err("ends early");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("Line: 1") && e.to_string().contains("Column:"), "{e}");
    }
}
