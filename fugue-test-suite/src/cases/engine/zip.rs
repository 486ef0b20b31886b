//! zip / comap (E29, E30) plus key rules, errors and empty inputs.

use std::sync::atomic::{AtomicUsize, Ordering};

use fugue_core::dataframe::DataFrames;
use fugue_core::engine::{CoMapFn, CoOnInitFn, JoinType};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "zip/comap",
            [
                "ENG-ZIP-1",
                "ENG-ZIP-2",
                "ENG-ZIP-5",
                "ENG-ZIP-7",
                "ENG-ZIP-8",
                "ENG-COMAP-2",
                "ENG-COMAP-3",
                "ENG-COMAP-4",
                "ENG-COMAP-5",
                "ENG-PERSIST-4",
                "DFS-2"
            ],
            comap
        ),
        case!(
            "zip/comap_with_key",
            ["ENG-ZIP-3", "ENG-ZIP-8", "ENG-COMAP-2", "ENG-COMAP-4", "ENG-COMAP-5", "DFS-1"],
            comap_with_key
        ),
        case!("zip/invalid", ["ENG-ZIP-1", "ENG-ZIP-2", "ENG-ZIP-4", "ENG-COMAP-1"], zip_invalid),
        case!("zip/keys_and_presort", ["ENG-ZIP-2", "ENG-ZIP-5", "ENG-ZIP-6"], keys_and_presort),
        case!("zip/comap_output_schema", ["ENG-COMAP-7", "ENG-MAP-6"], comap_output_schema),
        case!(
            "zip/empty_inputs",
            ["ENG-COMAP-3", "ENG-COMAP-7", "ENG-MAP-7", "PG-6"],
            empty_inputs
        ),
    ]
}

fn frames(ctx: &Ctx) -> Result<(DataFrameRef, DataFrameRef), String> {
    let a = ctx.df(vec![vec![i(1), i(2)], vec![i(3), i(4)], vec![i(1), i(5)]], "a:int,b:int")?;
    let b = ctx.df(vec![vec![i(6), i(1)], vec![i(2), i(7)]], "c:int,a:int")?;
    Ok((a, b))
}

/// Python's comap function: `<key><count>` per member, joined by commas,
/// after the group's key values (from the cursor, ENG-COMAP-4).
fn describe(expect_keyed: bool) -> CoMapFn {
    Arc::new(move |cursor, dfs: DataFrames| {
        if dfs.has_key() != expect_keyed {
            return Err(Error::user(format!("has_key is {}", dfs.has_key())));
        }
        let mut parts = Vec::new();
        for (k, df) in dfs.iter() {
            parts.push(format!("{k}{}", df.count()?));
        }
        let v = s(&parts.join(","));
        let keys = cursor.key_value_array()?;
        if keys.is_empty() {
            return LocalDataFrame::from_rows(vec![vec![v]], "v:str");
        }
        let out = cursor.key_schema().concat(&Schema::parse("v:str")?)?;
        let mut row = keys;
        row.push(v);
        LocalDataFrame::from_rows(vec![row], out.to_string().as_str())
    })
}

fn init_check(expect_keyed: bool, calls: Arc<AtomicUsize>) -> CoOnInitFn {
    Arc::new(move |_, dfs: &DataFrames| {
        if dfs.has_key() != expect_keyed || dfs.is_empty() {
            return Err(Error::user("on_init got a wrong collection"));
        }
        for df in dfs.values() {
            if df.count()? != 0 {
                return Err(Error::user("on_init members must be empty (ENG-COMAP-5)"));
            }
        }
        calls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    })
}

// E29
fn comap(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let (a, b) = frames(ctx)?;
    let ab = DataFrames::list([a.clone(), b.clone()]);
    let ba = DataFrames::list([b.clone(), a.clone()]);
    let by_a = spec(&["a"], "", "", "")?;
    expect_kind(
        e.zip(&ab, JoinType::Cross, &by_a).map(|_| ()),
        ErrorKind::InvalidOperation,
        "cross with keys",
    )?;
    expect_kind(
        e.zip(&ab, JoinType::Anti, &by_a).map(|_| ()),
        ErrorKind::NotSupported,
        "left_anti zip",
    )?;
    let ps = spec(&[], "b,c", "", "")?;
    let persisted = |z: DataFrameRef| -> Result<DataFrameRef, String> {
        let p = ok(e.persist(&z, false), "persist zip")?;
        check(p.metadata() == z.metadata(), || "persist lost the zip metadata".into())?;
        Ok(p)
    };
    let z1 = persisted(ok(e.zip(&ab, JoinType::Inner, &PartitionSpec::default()), "zip inner")?)?;
    let z2 = persisted(ok(e.zip(&ab, JoinType::LeftOuter, &ps), "zip left outer")?)?;
    let z3 = persisted(ok(e.zip(&ba, JoinType::RightOuter, &ps), "zip right outer")?)?;
    let z4 = persisted(ok(e.zip(&ab, JoinType::Cross, &ps), "zip cross")?)?;
    let z5 = persisted(ok(e.zip(&ab, JoinType::FullOuter, &ps), "zip full outer")?)?;
    let inits = Arc::new(AtomicUsize::new(0));
    let none = PartitionSpec::default();
    let out = schema("a:int,v:str")?;
    let r = ok(
        e.comap(&z1, describe(false), &out, &none, Some(init_check(false, inits.clone()))),
        "comap z1",
    )?;
    eq(&r, vec![vec![i(1), s("_02,_11")]], "a:int,v:str", "inner")?;
    check(inits.load(Ordering::SeqCst) >= 1, || "on_init was not called".into())?;
    let r = ok(e.comap(&z2, describe(false), &out, &none, None), "comap z2")?;
    eq(&r, vec![vec![i(1), s("_02,_11")], vec![i(3), s("_01,_10")]], "a:int,v:str", "left outer")?;
    let r = ok(e.comap(&z3, describe(false), &out, &none, None), "comap z3")?;
    eq(&r, vec![vec![i(1), s("_01,_12")], vec![i(3), s("_00,_11")]], "a:int,v:str", "right outer")?;
    let r = ok(e.comap(&z4, describe(false), &schema("v:str")?, &none, None), "comap z4")?;
    eq(&r, vec![vec![s("_03,_12")]], "v:str", "cross")?;
    let r = ok(e.comap(&z5, describe(false), &out, &none, None), "comap z5")?;
    eq(
        &r,
        vec![vec![i(1), s("_02,_11")], vec![i(3), s("_01,_10")], vec![i(7), s("_00,_11")]],
        "a:int,v:str",
        "full outer",
    )
}

