//! §7.2 Lexical rules and templating (FSQL-EX-1..15).

use super::*;

/// The cases of §7.2.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "ex_01_create_inline_data",
            ["FSQL-EX-1", "FSQL-STMT-CREATE-1", "FSQL-STMT-CREATE-3", "FSQL-RUST-ID-1"],
            ex_01
        ),
        case!(
            "ex_02_case_sensitive_default",
            ["FSQL-EX-2", "FSQL-LEX-4", "FSQL-RUST-ERR-3"],
            ex_02
        ),
        case!(
            sql "ex_03_ignore_case_keeps_names",
            ["FSQL-EX-3", "FSQL-LEX-4", "FSQL-LEX-13"],
            ex_03
        ),
        case!(
            sql "ex_04_comments_and_layout",
            ["FSQL-EX-4", "FSQL-LEX-2", "FSQL-LEX-14"],
            ex_04
        ),
        case!("ex_05_semicolon_and_empty_script", ["FSQL-EX-5", "FSQL-LEX-3"], ex_05),
        case!(
            sql "ex_06_quoted_names",
            ["FSQL-EX-6", "FSQL-LEX-11", "FSQL-LEX-12", "FSQL-SCHEMA-3"],
            ex_06
        ),
        case!("ex_07_nested_json_values", ["FSQL-EX-7", "FSQL-JSON", "FSQL-STMT-CREATE-2"], ex_07),
        case!("ex_08_python_literals", ["FSQL-EX-8", "FSQL-JSON-5"], ex_08),
        case!(sql "ex_09_lower_case_true", ["FSQL-EX-9", "FSQL-LEX-8"], ex_09),
        case!("ex_10_string_escapes", ["FSQL-EX-10", "FSQL-LEX-17", "FSQL-LEX-18"], ex_10),
        case!("ex_11_reserved_words", ["FSQL-EX-11", "FSQL-LEX-6"], ex_11),
        case!(sql "ex_12_template_value", ["FSQL-EX-12", "FSQL-TPL-1", "FSQL-TPL-3"], ex_12),
        case!(sql "ex_13_template_like_strings", ["FSQL-EX-13", "FSQL-TPL-5"], ex_13),
        case!(sql "ex_14_template_loop", ["FSQL-EX-14", "FSQL-TPL-2"], ex_14),
        case!("ex_15_schema_type_limits", ["FSQL-EX-15", "FSQL-SCHEMA-2"], ex_15),
    ]
}

