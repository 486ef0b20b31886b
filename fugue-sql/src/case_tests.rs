//! `ignore_case` (FSQL-LEX-4/5/8/13, FSQL-JSON-5, FSQL-RUST-ERR-3) through
//! the crate-internal entry [`compile_with`]: FSQL-EX-2, 3, 8, 9, 11.

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

/// FSQL-EX-2 (FSQL-LEX-4, FSQL-RUST-ERR-3): lower-case keywords are a
/// syntax error naming the setting; with ignore_case they work.
#[test]
fn fsql_ex_2_case_sensitive_default() -> Result<()> {
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

/// FSQL-EX-3 (FSQL-LEX-4, FSQL-LEX-13): ignore_case keeps the case of
/// names and strings; `x` is not the variable `X`.
#[test]
fn fsql_ex_3_ignore_case_keeps_names() -> Result<()> {
    let s = "X = create [[\"Mixed\"]] schema col:str\nselect col from X yield dataframe as out";
    let r = compile_ic(s)?.run("native")?;
    assert_eq!(out(&r)?, vec![vec![Value::from("Mixed")]]);
    let dag = compile_ic(&s.replace("from X", "from x"))?;
    assert!(dag.run("native").is_err());
    Ok(())
}

/// FSQL-EX-8 (FSQL-JSON-5): `True` is an identifier in case-sensitive
/// mode and `TRUE` under ignore_case; `None` is never a value.
#[test]
fn fsql_ex_8_python_style_literals() -> Result<()> {
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

/// FSQL-EX-9 (FSQL-LEX-8): under ignore_case lower-case `true` is the SQL
/// keyword.
#[test]
fn fsql_ex_9_true_under_ignore_case() -> Result<()> {
    let s = "a = CREATE [[1]] SCHEMA x:int\nSELECT * FROM a WHERE true YIELD DATAFRAME AS out";
    assert_eq!(out(&compile_ic(s)?.run("native")?)?, vec![vec![Value::Int32(1)]]);
    Ok(())
}

/// FSQL-EX-11 (FSQL-LEX-6): reserved words in any case under ignore_case;
/// backquotes make them names.
#[test]
fn fsql_ex_11_reserved_words_under_ignore_case() -> Result<()> {
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
