//! Cotransformers over zipped frames, list-like and dict-like (WF-COTR-1..7,
//! WF-OTR-1, ENG-ZIP, ENG-COMAP).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use fugue_api::api;
use fugue_api::extension::{TransformContext, cotransformer, output_cotransformer};
use fugue_core::DataFrames;

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "cotransform/list_like",
            [
                "WF-COTR-1",
                "WF-COTR-3",
                "WF-COTR-4",
                "WF-COTR-5",
                "WF-CTX-5",
                "WF-SIG-2c",
                "ENG-COMAP-2"
            ],
            list_like
        ),
        case!(
            "cotransform/dict_like",
            ["WF-COTR-5", "WF-COTR-4", "WF-SIG-1f", "ENG-ZIP-8"],
            dict_like
        ),
        case!("cotransform/errors", ["WF-COTR-1", "WF-COTR-2", "WF-COTR-7", "SCH-HINT-12"], errors),
        case!(
            "cotransform/output_cotransform",
            ["WF-OTR-1", "WF-OTR-2", "WF-EXT-7", "WF-SIG-2d"],
            output_cotransform
        ),
    ]
}

/// `k:str,v:long` (a: 2 rows, b: 1 row) and `k:str,w:int` (a: 1 row, c: 1 row).
fn pair() -> Result<(LocalDataFrame, LocalDataFrame), String> {
    Ok((kv()?, local(vec![vec![s("a"), i(7)], vec![s("c"), i(8)]], "k:str,w:int")?))
}

/// Rows of member `df` (0 when it is empty for this key, ENG-COMAP-2).
fn rows_in(
    dfs: &DataFrames,
    pick: impl Fn(&DataFrames) -> Option<&fugue_core::DataFrameRef>,
) -> Result<i64> {
    let df = pick(dfs).ok_or_else(|| Error::user("missing member"))?;
    Ok(df.as_local_bounded()?.num_rows() as i64)
}

fn list_like(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let (a, b) = pair()?;
    let f = cotransformer(|c: &TransformContext<'_>, dfs: DataFrames| -> Result<Vec<Row>> {
        let key = c.cursor().key_value_array()?.remove(0);
        Ok(vec![vec![
            key,
            l(rows_in(&dfs, |d| d.get_index(0))?),
            l(rows_in(&dfs, |d| d.get_index(1))?),
            s(&c.key_schema().to_string()),
        ]])
    });
    for (how, expected) in [
        (fugue_core::engine::JoinType::Inner, vec![vec![s("a"), l(2), l(1), s("k:str")]]),
        (
            fugue_core::engine::JoinType::FullOuter,
            vec![
                vec![s("a"), l(2), l(1), s("k:str")],
                vec![s("b"), l(1), l(0), s("k:str")],
                vec![s("c"), l(0), l(1), s("k:str")],
            ],
        ),
    ] {
        let zipped = ok(
            api::zip([a.clone(), b.clone()]).how(how).partition("k").engine(e.clone()).run(),
            "zip",
        )?;
        let out = ok(
            api::cotransform(zipped, f.clone())
                .schema("k:str,n1:long,n2:long,keys:str")
                .engine(e.clone())
                .run(),
            "cotransform",
        )?;
        eq(
            out.as_ref(),
            expected,
            "k:str,n1:long,n2:long,keys:str",
            &format!("list-like zip, {how:?}"),
        )?;
    }
    Ok(())
}

fn dict_like(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let (a, b) = pair()?;
    let zipped = ok(
        api::zip_named([("sales", a), ("stock", b)]).partition("k").engine(e.clone()).run(),
        "zip_named",
    )?;
    // members by name, whatever their order
    let f = |dfs: DataFrames| -> Result<Vec<Row>> {
        let names: Vec<&str> = dfs.keys().collect();
        if !dfs.has_key() || names != ["sales", "stock"] {
            return Err(Error::user(format!("members {names:?}")));
        }
        let stock =
            dfs.get("stock").ok_or_else(|| Error::user("no stock"))?.as_local_bounded()?.rows()?;
        let sales =
            dfs.get("sales").ok_or_else(|| Error::user("no sales"))?.as_local_bounded()?.rows()?;
        let sold: i64 = sales.iter().map(|r| as_i64(&r[1])).sum::<Result<i64>>()?;
        Ok(vec![vec![stock[0][0].clone(), l(sold), stock[0][1].clone()]])
    };
    let out = ok(
        api::cotransform(zipped, f).schema("k:str,sold:long,w:int").engine(e.clone()).run(),
        "cotransform",
    )?;
    eq(out.as_ref(), vec![vec![s("a"), l(4), i(7)]], "k:str,sold:long,w:int", "dict-like zip")
}

