//! FugueSQL statements and FSQL-EX conformance examples on the native
//! engine (spec/FUGUESQL.md §4, §7).

use std::sync::Once;

use fugue_api::api;
use fugue_core::{DataFrame, ErrorKind, LocalDataFrame, Result, Value};
use fugue_datafusion as _;
use fugue_native as _;
use fugue_sql::{WorkflowResult, check_syntax, compile, run};

/// The fixtures of FSQL-EX §7.1 this crate can express: `t_first`
/// (declared schema `*`, first row of each partition).
fn fixtures() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let t = fugue_api::extension::closure::transformer(|d: LocalDataFrame| d.slice(0, 1))
            .schema("*");
        fugue_api::registry::register_transformer("t_first", t, fugue_core::conf::OnDup::Overwrite)
            .expect("register t_first");
        let id = fugue_api::extension::closure::transformer(|d: LocalDataFrame| Ok(d));
        fugue_api::registry::register_transformer("t_same", id, fugue_core::conf::OnDup::Overwrite)
            .expect("register t_same");
    });
}

fn rows(r: &WorkflowResult, name: &str) -> Result<Vec<Vec<Value>>> {
    let mut rows = api::as_local(r.get(name)?.clone())?.rows()?;
    rows.sort_by_key(|r| format!("{r:?}"));
    Ok(rows)
}

fn schema(r: &WorkflowResult, name: &str) -> Result<String> {
    Ok(api::as_local(r.get(name)?.clone())?.schema().to_string())
}

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

/// FSQL-EX-1: inline data (FSQL-STMT-CREATE-1); the rows are part of the
/// identity (FSQL-STMT-CREATE-3).
#[test]
fn fsql_ex_1_create_inline_data() -> Result<()> {
    let s = r#"CREATE [[0,"hello"],[1,"world"]] SCHEMA a:int,b:str YIELD DATAFRAME AS out"#;
    let r = run(s, "native")?;
    assert_eq!(schema(&r, "out")?, "a:int,b:str");
    assert_eq!(rows(&r, "out")?, vec![vec![v(0), v("hello")], vec![v(1), v("world")]]);
    let other = compile(&s.replace("world", "word"))?;
    assert_ne!(compile(s)?.spec_uuid(), other.spec_uuid());
    assert_eq!(compile(s)?.spec_uuid(), compile(s)?.spec_uuid());
    Ok(())
}

/// FSQL-EX-4: comments of every kind, free layout, no separators; PRINT
/// ends a SELECT (FSQL-LEX-2, FSQL-LEX-14, FSQL-RUST-SPLIT-2).
#[test]
fn fsql_ex_4_comments_and_layout() -> Result<()> {
    let s = "-- leading\na = CREATE [[1],[2]] SCHEMA x:int   # hash comment\n\
             /* block /* nested */ still a comment */\n// slash comment\n\
             SELECT x FROM a WHERE x > 1 YIELD DATAFRAME AS out PRINT";
    let r = run(s, "native")?;
    assert_eq!(rows(&r, "out")?, vec![vec![v(2)]]);
    Ok(())
}

/// FSQL-EX-5: `;` is a syntax error at 1:26 with a hint; an empty script is
/// a syntax error (FSQL-LEX-3).
#[test]
fn fsql_ex_5_semicolon_and_empty_script() {
    let e = check_syntax("CREATE [[0]] SCHEMA a:int;").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 26, ";"));
    assert!(e.hint.as_deref().unwrap_or("").contains("separator"));
    let e = check_syntax("-- nothing").unwrap_err();
    assert_eq!(e.line, 1);
    assert_eq!(compile("-- nothing").unwrap_err().kind(), ErrorKind::SchemaSyntax);
}

/// FSQL-EX-6: quoted names in schemas and SQL (FSQL-LEX-11/12).
#[test]
fn fsql_ex_6_quoted_names() -> Result<()> {
    let s = "a = CREATE [[1,2]] SCHEMA `a b`:int,` `:int\nSELECT `a b` AS c FROM a YIELD DATAFRAME AS out";
    let r = run(s, "native")?;
    assert_eq!(schema(&r, "out")?, "c:int");
    assert_eq!(rows(&r, "out")?, vec![vec![v(1)]]);
    Ok(())
}

