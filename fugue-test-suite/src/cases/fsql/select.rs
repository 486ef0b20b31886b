//! §7.4 SELECT, set operations, WITH, CONNECT (FSQL-EX-26..41).

use super::*;

/// The cases of §7.4.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(sql "ex_26_implicit_from", ["FSQL-EX-26", "FSQL-STMT-SELECT-7"], ex_26),
        case!("ex_27_no_previous_dataframe", ["FSQL-EX-27", "FSQL-SCOPE-5"], ex_27),
        case!(
            sql "ex_28_variables_join_alias",
            ["FSQL-EX-28", "FSQL-STMT-SELECT-3", "FSQL-STMT-SELECT-4", "FSQL-STMT-JOIN-1"],
            ex_28
        ),
        case!(sql "ex_29_explicit_alias", ["FSQL-EX-29", "FSQL-STMT-SELECT-4"], ex_29),
        case!(sql "ex_30_external_bindings_lazy", ["FSQL-EX-30", "FSQL-SCOPE-8"], ex_30),
        case!(sql "ex_31_unknown_tables_pass_through", ["FSQL-EX-31", "FSQL-STMT-SELECT-5"], ex_31),
        case!(sql "ex_32_set_operations", ["FSQL-EX-32", "FSQL-STMT-SETOP-1"], ex_32),
        case!(sql "ex_33_terms_as_operands", ["FSQL-EX-33", "FSQL-STMT-SETOP-2"], ex_33),
        case!(sql "ex_34_operands_share_last", ["FSQL-EX-34", "FSQL-SCOPE-6"], ex_34),
        case!(sql "ex_35_nested_term_in_from", ["FSQL-EX-35", "FSQL-STMT-SELECT-8"], ex_35),
        case!(sql "ex_36_statement_boundaries", ["FSQL-EX-36", "FSQL-RUST-SPLIT"], ex_36),
        case!(
            sql "ex_37_implicit_from_in_subquery",
            ["FSQL-EX-37", "FSQL-STMT-SELECT-7"],
            ex_37
        ),
        case!("ex_38_rejected_shapes", ["FSQL-EX-38", "FSQL-STMT-SELECT-10"], ex_38),
        case!(sql "ex_39_top_level_with", ["FSQL-EX-39", "FSQL-STMT-WITH-1"], ex_39),
        case!("ex_40_connect", ["FSQL-EX-40", "FSQL-STMT-CONNECT-2"], ex_40),
        case!(
            sql "ex_41_fixed_or_rejected_forms",
            ["FSQL-EX-41", "FSQL-STMT-SELECT-12", "FSQL-STMT-SELECT-13"],
            ex_41
        ),
    ]
}

fn ex_26(ctx: &Ctx) -> CaseResult {
    let script = "CREATE [[0],[1],[2]] SCHEMA a:int\nSELECT a WHERE a > 0";
    last_eq(ctx, script, vec![vec![i(1)], vec![i(2)]], "a:int")?;
    let w = FugueWorkflow::new();
    let last = created(&w, "[[0],[1],[2]]", vec![vec![i(0)], vec![i(1)], vec![i(2)]], "a:int")?;
    ok(w.select(vec![txt("SELECT a FROM"), frame(&last), txt("WHERE a > 0")]), "select")?;
    same_as_built(script, &w)
}

fn ex_27(_ctx: &Ctx) -> CaseResult {
    compile_fails("SELECT 1 AS x", ErrorKind::Fsql)?;
    compile_fails("PRINT", ErrorKind::Fsql)
}

fn ex_28(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1,\"x\"],[2,\"y\"]] SCHEMA k:int,v:str\n\
                  b = CREATE [[1,10]] SCHEMA k:int,w:int\n\
                  SELECT a.k, a.v, b.w FROM a INNER JOIN b ON a.k = b.k";
    last_eq(ctx, script, vec![vec![i(1), s("x"), i(10)]], "k:int,v:str,w:int")?;
    let w = FugueWorkflow::new();
    let a = created(
        &w,
        r#"[[1,"x"],[2,"y"]]"#,
        vec![vec![i(1), s("x")], vec![i(2), s("y")]],
        "k:int,v:str",
    )?;
    let b = created(&w, "[[1,10]]", vec![vec![i(1), i(10)]], "k:int,w:int")?;
    let parts = vec![
        txt("SELECT a.k , a.v , b.w FROM"),
        frame(&a),
        txt("AS a INNER JOIN"),
        frame(&b),
        txt("AS b ON a.k = b.k"),
    ];
    ok(w.select(parts), "select")?;
    same_as_built(script, &w)
}

