//! §7.7 Suffix clauses, SUB, scoping (FSQL-EX-67..78).

use super::*;

/// The cases of §7.7.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "ex_67_checkpoint_mapping_and_suffix_order",
            ["FSQL-EX-67", "FSQL-STMT-CKPT-2", "FSQL-STMT-CKPT-3", "FSQL-SCRIPT-4"],
            ex_67
        ),
        case!(
            "ex_68_deterministic_checkpoint_reused",
            ["FSQL-EX-68", "FSQL-STMT-CKPT-5", "WF-CKPT-3"],
            ex_68
        ),
        case!(sql "ex_69_yield_names", ["FSQL-EX-69", "FSQL-STMT-YIELD-1", "FSQL-STMT-YIELD-2"], ex_69),
        case!(sql "ex_70_yield_file_after_checkpoints", ["FSQL-EX-70", "FSQL-STMT-YIELD-3"], ex_70),
        case!("ex_71_other_yield_forms", ["FSQL-EX-71", "FSQL-STMT-YIELD-2"], ex_71),
        case!(
            sql "ex_72_sub_collection_result",
            ["FSQL-EX-72", "FSQL-STMT-SUB-1", "FSQL-STMT-SUB-2", "FSQL-DFREF-3"],
            ex_72
        ),
        case!("ex_73_nested_assignments_stay_local", ["FSQL-EX-73", "FSQL-SCOPE-6"], ex_73),
        case!(
            sql "ex_74_several_scripts_one_workflow",
            ["FSQL-EX-74", "FSQL-SCOPE-2", "FSQL-SCOPE-10", "FSQL-API-1"],
            ex_74
        ),
        case!(
            sql "ex_75_assignment_shadows_binding",
            ["FSQL-EX-75", "FSQL-SCOPE-3", "FSQL-SCOPE-8"],
            ex_75
        ),
        case!("ex_76_handle_of_another_workflow", ["FSQL-EX-76", "FSQL-SCOPE-8"], ex_76),
        case!("ex_77_node_order", ["FSQL-EX-77", "FSQL-GEN-6"], ex_77),
        case!(
            "ex_78_partition_algorithms",
            ["FSQL-EX-78", "FSQL-PART-1", "PA-1", "PA-2", "PA-3", "PA-4", "PA-5"],
            ex_78
        ),
    ]
}

