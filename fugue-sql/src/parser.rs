//! Recursive-descent parser of the supported FugueSQL statements (§3-4).

use serde_json::{Map, Value as Json};

use crate::error::SyntaxError;
use crate::lexer::{Kind, Tok, lex};

/// The 41 reserved FugueSQL keywords (FSQL-LEX-6).
pub(crate) const RESERVED: [&str; 41] = [
    "APPEND",
    "APPROX",
    "BERNOULLI",
    "BROADCAST",
    "CALLBACK",
    "CHECKPOINT",
    "COARSE",
    "CONCURRENCY",
    "CONNECT",
    "CSV",
    "DATAFRAME",
    "DETERMINISTIC",
    "EVEN",
    "FILE",
    "FILL",
    "HASH",
    "JSON",
    "OUTPUT",
    "OUTTRANSFORM",
    "PARAMS",
    "PARQUET",
    "PERSIST",
    "PREPARTITION",
    "PRESORT",
    "PRINT",
    "PROCESS",
    "RAND",
    "RESERVOIR",
    "ROWCOUNT",
    "SAMPLE",
    "SAVE",
    "SEED",
    "SINGLE",
    "STRONG",
    "SUB",
    "SYSTEM",
    "TAKE",
    "TITLE",
    "WEAK",
    "YIELD",
    "ZIP",
];

/// Options of [`Parser::parse_with`] (FSQL-LEX-4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ParseOptions {
    /// Match keywords in any letter case (`fugue.sql.compile.ignore_case`);
    /// names, strings and SQL text keep their case (FSQL-LEX-4, -13).
    pub ignore_case: bool,
}

/// The prefix of the placeholder words that stand for FugueSQL terms and
/// members inside SQL text (FSQL-RUST-SQL-1).
pub(crate) const PLACEHOLDER: &str = "__fsql_ref_";

/// The extension statements compiled through the registry (FSQL-RUST-REG).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExtKind {
    /// PROCESS (FSQL-STMT-PROCESS-1).
    Process,
    /// OUTPUT (FSQL-STMT-OUTPUT-1).
    Output,
    /// OUTTRANSFORM (FSQL-STMT-OUTTRANSFORM-1..3).
    OutTransform,
}

/// Words that start a checkpoint or BROADCAST suffix (FSQL-STMT-CKPT, -BCAST).
const SUFFIX_WORDS: [&str; 7] =
    ["PERSIST", "WEAK", "STRONG", "DETERMINISTIC", "CHECKPOINT", "BROADCAST", "LAZY"];

/// A checkpoint clause (FSQL-STMT-CKPT-1..5).
#[derive(Debug, Clone)]
pub(crate) enum Ckpt {
    /// `[LAZY] PERSIST [params]` / `[LAZY] WEAK CHECKPOINT [params]`
    /// (FSQL-STMT-CKPT-2/3).
    Weak { lazy: bool, params: Map<String, Json> },
    /// `[STRONG] CHECKPOINT [prepartition] [SINGLE]`.
    Strong { partition: Option<Prepartition>, single: bool },
    /// `DETERMINISTIC CHECKPOINT ["ns"] [prepartition] [SINGLE]`.
    Deterministic { namespace: Option<String>, partition: Option<Prepartition>, single: bool },
}

/// A YIELD clause (FSQL-STMT-YIELD-2).
#[derive(Debug, Clone)]
pub(crate) enum YieldKind {
    /// `YIELD [LOCAL] DATAFRAME`: as_local.
    DataFrame(bool),
    /// `YIELD FILE`.
    File,
    /// `YIELD TABLE` (WF-YIELD-4).
    Table,
    /// `YIELD VIEW` (parses; ERR-NOT-SUPPORTED at compile).
    View,
}

/// A dataframe input of a statement (FSQL-DFREF-1..4).
#[derive(Debug, Clone)]
pub(crate) enum DfRef {
    /// A variable (FSQL-DFREF-2).
    Name { name: String, line: usize, col: usize },
    /// `name[i]` / `name[key]`: a member of a collection variable
    /// (FSQL-DFREF-3).
    Member { name: String, member: Member, line: usize, col: usize },
    /// `( task )`: a nestable task compiled in a child scope (FSQL-DFREF-4,
    /// FSQL-SCOPE-6).
    Task(Box<Stmt>),
}

/// The member selector of `name[member]` (FSQL-DFREF-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Member {
    /// By position.
    Index(usize),
    /// By key.
    Key(String),
}

impl std::fmt::Display for Member {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Member::Index(i) => write!(f, "{i}"),
            Member::Key(k) => write!(f, "{k}"),
        }
    }
}

/// A list of dataframe inputs (FSQL-DFREF-5): list form (keys `_0`, `_1`,
/// ...) or dict form (`k=a, k:b`); empty when the input is omitted.
#[derive(Debug, Clone)]
pub(crate) enum DfList {
    /// `a, b, ...`.
    List(Vec<DfRef>),
    /// `k=a, k:b, ...`.
    Dict(Vec<(String, DfRef)>),
}

impl DfList {
    /// The number of inputs.
    pub fn len(&self) -> usize {
        match self {
            DfList::List(v) => v.len(),
            DfList::Dict(v) => v.len(),
        }
    }

    /// Whether no input was given.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for DfList {
    fn default() -> Self {
        DfList::List(Vec::new())
    }
}

/// A PREPARTITION clause (FSQL-PART-1): algorithm, number expression
/// text (`"ROWCOUNT/2"`), keys and presort.
#[derive(Debug, Clone, Default)]
pub(crate) struct Prepartition {
    pub algo: Option<String>,
    pub num: Option<String>,
    pub by: Vec<String>,
    pub presort: String,
}

/// A statement body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Create {
        rows: Json,
        schema: String,
    },
    /// `CREATE USING creator [params] [SCHEMA s]` (FSQL-STMT-CREATE-5).
    CreateUsing {
        using: String,
        params: Map<String, Json>,
        schema: Option<String>,
    },
    /// `ZIP dfs [how] [BY keys] [PRESORT cols]` (FSQL-STMT-ZIP-1..4).
    Zip {
        dfs: DfList,
        how: String,
        by: Vec<String>,
        presort: String,
    },
    /// `CONNECT engine [params] query` (FSQL-STMT-CONNECT-1..3).
    Connect {
        engine: String,
        line: usize,
        col: usize,
        inner: Box<Body>,
    },
    Load {
        fmt: Option<String>,
        paths: Vec<String>,
        params: Map<String, Json>,
        columns: Option<String>,
    },
    Save {
        df: Option<DfRef>,
        partition: Option<Prepartition>,
        mode: String,
        single: bool,
        fmt: Option<String>,
        path: String,
        params: Map<String, Json>,
    },
    /// A query: its tokens, in which every FugueSQL term is replaced by a
    /// placeholder word `__fsql_ref_N` naming `terms[N]` (FSQL-RUST-SQL-1).
    Select {
        tokens: Vec<Tok>,
        terms: Vec<Stmt>,
    },
    /// A statement form the grammar accepts but fugue-sql rejects at compile
    /// time with ERR-FSQL (FSQL-STMT-SELECT-12).
    Unsupported {
        what: String,
    },
    /// `SUB [dataframes] USING module [params]` (FSQL-STMT-SUB-1..3).
    Sub {
        dfs: DfList,
        using: String,
        params: Map<String, Json>,
    },
    Transform {
        df: Option<DfRef>,
        partition: Option<Prepartition>,
        using: String,
        params: Map<String, Json>,
        schema: Option<String>,
        callback: Option<String>,
    },
    Print {
        n: usize,
        dfs: DfList,
        rowcount: bool,
        title: Option<String>,
    },
    SaveUse {
        df: Option<DfRef>,
        partition: Option<Prepartition>,
        mode: String,
        single: bool,
        fmt: Option<String>,
        path: String,
        params: Map<String, Json>,
    },
    Ext {
        kind: ExtKind,
        dfs: DfList,
        partition: Option<Prepartition>,
        using: String,
        params: Map<String, Json>,
        callback: Option<String>,
    },
    Take {
        df: Option<DfRef>,
        n: usize,
        by: Vec<String>,
        presort: String,
        nulls_first: bool,
    },
    Sample {
        df: Option<DfRef>,
        n: Option<usize>,
        frac: Option<f64>,
        replace: bool,
        seed: Option<u64>,
    },
    DropCols {
        df: Option<DfRef>,
        cols: Vec<String>,
        if_exists: bool,
    },
    Rename {
        df: Option<DfRef>,
        pairs: Vec<(String, String)>,
    },
    Alter {
        df: Option<DfRef>,
        schema: String,
    },
    FillNulls {
        df: Option<DfRef>,
        values: Map<String, Json>,
    },
    DropRows {
        df: Option<DfRef>,
        how: String,
        on: Option<Vec<String>>,
    },
}

