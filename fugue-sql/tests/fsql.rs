//! FugueSQL statements and FSQL-EX conformance examples on the native
//! engine (spec/FUGUESQL.md §4, §7).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once, PoisonError};

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
        register_process_fixtures();
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
    assert_eq!(compile("-- nothing").unwrap_err().kind(), ErrorKind::FsqlSyntax);
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
    assert_eq!(compile("SELECT 1 AS x").unwrap_err().kind(), ErrorKind::Fsql);
    assert_eq!(compile("PRINT").unwrap_err().kind(), ErrorKind::Fsql);
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
        ErrorKind::Fsql
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
    assert_eq!(compile("SAVE nope TO \"/x.parquet\"").unwrap_err().kind(), ErrorKind::Fsql);
    let e = check_syntax("CREATE [[1]] SCHEMA a:int\nx = PRINT").unwrap_err();
    assert_eq!(e.line, 2);
    let e = check_syntax("CREATE [[1]] SCHEMA a:int\nSAVE \"x\"").unwrap_err();
    assert_eq!((e.line, e.column), (2, 6));
    let e = check_syntax("CREATE [[0]]").unwrap_err();
    assert_eq!(e.token, "");
}

fn null() -> Value {
    Value::Null
}

/// FSQL-EX-59: TAKE with null placement (FSQL-STMT-TAKE-1/2).
#[test]
fn fsql_ex_59_take_nulls() -> Result<()> {
    let base = "CREATE [[NULL,1],[2,2],[3,3]] SCHEMA a:double,b:int\n";
    let r = run(
        &format!("{base}TAKE 1 ROW PRESORT a DESC NULLS FIRST YIELD DATAFRAME AS o"),
        "native",
    )?;
    assert_eq!(schema(&r, "o")?, "a:double,b:int");
    assert_eq!(rows(&r, "o")?, vec![vec![null(), v(1)]]);
    for tail in ["NULLS LAST", "NULL LAST", ""] {
        let r =
            run(&format!("{base}TAKE 1 ROW PRESORT a DESC {tail} YIELD DATAFRAME AS o"), "native")?;
        assert_eq!(rows(&r, "o")?, vec![vec![v(3.0), v(3)]], "{tail}");
    }
    Ok(())
}

/// FSQL-EX-60: TAKE per partition (FSQL-STMT-TAKE-1).
#[test]
fn fsql_ex_60_take_per_partition() -> Result<()> {
    let s = r#"CREATE [["x",1],["x",2],["y",5],[NULL,7]] SCHEMA k:str,v:int
        TAKE 1 ROW PREPARTITION BY k PRESORT v DESC YIELD DATAFRAME AS o"#;
    let r = run(s, "native")?;
    let mut got = rows(&r, "o")?;
    got.sort_by_key(|r| format!("{:?}", r[1]));
    assert_eq!(got, vec![vec![v("x"), v(2)], vec![v("y"), v(5)], vec![null(), v(7)]]);
    Ok(())
}

/// FSQL-EX-61: TAKE counts and clause order (FSQL-STMT-TAKE-3/4): no count
/// takes 20 rows, `TAKE 0 ROWS` none; PRESORT before PREPARTITION is a
/// syntax error at 1:22.
#[test]
fn fsql_ex_61_take_counts_and_order() -> Result<()> {
    let data: Vec<String> = (0..25).map(|i| format!("[{i}]")).collect();
    let base = format!("a = CREATE [{}] SCHEMA x:int\n", data.join(","));
    let r = run(&format!("{base}TAKE YIELD DATAFRAME AS o"), "native")?;
    assert_eq!(rows(&r, "o")?.len(), 20);
    let r = run(&format!("{base}TAKE 0 ROWS FROM a YIELD DATAFRAME AS o"), "native")?;
    assert_eq!(rows(&r, "o")?.len(), 0);
    let e = check_syntax("TAKE 1 ROW PRESORT a PREPARTITION BY k").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 22, "PREPARTITION"));
    assert!(check_syntax("TAKE -1 ROWS").is_err());
    assert!(check_syntax("TAKE 1.5 ROWS").is_err());
    Ok(())
}

/// FSQL-EX-62: SAMPLE by rows and percent, with a seed, from a variable
/// and from last (FSQL-STMT-SAMPLE-1/2); reproducible with a seed.
#[test]
fn fsql_ex_62_sample() -> Result<()> {
    let s = "src = CREATE [[0],[1],[2],[3],[4],[5],[6],[7],[8],[9]] SCHEMA a:long\n\
             a = SAMPLE 3 ROWS SEED 7 FROM src YIELD DATAFRAME\n\
             b = SAMPLE 30 PERCENT SEED 7 FROM src YIELD DATAFRAME\n\
             c = SAMPLE 30 % SEED 7 YIELD DATAFRAME";
    let r1 = run(s, "native")?;
    let r2 = run(s, "native")?;
    for name in ["a", "b"] {
        let got = rows(&r1, name)?;
        assert_eq!(got.len(), 3, "{name}");
        let mut d = got.clone();
        d.dedup();
        assert_eq!(d.len(), 3, "{name}: distinct");
        assert_eq!(got, rows(&r2, name)?, "{name}: seeded");
    }
    assert_eq!(rows(&r1, "c")?.len(), 1);
    Ok(())
}

