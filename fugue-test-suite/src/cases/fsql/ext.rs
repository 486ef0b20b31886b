//! §7.5 TRANSFORM, OUTTRANSFORM, PROCESS, OUTPUT, PRINT (FSQL-EX-42..55).

use super::*;

/// The cases of §7.5.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "ex_42_transform_prepartition_presort",
            ["FSQL-EX-42", "FSQL-STMT-TRANSFORM-1", "FSQL-PART-1"],
            ex_42
        ),
        case!("ex_43_schema_needed_params", ["FSQL-EX-43", "FSQL-STMT-TRANSFORM-4"], ex_43),
        case!("ex_44_clause_order", ["FSQL-EX-44", "FSQL-PARAMS-3", "FSQL-RUST-ERR-2"], ex_44),
        case!("ex_45_equal_identities", ["FSQL-EX-45", "FSQL-PARAMS-1", "FSQL-RUST-ID-3"], ex_45),
        case!("ex_46_wildcard_schema_text", ["FSQL-EX-46", "FSQL-SCHEMA-4"], ex_46),
        case!("ex_47_one_input_only", ["FSQL-EX-47", "FSQL-STMT-TRANSFORM-2"], ex_47),
        case!("ex_48_transform_callback", ["FSQL-EX-48", "FSQL-STMT-TRANSFORM-5"], ex_48),
        case!("ex_49_outtransform", ["FSQL-EX-49", "FSQL-STMT-OUTTRANSFORM-1"], ex_49),
        case!(
            "ex_50_process_list_and_dict",
            ["FSQL-EX-50", "FSQL-STMT-PROCESS-1", "FSQL-DFREF-5"],
            ex_50
        ),
        case!(
            "ex_51_process_syntax_errors",
            ["FSQL-EX-51", "FSQL-DFREF-5", "FSQL-STMT-PROCESS-1"],
            ex_51
        ),
        case!(
            sql "ex_52_output_nested_query_default_input",
            ["FSQL-EX-52", "FSQL-STMT-OUTPUT-1"],
            ex_52
        ),
        case!("ex_53_output_errors", ["FSQL-EX-53", "FSQL-SCOPE-5", "FSQL-STMT-OUTPUT-1"], ex_53),
        case!(
            "ex_54_print",
            ["FSQL-EX-54", "FSQL-STMT-PRINT-1", "FSQL-STMT-PRINT-2", "FSQL-STMT-PRINT-3"],
            ex_54
        ),
        case!(
            "ex_55_print_syntax",
            ["FSQL-EX-55", "FSQL-STMT-PRINT-2", "FSQL-STMT-PRINT-3"],
            ex_55
        ),
    ]
}

fn ex_42(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1,1],[1,3],[2,5],[2,4]] SCHEMA k:int,v:int\n\
                  TRANSFORM a PREPARTITION BY k PRESORT v DESC USING t_first";
    last_eq(ctx, script, vec![vec![i(1), i(3)], vec![i(2), i(5)]], "k:int,v:int")
}

const ONE_LONG: &str = "CREATE [[1]] SCHEMA a:long\n";

fn ex_43(ctx: &Ctx) -> CaseResult {
    fixtures()?;
    compile_fails(&format!("{ONE_LONG}TRANSFORM USING t_plus"), ErrorKind::Interfaceless)?;
    last_eq(
        ctx,
        &format!("{ONE_LONG}TRANSFORM USING t_plus SCHEMA *"),
        vec![vec![l(2)]],
        "a:long",
    )?;
    last_eq(
        ctx,
        &format!("{ONE_LONG}TRANSFORM USING t_plus(n=5) SCHEMA *"),
        vec![vec![l(6)]],
        "a:long",
    )
}

fn ex_44(_ctx: &Ctx) -> CaseResult {
    let script = "CREATE [[1]] SCHEMA a:long\nTRANSFORM USING t_plus SCHEMA * PARAMS n:2";
    syntax_at(script, 2, 33, "PARAMS")?;
    let shown = fugue_sql::check_syntax(script).err().map(|e| e.to_string()).unwrap_or_default();
    check(shown.contains("2:\tTRANSFORM USING t_plus SCHEMA * PARAMS n:2"), || {
        format!("the display lacks the numbered source line:\n{shown}")
    })?;
    caret_at(&shown, 2, 33, "PARAMS")?;
    // the FSQL-RUST-ERR-4 hint
    check(shown.contains("hint: PARAMS must come before SCHEMA"), || {
        format!("no clause-order hint:\n{shown}")
    })
}

fn ex_45(ctx: &Ctx) -> CaseResult {
    fixtures()?;
    let mut ids = Vec::new();
    for t in [
        "TRANSFORM USING t_plus(n=2) SCHEMA *",
        "TRANSFORM USING t_plus PARAMS n:2 SCHEMA *",
        "TRANSFORM USING t_plus {n:2} SCHEMA *",
        "TRANSFORM USING t_plus PARAMS (n=2) SCHEMA *",
    ] {
        let script = format!("{ONE_LONG}{t}");
        last_eq(ctx, &script, vec![vec![l(3)]], "a:long")?;
        ids.push((t, compile(&script)?.spec_uuid()));
    }
    check(ids.iter().all(|(_, id)| *id == ids[0].1), || format!("identities differ: {ids:?}"))
}