/// FSQL-EX-7: JSON values into nested columns (FSQL-JSON, FSQL-STMT-CREATE-2).
#[test]
fn fsql_ex_7_nested_json_values() -> Result<()> {
    let s = r#"CREATE [[true, null, [1,2], {x:1, y:"s"}]] SCHEMA a:bool,b:double,c:[int],d:{x:int,y:str} YIELD DATAFRAME AS out"#;
    let r = run(s, "native")?;
    let got = rows(&r, "out")?;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0][0], v(true));
    assert_eq!(got[0][1], Value::Null);
    assert_eq!(got[0][2], Value::List(vec![v(1), v(2)]));
    assert_eq!(got[0][3], Value::Struct(vec![("x".into(), v(1)), ("y".into(), v("s"))]));
    Ok(())
}

/// FSQL-EX-10: string escapes (FSQL-LEX-17/18).
#[test]
fn fsql_ex_10_string_escapes() -> Result<()> {
    let s = r#"CREATE [['it\'s', "say \"hi\"", 'tab\tend']] SCHEMA a:str,b:str,c:str YIELD DATAFRAME AS out"#;
    let r = run(s, "native")?;
    assert_eq!(rows(&r, "out")?, vec![vec![v("it's"), v("say \"hi\""), v("tab\tend")]]);
    Ok(())
}

/// FSQL-EX-20: SAVE then LOAD with a column list (FSQL-STMT-SAVE-1,
/// FSQL-STMT-LOAD-4); FSQL-EX-21: SAVE TO an existing path fails at run.
#[test]
fn fsql_ex_20_21_save_and_load() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| fugue_core::Error::arg("tempdir", e.to_string()))?;
    let p = dir.path().display().to_string();
    let s = format!(
        "CREATE [[1,\"x\"],[2,\"y\"]] SCHEMA a:long,b:str\nSAVE OVERWRITE \"{p}/f.parquet\"\n\
         LOAD \"{p}/f.parquet\" COLUMNS b YIELD DATAFRAME AS out"
    );
    let r = run(&s, "native")?;
    assert_eq!(schema(&r, "out")?, "b:str");
    assert_eq!(rows(&r, "out")?, vec![vec![v("x")], vec![v("y")]]);
    let s = format!(
        "CREATE [[1]] SCHEMA a:int\nSAVE OVERWRITE \"{p}/g.parquet\"\nSAVE TO \"{p}/g.parquet\""
    );
    let dag = compile(&s)?;
    assert_eq!(dag.run("native").unwrap_err().kind(), ErrorKind::AlreadyExists);
    Ok(())
}

/// FSQL-EX-26: implicit FROM (FSQL-STMT-SELECT-7).
#[test]
fn fsql_ex_26_implicit_from() -> Result<()> {
    let r = run(
        "CREATE [[0],[1],[2]] SCHEMA a:int\nSELECT a WHERE a > 0 YIELD DATAFRAME AS out",
        "native",
    )?;
    assert_eq!(schema(&r, "out")?, "a:int");
    assert_eq!(rows(&r, "out")?, vec![vec![v(1)], vec![v(2)]]);
    Ok(())
}

/// FSQL-EX-27: no previous dataframe is ERR-FSQL (here ERR-WF-COMPILE, its
/// parent kind).
#[test]
fn fsql_ex_27_no_previous_dataframe() {
    assert_eq!(compile("SELECT 1 AS x").unwrap_err().kind(), ErrorKind::WorkflowCompile);
    assert_eq!(compile("PRINT").unwrap_err().kind(), ErrorKind::WorkflowCompile);
}

/// FSQL-EX-28: variables, join, automatic alias (FSQL-STMT-SELECT-3/4).
#[test]
fn fsql_ex_28_variables_join_alias() -> Result<()> {
    let s = "a = CREATE [[1,\"x\"],[2,\"y\"]] SCHEMA k:int,v:str\n\
             b = CREATE [[1,10]] SCHEMA k:int,w:int\n\
             SELECT a.k, a.v, b.w FROM a INNER JOIN b ON a.k = b.k YIELD DATAFRAME AS out";
    let r = run(s, "native")?;
    assert_eq!(schema(&r, "out")?, "k:int,v:str,w:int");
    assert_eq!(rows(&r, "out")?, vec![vec![v(1), v("x"), v(10)]]);
    Ok(())
}

