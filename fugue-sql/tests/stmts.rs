//! FugueSQL statements beyond the first set: ZIP and cotransformers,
//! CREATE USING, CALLBACK, CONNECT, YIELD TABLE/VIEW, PRINT ROWCOUNT, LOAD
//! of a path list, PREPARTITION algorithms and numbers, SAVE AND USE
//! options (spec/FUGUESQL.md §4) on the native engine: what the
//! conformance examples (the suite group `fsql/` of `fugue-test-suite`) do
//! not check.

mod common;

use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use common::{CB_LOCK, CB_TOTAL, OCT_GROUPS, fixtures, rows, schema};
use fugue_api::extension::ExtensionContext;
use fugue_core::{DataFrameRef, ErrorKind, LocalDataFrame, Result, Value};
use fugue_datafusion as _;
use fugue_native as _;
use fugue_sql::{check_syntax, compile, run};

fn l(x: i64) -> Value {
    Value::Int64(x)
}

const AB: &str = "a = CREATE [[1,10],[2,20]] SCHEMA k:int,v:int\n\
                  b = CREATE [[1,5],[1,6],[3,7]] SCHEMA k:int,w:int\n";

/// A zip by key feeds a cotransformer, nested in TRANSFORM or through a
/// variable; every join type picks its groups (INNER, LEFT, RIGHT, FULL
/// OUTER); without BY the common column (ENG-ZIP-2) with PRESORT
/// (FSQL-STMT-ZIP-1/2/5; beyond the suite case of FSQL-EX-56: the variable
/// form, INNER, RIGHT OUTER, no BY, the schema).
#[test]
fn zip_join_types_and_cotransformer() -> Result<()> {
    fixtures();
    let go = |zip: &str| -> Result<Vec<Vec<Value>>> {
        let s = format!("{AB}z = {zip}\nTRANSFORM z USING ct_sizes YIELD DATAFRAME AS out");
        let r = run(&s, "native")?;
        assert_eq!(schema(&r, "out")?, "n0:long,n1:long");
        rows(&r, "out")
    };
    let s = format!("{AB}TRANSFORM (ZIP a, b BY k) USING ct_sizes YIELD DATAFRAME AS out");
    assert_eq!(rows(&run(&s, "native")?, "out")?, vec![vec![l(1), l(2)]]);
    let s =
        format!("{AB}TRANSFORM (ZIP a, b FULL OUTER BY k) USING ct_sizes YIELD DATAFRAME AS out");
    assert_eq!(
        rows(&run(&s, "native")?, "out")?,
        vec![vec![l(0), l(1)], vec![l(1), l(0)], vec![l(1), l(2)]]
    );
    assert_eq!(go("ZIP a, b BY k")?, vec![vec![l(1), l(2)]]);
    assert_eq!(go("ZIP a, b INNER BY k")?, vec![vec![l(1), l(2)]]);
    assert_eq!(
        go("ZIP a, b FULL OUTER BY k")?,
        vec![vec![l(0), l(1)], vec![l(1), l(0)], vec![l(1), l(2)]]
    );
    assert_eq!(go("ZIP a, b LEFT OUTER BY k")?, vec![vec![l(1), l(0)], vec![l(1), l(2)]]);
    assert_eq!(go("ZIP a, b RIGHT OUTER BY k")?, vec![vec![l(0), l(1)], vec![l(1), l(2)]]);
    // no BY: the common column `k` (ENG-ZIP-2); PRESORT is accepted.
    assert_eq!(go("ZIP a, b PRESORT k DESC")?, vec![vec![l(1), l(2)]]);
    Ok(())
}

/// The zip reaches the cotransformer through a variable with PREPARTITION,
/// and through last; a checkpoint suffix keeps it a zip
/// (FSQL-STMT-ZIP-5/6; beyond the suite case of FSQL-EX-57: the PERSIST
/// suffix).
#[test]
fn zip_through_variable_last_and_checkpoint() -> Result<()> {
    fixtures();
    let s = format!(
        "{AB}z = ZIP a, b BY k\nTRANSFORM z PREPARTITION 4 USING ct_sizes YIELD DATAFRAME AS v"
    );
    assert_eq!(rows(&run(&s, "native")?, "v")?, vec![vec![l(1), l(2)]]);
    let s = format!("{AB}ZIP a, b\nTRANSFORM USING ct_sizes YIELD DATAFRAME AS last");
    assert_eq!(rows(&run(&s, "native")?, "last")?, vec![vec![l(1), l(2)]]);
    let s = format!("{AB}ZIP a, b BY k PERSIST\nTRANSFORM USING ct_sizes YIELD DATAFRAME AS p");
    assert_eq!(rows(&run(&s, "native")?, "p")?, vec![vec![l(1), l(2)]]);
    Ok(())
}