// E30
fn comap_with_key(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let (a, b) = frames(ctx)?;
    let c = ctx.df(vec![vec![i(6), i(1)]], "c:int,a:int")?;
    let none = PartitionSpec::default();
    let named = |items: Vec<(&str, DataFrameRef)>| ok(DataFrames::named(items), "named frames");
    let z1 = ok(
        e.persist(
            &ok(
                e.zip(&named(vec![("x", a.clone()), ("y", b.clone())])?, JoinType::Inner, &none),
                "zip",
            )?,
            false,
        ),
        "persist",
    )?;
    let z2 = ok(
        e.persist(
            &ok(
                e.zip(
                    &named(vec![("x", a.clone()), ("y", b.clone()), ("z", b)])?,
                    JoinType::Inner,
                    &none,
                ),
                "zip",
            )?,
            false,
        ),
        "persist",
    )?;
    let z3 = ok(
        e.persist(
            &ok(
                e.zip(&named(vec![("z", c)])?, JoinType::Inner, &spec(&["a"], "", "", "")?),
                "zip",
            )?,
            false,
        ),
        "persist",
    )?;
    let out = schema("a:int,v:str")?;
    let inits = Arc::new(AtomicUsize::new(0));
    let run = |z: &DataFrameRef| {
        e.comap(z, describe(true), &out, &none, Some(init_check(true, inits.clone())))
    };
    eq(
        &ok(run(&z1), "comap z1")?,
        vec![vec![i(1), s("x2,y1")]],
        "a:int,v:str",
        "two named frames",
    )?;
    eq(
        &ok(run(&z2), "comap z2")?,
        vec![vec![i(1), s("x2,y1,z1")]],
        "a:int,v:str",
        "one frame used twice",
    )?;
    eq(
        &ok(run(&z3), "comap z3")?,
        vec![vec![i(1), s("z1")]],
        "a:int,v:str",
        "single frame with keys",
    )
}

// own
fn zip_invalid(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let (a, b) = frames(ctx)?;
    let none = PartitionSpec::default();
    expect_kind(
        e.zip(&DataFrames::new(), JoinType::Inner, &none).map(|_| ()),
        ErrorKind::InvalidArgument,
        "no frames",
    )?;
    let x = ctx.df(vec![vec![i(1)]], "x:int")?;
    expect_kind(
        e.zip(&DataFrames::list([a.clone(), x]), JoinType::Inner, &none).map(|_| ()),
        ErrorKind::InvalidArgument,
        "no common key",
    )?;
    expect_kind(
        e.zip(
            &DataFrames::list([a.clone(), b.clone()]),
            JoinType::Inner,
            &spec(&["b"], "", "", "")?,
        )
        .map(|_| ()),
        ErrorKind::Schema,
        "key missing in a frame",
    )?;
    let long_a = ctx.df(vec![vec![l(1)]], "a:long")?;
    expect_kind(
        e.zip(&DataFrames::list([a.clone(), long_a]), JoinType::Inner, &none).map(|_| ()),
        ErrorKind::InvalidArgument,
        "key types differ",
    )?;
    expect_kind(
        e.zip(&DataFrames::list([a.clone(), b]), JoinType::Semi, &none).map(|_| ()),
        ErrorKind::NotSupported,
        "semi zip",
    )?;
    expect_kind(
        e.comap(&a, describe(false), &schema("v:str")?, &none, None).map(|_| ()),
        ErrorKind::InvalidArgument,
        "comap of a frame that is not a zip",
    )
}