/// FSQL-EX-29: an explicit alias is kept (FSQL-STMT-SELECT-4).
#[test]
fn fsql_ex_29_explicit_alias() -> Result<()> {
    let s = "a = CREATE [[1,\"x\"],[2,\"y\"]] SCHEMA k:int,v:str\n\
             SELECT t.v FROM a AS t WHERE t.k = 2 YIELD DATAFRAME AS out";
    let r = run(s, "native")?;
    assert_eq!(rows(&r, "out")?, vec![vec![v("y")]]);
    Ok(())
}

/// FSQL-EX-42: partitioned transform with presort by a registered name
/// (FSQL-STMT-TRANSFORM-1, FSQL-PART-1).
#[test]
fn fsql_ex_42_transform_prepartition_presort() -> Result<()> {
    fixtures();
    let s = "a = CREATE [[1,1],[1,3],[2,5],[2,4]] SCHEMA k:int,v:int\n\
             TRANSFORM a PREPARTITION BY k PRESORT v DESC USING t_first YIELD DATAFRAME AS out";
    let r = run(s, "native")?;
    assert_eq!(rows(&r, "out")?, vec![vec![v(1), v(3)], vec![v(2), v(5)]]);
    Ok(())
}

/// FSQL-EX-44: PARAMS after SCHEMA is a syntax error at 2:33 with a hint;
/// the display shows the line and the caret (FSQL-RUST-ERR-2).
#[test]
fn fsql_ex_44_clause_order_and_caret_display() {
    let s = "CREATE [[1]] SCHEMA a:long\nTRANSFORM USING t_plus SCHEMA * PARAMS n:2";
    let e = check_syntax(s).unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (2, 33, "PARAMS"));
    let shown = e.to_string();
    assert!(shown.contains("2:\tTRANSFORM USING t_plus SCHEMA * PARAMS n:2"), "{shown}");
    assert!(shown.contains(&format!("  \t{}^^^^^^", ".".repeat(32))), "{shown}");
    assert!(shown.contains("hint: PARAMS must come before SCHEMA"), "{shown}");
}

/// FSQL-EX-69: YIELD names (FSQL-STMT-YIELD-1/2), implicit FROM after an
/// assignment.
#[test]
fn fsql_ex_69_yield_names() -> Result<()> {
    let s = "CREATE [[1]] SCHEMA x:int YIELD DATAFRAME AS r1\nx2 = SELECT x + 1 AS x YIELD LOCAL DATAFRAME";
    let r = run(s, "native")?;
    assert_eq!(rows(&r, "r1")?, vec![vec![v(1)]]);
    let x2 = rows(&r, "x2")?;
    assert!(
        matches!(x2.as_slice(), [row] if matches!(row.as_slice(), [Value::Int32(2) | Value::Int64(2)])),
        "{x2:?}"
    );
    assert_eq!(
        compile("CREATE [[1]] SCHEMA x:int YIELD DATAFRAME").unwrap_err().kind(),
        ErrorKind::WorkflowCompile
    );
    Ok(())
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
    assert_eq!(
        compile("SAVE nope TO \"/x.parquet\"").unwrap_err().kind(),
        ErrorKind::WorkflowCompile
    );
    let e = check_syntax("CREATE [[1]] SCHEMA a:int\nx = PRINT").unwrap_err();
    assert_eq!(e.line, 2);
    let e = check_syntax("CREATE [[1]] SCHEMA a:int\nSAVE \"x\"").unwrap_err();
    assert_eq!((e.line, e.column), (2, 6));
    let e = check_syntax("CREATE [[1]] SCHEMA a:int\nTAKE 1 ROW").unwrap_err();
    assert!(e.message.contains("not supported yet"), "{e}");
    let e = check_syntax("CREATE [[0]]").unwrap_err();
    assert_eq!(e.token, "");
}
