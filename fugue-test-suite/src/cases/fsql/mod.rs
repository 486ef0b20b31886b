//! The FugueSQL conformance examples (spec/FUGUESQL.md §7, FSQL-EX-1..78;
//! issue 13 item 6): each example's script compiled by `fugue-sql` and run
//! on the case's engine, one case per example, named
//! `fsql/ex_NN_short_name` and citing `FSQL-EX-NN` and the rule ids of the
//! example's title line. Files follow the spec's subsections: [`lex`] §7.2,
//! [`io`] §7.3, [`select`] §7.4, [`ext`] §7.5, [`ops`] §7.6, [`scope`] §7.7.
//!
//! The §7.1 fixtures (`t_plus`, `t_first`, `t_cb`, `ct_sizes`, `c_range`,
//! `p_union`, `p_names`, `o_count`, `cb_sum`, `m_split`) are registered once
//! per process at run time through `fugue_api::registry` ([`fixtures`]).
//!
//! Conventions of §7.1: "→" is the final last of the script as the simple
//! API returns it (FSQL-API-3, [`last`]); rows compare as multisets; errors
//! are checked by kind, syntax errors also by `line:column` and token.
//! Examples with a SELECT need a SQL facet (`Need::Sql`).

use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use fugue_api::api;
use fugue_api::extension::{ExtensionContext, TransformContext, cotransformer, transformer};
use fugue_core::conf::{OnDup, WORKFLOW_CHECKPOINT_PATH};
use fugue_core::{
    Conf, DataFrameRef, DataFrames, Error, ErrorKind, LocalDataFrame, Result, Row, Value,
};
use fugue_sql::{FugueSqlWorkflow, FugueWorkflow, WorkflowResult, fsql};
use fugue_workflow::SqlPiece;

use crate::{Case, CaseResult, Ctx};

pub(crate) use crate::helpers::{N, b, check, d, eng, eq, expect_kind, i, l, ok, s};
use fugue_core::DataFrame;

/// `case!("ex_NN_name", [rules], f)`: an FSQL-EX case (`Need::Engine`);
/// `case!(sql "ex_NN_name", [rules], f)` also needs a SQL facet.
macro_rules! case {
    ($name:literal, [$($rule:literal),* $(,)?], $f:expr) => {
        $crate::Case {
            name: concat!("fsql/", $name),
            rules: &[$($rule),*],
            needs: &[$crate::Need::Engine],
            run: $f,
        }
    };
    (sql $name:literal, [$($rule:literal),* $(,)?], $f:expr) => {
        $crate::Case {
            name: concat!("fsql/", $name),
            rules: &[$($rule),*],
            needs: &[$crate::Need::Engine, $crate::Need::Sql],
            run: $f,
        }
    };
}

mod ext;
mod io;
mod lex;
mod ops;
mod scope;
mod select;

/// The cases of this group, in FSQL-EX order.
pub fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(lex::cases());
    v.extend(io::cases());
    v.extend(select::cases());
    v.extend(ext::cases());
    v.extend(ops::cases());
    v.extend(scope::cases());
    v
}

// ---------------------------------------------------------------------------
// Fixtures (§7.1)
// ---------------------------------------------------------------------------

/// The `(key, row count)` log of `o_count`.
static O_COUNT_LOG: Mutex<Vec<(String, usize)>> = Mutex::new(Vec::new());
/// The shared total of `cb_sum`.
static CB_TOTAL: Mutex<i64> = Mutex::new(0);
/// Serialises the cases that read the shared logs (cases run in parallel).
static SHARED_STATE: Mutex<()> = Mutex::new(());

/// Locks the shared fixture state (the `o_count` log, the `cb_sum` total)
/// for one case and clears it.
fn shared_state() -> MutexGuard<'static, ()> {
    let g = SHARED_STATE.lock().unwrap_or_else(PoisonError::into_inner);
    O_COUNT_LOG.lock().unwrap_or_else(PoisonError::into_inner).clear();
    *CB_TOTAL.lock().unwrap_or_else(PoisonError::into_inner) = 0;
    g
}

