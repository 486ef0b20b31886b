//! The FugueSQL builder API (spec/FUGUESQL.md §6.1 FSQL-API), templates
//! (§2.7 FSQL-TPL) and dataframe bindings (§5 FSQL-SCOPE-2/3/8/9/10) on the
//! native engine: what the conformance examples (the suite group `fsql/`
//! of `fugue-test-suite`) do not check.

use fugue_api::api;
use fugue_core::{DataFrame, DataFrameRef, ErrorKind, LocalDataFrame, Result, Value};
use fugue_datafusion as _;
use fugue_native as _;
use fugue_sql::{FugueSqlWorkflow, FugueWorkflow, fsql};
use serde_json::json;

fn frame(values: &[i64], schema: &str) -> LocalDataFrame {
    let rows = values.iter().map(|v| vec![Value::from(*v)]).collect();
    LocalDataFrame::from_rows(rows, schema).expect("fixture frame")
}

/// Rows as text, sorted (multiset comparison, ENG-GEN-8).
fn rows(df: DataFrameRef) -> Result<Vec<String>> {
    let mut out: Vec<String> = api::as_local(df)?
        .rows()?
        .iter()
        .map(|r| r.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(","))
        .collect();
    out.sort();
    Ok(out)
}

fn ints(values: &[i64], ty: &str) -> Vec<String> {
    let mut v: Vec<String> = values
        .iter()
        .map(|x| match ty {
            "int" => format!("{:?}", Value::from(*x as i32)),
            _ => format!("{:?}", Value::from(*x)),
        })
        .collect();
    v.sort();
    v
}

fn schema(df: &DataFrameRef) -> Result<String> {
    Ok(api::as_local(df.clone())?.schema().to_string())
}

/// A template value and a dataframe binding; without the value
/// ERR-FSQL-TEMPLATE (strict, FSQL-TPL-6), a kind of ERR-FSQL, naming the
/// value and its position (FSQL-TPL-1/3, FSQL-API-3; beyond the suite case
/// of FSQL-EX-12: the schema, `is_a`, the message).
#[test]
fn template_value_and_missing_value_error() -> Result<()> {
    let out = fsql("SELECT * FROM t WHERE a > {{x}}")
        .param("x", 0)
        .dataframe("t", frame(&[0, 1, 2], "a:long"))
        .run_last("native")?;
    assert_eq!(schema(&out)?, "a:long");
    assert_eq!(rows(out)?, ints(&[1, 2], "long"));
    let e = fsql("SELECT * FROM t WHERE a > {{x}}")
        .dataframe("t", frame(&[0, 1, 2], "a:long"))
        .compile()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::FsqlTemplate, "{e}");
    assert!(e.kind().is_a(ErrorKind::Fsql));
    assert!(e.to_string().contains("line 1, column 29"), "{e}");
    assert!(e.to_string().contains("`x`"), "{e}");
    Ok(())
}

/// Brace-only strings are literal, also when the script is rendered for
/// other reasons; other strings substitute (FSQL-TPL-5; beyond the suite
/// case of FSQL-EX-13: the rendered script).
#[test]
fn template_like_strings_survive_rendering() -> Result<()> {
    let s = "CREATE [[\"{%\"],[\"x\"]] SCHEMA a:str\nSELECT * WHERE a LIKE '{%'";
    let out = fsql(s).run_last("native")?;
    assert_eq!(rows(out)?, vec![format!("{:?}", Value::from("{%"))]);
    let s = "CREATE [[\"{%\"],[\"x\"],[\"y}\"]] SCHEMA a:str\n\
             SELECT * WHERE a LIKE '{%' OR a = '{{v}}' OR a = '{{v}}}'";
    let out = fsql(s).param("v", "y").run_last("native")?;
    let mut want = vec![format!("{:?}", Value::from("{%")), format!("{:?}", Value::from("y}"))];
    want.sort();
    assert_eq!(rows(out)?, want);
    Ok(())
}

