//! §7.6 ZIP, TAKE, SAMPLE, column and null statements (FSQL-EX-56..66).

use super::*;

/// The cases of §7.6.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "ex_56_zip_and_cotransformer",
            ["FSQL-EX-56", "FSQL-STMT-ZIP-1", "FSQL-STMT-ZIP-5"],
            ex_56
        ),
        case!(
            "ex_57_zip_through_last_and_variable",
            ["FSQL-EX-57", "FSQL-STMT-ZIP-5", "FSQL-STMT-ZIP-6"],
            ex_57
        ),
        case!(
            "ex_58_zip_errors",
            ["FSQL-EX-58", "FSQL-STMT-ZIP-2", "FSQL-STMT-ZIP-3", "FSQL-STMT-TRANSFORM-3"],
            ex_58
        ),
        case!("ex_59_take_nulls", ["FSQL-EX-59", "FSQL-STMT-TAKE-1", "FSQL-STMT-TAKE-2"], ex_59),
        case!("ex_60_take_per_partition", ["FSQL-EX-60", "FSQL-STMT-TAKE-1"], ex_60),
        case!(
            "ex_61_take_counts_and_order",
            ["FSQL-EX-61", "FSQL-STMT-TAKE-3", "FSQL-STMT-TAKE-4"],
            ex_61
        ),
        case!("ex_62_sample", ["FSQL-EX-62", "FSQL-STMT-SAMPLE-1", "FSQL-STMT-SAMPLE-2"], ex_62),
        case!(
            "ex_63_sample_syntax",
            ["FSQL-EX-63", "FSQL-STMT-SAMPLE-2", "FSQL-STMT-SAMPLE-3"],
            ex_63
        ),
        case!(
            "ex_64_column_statements",
            ["FSQL-EX-64", "FSQL-STMT-DROPCOLS-1", "FSQL-STMT-RENAME-1", "FSQL-STMT-ALTER-1"],
            ex_64
        ),
        case!(
            "ex_65_column_statement_errors",
            ["FSQL-EX-65", "FSQL-STMT-DROPCOLS-1", "FSQL-STMT-RENAME-1"],
            ex_65
        ),
        case!(
            "ex_66_null_statements",
            ["FSQL-EX-66", "FSQL-STMT-FILL-1", "FSQL-STMT-DROPROWS-1"],
            ex_66
        ),
    ]
}

const AB: &str = "a = CREATE [[1,10],[2,20]] SCHEMA k:int,v:int\n\
                  b = CREATE [[1,5],[1,6],[3,7]] SCHEMA k:int,w:int\n";

const SIZES: &str = "n0:long,n1:long";

fn ex_56(ctx: &Ctx) -> CaseResult {
    for (how, want) in [
        ("", vec![vec![l(1), l(2)]]),
        ("FULL OUTER ", vec![vec![l(1), l(2)], vec![l(1), l(0)], vec![l(0), l(1)]]),
        ("LEFT OUTER ", vec![vec![l(1), l(2)], vec![l(1), l(0)]]),
    ] {
        let script = format!("{AB}TRANSFORM (ZIP a, b {how}BY k) USING ct_sizes");
        last_eq(ctx, &script, want, SIZES)?;
    }
    Ok(())
}

fn ex_57(ctx: &Ctx) -> CaseResult {
    let script = format!("{AB}z = ZIP a, b BY k\nTRANSFORM z PREPARTITION 4 USING ct_sizes");
    last_eq(ctx, &script, vec![vec![l(1), l(2)]], SIZES)?;
    let script = format!("{AB}ZIP a, b\nTRANSFORM USING ct_sizes");
    last_eq(ctx, &script, vec![vec![l(1), l(2)]], SIZES)
}

fn ex_58(ctx: &Ctx) -> CaseResult {
    syntax_at("ZIP a, b LEFT BY k", 1, 15, "BY")?;
    fails_by_run(ctx, &format!("{AB}ZIP a, b CROSS BY k"), ErrorKind::InvalidOperation)?;
    // WF-COTR-1 SHOULD: ERR-WF-COMPILE at compile; a deferred check fails
    // the run with ERR-ARG
    fixtures()?;
    let script = "a = CREATE [[1,10]] SCHEMA k:int,v:int\nTRANSFORM a USING ct_sizes";
    match fugue_sql::compile(script) {
        Err(e) if e.kind() == ErrorKind::WorkflowCompile => Ok(()),
        Err(e) => Err(format!("cotransformer on a plain frame: expected ERR-WF-COMPILE, got {e}")),
        Ok(_) => run_fails(ctx, script, ErrorKind::InvalidArgument),
    }
}

fn ex_59(ctx: &Ctx) -> CaseResult {
    let base = "CREATE [[NULL,1],[2,2],[3,3]] SCHEMA a:double,b:int\n";
    last_eq(
        ctx,
        &format!("{base}TAKE 1 ROW PRESORT a DESC NULLS FIRST"),
        vec![vec![N, i(1)]],
        "a:double,b:int",
    )?;
    for tail in [" NULLS LAST", ""] {
        last_eq(
            ctx,
            &format!("{base}TAKE 1 ROW PRESORT a DESC{tail}"),
            vec![vec![d(3.0), i(3)]],
            "a:double,b:int",
        )?;
    }
    Ok(())
}