fn errors(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let (a, b) = pair()?;
    let zipped = ok(api::zip([a.clone(), b]).partition("k").engine(e.clone()).run(), "zip")?;
    let f = |dfs: DataFrames| -> Result<Vec<Row>> { Ok(vec![vec![l(dfs.len() as i64)]]) };
    // `*` has no meaning for a cotransformer (WF-COTR-2)
    expect_kind(
        api::cotransform(zipped.clone(), f).schema("*,n:long").engine(e.clone()).run(),
        ErrorKind::Interfaceless,
        "* in a cotransformer schema",
    )?;
    expect_kind(
        api::cotransform(zipped.clone(), cotransformer(f).schema("*")).engine(e.clone()).run(),
        ErrorKind::Interfaceless,
        "* in the cotransformer's own schema",
    )?;
    // no schema at all
    expect_kind(
        api::cotransform(zipped.clone(), f).engine(e.clone()).run(),
        ErrorKind::Interfaceless,
        "cotransformer without schema",
    )?;
    // a cotransformer needs a zipped frame; a transformer refuses one (WF-COTR-1)
    expect_kind(
        api::cotransform(a.clone(), f).schema("n:long").engine(e.clone()).run(),
        ErrorKind::WorkflowCompile,
        "cotransformer on a plain frame",
    )?;
    expect_kind(
        api::transform(zipped.clone(), |df: LocalDataFrame| df).schema("*").engine(e.clone()).run(),
        ErrorKind::WorkflowCompile,
        "transformer on a zipped frame",
    )?;
    // validation rules do not apply to cotransformers (WF-COTR-7)
    expect_kind(
        api::cotransform(zipped.clone(), cotransformer(f).partitionby_has("k"))
            .schema("n:long")
            .engine(e.clone())
            .run(),
        ErrorKind::NotSupported,
        "rules on a cotransformer",
    )?;
    let sink = |_dfs: DataFrames| -> Result<()> { Ok(()) };
    expect_kind(
        api::out_cotransform(zipped.clone(), output_cotransformer(sink).input_has("k"))
            .engine(e.clone())
            .run(),
        ErrorKind::NotSupported,
        "rules on an output cotransformer",
    )?;
    // the zip checks passed; a valid call works
    let out = ok(api::cotransform(zipped, f).schema("n:long").engine(e.clone()).run(), "valid")?;
    eq(out.as_ref(), vec![vec![l(2)]], "n:long", "one key group in common")
}

fn output_cotransform(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let (a, b) = pair()?;
    let zipped = ok(
        api::zip([a, b])
            .how(fugue_core::engine::JoinType::FullOuter)
            .partition("k")
            .engine(e.clone())
            .run(),
        "zip",
    )?;
    let seen = Arc::new(Mutex::new(BTreeMap::new()));
    let s2 = seen.clone();
    let f = output_cotransformer(move |c: &TransformContext<'_>, dfs: DataFrames| -> Result<()> {
        let key = as_str(&c.cursor().key_value_array()?[0])?;
        s2.lock().map_err(poisoned)?.insert(key, dfs.len());
        Ok(())
    });
    ok(api::out_cotransform(zipped, f).engine(e.clone()).run(), "out_cotransform")?;
    let seen = seen.lock().map_err(|_| "poisoned".to_string())?.clone();
    let expected: BTreeMap<String, usize> =
        [("a", 2), ("b", 2), ("c", 2)].into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    check(seen == expected, || format!("groups seen eagerly: {seen:?}"))
}
