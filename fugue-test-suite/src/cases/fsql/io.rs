//! §7.3 CREATE, LOAD, SAVE (FSQL-EX-16..25). `{{p}}` is a template param
//! holding a fresh temp folder (§7.1).

use super::*;

/// The cases of §7.3.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("ex_16_empty_inline_data", ["FSQL-EX-16", "FSQL-STMT-CREATE-2"], ex_16),
        case!("ex_17_row_arity", ["FSQL-EX-17", "FSQL-STMT-CREATE-2"], ex_17),
        case!(
            "ex_18_creator_and_params_spellings",
            ["FSQL-EX-18", "FSQL-STMT-CREATE-5", "FSQL-PARAMS-1"],
            ex_18
        ),
        case!("ex_19_unknown_or_unsuitable_extension", ["FSQL-EX-19", "FSQL-RUST-REG-5"], ex_19),
        case!(
            "ex_20_save_and_load_columns",
            ["FSQL-EX-20", "FSQL-STMT-SAVE-1", "FSQL-STMT-LOAD-4"],
            ex_20
        ),
        case!("ex_21_save_to_existing_path", ["FSQL-EX-21", "FSQL-STMT-SAVE-2"], ex_21),
        case!(
            "ex_22_csv_single_header_columns",
            ["FSQL-EX-22", "FSQL-STMT-SAVE-3", "FSQL-STMT-LOAD-2", "FSQL-STMT-LOAD-4"],
            ex_22
        ),
        case!("ex_23_format_errors", ["FSQL-EX-23", "FSQL-STMT-LOAD-2", "ENG-IO-2"], ex_23),
        case!(sql "ex_24_save_and_use", ["FSQL-EX-24", "FSQL-STMT-SAVEUSE-1"], ex_24),
        case!("ex_25_load_path_list", ["FSQL-EX-25", "FSQL-STMT-LOAD-3"], ex_25),
    ]
}

fn ex_16(ctx: &Ctx) -> CaseResult {
    last_eq(ctx, "CREATE DATA [] SCHEMA a:int,b:str", vec![], "a:int,b:str")
}

fn ex_17(ctx: &Ctx) -> CaseResult {
    fails_by_run(ctx, "CREATE [[1,2],[3]] SCHEMA a:int,b:int", ErrorKind::InvalidArgument)
}

fn ex_18(ctx: &Ctx) -> CaseResult {
    let first = "CREATE USING c_range(n=3)";
    last_eq(ctx, first, vec![vec![l(0)], vec![l(1)], vec![l(2)]], "a:long")?;
    let want = compile(first)?.spec_uuid();
    for other in [
        "CREATE USING c_range PARAMS n:3",
        "CREATE USING c_range {n:3}",
        "CREATE USING c_range PARAMS (n=3)",
    ] {
        check(compile(other)?.spec_uuid() == want, || {
            format!("`{other}` has another spec_uuid than `{first}`")
        })?;
    }
    let n2 = compile("CREATE USING c_range(n=2)")?.spec_uuid();
    check(n2 != want, || "params are not part of the identity".into())
}

fn ex_19(_ctx: &Ctx) -> CaseResult {
    fixtures()?;
    match fugue_sql::compile("CREATE USING nope") {
        Err(e) if e.kind() == ErrorKind::Interfaceless => {
            check(e.to_string().contains("nope"), || {
                format!("the error does not name `nope`: {e}")
            })?
        }
        Err(e) => return Err(format!("CREATE USING nope: expected ERR-WF-INTERFACELESS, got {e}")),
        Ok(_) => return Err("CREATE USING nope compiled".into()),
    }
    let script = "CREATE [[1]] SCHEMA a:long\nTRANSFORM USING c_range SCHEMA *";
    match fugue_sql::compile(script) {
        Err(e) if e.kind() == ErrorKind::Interfaceless => {
            check(e.to_string().to_lowercase().contains("creator"), || {
                format!("no hint that `c_range` is a creator: {e}")
            })
        }
        Err(e) => Err(format!("TRANSFORM USING c_range: expected ERR-WF-INTERFACELESS, got {e}")),
        Ok(_) => Err("TRANSFORM USING c_range compiled".into()),
    }
}

fn ex_20(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let script = "CREATE [[1,\"x\"],[2,\"y\"]] SCHEMA a:long,b:str\n\
                  SAVE OVERWRITE \"{{p}}/f.parquet\"\n\
                  LOAD \"{{p}}/f.parquet\" COLUMNS b";
    let got = last_p(ctx, script, &dir)?;
    eq(got.as_ref(), vec![vec![s("x")], vec![s("y")]], "b:str", "LOAD ... COLUMNS b")
}

fn ex_21(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let script = "CREATE [[1]] SCHEMA a:int\n\
                  SAVE OVERWRITE \"{{p}}/g.parquet\"\n\
                  SAVE TO \"{{p}}/g.parquet\"";
    let dag = compile_p(script, &dir)?;
    expect_kind(dag.run(eng(ctx)?).map(drop), ErrorKind::AlreadyExists, "SAVE TO an existing path")
}

fn ex_22(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let script = "CREATE [[1,\"x\"]] SCHEMA a:long,b:str\n\
                  SAVE OVERWRITE SINGLE CSV \"{{p}}/h.csv\" (header=true)\n\
                  LOAD CSV \"{{p}}/h.csv\" (header=true) COLUMNS a:long,b:str";
    let got = last_p(ctx, script, &dir)?;
    eq(got.as_ref(), vec![vec![l(1), s("x")]], "a:long,b:str", "CSV round trip")
}

fn ex_23(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let dag = compile_p("CREATE [[1]] SCHEMA a:int\nSAVE OVERWRITE \"{{p}}/noext\"", &dir)?;
    expect_kind(dag.run(eng(ctx)?).map(drop), ErrorKind::NotSupported, "a path without extension")?;
    // positions refer to the rendered script (FSQL-RUST-ERR-7)
    let e = match fsql("LOAD AVRO \"{{p}}/a.avro\"").param("p", dir_text(&dir)).compile() {
        Err(e) => e,
        Ok(_) => return Err("LOAD AVRO compiled".into()),
    };
    check(e.kind() == ErrorKind::FsqlSyntax, || {
        format!("LOAD AVRO: expected ERR-FSQL-SYNTAX, got {e}")
    })?;
    caret_at(&e.to_string(), 1, 6, "AVRO")
}

fn ex_24(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let script = "CREATE [[1],[2]] SCHEMA a:int\n\
                  x = SAVE AND USE OVERWRITE \"{{p}}/s.parquet\"\n\
                  SELECT SUM(a) AS s FROM x";
    let got = last_p(ctx, script, &dir)?;
    one_int(&got, "s", 3)?;
    check(dir.path().join("s.parquet").exists(), || "s.parquet was not written".into())
}

fn ex_25(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let script = "CREATE [[1]] SCHEMA a:long\n\
                  SAVE OVERWRITE \"{{p}}/l1.parquet\"\n\
                  CREATE [[2]] SCHEMA a:long\n\
                  SAVE OVERWRITE \"{{p}}/l2.parquet\"\n\
                  LOAD [\"{{p}}/l1.parquet\", \"{{p}}/l2.parquet\"]";
    let got = last_p(ctx, script, &dir)?;
    eq(got.as_ref(), vec![vec![l(1)], vec![l(2)]], "a:long", "LOAD of a path list")
}