fn ex_60(ctx: &Ctx) -> CaseResult {
    let script = "CREATE [[\"x\",1],[\"x\",2],[\"y\",5],[NULL,7]] SCHEMA k:str,v:int\n\
                  TAKE 1 ROW PREPARTITION BY k PRESORT v DESC";
    last_eq(ctx, script, vec![vec![s("x"), i(2)], vec![s("y"), i(5)], vec![N, i(7)]], "k:str,v:int")
}

fn ex_61(ctx: &Ctx) -> CaseResult {
    let n = last(ctx, "CREATE USING c_range(n=25)\nTAKE")?;
    let rows = rows_of(&n)?;
    check(rows.len() == 20, || format!("TAKE took {} rows, expected 20", rows.len()))?;
    last_eq(ctx, "CREATE USING c_range(n=25)\nTAKE 0 ROWS", vec![], "a:long")?;
    syntax_at("TAKE 1 ROW PRESORT a PREPARTITION BY k", 1, 22, "PREPARTITION")
}

fn ex_62(ctx: &Ctx) -> CaseResult {
    let script = "src = CREATE USING c_range(n=10)\n\
                  a = SAMPLE 3 ROWS SEED 7 FROM src YIELD DATAFRAME\n\
                  b = SAMPLE 30 PERCENT SEED 7 FROM src YIELD DATAFRAME\n\
                  c = SAMPLE 30 PERCENT SEED 7 YIELD DATAFRAME";
    let r1 = run(ctx, script)?;
    let r2 = run(ctx, script)?;
    for name in ["a", "b"] {
        let mut got1 = rows_of(&got(&r1, name)?)?;
        let mut got2 = rows_of(&got(&r2, name)?)?;
        got1.sort_by(|x, y| x[0].total_cmp(&y[0]));
        got2.sort_by(|x, y| x[0].total_cmp(&y[0]));
        let mut distinct = got1.clone();
        distinct.dedup();
        check(got1.len() == 3 && distinct.len() == 3, || {
            format!("`{name}`: {got1:?}, expected 3 distinct rows")
        })?;
        check(got1.iter().all(|r| matches!(r[0], Value::Int64(0..=9))), || {
            format!("`{name}`: {got1:?} not within 0..9")
        })?;
        check(got1 == got2, || format!("`{name}` differs between runs: {got1:?} / {got2:?}"))?;
    }
    let c = rows_of(&got(&r1, "c")?)?;
    check(c.len() == 1, || format!("`c` samples `b` (3 rows): {c:?}, expected 1 row"))
}

fn ex_63(ctx: &Ctx) -> CaseResult {
    syntax_at("SAMPLE 0.5 ROWS", 1, 12, "ROWS")?;
    syntax_at("SAMPLE 5 ROW", 1, 10, "ROW")?;
    let got =
        last(ctx, "CREATE USING c_range(n=10)\nSAMPLE APPROX 2 ROWS SEED 1 PREPARTITION BY a")?;
    let rows = rows_of(&got)?;
    check(rows.len() == 2, || format!("{} rows, expected 2", rows.len()))
}

fn ex_64(ctx: &Ctx) -> CaseResult {
    let script = "CREATE [[1,\"x\",true]] SCHEMA a:int,b:str,c:bool\n\
                  DROP COLUMNS c, zz IF EXISTS\n\
                  RENAME COLUMNS a:x\n\
                  ALTER COLUMNS x:str";
    last_eq(ctx, script, vec![vec![s("1"), s("x")]], "x:str,b:str")
}

fn ex_65(ctx: &Ctx) -> CaseResult {
    run_fails(ctx, "CREATE [[1,2]] SCHEMA a:int,b:int\nDROP COLUMNS zz", ErrorKind::DataFrameOp)?;
    syntax_at("RENAME COLUMNS a=b", 1, 17, "=")
}

fn ex_66(ctx: &Ctx) -> CaseResult {
    let base = "d = CREATE [[NULL,NULL],[NULL,1],[2,NULL]] SCHEMA a:int,b:int\n";
    for (stmt, want) in [
        ("DROP ROWS IF ANY NULLS FROM d", vec![]),
        ("DROP ROWS IF ALL NULLS FROM d", vec![vec![N, i(1)], vec![i(2), N]]),
        ("DROP ROWS IF ANY NULL ON a FROM d", vec![vec![i(2), N]]),
        (
            "FILL NULLS (a:0, b:-1) FROM d",
            vec![vec![i(0), i(-1)], vec![i(0), i(1)], vec![i(2), i(-1)]],
        ),
    ] {
        last_eq(ctx, &format!("{base}{stmt}"), want, "a:int,b:int")?;
    }
    Ok(())
}