/// ZIP errors (FSQL-STMT-ZIP-1..3, FSQL-STMT-TRANSFORM-3, FSQL-SCOPE-5):
/// beyond the suite case of FSQL-EX-58, SEMI, an empty ZIP, PREPARTITION,
/// the message naming ZIP, a transformer on a zip, ZIP without names.
#[test]
fn zip_errors() -> Result<()> {
    fixtures();
    let e = check_syntax("ZIP a, b LEFT BY k").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 15, "BY"));
    let e = check_syntax("ZIP a, b LEFT SEMI BY k").unwrap_err();
    assert_eq!(e.token, "SEMI");
    let e = check_syntax("ZIP").unwrap_err();
    assert!(e.message.contains("at least one"), "{e}");
    let e = check_syntax("ZIP a, b PREPARTITION BY k").unwrap_err();
    assert_eq!(e.token, "PREPARTITION");
    // (b) keys with CROSS: ERR-INVALID-OP at run.
    let s = format!("{AB}ZIP a, b CROSS BY k\nTRANSFORM USING ct_sizes");
    assert_eq!(compile(&s)?.run("native").unwrap_err().kind(), ErrorKind::InvalidOperation);
    // (c) a cotransformer on a plain frame, a transformer on a zip.
    let e =
        compile("a = CREATE [[1,10]] SCHEMA k:int,v:int\nTRANSFORM a USING ct_sizes").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WorkflowCompile, "{e}");
    assert!(e.to_string().contains("ZIP"), "{e}");
    let e = compile(&format!("{AB}ZIP a, b BY k\nTRANSFORM USING t_first")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WorkflowCompile, "{e}");
    // ZIP never reads last (FSQL-SCOPE-5): its inputs are required names.
    assert_eq!(compile("ZIP a, b").unwrap_err().kind(), ErrorKind::Fsql);
    Ok(())
}

/// FSQL-STMT-ZIP-1, FSQL-RUST-ID-1: a ZIP compiles to the builder's
/// `zip` with the partition `BY`/`PRESORT`.
#[test]
fn zip_identity_equals_the_builder() -> Result<()> {
    fixtures();
    let s = format!("{AB}z = ZIP a, b FULL OUTER BY k PRESORT v");
    let dag = fugue_sql::FugueWorkflow::new();
    let a = dag.df_with_determiner(
        LocalDataFrame::from_rows(
            vec![vec![1.into(), 10.into()], vec![2.into(), 20.into()]],
            "k:int,v:int",
        )?,
        &format!("{}|k:int,v:int", "[[1,10],[2,20]]"),
    )?;
    let b = dag.df_with_determiner(
        LocalDataFrame::from_rows(
            vec![vec![1.into(), 5.into()], vec![1.into(), 6.into()], vec![3.into(), 7.into()]],
            "k:int,w:int",
        )?,
        &format!("{}|k:int,w:int", "[[1,5],[1,6],[3,7]]"),
    )?;
    let spec = fugue_core::PartitionSpec::from_json(r#"{"by": ["k"], "presort": "v"}"#)?;
    a.partition(spec)?.zip(&[&b], fugue_core::engine::JoinType::FullOuter)?;
    assert_eq!(compile(&s)?.spec_uuid(), dag.spec_uuid());
    let inner = compile(&s.replace("FULL OUTER ", ""))?;
    assert_ne!(inner.spec_uuid(), dag.spec_uuid());
    Ok(())
}

/// CREATE USING a creator, with its default params too; the four PARAMS
/// spellings give one identity; SCHEMA after CREATE USING is
/// ERR-NOT-SUPPORTED (FSQL-STMT-CREATE-5, FSQL-PARAMS-1; beyond the suite
/// case of FSQL-EX-18: the default params, the SCHEMA error).
#[test]
fn create_using_default_params_and_schema() -> Result<()> {
    fixtures();
    let r = run("CREATE USING c_range(n=3) YIELD DATAFRAME AS out", "native")?;
    assert_eq!(schema(&r, "out")?, "a:long");
    assert_eq!(rows(&r, "out")?, vec![vec![l(0)], vec![l(1)], vec![l(2)]]);
    let r = run("x = CREATE USING c_range YIELD DATAFRAME", "native")?;
    assert_eq!(rows(&r, "x")?, vec![vec![l(0)], vec![l(1)]]);
    let ids: Vec<String> = [
        "CREATE USING c_range(n=3)",
        "CREATE USING c_range PARAMS n:3",
        "CREATE USING c_range {n:3}",
        "CREATE USING c_range PARAMS (n=3)",
    ]
    .iter()
    .map(|s| compile(s).map(|d| d.spec_uuid()))
    .collect::<Result<_>>()?;
    assert!(ids.iter().all(|i| i == &ids[0]), "{ids:?}");
    assert_ne!(compile("CREATE USING c_range(n=4)")?.spec_uuid(), ids[0]);
    let e = compile("CREATE USING c_range SCHEMA a:long").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotSupported, "{e}");
    Ok(())
}