fn o_count_log() -> Vec<(String, usize)> {
    O_COUNT_LOG.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

fn cb_total() -> i64 {
    *CB_TOTAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Registers the §7.1 fixtures once per process; the result of the first
/// registration is kept for every later call.
///
/// # Errors
/// The registration error, as text.
pub fn fixtures() -> std::result::Result<(), String> {
    static DONE: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| register().map_err(|e| format!("registering the FSQL-EX fixtures: {e}")))
        .clone()
}

/// Integer `v + n`, keeping the integer width.
fn plus(v: &Value, n: i64) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int32(x) => Value::Int32(x + n as i32),
        Value::Int64(x) => Value::Int64(x + n),
        other => return Err(Error::user(format!("t_plus: `a` is not an integer: {other:?}"))),
    })
}

fn register() -> Result<()> {
    use fugue_api::registry as reg;
    let dup = OnDup::Overwrite;
    // t_plus: no declared schema; `a` replaced by `a + n` (n default 1)
    reg::register_transformer(
        "t_plus",
        transformer(|c: &TransformContext<'_>, df: LocalDataFrame| -> Result<LocalDataFrame> {
            let n: i64 = c.params().get("n", 1i64)?;
            let idx = df.schema().index_of("a")?;
            let mut rows = df.rows()?;
            for r in &mut rows {
                r[idx] = plus(&r[idx], n)?;
            }
            LocalDataFrame::from_rows(rows, df.schema().clone())
        }),
        dup,
    )?;
    // t_first: schema `*`, the first row of its partition
    reg::register_transformer(
        "t_first",
        transformer(|df: LocalDataFrame| df.slice(0, 1)).schema("*"),
        dup,
    )?;
    // t_cb: schema `*`, optional callback called once with the row count
    reg::register_transformer(
        "t_cb",
        transformer(|c: &TransformContext<'_>, df: LocalDataFrame| -> Result<LocalDataFrame> {
            if c.has_callback() {
                let _total: i64 = c.callback(df.num_rows() as i64)?;
            }
            Ok(df)
        })
        .schema("*")
        .optional_callback(),
        dup,
    )?;
    // ct_sizes: `n0:long,n1:long`, the row counts of zip members 0 and 1
    reg::register_cotransformer(
        "ct_sizes",
        cotransformer(|_c: &TransformContext<'_>, dfs: DataFrames| -> Result<Vec<Row>> {
            let n = |i: usize| -> Result<Value> {
                let d = dfs.get_index(i).ok_or_else(|| Error::user("ct_sizes: missing member"))?;
                Ok(Value::Int64(d.as_local_bounded()?.num_rows() as i64))
            };
            Ok(vec![vec![n(0)?, n(1)?]])
        })
        .schema("n0:long,n1:long"),
        dup,
    )?;
    // c_range: `a:long`, rows 0..n-1 (n default 2)
    reg::register_creator(
        "c_range",
        || {
            |c: &ExtensionContext| -> Result<DataFrameRef> {
                let n: i64 = c.params().get("n", 2i64)?;
                let rows = (0..n).map(|x| vec![Value::Int64(x)]).collect();
                Ok(Arc::new(LocalDataFrame::from_rows(rows, "a:long")?))
            }
        },
        dup,
    )?;
    // p_union: all rows of its inputs, in input order
    reg::register_processor(
        "p_union",
        || {
            |_c: &ExtensionContext, dfs: DataFrames| -> Result<DataFrameRef> {
                let mut all = Vec::new();
                let mut schema = None;
                for d in dfs.values() {
                    let l = api::as_local(d.clone())?;
                    schema.get_or_insert_with(|| l.schema().clone());
                    all.extend(l.rows()?);
                }
                let schema = schema.ok_or_else(|| Error::arg("p_union", "no input"))?;
                Ok(Arc::new(LocalDataFrame::from_rows(all, schema)?))
            }
        },
        dup,
    )?;
    // p_names: `name:str`, one row per input key
    reg::register_processor(
        "p_names",
        || {
            |_c: &ExtensionContext, dfs: DataFrames| -> Result<DataFrameRef> {
                let rows = dfs.keys().map(|k| vec![Value::from(k)]).collect();
                Ok(Arc::new(LocalDataFrame::from_rows(rows, "name:str")?))
            }
        },
        dup,
    )?;
    // o_count: appends (key, row count) per input to the log
    reg::register_outputter(
        "o_count",
        || {
            |_c: &ExtensionContext, dfs: DataFrames| -> Result<()> {
                for (k, d) in dfs.iter() {
                    let n = api::count(d.clone())?;
                    O_COUNT_LOG
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((k.to_string(), n));
                }
                Ok(())
            }
        },
        dup,
    )?;
    // cb_sum: adds its numeric argument to the shared total, returns the total
    reg::register_callback(
        "cb_sum",
        fugue_api::rpc::handler(|n: i64| -> Result<i64> {
            let mut total = CB_TOTAL.lock().unwrap_or_else(PoisonError::into_inner);
            *total += n;
            Ok(*total)
        }),
        dup,
    )?;
    // m_split: one frame in, {lo: rows with a < 2, hi: rows with a >= 2} out
    {
        use fugue_core::expr::col;
        use fugue_workflow::module::{
            InputShape, ModuleInput, ModuleOutput, OutputShape, WorkflowFrames, module,
        };
        fugue_workflow::module::register_module(
            "m_split",
            module(InputShape::One, OutputShape::Collection, |_dag, input, _params| {
                let ModuleInput::One(df) = input else {
                    return Err(Error::arg("m_split", "takes one dataframe"));
                };
                let lo = df.filter(col("a").lt(2))?;
                let hi = df.filter(col("a").gt_eq(2))?;
                Ok(ModuleOutput::Collection(WorkflowFrames::Dict(
                    [("lo".to_string(), lo), ("hi".to_string(), hi)].into_iter().collect(),
                )))
            }),
            dup,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Running scripts
// ---------------------------------------------------------------------------

/// Compiles `script` (FSQL-API, compile only).
fn compile(script: &str) -> std::result::Result<FugueWorkflow, String> {
    ok(fugue_sql::compile(script), "compile")
}

/// Compiles and runs `script` on the case's engine; the dataframe yields.
fn run(ctx: &Ctx, script: &str) -> std::result::Result<WorkflowResult, String> {
    fixtures()?;
    let e = eng(ctx)?;
    ok(compile(script)?.run(e), "run")
}

/// The final last of `script` run on the case's engine by the simple API
/// (FSQL-API-3: `fsql(script).run_last(engine)`).
fn last(ctx: &Ctx, script: &str) -> std::result::Result<DataFrameRef, String> {
    fixtures()?;
    ok(fsql(script).run_last(eng(ctx)?), "run_last")
}

/// `last(ctx, script)` equals `rows` under `schema` (multiset).
fn last_eq(ctx: &Ctx, script: &str, rows: Vec<Row>, schema: &str) -> CaseResult {
    let df = last(ctx, script)?;
    eq(df.as_ref(), rows, schema, &format!("result of\n{script}\n"))
}

/// The yield `name` of `r`.
fn got(r: &WorkflowResult, name: &str) -> std::result::Result<DataFrameRef, String> {
    ok(r.get(name).cloned(), name)
}

/// The rows of `df`.
fn rows_of(df: &DataFrameRef) -> std::result::Result<Vec<Row>, String> {
    ok(api::as_local(df.clone()).and_then(|l| l.rows()), "rows")
}

/// An integer cell as `i64`, whatever its width (for results whose type the
/// SQL facet chooses, e.g. `SUM`, `COUNT`, literals).
fn int_of(v: &Value) -> std::result::Result<i64, String> {
    match v {
        Value::Int8(x) => Ok(i64::from(*x)),
        Value::Int16(x) => Ok(i64::from(*x)),
        Value::Int32(x) => Ok(i64::from(*x)),
        Value::Int64(x) => Ok(*x),
        Value::UInt8(x) => Ok(i64::from(*x)),
        Value::UInt16(x) => Ok(i64::from(*x)),
        Value::UInt32(x) => Ok(i64::from(*x)),
        Value::UInt64(x) => i64::try_from(*x).map_err(|e| e.to_string()),
        other => Err(format!("not an integer: {other:?}")),
    }
}

/// `df` holds exactly one row with one integer cell equal to `want` (for a
/// column named `col`).
fn one_int(df: &DataFrameRef, col: &str, want: i64) -> CaseResult {
    let names: Vec<String> = df.schema().names().into_iter().map(str::to_string).collect();
    check(names == [col], || format!("columns {names:?}, expected [{col}]"))?;
    let rows = rows_of(df)?;
    check(rows.len() == 1 && int_of(&rows[0][0])? == want, || {
        format!("rows {rows:?}, expected one row {col} = {want}")
    })
}

/// Passes when `r` fails with `kind` or a kind under it
/// (`ErrorKind::is_a`, e.g. ERR-FSQL under ERR-WF-COMPILE).
fn expect_is_a<T>(r: Result<T>, kind: ErrorKind, what: &str) -> CaseResult {
    match r {
        Err(e) if e.kind().is_a(kind) => Ok(()),
        Err(e) => Err(format!("{what}: expected {kind}, got {} ({e})", e.kind())),
        Ok(_) => Err(format!("{what}: expected {kind}, got Ok")),
    }
}

/// Compiling `script` fails with exactly `kind`.
fn compile_fails(script: &str, kind: ErrorKind) -> CaseResult {
    match fugue_sql::compile(script) {
        Err(e) if e.kind() == kind => Ok(()),
        Err(e) => Err(format!("compile of\n{script}\nexpected {kind}, got {} ({e})", e.kind())),
        Ok(_) => Err(format!("compile of\n{script}\nexpected {kind}, got Ok")),
    }
}

/// `script` compiles, and running it on the case's engine fails with `kind`.
fn run_fails(ctx: &Ctx, script: &str, kind: ErrorKind) -> CaseResult {
    fixtures()?;
    let dag = compile(script)?;
    match dag.run(eng(ctx)?) {
        Err(e) if e.kind() == kind => Ok(()),
        Err(e) => Err(format!("run of\n{script}\nexpected {kind}, got {} ({e})", e.kind())),
        Ok(_) => Err(format!("run of\n{script}\nexpected {kind}, got Ok")),
    }
}

/// `script` fails with `kind` at compile (SHOULD) or at run at the latest.
fn fails_by_run(ctx: &Ctx, script: &str, kind: ErrorKind) -> CaseResult {
    fixtures()?;
    match fugue_sql::compile(script) {
        Err(e) if e.kind() == kind => Ok(()),
        Err(e) => Err(format!("compile of\n{script}\nexpected {kind}, got {} ({e})", e.kind())),
        Ok(_) => run_fails(ctx, script, kind),
    }
}

/// `script` is a syntax error at `line:column` on `token` (`""` = end of
/// input): `check_syntax` reports it, and `compile` fails with
/// ERR-FSQL-SYNTAX (FSQL-RUST-ERR-1).
fn syntax_at(script: &str, line: usize, column: usize, token: &str) -> CaseResult {
    let e = match fugue_sql::check_syntax(script) {
        Err(e) => e,
        Ok(()) => return Err(format!("check_syntax accepted\n{script}")),
    };
    check((e.line, e.column, e.token.as_str()) == (line, column, token), || {
        format!(
            "syntax error of\n{script}\nat {}:{} token `{}`, expected {line}:{column} token `{token}` ({e})",
            e.line, e.column, e.token
        )
    })?;
    compile_fails(script, ErrorKind::FsqlSyntax)
}

/// `script` is a syntax error on line `line` (column not fixed by the spec).
fn syntax_on_line(
    script: &str,
    line: usize,
) -> std::result::Result<fugue_sql::SyntaxError, String> {
    let e = match fugue_sql::check_syntax(script) {
        Err(e) => e,
        Ok(()) => return Err(format!("check_syntax accepted\n{script}")),
    };
    check(e.line == line, || {
        format!("syntax error of\n{script}\non line {}, expected {line} ({e})", e.line)
    })?;
    compile_fails(script, ErrorKind::FsqlSyntax)?;
    Ok(e)
}

/// `shown` (an ERR-FSQL-SYNTAX display) marks `token` at `line:column`
/// the FSQL-RUST-ERR-2 way: a marker line of `N:`-wide spaces, a tab, one
/// `.` per character before the token and one `^` per character of it.
fn caret_at(shown: &str, line: usize, column: usize, token: &str) -> CaseResult {
    let prefix = format!("{line}:");
    let marker = format!(
        "{}\t{}{}",
        " ".repeat(prefix.len()),
        ".".repeat(column - 1),
        "^".repeat(token.chars().count())
    );
    let has_marker = shown.lines().any(|l| l.trim_end() == marker);
    check(shown.contains(&format!("{prefix}\t")) && has_marker, || {
        format!("the error does not mark `{token}` at {line}:{column}:\n{shown}")
    })
}

/// A fresh temp directory.
fn tmp() -> std::result::Result<tempfile::TempDir, String> {
    tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))
}

