//! FugueSQL terms inside SQL, dataframe inputs (members, nested tasks, dict
//! form) and SUB modules on the native engine (spec/FUGUESQL.md §2.5,
//! §4.5-4.8, §4.20, §5; FSQL-EX-31..77).

use std::sync::{Mutex, Once, PoisonError};

use fugue_api::api;
use fugue_core::conf::OnDup;
use fugue_core::{DataFrame, ErrorKind, LocalDataFrame, Result, Value};
use fugue_datafusion as _;
use fugue_native as _;
use fugue_sql::{WorkflowResult, check_syntax, compile, run};
use fugue_workflow::SqlPiece;
use fugue_workflow::module::{
    InputShape, ModuleInput, ModuleOutput, OutputShape, WorkflowFrames, module, register_module,
};

/// What `o_count` saw: (input key, row count) per input.
static O_COUNT_LOG: Mutex<Vec<(String, usize)>> = Mutex::new(Vec::new());

/// The fixtures of FSQL-EX §7.1 used here: `t_first`, `p_union`,
/// `p_names`, `o_count`, `m_split`, plus `m_first` (one frame in, one
/// out) and `m_none` (nothing in, nothing out).
fn fixtures() {
    use fugue_api::extension::ExtensionContext;
    use fugue_core::{DataFrameRef, DataFrames};
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let t = fugue_api::extension::closure::transformer(|d: LocalDataFrame| d.slice(0, 1))
            .schema("*");
        fugue_api::registry::register_transformer("t_first", t, OnDup::Overwrite)
            .expect("register t_first");
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
                    let schema =
                        schema.ok_or_else(|| fugue_core::Error::arg("p_union", "no input"))?;
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
        let split = module(InputShape::One, OutputShape::Collection, |dag, input, _params| {
            let ModuleInput::One(df) = input else {
                return Err(fugue_core::Error::arg("m_split", "one frame expected"));
            };
            let part = |cond: &str| {
                dag.select(vec![
                    SqlPiece::from("SELECT * FROM"),
                    SqlPiece::from(&df),
                    SqlPiece::Text(format!("WHERE {cond}")),
                ])
            };
            let mut m = indexmap::IndexMap::new();
            m.insert("lo".to_string(), part("a < 2")?);
            m.insert("hi".to_string(), part("a >= 2")?);
            Ok(ModuleOutput::Collection(WorkflowFrames::Dict(m)))
        });
        register_module("m_split", split, OnDup::Overwrite).expect("register m_split");
        let first = module(InputShape::One, OutputShape::One, |_dag, input, params| {
            let ModuleInput::One(df) = input else {
                return Err(fugue_core::Error::arg("m_first", "one frame expected"));
            };
            let n = params.get::<i64>("n", 1)?;
            let n = usize::try_from(n).map_err(|_| fugue_core::Error::arg("n", "negative"))?;
            Ok(ModuleOutput::One(df.take(n, "a", fugue_core::engine::NaPosition::Last)?))
        });
        register_module("m_first", first, OnDup::Overwrite).expect("register m_first");
        let none = module(InputShape::None, OutputShape::None, |_dag, _input, _params| {
            Ok(ModuleOutput::None)
        });
        register_module("m_none", none, OnDup::Overwrite).expect("register m_none");
        // several frames in (list: positional keys, dict: names), one out:
        // the keys it received, in order, one row each
        let keys = module(InputShape::Several, OutputShape::One, |dag, input, _params| {
            let ModuleInput::Several(fs) = input else {
                return Err(fugue_core::Error::arg("m_keys", "several frames expected"));
            };
            let rows = fs.iter().into_iter().map(|(k, _)| vec![Value::from(k)]).collect();
            Ok(ModuleOutput::One(dag.df(LocalDataFrame::from_rows(rows, "key:str")?)?))
        });
        register_module("m_keys", keys, OnDup::Overwrite).expect("register m_keys");
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

fn ints(v: &[i32]) -> Vec<Vec<Value>> {
    v.iter().map(|x| vec![Value::from(*x)]).collect()
}

/// FSQL-EX-31: unknown tables pass through with no input; a member on a
/// name that is not a collection variable is ERR-FSQL at compile
/// (FSQL-STMT-SELECT-5).
#[test]
fn fsql_ex_31_unknown_tables_and_members() -> Result<()> {
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

/// FSQL-EX-33: FugueSQL terms as set-operation operands, compiled as
/// `SELECT * FROM <term>` (FSQL-STMT-SETOP-2, FSQL-RUST-TEXT-1).
#[test]
fn fsql_ex_33_terms_as_operands() -> Result<()> {
    let s = "CREATE [[1]] SCHEMA x:int UNION ALL CREATE [[1]] SCHEMA x:int YIELD DATAFRAME AS out";
    let dag = compile(s)?;
    let ex = dag.explain();
    assert!(
        ex.contains("select SELECT * FROM <_0> UNION ALL SELECT * FROM <_1> <- _0, _1"),
        "{ex}"
    );
    let r = dag.run("native")?;
    assert_eq!(schema(&r, "out")?, "x:int");
    assert_eq!(rows(&r, "out")?, ints(&[1, 1]));
    Ok(())
}

/// FSQL-EX-34: term operands read the same last (FSQL-SCOPE-6).
#[test]
fn fsql_ex_34_operands_share_last() -> Result<()> {
    let s = "CREATE [[1],[2]] SCHEMA x:int\n\
             TAKE 1 ROW PRESORT x UNION ALL TAKE 1 ROW PRESORT x DESC YIELD DATAFRAME AS out";
    let r = run(s, "native")?;
    assert_eq!(rows(&r, "out")?, ints(&[1, 2]));
    Ok(())
}

/// FSQL-EX-35: a parenthesised term in FROM replaces the parentheses and
/// gets no automatic alias (FSQL-STMT-SELECT-8); in an expression subquery
/// it becomes `(SELECT * FROM <frame>)`.
#[test]
fn fsql_ex_35_nested_term_in_from() -> Result<()> {
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

/// FSQL-EX-36: statement boundaries (FSQL-RUST-SPLIT): five statements,
/// five nodes.
#[test]
fn fsql_ex_36_statement_boundaries() -> Result<()> {
    let s = "a = CREATE [[1],[2],[3]] SCHEMA x:int\n\
             SELECT x FROM a WHERE x > 1\n\
             b = SELECT x FROM a WHERE x < 3\n\
             SELECT * FROM b TAKE 1 ROW PRESORT x DESC YIELD DATAFRAME AS out";
    let dag = compile(s)?;
    assert_eq!(dag.len(), 5, "{}", dag.explain());
    assert_eq!(rows(&dag.run("native")?, "out")?, ints(&[2]));
    Ok(())
}

/// FSQL-EX-37: the FROM-less block inside an expression subquery reads
/// last (FSQL-STMT-SELECT-7); canonical text without a space after `(`
/// (FSQL-RUST-TEXT-1). The node label joins the parts with spaces, so the
/// parts `["SELECT * FROM", <a>, "AS a WHERE x IN (SELECT 2 FROM", <e>,
/// ")"]` show as below.
#[test]
fn fsql_ex_37_implicit_from_in_subquery() -> Result<()> {
    let s = "a = CREATE [[1],[2]] SCHEMA x:int\ne = CREATE [] SCHEMA y:int\n\
             SELECT * FROM a WHERE x IN (SELECT 2) YIELD DATAFRAME AS out";
    let dag = compile(s)?;
    assert!(
        dag.explain()
            .contains("select SELECT * FROM <_0> AS a WHERE x IN (SELECT 2 FROM <_1> ) <- _0, _1"),
        "{}",
        dag.explain()
    );
    assert!(rows(&dag.run("native")?, "out")?.is_empty());
    Ok(())
}

/// FSQL-EX-38: parenthesised operands and a tail before a set operator are
/// syntax errors (FSQL-STMT-SELECT-10). The spec gives 1:31 for the second
/// case but names the token `UNION`, which starts at column 25; the test
/// follows the token. Also FSQL-STMT-SELECT-8 and FSQL-STMT-SUB-3 shapes.
#[test]
fn fsql_ex_38_rejected_shapes() {
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

/// FSQL-EX-41: a term with a query tail becomes `SELECT * FROM <term> ...`
/// (FSQL-STMT-SELECT-13); `FROM a SELECT x` is ERR-FSQL (FSQL-STMT-SELECT-12),
/// so are `TABLE t`, `VALUES ...` and a parenthesised CONNECT
/// (FSQL-STMT-SELECT-9).
#[test]
fn fsql_ex_41_fixed_and_rejected_forms() -> Result<()> {
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

/// FSQL-EX-47: TRANSFORM of two inputs parses and is ERR-FSQL
/// (FSQL-STMT-TRANSFORM-2).
#[test]
fn fsql_ex_47_transform_one_input_only() {
    let s = "a = CREATE [[1]] SCHEMA a:long\nb = CREATE [[2]] SCHEMA a:long\n\
             TRANSFORM a, b USING t_first";
    assert!(check_syntax(s).is_ok());
    let e = compile(s).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    assert!(e.to_string().contains("exactly one"), "{e}");
}

/// FSQL-EX-50: PROCESS list and dict forms (FSQL-STMT-PROCESS-1,
/// FSQL-DFREF-5): dict keys are the processor's input names.
#[test]
fn fsql_ex_50_process_list_and_dict_forms() -> Result<()> {
    fixtures();
    let s = "a = CREATE [[1]] SCHEMA x:int\nb = CREATE [[2]] SCHEMA x:int\n\
             l = PROCESS a, b USING p_names YIELD DATAFRAME\n\
             d = PROCESS first=a, second:b USING p_names YIELD DATAFRAME\n\
             u = PROCESS a, b USING p_union YIELD DATAFRAME";
    let r = run(s, "native")?;
    let names = |v: &[&str]| v.iter().map(|x| vec![Value::from(*x)]).collect::<Vec<_>>();
    assert_eq!(rows(&r, "l")?, names(&["_0", "_1"]));
    assert_eq!(rows(&r, "d")?, names(&["first", "second"]));
    assert_eq!(rows(&r, "u")?, ints(&[1, 2]));
    Ok(())
}

/// FSQL-EX-51: mixing list and dict forms, `SCHEMA *` of PROCESS
/// (FSQL-DFREF-5, FSQL-STMT-PROCESS-1).
#[test]
fn fsql_ex_51_process_syntax_errors() {
    let e = check_syntax("PROCESS x=a, b USING p_names").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 16, "USING"));
    let e = check_syntax("PROCESS a USING p_union SCHEMA *").unwrap_err();
    assert_eq!((e.line, e.column, e.token.as_str()), (1, 32, "*"));
}

/// FSQL-EX-52: OUTPUT with a parenthesised query as an input and with the
/// default input (FSQL-STMT-OUTPUT-1, FSQL-DFREF-4).
#[test]
fn fsql_ex_52_output_with_nested_query() -> Result<()> {
    fixtures();
    let s = "a = CREATE [[1],[2],[3]] SCHEMA x:int\n\
             OUTPUT a, (SELECT * FROM a WHERE x > 1) USING o_count\n\
             OUTPUT USING o_count";
    let dag = compile(s)?;
    O_COUNT_LOG.lock().unwrap_or_else(PoisonError::into_inner).clear();
    dag.run("native")?;
    let log = O_COUNT_LOG.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let want: Vec<(String, usize)> = vec![("_0".into(), 3), ("_1".into(), 2), ("_0".into(), 3)];
    assert_eq!(log, want);
    Ok(())
}

/// FSQL-EX-72: SUB with a collection result; members by key in SQL and in
/// FugueSQL positions; a collection without a member and a member of a
/// single frame are ERR-FSQL (FSQL-STMT-SUB-1/2, FSQL-DFREF-3,
/// FSQL-STMT-SELECT-6).
#[test]
fn fsql_ex_72_sub_collection() -> Result<()> {
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

/// FSQL-EX-73: assignments inside a nested task stay local (FSQL-SCOPE-6).
#[test]
fn fsql_ex_73_nested_assignment_stays_local() {
    fixtures();
    let e =
        compile("TRANSFORM (x = CREATE [[1]] SCHEMA a:long) USING t_first\nPRINT x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fsql, "{e}");
    assert!(e.to_string().contains("not defined"), "{e}");
}

/// FSQL-EX-77: the nested task's node comes first (FSQL-GEN-6).
#[test]
fn fsql_ex_77_node_order() -> Result<()> {
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