/// FSQL-EX-63: SAMPLE syntax (FSQL-STMT-SAMPLE-2/3): fractional row counts
/// and `ROW` are syntax errors; APPROX and PREPARTITION have no effect.
#[test]
fn fsql_ex_63_sample_syntax() -> Result<()> {
    let e = check_syntax("SAMPLE 0.5 ROWS").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 12, "ROWS"));
    let e = check_syntax("SAMPLE 5 ROW").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 10, "ROW"));
    let s = "CREATE [[0],[1],[2],[3],[4],[5],[6],[7],[8],[9]] SCHEMA a:long\n\
             SAMPLE APPROX 2 ROWS SEED 1 PREPARTITION BY a YIELD DATAFRAME AS o";
    assert_eq!(rows(&run(s, "native")?, "o")?.len(), 2);
    Ok(())
}

/// FSQL-EX-64: DROP COLUMNS ... IF EXISTS, RENAME COLUMNS, ALTER COLUMNS
/// through last (FSQL-STMT-DROPCOLS-1, -RENAME-1, -ALTER-1).
#[test]
fn fsql_ex_64_column_statements() -> Result<()> {
    let s = r#"CREATE [[1,"x",true]] SCHEMA a:int,b:str,c:bool
        DROP COLUMNS c, zz IF EXISTS
        RENAME COLUMNS a:x
        ALTER COLUMNS x:str YIELD DATAFRAME AS o"#;
    let r = run(s, "native")?;
    assert_eq!(schema(&r, "o")?, "x:str,b:str");
    assert_eq!(rows(&r, "o")?, vec![vec![v("1"), v("x")]]);
    Ok(())
}

/// FSQL-EX-65: DROP COLUMNS of a missing column fails at run with
/// ERR-DF-OP; `RENAME COLUMNS a=b` is a syntax error at 1:17
/// (FSQL-STMT-DROPCOLS-1, FSQL-STMT-RENAME-1).
#[test]
fn fsql_ex_65_column_statement_errors() -> Result<()> {
    let dag = compile("CREATE [[1,2]] SCHEMA a:int,b:int\nDROP COLUMNS zz")?;
    assert_eq!(dag.run("native").unwrap_err().kind(), ErrorKind::DataFrameOp);
    let e = check_syntax("RENAME COLUMNS a=b").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 17, "="));
    Ok(())
}

/// FSQL-EX-66: DROP ROWS IF ANY/ALL NULLS [ON cols] and FILL NULLS with a
/// per-column map, FROM a variable (FSQL-STMT-FILL-1, FSQL-STMT-DROPROWS-1).
#[test]
fn fsql_ex_66_null_statements() -> Result<()> {
    let base = "d = CREATE [[NULL,NULL],[NULL,1],[2,NULL]] SCHEMA a:int,b:int\n";
    let cases: Vec<(&str, Vec<Vec<Value>>)> = vec![
        ("DROP ROWS IF ANY NULLS FROM d", vec![]),
        ("DROP ROWS IF ALL NULLS FROM d", vec![vec![null(), v(1)], vec![v(2), null()]]),
        ("DROP ROWS IF ANY NULL ON a FROM d", vec![vec![v(2), null()]]),
        (
            "FILL NULLS (a:0, b:-1) FROM d",
            vec![vec![v(0), v(-1)], vec![v(0), v(1)], vec![v(2), v(-1)]],
        ),
    ];
    for (stmt, want) in cases {
        let r = run(&format!("{base}{stmt} YIELD DATAFRAME AS o"), "native")?;
        let mut want = want;
        want.sort_by_key(|r| format!("{r:?}"));
        assert_eq!(rows(&r, "o")?, want, "{stmt}");
    }
    Ok(())
}