/// Unknown or unsuitable extension names are ERR-WF-INTERFACELESS; the
/// message says `c_range` "is a creator" (FSQL-RUST-REG-5; the suite case
/// of FSQL-EX-19 asks only for "creator").
#[test]
fn unknown_or_unsuitable_extension_is_named() {
    fixtures();
    let e = compile("CREATE USING nope").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interfaceless);
    assert!(e.to_string().contains("nope"), "{e}");
    let e = compile("CREATE [[1]] SCHEMA a:long\nTRANSFORM USING c_range SCHEMA *").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interfaceless);
    assert!(e.to_string().to_lowercase().contains("is a creator"), "{e}");
}

/// A registered callback reaches every partition of TRANSFORM and
/// OUTTRANSFORM; OUTTRANSFORM leaves last unchanged; without CALLBACK the
/// optional callback is not called; an unknown callback is
/// ERR-WF-INTERFACELESS naming `cb_sum`; CALLBACK before SCHEMA is a syntax
/// error (FSQL-STMT-TRANSFORM-5, FSQL-STMT-OUTTRANSFORM-1; beyond the
/// suite cases of FSQL-EX-48/49).
#[test]
fn callbacks_optional_unknown_and_clause_order() -> Result<()> {
    fixtures();
    let _g = CB_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    CB_TOTAL.store(0, Ordering::SeqCst);
    let r = run(
        "CREATE [[1],[1],[2]] SCHEMA a:int\n\
         TRANSFORM PREPARTITION BY a USING t_cb CALLBACK cb_sum YIELD DATAFRAME AS out",
        "native",
    )?;
    assert_eq!(rows(&r, "out")?, vec![vec![1.into()], vec![1.into()], vec![2.into()]]);
    assert_eq!(CB_TOTAL.load(Ordering::SeqCst), 3);
    CB_TOTAL.store(0, Ordering::SeqCst);
    let r = run(
        "CREATE [[1],[1],[2]] SCHEMA a:int\n\
         OUTTRANSFORM PREPARTITION BY a USING t_cb CALLBACK cb_sum\n\
         SELECT COUNT(*) AS n YIELD DATAFRAME AS o",
        "native",
    )?;
    assert_eq!(CB_TOTAL.load(Ordering::SeqCst), 3);
    assert_eq!(rows(&r, "o")?, vec![vec![l(3)]]);
    // without CALLBACK the optional callback is not called
    CB_TOTAL.store(0, Ordering::SeqCst);
    run("CREATE [[1]] SCHEMA a:int\nTRANSFORM USING t_cb", "native")?;
    assert_eq!(CB_TOTAL.load(Ordering::SeqCst), 0);
    let e = compile("CREATE [[1]] SCHEMA a:int\nTRANSFORM USING t_cb CALLBACK cb_sun").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interfaceless);
    assert!(e.to_string().contains("cb_sum"), "{e}");
    let e = check_syntax("TRANSFORM USING t_cb CALLBACK cb_sum SCHEMA *").unwrap_err();
    assert_eq!(e.token, "SCHEMA");
    Ok(())
}