fn ex_67(ctx: &Ctx) -> CaseResult {
    let script = r#"a = CREATE [[1]] SCHEMA x:int LAZY PERSIST (level="memory") BROADCAST"#;
    let dag = compile(script)?;
    let shown = dag.explain();
    check(shown.contains("weak(lazy=true") && shown.contains("broadcast"), || {
        format!("expected a lazy weak checkpoint and the broadcast flag:\n{shown}")
    })?;
    check(shown.contains("\"level\":\"memory\""), || {
        format!("the level param is not on the checkpoint:\n{shown}")
    })?;
    // the builder equivalent has the same identity; checkpoints are never
    // part of it (WF-CKPT-8)
    let built = FugueWorkflow::new();
    let data = crate::helpers::local(vec![vec![i(1)]], "x:int")?;
    let df = ok(built.df_with_determiner(data, "[[1]]|x:int"), "df")?;
    ok(df.weak_checkpoint_with(true, [("level", "memory")]), "weak_checkpoint_with")?.broadcast();
    check(built.spec_uuid() == dag.spec_uuid(), || {
        "spec_uuid differs from the builder equivalent".into()
    })?;
    let plain = compile("a = CREATE [[1]] SCHEMA x:int BROADCAST")?;
    check(plain.spec_uuid() == dag.spec_uuid(), || {
        "a checkpoint changed the workflow identity (WF-CKPT-8)".into()
    })?;
    // the run persists on the case's engine (in-memory engines accept level=memory)
    let e = eng(ctx)?;
    dag.run(e.clone()).map_err(|e| format!("run: {e}"))?;
    let bad = compile(r#"a = CREATE [[1]] SCHEMA x:int PERSIST (level="disk_only")"#)?;
    match bad.run(e) {
        Err(err) if err.kind() == ErrorKind::NotSupported => {}
        other => return Err(format!("level=disk_only: expected ERR-NOT-SUPPORTED, got {other:?}")),
    }
    syntax_at("a = CREATE [[1]] SCHEMA x:int BROADCAST PERSIST", 1, 41, "PERSIST")
}

fn ex_68(ctx: &Ctx) -> CaseResult {
    fixtures()?;
    let script = r#"CREATE USING c_range(n=3) DETERMINISTIC CHECKPOINT "v1""#;
    let e = eng(ctx)?;
    let dir = tmp()?;
    let mut stamps = Vec::new();
    for run_no in 0..2 {
        let dag = compile(script)?;
        let lst = dag.last_df().ok_or("no last dataframe")?;
        ok(lst.yield_dataframe_as("result", true), "yield")?;
        let r = ok(dag.run_with_conf(e.clone(), ckpt_conf(&dir)), "run with a checkpoint path")?;
        eq(
            got(&r, "result")?.as_ref(),
            vec![vec![l(0)], vec![l(1)], vec![l(2)]],
            "a:long",
            "result",
        )?;
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .map_err(|e| e.to_string())?
            .filter_map(|f| f.ok())
            .collect();
        check(files.len() == 1, || {
            format!("run {run_no}: {} files under the checkpoint path", files.len())
        })?;
        let f = &files[0];
        check(f.file_name().to_string_lossy().ends_with(".parquet"), || {
            format!("checkpoint file {:?} is not <id>.parquet", f.file_name())
        })?;
        stamps.push(f.metadata().and_then(|m| m.modified()).map_err(|e| e.to_string())?);
    }
    check(stamps[0] == stamps[1], || "the second run rewrote the checkpoint file".into())?;
    run_fails(ctx, script, ErrorKind::WorkflowRuntime)
}

fn ex_69(ctx: &Ctx) -> CaseResult {
    let script = "CREATE [[1]] SCHEMA x:int YIELD DATAFRAME AS r1\nx2 = SELECT x + 1 AS x YIELD LOCAL DATAFRAME";
    let r = run(ctx, script)?;
    eq(got(&r, "r1")?.as_ref(), vec![vec![i(1)]], "x:int", "r1")?;
    let x2 = got(&r, "x2")?;
    check(x2.is_local(), || "`x2` is not a local frame".into())?;
    one_int(&x2, "x", 2)?;
    compile_fails("CREATE [[1]] SCHEMA x:int YIELD DATAFRAME", ErrorKind::Fsql)
}

fn ex_70(ctx: &Ctx) -> CaseResult {
    compile_fails("CREATE [[1]] SCHEMA a:int PERSIST YIELD FILE AS f", ErrorKind::InvalidArgument)?;
    compile_fails(
        "CREATE [[1]] SCHEMA a:int CHECKPOINT YIELD FILE AS f",
        ErrorKind::WorkflowCompile,
    )?;
    let dir = tmp()?;
    let e = eng(ctx)?;
    let dag =
        compile(r#"CREATE [[1]] SCHEMA a:int DETERMINISTIC CHECKPOINT "v1" YIELD FILE AS f"#)?;
    ok(dag.run_with_conf(e.clone(), ckpt_conf(&dir)), "run")?;
    let f = ok(dag.get_yield("f"), "yield f")?;
    let got = ok(fsql("SELECT * FROM f").dataframe("f", f).run_last(e), "bind the yield")?;
    eq(got.as_ref(), vec![vec![i(1)]], "a:int", "SELECT * FROM f")
}

fn ex_71(_ctx: &Ctx) -> CaseResult {
    compile_fails("CREATE [[1]] SCHEMA a:int YIELD VIEW AS v", ErrorKind::NotSupported)?;
    syntax_at("CREATE [[1]] SCHEMA a:int YIELD LOCAL FILE AS f", 1, 39, "FILE")
}

const PARTS: &str = "a = CREATE [[1],[2],[3]] SCHEMA a:int\nparts = SUB a USING m_split\n";

fn ex_72(ctx: &Ctx) -> CaseResult {
    last_eq(
        ctx,
        &format!("{PARTS}SELECT * FROM parts[hi]"),
        vec![vec![i(2)], vec![i(3)]],
        "a:int",
    )?;
    compile_fails(&format!("{PARTS}PRINT parts"), ErrorKind::Fsql)?;
    compile_fails(&format!("{PARTS}PRINT a[0]"), ErrorKind::Fsql)?;
    last_eq(ctx, &format!("{PARTS}SELECT * FROM parts[lo] AS l"), vec![vec![i(1)]], "a:int")
}

fn ex_73(_ctx: &Ctx) -> CaseResult {
    fixtures()?;
    compile_fails(
        "TRANSFORM (x = CREATE [[1]] SCHEMA a:long) USING t_first\nPRINT x",
        ErrorKind::Fsql,
    )
}

fn ex_74(ctx: &Ctx) -> CaseResult {
    fixtures()?;
    let e = eng(ctx)?;
    let w = FugueSqlWorkflow::new();
    ok(w.sql("b = CREATE [[0]] SCHEMA a:int").compile(), "first script")?;
    let got = ok(w.sql("SELECT * FROM b").run_last(e), "second script")?;
    eq(got.as_ref(), vec![vec![i(0)]], "a:int", "SELECT * FROM b")?;
    let w = FugueSqlWorkflow::new();
    ok(w.sql("b = CREATE [[0]] SCHEMA a:int").compile(), "first script")?;
    expect_is_a(w.sql("PRINT").compile().map(drop), ErrorKind::Fsql, "last is not carried over")
}

fn ex_75(ctx: &Ctx) -> CaseResult {
    fixtures()?;
    let df = crate::helpers::local(vec![vec![i(5)]], "a:int")?;
    let script = "df = CREATE [[1]] SCHEMA a:int\nSELECT * FROM df";
    let dag = ok(fsql(script).dataframe("df", df.clone()).compile(), "compile")?;
    check(dag.len() == 2, || format!("{} nodes, expected 2 (the binding adds none)", dag.len()))?;
    let got = ok(fsql(script).dataframe("df", df).run_last(eng(ctx)?), "run_last")?;
    eq(got.as_ref(), vec![vec![i(1)]], "a:int", "the assignment shadows the binding")
}

fn ex_76(_ctx: &Ctx) -> CaseResult {
    let other = FugueWorkflow::new();
    let h = ok(other.df(crate::helpers::local(vec![vec![i(1)]], "a:int")?), "df")?;
    expect_is_a(
        fsql("PRINT h").dataframe("h", h).compile().map(drop),
        ErrorKind::Fsql,
        "a handle of another workflow",
    )
}

fn ex_77(_ctx: &Ctx) -> CaseResult {
    fixtures()?;
    let dag =
        ok(fsql("x = TRANSFORM (CREATE [[1]] SCHEMA a:long) USING t_first").compile(), "compile")?;
    let shown = dag.explain();
    let lines: Vec<&str> = shown.lines().skip(1).collect();
    check(
        lines.len() == 2
            && lines[0].starts_with("_0 [create]")
            && lines[1].starts_with("_1 [process] transform"),
        || format!("expected _0 the Create and _1 the transform:\n{shown}"),
    )?;
    let x = dag.variable("x").ok_or("no variable `x`")?;
    check(x.name() == "_1", || format!("`x` refers to {}, expected _1", x.name()))
}

fn ex_78(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1,1],[1,3],[2,5],[2,4]] SCHEMA k:int,v:int\n\
                  h = TRANSFORM a HASH PREPARTITION 4 BY k PRESORT v DESC USING t_first YIELD DATAFRAME\n\
                  c = TRANSFORM a COARSE PREPARTITION 1 BY k PRESORT v DESC USING t_first YIELD DATAFRAME";
    let r = run(ctx, script)?;
    eq(got(&r, "h")?.as_ref(), vec![vec![i(1), i(3)], vec![i(2), i(5)]], "k:int,v:int", "hash")?;
    eq(got(&r, "c")?.as_ref(), vec![vec![i(1), i(3)]], "k:int,v:int", "coarse")?;
    let shown = compile(script)?.explain();
    let h = shown.lines().find(|l| l.contains("yield h")).unwrap_or_default().replace(' ', "");
    check(
        h.contains(r#""algo":"hash""#)
            && h.contains(r#""num_partitions":"4""#)
            && h.contains(r#""partition_by":["k"]"#)
            && h.contains(r#""presort":"vDESC""#),
        || format!("the spec of `h` is not hash/4/[k]:\n{shown}"),
    )?;
    let even = compile(
        "a = CREATE [[1,1]] SCHEMA k:int,v:int\nTRANSFORM a EVEN PREPARTITION ROWCOUNT / 2 USING t_first",
    )?
    .explain()
    .replace(' ', "");
    check(
        even.contains(r#""algo":"even""#) && even.contains(r#""num_partitions":"ROWCOUNT/2""#),
        || format!("expected algo even, num ROWCOUNT/2:\n{even}"),
    )
}