/// FSQL-EX-67 (without params): `LAZY PERSIST BROADCAST` keeps the rows and
/// the broadcast flag changes the identity (FSQL-STMT-CKPT-2,
/// FSQL-STMT-BCAST-1); `BROADCAST PERSIST` is out of order at 1:41
/// (FSQL-SCRIPT-4); checkpoint params are named as not supported yet.
#[test]
fn fsql_ex_67_checkpoint_and_broadcast_suffixes() -> Result<()> {
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
    let e = check_syntax(r#"CREATE [[1]] SCHEMA x:int LAZY PERSIST (level="memory")"#).unwrap_err();
    assert!(e.message.contains("not supported yet"), "{e}");
    Ok(())
}

/// FSQL-EX-68: a deterministic checkpoint is stored once under the
/// checkpoint path and reused; without a path the run fails with
/// ERR-WF-RUNTIME (FSQL-STMT-CKPT-5/6, WF-CKPT-3).
#[test]
fn fsql_ex_68_deterministic_checkpoint() -> Result<()> {
    let s =
        r#"CREATE [[0],[1],[2]] SCHEMA a:long DETERMINISTIC CHECKPOINT "v1" YIELD DATAFRAME AS o"#;
    assert_eq!(compile(s)?.run("native").unwrap_err().kind(), ErrorKind::WorkflowRuntime);
    let dir = tempfile::tempdir().map_err(|e| fugue_core::Error::arg("tempdir", e.to_string()))?;
    let conf =
        serde_json::json!({ "fugue.workflow.checkpoint.path": dir.path().display().to_string() });
    for _ in 0..2 {
        let r = compile(s)?.run_with_conf("native", conf.clone())?;
        assert_eq!(rows(&r, "o")?, vec![vec![v(0i64)], vec![v(1i64)], vec![v(2i64)]]);
    }
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .map_err(|e| fugue_core::Error::arg("read_dir", e.to_string()))?
        .collect();
    assert_eq!(files.len(), 1);
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

/// The per-input row counts seen by `o_count` (FSQL-EX §7.1).
static O_COUNT_LOG: Mutex<Vec<(String, usize)>> = Mutex::new(Vec::new());
/// The rows seen by the output transformer `ot_count`.
static OT_ROWS: AtomicUsize = AtomicUsize::new(0);

/// `p_union`, `p_names`, `o_count` of FSQL-EX §7.1, and `ot_count`, an
/// output transformer adding its partition sizes to [`OT_ROWS`].
fn register_process_fixtures() {
    use fugue_api::extension::ExtensionContext;
    use fugue_core::conf::OnDup;
    use fugue_core::{DataFrameRef, DataFrames};
    fugue_api::registry::register_processor(
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
                let schema = schema.ok_or_else(|| fugue_core::Error::arg("p_union", "no input"))?;
                Ok(std::sync::Arc::new(LocalDataFrame::from_rows(all, schema)?))
            }
        },
        OnDup::Overwrite,
    )
    .expect("register p_union");
    fugue_api::registry::register_processor(
        "p_names",
        || {
            |_c: &ExtensionContext, dfs: DataFrames| -> Result<DataFrameRef> {
                let rows = dfs.keys().map(|k| vec![Value::from(k)]).collect();
                Ok(std::sync::Arc::new(LocalDataFrame::from_rows(rows, "name:str")?))
            }
        },
        OnDup::Overwrite,
    )
    .expect("register p_names");
    fugue_api::registry::register_outputter(
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
        OnDup::Overwrite,
    )
    .expect("register o_count");
    fugue_api::registry::register_output_transformer(
        "ot_count",
        fugue_api::extension::closure::output_transformer(|rows: Vec<fugue_core::Row>| {
            OT_ROWS.fetch_add(rows.len(), Ordering::SeqCst);
        }),
        OnDup::Overwrite,
    )
    .expect("register ot_count");
}

/// FSQL-EX-50 (list form): PROCESS with several inputs and the registered
/// processors `p_names` and `p_union` (FSQL-STMT-PROCESS-1); PROCESS of the
/// last dataframe by default; SCHEMA is named as not supported yet.
#[test]
fn fsql_ex_50_process_list_form() -> Result<()> {
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

/// FSQL-EX-52/53 (without the nested query): OUTPUT of named inputs and of
/// the last dataframe through `o_count`; OUTPUT without a previous
/// dataframe is ERR-FSQL; `SCHEMA` after OUTPUT is a syntax error at 1:31
/// (FSQL-STMT-OUTPUT-1, FSQL-SCOPE-5).
#[test]
fn fsql_ex_52_53_output() -> Result<()> {
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

/// FSQL-EX-49 (without CALLBACK): OUTTRANSFORM by key runs an output
/// transformer eagerly and leaves last unchanged; an ordinary transformer
/// is accepted too; `x = OUTTRANSFORM` is a syntax error at 1:5
/// (FSQL-STMT-OUTTRANSFORM-1..3).
#[test]
fn fsql_ex_49_outtransform() -> Result<()> {
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

/// FSQL-EX-39 (FSQL-STMT-WITH-1): a top-level WITH is one statement, the
/// query after the CTE list included; as a whole script it needs no
/// previous dataframe.
#[test]
fn fsql_ex_39_top_level_with() -> Result<()> {
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
