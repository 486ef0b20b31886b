//! `ignore_case` (FSQL-LEX-4/5/8/13, FSQL-JSON-5, FSQL-RUST-ERR-3) through
//! the crate-internal entries [`compile_with`] and [`Parser::parse_with`]:
//! what the suite cases of FSQL-EX-2, 3, 8, 9, 11 (group `fsql/` of
//! `fugue-test-suite`) do not check.

use fugue_core::{ErrorKind, Result, Value};
use fugue_datafusion as _;
use fugue_native as _;
use fugue_workflow::{FugueWorkflow, WorkflowResult};

use crate::compile::compile_with;
use crate::parser::{ParseOptions, Parser};

const IC: ParseOptions = ParseOptions { ignore_case: true };

fn compile_ic(script: &str) -> Result<FugueWorkflow> {
    let dag = FugueWorkflow::new();
    compile_with(&dag, script, &IC, Default::default(), Vec::new())?;
    Ok(dag)
}

fn out(r: &WorkflowResult) -> Result<Vec<Vec<Value>>> {
    fugue_api::api::as_local(r.get("out")?.clone())?.rows()
}

/// Lower-case keywords are a syntax error whose message says keywords are
/// upper case and names the setting; with ignore_case they work; a mostly
/// upper-case script whose error is elsewhere gets no hint (FSQL-LEX-4,
/// FSQL-RUST-ERR-3; beyond the suite case of FSQL-EX-2: the message start,
/// the script without a hint).
#[test]
fn lower_case_keywords_error_hints_at_ignore_case() -> Result<()> {
    let e = Parser::parse("create [[0]] schema a:int").unwrap_err();
    assert_eq!(e.line, 1);
    assert!(e.message.starts_with("FugueSQL keywords are upper case"), "{e}");
    assert!(e.message.contains("fugue.sql.compile.ignore_case"), "{e}");
    let r = compile_ic("create [[0]] schema a:int yield dataframe as out")?.run("native")?;
    assert_eq!(out(&r)?, vec![vec![Value::Int32(0)]]);
    // a mostly upper-case script whose error is elsewhere gets no hint
    let e = Parser::parse("CREATE [[0]] SCHEMA a:int ;").unwrap_err();
    assert!(!e.message.contains("ignore_case"), "{e}");
    Ok(())
}

/// `True` is an identifier in case-sensitive mode; under ignore_case
/// `True`, `False` and `Null` are values; `None` is never a value, also
/// under ignore_case (`Parser::parse_with`) (FSQL-JSON-5; beyond the suite
/// case of FSQL-EX-8: `False`, `Null`, `None`).
#[test]
fn python_style_literals_under_ignore_case() -> Result<()> {
    let e = Parser::parse("CREATE [[True]] SCHEMA a:bool").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 10, "True"));
    let r = compile_ic(
        "CREATE [[True, False, Null]] SCHEMA a:bool,b:bool,c:int YIELD DATAFRAME AS out",
    )?
    .run("native")?;
    assert_eq!(out(&r)?, vec![vec![Value::Bool(true), Value::Bool(false), Value::Null]]);
    let e = Parser::parse_with("CREATE [[None]] SCHEMA a:bool", &IC).unwrap_err();
    assert_eq!(e.token, "None");
    Ok(())
}

/// Under ignore_case lower-case `true` is the SQL keyword (FSQL-LEX-8; the
/// suite case of FSQL-EX-9 checks the case-sensitive mode only).
#[test]
fn lower_case_true_is_sql_under_ignore_case() -> Result<()> {
    let s = "a = CREATE [[1]] SCHEMA x:int\nSELECT * FROM a WHERE true YIELD DATAFRAME AS out";
    assert_eq!(out(&compile_ic(s)?.run("native")?)?, vec![vec![Value::Int32(1)]]);
    Ok(())
}

/// Reserved words in any case under ignore_case: the syntax error's
/// position from `Parser::parse_with`, backquotes make them names usable in
/// SQL, lower-case `rand` is reserved too (FSQL-LEX-6; beyond the suite case
/// of FSQL-EX-11).
#[test]
fn reserved_words_in_any_case_under_ignore_case() -> Result<()> {
    let e = compile_ic("sample = create [[1]] schema a:int").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::FsqlSyntax);
    let e = Parser::parse_with("sample = create [[1]] schema a:int", &IC).unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 8, "="));
    let r = compile_ic(
        "`sample` = create [[1]] schema a:int\nselect * from `sample` yield dataframe as out",
    )?
    .run("native")?;
    assert_eq!(out(&r)?, vec![vec![Value::Int32(1)]]);
    let e = Parser::parse_with("a = CREATE [[1]] SCHEMA x:int\nSELECT rand() AS r FROM a", &IC)
        .unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (2, 8, "rand"));
    Ok(())
}

/// FSQL-LEX-4 with FSQL-STMT-SELECT-7: under ignore_case a lower-case
/// FROM-less SELECT reads last, and lower-case FugueSQL statements and
/// clauses end it (FSQL-RUST-SPLIT).
#[test]
fn ignore_case_statements_and_implicit_from() -> Result<()> {
    let s = "create [[1],[2],[3]] schema a:int\n\
             select * where a > 1\n\
             take 1 row presort a desc yield dataframe as out";
    let r = compile_ic(s)?.run("native")?;
    assert_eq!(out(&r)?, vec![vec![Value::Int32(3)]]);
    Ok(())
}

/// FSQL-LEX-4 with FSQL-STMT-SETOP-2: under ignore_case a lower-case
/// FugueSQL term is a set-operation operand.
#[test]
fn ignore_case_term_as_set_operand() -> Result<()> {
    let s = "x = create [[1],[2]] schema a:int\n\
             select * from x union all take 1 row from x presort a desc yield dataframe as out";
    let mut got = out(&compile_ic(s)?.run("native")?)?;
    got.sort_by_key(|r| format!("{r:?}"));
    assert_eq!(got, vec![vec![Value::Int32(1)], vec![Value::Int32(2)], vec![Value::Int32(2)]]);
    Ok(())
}
