//! load_df / save_df (E31–E41) plus modes, format inference, errors and
//! empty frames. Every case works in its own `tempfile::tempdir()`.

use std::path::{Path, PathBuf};

use fugue_core::engine::{ExecutionEngineExt, LoadOptions, SaveOptions};
use fugue_core::io::{FormatOptions, LoadColumns, SaveMode};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "io/save_single_and_load_parquet",
            ["ENG-IO-1", "ENG-IO-4", "ENG-IO-5", "ENG-IO-6", "ENG-IO-7", "ENG-PQ-1"],
            save_single_and_load_parquet
        ),
        case!(
            "io/save_and_load_parquet",
            ["ENG-IO-1", "ENG-IO-2", "ENG-IO-4", "ENG-IO-9", "ENG-PQ-1"],
            save_and_load_parquet
        ),
        case!("io/load_parquet_folder", ["ENG-IO-3", "ENG-PQ-2"], load_parquet_folder),
        case!("io/load_parquet_files", ["ENG-IO-3", "ENG-IO-4"], load_parquet_files),
        case!(
            "io/save_single_and_load_csv",
            [
                "ENG-CSV-1",
                "ENG-CSV-2",
                "ENG-CSV-3",
                "ENG-CSV-5",
                "ENG-CSV-6",
                "ENG-IO-4",
                "ENG-IO-5",
                "ENG-IO-6"
            ],
            save_single_and_load_csv
        ),
        case!(
            "io/save_single_and_load_csv_no_header",
            ["ENG-CSV-1", "ENG-CSV-4", "ENG-CSV-5", "ENG-CSV-6"],
            csv_no_header
        ),
        case!(
            "io/save_and_load_csv",
            ["ENG-CSV-2", "ENG-CSV-3", "ENG-CSV-5", "ENG-IO-7"],
            save_and_load_csv
        ),
        case!("io/load_csv_folder", ["ENG-CSV-8", "ENG-IO-3"], load_csv_folder),
        case!(
            "io/save_single_and_load_json",
            ["ENG-JSON-1", "ENG-JSON-2", "ENG-IO-5", "ENG-IO-6"],
            save_single_and_load_json
        ),
        case!(
            "io/save_and_load_json",
            ["ENG-REPART-1", "ENG-IO-7", "ENG-JSON-2", "ENG-JSON-3"],
            save_and_load_json
        ),
        case!("io/load_json_folder", ["ENG-JSON-3", "ENG-IO-3"], load_json_folder),
        case!("io/save_modes", ["ENG-IO-5"], save_modes),
        case!("io/formats", ["ENG-IO-1", "ENG-IO-2", "ENG-IO-3", "ENG-IO-4", "ENG-IO-5"], formats),
        case!(
            "io/nulls_and_types",
            ["ENG-PQ-1", "ENG-CSV-7", "ENG-JSON-1", "ENG-JSON-2"],
            nulls_and_types
        ),
        case!("io/partitioned_save", ["ENG-IO-8", "ENG-PQ-2"], partitioned_save),
        case!("io/empty_inputs", ["ENG-PQ-1", "ENG-IO-6", "ENG-IO-7"], empty_inputs),
    ]
}

fn tmp() -> Result<tempfile::TempDir, String> {
    tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))
}

fn p(path: &Path) -> Result<&str, String> {
    path.to_str().ok_or_else(|| "non-utf8 temp path".to_string())
}

fn mkdirs(path: &Path) -> CaseResult {
    std::fs::create_dir_all(path).map_err(|e| format!("mkdir: {e}"))
}

fn touch(path: &Path) -> CaseResult {
    std::fs::write(path, b"").map_err(|e| format!("touch: {e}"))
}

