//! FugueSQL terms inside SQL, dataframe inputs (members, nested tasks, dict
//! form) and SUB modules on the native engine (spec/FUGUESQL.md §2.5,
//! §4.5-4.8, §4.20, §5): what the conformance examples FSQL-EX-31..77 (the
//! suite group `fsql/` of `fugue-test-suite`) do not check.

mod common;

use common::{fixtures, rows, schema};
use fugue_core::{ErrorKind, LocalDataFrame, Result, Value};
use fugue_datafusion as _;
use fugue_native as _;
use fugue_sql::{check_syntax, compile, run};
use fugue_workflow::module::{InputShape, ModuleInput, ModuleOutput, OutputShape, module};

fn ints(v: &[i32]) -> Vec<Vec<Value>> {
    v.iter().map(|x| vec![Value::from(*x)]).collect()
}

/// Beyond the suite case of FSQL-EX-31: unknown tables pass through with no
/// input; a member on a name that is not a collection variable is ERR-FSQL
/// at compile and the message names the reference `nope[0]`
/// (FSQL-STMT-SELECT-5).
#[test]
fn unknown_tables_pass_through_and_bad_member_is_named() -> Result<()> {
    let dag = compile("a = CREATE [[1]] SCHEMA x:int\nSELECT * FROM nope")?;
    let ex = dag.explain();
    let select = ex.lines().find(|l| l.contains("SELECT * FROM nope")).unwrap_or_default();
    assert!(!select.contains("<-"), "the select node has no inputs: {ex}");
    assert!(dag.run("native").is_err());
    let e = compile("a = CREATE [[1]] SCHEMA x:int\nSELECT * FROM nope[0]").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    assert!(e.to_string().contains("nope[0]"), "{e}");
    Ok(())
}

/// Beyond the suite case of FSQL-EX-35: a parenthesised term in FROM
/// replaces the parentheses and gets no automatic alias (the select's text,
/// FSQL-STMT-SELECT-8); in an expression subquery it becomes
/// `(SELECT * FROM <frame>)`.
#[test]
fn nested_term_text_in_from_and_in_subquery() -> Result<()> {
    let s = "a = CREATE [[1,\"x\"],[3,\"y\"],[2,\"z\"]] SCHEMA k:int,v:str\n\
             SELECT v FROM (TAKE 1 ROW FROM a PRESORT k DESC) YIELD DATAFRAME AS out";
    let dag = compile(s)?;
    assert!(dag.explain().contains("select SELECT v FROM <_0> <- _1"), "{}", dag.explain());
    let r = dag.run("native")?;
    assert_eq!(schema(&r, "out")?, "v:str");
    assert_eq!(rows(&r, "out")?, vec![vec![Value::from("y")]]);
    let s = "a = CREATE [[1],[3],[2]] SCHEMA k:int\n\
             SELECT k FROM a WHERE k IN (TAKE 1 ROW FROM a PRESORT k DESC) YIELD DATAFRAME AS out";
    let dag = compile(s)?;
    assert!(dag.explain().contains("WHERE k IN (SELECT * FROM <_1> )"), "{}", dag.explain());
    assert_eq!(rows(&dag.run("native")?, "out")?, ints(&[3]));
    Ok(())
}

/// Parenthesised operands and a tail before a set operator are syntax
/// errors (FSQL-STMT-SELECT-10; the suite case of FSQL-EX-38 checks these
/// two); beyond it, FSQL-STMT-SELECT-8: no assignment or suffix on a term
/// inside SQL, and FSQL-STMT-SUB-3: SUB is no operand.
#[test]
fn rejected_set_operation_and_term_shapes() {
    let e = check_syntax("(SELECT * FROM a) UNION (SELECT * FROM b)").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 1, "("));
    let e = check_syntax("SELECT * FROM a LIMIT 2 UNION SELECT * FROM b").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 25, "UNION"));
    // FSQL-STMT-SELECT-8: no assignment or suffix on a term inside SQL;
    // FSQL-STMT-SUB-3: SUB is no operand.
    let e = check_syntax("SELECT * FROM (x = TAKE 1 ROW FROM a)").unwrap_err();
    assert_eq!((e.column, e.token.as_str()), (18, "="));
    let e = check_syntax("SELECT * FROM (TAKE 1 ROW FROM a PERSIST)").unwrap_err();
    assert_eq!(e.token, "PERSIST");
    let e = check_syntax("SELECT * FROM a UNION ALL SUB a USING m_split").unwrap_err();
    assert_eq!((e.column, e.token.as_str()), (27, "SUB"));
}

