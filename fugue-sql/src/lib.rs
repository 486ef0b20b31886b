//! # fugue-sql
//!
//! FugueSQL (spec/FUGUESQL.md) for fugue-rs: a script is tokenised
//! (FSQL-LEX), parsed by a recursive-descent layer over FugueSQL's own
//! statements (§3-4), and compiled into a [`FugueWorkflow`] (§5-6). The SQL
//! of query statements is analysed with `sqlparser`'s tokenizer (the copy
//! DataFusion uses) to find table references and FROM-less SELECT blocks
//! (FSQL-RUST-SQL), and handed to [`FugueWorkflow::select`] as text and
//! frame pieces — never re-printed from an AST.
//!
//! ```
//! # use fugue_native as _;
//! # use fugue_datafusion as _;
//! let result = fugue_sql::run(
//!     r#"
//!     a = CREATE [[1,"x"],[2,"y"]] SCHEMA k:int,v:str
//!     SELECT k, v WHERE k > 1 YIELD DATAFRAME AS top
//!     "#,
//!     "native",
//! )?;
//! assert_eq!(fugue_api::api::count(result.get("top")?.clone())?, 1);
//! # Ok::<(), fugue_core::Error>(())
//! ```
//!
//! The builder API (FSQL-API-1..4) binds template values and dataframes:
//!
//! ```
//! # use fugue_native as _;
//! # use fugue_datafusion as _;
//! use fugue_core::{LocalDataFrame, Value};
//! let t = LocalDataFrame::from_rows(
//!     vec![vec![Value::from(1i64)], vec![Value::from(5i64)]],
//!     "a:long",
//! )?;
//! let big = fugue_sql::fsql("SELECT * FROM t WHERE a > {{min}}")
//!     .param("min", 2)
//!     .dataframe("t", t)
//!     .run_last("native")?;
//! assert_eq!(fugue_api::api::count(big)?, 1);
//! # Ok::<(), fugue_core::Error>(())
//! ```
//!
//! ## Supported
//!
//! - The API (FSQL-API-1..4): [`fsql`] → [`FugueSql`] with `.param`,
//!   `.params`, `.dataframe` ([`Binding`]: a Fugue frame, a handle of the
//!   same workflow, a [`fugue_workflow::Yield`] of another run, any
//!   dataframe-like input through [`Binding::data`]),
//!   `.ignore_case`, `.conf`; `.compile()` → [`FugueSqlWorkflow`] (derefs
//!   to [`FugueWorkflow`], retains assigned variables for later
//!   [`FugueSqlWorkflow::sql`] scripts, FSQL-SCOPE-10), `.run`,
//!   `.run_with_conf`, `.run_last` (the final last yielded as `result`,
//!   FSQL-API-3). [`compile`], [`run`] and [`check_syntax`] are shortcuts.
//! - Templates (FSQL-TPL-1..8) with `minijinja`: `{{ x }}`, `{% if %}`,
//!   `{% for %}`, filters, whitespace control, `{% raw %}`; strict undefined
//!   (ERR-FSQL-TEMPLATE with line and column); floats keep a fraction,
//!   booleans render `true`/`false`; quoted strings made only of `{`, `%`,
//!   `}` stay literal; scripts without `{{`, `{%`, `{#` are not rendered.
//!   Positions of later errors refer to the rendered text.
//! - Dataframe bindings (FSQL-SCOPE-2/3/8/9): created at their first
//!   reference (FugueSQL positions and SQL tables), reused afterwards,
//!   shadowed by assignments; unreferenced ones add no node; a handle of
//!   another workflow is ERR-FSQL.
//! - `CREATE [DATA] [[...], ...] SCHEMA schema` (FSQL-STMT-CREATE-1..4);
//!   `CREATE USING creator [params]` through
//!   `fugue_api::registry::creator_by_name` (FSQL-STMT-CREATE-5).
//! - `LOAD [PARQUET|CSV|JSON] ("path" | ["p1", "p2", ...]) [params]
//!   [COLUMNS schema|names]` (FSQL-STMT-LOAD-1..5; a list is loaded in order
//!   and concatenated).
//! - `SAVE [name] [PREPARTITION BY ... [PRESORT ...]] TO|OVERWRITE|APPEND
//!   [SINGLE] [format] "path" [params]` (FSQL-STMT-SAVE).
//! - `SELECT ...` / `WITH ...`: script frames as tables with the automatic
//!   alias, the anonymous previous result in FROM-less blocks at any depth,
//!   CTE names shadowing variables (FSQL-STMT-SELECT-3/4/7, FSQL-RUST-SQL).
//! - `TRANSFORM [name] [prepartition] USING registered_name [params]
//!   [SCHEMA wildcard-schema] [CALLBACK name]` (FSQL-STMT-TRANSFORM); the
//!   name resolves through `fugue_api::registry::transformer_by_name`, or
//!   `cotransformer_by_name` when the input is a ZIP result
//!   (FSQL-STMT-TRANSFORM-3: the other kind is ERR-WF-COMPILE); unknown
//!   names are ERR-WF-INTERFACELESS with did-you-mean names. `CALLBACK`
//!   names a handler registered with `fugue_api::registry::register_callback`
//!   (FSQL-STMT-TRANSFORM-5).
//! - `ZIP a, b, ... | ZIP x=a, y=b, ...` `[INNER|CROSS|LEFT OUTER|RIGHT
//!   OUTER|FULL OUTER] [BY keys] [PRESORT cols]` (FSQL-STMT-ZIP-1..6; the
//!   dict form names the members a cotransformer sees), consumed by TRANSFORM or
//!   OUTTRANSFORM with a cotransformer through last or a variable (the zip
//!   stays a zip through checkpoint and BROADCAST suffixes).
//! - PREPARTITION with an algorithm and a number expression:
//!   `[HASH|RAND|EVEN|COARSE] PREPARTITION (n | ROWCOUNT/2 | ...) [BY keys]
//!   [PRESORT cols]` (FSQL-PART-1/2), kept as PartitionSpec `num` text.
//! - `PRINT [n ROWS [FROM a, ...]] | PRINT [a, ...]` `[ROWCOUNT] [TITLE "t"]`
//!   (FSQL-STMT-PRINT-1..3).
//! - `PROCESS [a, ...] [PREPARTITION BY ...] USING name [params]`,
//!   `OUTPUT [a, ...] [PREPARTITION BY ...] USING name [params]` and
//!   `OUTTRANSFORM [a] [PREPARTITION BY ...] USING name [params] [CALLBACK
//!   name]` (FSQL-STMT-PROCESS-1, FSQL-STMT-OUTPUT-1,
//!   FSQL-STMT-OUTTRANSFORM-1..3): names resolve through the registry
//!   (processor, outputter, output transformer, else transformer whose
//!   output is discarded; on a ZIP result output cotransformer, else
//!   cotransformer).
//! - `SAVE AND USE [name] [prepartition] TO|OVERWRITE|APPEND [SINGLE]
//!   [format] "path" [params]` (FSQL-STMT-SAVEUSE-1: the data is reloaded
//!   with the same format and params).
//! - `TAKE [n ROW|ROWS] [FROM a] [PREPARTITION BY keys [PRESORT cols] |
//!   PRESORT cols] [NULLS FIRST|LAST]` (FSQL-STMT-TAKE-1..4, 20 rows by
//!   default; a PREPARTITION number or algorithm only shapes physical
//!   partitions and is not passed on).
//! - `SAMPLE [REPLACE] (p PERCENT | p % | [APPROX] k ROWS) [SEED s]
//!   [FROM a] [PREPARTITION BY ...]` (FSQL-STMT-SAMPLE-1..3; APPROX and
//!   PREPARTITION have no effect).
//! - `DROP COLUMNS cols [IF EXISTS]`, `RENAME COLUMNS a:b, ...`,
//!   `ALTER COLUMNS schema`, `FILL NULLS (col: value, ...)`,
//!   `DROP ROWS IF ANY|ALL NULLS [ON cols]`, each `[FROM a]`
//!   (FSQL-STMT-DROPCOLS-1, -RENAME-1, -ALTER-1, -FILL-1, -DROPROWS-1).
//! - Suffixes in the order checkpoint, `BROADCAST`, `YIELD`
//!   (FSQL-SCRIPT-4, FSQL-STMT-ORDER-1): `[LAZY] PERSIST [params]`,
//!   `[LAZY] WEAK CHECKPOINT [params]` (engine options through
//!   `ExecutionEngine::persist_with`; the in-memory engines accept
//!   `level="memory"` and reject other options, FSQL-STMT-CKPT-3), `[STRONG] CHECKPOINT [prepartition]
//!   [SINGLE]`, `DETERMINISTIC CHECKPOINT ["ns"] [prepartition] [SINGLE]`
//!   (FSQL-STMT-CKPT-1..6), `BROADCAST` (FSQL-STMT-BCAST-1).
//! - `YIELD [LOCAL] DATAFRAME [AS name]` and `YIELD FILE [AS name]`
//!   (FSQL-STMT-YIELD-1..4), `name = <statement>` and the last dataframe
//!   (FSQL-SCOPE-1..5).
//! - Dataframe inputs (FSQL-DFREF-1..5): names, `name[i]` / `name[key]`
//!   members of collection variables, parenthesised nestable tasks
//!   compiled in a child scope (FSQL-SCOPE-6), and dict form `k=a, k:b`
//!   (named inputs of PROCESS and OUTPUT, WF-DAG-7).
//! - FugueSQL terms inside SQL (FSQL-RUST-SQL-1): set-operation operands
//!   (`CREATE ... UNION ALL TAKE ...`, FSQL-STMT-SETOP-2), parenthesised
//!   terms as relations (`FROM (TAKE 1 ROW FROM a) AS t`) and as
//!   expression subqueries (`(SELECT * FROM <term>)`, FSQL-STMT-SELECT-8),
//!   query-tail clauses after a term (FSQL-STMT-SELECT-13), `name[member]`
//!   relations with the automatic alias `name` (FSQL-STMT-SELECT-6);
//!   canonical SQL text (FSQL-RUST-TEXT-1); `FROM t SELECT ...`,
//!   `TABLE t`, `VALUES ...` statements are ERR-FSQL
//!   (FSQL-STMT-SELECT-12), and so is `CONNECT` inside parentheses
//!   (FSQL-STMT-SELECT-9); a tail before a set operator is a syntax error
//!   (FSQL-STMT-SELECT-10).
//! - `[x =] SUB [dataframes] USING module [params]` (FSQL-STMT-SUB-1..3):
//!   modules registered with `fugue_workflow::register_module!` or
//!   `fugue_workflow::module::register_module` (input shape none / one /
//!   several / collection, output none / one / collection); a collection
//!   result binds the variable and leaves last unchanged.
//! - `YIELD VIEW` parses and is ERR-NOT-SUPPORTED at
//!   compile (FSQL-STMT-YIELD-2).
//! - `CONNECT engine [params] query` parses; an unknown SQL engine is
//!   ERR-PLUGIN at compile (FSQL-STMT-CONNECT-2), a FugueSQL term after it
//!   ERR-FSQL (FSQL-STMT-CONNECT-3).
//! - Keyword letter case: `.ignore_case(true)` or the conf key
//!   `fugue.sql.compile.ignore_case` (FSQL-LEX-4/5: folded per word token, positions unchanged; names,
//!   strings and SQL text keep their case, FSQL-LEX-13; `True`/`False`/`NULL`
//!   in any case as JSON values, FSQL-JSON-5). In case-sensitive mode a
//!   syntax error of a mostly lower-case script, or at a word that is a
//!   keyword in upper case, names `fugue.sql.compile.ignore_case`
//!   (FSQL-RUST-ERR-3). Reserved FugueSQL words and lower-case
//!   `true`/`false`/`null` inside SQL text are syntax errors
//!   (FSQL-LEX-6/8).
//! - Errors: syntax errors carry line, column, token and the source line with
//!   a caret marker ([`SyntaxError`], FSQL-RUST-ERR-1/2); compile errors name
//!   the statement's lines (FSQL-RUST-ERR-5). The parser never panics (a
//!   property test feeds it random tokens and mutated scripts).
//!
//! ## Not supported yet
//!
//! Each of these is rejected with an error saying "not supported yet", never
//! ignored:
//!
//! - Call-local extensions and callbacks of the API (`.extension`,
//!   `.callback` of FSQL-API-1: names resolve through the registry only);
//!   private-use characters U+E000..U+E002 in templated scripts (they stand
//!   in for protected braces, FSQL-TPL-5); the `dialect` setting (always
//!   Spark text).
//! - Running CONNECT with a registered SQL engine (the workflow's select
//!   cannot choose one: ERR-NOT-SUPPORTED); YIELD TABLE (the workflow has
//!   no table yield: ERR-NOT-SUPPORTED); `PROCESS ... SCHEMA` (the
//!   builder's process takes no schema); SCHEMA of `CREATE USING`
//!   (registered creators produce their own schema).
//! - LAZY on strong and deterministic checkpoints (file checkpoints are
//!   written when the node runs); params of file checkpoints.
//! - Modules registered with a namespace (`SUB ... USING ns:name`).
//! - Atomic compilation (FSQL-GEN-3 SHOULD): statements compiled before a
//!   failing one stay in the workflow.
//! - Identity equality with hand-built workflows (FSQL-RUST-ID) is tested
//!   only for the examples that give select parts or builder equivalents
//!   (suite group `fsql/`: FSQL-EX-1, 26, 28, 29, 33, 37, 46); CREATE uses
//!   the rows' JSON text and the schema as data determiner.
#![deny(missing_docs)]