fn ex_46(_ctx: &Ctx) -> CaseResult {
    fixtures()?;
    let dag = compile(
        "CREATE [[1,2]] SCHEMA a:long,b:long\nTRANSFORM USING t_plus SCHEMA *, c : int32 - b",
    )?;
    // the hint text enters the identity: the builder equivalent with the
    // canonical text `*,c:int-b` has the same spec_uuid, another text not
    let built = |hint: &str| -> std::result::Result<String, String> {
        let w = FugueWorkflow::new();
        let data = crate::helpers::local(vec![vec![l(1), l(2)]], "a:long,b:long")?;
        let a = ok(w.df_with_determiner(data, "[[1,2]]|a:long,b:long"), "df")?;
        ok(a.transform("t_plus", fugue_workflow::TransformOptions::schema(hint)), "transform")?;
        Ok(w.spec_uuid())
    };
    if dag.spec_uuid() != built("*,c:int-b")? {
        let as_written = dag.spec_uuid() == built("*,c:int32-b")?;
        return Err(format!(
            "the schema hint is not the text `*,c:int-b`{}:\n{}",
            if as_written { " (it is `*,c:int32-b`: the type is not canonical)" } else { "" },
            dag.explain()
        ));
    }
    check(dag.spec_uuid() != built("*,c:long-b")?, || {
        "the schema hint is not part of the identity".into()
    })
}

fn ex_47(_ctx: &Ctx) -> CaseResult {
    fixtures()?;
    compile_fails(
        "a = CREATE [[1]] SCHEMA a:long\nb = CREATE [[2]] SCHEMA a:long\nTRANSFORM a, b USING t_first",
        ErrorKind::Fsql,
    )
}

fn ex_48(ctx: &Ctx) -> CaseResult {
    let _g = shared_state();
    let script = "CREATE [[1],[1],[2]] SCHEMA a:int\n\
                  TRANSFORM PREPARTITION BY a USING t_cb CALLBACK cb_sum";
    last_eq(ctx, script, vec![vec![i(1)], vec![i(1)], vec![i(2)]], "a:int")?;
    check(cb_total() == 3, || format!("cb_sum total {}, expected 3", cb_total()))
}

fn ex_49(ctx: &Ctx) -> CaseResult {
    let _g = shared_state();
    let script = "CREATE [[1],[1],[2]] SCHEMA a:int\n\
                  OUTTRANSFORM PREPARTITION BY a USING t_cb CALLBACK cb_sum";
    last_eq(ctx, script, vec![vec![i(1)], vec![i(1)], vec![i(2)]], "a:int")?;
    check(cb_total() == 3, || format!("cb_sum total {}, expected 3", cb_total()))?;
    syntax_at("x = OUTTRANSFORM USING t_cb", 1, 5, "OUTTRANSFORM")
}

fn ex_50(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1]] SCHEMA x:int\n\
                  b = CREATE [[2]] SCHEMA x:int\n\
                  l = PROCESS a, b USING p_names YIELD DATAFRAME\n\
                  d = PROCESS first=a, second:b USING p_names YIELD DATAFRAME\n\
                  u = PROCESS a, b USING p_union YIELD DATAFRAME";
    let r = run(ctx, script)?;
    eq(got(&r, "l")?.as_ref(), vec![vec![s("_0")], vec![s("_1")]], "name:str", "list form")?;
    eq(got(&r, "d")?.as_ref(), vec![vec![s("first")], vec![s("second")]], "name:str", "dict form")?;
    eq(got(&r, "u")?.as_ref(), vec![vec![i(1)], vec![i(2)]], "x:int", "p_union")
}

fn ex_51(_ctx: &Ctx) -> CaseResult {
    syntax_at("PROCESS x=a, b USING p_names", 1, 16, "USING")?;
    syntax_at("PROCESS a USING p_union SCHEMA *", 1, 32, "*")
}

fn ex_52(ctx: &Ctx) -> CaseResult {
    let _g = shared_state();
    let script = "a = CREATE [[1],[2],[3]] SCHEMA x:int\n\
                  OUTPUT a, (SELECT * FROM a WHERE x > 1) USING o_count\n\
                  OUTPUT USING o_count";
    run(ctx, script)?;
    let log = o_count_log();
    let want: Vec<(String, usize)> = vec![("_0".into(), 3), ("_1".into(), 2), ("_0".into(), 3)];
    check(log == want, || format!("o_count log {log:?}, expected {want:?}"))
}

fn ex_53(_ctx: &Ctx) -> CaseResult {
    fixtures()?;
    compile_fails("OUTPUT USING o_count", ErrorKind::Fsql)?;
    syntax_at("OUTPUT a USING o_count SCHEMA x:int", 1, 31, "x")
}

fn ex_54(ctx: &Ctx) -> CaseResult {
    // what PRINT shows goes to stdout; the case checks it compiles and runs
    // and that PRINT leaves last unchanged (FSQL-STMT-PRINT-1)
    let script = "a = CREATE [[1],[2],[3]] SCHEMA x:int\nPRINT 2 ROWS FROM a ROWCOUNT TITLE \"t\"";
    last_eq(ctx, script, vec![vec![i(1)], vec![i(2)], vec![i(3)]], "x:int")
}

fn ex_55(_ctx: &Ctx) -> CaseResult {
    syntax_at("PRINT 10", 1, 9, "")?;
    syntax_at("PRINT a TITLE 'x' ROWCOUNT", 1, 19, "ROWCOUNT")
}