/// One statement with its suffixes.
#[derive(Debug, Clone)]
pub(crate) struct Stmt {
    pub assign: Option<String>,
    pub body: Body,
    /// The checkpoint clause (FSQL-STMT-CKPT).
    pub ckpt: Option<Ckpt>,
    /// `BROADCAST` (FSQL-STMT-BCAST-1).
    pub broadcast: bool,
    /// `YIELD ... [AS name]`: (name, kind).
    pub yield_df: Option<(Option<String>, YieldKind)>,
    pub first_line: usize,
    pub last_line: usize,
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    pos: usize,
    ignore_case: bool,
    /// The depth of parenthesised tasks being parsed (FSQL-DFREF-4).
    nest: usize,
}

type R<T> = Result<T, SyntaxError>;

impl<'a> Parser<'a> {
    /// Parses with the default options (case-sensitive keywords).
    pub(crate) fn parse(src: &'a str) -> R<Vec<Stmt>> {
        Self::parse_with(src, &ParseOptions::default())
    }

    /// Parses with `options` (FSQL-LEX-4). In case-sensitive mode a syntax
    /// error of a mostly lower-case script, or at a word that is a keyword
    /// when upper-cased, starts with a sentence naming
    /// `fugue.sql.compile.ignore_case` (FSQL-RUST-ERR-3).
    pub(crate) fn parse_with(src: &'a str, opts: &ParseOptions) -> R<Vec<Stmt>> {
        Self::parse_inner(src, opts).map_err(|mut e| {
            if !opts.ignore_case && case_hint_applies(src, &e.token) {
                e.message = format!(
                    "FugueSQL keywords are upper case: set `fugue.sql.compile.ignore_case` to true to accept lower-case keywords. {}",
                    e.message
                );
            }
            e
        })
    }