/// FSQL-TPL-4: booleans render as `true`/`false` (valid JSON in CREATE),
/// floats keep their fraction; `.params` binds several values; FSQL-TPL-3:
/// substitution is textual, the quotes are in the script.
#[test]
fn fsql_tpl_4_value_rendering() -> Result<()> {
    let s = "CREATE [[{{b}}, {{f}}, '{{s}}']] SCHEMA a:bool,b:double,c:str";
    let out = fsql(s).params([("b", json!(false)), ("f", json!(1.0)), ("s", json!("x"))]);
    let out = out.run_last("native")?;
    let want = format!("{:?},{:?},{:?}", Value::from(false), Value::from(1.0f64), Value::from("x"));
    assert_eq!(rows(out)?, vec![want]);
    Ok(())
}

/// FSQL-TPL-6: a template syntax error is ERR-FSQL-TEMPLATE with its line;
/// FSQL-TPL-7: `{#` in a string is a comment opener (needs `{% raw %}`),
/// while single braces never trigger rendering.
#[test]
fn fsql_tpl_6_7_errors_and_markers() -> Result<()> {
    let e = fsql("CREATE [[1]] SCHEMA a:int\nSELECT * WHERE a > {% if %}").compile().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::FsqlTemplate, "{e}");
    assert!(e.to_string().contains("line 2"), "{e}");
    let e = fsql("CREATE [[\"{#\"]] SCHEMA a:str").compile().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::FsqlTemplate, "{e}");
    let out = fsql("CREATE [[\"{% raw %}{#{% endraw %}\"]] SCHEMA a:str").run_last("native")?;
    assert_eq!(rows(out)?, vec![format!("{:?}", Value::from("{#"))]);
    // No markers: not rendered, so an unbound name in braces is harmless.
    let out = fsql("CREATE [[{x:1}]] SCHEMA d:{x:int}").run_last("native")?;
    assert_eq!(schema(&out)?, "d:{x:int}");
    Ok(())
}

/// FSQL-TPL-8: syntax-error positions refer to the rendered text.
#[test]
fn fsql_tpl_8_positions_in_rendered_text() {
    let e = fsql("CREATE [[{{v}}]] SCHEMA a:int;").param("v", 123_456).compile().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::FsqlSyntax, "{e}");
    // Rendered: `CREATE [[123456]] SCHEMA a:int;` has `;` at column 31.
    assert!(e.to_string().contains("line 1, column 31"), "{e}");
}

/// FSQL-SCOPE-8: a binding is created once, at its first reference, and
/// reused by later references in SQL and FugueSQL positions.
#[test]
fn bindings_are_created_once_and_reused() -> Result<()> {
    let s = "SELECT * FROM y UNION ALL SELECT * FROM x\n\
             TAKE 1 ROW FROM x PRESORT a\n\
             SELECT * FROM y";
    let wf = fsql(s)
        .dataframe("x", frame(&[1], "a:long"))
        .dataframe("y", frame(&[2, 3], "a:long"))
        .compile()?;
    // y, x, the union, TAKE, the last select.
    assert_eq!(wf.len(), 5);
    let out = fsql(s)
        .dataframe("x", frame(&[1], "a:long"))
        .dataframe("y", frame(&[2, 3], "a:long"))
        .run_last("native")?;
    assert_eq!(rows(out)?, ints(&[2, 3], "long"));
    Ok(())
}