mod api;
#[cfg(test)]
mod case_tests;
mod compile;
mod error;
mod lexer;
mod parser;
mod sql;
mod template;

pub use api::{Binding, DataMaker, FugueSql, FugueSqlWorkflow, fsql};
pub use error::SyntaxError;
pub use fugue_workflow::{FugueWorkflow, WorkflowResult};

use fugue_api::context::EngineLike;
use fugue_core::Result;

/// Renders, parses and compiles `script` into a new [`FugueWorkflow`]
/// (FSQL-GEN-1 phases 2-4) without params or bindings; nothing runs. The
/// same as `fsql(script).compile()` (see [`fsql`]).
///
/// # Errors
/// `ERR-FSQL-TEMPLATE` for template syntax (FSQL-TPL-6); `ERR-FSQL-SYNTAX` carrying a [`SyntaxError`] display (line, column,
/// caret) for scripts that do not parse; `ERR-FSQL` (parent
/// `ERR-WF-COMPILE`, see [`fugue_core::ErrorKind::is_a`]) for unknown names
/// or a missing previous dataframe; `ERR-WF-INTERFACELESS` for an unknown extension name, with
/// close registered names; the builder calls' own errors (bad schemas,
/// inline data that does not fit its schema).
pub fn compile(script: &str) -> Result<FugueWorkflow> {
    fsql(script).compile().map(FugueSqlWorkflow::into_workflow)
}

