//! FugueSQL statements on the native engine (spec/FUGUESQL.md §4): what
//! the conformance examples do not cover. The examples FSQL-EX-1..78
//! themselves are the suite group `fsql/` of `fugue-test-suite`, run on
//! every engine.

mod common;

use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use common::{O_COUNT_LOG, OT_ROWS, fixtures, rows, schema};
use fugue_core::{ErrorKind, Result, Value};
use fugue_datafusion as _;
use fugue_native as _;
use fugue_sql::{check_syntax, compile, run};

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

/// FSQL-RUST-REG / ERR-WF-INTERFACELESS: an unknown transformer name lists
/// close registered names.
#[test]
fn unknown_transformer_has_did_you_mean() {
    fixtures();
    let e = compile("CREATE [[1]] SCHEMA a:int\nTRANSFORM USING t_frist").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interfaceless);
    let m = e.to_string();
    assert!(m.contains("t_first"), "{m}");
    assert!(m.contains("2:\tTRANSFORM USING t_frist"), "{m}");
}

/// TRANSFORM of the previous result with a schema hint and PARAMS parsed in
/// each spelling (FSQL-PARAMS-1); PRINT with a count and a title.
#[test]
fn transform_last_with_schema_and_print() -> Result<()> {
    fixtures();
    for params in ["(n=2)", "{n:2}", "PARAMS n:2", "PARAMS (n=2)", ""] {
        let s = format!(
            "CREATE [[1],[2]] SCHEMA a:long\nout = TRANSFORM USING t_same {params} SCHEMA * YIELD DATAFRAME AS out\n\
             PRINT 1 ROW FROM out TITLE \"t\"\nPRINT"
        );
        let r = run(&s, "native")?;
        assert_eq!(rows(&r, "out")?, vec![vec![v(1i64)], vec![v(2i64)]]);
    }
    Ok(())
}

/// Statement-level errors: unknown names (FSQL-DFREF-2), assigning an
/// output statement (FSQL-SCRIPT-1), SAVE without a mode (FSQL-STMT-SAVE-2),
/// unsupported statements are named.
#[test]
fn statement_errors() {
    assert_eq!(compile("SAVE nope TO \"/x.parquet\"").unwrap_err().kind(), ErrorKind::Fsql);
    let e = check_syntax("CREATE [[1]] SCHEMA a:int\nx = PRINT").unwrap_err();
    assert_eq!(e.line, 2);
    let e = check_syntax("CREATE [[1]] SCHEMA a:int\nSAVE \"x\"").unwrap_err();
    assert_eq!((e.line, e.column), (2, 6));
    let e = check_syntax("CREATE [[0]]").unwrap_err();
    assert_eq!(e.token, "");
}

/// TAKE counts are whole non-negative numbers (FSQL-STMT-TAKE-3; the
/// FSQL-EX-61 example is the suite case `fsql/ex_61_take_counts_and_order`).
#[test]
fn take_count_syntax() {
    assert!(check_syntax("TAKE -1 ROWS").is_err());
    assert!(check_syntax("TAKE 1.5 ROWS").is_err());
}