/// An unknown SQL engine is ERR-PLUGIN at compile, naming it; a known one
/// is not supported yet; a FugueSQL term after CONNECT is ERR-FSQL; CONNECT
/// needs a query (FSQL-STMT-CONNECT-2/3; beyond the suite case of
/// FSQL-EX-40).
#[test]
fn connect_engines_and_errors() {
    let e = compile("CONNECT nope SELECT 1 AS x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Plugin);
    assert!(e.to_string().contains("nope"), "{e}");
    let name = fugue_core::registry::registered_sql_engines()[0].name;
    let e = compile(&format!("CONNECT {name} SELECT 1 AS x")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotSupported, "{e}");
    let e = compile(&format!("CONNECT {name} CREATE [[1]] SCHEMA a:int")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    let e = check_syntax("CONNECT nope PRINT").unwrap_err();
    assert!(e.message.contains("CONNECT needs a query"), "{e}");
}

/// VIEW parses and is ERR-NOT-SUPPORTED at compile; TABLE too (the workflow
/// has no table yield yet); `LOCAL FILE` is a syntax error at 1:39
/// (FSQL-STMT-YIELD-2; beyond the suite case of FSQL-EX-71: the parse of
/// VIEW, TABLE).
#[test]
fn yield_view_and_table_not_supported() {
    check_syntax("CREATE [[1]] SCHEMA a:int YIELD VIEW AS v").expect("VIEW parses");
    let e = compile("CREATE [[1]] SCHEMA a:int YIELD VIEW AS v").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotSupported);
    let e = compile("CREATE [[1]] SCHEMA a:int YIELD TABLE AS t").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotSupported);
    let e = check_syntax("CREATE [[1]] SCHEMA a:int YIELD LOCAL FILE AS f").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 39, "FILE"));
}

/// ROWCOUNT reaches the show node (its identity differs) and the run
/// prints; ROWCOUNT after TITLE and a count without ROWS are syntax errors
/// (FSQL-STMT-PRINT-1..3; beyond the suite cases of FSQL-EX-54/55: the
/// identity, `PRINT a ROWCOUNT`).
#[test]
fn print_rowcount_identity_and_syntax() -> Result<()> {
    let s = "a = CREATE [[1],[2],[3]] SCHEMA x:int\nPRINT 2 ROWS FROM a ROWCOUNT TITLE \"t\"";
    compile(s)?.run("native")?;
    let without = compile(&s.replace(" ROWCOUNT", ""))?;
    assert_ne!(compile(s)?.spec_uuid(), without.spec_uuid());
    compile("a = CREATE [[1]] SCHEMA x:int\nPRINT a ROWCOUNT")?.run("native")?;
    let e = check_syntax("PRINT 10").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 9, ""));
    let e = check_syntax("PRINT a TITLE 'x' ROWCOUNT").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 19, "ROWCOUNT"));
    Ok(())
}

/// LOAD of a path list concatenates the files in order; an empty list is a
/// syntax error (FSQL-STMT-LOAD-3; beyond the suite case of FSQL-EX-25:
/// the empty list).
#[test]
fn load_path_list_and_empty_list() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| fugue_core::Error::arg("tempdir", e.to_string()))?;
    let p = dir.path().display().to_string();
    let s = format!(
        "CREATE [[1]] SCHEMA a:long\nSAVE OVERWRITE \"{p}/l1.parquet\"\n\
         CREATE [[2]] SCHEMA a:long\nSAVE OVERWRITE \"{p}/l2.parquet\"\n\
         LOAD [\"{p}/l1.parquet\", \"{p}/l2.parquet\"] YIELD DATAFRAME AS out"
    );
    let r = run(&s, "native")?;
    assert_eq!(schema(&r, "out")?, "a:long");
    assert_eq!(rows(&r, "out")?, vec![vec![l(1)], vec![l(2)]]);
    let e = check_syntax("LOAD []").unwrap_err();
    assert_eq!(e.token, "]");
    Ok(())
}

/// FSQL-STMT-SAVEUSE-1 with the options of SAVE: format word, SINGLE and
/// params reach the save and the reload; TO fails on an existing path.
#[test]
fn save_and_use_options() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| fugue_core::Error::arg("tempdir", e.to_string()))?;
    let p = dir.path().display().to_string();
    let s = format!(
        "CREATE [[1,\"x\"],[2,\"y\"]] SCHEMA a:long,b:str\n\
         x = SAVE AND USE OVERWRITE SINGLE CSV \"{p}/s.csv\" (header=true)\n\
         SELECT COUNT(*) AS n FROM x YIELD DATAFRAME AS out"
    );
    let r = run(&s, "native")?;
    assert_eq!(rows(&r, "out")?, vec![vec![l(2)]]);
    let text = std::fs::read_to_string(format!("{p}/s.csv"))
        .map_err(|e| fugue_core::Error::arg("read", e.to_string()))?;
    assert!(text.starts_with("a,b"), "{text}");
    let s = format!(
        "CREATE [[1,2],[3,4]] SCHEMA a:long,b:long\n\
         x = SAVE AND USE PREPARTITION BY a OVERWRITE \"{p}/u.parquet\"\n\
         SELECT SUM(b) AS n FROM x YIELD DATAFRAME AS out"
    );
    assert_eq!(rows(&run(&s, "native")?, "out")?, vec![vec![l(6)]]);
    let s = format!(
        "CREATE [[1]] SCHEMA a:long\nSAVE OVERWRITE \"{p}/t.parquet\"\n\
         SAVE AND USE TO \"{p}/t.parquet\"\nPRINT"
    );
    assert_eq!(compile(&s)?.run("native").unwrap_err().kind(), ErrorKind::AlreadyExists);
    Ok(())
}