/// A term with a query tail becomes `SELECT * FROM <term> ...`
/// (FSQL-STMT-SELECT-13); `FROM a SELECT x` is ERR-FSQL saying "not
/// supported" (FSQL-STMT-SELECT-12), so are `TABLE t`, `VALUES ...` and a
/// parenthesised CONNECT (FSQL-STMT-SELECT-9); beyond the suite case of
/// FSQL-EX-41: the message and the other forms.
#[test]
fn query_tail_on_term_and_unsupported_select_forms() -> Result<()> {
    let r =
        run("CREATE [[2],[1]] SCHEMA a:int ORDER BY a LIMIT 1 YIELD DATAFRAME AS out", "native")?;
    assert_eq!(schema(&r, "out")?, "a:int");
    assert_eq!(rows(&r, "out")?, ints(&[1]));
    let e = compile("a = CREATE [[1]] SCHEMA x:int\nFROM a SELECT x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    assert!(e.to_string().contains("not supported"), "{e}");
    // the other forms of FSQL-STMT-SELECT-12, and FSQL-STMT-SELECT-9
    for bad in ["TABLE a", "VALUES (1), (2)", "SELECT * FROM (CONNECT duckdb SELECT 1 AS x)"] {
        let e = compile(&format!("a = CREATE [[1]] SCHEMA x:int\n{bad}")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Fsql, "{bad}: {e}");
    }
    Ok(())
}

/// TRANSFORM of two inputs parses and is ERR-FSQL naming "exactly one"
/// (FSQL-STMT-TRANSFORM-2; beyond the suite case of FSQL-EX-47: the parse
/// and the message).
#[test]
fn transform_of_two_inputs_parses_and_needs_exactly_one() {
    let s = "a = CREATE [[1]] SCHEMA a:long\nb = CREATE [[2]] SCHEMA a:long\n\
             TRANSFORM a, b USING t_first";
    assert!(check_syntax(s).is_ok());
    let e = compile(s).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    assert!(e.to_string().contains("exactly one"), "{e}");
}

/// SUB with a collection result; members by key and by index in SQL (with
/// the automatic alias) and in FugueSQL positions; a collection without a
/// member, a member of a single frame and unknown keys or indexes are
/// ERR-FSQL; a collection result leaves last unchanged (FSQL-STMT-SUB-1/2,
/// FSQL-DFREF-3, FSQL-STMT-SELECT-6, FSQL-SCOPE-4; beyond the suite case of
/// FSQL-EX-72).
#[test]
fn sub_collection_members_and_errors() -> Result<()> {
    fixtures();
    let head = "a = CREATE [[1],[2],[3]] SCHEMA a:int\nparts = SUB a USING m_split\n";
    let r = run(&format!("{head}SELECT * FROM parts[hi] YIELD DATAFRAME AS out"), "native")?;
    assert_eq!(schema(&r, "out")?, "a:int");
    assert_eq!(rows(&r, "out")?, ints(&[2, 3]));
    let r = run(&format!("{head}SELECT * FROM parts[lo] AS l YIELD DATAFRAME AS out"), "native")?;
    assert_eq!(rows(&r, "out")?, ints(&[1]));
    // automatic alias `parts`, index form, member in a FugueSQL position
    let r = run(
        &format!(
            "{head}SELECT parts.a FROM parts[1] YIELD DATAFRAME AS x\n\
             TAKE 5 ROWS FROM parts[lo] YIELD DATAFRAME AS y"
        ),
        "native",
    )?;
    assert_eq!(rows(&r, "x")?, ints(&[2, 3]));
    assert_eq!(rows(&r, "y")?, ints(&[1]));
    for bad in ["PRINT parts", "PRINT a[0]", "PRINT parts[mid]", "PRINT parts[2]"] {
        let e = compile(&format!("{head}{bad}")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Fsql, "{bad}: {e}");
    }
    // a collection result leaves last unchanged (FSQL-SCOPE-4)
    let r = run(&format!("{head}SELECT COUNT(*) AS n YIELD DATAFRAME AS n"), "native")?;
    assert_eq!(rows(&r, "n")?, vec![vec![Value::from(3i64)]]);
    Ok(())
}

/// FSQL-STMT-SUB-1..3: a one-frame module produces last and takes params
/// and rejects two frames; a several-frame module gets list keys or dict
/// names;
/// a module without inputs rejects given frames and cannot be assigned
/// when it returns nothing; SUB cannot be nested or suffixed; unknown
/// names are ERR-WF-INTERFACELESS with close names (FSQL-RUST-REG-5).
#[test]
fn sub_shapes_and_errors() -> Result<()> {
    fixtures();
    let s = "CREATE [[3],[1],[2]] SCHEMA a:int\nSUB USING m_first (n=2)\n\
             SELECT * YIELD DATAFRAME AS out";
    assert_eq!(rows(&run(s, "native")?, "out")?, ints(&[1, 2]));
    let e = compile("SUB USING m_split").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "no last to take: {e}");
    let s = "a = CREATE [[1]] SCHEMA a:int\nb = CREATE [[2]] SCHEMA a:int\n\
             SUB a, b USING m_keys\nSELECT * YIELD DATAFRAME AS l\n\
             SUB p=a, q:b USING m_keys\nSELECT * YIELD DATAFRAME AS d";
    let r = run(s, "native")?;
    let keys = |v: &[&str]| v.iter().map(|x| vec![Value::from(*x)]).collect::<Vec<_>>();
    assert_eq!(rows(&r, "l")?, keys(&["_0", "_1"]));
    assert_eq!(rows(&r, "d")?, keys(&["p", "q"]));
    let e = compile("a = CREATE [[1]] SCHEMA a:int\nSUB a, a USING m_first").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "one frame only: {e}");
    compile("SUB USING m_none")?;
    let e = compile("a = CREATE [[1]] SCHEMA a:int\nSUB a USING m_none").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    let e = compile("x = SUB USING m_none").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    let e = compile("a = CREATE [[1]] SCHEMA a:int\nSUB a USING m_splt").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interfaceless, "{e}");
    assert!(e.to_string().contains("did you mean `m_split`"), "{e}");
    assert!(check_syntax("TRANSFORM (SUB USING m_none) USING t_first").is_err());
    assert!(check_syntax("x = SUB USING m_first PERSIST").is_err());
    Ok(())
}