/// Beyond the suite case of FSQL-EX-67: `LAZY PERSIST BROADCAST` keeps the rows and
/// the broadcast flag changes the identity (FSQL-STMT-CKPT-2,
/// FSQL-STMT-BCAST-1); `BROADCAST PERSIST` is out of order at 1:41
/// (FSQL-SCRIPT-4); checkpoint params are named as not supported yet.
#[test]
fn checkpoint_and_broadcast_suffixes() -> Result<()> {
    let s = "a = CREATE [[1]] SCHEMA x:int LAZY PERSIST BROADCAST YIELD DATAFRAME";
    assert_eq!(rows(&run(s, "native")?, "a")?, vec![vec![v(1)]]);
    let plain = compile("a = CREATE [[1]] SCHEMA x:int LAZY PERSIST YIELD DATAFRAME")?;
    assert_ne!(compile(s)?.spec_uuid(), plain.spec_uuid());
    for ck in ["PERSIST", "WEAK CHECKPOINT", "CHECKPOINT", "STRONG CHECKPOINT SINGLE"] {
        assert!(compile(&format!("CREATE [[1]] SCHEMA x:int {ck} BROADCAST")).is_ok(), "{ck}");
    }
    let e = check_syntax("a = CREATE [[1]] SCHEMA x:int BROADCAST PERSIST").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 41, "PERSIST"));
    let e = check_syntax("a = CREATE [[1]] SCHEMA x:int YIELD DATAFRAME PERSIST").unwrap_err();
    assert_eq!(e.token, "PERSIST");
    // PERSIST takes engine options (FSQL-STMT-CKPT-3); file checkpoints do not
    let r =
        run(r#"a = CREATE [[1]] SCHEMA x:int PERSIST (level="memory") YIELD DATAFRAME"#, "native")?;
    assert_eq!(rows(&r, "a")?, vec![vec![v(1)]]);
    let e = run(r#"CREATE [[1]] SCHEMA x:int WEAK CHECKPOINT {level:"disk_only"}"#, "native")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotSupported, "{e}");
    let e = check_syntax(r#"CREATE [[1]] SCHEMA x:int CHECKPOINT (level="memory")"#).unwrap_err();
    assert!(e.message.contains("only PERSIST / WEAK CHECKPOINT take params"), "{e}");
    Ok(())
}

/// FSQL-STMT-YIELD-2/3: YIELD FILE adds a permanent checkpoint and is a
/// workflow yield; after CHECKPOINT it is ERR-WF-COMPILE, after PERSIST
/// ERR-ARG; `YIELD LOCAL FILE` is a syntax error.
#[test]
fn yield_file() -> Result<()> {
    let dag = compile("CREATE [[1]] SCHEMA a:int YIELD FILE AS f")?;
    assert!(dag.yields().contains_key("f"));
    let e = compile("CREATE [[1]] SCHEMA a:int CHECKPOINT YIELD FILE AS f").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WorkflowCompile);
    let e = compile("CREATE [[1]] SCHEMA a:int PERSIST YIELD FILE AS f").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(check_syntax("CREATE [[1]] SCHEMA a:int YIELD LOCAL FILE AS f").is_err());
    assert!(compile("CREATE [[1]] SCHEMA a:int DETERMINISTIC CHECKPOINT YIELD FILE AS f").is_ok());
    Ok(())
}

/// FSQL-STMT-SAVEUSE-1 (its §4.4 example): `x = SAVE AND USE OVERWRITE`
/// continues with the reloaded frame, usable as a variable.
#[test]
fn save_and_use() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| fugue_core::Error::arg("tempdir", e.to_string()))?;
    let p = dir.path().join("y.parquet").display().to_string();
    let s = format!(
        "CREATE [[0,\"hello\"],[1,\"world\"]] SCHEMA a:int,b:str\n\
         x = SAVE AND USE OVERWRITE \"{p}\"\n\
         SELECT COUNT(*) AS n FROM x YIELD DATAFRAME AS o"
    );
    let r = run(&s, "native")?;
    assert_eq!(rows(&r, "o")?, vec![vec![v(2i64)]]);
    assert!(std::path::Path::new(&p).exists());
    Ok(())
}

/// Beyond the suite case of FSQL-EX-50: PROCESS with several inputs and the registered
/// processors `p_names` and `p_union` (FSQL-STMT-PROCESS-1); PROCESS of the
/// last dataframe by default; SCHEMA is named as not supported yet.
#[test]
fn process_default_input_and_errors() -> Result<()> {
    fixtures();
    let s = "a = CREATE [[1]] SCHEMA x:int\nb = CREATE [[2]] SCHEMA x:int\n\
             l = PROCESS a, b USING p_names YIELD DATAFRAME\n\
             u = PROCESS a, b USING p_union YIELD DATAFRAME\n\
             PROCESS USING p_names YIELD DATAFRAME AS last";
    let r = run(s, "native")?;
    assert_eq!(rows(&r, "l")?, vec![vec![v("_0")], vec![v("_1")]]);
    assert_eq!(rows(&r, "u")?, vec![vec![v(1)], vec![v(2)]]);
    assert_eq!(rows(&r, "last")?, vec![vec![v("_0")]]);
    let e = check_syntax("PROCESS a USING p_union SCHEMA x:int").unwrap_err();
    assert!(e.message.contains("not supported yet"), "{e}");
    let e = compile("a = CREATE [[1]] SCHEMA x:int\nPROCESS a USING p_unoin").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interfaceless);
    assert!(e.to_string().contains("p_union"), "{e}");
    Ok(())
}