/// Parses `script` and reports a syntax error without compiling
/// (FSQL-GEN-1 phase 3).
///
/// # Errors
/// The first [`SyntaxError`].
pub fn check_syntax(script: &str) -> std::result::Result<(), SyntaxError> {
    parser::Parser::parse(script).map(drop)
}

/// True when `script` parses as exactly one `SELECT`/`WITH` statement
/// without an assignment or suffix clauses (checkpoint, `BROADCAST`,
/// `YIELD`): text that a plain SQL engine could be given as well. Tools
/// that accept both (the CLI's `fugue sql`) use it to prefer the plain-SQL
/// path and its error messages for such text.
pub fn is_single_select(script: &str) -> bool {
    match parser::Parser::parse(script) {
        Ok(stmts) => {
            stmts.len() == 1
                && stmts.iter().all(|s| {
                    matches!(s.body, parser::Body::Select { .. })
                        && s.assign.is_none()
                        && s.ckpt.is_none()
                        && !s.broadcast
                        && s.yield_df.is_none()
                })
        }
        Err(_) => false,
    }
}

/// Compiles `script` and runs it on `engine` (a name such as `"native"` or
/// an engine instance, ENG-CTX-1); returns the dataframe yields (WF-YIELD).
/// The same as `fsql(script).run(engine)`.
///
/// # Errors
/// As [`compile`], then the run's errors (WF-EXC-1).
pub fn run<E: EngineLike>(script: &str, engine: E) -> Result<WorkflowResult> {
    fsql(script).run(engine)
}