/// Assignments inside a nested task stay local: the outer reference is
/// ERR-FSQL saying "not defined" (FSQL-SCOPE-6; beyond the suite case of
/// FSQL-EX-73: the message).
#[test]
fn nested_assignment_is_not_defined_outside() {
    fixtures();
    let e =
        compile("TRANSFORM (x = CREATE [[1]] SCHEMA a:long) USING t_first\nPRINT x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    assert!(e.to_string().contains("not defined"), "{e}");
}

/// The nested task's node comes first and is the input of the outer node;
/// the assigned, yielded result runs (FSQL-GEN-6; beyond the suite case of
/// FSQL-EX-77: the input edge, the yield and the run).
#[test]
fn nested_task_node_first_and_input_of_the_outer() -> Result<()> {
    fixtures();
    let dag = compile("x = TRANSFORM (CREATE [[1]] SCHEMA a:long) USING t_first YIELD DATAFRAME")?;
    let ex = dag.explain();
    let lines: Vec<&str> = ex.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{ex}");
    assert!(lines[0].starts_with("_0 [create]"), "{ex}");
    assert!(lines[1].starts_with("_1 [process]") && lines[1].contains("<- _0"), "{ex}");
    assert_eq!(dag.get_yield("x")?.name(), "x");
    assert_eq!(rows(&dag.run("native")?, "x")?, vec![vec![Value::from(1i64)]]);
    Ok(())
}

/// FSQL-DFREF-4, FSQL-STMT-JOIN-1: a parenthesised SELECT as a FugueSQL
/// input (with an assignment and a suffix, local to it), terms as join
/// operands and in a relation list.
#[test]
fn nested_tasks_as_inputs_and_join_operands() -> Result<()> {
    fixtures();
    let s = "a = CREATE [[1,\"x\"],[2,\"y\"]] SCHEMA k:int,v:str\n\
             TAKE 1 ROW FROM (t = SELECT * FROM a WHERE k > 1 PERSIST) YIELD DATAFRAME AS one\n\
             SELECT a.v, j.w FROM a INNER JOIN (CREATE [[2,10]] SCHEMA k:int,w:int) AS j \
             ON a.k = j.k YIELD DATAFRAME AS joined\n\
             SELECT COUNT(*) AS n FROM a, (TAKE 1 ROW FROM a) YIELD DATAFRAME AS n";
    let r = run(s, "native")?;
    assert_eq!(rows(&r, "one")?, vec![vec![Value::from(2), Value::from("y")]]);
    assert_eq!(rows(&r, "joined")?, vec![vec![Value::from("y"), Value::from(10)]]);
    assert_eq!(rows(&r, "n")?, vec![vec![Value::from(2i64)]]);
    let e = compile(&format!("{s}\nPRINT t")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    let e = compile("a = CREATE [[1]] SCHEMA k:int\nPRINT (SELECT * FROM a), a[0]").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "a[0] of a single frame: {e}");
    compile("a = CREATE [[1]] SCHEMA k:int\nPRINT (SELECT * FROM a), a TITLE \"t\"")?;
    let e = check_syntax("TAKE 1 ROW FROM (PRINT a)").unwrap_err();
    assert_eq!(e.token, "PRINT");
    Ok(())
}

/// `m_count` (link time, [`fugue_workflow::register_module!`]): a
/// collection in, one frame out: one row per member with its key.
fn m_count() -> fugue_workflow::module::FnModule {
    module(InputShape::Collection, OutputShape::One, |dag, input, _params| {
        let ModuleInput::Collection(fs) = input else {
            return Err(fugue_core::Error::arg("m_count", "a collection expected"));
        };
        let rows = fs.iter().into_iter().map(|(k, _)| vec![Value::from(k)]).collect();
        Ok(ModuleOutput::One(dag.df(LocalDataFrame::from_rows(rows, "key:str")?)?))
    })
}

fugue_workflow::register_module!("m_count", m_count);

/// FSQL-STMT-SUB-1 (collection input), FSQL-RUST-REG-1 (link-time module
/// registration): a collection variable is passed whole, a list of frames
/// as a list, a dict form as a dict.
#[test]
fn sub_collection_input_and_link_time_module() -> Result<()> {
    fixtures();
    let s = "a = CREATE [[1],[2],[3]] SCHEMA a:int\nparts = SUB a USING m_split\n\
             w = SUB parts USING m_count\nSELECT * FROM w YIELD DATAFRAME AS w\n\
             l = SUB a, parts[lo] USING m_count\nSELECT * FROM l YIELD DATAFRAME AS l\n\
             SUB x=a, y:parts[hi] USING m_count\nSELECT * YIELD DATAFRAME AS d";
    let r = run(s, "native")?;
    let keys = |v: &[&str]| v.iter().map(|x| vec![Value::from(*x)]).collect::<Vec<_>>();
    assert_eq!(rows(&r, "w")?, keys(&["hi", "lo"]));
    assert_eq!(rows(&r, "l")?, keys(&["_0", "_1"]));
    assert_eq!(rows(&r, "d")?, keys(&["x", "y"]));
    assert!(fugue_workflow::module::registered_modules().contains(&"m_count".to_string()));
    Ok(())
}