fn ex_01(ctx: &Ctx) -> CaseResult {
    let script = r#"CREATE [[0,"hello"],[1,"world"]] SCHEMA a:int,b:str"#;
    last_eq(ctx, script, vec![vec![i(0), s("hello")], vec![i(1), s("world")]], "a:int,b:str")?;
    // builder equivalence: the rows' JSON text and the schema as the data
    // determiner (FSQL-STMT-CREATE-3, FSQL-RUST-ID-1)
    let built = FugueWorkflow::new();
    let data =
        crate::helpers::local(vec![vec![i(0), s("hello")], vec![i(1), s("world")]], "a:int,b:str")?;
    ok(built.df_with_determiner(data, r#"[[0,"hello"],[1,"world"]]|a:int,b:str"#), "df")?;
    let a = compile(script)?.spec_uuid();
    check(a == built.spec_uuid(), || "spec_uuid differs from the builder equivalent".into())?;
    check(a == compile(script)?.spec_uuid(), || "spec_uuid is not stable".into())?;
    let other = compile(&script.replace("world", "word"))?.spec_uuid();
    check(a != other, || "changing the rows does not change spec_uuid".into())
}

fn ex_02(ctx: &Ctx) -> CaseResult {
    let script = "create [[0]] schema a:int";
    let e = syntax_on_line(script, 1)?;
    check(e.to_string().contains("fugue.sql.compile.ignore_case"), || {
        format!("the message does not name fugue.sql.compile.ignore_case: {e}")
    })?;
    last_eq_ic(ctx, script, vec![vec![i(0)]], "a:int")
}

fn ex_03(ctx: &Ctx) -> CaseResult {
    let script = "X = create [[\"Mixed\"]] schema col:str\nselect col from X";
    last_eq_ic(ctx, script, vec![vec![s("Mixed")]], "col:str")?;
    // `x` is passed through as a table name: compiles, the SQL facet fails
    let script = "X = create [[\"Mixed\"]] schema col:str\nselect col from x";
    fixtures()?;
    let dag = ok(fsql(script).ignore_case(true).compile(), "compile with ignore_case")?;
    check(dag.run(eng(ctx)?).is_err(), || "`x` is not a frame: the run must fail".into())
}

fn ex_04(ctx: &Ctx) -> CaseResult {
    let script = "-- leading\na = CREATE [[1],[2]] SCHEMA x:int   # hash comment\n\
                  /* block /* nested */ still a comment */\n// slash comment\n\
                  SELECT x FROM a WHERE x > 1 PRINT";
    last_eq(ctx, script, vec![vec![i(2)]], "x:int")
}

fn ex_05(_ctx: &Ctx) -> CaseResult {
    syntax_at("CREATE [[0]] SCHEMA a:int;", 1, 26, ";")?;
    // Rust SHOULD hint that FugueSQL needs no separator (FSQL-LEX-3)
    let hint = fugue_sql::check_syntax("CREATE [[0]] SCHEMA a:int;").err().and_then(|e| e.hint);
    check(hint.as_deref().is_some_and(|h| h.contains("separator")), || {
        format!("no separator hint: {hint:?}")
    })?;
    let e = syntax_on_line("-- nothing", 1)?;
    check(e.line == 1, || format!("{e}"))
}

fn ex_06(ctx: &Ctx) -> CaseResult {
    let script = "a = CREATE [[1,2]] SCHEMA `a b`:int,` `:int\nSELECT `a b` AS c FROM a";
    last_eq(ctx, script, vec![vec![i(1)]], "c:int")
}

fn ex_07(ctx: &Ctx) -> CaseResult {
    let script = r#"CREATE [[true, null, [1,2], {x:1, y:"s"}]] SCHEMA a:bool,b:double,c:[int],d:{x:int,y:str}"#;
    last_eq(
        ctx,
        script,
        vec![vec![
            b(true),
            N,
            Value::List(vec![i(1), i(2)]),
            Value::Struct(vec![("x".into(), i(1)), ("y".into(), s("s"))]),
        ]],
        "a:bool,b:double,c:[int],d:{x:int,y:str}",
    )
}

fn ex_08(ctx: &Ctx) -> CaseResult {
    let script = "CREATE [[True]] SCHEMA a:bool";
    syntax_at(script, 1, 10, "True")?;
    last_eq_ic(ctx, script, vec![vec![b(true)]], "a:bool")
}

fn ex_09(ctx: &Ctx) -> CaseResult {
    syntax_at("a = CREATE [[1]] SCHEMA x:int\nSELECT * FROM a WHERE true", 2, 23, "true")?;
    last_eq(
        ctx,
        "a = CREATE [[1]] SCHEMA x:int\nSELECT * FROM a WHERE TRUE",
        vec![vec![i(1)]],
        "x:int",
    )
}

fn ex_10(ctx: &Ctx) -> CaseResult {
    let script = r#"CREATE [['it\'s', "say \"hi\"", 'tab\tend']] SCHEMA a:str,b:str,c:str"#;
    last_eq(ctx, script, vec![vec![s("it's"), s("say \"hi\""), s("tab\tend")]], "a:str,b:str,c:str")
}

fn ex_11(ctx: &Ctx) -> CaseResult {
    // (a) a reserved word cannot be a name, even with ignore_case; quoted it can
    let bad = "sample = create [[1]] schema a:int";
    let e = match fsql(bad).ignore_case(true).compile() {
        Err(e) => e,
        Ok(_) => return Err(format!("compiled\n{bad}")),
    };
    check(e.kind() == ErrorKind::FsqlSyntax, || format!("expected ERR-FSQL-SYNTAX, got {e}"))?;
    caret_at(&e.to_string(), 1, 8, "=")?;
    last_eq_ic(ctx, "`sample` = create [[1]] schema a:int", vec![vec![i(1)]], "a:int")?;
    // (b) RAND is reserved
    syntax_at("a = CREATE [[1]] SCHEMA x:int\nSELECT RAND() AS r FROM a", 2, 8, "RAND")
}

fn ex_12(ctx: &Ctx) -> CaseResult {
    fixtures()?;
    let t = crate::helpers::local(vec![vec![l(0)], vec![l(1)], vec![l(2)]], "a:long")?;
    let script = "SELECT * FROM t WHERE a > {{x}}";
    let got =
        ok(fsql(script).dataframe("t", t.clone()).param("x", 0).run_last(eng(ctx)?), "run_last")?;
    eq(got.as_ref(), vec![vec![l(1)], vec![l(2)]], "a:long", "a > {{x}}")?;
    let r = fsql(script).dataframe("t", t).compile();
    match r {
        Err(e) if e.kind() == ErrorKind::FsqlTemplate => Ok(()),
        Err(e) => Err(format!("without `x`: expected ERR-FSQL-TEMPLATE, got {} ({e})", e.kind())),
        Ok(_) => Err("without `x`: compiled".into()),
    }
}

fn ex_13(ctx: &Ctx) -> CaseResult {
    fixtures()?;
    let script = "CREATE [[\"{%\"],[\"x\"]] SCHEMA a:str\nSELECT * WHERE a LIKE '{%'";
    let got = ok(fsql(script).run_last(eng(ctx)?), "run_last")?;
    eq(got.as_ref(), vec![vec![s("{%")]], "a:str", "template-like strings")
}

fn ex_14(ctx: &Ctx) -> CaseResult {
    fixtures()?;
    let script = "CREATE [[1],[2],[3]] SCHEMA a:int\n\
                  SELECT * WHERE a IN ({% for k in ks %}{{k}}{% if not loop.last %},{% endif %}{% endfor %})";
    let got =
        ok(fsql(script).param("ks", serde_json::json!([1, 2])).run_last(eng(ctx)?), "run_last")?;
    eq(got.as_ref(), vec![vec![i(1)], vec![i(2)]], "a:int", "template loop")
}

fn ex_15(_ctx: &Ctx) -> CaseResult {
    syntax_at("CREATE [[0]] SCHEMA a:decimal(10,2)", 1, 30, "(")?;
    compile_fails("CREATE [[0]] SCHEMA a:INT", ErrorKind::SchemaSyntax)
}