// own
fn keys_and_presort(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let x = ctx.df(
        vec![vec![i(1), s("p"), i(3)], vec![i(1), s("p"), i(9)], vec![i(2), s("q"), i(1)]],
        "b:int,a:str,v:int",
    )?;
    let y =
        ctx.df(vec![vec![s("p"), i(1), i(5)], vec![s("q"), i(2), i(6)]], "a:str,b:int,w:int")?;
    let z = ctx.df(vec![vec![i(1), s("p")], vec![i(7), s("r")]], "b:int,a:str")?;
    let zipped = ok(
        e.zip(
            &DataFrames::list([x.clone(), y, z]),
            JoinType::FullOuter,
            &spec(&[], "v desc", "", "")?,
        ),
        "zip",
    )?;
    // key columns first, in the first frame's order; selecting them and distinct gives the keys
    let names = zipped.schema().names();
    check(names.len() >= 2 && names[0] == "b" && names[1] == "a", || {
        format!("zip columns {names:?}")
    })?;
    let keys = ok(zipped.select_columns(&["b", "a"]), "select keys")?;
    let keys = ok(e.distinct(&keys), "distinct keys")?;
    eq(
        &keys,
        vec![vec![i(1), s("p")], vec![i(2), s("q")], vec![i(7), s("r")]],
        "b:int,a:str",
        "zip keys",
    )?;
    // the first member is sorted by v desc inside the group (presort items missing from a frame are skipped)
    let f: CoMapFn = Arc::new(|cursor, dfs: DataFrames| {
        let first = dfs.get_index(0).ok_or_else(|| Error::user("no member"))?;
        let vs: Vec<Value> =
            first.as_array(Some(&["v"]), false)?.into_iter().map(|r| r[0].clone()).collect();
        let mut sorted = vs.clone();
        sorted.sort_by(|p, q| q.total_cmp(p));
        if vs != sorted {
            return Err(Error::user(format!("member not sorted by v desc: {vs:?}")));
        }
        let mut row = cursor.key_value_array()?;
        row.push(l(vs.len() as i64));
        LocalDataFrame::from_rows(vec![row], "b:int,a:str,n:long")
    });
    let r = ok(
        e.comap(&zipped, f, &schema("b:int,a:str,n:long")?, &PartitionSpec::default(), None),
        "comap",
    )?;
    eq(
        &r,
        vec![vec![i(1), s("p"), l(2)], vec![i(2), s("q"), l(1)], vec![i(7), s("r"), l(0)]],
        "b:int,a:str,n:long",
        "groups",
    )?;
    // a single frame without keys is one group holding the whole frame
    let single = ok(
        e.zip(&DataFrames::list([x]), JoinType::Inner, &PartitionSpec::default()),
        "single zip",
    )?;
    let r = ok(
        e.comap(&single, describe(false), &schema("v:str")?, &PartitionSpec::default(), None),
        "comap single",
    )?;
    eq(&r, vec![vec![s("_03")]], "v:str", "single frame without keys")
}

// own
fn comap_output_schema(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let (a, b) = frames(ctx)?;
    let z =
        ok(e.zip(&DataFrames::list([a, b]), JoinType::Inner, &PartitionSpec::default()), "zip")?;
    let r = e
        .comap(&z, describe(false), &schema("a:long,v:str")?, &PartitionSpec::default(), None)
        .and_then(|r| r.count());
    expect_kind(r, ErrorKind::Schema, "comap output not matching the declared schema")?;
    expect_kind(
        e.comap(&z, describe(false), &Schema::empty(), &PartitionSpec::default(), None).map(|_| ()),
        ErrorKind::Schema,
        "empty output schema",
    )
}

// own
fn empty_inputs(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let (a, _) = frames(ctx)?;
    let empty_b = ctx.df(vec![], "c:int,a:int")?;
    let empty_a = ctx.df(vec![], "a:int,b:int")?;
    let out = schema("a:int,v:str")?;
    let none = PartitionSpec::default();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = |f: CoMapFn| -> CoMapFn {
        let c = calls.clone();
        Arc::new(move |cursor, dfs| {
            c.fetch_add(1, Ordering::SeqCst);
            f(cursor, dfs)
        })
    };
    for (how, left, right, want) in [
        (JoinType::Inner, &a, &empty_b, vec![]),
        (JoinType::Inner, &empty_a, &empty_b, vec![]),
        (JoinType::FullOuter, &empty_a, &empty_b, vec![]),
        (JoinType::RightOuter, &a, &empty_b, vec![]),
        (
            JoinType::LeftOuter,
            &a,
            &empty_b,
            vec![vec![i(1), s("_02,_10")], vec![i(3), s("_01,_10")]],
        ),
    ] {
        let z = ok(e.zip(&DataFrames::list([left.clone(), right.clone()]), how, &none), "zip")?;
        let r = ok(e.comap(&z, counted(describe(false)), &out, &none, None), "comap")?;
        eq(&r, want, "a:int,v:str", &format!("{how} zip with empty inputs"))?;
    }
    check(calls.load(Ordering::SeqCst) == 2, || {
        format!(
            "comap called {} times, expected 2 (only the left outer groups)",
            calls.load(Ordering::SeqCst)
        )
    })
}