/// The temp directory as text (for `{{p}}`).
fn dir_text(dir: &tempfile::TempDir) -> String {
    dir.path().display().to_string()
}

/// Run conf setting the checkpoint path to `dir` (§7.1 "run").
fn ckpt_conf(dir: &tempfile::TempDir) -> Conf {
    Conf::from_pairs([(WORKFLOW_CHECKPOINT_PATH, dir_text(dir))])
}

/// The simple API with ignore_case (FSQL-LEX-4): the final last of
/// `script` equals `rows` under `schema`.
fn last_eq_ic(ctx: &Ctx, script: &str, rows: Vec<Row>, schema: &str) -> CaseResult {
    fixtures()?;
    let df = ok(fsql(script).ignore_case(true).run_last(eng(ctx)?), "run_last with ignore_case")?;
    eq(df.as_ref(), rows, schema, &format!("result of (ignore_case)\n{script}\n"))
}

/// `script` compiled with the template param `p` = the temp folder `dir`.
fn compile_p(script: &str, dir: &tempfile::TempDir) -> std::result::Result<FugueWorkflow, String> {
    fixtures()?;
    let w = ok(fsql(script).param("p", dir_text(dir)).compile(), "compile with {{p}}")?;
    Ok(w.into_workflow())
}

/// The final last of `script` with the template param `p` = `dir`.
fn last_p(
    ctx: &Ctx,
    script: &str,
    dir: &tempfile::TempDir,
) -> std::result::Result<DataFrameRef, String> {
    fixtures()?;
    ok(fsql(script).param("p", dir_text(dir)).run_last(eng(ctx)?), "run_last with {{p}}")
}