    fn parse_inner(src: &'a str, options: &ParseOptions) -> R<Vec<Stmt>> {
        let toks = lex(src, options.ignore_case)?;
        let mut p = Parser { src, toks, pos: 0, ignore_case: options.ignore_case, nest: 0 };
        if p.toks.is_empty() {
            return Err(p.err_here("the script is empty (FSQL-LEX-3)", None));
        }
        let mut out = Vec::new();
        while p.pos < p.toks.len() {
            out.push(p.statement()?);
        }
        Ok(out)
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k)
    }

    fn err_at(&self, idx: usize, msg: &str, hint: Option<&str>) -> SyntaxError {
        match self.toks.get(idx) {
            Some(t) => SyntaxError::new(self.src, t.line, t.col, t.text.clone(), msg, hint),
            None => {
                let lines: Vec<&str> = self.src.lines().collect();
                let line = lines.len().max(1);
                let col = lines.last().map_or(0, |l| l.chars().count()) + 1;
                SyntaxError::new(self.src, line, col, String::new(), msg, hint)
            }
        }
    }

    fn err_here(&self, msg: &str, hint: Option<&str>) -> SyntaxError {
        self.err_at(self.pos, msg, hint)
    }

    fn at_kw(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| t.is_kw(kw))
    }

    fn at_p(&self, p: &str) -> bool {
        self.peek().is_some_and(|t| t.is_p(p))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.at_kw(kw);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn eat_p(&mut self, p: &str) -> bool {
        let hit = self.at_p(p);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect_kw(&mut self, kw: &str) -> R<()> {
        if self.eat_kw(kw) { Ok(()) } else { Err(self.err_here(&format!("expected `{kw}`"), None)) }
    }

    fn expect_p(&mut self, p: &str) -> R<()> {
        if self.eat_p(p) { Ok(()) } else { Err(self.err_here(&format!("expected `{p}`"), None)) }
    }

    /// An identifier: a non-reserved word or a backquoted name (FSQL-LEX-6, -12).
    fn ident(&mut self, what: &str) -> R<String> {
        match self.peek() {
            Some(t) if t.kind == Kind::Quoted => {
                let v = t.value.clone();
                self.pos += 1;
                Ok(v)
            }
            Some(t) if t.kind == Kind::Word && !RESERVED.contains(&t.kw.as_str()) => {
                let v = t.value.clone();
                self.pos += 1;
                Ok(v)
            }
            Some(t) if t.kind == Kind::Word => Err(self.err_here(
                &format!("expected {what}, found the reserved word `{}`", t.text),
                Some("quote a name that is a reserved word with backticks (FSQL-LEX-6)"),
            )),
            _ => Err(self.err_here(&format!("expected {what}"), None)),
        }
    }

    fn is_ident_tok(t: &Tok) -> bool {
        t.kind == Kind::Quoted || (t.kind == Kind::Word && !RESERVED.contains(&t.kw.as_str()))
    }

    fn string(&mut self, what: &str) -> R<String> {
        match self.peek() {
            Some(t) if t.kind == Kind::Str => {
                let v = t.value.clone();
                self.pos += 1;
                Ok(v)
            }
            _ => Err(self.err_here(&format!("expected {what} (a quoted string)"), None)),
        }
    }

    fn statement(&mut self) -> R<Stmt> {
        let start = self.pos;
        let first_line = self.peek().map_or(1, |t| t.line);
        let mut assign = None;
        if self.peek().is_some_and(Self::is_ident_tok)
            && self.peek_at(1).is_some_and(|t| t.is_p("="))
        {
            assign = Some(self.ident("a variable name")?);
            self.pos += 1;
            if self.peek().is_none() {
                return Err(self.err_here("expected a statement after `=` (FSQL-SCRIPT-3)", None));
            }
        }
        let Some(t) = self.peek().cloned() else {
            return Err(self.err_here("expected a statement", None));
        };
        let word = if t.kind == Kind::Word { t.kw.clone() } else { String::new() };
        let word = word.as_str();
        let (body, nestable) = self.body(word)?;
        if self.nest > 0 && !nestable {
            return Err(self.err_at(
                start + if assign.is_some() { 2 } else { 0 },
                &format!("`{word}` produces no dataframe and cannot be nested (FSQL-DFREF-4)"),
                None,
            ));
        }
        if !nestable && word != "SUB" && assign.is_some() {
            return Err(self.err_at(
                start + 2,
                &format!("`{word}` produces no dataframe and cannot be assigned (FSQL-SCRIPT-1)"),
                None,
            ));
        }
        if word == "SUB" {
            let last_line =
                self.toks.get(self.pos.saturating_sub(1)).map_or(first_line, |t| t.line);
            return Ok(Stmt {
                assign,
                body,
                ckpt: None,
                broadcast: false,
                yield_df: None,
                first_line,
                last_line,
            });
        }
        self.finish_statement(assign, body, nestable, first_line)
    }

    /// A statement body by its first word (keyword form); with whether it
    /// is nestable.
    fn body(&mut self, word: &str) -> R<(Body, bool)> {
        Ok(match word {
            "SELECT" | "WITH" => (self.select(Vec::new(), Vec::new())?, true),
            "PRINT" => (self.print()?, false),
            "SAVE" if !self.peek_at(1).is_some_and(|t| t.is_kw("AND")) => (self.save()?, false),
            "OUTPUT" => (self.ext(ExtKind::Output)?, false),
            "OUTTRANSFORM" => (self.ext(ExtKind::OutTransform)?, false),
            "SUB" => (self.sub()?, false),
            "CONNECT" => (self.connect()?, true),
            "FROM" | "TABLE" | "VALUES" => (self.unsupported_query(word)?, true),
            _ if self.at_term()
                || ["CREATE", "LOAD", "TRANSFORM", "DROP", "RENAME", "ALTER"].contains(&word) =>
            {
                let first = self.pos;
                let body = self.term()?;
                // FSQL-RUST-SPLIT-6: a set operator or a query tail after a
                // term continues the statement as a query.
                if self.at_setop() || self.at_tail() {
                    let term = self.term_stmt(first, body);
                    let mut toks = Vec::new();
                    let tok0 = self.toks[first].clone();
                    Self::push_operand(&mut toks, &tok0, 0);
                    (self.select(toks, vec![term])?, true)
                } else {
                    (body, true)
                }
            }
            _ => {
                return Err(self.err_here(
                    "expected a statement (CREATE, LOAD, SAVE, SELECT, WITH, TRANSFORM, PRINT or `name =`)",
                    None,
                ));
            }
        })
    }

    /// The suffix clauses of a statement (FSQL-SCRIPT-4).
    fn finish_statement(
        &mut self,
        assign: Option<String>,
        body: Body,
        nestable: bool,
        first_line: usize,
    ) -> R<Stmt> {
        let (ckpt, broadcast) = if nestable { self.suffixes()? } else { (None, false) };
        let mut yield_df = None;
        if nestable && self.at_kw("YIELD") {
            self.pos += 1;
            let kind = if self.eat_kw("FILE") {
                YieldKind::File
            } else if self.eat_kw("TABLE") {
                YieldKind::Table
            } else if self.eat_kw("VIEW") {
                YieldKind::View
            } else {
                let local = self.eat_kw("LOCAL");
                if !self.eat_kw("DATAFRAME") {
                    return Err(self.err_here(
                        if local {
                            "expected `DATAFRAME` after YIELD LOCAL (FSQL-STMT-YIELD-2)"
                        } else {
                            "expected `DATAFRAME`, `LOCAL DATAFRAME`, `FILE`, `TABLE` or `VIEW` after YIELD (FSQL-STMT-YIELD-2)"
                        },
                        None,
                    ));
                }
                YieldKind::DataFrame(local)
            };
            let name = if self.eat_kw("AS") { Some(self.ident("a yield name")?) } else { None };
            yield_df = Some((name, kind));
        }
        if self.peek().is_some_and(|t| {
            t.kind == Kind::Word
                && SUFFIX_WORDS.contains(&t.kw.as_str())
                && (t.kw != "LAZY"
                    || self.peek_at(1).is_some_and(|n| SUFFIX_WORDS[..5].contains(&n.kw.as_str())))
        }) {
            return Err(self.err_here(
                "this clause is out of order: the suffixes are checkpoint, BROADCAST, YIELD, in that order (FSQL-SCRIPT-4)",
                None,
            ));
        }
        let last_line = self.toks.get(self.pos.saturating_sub(1)).map_or(first_line, |t| t.line);
        Ok(Stmt { assign, body, ckpt, broadcast, yield_df, first_line, last_line })
    }

    // ------------------------------------------------------ FugueSQL terms

    /// Whether the token at `i` starts a FugueSQL term (FSQL-SCRIPT-2, the
    /// starters of FSQL-RUST-SPLIT-2 with their followers).
    fn term_at(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i).filter(|t| t.kind == Kind::Word) else { return false };
        let next = self.toks.get(i + 1);
        let nw = |s: &str| next.is_some_and(|n| n.is_kw(s));
        let np = |s: &str| next.is_some_and(|n| n.is_p(s));
        match t.kw.as_str() {
            "TAKE" | "SAMPLE" | "PROCESS" | "ZIP" | "FILL" => true,
            "TRANSFORM" => !np("("),
            "CREATE" => np("[") || nw("DATA") || nw("USING"),
            "LOAD" => {
                nw("PARQUET")
                    || nw("CSV")
                    || nw("JSON")
                    || np("[")
                    || next.is_some_and(|n| n.kind == Kind::Str)
            }
            "RENAME" | "ALTER" => nw("COLUMNS"),
            "DROP" => nw("COLUMNS") || nw("ROWS"),
            "SAVE" => nw("AND"),
            _ => false,
        }
    }

    fn at_term(&self) -> bool {
        self.term_at(self.pos)
    }

    /// A set operator at the current position (FSQL-STMT-SETOP-1).
    fn at_setop(&self) -> bool {
        ["UNION", "INTERSECT", "EXCEPT", "MINUS"].iter().any(|w| self.at_kw(w))
    }

    /// A query-tail keyword at the current position (FSQL-RUST-SPLIT-6).
    fn at_tail(&self) -> bool {
        ["ORDER", "CLUSTER", "DISTRIBUTE", "SORT", "WINDOW", "LIMIT"].iter().any(|w| self.at_kw(w))
    }

    /// The body of a FugueSQL term, without assignment or suffixes.
    fn term(&mut self) -> R<Body> {
        let word = self.peek().map(|t| t.kw.clone()).unwrap_or_default();
        match word.as_str() {
            "CREATE" => self.create(),
            "LOAD" => self.load(),
            "TRANSFORM" => self.transform(),
            "SAVE" => self.save_and_use(),
            "TAKE" => self.take(),
            "PROCESS" => self.ext(ExtKind::Process),
            "SAMPLE" => self.sample(),
            "ZIP" => self.zip(),
            "DROP" | "RENAME" | "ALTER" | "FILL" => self.column_stmt(&word),
            w => Err(self.err_here(&format!("`{w}` is not supported yet by fugue-sql"), None)),
        }
    }

    /// A term body as a statement of its own (compiled in a child scope).
    fn term_stmt(&self, first: usize, body: Body) -> Stmt {
        let first_line = self.toks.get(first).map_or(1, |t| t.line);
        let last_line = self.toks.get(self.pos.saturating_sub(1)).map_or(first_line, |t| t.line);
        Stmt {
            assign: None,
            body,
            ckpt: None,
            broadcast: false,
            yield_df: None,
            first_line,
            last_line,
        }
    }

    /// A synthetic word token at `at`'s position.
    fn synth(at: &Tok, text: &str) -> Tok {
        Tok {
            kind: Kind::Word,
            text: text.to_string(),
            value: text.to_string(),
            kw: text.to_string(),
            line: at.line,
            col: at.col,
        }
    }

    /// `SELECT * FROM <placeholder>`: a term as a set-operation operand
    /// (FSQL-STMT-SETOP-2, FSQL-STMT-SELECT-13).
    fn push_operand(out: &mut Vec<Tok>, at: &Tok, index: usize) {
        out.push(Self::synth(at, "SELECT"));
        let mut star = Self::synth(at, "*");
        star.kind = Kind::Punct;
        out.push(star);
        out.push(Self::synth(at, "FROM"));
        out.push(Self::synth(at, &format!("{PLACEHOLDER}{index}")));
    }

    /// `FROM t SELECT ...`, `TABLE t`, `VALUES ...` as whole statements:
    /// parsed to their end, rejected at compile time (FSQL-STMT-SELECT-12).
    fn unsupported_query(&mut self, word: &str) -> R<Body> {
        self.pos += 1;
        self.select(Vec::new(), Vec::new())?;
        if word == "FROM" && self.at_kw("SELECT") {
            self.select(Vec::new(), Vec::new())?;
        }
        Ok(Body::Unsupported {
            what: format!(
                "a statement starting with `{word}` is not supported by fugue-sql (FSQL-STMT-SELECT-12)"
            ),
        })
    }

    // -------------------------------------------------------------- SUB

    /// `SUB [dataframes] USING module [params]` (FSQL-STMT-SUB-1..3).
    fn sub(&mut self) -> R<Body> {
        self.expect_kw("SUB")?;
        let dfs = if self.at_kw("USING") { DfList::default() } else { self.df_list()? };
        let using = self.using()?;
        let params = self.opt_params()?;
        Ok(Body::Sub { dfs, using, params })
    }

    // ---------------------------------------------- checkpoint, BROADCAST

    /// `[checkpoint] [BROADCAST]` (FSQL-STMT-CKPT, FSQL-STMT-BCAST-1).
    fn suffixes(&mut self) -> R<(Option<Ckpt>, bool)> {
        let lazy_at = self.pos;
        let lazy = self.at_kw("LAZY")
            && self.peek_at(1).is_some_and(|n| SUFFIX_WORDS[..5].contains(&n.kw.as_str()));
        if lazy {
            self.pos += 1;
        }
        let ckpt = if self.eat_kw("PERSIST") {
            Some(Ckpt::Weak { lazy, params: self.opt_params()? })
        } else if self.eat_kw("WEAK") {
            self.expect_kw("CHECKPOINT")?;
            Some(Ckpt::Weak { lazy, params: self.opt_params()? })
        } else if self.at_kw("STRONG") || self.at_kw("CHECKPOINT") {
            self.eat_kw("STRONG");
            self.expect_kw("CHECKPOINT")?;
            let partition = self.opt_prepartition()?;
            let single = self.eat_kw("SINGLE");
            Some(Ckpt::Strong { partition, single })
        } else if self.eat_kw("DETERMINISTIC") {
            self.expect_kw("CHECKPOINT")?;
            let namespace = match self.peek() {
                Some(t) if t.kind == Kind::Str => Some(self.string("a namespace")?),
                _ => None,
            };
            let partition = self.opt_prepartition()?;
            let single = self.eat_kw("SINGLE");
            Some(Ckpt::Deterministic { namespace, partition, single })
        } else {
            None
        };
        if lazy && !matches!(ckpt, Some(Ckpt::Weak { .. })) {
            return Err(self.err_at(
                lazy_at,
                "LAZY is supported only with PERSIST / WEAK CHECKPOINT by fugue-sql",
                None,
            ));
        }
        if ckpt.is_some() && (self.at_p("(") || self.at_p("{") || self.at_kw("PARAMS")) {
            return Err(self.err_here(
                "only PERSIST / WEAK CHECKPOINT take params (FSQL-STMT-CKPT-3); file checkpoints are Parquet files without options",
                None,
            ));
        }
        let broadcast = self.eat_kw("BROADCAST");
        Ok((ckpt, broadcast))
    }

    /// `FROM dataframe`, optional (FSQL-DFREF).
    fn opt_from(&mut self) -> R<Option<DfRef>> {
        if !self.eat_kw("FROM") {
            return Ok(None);
        }
        match self.opt_dfref()? {
            Some(r) => Ok(Some(r)),
            None => Err(self.err_here("expected a dataframe name after FROM", None)),
        }
    }

    /// A comma-separated column list (FSQL-COLS).
    fn cols(&mut self) -> R<Vec<String>> {
        let mut out = vec![self.ident("a column name")?];
        while self.eat_p(",") {
            out.push(self.ident("a column name")?);
        }
        Ok(out)
    }

    /// A non-negative integer literal.
    fn integer(&mut self, what: &str) -> R<u64> {
        match self.peek() {
            Some(t) if t.kind == Kind::Num && !t.text.contains('.') => {
                let n = t
                    .text
                    .parse()
                    .map_err(|_| self.err_here(&format!("{what} is too large"), None))?;
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.err_here(&format!("expected {what} (a non-negative integer)"), None)),
        }
    }

    // ------------------------------------------------------ SAVE AND USE

    /// `SAVE AND USE` with the options of SAVE (FSQL-STMT-SAVEUSE-1).
    fn save_and_use(&mut self) -> R<Body> {
        self.expect_kw("SAVE")?;
        self.expect_kw("AND")?;
        self.expect_kw("USE")?;
        match self.save_tail()? {
            Body::Save { df, partition, mode, single, fmt, path, params } => {
                Ok(Body::SaveUse { df, partition, mode, single, fmt, path, params })
            }
            _ => Err(self.err_here("expected a save mode", None)),
        }
    }

    // -------------------------------------------------------------- TAKE

    fn take(&mut self) -> R<Body> {
        self.expect_kw("TAKE")?;
        let mut n = 20usize;
        if self.peek().is_some_and(|t| t.kind == Kind::Num) {
            n = usize::try_from(self.integer("a row count")?)
                .map_err(|_| self.err_at(self.pos - 1, "the row count is too large", None))?;
            if !(self.eat_kw("ROWS") || self.eat_kw("ROW")) {
                return Err(self.err_here("expected `ROWS` or `ROW` after the count", None));
            }
        }
        let df = self.opt_from()?;
        let (mut by, mut presort) = (Vec::new(), String::new());
        if let Some(p) = self.opt_prepartition()? {
            by = p.by;
            presort = p.presort;
        } else if self.eat_kw("PRESORT") {
            presort = self.sort_list()?;
            if self.at_kw("PREPARTITION") {
                return Err(self.err_here(
                    "PREPARTITION cannot follow PRESORT: write PREPARTITION BY keys PRESORT cols (FSQL-STMT-TAKE-4)",
                    None,
                ));
            }
        }
        let mut nulls_first = false;
        if self.eat_kw("NULLS") || self.eat_kw("NULL") {
            if self.eat_kw("FIRST") {
                nulls_first = true;
            } else if !self.eat_kw("LAST") {
                return Err(self.err_here("expected `FIRST` or `LAST` (FSQL-STMT-TAKE-2)", None));
            }
        }
        Ok(Body::Take { df, n, by, presort, nulls_first })
    }

    // ------------------------------------------------------------ SAMPLE

    fn sample(&mut self) -> R<Body> {
        self.expect_kw("SAMPLE")?;
        let replace = self.eat_kw("REPLACE");
        let approx = self.eat_kw("APPROX");
        let Some(t) = self.peek().filter(|t| t.kind == Kind::Num).cloned() else {
            return Err(self.err_here(
                "expected a sample size: `p PERCENT`, `p %` or `k ROWS` (FSQL-STMT-SAMPLE-2)",
                None,
            ));
        };
        self.pos += 1;
        let (mut n, mut frac) = (None, None);
        if !approx && (self.eat_kw("PERCENT") || self.eat_p("%")) {
            let p = number(&t.text, false)
                .and_then(|j| j.as_f64())
                .ok_or_else(|| self.err_at(self.pos - 2, "invalid percentage", None))?;
            frac = Some(p / 100.0);
        } else if self.at_kw("ROWS") {
            if t.text.contains('.') {
                return Err(
                    self.err_here("a row count must be an integer (FSQL-STMT-SAMPLE-2)", None)
                );
            }
            let k = t
                .text
                .parse::<usize>()
                .map_err(|_| self.err_at(self.pos - 1, "the row count is too large", None))?;
            self.pos += 1;
            n = Some(k);
        } else {
            return Err(self.err_here(
                if approx {
                    "expected `ROWS` after APPROX count"
                } else {
                    "expected `PERCENT`, `%` or `ROWS` (FSQL-STMT-SAMPLE-2)"
                },
                None,
            ));
        }
        let seed = if self.eat_kw("SEED") { Some(self.integer("a seed")?) } else { None };
        let df = self.opt_from()?;
        // FSQL-STMT-SAMPLE-3: accepted, no effect.
        self.opt_prepartition()?;
        Ok(Body::Sample { df, n, frac, replace, seed })
    }

    // ------------------------------------ column and null statements

    fn column_stmt(&mut self, word: &str) -> R<Body> {
        self.pos += 1;
        if word == "FILL" {
            if !(self.eat_kw("NULLS") || self.eat_kw("NULL")) {
                return Err(self.err_here("expected `NULLS` after FILL (FSQL-STMT-FILL-1)", None));
            }
            if !(self.at_p("(") || self.at_p("{") || self.at_kw("PARAMS")) {
                return Err(self.err_here(
                    "expected the fill values `(col: value, ...)` (FSQL-STMT-FILL-1)",
                    None,
                ));
            }
            let values = self.opt_params()?;
            let df = self.opt_from()?;
            return Ok(Body::FillNulls { df, values });
        }
        if word == "DROP" && self.eat_kw("ROWS") {
            self.expect_kw("IF")?;
            let how = if self.eat_kw("ANY") {
                "any"
            } else if self.eat_kw("ALL") {
                "all"
            } else {
                return Err(self.err_here("expected `ANY` or `ALL` (FSQL-STMT-DROPROWS-1)", None));
            };
            if !(self.eat_kw("NULLS") || self.eat_kw("NULL")) {
                return Err(self.err_here("expected `NULLS` (FSQL-STMT-DROPROWS-1)", None));
            }
            let on = if self.eat_kw("ON") { Some(self.cols()?) } else { None };
            let df = self.opt_from()?;
            return Ok(Body::DropRows { df, how: how.to_string(), on });
        }
        if !self.eat_kw("COLUMNS") {
            return Err(self.err_here(
                if word == "DROP" {
                    "expected `COLUMNS` or `ROWS` after DROP"
                } else {
                    "expected `COLUMNS`"
                },
                None,
            ));
        }
        match word {
            "DROP" => {
                let cols = self.cols()?;
                let if_exists = if self.eat_kw("IF") {
                    self.expect_kw("EXISTS")?;
                    true
                } else {
                    false
                };
                let df = self.opt_from()?;
                Ok(Body::DropCols { df, cols, if_exists })
            }
            "RENAME" => {
                let mut pairs = Vec::new();
                loop {
                    let a = self.ident("a column name")?;
                    if !self.eat_p(":") {
                        return Err(self.err_here(
                            "expected `:` between the old and the new name (FSQL-STMT-RENAME-1)",
                            None,
                        ));
                    }
                    let b = self.ident("a new column name")?;
                    pairs.push((a, b));
                    if !self.eat_p(",") {
                        break;
                    }
                }
                let df = self.opt_from()?;
                Ok(Body::Rename { df, pairs })
            }
            _ => {
                let schema = self.schema(false)?;
                let df = self.opt_from()?;
                Ok(Body::Alter { df, schema })
            }
        }
    }

    // ------------------------------------------------------------ CREATE

    fn create(&mut self) -> R<Body> {
        self.expect_kw("CREATE")?;
        if self.at_kw("USING") {
            let using = self.using()?;
            let params = self.opt_params()?;
            let schema = if self.eat_kw("SCHEMA") { Some(self.schema(false)?) } else { None };
            return Ok(Body::CreateUsing { using, params, schema });
        }
        self.eat_kw("DATA");
        if !self.at_p("[") {
            return Err(self.err_here("expected inline data `[[...], ...]` after CREATE", None));
        }
        let rows = self.json_value()?;
        self.expect_kw("SCHEMA").map_err(|_| {
            self.err_here("expected `SCHEMA` after the inline data (FSQL-STMT-CREATE-4)", None)
        })?;
        let schema = self.schema(false)?;
        Ok(Body::Create { rows, schema })
    }

    // -------------------------------------------------------------- LOAD

    fn format(&mut self) -> Option<String> {
        for f in ["PARQUET", "CSV", "JSON"] {
            if self.eat_kw(f) {
                return Some(f.to_ascii_lowercase());
            }
        }
        None
    }

    fn load(&mut self) -> R<Body> {
        self.expect_kw("LOAD")?;
        let fmt = self.format();
        let paths = if self.eat_p("[") {
            // FSQL-STMT-LOAD-3: a non-empty list of strings.
            let mut v = vec![self.string("a path")?];
            while self.eat_p(",") {
                v.push(self.string("a path")?);
            }
            self.expect_p("]")?;
            v
        } else {
            vec![self.string("a path")?]
        };
        let params = self.opt_params()?;
        let columns = if self.eat_kw("COLUMNS") {
            let typed = self.peek_at(1).is_some_and(|t| t.is_p(":"));
            if typed {
                Some(self.schema(false)?)
            } else {
                let mut names = vec![self.ident("a column name")?];
                while self.at_p(",") && self.peek_at(1).is_some_and(Self::is_ident_tok) {
                    self.pos += 1;
                    names.push(self.ident("a column name")?);
                }
                Some(names.join(","))
            }
        } else {
            None
        };
        Ok(Body::Load { fmt, paths, params, columns })
    }

    // -------------------------------------------------------------- SAVE

    fn save(&mut self) -> R<Body> {
        self.expect_kw("SAVE")?;
        self.save_tail()
    }

    /// What follows `SAVE` / `SAVE AND USE` (FSQL-STMT-SAVE, -SAVEUSE).
    fn save_tail(&mut self) -> R<Body> {
        let df = self.opt_dfref()?;
        if df.is_some() && self.at_p(",") {
            return Err(self.err_here("SAVE takes exactly one dataframe (FSQL-STMT-SAVE-4)", None));
        }
        let partition = self.opt_prepartition()?;
        let mode = if self.eat_kw("TO") {
            "error"
        } else if self.eat_kw("OVERWRITE") {
            "overwrite"
        } else if self.eat_kw("APPEND") {
            "append"
        } else {
            return Err(self.err_here(
                "expected a save mode: TO, OVERWRITE or APPEND (FSQL-STMT-SAVE-2)",
                None,
            ));
        };
        let single = self.eat_kw("SINGLE");
        let fmt = self.format();
        let path = self.string("a path")?;
        let params = self.opt_params()?;
        Ok(Body::Save { df, partition, mode: mode.to_string(), single, fmt, path, params })
    }

    /// An optional dataframe input (FSQL-DFREF): a name that is not a
    /// keyword of the clause that may follow, `name[i]` / `name[key]`, or a
    /// parenthesised nestable task. A name followed by `=` is not an input
    /// (a dict-form key or the next statement's assignment).
    fn opt_dfref(&mut self) -> R<Option<DfRef>> {
        const FOLLOW: [&str; 9] = [
            "TO",
            "OVERWRITE",
            "APPEND",
            "USING",
            "HASH",
            "RAND",
            "EVEN",
            "COARSE",
            "PREPARTITION",
        ];
        match self.peek() {
            Some(t)
                if Self::is_ident_tok(t)
                    && !(t.kind == Kind::Word && FOLLOW.contains(&t.kw.as_str())) =>
            {
                if self.peek_at(1).is_some_and(|n| n.is_p("=")) {
                    return Ok(None);
                }
                let (name, line, col) = (t.value.clone(), t.line, t.col);
                self.pos += 1;
                if !self.eat_p("[") {
                    return Ok(Some(DfRef::Name { name, line, col }));
                }
                let member = match self.peek() {
                    Some(m) if m.kind == Kind::Num && !m.text.contains('.') => {
                        let i =
                            m.text.parse().map_err(|_| self.err_here("index too large", None))?;
                        self.pos += 1;
                        Member::Index(i)
                    }
                    Some(m) if m.kind == Kind::Word || m.kind == Kind::Quoted => {
                        let k = m.value.clone();
                        self.pos += 1;
                        Member::Key(k)
                    }
                    _ => {
                        return Err(self.err_here(
                            "expected a member: an index or a key (FSQL-DFREF-3)",
                            None,
                        ));
                    }
                };
                self.expect_p("]")?;
                Ok(Some(DfRef::Member { name, member, line, col }))
            }
            Some(t) if t.is_p("(") => {
                self.pos += 1;
                self.nest += 1;
                let st = self.statement();
                self.nest -= 1;
                let st = st?;
                self.expect_p(")")?;
                Ok(Some(DfRef::Task(Box::new(st))))
            }
            _ => Ok(None),
        }
    }

    // -------------------------------------------------------- PREPARTITION

    /// `[algo] PREPARTITION (num_expr [BY cols] | BY cols) [PRESORT ...]`
    /// (FSQL-PART-1/2).
    fn opt_prepartition(&mut self) -> R<Option<Prepartition>> {
        let algo = ["HASH", "RAND", "EVEN", "COARSE"]
            .iter()
            .find(|a| self.at_kw(a))
            .map(|a| a.to_ascii_lowercase());
        if algo.is_some() {
            self.pos += 1;
            if !self.at_kw("PREPARTITION") {
                return Err(self
                    .err_here("expected `PREPARTITION` after the algorithm (FSQL-PART-1)", None));
            }
        }
        if !self.eat_kw("PREPARTITION") {
            return Ok(None);
        }
        let num = if self.at_kw("BY") { None } else { Some(self.num_expr()?) };
        let by = if self.eat_kw("BY") { self.cols()? } else { Vec::new() };
        let presort = if self.eat_kw("PRESORT") { self.sort_list()? } else { String::new() };
        Ok(Some(Prepartition { algo, num, by, presort }))
    }

    /// A PREPARTITION number expression (FSQL-PART-1): numbers,
    /// `ROWCOUNT`, `CONCURRENCY`, `+ - * /` and parentheses; returned as
    /// its tokens without whitespace, keywords upper case (`"ROWCOUNT/2"`).
    fn num_expr(&mut self) -> R<String> {
        let mut out = String::new();
        let mut depth = 0usize;
        loop {
            // an operand: `(`*, then [-] number | ROWCOUNT | CONCURRENCY
            while self.eat_p("(") {
                out.push('(');
                depth += 1;
            }
            if self.eat_p("-") {
                out.push('-');
            }
            match self.peek() {
                Some(t) if t.kind == Kind::Num => {
                    out.push_str(&t.text);
                    self.pos += 1;
                }
                Some(t) if t.is_kw("ROWCOUNT") || t.is_kw("CONCURRENCY") => {
                    out.push_str(&t.kw);
                    self.pos += 1;
                }
                _ => {
                    return Err(self.err_here(
                        "expected a partition number (a number, ROWCOUNT or CONCURRENCY) or `BY` after PREPARTITION (FSQL-PART-2)",
                        None,
                    ));
                }
            }
            while depth > 0 && self.eat_p(")") {
                out.push(')');
                depth -= 1;
            }
            match self.peek() {
                Some(t) if ["+", "-", "*", "/"].iter().any(|o| t.is_p(o)) => {
                    out.push_str(&t.text);
                    self.pos += 1;
                }
                _ if depth > 0 => return Err(self.err_here("expected `)`", None)),
                _ => return Ok(out),
            }
        }
    }

    fn sort_list(&mut self) -> R<String> {
        let mut items = Vec::new();
        loop {
            let c = self.ident("a column name")?;
            let dir = if self.eat_kw("DESC") {
                " DESC"
            } else if self.eat_kw("ASC") {
                " ASC"
            } else {
                ""
            };
            items.push(format!("{c}{dir}"));
            if !self.eat_p(",") {
                break;
            }
        }
        Ok(items.join(","))
    }

    // --------------------------------------------------------- TRANSFORM

    fn transform(&mut self) -> R<Body> {
        self.expect_kw("TRANSFORM")?;
        let df = self.opt_dfref()?;
        // FSQL-STMT-TRANSFORM-2: several inputs parse, then fail to compile.
        let several = df.is_some() && self.eat_p(",");
        if several {
            self.df_list()?;
        }
        let partition = self.opt_prepartition()?;
        if self.at_kw("PRESORT") {
            return Err(self.err_here("PRESORT needs PREPARTITION here (FSQL-PART-2)", None));
        }
        let using = self.using()?;
        let params = self.opt_params()?;
        let schema = if self.eat_kw("SCHEMA") { Some(self.schema(true)?) } else { None };
        if self.at_kw("PARAMS") {
            return Err(self.err_here("unexpected PARAMS", Some("PARAMS must come before SCHEMA")));
        }
        let callback = self.opt_callback()?;
        if several {
            return Ok(Body::Unsupported {
                what: "TRANSFORM takes exactly one dataframe: ZIP several for a cotransformer (FSQL-STMT-TRANSFORM-2)".into(),
            });
        }
        Ok(Body::Transform { df, partition, using, params, schema, callback })
    }

    /// `CALLBACK name`, optional (FSQL-STMT-TRANSFORM-5).
    fn opt_callback(&mut self) -> R<Option<String>> {
        if self.eat_kw("CALLBACK") { Ok(Some(self.ext_name()?)) } else { Ok(None) }
    }

    /// `USING name[.part...]` (FSQL-EXT).
    fn using(&mut self) -> R<String> {
        self.expect_kw("USING")?;
        self.ext_name()
    }

    /// An extension name `name[.part...]` (FSQL-EXT-1).
    fn ext_name(&mut self) -> R<String> {
        let mut using = self.ident("an extension name")?;
        while self.at_p(".") {
            self.pos += 1;
            using.push('.');
            using.push_str(&self.ident("an extension name part")?);
        }
        Ok(using)
    }

    // ------------------------------------- PROCESS, OUTPUT, OUTTRANSFORM

    fn ext(&mut self, kind: ExtKind) -> R<Body> {
        self.pos += 1;
        let dfs = if self.peek().is_some_and(|t| t.is_kw("USING") || t.is_kw("PREPARTITION")) {
            DfList::default()
        } else {
            self.df_list()?
        };
        if kind == ExtKind::OutTransform && dfs.len() > 1 {
            return Err(self.err_at(
                self.pos.saturating_sub(1),
                "OUTTRANSFORM takes exactly one dataframe (FSQL-STMT-OUTTRANSFORM-3)",
                None,
            ));
        }
        let partition = self.opt_prepartition()?;
        let using = self.using()?;
        let params = self.opt_params()?;
        if kind == ExtKind::Process && self.at_kw("SCHEMA") {
            if self.peek_at(1).is_some_and(|t| t.is_p("*")) {
                return Err(self.err_at(
                    self.pos + 1,
                    "the SCHEMA of PROCESS is a plain schema, without `*` (FSQL-STMT-PROCESS-1)",
                    None,
                ));
            }
            return Err(self.err_here("PROCESS ... SCHEMA is not supported yet by fugue-sql", None));
        }
        if kind != ExtKind::Process && self.at_kw("SCHEMA") {
            // FSQL-STMT-OUTPUT-1: the word starts no clause; the error is
            // reported at the token after it, as the reference grammar does.
            return Err(self.err_at(
                self.pos + 1,
                "OUTPUT and OUTTRANSFORM take no SCHEMA clause (FSQL-STMT-OUTPUT-1, FSQL-STMT-OUTTRANSFORM-3)",
                None,
            ));
        }
        let callback = if kind == ExtKind::OutTransform { self.opt_callback()? } else { None };
        Ok(Body::Ext { kind, dfs, partition, using, params, callback })
    }

    // ------------------------------------------------------ ZIP, CONNECT

    /// `ZIP dfs [CROSS|INNER|LEFT OUTER|RIGHT OUTER|FULL OUTER] [BY cols]
    /// [PRESORT cols]` (FSQL-STMT-ZIP-1..3).
    fn zip(&mut self) -> R<Body> {
        self.expect_kw("ZIP")?;
        if !self.peek().is_some_and(|t| Self::is_ident_tok(t) || t.is_p("(")) {
            return Err(self.err_here("ZIP needs at least one dataframe (FSQL-STMT-ZIP-1)", None));
        }
        let dfs = self.df_list()?;
        let how = if self.eat_kw("CROSS") {
            "cross"
        } else if self.eat_kw("INNER") {
            "inner"
        } else if ["LEFT", "RIGHT", "FULL"].iter().any(|w| self.at_kw(w)) {
            let side = self.peek().map(|t| t.kw.clone()).unwrap_or_default();
            self.pos += 1;
            if !self.eat_kw("OUTER") {
                return Err(self.err_here(
                    &format!("expected `OUTER` after `{side}` (FSQL-STMT-ZIP-2)"),
                    None,
                ));
            }
            match side.as_str() {
                "LEFT" => "left_outer",
                "RIGHT" => "right_outer",
                _ => "full_outer",
            }
        } else {
            "inner"
        };
        let by = if self.eat_kw("BY") { self.cols()? } else { Vec::new() };
        let presort = if self.eat_kw("PRESORT") { self.sort_list()? } else { String::new() };
        if self.at_kw("PREPARTITION") {
            return Err(
                self.err_here("ZIP takes BY and PRESORT, not PREPARTITION (FSQL-STMT-ZIP-3)", None)
            );
        }
        Ok(Body::Zip { dfs, how: how.to_string(), by, presort })
    }

    /// `CONNECT engine [params] query` (FSQL-STMT-CONNECT-1..3): the
    /// engine params are parsed and dropped (the SQL engine is rejected at
    /// compile before they matter).
    fn connect(&mut self) -> R<Body> {
        self.expect_kw("CONNECT")?;
        let (line, col) = self.peek().map_or((0, 0), |t| (t.line, t.col));
        let engine = self.ext_name()?;
        self.opt_params()?;
        let Some(t) = self.peek().filter(|t| t.kind == Kind::Word).cloned() else {
            return Err(self.err_here("expected a query after the CONNECT engine", None));
        };
        if t.is_kw("CONNECT") {
            return Err(self.err_here("CONNECT cannot follow CONNECT", None));
        }
        let (inner, nestable) = self.body(&t.kw)?;
        if !nestable {
            return Err(self.err_at(
                self.pos.saturating_sub(1),
                "CONNECT needs a query (FSQL-STMT-CONNECT-1)",
                None,
            ));
        }
        Ok(Body::Connect { engine, line, col, inner: Box::new(inner) })
    }

    // ------------------------------------------------------------- PRINT

    fn print(&mut self) -> R<Body> {
        self.expect_kw("PRINT")?;
        let mut n = 10usize;
        let mut dfs = DfList::default();
        if let Some(t) = self.peek().filter(|t| t.kind == Kind::Num).cloned() {
            n = t.text.parse().map_err(|_| self.err_here("expected a row count", None))?;
            self.pos += 1;
            if !(self.eat_kw("ROWS") || self.eat_kw("ROW")) {
                return Err(self.err_here("expected `ROWS`", Some("write `PRINT n ROWS [FROM a]`")));
            }
            if self.eat_kw("FROM") {
                dfs = self.df_list()?;
            }
        } else if self.at_p("(") {
            // `PRINT (task), ...` (FSQL-DFREF-4).
            dfs = self.df_list()?;
        } else if self.peek().is_some_and(Self::is_ident_tok) && !self.at_kw("FROM") {
            // `PRINT a, b` (a following statement's assignment is not a frame).
            if !self.peek_at(1).is_some_and(|t| t.is_p("=")) {
                dfs = self.df_list()?;
            }
        }
        let rowcount = self.eat_kw("ROWCOUNT");
        let title = if self.eat_kw("TITLE") { Some(self.string("a title")?) } else { None };
        Ok(Body::Print { n, dfs, rowcount, title })
    }

    /// `dataframes` (FSQL-DFREF-5): list form `a, b` or dict form
    /// `k=a, k:b`; mixing the forms is a syntax error.
    fn df_list(&mut self) -> R<DfList> {
        let dict = self.peek().is_some_and(Self::is_ident_tok)
            && self.peek_at(1).is_some_and(|t| t.is_p("=") || t.is_p(":"));
        if dict {
            let mut out = Vec::new();
            loop {
                let key = self.ident("an input name")?;
                if !(self.eat_p("=") || self.eat_p(":")) {
                    return Err(self.err_here(
                        "expected `=` or `:`: list and dict forms of inputs cannot be mixed (FSQL-DFREF-5)",
                        None,
                    ));
                }
                match self.opt_dfref()? {
                    Some(r) => out.push((key, r)),
                    None => return Err(self.err_here("expected a dataframe", None)),
                }
                if !self.eat_p(",") {
                    return Ok(DfList::Dict(out));
                }
            }
        }
        let mut out = Vec::new();
        loop {
            match self.opt_dfref()? {
                Some(r) => out.push(r),
                None if self.peek_at(1).is_some_and(|t| t.is_p("=") || t.is_p(":")) => {
                    return Err(self.err_at(
                        self.pos + 1,
                        "list and dict forms of inputs cannot be mixed (FSQL-DFREF-5)",
                        None,
                    ));
                }
                None => return Err(self.err_here("expected a dataframe name", None)),
            }
            if !self.eat_p(",") {
                return Ok(DfList::List(out));
            }
        }
    }

    // ------------------------------------------------------------ SELECT

    /// Takes the tokens of a query up to the statement boundary
    /// (FSQL-RUST-SPLIT-1..6), appending them to `out`. FugueSQL terms after
    /// a set operator and parenthesised terms are parsed by their own
    /// grammar, stored in `terms` and replaced by placeholders
    /// (FSQL-RUST-SQL-1): an operand by `SELECT * FROM <placeholder>`, a
    /// parenthesised term by `( <placeholder> )`.
    fn select(&mut self, mut out: Vec<Tok>, mut terms: Vec<Stmt>) -> R<Body> {
        const STARTERS: [&str; 11] = [
            "OUTTRANSFORM",
            "OUTPUT",
            "PRINT",
            "SUB",
            "CONNECT",
            "SAVE",
            "PROCESS",
            "ZIP",
            "FILL",
            "TAKE",
            "SAMPLE",
        ];
        const SUFFIX: [&str; 7] =
            ["PERSIST", "WEAK", "STRONG", "DETERMINISTIC", "CHECKPOINT", "BROADCAST", "YIELD"];
        const EXPR_PREV: [&str; 20] = [
            "SELECT", "DISTINCT", "ALL", "AND", "OR", "NOT", "CASE", "WHEN", "THEN", "ELSE",
            "BETWEEN", "LIKE", "IN", "IS", "ON", "WHERE", "HAVING", "BY", ",", "(",
        ];
        const SETOPS: [&str; 4] = ["UNION", "INTERSECT", "EXCEPT", "MINUS"];
        let start = self.pos;
        let mut depth = 0i64;
        let mut tail_at: Option<usize> = None;
        let mut nested_connect = false;
        // FSQL-STMT-WITH-1: after `WITH name AS (...), ...` the first
        // top-level SELECT is the query's own, not a new statement.
        let mut with_query_pending = self.toks.get(start).is_some_and(|t| t.is_kw("WITH"));
        let is_setop = |t: &Tok| t.kind == Kind::Word && SETOPS.contains(&t.kw.as_str());
        while self.pos < self.toks.len() {
            let i = self.pos;
            let t = &self.toks[i];
            // FSQL-RUST-SPLIT-2 exception: a term right after a set operator.
            let after_setop = i > 0
                && (is_setop(&self.toks[i - 1])
                    || (i > 1
                        && (self.toks[i - 1].is_kw("ALL") || self.toks[i - 1].is_kw("DISTINCT"))
                        && is_setop(&self.toks[i - 2])));
            if after_setop && self.term_at(i) {
                let at = t.clone();
                let body = self.term()?;
                terms.push(self.term_stmt(i, body));
                Self::push_operand(&mut out, &at, terms.len() - 1);
                continue;
            }
            if after_setop && t.kind == Kind::Word && STARTERS.contains(&t.kw.as_str()) {
                // FSQL-STMT-SUB-3 and FSQL-SCRIPT-1: only queries and terms
                // are operands.
                return Err(self.err_at(
                    i,
                    &format!("`{}` cannot be a set-operation operand (FSQL-STMT-SETOP-2)", t.text),
                    None,
                ));
            }
            if t.is_p("(") && self.toks.get(i + 1).is_some_and(|n| n.is_kw("CONNECT")) {
                nested_connect = true;
            }
            if t.is_p("(")
                && self.toks.get(i + 1).is_some_and(Self::is_ident_tok)
                && self.toks.get(i + 2).is_some_and(|n| n.is_p("="))
                && self.term_at(i + 3)
            {
                return Err(self.err_at(
                    i + 2,
                    "a FugueSQL term inside SQL cannot be assigned (FSQL-STMT-SELECT-8)",
                    None,
                ));
            }
            if t.kind == Kind::Punct {
                match t.text.as_str() {
                    "(" if self.term_at(i + 1) => {
                        // FSQL-STMT-SELECT-8: a parenthesised term.
                        let open = t.clone();
                        self.pos += 1;
                        let first = self.pos;
                        let body = self.term()?;
                        terms.push(self.term_stmt(first, body));
                        if !self.at_p(")") {
                            return Err(self.err_here(
                                "expected `)`: a FugueSQL term inside SQL takes no assignment or suffix clauses (FSQL-STMT-SELECT-8)",
                                None,
                            ));
                        }
                        let close = self.toks[self.pos].clone();
                        self.pos += 1;
                        out.push(open.clone());
                        out.push(Self::synth(&open, &format!("{PLACEHOLDER}{}", terms.len() - 1)));
                        out.push(close);
                        continue;
                    }
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => {
                        depth -= 1;
                        if depth < 0 {
                            if self.nest > 0 && t.text == ")" {
                                break;
                            }
                            return Err(self.err_at(i, "unbalanced closing bracket", None));
                        }
                    }
                    _ => {}
                }
                out.push(t.clone());
                self.pos += 1;
                continue;
            }
            if depth == 0 && i > start && t.kind == Kind::Word {
                let w = t.kw.as_str();
                let next = self.toks.get(i + 1);
                let prev = &self.toks[i - 1];
                let nw = |s: &str| next.is_some_and(|n| n.is_kw(s));
                let np = |s: &str| next.is_some_and(|n| n.is_p(s));
                let ends = SUFFIX.contains(&w)
                    || (w == "LAZY" && SUFFIX[..5].iter().any(|s| nw(s)))
                    || STARTERS.contains(&w)
                    || (w == "CREATE" && (np("[") || nw("DATA") || nw("USING")))
                    || (w == "LOAD"
                        && (nw("PARQUET")
                            || nw("CSV")
                            || nw("JSON")
                            || np("[")
                            || next.is_some_and(|n| n.kind == Kind::Str)))
                    || (["RENAME", "ALTER", "DROP"].contains(&w) && nw("COLUMNS"))
                    || (w == "DROP" && nw("ROWS"))
                    || (w == "TRANSFORM"
                        && !EXPR_PREV.contains(&prev.kw.as_str())
                        && !(prev.kind == Kind::Punct))
                    || (w == "SELECT"
                        && !std::mem::replace(&mut with_query_pending, false)
                        && !["UNION", "INTERSECT", "EXCEPT", "MINUS", "ALL", "DISTINCT"]
                            .contains(&prev.kw.as_str()))
                    || (w == "WITH" && !(nw("ROLLUP") || nw("CUBE")));
                if ends {
                    break;
                }
            }
            if depth == 0 && t.kind == Kind::Word {
                // FSQL-STMT-SELECT-10: the query tail follows the last operand.
                let w = t.kw.as_str();
                let by = self.toks.get(i + 1).is_some_and(|n| n.is_kw("BY"));
                if w == "LIMIT" || (["ORDER", "CLUSTER", "DISTRIBUTE", "SORT"].contains(&w) && by) {
                    tail_at.get_or_insert(i);
                } else if SETOPS.contains(&w) && tail_at.is_some() {
                    return Err(self.err_at(
                        i,
                        "a set operator cannot follow ORDER BY / LIMIT: query-tail clauses come after the last operand (FSQL-STMT-SELECT-10)",
                        None,
                    ));
                }
            }
            if depth == 0
                && i > start
                && Self::is_ident_tok(t)
                && self.toks.get(i + 1).is_some_and(|n| n.is_p("="))
                && self.toks.get(i + 2).is_some_and(|n| {
                    n.kind == Kind::Word
                        && ([
                            "SELECT",
                            "WITH",
                            "CREATE",
                            "LOAD",
                            "TRANSFORM",
                            "RENAME",
                            "ALTER",
                            "DROP",
                        ]
                        .contains(&n.kw.as_str())
                            || STARTERS.contains(&n.kw.as_str()))
                })
            {
                break;
            }
            out.push(t.clone());
            self.pos += 1;
        }
        if depth > 0 {
            return Err(self.err_at(self.pos, "unbalanced brackets in the query", None));
        }
        if nested_connect {
            return Ok(Body::Unsupported {
                what: "CONNECT inside parentheses is not supported: use a CONNECT statement (FSQL-STMT-SELECT-9)".into(),
            });
        }
        // FSQL-LEX-6/8: reserved FugueSQL words and the lower-case JSON
        // literals are not SQL.
        for t in out.iter().filter(|t| t.kind == Kind::Word) {
            let (msg, hint) = if RESERVED.contains(&t.kw.as_str()) {
                (
                    format!("`{}` is a reserved FugueSQL keyword (FSQL-LEX-6)", t.text),
                    "quote it with backticks to use it as a name or function: `rand`()".to_string(),
                )
            } else if !self.ignore_case && ["true", "false", "null"].contains(&t.text.as_str()) {
                (
                    format!(
                        "lower-case `{}` is a FugueSQL JSON literal, not SQL (FSQL-LEX-8)",
                        t.text
                    ),
                    format!("write `{}`", t.text.to_ascii_uppercase()),
                )
            } else {
                continue;
            };
            return Err(SyntaxError::new(
                self.src,
                t.line,
                t.col,
                t.text.clone(),
                &msg,
                Some(&hint),
            ));
        }
        Ok(Body::Select { tokens: out, terms })
    }

    // ---------------------------------------------------- JSON and PARAMS

    fn opt_params(&mut self) -> R<Map<String, Json>> {
        if self.eat_kw("PARAMS") {
            if self.at_p("(") || self.at_p("{") {
                return self.json_object();
            }
            let mut m = Map::new();
            loop {
                let (k, v) = self.json_pair()?;
                m.insert(k, v);
                if !(self.at_p(",") && self.peek_at(2).is_some_and(|t| t.is_p(":") || t.is_p("=")))
                {
                    break;
                }
                self.pos += 1;
            }
            return Ok(m);
        }
        if self.at_p("(") || self.at_p("{") {
            return self.json_object();
        }
        Ok(Map::new())
    }

    fn json_pair(&mut self) -> R<(String, Json)> {
        let key = match self.peek() {
            Some(t) if t.kind == Kind::Str => {
                let v = t.value.clone();
                self.pos += 1;
                v
            }
            Some(t) if t.kind == Kind::Quoted || t.kind == Kind::Word => {
                let v = t.value.clone();
                self.pos += 1;
                v
            }
            _ => return Err(self.err_here("expected a key (an identifier or a string)", None)),
        };
        if !(self.eat_p(":") || self.eat_p("=")) {
            return Err(self.err_here("expected `:` or `=` after the key", None));
        }
        Ok((key, self.json_value()?))
    }

    fn json_object(&mut self) -> R<Map<String, Json>> {
        let close = if self.eat_p("{") {
            "}"
        } else {
            self.expect_p("(")?;
            ")"
        };
        let mut m = Map::new();
        while !self.eat_p(close) {
            let (k, v) = self.json_pair()?;
            m.insert(k, v);
            if !self.eat_p(",") {
                self.expect_p(close)?;
                break;
            }
        }
        Ok(m)
    }

    fn json_value(&mut self) -> R<Json> {
        let Some(t) = self.peek().cloned() else {
            return Err(self.err_here("expected a value", None));
        };
        match t.kind {
            Kind::Str => {
                self.pos += 1;
                Ok(Json::String(t.value))
            }
            Kind::Num => {
                self.pos += 1;
                number(&t.text, false)
                    .ok_or_else(|| self.err_at(self.pos - 1, "invalid number", None))
            }
            Kind::Punct if t.text == "-" => {
                self.pos += 1;
                match self.peek().cloned() {
                    Some(n) if n.kind == Kind::Num => {
                        self.pos += 1;
                        number(&n.text, true)
                            .ok_or_else(|| self.err_at(self.pos - 1, "invalid number", None))
                    }
                    _ => Err(self.err_here("expected a number after `-`", None)),
                }
            }
            Kind::Punct if t.text == "[" => {
                self.pos += 1;
                let mut v = Vec::new();
                while !self.eat_p("]") {
                    v.push(self.json_value()?);
                    if !self.eat_p(",") {
                        self.expect_p("]")?;
                        break;
                    }
                }
                Ok(Json::Array(v))
            }
            Kind::Punct if t.text == "{" || t.text == "(" => Ok(Json::Object(self.json_object()?)),
            Kind::Word => {
                let v = match t.kw.as_str() {
                    "true" | "TRUE" => Json::Bool(true),
                    "false" | "FALSE" => Json::Bool(false),
                    "null" | "NULL" => Json::Null,
                    _ => {
                        return Err(self.err_here(
                            "expected a value: bare words are not values, quote strings (FSQL-JSON-3)",
                            None,
                        ));
                    }
                };
                self.pos += 1;
                Ok(v)
            }
            _ => Err(self.err_here("expected a value", None)),
        }
    }

    // ------------------------------------------------------------ SCHEMA

    /// A schema (FSQL-SCHEMA), or with `wild` a wildcard schema with `*`
    /// and `-`/`~`/`+` operations; returned as compact text.
    fn schema(&mut self, wild: bool) -> R<String> {
        let mut out = String::new();
        loop {
            if wild && self.eat_p("*") {
                out.push('*');
            } else {
                out.push_str(&self.schema_pair()?);
            }
            let more = self.at_p(",")
                && self.peek_at(1).is_some_and(|t| {
                    (wild && t.is_p("*"))
                        || (Self::is_ident_tok(t) && self.peek_at(2).is_some_and(|c| c.is_p(":")))
                });
            if !more {
                break;
            }
            self.pos += 1;
            out.push(',');
        }
        while wild && (self.at_p("-") || self.at_p("~") || self.at_p("+")) {
            let op = self.peek().map(|t| t.text.clone()).unwrap_or_default();
            self.pos += 1;
            out.push_str(&op);
            if op == "+" {
                out.push_str(&self.schema(false)?);
            } else {
                out.push_str(&self.ident("a column name")?);
                while self.at_p(",")
                    && self.peek_at(1).is_some_and(Self::is_ident_tok)
                    && !self.peek_at(2).is_some_and(|t| t.is_p(":"))
                {
                    self.pos += 1;
                    out.push(',');
                    out.push_str(&self.ident("a column name")?);
                }
            }
        }
        Ok(out)
    }

    fn schema_pair(&mut self) -> R<String> {
        let name = self.ident("a column name")?;
        self.expect_p(":")?;
        let ty = self.schema_type()?;
        let pair = format!("{}:{ty}", quote_name(&name));
        // FSQL-SCHEMA-4: pairs as canonical SCH-PRINT text (`c:int32` is
        // `c:int`); a type that does not parse stays as written and fails
        // at compile (ERR-SCHEMA-SYNTAX, FSQL-SCHEMA-2)
        Ok(fugue_core::Schema::try_from(pair.as_str()).map_or(pair, |s| s.to_string()))
    }

    fn schema_type(&mut self) -> R<String> {
        if self.eat_p("[") {
            let t = self.schema_type()?;
            self.expect_p("]")?;
            return Ok(format!("[{t}]"));
        }
        if self.eat_p("{") {
            let s = self.schema(false)?;
            self.expect_p("}")?;
            return Ok(format!("{{{s}}}"));
        }
        if self.eat_p("<") {
            let k = self.schema_type()?;
            self.expect_p(",")?;
            let v = self.schema_type()?;
            self.expect_p(">")?;
            return Ok(format!("<{k},{v}>"));
        }
        match self.peek() {
            Some(t) if t.kind == Kind::Word => {
                let v = t.text.clone();
                self.pos += 1;
                Ok(v)
            }
            _ => Err(self.err_here("expected a type name", None)),
        }
    }
}