/// Algorithms and number expressions reach the partition spec: the EVEN
/// spec equals the builder's, HASH differs; the algorithm never changes
/// logical partitions, COARSE makes one call per physical partition; number
/// expressions with parentheses, CONCURRENCY and signs parse, a missing
/// number or algorithm target is a syntax error (FSQL-PART-1, PA-1..5;
/// beyond the suite case of FSQL-EX-78: the builder identity, the syntax).
#[test]
fn partition_algorithms_identity_and_number_syntax() -> Result<()> {
    fixtures();
    let s = "a = CREATE [[1,1],[1,3],[2,5],[2,4]] SCHEMA k:int,v:int\n\
             h = TRANSFORM a HASH PREPARTITION 4 BY k PRESORT v DESC USING t_first YIELD DATAFRAME\n\
             c = TRANSFORM a COARSE PREPARTITION 1 BY k PRESORT v DESC USING t_first YIELD DATAFRAME";
    let r = run(s, "native")?;
    assert_eq!(rows(&r, "h")?, vec![vec![1.into(), 3.into()], vec![2.into(), 5.into()]]);
    assert_eq!(rows(&r, "c")?, vec![vec![1.into(), 3.into()]]);
    // compile: the spec equals the builder's
    let dag = fugue_sql::FugueWorkflow::new();
    let a = dag.df_with_determiner(
        LocalDataFrame::from_rows(vec![vec![1.into(), 1.into()]], "k:int,v:int")?,
        "[[1,1]]|k:int,v:int",
    )?;
    let spec = fugue_core::PartitionSpec::from_json(
        r#"{"algo": "even", "num": "ROWCOUNT/2", "by": [], "presort": ""}"#,
    )?;
    let o = fugue_sql_transform_options(spec)?;
    a.transform(fugue_api::registry::transformer_by_name("t_first")?, o)?;
    let s = "a = CREATE [[1,1]] SCHEMA k:int,v:int\nTRANSFORM a EVEN PREPARTITION ROWCOUNT / 2 USING t_first";
    assert_eq!(compile(s)?.spec_uuid(), dag.spec_uuid());
    assert_ne!(compile(&s.replace("EVEN", "HASH"))?.spec_uuid(), dag.spec_uuid());
    // number expressions: parentheses, CONCURRENCY, signs
    check_syntax("TRANSFORM HASH PREPARTITION (ROWCOUNT + 1) * 2 - CONCURRENCY / 4 USING t_first")
        .expect("expression parses");
    let e = check_syntax("TRANSFORM PREPARTITION USING t_first").unwrap_err();
    assert_eq!(e.token, "USING");
    let e = check_syntax("TRANSFORM HASH USING t_first").unwrap_err();
    assert_eq!(e.token, "USING");
    Ok(())
}

fn fugue_sql_transform_options(
    spec: fugue_core::PartitionSpec,
) -> Result<fugue_workflow::TransformOptions> {
    fugue_workflow::TransformOptions::from(()).partition(spec)
}

/// Reserved words are not SQL names; quoted they are (FSQL-LEX-6; beyond
/// the suite case of FSQL-EX-11: the quoted `rand`).
#[test]
fn reserved_function_names_in_sql_need_quotes() {
    let e = check_syntax("a = CREATE [[1]] SCHEMA x:int\nSELECT RAND() AS r FROM a").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (2, 8, "RAND"));
    check_syntax("a = CREATE [[1]] SCHEMA x:int\nSELECT `rand`() AS r FROM a").expect("quoted");
}