/// A hand-built `CREATE` (FSQL-RUST-COMPILE): `rows` with the determiner
/// the compiler gives inline data (the rows' JSON text and the schema,
/// FSQL-STMT-CREATE-3).
fn created(
    dag: &FugueWorkflow,
    json: &str,
    rows: Vec<Row>,
    schema: &str,
) -> std::result::Result<fugue_workflow::WorkflowDataFrame, String> {
    let data = crate::helpers::local(rows, schema)?;
    ok(dag.df_with_determiner(data, &format!("{json}|{schema}")), "df")
}

/// The select parts of the spec ("Parts", FSQL-RUST-TEXT): `script`
/// compiles to the same `spec_uuid` as `built`, the hand-built workflow
/// whose last node is `dag.select(parts)` (FSQL-RUST-ID-1/2).
fn same_as_built(script: &str, built: &FugueWorkflow) -> CaseResult {
    let dag = compile(script)?;
    check(dag.spec_uuid() == built.spec_uuid(), || {
        format!(
            "compiling\n{script}\ngives another workflow than the spec's select parts:\n{}\nbuilt:\n{}",
            dag.explain(),
            built.explain()
        )
    })
}

/// `SqlPiece::Text`.
fn txt(t: &str) -> SqlPiece {
    SqlPiece::Text(t.to_string())
}

/// `SqlPiece::Frame`.
fn frame(df: &fugue_workflow::WorkflowDataFrame) -> SqlPiece {
    SqlPiece::Frame(df.clone())
}