fn opts(pairs: &[(&str, serde_json::Value)]) -> FormatOptions {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn save_opts(hint: &str, single: bool, mode: SaveMode, format: FormatOptions) -> SaveOptions {
    SaveOptions {
        format_hint: if hint.is_empty() { None } else { Some(hint.to_string()) },
        mode,
        force_single: single,
        format_options: format,
        ..SaveOptions::default()
    }
}

fn load_opts(hint: &str, columns: LoadColumns, format: FormatOptions) -> LoadOptions {
    LoadOptions {
        format_hint: if hint.is_empty() { None } else { Some(hint.to_string()) },
        columns,
        format_options: format,
    }
}

fn names(cols: &[&str]) -> LoadColumns {
    LoadColumns::Names(cols.iter().map(|c| c.to_string()).collect())
}

fn typed(expr: &str) -> Result<LoadColumns, String> {
    Ok(LoadColumns::Schema(schema(expr)?))
}

fn save(ctx: &Ctx, df: &DataFrameRef, path: &Path, o: &SaveOptions) -> CaseResult {
    ok(engine(ctx)?.save_df(df, p(path)?, o), &format!("save {}", path.display()))
}

fn load(ctx: &Ctx, paths: &[&Path], o: &LoadOptions) -> Result<DataFrameRef, String> {
    let strs = paths.iter().map(|x| p(x)).collect::<Result<Vec<_>, _>>()?;
    ok(engine(ctx)?.load_df(&strs, o), "load")
}

fn ca_frame(ctx: &Ctx, rows: &[(i32, i64)]) -> Result<DataFrameRef, String> {
    ctx.df(rows.iter().map(|(c, a)| vec![i(*c), l(*a)]).collect(), "c:int,a:long")
}

fn ca_double(ctx: &Ctx, rows: &[(f64, f64)]) -> Result<DataFrameRef, String> {
    ctx.df(rows.iter().map(|(c, a)| vec![d(*c), d(*a)]).collect(), "c:double,a:double")
}

fn ab_path(dir: &Path) -> PathBuf {
    dir.join("a").join("b")
}

// E31
fn save_single_and_load_parquet(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let path = ab_path(dir.path());
    mkdirs(&path)?;
    let b = ca_frame(ctx, &[(6, 1), (2, 7)])?;
    save(ctx, &b, &path, &save_opts("parquet", true, SaveMode::Overwrite, opts(&[])))?;
    check(path.is_file(), || "force_single must replace the folder with a file".into())?;
    let c = load(ctx, &[&path], &load_opts("parquet", names(&["a", "c"]), opts(&[])))?;
    eq_ordered(&c, vec![vec![l(1), i(6)], vec![l(7), i(2)]], "a:long,c:int", "load a,c")?;
    let b = ca_frame(ctx, &[(60, 1), (20, 7)])?;
    save(ctx, &b, &path, &save_opts("parquet", false, SaveMode::Overwrite, opts(&[])))?;
    let c = load(ctx, &[&path], &load_opts("parquet", names(&["a", "c"]), opts(&[])))?;
    eq(&c, vec![vec![l(1), i(60)], vec![l(7), i(20)]], "a:long,c:int", "overwrite")
}

// E32
fn save_and_load_parquet(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let path = ab_path(dir.path());
    let b = ca_frame(ctx, &[(6, 1), (2, 7)])?;
    save(ctx, &b, &path, &save_opts("parquet", false, SaveMode::Overwrite, opts(&[])))?;
    let c = load(ctx, &[&path], &load_opts("parquet", names(&["a", "c"]), opts(&[])))?;
    eq(&c, vec![vec![l(1), i(6)], vec![l(7), i(2)]], "a:long,c:int", "load a,c")?;
    // without columns the exact schema comes back
    let c = load(ctx, &[&path], &load_opts("parquet", LoadColumns::All, opts(&[])))?;
    eq(&c, vec![vec![i(6), l(1)], vec![i(2), l(7)]], "c:int,a:long", "load all")
}

// E33
fn load_parquet_folder(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let path = ab_path(dir.path());
    let a = ca_frame(ctx, &[(6, 1)])?;
    let b = ca_frame(ctx, &[(2, 7), (4, 8)])?;
    save(ctx, &a, &path.join("a.parquet"), &save_opts("", false, SaveMode::Overwrite, opts(&[])))?;
    save(ctx, &b, &path.join("b.parquet"), &save_opts("", false, SaveMode::Overwrite, opts(&[])))?;
    touch(&path.join("_SUCCESS"))?;
    let c = load(ctx, &[&path], &load_opts("parquet", names(&["a", "c"]), opts(&[])))?;
    eq(&c, vec![vec![l(1), i(6)], vec![l(7), i(2)], vec![l(8), i(4)]], "a:long,c:int", "folder")
}

// E34
fn load_parquet_files(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let path = ab_path(dir.path());
    let (f1, f2) = (path.join("a.parquet"), path.join("b.parquet"));
    save(
        ctx,
        &ca_frame(ctx, &[(6, 1)])?,
        &f1,
        &save_opts("", false, SaveMode::Overwrite, opts(&[])),
    )?;
    save(
        ctx,
        &ca_frame(ctx, &[(2, 7), (4, 8)])?,
        &f2,
        &save_opts("", false, SaveMode::Overwrite, opts(&[])),
    )?;
    let c = load(ctx, &[&f1, &f2], &load_opts("parquet", names(&["a", "c"]), opts(&[])))?;
    eq(&c, vec![vec![l(1), i(6)], vec![l(7), i(2)], vec![l(8), i(4)]], "a:long,c:int", "file list")
}

// E35
fn save_single_and_load_csv(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let path = ab_path(dir.path());
    mkdirs(&path)?;
    let b = ca_double(ctx, &[(6.1, 1.1), (2.1, 7.1)])?;
    let header = || opts(&[("header", serde_json::json!(true))]);
    save(ctx, &b, &path, &save_opts("csv", true, SaveMode::Overwrite, header()))?;
    check(path.is_file(), || "force_single must replace the folder with a file".into())?;
    let with = |infer: bool| {
        opts(&[("header", serde_json::json!(true)), ("infer_schema", serde_json::json!(infer))])
    };
    let c = load(ctx, &[&path], &load_opts("csv", LoadColumns::All, with(false)))?;
    eq(
        &c,
        vec![vec![s("6.1"), s("1.1")], vec![s("2.1"), s("7.1")]],
        "c:str,a:str",
        "no inference",
    )?;
    let c = load(ctx, &[&path], &load_opts("csv", LoadColumns::All, with(true)))?;
    eq(&c, vec![vec![d(6.1), d(1.1)], vec![d(2.1), d(7.1)]], "c:double,a:double", "inference")?;
    let e = engine(ctx)?;
    expect_kind(
        e.load_df(&[p(&path)?], &load_opts("csv", typed("c:str,a:str")?, with(true))).map(|_| ()),
        ErrorKind::InvalidArgument,
        "schema with infer_schema",
    )?;
    let c = load(ctx, &[&path], &load_opts("csv", names(&["a", "c"]), with(false)))?;
    eq(&c, vec![vec![s("1.1"), s("6.1")], vec![s("7.1"), s("2.1")]], "a:str,c:str", "name list")?;
    let c = load(ctx, &[&path], &load_opts("csv", typed("a:double,c:double")?, with(false)))?;
    eq(
        &c,
        vec![vec![d(1.1), d(6.1)], vec![d(7.1), d(2.1)]],
        "a:double,c:double",
        "schema conversion",
    )?;
    let b = ca_double(ctx, &[(60.1, 1.1), (20.1, 7.1)])?;
    save(ctx, &b, &path, &save_opts("csv", false, SaveMode::Overwrite, header()))?;
    let c = load(ctx, &[&path], &load_opts("csv", names(&["a", "c"]), with(false)))?;
    eq(&c, vec![vec![s("1.1"), s("60.1")], vec![s("7.1"), s("20.1")]], "a:str,c:str", "overwrite")
}

// E36
fn csv_no_header(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let dir = tmp()?;
    let path = ab_path(dir.path());
    mkdirs(&path)?;
    let b = ca_double(ctx, &[(6.1, 1.1), (2.1, 7.1)])?;
    save(
        ctx,
        &b,
        &path,
        &save_opts("csv", true, SaveMode::Overwrite, opts(&[("header", serde_json::json!(false))])),
    )?;
    check(path.is_file(), || "force_single must write a file".into())?;
    let with = |infer: bool| {
        opts(&[("header", serde_json::json!(false)), ("infer_schema", serde_json::json!(infer))])
    };
    expect_kind(
        e.load_df(&[p(&path)?], &load_opts("csv", LoadColumns::All, with(false))).map(|_| ()),
        ErrorKind::InvalidArgument,
        "no header and no columns",
    )?;
    let c = load(ctx, &[&path], &load_opts("csv", names(&["c", "a"]), with(false)))?;
    eq(
        &c,
        vec![vec![s("6.1"), s("1.1")], vec![s("2.1"), s("7.1")]],
        "c:str,a:str",
        "positional names",
    )?;
    let c = load(ctx, &[&path], &load_opts("csv", names(&["c", "a"]), with(true)))?;
    eq(&c, vec![vec![d(6.1), d(1.1)], vec![d(2.1), d(7.1)]], "c:double,a:double", "inference")?;
    expect_kind(
        e.load_df(&[p(&path)?], &load_opts("csv", typed("c:double,a:double")?, with(true)))
            .map(|_| ()),
        ErrorKind::InvalidArgument,
        "schema with infer_schema",
    )?;
    let c = load(ctx, &[&path], &load_opts("csv", typed("c:double,a:str")?, with(false)))?;
    eq(
        &c,
        vec![vec![d(6.1), s("1.1")], vec![d(2.1), s("7.1")]],
        "c:double,a:str",
        "schema conversion",
    )
}

// E37
fn save_and_load_csv(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let path = ab_path(dir.path());
    let b = ca_double(ctx, &[(6.1, 1.1), (2.1, 7.1)])?;
    save(
        ctx,
        &b,
        &path,
        &save_opts("csv", false, SaveMode::Overwrite, opts(&[("header", serde_json::json!(true))])),
    )?;
    let o = opts(&[("header", serde_json::json!(true)), ("infer_schema", serde_json::json!(true))]);
    let c = load(ctx, &[&path], &load_opts("csv", names(&["a", "c"]), o))?;
    eq(&c, vec![vec![d(1.1), d(6.1)], vec![d(7.1), d(2.1)]], "a:double,c:double", "csv round trip")
}

// E38
fn load_csv_folder(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let path = ab_path(dir.path());
    let header = || opts(&[("header", serde_json::json!(true))]);
    save(
        ctx,
        &ca_double(ctx, &[(6.1, 1.1)])?,
        &path.join("a.csv"),
        &save_opts("csv", false, SaveMode::Overwrite, header()),
    )?;
    save(
        ctx,
        &ca_double(ctx, &[(2.1, 7.1), (4.1, 8.1)])?,
        &path.join("b.csv"),
        &save_opts("csv", false, SaveMode::Overwrite, header()),
    )?;
    touch(&path.join("_SUCCESS"))?;
    let o = opts(&[("header", serde_json::json!(true)), ("infer_schema", serde_json::json!(true))]);
    let c = load(ctx, &[&path], &load_opts("csv", names(&["a", "c"]), o))?;
    eq(
        &c,
        vec![vec![d(1.1), d(6.1)], vec![d(7.1), d(2.1)], vec![d(8.1), d(4.1)]],
        "a:double,c:double",
        "csv folder",
    )
}

// E39
fn save_single_and_load_json(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let path = ab_path(dir.path());
    mkdirs(&path)?;
    save(
        ctx,
        &ca_frame(ctx, &[(6, 1), (2, 7)])?,
        &path,
        &save_opts("json", true, SaveMode::Overwrite, opts(&[])),
    )?;
    check(path.is_file(), || "force_single must replace the folder with a file".into())?;
    let c = load(ctx, &[&path], &load_opts("json", names(&["a", "c"]), opts(&[])))?;
    eq(&c, vec![vec![l(1), l(6)], vec![l(7), l(2)]], "a:long,c:long", "int comes back as long")?;
    let b = ctx.df(vec![vec![l(60), l(1)], vec![l(20), l(7)]], "c:long,a:long")?;
    save(ctx, &b, &path, &save_opts("json", false, SaveMode::Overwrite, opts(&[])))?;
    let c = load(ctx, &[&path], &load_opts("json", names(&["a", "c"]), opts(&[])))?;
    eq(&c, vec![vec![l(1), l(60)], vec![l(7), l(20)]], "a:long,c:long", "overwrite")
}

// E40
fn save_and_load_json(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let dir = tmp()?;
    let path = ab_path(dir.path());
    let b = ca_frame(ctx, &[(6, 1), (3, 4), (2, 7), (4, 8), (6, 7)])?;
    let b = ok(e.repartition(&b, &PartitionSpec::num(2)), "repartition")?;
    save(ctx, &b, &path, &save_opts("json", false, SaveMode::Overwrite, opts(&[])))?;
    let c = load(ctx, &[&path], &load_opts("json", names(&["a", "c"]), opts(&[])))?;
    eq(
        &c,
        vec![
            vec![l(1), l(6)],
            vec![l(7), l(2)],
            vec![l(4), l(3)],
            vec![l(8), l(4)],
            vec![l(7), l(6)],
        ],
        "a:long,c:long",
        "json of a repartitioned frame",
    )
}

// E41
fn load_json_folder(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let path = ab_path(dir.path());
    save(
        ctx,
        &ca_frame(ctx, &[(6, 1), (3, 4)])?,
        &path.join("a.json"),
        &save_opts("json", false, SaveMode::Overwrite, opts(&[])),
    )?;
    save(
        ctx,
        &ca_frame(ctx, &[(2, 7), (4, 8)])?,
        &path.join("b.json"),
        &save_opts("json", false, SaveMode::Overwrite, opts(&[])),
    )?;
    touch(&path.join("_SUCCESS"))?;
    let c = load(ctx, &[&path], &load_opts("json", names(&["a", "c"]), opts(&[])))?;
    eq(
        &c,
        vec![vec![l(1), l(6)], vec![l(7), l(2)], vec![l(8), l(4)], vec![l(4), l(3)]],
        "a:long,c:long",
        "json folder",
    )
}

// own
fn save_modes(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let dir = tmp()?;
    let path = dir.path().join("x.parquet");
    let df = ca_frame(ctx, &[(1, 2)])?;
    save(ctx, &df, &path, &save_opts("", true, SaveMode::Overwrite, opts(&[])))?;
    expect_kind(
        e.save_df(&df, p(&path)?, &save_opts("", true, SaveMode::Error, opts(&[]))),
        ErrorKind::AlreadyExists,
        "mode error on an existing path",
    )?;
    // the failed save left the data intact
    let c = load(ctx, &[&path], &load_opts("", LoadColumns::All, opts(&[])))?;
    eq(&c, vec![vec![i(1), l(2)]], "c:int,a:long", "data after a refused save")?;
    let fresh = dir.path().join("y.parquet");
    save(ctx, &df, &fresh, &save_opts("", true, SaveMode::Error, opts(&[])))?;
    // append: supported, or ERR-NOT-SUPPORTED
    let r = e.save_df(&df, p(&path)?, &save_opts("", false, SaveMode::Append, opts(&[])));
    if e.capabilities().save_append {
        ok(r, "append")?;
        let c = load(ctx, &[&path], &load_opts("parquet", LoadColumns::All, opts(&[])))?;
        eq(&c, vec![vec![i(1), l(2)], vec![i(1), l(2)]], "c:int,a:long", "appended")?;
    } else {
        expect_kind(r, ErrorKind::NotSupported, "append without the capability")?;
    }
    expect_kind(
        e.save_df(
            &df,
            p(&dir.path().join("*.parquet"))?,
            &save_opts("", false, SaveMode::Overwrite, opts(&[])),
        ),
        ErrorKind::InvalidArgument,
        "a glob in the save path",
    )
}

// own
fn formats(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let dir = tmp()?;
    let df = ca_frame(ctx, &[(1, 2), (3, 4)])?;
    expect_kind(
        e.save_df(
            &df,
            p(&dir.path().join("x.parquet"))?,
            &save_opts("xml", false, SaveMode::Overwrite, opts(&[])),
        ),
        ErrorKind::NotSupported,
        "unknown format hint",
    )?;
    expect_kind(
        e.save_df(
            &df,
            p(&dir.path().join("noext"))?,
            &save_opts("", false, SaveMode::Overwrite, opts(&[])),
        ),
        ErrorKind::NotSupported,
        "no suffix and no hint",
    )?;
    // inference from suffixes, including several suffixes
    for name in ["x.parquet", "x.test.csv", "x.json"] {
        let path = dir.path().join(name);
        let header = if name.ends_with(".csv") {
            opts(&[("header", serde_json::json!(true))])
        } else {
            opts(&[])
        };
        save(ctx, &df, &path, &save_opts("", true, SaveMode::Overwrite, header.clone()))?;
        let cols =
            if name.ends_with(".parquet") { LoadColumns::All } else { typed("c:int,a:long")? };
        let c = load(ctx, &[&path], &load_opts("", cols, header))?;
        eq(&c, vec![vec![i(1), l(2)], vec![i(3), l(4)]], "c:int,a:long", name)?;
    }
    // a glob matches files
    let c =
        load(ctx, &[&dir.path().join("*.parquet")], &load_opts("", LoadColumns::All, opts(&[])))?;
    eq(&c, vec![vec![i(1), l(2)], vec![i(3), l(4)]], "c:int,a:long", "glob")?;
    // missing path and missing column
    expect_kind(
        e.load_df(
            &[p(&dir.path().join("nothing.parquet"))?],
            &load_opts("", LoadColumns::All, opts(&[])),
        )
        .map(|_| ()),
        ErrorKind::NotFound,
        "missing path",
    )?;
    expect_kind(
        e.load_df(&[p(&dir.path().join("x.parquet"))?], &load_opts("", names(&["zz"]), opts(&[])))
            .map(|_| ()),
        ErrorKind::NotFound,
        "missing column",
    )
}

// own
fn nulls_and_types(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let rows =
        vec![vec![i(1), s("x"), d(1.5), b(true), dt("2020-01-02 03:04:05")?], vec![N, N, N, N, N]];
    let sch = "a:int,`b c`:str,d:double,e:bool,f:datetime";
    let df = ctx.df(rows.clone(), sch)?;
    let pq = dir.path().join("t.parquet");
    save(ctx, &df, &pq, &save_opts("", true, SaveMode::Overwrite, opts(&[])))?;
    let c = load(ctx, &[&pq], &load_opts("", LoadColumns::All, opts(&[])))?;
    eq(&c, rows, sch, "parquet keeps the exact schema")?;
    // csv: empty fields load as null
    let df = ctx.df(vec![vec![i(1), s("x")], vec![N, N]], "a:int,b:str")?;
    let csv = dir.path().join("t.csv");
    let header = || opts(&[("header", serde_json::json!(true))]);
    save(ctx, &df, &csv, &save_opts("", true, SaveMode::Overwrite, header()))?;
    let c = load(ctx, &[&csv], &load_opts("", typed("a:int,b:str")?, header()))?;
    let r = rows_of(&c)?;
    check(r.iter().any(|row| row[0] == N), || format!("csv empty field not null: {r:?}"))?;
    // json: nulls as null, types inferred
    let df = ctx.df(
        vec![vec![i(1), s("x"), d(0.5), b(true)], vec![N, N, N, N]],
        "a:int,b:str,c:double,d:bool",
    )?;
    let js = dir.path().join("t.json");
    save(ctx, &df, &js, &save_opts("", true, SaveMode::Overwrite, opts(&[])))?;
    let c = load(ctx, &[&js], &load_opts("", names(&["a", "b", "c", "d"]), opts(&[])))?;
    eq(
        &c,
        vec![vec![l(1), s("x"), d(0.5), b(true)], vec![N, N, N, N]],
        "a:long,b:str,c:double,d:bool",
        "json",
    )
}

// own
fn partitioned_save(ctx: &Ctx) -> CaseResult {
    let dir = tmp()?;
    let path = dir.path().join("out");
    let df = ca_frame(ctx, &[(6, 1), (2, 7), (6, 3)])?;
    let o = SaveOptions {
        partition_spec: spec(&["c"], "", "", "")?,
        ..save_opts("parquet", false, SaveMode::Overwrite, opts(&[]))
    };
    save(ctx, &df, &path, &o)?;
    check(path.join("c=6").is_dir() && path.join("c=2").is_dir(), || {
        "hive folders c=6 and c=2 missing".into()
    })?;
    let c = load(ctx, &[&path.join("c=6")], &load_opts("parquet", names(&["a"]), opts(&[])))?;
    eq(&c, vec![vec![l(1)], vec![l(3)]], "a:long", "rows of c=6")?;
    // a num-only spec with force_single still writes one file
    let single = dir.path().join("single.parquet");
    let o = SaveOptions {
        partition_spec: PartitionSpec::num(3),
        ..save_opts("", true, SaveMode::Overwrite, opts(&[]))
    };
    save(ctx, &df, &single, &o)?;
    check(single.is_file(), || "num=3 with force_single must write one file".into())
}

// own
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let dir = tmp()?;
    let df = ok(e.to_df_rows(vec![], "c:int,a:long"), "empty")?;
    for (name, single) in [("e1.parquet", true), ("e2.parquet", false)] {
        let path = dir.path().join(name);
        save(ctx, &df, &path, &save_opts("", single, SaveMode::Overwrite, opts(&[])))?;
        let c = load(ctx, &[&path], &load_opts("parquet", LoadColumns::All, opts(&[])))?;
        eq(&c, vec![], "c:int,a:long", "empty parquet round trip")?;
    }
    Ok(())
}