/// FSQL-STMT-CKPT-5 (§4.21 example): a deterministic checkpoint with
/// PREPARTITION and SINGLE stores one parquet file on the first run and
/// reuses it.
#[test]
fn deterministic_checkpoint_prepartition_single() -> Result<()> {
    fixtures();
    let s = r#"CREATE USING c_range(n=3) DETERMINISTIC CHECKPOINT "v1" PREPARTITION 1 SINGLE YIELD DATAFRAME AS o"#;
    let dir = tempfile::tempdir().map_err(|e| fugue_core::Error::arg("tempdir", e.to_string()))?;
    let conf =
        serde_json::json!({ "fugue.workflow.checkpoint.path": dir.path().display().to_string() });
    for _ in 0..2 {
        let r = compile(s)?.run_with_conf("native", conf.clone())?;
        assert_eq!(rows(&r, "o")?, vec![vec![l(0)], vec![l(1)], vec![l(2)]]);
    }
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(dir.path())
        .map_err(|e| fugue_core::Error::arg("read_dir", e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].is_file() && files[0].extension().is_some_and(|x| x == "parquet"));
    Ok(())
}

/// FSQL-STMT-OUTTRANSFORM-2 on a ZIP result: an output cotransformer runs
/// once per zip group; a cotransformer is accepted (output discarded);
/// last stays the zip (FSQL-SCOPE-4); a transformer is refused.
#[test]
fn outtransform_with_cotransformers() -> Result<()> {
    fixtures();
    let s = format!(
        "{AB}ZIP a, b FULL OUTER BY k\nOUTTRANSFORM USING oct_groups\n\
         OUTTRANSFORM USING ct_sizes\nTRANSFORM USING ct_sizes YIELD DATAFRAME AS out"
    );
    let dag = compile(&s)?;
    let before = OCT_GROUPS.load(Ordering::SeqCst);
    let r = dag.run("native")?;
    assert_eq!(OCT_GROUPS.load(Ordering::SeqCst) - before, 3);
    assert_eq!(rows(&r, "out")?.len(), 3);
    let e = compile(&format!("{AB}ZIP a, b\nOUTTRANSFORM USING t_frist")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interfaceless, "{e}");
    Ok(())
}

/// FSQL-STMT-ZIP-4, FSQL-DFREF-5: the dict form names the zip members
/// (the list form gives `_0`, `_1`); the forms cannot be mixed.
#[test]
fn zip_dict_form() -> Result<()> {
    fixtures();
    let go = |zip: &str| -> Result<Vec<Vec<Value>>> {
        let s = format!("{AB}{zip}\nTRANSFORM USING ct_names YIELD DATAFRAME AS out");
        rows(&run(&s, "native")?, "out")
    };
    // one call for the single common key group `1`
    assert_eq!(go("ZIP x=a, y:b BY k")?, vec![vec![Value::from("x")], vec![Value::from("y")]]);
    assert_eq!(go("ZIP a, b BY k")?, vec![vec![Value::from("_0")], vec![Value::from("_1")]]);
    let s = format!("{AB}ZIP x=a, y=b BY k\nTRANSFORM USING ct_sizes YIELD DATAFRAME AS out");
    assert_eq!(rows(&run(&s, "native")?, "out")?, vec![vec![l(1), l(2)]]);
    let e = check_syntax("ZIP x=a, b").unwrap_err();
    assert!(e.message.contains("FSQL-DFREF-5"), "{e}");
    let e = check_syntax("ZIP a, x=b").unwrap_err();
    assert!(e.message.contains("FSQL-DFREF-5"), "{e}");
    Ok(())
}

/// A registered creator as a builder argument (for FSQL-RUST-ID-1).
struct Registered(Box<dyn fugue_api::extension::Creator>);

impl fugue_api::extension::Creator for Registered {
    fn identity(&self) -> String {
        self.0.identity()
    }
    fn create(&self, ctx: &ExtensionContext) -> Result<DataFrameRef> {
        self.0.create(ctx)
    }
}

/// FSQL-STMT-CREATE-5, FSQL-RUST-ID-1: CREATE USING is the builder's
/// `create(creator, params)`.
#[test]
fn create_using_identity_equals_the_builder() -> Result<()> {
    fixtures();
    let dag = fugue_sql::FugueWorkflow::new();
    let c = Registered(fugue_api::registry::creator_by_name("c_range")?);
    dag.create(c, serde_json::json!({ "n": 3 }))?;
    assert_eq!(compile("CREATE USING c_range PARAMS n:3")?.spec_uuid(), dag.spec_uuid());
    assert_ne!(compile("CREATE USING c_range")?.spec_uuid(), dag.spec_uuid());
    Ok(())
}