/// FSQL-RUST-ERR-3: whether a case-sensitive syntax error gets the
/// ignore_case sentence: at least 80% of the script's ASCII letters are
/// lower case, or the offending token upper-cased is a keyword.
fn case_hint_applies(src: &str, token: &str) -> bool {
    const WORDS: [&str; 12] = [
        "CREATE",
        "SELECT",
        "LOAD",
        "SCHEMA",
        "USING",
        "TRANSFORM",
        "FROM",
        "WITH",
        "AS",
        "BY",
        "DATA",
        "ROWS",
    ];
    let (lower, letters) = src
        .chars()
        .filter(char::is_ascii_alphabetic)
        .fold((0usize, 0usize), |(l, n), c| (l + usize::from(c.is_ascii_lowercase()), n + 1));
    let up = token.to_ascii_uppercase();
    (letters > 0 && lower * 5 >= letters * 4)
        || (up != token && (RESERVED.contains(&up.as_str()) || WORDS.contains(&up.as_str())))
}

/// A schema field name in schema text: backquoted unless a plain name.
fn quote_name(name: &str) -> String {
    let plain = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if plain { name.to_string() } else { format!("`{}`", name.replace('`', "``")) }
}

/// A JSON number from FugueSQL number text (FSQL-LEX-16): integers to
/// `i64` (out of range is an error), decimals to `f64`.
fn number(text: &str, neg: bool) -> Option<Json> {
    if text.contains('.') {
        let t = if text.ends_with('.') { format!("{text}0") } else { text.to_string() };
        let t = if t.starts_with('.') { format!("0{t}") } else { t };
        let f: f64 = t.parse().ok()?;
        serde_json::Number::from_f64(if neg { -f } else { f }).map(Json::Number)
    } else {
        let s = if neg { format!("-{text}") } else { text.to_string() };
        s.parse::<i64>().ok().map(|i| Json::Number(i.into()))
    }
}