fn ex_29(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1,\"x\"],[2,\"y\"]] SCHEMA k:int,v:str\n\
                  SELECT t.v FROM a AS t WHERE t.k = 2";
    last_eq(ctx, script, vec![vec![s("y")]], "v:str")?;
    let w = FugueWorkflow::new();
    let a = created(
        &w,
        r#"[[1,"x"],[2,"y"]]"#,
        vec![vec![i(1), s("x")], vec![i(2), s("y")]],
        "k:int,v:str",
    )?;
    ok(w.select(vec![txt("SELECT t.v FROM"), frame(&a), txt("AS t WHERE t.k = 2")]), "select")?;
    same_as_built(script, &w)
}

fn ex_30(ctx: &Ctx) -> CaseResult {
    fixtures()?;
    let df = crate::helpers::local(vec![vec![l(0)], vec![l(1)]], "a:long")?;
    let unused = crate::helpers::local(vec![vec![l(9)]], "a:long")?;
    let script = "SELECT * FROM df WHERE a = 1";
    let with_unused = ok(
        fsql(script).dataframe("df", df.clone()).dataframe("unused", unused).compile(),
        "compile with `unused`",
    )?;
    let without = ok(fsql(script).dataframe("df", df.clone()).compile(), "compile")?;
    check(with_unused.len() == 2, || {
        format!("{} nodes, expected 2 (Create for `df`, the select)", with_unused.len())
    })?;
    check(with_unused.spec_uuid() == without.spec_uuid(), || {
        "an unused binding changes spec_uuid".into()
    })?;
    let got = ok(fsql(script).dataframe("df", df).run_last(eng(ctx)?), "run_last")?;
    eq(got.as_ref(), vec![vec![l(1)]], "a:long", "binding `df`")
}

fn ex_31(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1]] SCHEMA x:int\nSELECT * FROM nope";
    let dag = compile(script)?;
    let shown = dag.explain();
    let select = shown.lines().last().unwrap_or_default();
    check(dag.len() == 2 && select.contains("select") && !select.contains(" <- "), || {
        format!("expected two nodes, the select without inputs:\n{shown}")
    })?;
    check(dag.run(eng(ctx)?).is_err(), || "`nope` is no table: the run must fail".into())?;
    compile_fails("a = CREATE [[1]] SCHEMA x:int\nSELECT * FROM nope[0]", ErrorKind::Fsql)
}

fn ex_32(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1],[1],[2]] SCHEMA x:int\n\
                  b = CREATE [[2],[3]] SCHEMA x:int\n\
                  u = SELECT x FROM a UNION SELECT x FROM b YIELD DATAFRAME\n\
                  ua = SELECT x FROM a UNION ALL SELECT x FROM b YIELD DATAFRAME\n\
                  i = SELECT x FROM a INTERSECT SELECT x FROM b YIELD DATAFRAME\n\
                  e = SELECT x FROM a EXCEPT SELECT x FROM b YIELD DATAFRAME";
    let r = run(ctx, script)?;
    let ints = |v: &[i32]| v.iter().map(|x| vec![i(*x)]).collect::<Vec<_>>();
    eq(got(&r, "u")?.as_ref(), ints(&[1, 2, 3]), "x:int", "UNION")?;
    eq(got(&r, "ua")?.as_ref(), ints(&[1, 1, 2, 2, 3]), "x:int", "UNION ALL")?;
    eq(got(&r, "i")?.as_ref(), ints(&[2]), "x:int", "INTERSECT")?;
    eq(got(&r, "e")?.as_ref(), ints(&[1]), "x:int", "EXCEPT")
}