/// Beyond the suite cases of FSQL-EX-52/53: OUTPUT of named inputs and of
/// the last dataframe through `o_count`; OUTPUT without a previous
/// dataframe is ERR-FSQL; `SCHEMA` after OUTPUT is a syntax error at 1:31
/// (FSQL-STMT-OUTPUT-1, FSQL-SCOPE-5).
#[test]
fn output_named_inputs_and_errors() -> Result<()> {
    fixtures();
    let s = "a = CREATE [[1],[2],[3]] SCHEMA x:int\nb = SELECT * FROM a WHERE x > 1\n\
             OUTPUT a, b USING o_count\nOUTPUT USING o_count";
    let dag = compile(s)?;
    O_COUNT_LOG.lock().unwrap_or_else(PoisonError::into_inner).clear();
    dag.run("native")?;
    let log = O_COUNT_LOG.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let want: Vec<(String, usize)> = vec![("_0".into(), 3), ("_1".into(), 2), ("_0".into(), 2)];
    assert_eq!(log, want);
    assert_eq!(compile("OUTPUT USING o_count").unwrap_err().kind(), ErrorKind::Fsql);
    let e = check_syntax("OUTPUT a USING o_count SCHEMA x:int").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 31, "x"));
    let e = check_syntax("x = OUTPUT USING o_count").unwrap_err();
    assert_eq!(e.token, "OUTPUT");
    Ok(())
}

/// Beyond the suite case of FSQL-EX-49: OUTTRANSFORM by key runs an output
/// transformer eagerly and leaves last unchanged; an ordinary transformer
/// is accepted too; `x = OUTTRANSFORM` is a syntax error at 1:5
/// (FSQL-STMT-OUTTRANSFORM-1..3).
#[test]
fn outtransform_output_transformer() -> Result<()> {
    fixtures();
    let s = "CREATE [[1],[1],[2]] SCHEMA a:int\n\
             OUTTRANSFORM PREPARTITION BY a USING ot_count\n\
             OUTTRANSFORM USING t_first\n\
             SELECT COUNT(*) AS n YIELD DATAFRAME AS o";
    let dag = compile(s)?;
    let before = OT_ROWS.load(Ordering::SeqCst);
    let r = dag.run("native")?;
    assert_eq!(OT_ROWS.load(Ordering::SeqCst) - before, 3);
    assert_eq!(rows(&r, "o")?, vec![vec![v(3i64)]]);
    let e = check_syntax("x = OUTTRANSFORM USING t_cb").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 5, "OUTTRANSFORM"));
    let e = check_syntax("OUTTRANSFORM a, b USING t_first").unwrap_err();
    assert!(e.message.contains("exactly one"), "{e}");
    Ok(())
}

/// Beyond the suite case of FSQL-EX-39 (FSQL-STMT-WITH-1): a top-level WITH is one statement, the
/// query after the CTE list included; as a whole script it needs no
/// previous dataframe.
#[test]
fn top_level_with_boundaries() -> Result<()> {
    let s = "a = CREATE [[1],[2]] SCHEMA x:int\n\
             WITH t AS (SELECT x FROM a WHERE x > 1), u AS (SELECT * FROM t) SELECT * FROM u \
             YIELD DATAFRAME AS out";
    assert_eq!(rows(&run(s, "native")?, "out")?, vec![vec![v(2)]]);
    let r = run("WITH t AS (SELECT 1 AS x) SELECT * FROM t YIELD DATAFRAME AS out", "native")?;
    assert_eq!(rows(&r, "out")?.len(), 1);
    // the next statement still starts at its own SELECT
    let s = "WITH t AS (SELECT 1 AS x) SELECT * FROM t\nSELECT x + 1 AS y YIELD DATAFRAME AS out";
    assert_eq!(schema(&run(s, "native")?, "out")?, "y:long");
    Ok(())
}