/// A file yield of one run bound into a new script; a dataframe yield too
/// (FSQL-STMT-YIELD-3, FSQL-SCOPE-9; beyond the suite case of FSQL-EX-70:
/// the dataframe yield).
#[test]
fn file_and_dataframe_yields_bound_into_new_scripts() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| fugue_core::Error::io("tempdir", e))?;
    let conf = json!({"fugue.workflow.checkpoint.path": dir.path().to_string_lossy()});
    let first = fsql(
        "CREATE [[1]] SCHEMA a:int DETERMINISTIC CHECKPOINT \"v1\" YIELD FILE AS f\n\
         CREATE [[2]] SCHEMA a:int YIELD DATAFRAME AS d",
    )
    .compile()?;
    first.run_with_conf("native", conf.clone())?;
    let out = fsql("SELECT * FROM f").dataframe("f", first.get_yield("f")?).run_last("native")?;
    assert_eq!(schema(&out)?, "a:int");
    assert_eq!(rows(out)?, ints(&[1], "int"));
    let out = fsql("SELECT * FROM f UNION ALL SELECT * FROM d")
        .dataframe("f", first.get_yield("f")?)
        .dataframe("d", first.get_yield("d")?)
        .run_last("native")?;
    assert_eq!(rows(out)?, ints(&[1, 2], "int"));
    Ok(())
}

/// Variables are retained across scripts on one workflow (listed by
/// `variable_names`), last is not: exactly ERR-FSQL (FSQL-SCOPE-2/10,
/// FSQL-API-1; beyond the suite case of FSQL-EX-74: the variable names, the
/// schema, the exact kind).
#[test]
fn variables_retained_across_scripts_last_is_not() -> Result<()> {
    let dag = FugueSqlWorkflow::new();
    dag.sql("b = CREATE [[0]] SCHEMA a:int").compile()?;
    assert_eq!(dag.variable_names(), vec!["b".to_string()]);
    let out = dag.sql("SELECT * FROM b").run_last("native")?;
    assert_eq!(schema(&out)?, "a:int");
    assert_eq!(rows(out)?, ints(&[0], "int"));
    let e = dag.sql("PRINT").compile().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    Ok(())
}

/// FSQL-SCOPE-2: a binding overrides a retained variable of the same name.
#[test]
fn binding_overrides_retained_variable() -> Result<()> {
    let dag = FugueSqlWorkflow::new();
    dag.sql("b = CREATE [[0]] SCHEMA a:long").compile()?;
    let out =
        dag.sql("SELECT * FROM b").dataframe("b", frame(&[7], "a:long")).run_last("native")?;
    assert_eq!(rows(out)?, ints(&[7], "long"));
    Ok(())
}

/// A handle of another workflow is ERR-FSQL naming "another workflow"; a
/// handle of the same workflow is used as is, adding no node (FSQL-SCOPE-8,
/// FSQL-API-2; beyond the suite case of FSQL-EX-76: the message, the same
/// workflow).
#[test]
fn handles_of_another_or_the_same_workflow() -> Result<()> {
    let other = FugueWorkflow::new();
    let h = other.df(frame(&[1], "a:long"))?;
    let e = fsql("PRINT h").dataframe("h", &h).compile().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    assert!(e.to_string().contains("another workflow"), "{e}");

    let dag = FugueSqlWorkflow::new();
    let h = dag.df(frame(&[1, 2], "a:long"))?;
    let out = dag.sql("SELECT * FROM h WHERE a > 1").dataframe("h", &h).run_last("native")?;
    assert_eq!(dag.len(), 2);
    assert_eq!(rows(out)?, ints(&[2], "long"));
    Ok(())
}

/// FSQL-API-3: no last → ERR-FSQL; a script yield named `result` is
/// replaced by the final last; `run` returns every yield.
#[test]
fn run_last_and_run() -> Result<()> {
    let e = fsql("PRINT t").dataframe("t", frame(&[1], "a:long")).run_last("native").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    let s = "CREATE [[1]] SCHEMA a:int YIELD DATAFRAME AS result\nCREATE [[2]] SCHEMA a:int";
    assert_eq!(rows(fsql(s).run_last("native")?)?, ints(&[2], "int"));
    let r = fsql(
        "CREATE [[1]] SCHEMA a:int YIELD DATAFRAME AS x\nSELECT a + 1 AS a YIELD DATAFRAME AS y",
    )
    .run("native")?;
    assert_eq!(r.names().collect::<Vec<_>>(), vec!["x", "y"]);
    Ok(())
}