fn ex_33(ctx: &Ctx) -> CaseResult {
    let script = "CREATE [[1]] SCHEMA x:int UNION ALL CREATE [[1]] SCHEMA x:int";
    last_eq(ctx, script, vec![vec![i(1)], vec![i(1)]], "x:int")?;
    let w = FugueWorkflow::new();
    let t0 = created(&w, "[[1]]", vec![vec![i(1)]], "x:int")?;
    let t1 = created(&w, "[[1]]", vec![vec![i(1)]], "x:int")?;
    let parts = vec![txt("SELECT * FROM"), frame(&t0), txt("UNION ALL SELECT * FROM"), frame(&t1)];
    ok(w.select(parts), "select")?;
    same_as_built(script, &w)
}

fn ex_34(ctx: &Ctx) -> CaseResult {
    let script = "CREATE [[1],[2]] SCHEMA x:int\n\
                  TAKE 1 ROW PRESORT x UNION ALL TAKE 1 ROW PRESORT x DESC";
    last_eq(ctx, script, vec![vec![i(1)], vec![i(2)]], "x:int")
}

fn ex_35(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1,\"x\"],[3,\"y\"],[2,\"z\"]] SCHEMA k:int,v:str\n\
                  SELECT v FROM (TAKE 1 ROW FROM a PRESORT k DESC)";
    last_eq(ctx, script, vec![vec![s("y")]], "v:str")
}

fn ex_36(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1],[2],[3]] SCHEMA x:int\n\
                  SELECT x FROM a WHERE x > 1\n\
                  b = SELECT x FROM a WHERE x < 3\n\
                  SELECT * FROM b TAKE 1 ROW PRESORT x DESC";
    let dag = compile(script)?;
    check(dag.len() == 5, || {
        format!("{} nodes, expected five statements:\n{}", dag.len(), dag.explain())
    })?;
    last_eq(ctx, script, vec![vec![i(2)]], "x:int")
}

fn ex_37(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1],[2]] SCHEMA x:int\n\
                  e = CREATE [] SCHEMA y:int\n\
                  SELECT * FROM a WHERE x IN (SELECT 2)";
    last_eq(ctx, script, vec![], "x:int")?;
    let w = FugueWorkflow::new();
    let a = created(&w, "[[1],[2]]", vec![vec![i(1)], vec![i(2)]], "x:int")?;
    let e = created(&w, "[]", vec![], "y:int")?;
    let parts = vec![
        txt("SELECT * FROM"),
        frame(&a),
        txt("AS a WHERE x IN (SELECT 2 FROM"),
        frame(&e),
        txt(")"),
    ];
    ok(w.select(parts), "select")?;
    same_as_built(script, &w)
}

fn ex_38(_ctx: &Ctx) -> CaseResult {
    syntax_at("(SELECT * FROM a) UNION (SELECT * FROM b)", 1, 1, "(")?;
    // the spec gives 1:31 with token `UNION`; `UNION` is at column 25
    // (1:31 is the `SELECT` after it): the token is checked where it is
    syntax_at("SELECT * FROM a LIMIT 2 UNION SELECT * FROM b", 1, 25, "UNION")
}

fn ex_39(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1],[2]] SCHEMA x:int\n\
                  WITH t AS (SELECT x FROM a WHERE x > 1) SELECT * FROM t";
    last_eq(ctx, script, vec![vec![i(2)]], "x:int")?;
    let got = last(ctx, "WITH t AS (SELECT 1 AS x) SELECT * FROM t")?;
    one_int(&got, "x", 1)
}

fn ex_40(ctx: &Ctx) -> CaseResult {
    fails_by_run(ctx, "CONNECT nope SELECT 1 AS x", ErrorKind::Plugin)
}

fn ex_41(ctx: &Ctx) -> CaseResult {
    last_eq(ctx, "CREATE [[2],[1]] SCHEMA a:int ORDER BY a LIMIT 1", vec![vec![i(1)]], "a:int")?;
    compile_fails("a = CREATE [[1]] SCHEMA x:int\nFROM a SELECT x", ErrorKind::Fsql)
}