/// FSQL-API-1: `.conf` sets the new workflow's compile conf; a builder bound
/// to an existing workflow cannot change it (ERR-ARG).
#[test]
fn compile_conf() -> Result<()> {
    let wf = fsql("CREATE [[1]] SCHEMA a:int").conf("fugue.workflow.concurrency", 2).compile()?;
    assert_eq!(wf.conf().get("fugue.workflow.concurrency", 1i64)?, 2);
    let e = wf.sql("CREATE [[1]] SCHEMA a:int").conf("x", 1).compile().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    Ok(())
}

/// `is_single_select`: one SELECT without FugueSQL clauses only.
#[test]
fn single_select_detection() {
    assert!(fugue_sql::is_single_select("SELECT a FROM t WHERE a > 1"));
    assert!(fugue_sql::is_single_select("SELECT a, COUNT(*) AS n FROM t GROUP BY a"));
    assert!(!fugue_sql::is_single_select("x = SELECT a FROM t"));
    assert!(!fugue_sql::is_single_select("SELECT a FROM t YIELD DATAFRAME AS y"));
    assert!(!fugue_sql::is_single_select("SELECT a FROM t\nTAKE 1 ROW"));
    assert!(!fugue_sql::is_single_select("TAKE 1 ROW FROM t"));
    assert!(!fugue_sql::is_single_select("SELECT a FROM t;"));
}

/// FSQL-SCOPE-8: Arrow data binds through `Binding::data` (a Create node at
/// its first reference).
#[test]
fn arrow_data_binding() -> Result<()> {
    use fugue_core::arrow::array::Int64Array;
    use fugue_core::arrow::datatypes::{DataType, Field, Schema};
    use fugue_core::arrow::record_batch::RecordBatch;
    use std::sync::Arc;
    let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true)]));
    let batch = RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(vec![1, 2, 3]))])
        .map_err(|e| fugue_core::Error::internal(e.to_string()))?;
    let b = fugue_sql::Binding::data(batch);
    let wf = fsql("SELECT * FROM t WHERE a >= 2").dataframe("t", b.clone()).compile()?;
    assert_eq!(wf.len(), 2);
    let out = fsql("SELECT * FROM t WHERE a >= 2").dataframe("t", b).run_last("native")?;
    assert_eq!(rows(out)?, ints(&[2, 3], "long"));
    Ok(())
}

/// FSQL-API-2, FSQL-SCOPE-10: builder calls and scripts mix on one
/// workflow: a retained variable used by builder code, the result bound back
/// into a later script as a handle of the same workflow.
#[test]
fn builder_calls_and_scripts_mix() -> Result<()> {
    let dag = FugueSqlWorkflow::new();
    dag.sql("b = CREATE [[1],[1],[2]] SCHEMA a:int").compile()?;
    let b = dag.variable("b").ok_or_else(|| fugue_core::Error::internal("b is retained"))?;
    let c = b.distinct()?;
    let before = dag.len();
    let out = dag.sql("SELECT * FROM c WHERE a > 1").dataframe("c", &c).run_last("native")?;
    assert_eq!(dag.len(), before + 1, "the handle adds no node");
    assert_eq!(rows(out)?, ints(&[2], "int"));
    Ok(())
}

/// FSQL-SCOPE-8 with child scopes (FSQL-SCOPE-6): a binding first
/// referenced inside a term in SQL gets one node, which the outer query
/// reuses.
#[test]
fn bindings_in_child_scopes_are_created_once() -> Result<()> {
    let s = "SELECT a FROM (TAKE 1 ROW FROM t PRESORT a DESC) UNION ALL SELECT a FROM t";
    let wf = fsql(s).dataframe("t", frame(&[1, 2], "a:long")).compile()?;
    // t, the TAKE, the select.
    assert_eq!(wf.len(), 3);
    let out = fsql(s).dataframe("t", frame(&[1, 2], "a:long")).run_last("native")?;
    assert_eq!(rows(out)?, ints(&[1, 2, 2], "long"));
    Ok(())
}
