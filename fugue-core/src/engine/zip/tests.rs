//! Tests of `zip` / `comap` on the toy engine (ENG-ZIP-1..8,
//! ENG-COMAP-1..7, PC-12, CHECKLIST E29/E30).

use std::collections::BTreeSet;
use std::sync::Mutex;

use super::*;
use crate::dataframe::DataFrameExt;
use crate::engine::toy::ToyEngine;
use crate::error::ErrorKind;
use crate::value::{Row, Value};

fn frame(rows: Vec<Row>, schema: &str) -> DataFrameRef {
    Arc::new(LocalDataFrame::from_rows(rows, schema).expect("valid frame"))
}

fn i(v: i32) -> Value {
    Value::Int32(v)
}

fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

fn by(keys: &[&str]) -> PartitionSpec {
    PartitionSpec::by(keys.iter().copied()).expect("spec")
}

fn none() -> PartitionSpec {
    PartitionSpec::default()
}

/// `a:int,b:int` with keys 1 (two rows) and 3 (E29's `a`).
fn a() -> DataFrameRef {
    frame(vec![vec![i(1), i(2)], vec![i(3), i(4)], vec![i(1), i(5)]], "a:int,b:int")
}

/// `c:int,a:int` with keys 1 and 7 (E29's `b`).
fn b() -> DataFrameRef {
    frame(vec![vec![i(6), i(1)], vec![i(2), i(7)]], "c:int,a:int")
}

fn list(frames: Vec<DataFrameRef>) -> DataFrames {
    DataFrames::list(frames)
}

fn named(frames: Vec<(&str, DataFrameRef)>) -> DataFrames {
    DataFrames::named(frames).expect("distinct names")
}

/// Python's E29/E30 function: per member `<key><count>`, joined by `,`,
/// after the group's key values; the output schema is keys + `v:str`.
fn counts_fn() -> CoMapFn {
    Arc::new(|cursor: &PartitionCursor, dfs: DataFrames| {
        let v: Vec<String> =
            dfs.iter().map(|(k, df)| Ok(format!("{k}{}", df.count()?))).collect::<Result<_>>()?;
        let mut row = cursor.key_value_array()?;
        row.push(Value::Str(v.join(",")));
        let schema = cursor.key_schema().concat(&Schema::parse("v:str")?)?;
        LocalDataFrame::from_rows(vec![row], schema.to_string().as_str())
    })
}

fn sorted_rows(df: &DataFrameRef) -> Vec<Row> {
    let mut rows = df.as_array(None, true).expect("rows");
    rows.sort_by(|x, y| {
        x.iter()
            .zip(y)
            .map(|(p, q)| p.total_cmp(q))
            .find(|o| o.is_ne())
            .unwrap_or(x.len().cmp(&y.len()))
    });
    rows
}

fn comap_counts(
    engine: &ToyEngine,
    zipped: &DataFrameRef,
    output_schema: &str,
    spec: &PartitionSpec,
) -> Result<Vec<Row>> {
    let out = engine.comap(zipped, counts_fn(), &Schema::parse(output_schema)?, spec, None)?;
    assert_eq!(out.schema().to_string(), output_schema, "ENG-COMAP-7");
    Ok(sorted_rows(&out))
}

/// What one comap call saw.
#[derive(Debug, Clone)]
struct Call {
    keys: Vec<Value>,
    key_schema: String,
    row: Option<Row>,
    has_key: bool,
    members: Vec<(String, String, Vec<Row>)>,
}

fn recorder(calls: Arc<Mutex<Vec<Call>>>) -> CoMapFn {
    Arc::new(move |cursor: &PartitionCursor, dfs: DataFrames| {
        let members = dfs
            .iter()
            .map(|(k, df)| Ok((k.to_string(), df.schema().to_string(), df.as_array(None, true)?)))
            .collect::<Result<Vec<_>>>()?;
        let call = Call {
            keys: cursor.key_value_array()?,
            key_schema: cursor.key_schema().to_string(),
            row: cursor.row().ok().cloned(),
            has_key: dfs.has_key(),
            members,
        };
        calls.lock().map_err(|_| Error::user("poisoned"))?.push(call);
        LocalDataFrame::from_rows(vec![vec![Value::Int64(1)]], "n:long")
    })
}

fn record(engine: &ToyEngine, zipped: &DataFrameRef) -> Vec<Call> {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let out = engine
        .comap(
            zipped,
            recorder(calls.clone()),
            &Schema::parse("n:long").expect("schema"),
            &none(),
            None,
        )
        .expect("comap");
    let mut calls = calls.lock().expect("lock").clone();
    assert_eq!(out.count().expect("count"), calls.len(), "one output row per call");
    calls.sort_by(|x, y| {
        x.keys
            .iter()
            .zip(&y.keys)
            .map(|(p, q)| p.total_cmp(q))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    calls
}

/// What `on_init` saw: physical partition, dict-like, (key, schema, rows) per member.
type InitCall = (usize, bool, Vec<(String, String, usize)>);

fn kind<T>(r: Result<T>) -> Option<ErrorKind> {
    r.err().map(|e| e.kind())
}

#[test]
fn eng_zip_1_needs_frames_and_a_supported_how() {
    let e = ToyEngine::default();
    assert_eq!(
        kind(e.zip(&DataFrames::new(), JoinType::Inner, &none())),
        Some(ErrorKind::InvalidArgument)
    );
    for how in [JoinType::Semi, JoinType::Anti] {
        assert_eq!(kind(e.zip(&list(vec![a(), b()]), how, &none())), Some(ErrorKind::NotSupported));
    }
    // any case is accepted by the parser used for `how`
    let how: JoinType = "Left_Outer".parse().expect("how");
    assert!(e.zip(&list(vec![a(), b()]), how, &none()).is_ok());
}

#[test]
fn eng_zip_2_keys_from_spec_or_common_columns_in_first_frame_order() {
    let e = ToyEngine::default();
    let err = e.zip(&list(vec![a(), b()]), JoinType::Cross, &by(&["a"])).expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::InvalidOperation);
    let x = frame(vec![vec![i(1)]], "x:int");
    let y = frame(vec![vec![i(1)]], "y:int");
    assert_eq!(
        kind(e.zip(&list(vec![x, y]), JoinType::Inner, &none())),
        Some(ErrorKind::InvalidArgument)
    );
    let p = frame(vec![vec![i(1), i(2), i(3)]], "a:int,b:int,c:int");
    let q = frame(vec![vec![i(3), i(2), i(9)]], "c:int,b:int,x:int");
    let z = e.zip(&list(vec![p, q]), JoinType::Inner, &none()).expect("zip");
    assert_eq!(
        z.schema().to_string(),
        "b:int,c:int,__fugue_serialized_blob__:bytes,__fugue_df_index__:int"
    );
    assert_eq!(z.metadata()["keys"], serde_json::json!(["b", "c"]));
    // cross uses no keys even with common columns
    let z = e.zip(&list(vec![a(), b()]), JoinType::Cross, &none()).expect("zip");
    assert_eq!(z.schema().to_string(), "__fugue_serialized_blob__:bytes,__fugue_df_index__:int");
    assert_eq!(z.count().expect("count"), 2, "one row per input holding the whole frame");
}

#[test]
fn eng_zip_3_single_frame_without_and_with_keys() {
    let e = ToyEngine::default();
    let one = e.zip(&list(vec![a()]), JoinType::Inner, &none()).expect("zip");
    assert_eq!(one.count().expect("count"), 1);
    let calls = record(&e, &one);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].members[0].2.len(), 3, "the whole frame in one group");
    let keyed = e.zip(&list(vec![a()]), JoinType::Inner, &by(&["a"])).expect("zip");
    assert_eq!(keyed.count().expect("count"), 2);
    let calls = record(&e, &keyed);
    assert_eq!(
        calls.iter().map(|c| c.keys.clone()).collect::<Vec<_>>(),
        vec![vec![i(1)], vec![i(3)]]
    );
    assert_eq!(calls[0].members[0].2.len(), 2);
}

#[test]
fn eng_zip_4_keys_must_exist_with_equal_types() {
    let e = ToyEngine::default();
    let err = e.zip(&list(vec![a(), b()]), JoinType::Inner, &by(&["b"])).expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::Schema);
    assert!(err.to_string().contains("`b`"), "{err}");
    let long_a = frame(vec![vec![Value::Int64(1)]], "a:long");
    let err = e.zip(&list(vec![a(), long_a]), JoinType::Inner, &none()).expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

#[test]
fn eng_zip_5_groups_split_by_keys_null_equals_null_and_presorted_per_frame() {
    let e = ToyEngine::default();
    let p = frame(
        vec![vec![Value::Null, i(1)], vec![i(1), i(1)], vec![Value::Null, i(3)], vec![i(1), i(2)]],
        "k:int,v:int",
    );
    let q = frame(vec![vec![s("x"), Value::Null], vec![s("y"), Value::Null]], "w:str,k:int");
    let spec = PartitionSpec::builder().presort("v desc").build().expect("spec");
    let z = e.zip(&list(vec![p, q]), JoinType::Inner, &spec).expect("zip");
    let calls = record(&e, &z);
    assert_eq!(calls.len(), 1, "inner keeps only the null key present in both");
    let call = &calls[0];
    assert_eq!(call.keys, vec![Value::Null]);
    assert_eq!(call.members[0].2, vec![vec![Value::Null, i(3)], vec![Value::Null, i(1)]], "v desc");
    // `v` is not in the second frame: its presort item is skipped there
    assert_eq!(call.members[1].2.len(), 2);
}

#[test]
fn eng_zip_6_7_8_layout_metadata_and_keys_via_select_distinct() {
    let e = ToyEngine::default();
    let c = frame(vec![vec![i(6), i(1)]], "c:int,a:int");
    let z = e.zip(&list(vec![a(), b(), c]), JoinType::FullOuter, &none()).expect("zip");
    assert_eq!(z.schema().names()[0], "a", "ENG-ZIP-6: keys first");
    assert!(z.schema().names()[1..].iter().all(|n| n.starts_with("__fugue_")));
    let meta = z.metadata();
    assert_eq!(meta["serialized"], serde_json::json!(true));
    assert_eq!(meta["serialized_has_name"], serde_json::json!(false));
    assert_eq!(meta["how"], serde_json::json!("full_outer"));
    assert_eq!(
        meta["schemas"],
        serde_json::json!({"0": "a:int,b:int", "1": "c:int,a:int", "2": "c:int,a:int"})
    );
    // ENG-ZIP-6: selecting the keys and de-duplicating gives the keys
    let keys: BTreeSet<i32> = z
        .select_columns(&["a"])
        .expect("select")
        .as_array(None, true)
        .expect("rows")
        .into_iter()
        .map(|r| match r[0] {
            Value::Int32(v) => v,
            _ => -1,
        })
        .collect();
    assert_eq!(keys, BTreeSet::from([1, 3, 7]));
    // ENG-ZIP-8: dict-like input keeps names
    let named_zip =
        e.zip(&named(vec![("x", a()), ("y", b())]), JoinType::Inner, &none()).expect("zip");
    let meta = named_zip.metadata();
    assert_eq!(meta["serialized_has_name"], serde_json::json!(true));
    assert_eq!(meta["schemas"], serde_json::json!({"x": "a:int,b:int", "y": "c:int,a:int"}));
}

#[test]
fn eng_persist_4_zip_survives_persist_and_broadcast() {
    let e = ToyEngine::default();
    let z = e.zip(&list(vec![a(), b()]), JoinType::Inner, &none()).expect("zip");
    for kept in [e.persist(&z, false).expect("persist"), e.broadcast(&z).expect("broadcast")] {
        assert_eq!(kept.metadata(), z.metadata());
        let rows = comap_counts(&e, &kept, "a:int,v:str", &none()).expect("comap");
        assert_eq!(rows, vec![vec![i(1), s("_02,_11")]]);
    }
}

#[test]
fn eng_comap_1_input_must_be_a_zip() {
    let e = ToyEngine::default();
    let err = e
        .comap(&a(), counts_fn(), &Schema::parse("a:int,v:str").expect("schema"), &none(), None)
        .expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

#[test]
fn e29_eng_comap_2_3_group_filter_by_how_with_missing_inputs_empty() {
    let e = ToyEngine::default();
    let cases = [
        (JoinType::Inner, vec![vec![i(1), s("_02,_11")]]),
        (JoinType::LeftOuter, vec![vec![i(1), s("_02,_11")], vec![i(3), s("_01,_10")]]),
        (JoinType::RightOuter, vec![vec![i(1), s("_02,_11")], vec![i(7), s("_00,_11")]]),
        (
            JoinType::FullOuter,
            vec![vec![i(1), s("_02,_11")], vec![i(3), s("_01,_10")], vec![i(7), s("_00,_11")]],
        ),
    ];
    for (how, expected) in cases {
        let z = e.zip(&list(vec![a(), b()]), how, &none()).expect("zip");
        let z = e.persist(&z, false).expect("persist");
        assert_eq!(comap_counts(&e, &z, "a:int,v:str", &none()).expect("comap"), expected, "{how}");
    }
    // presort in the zip spec, keys given explicitly: same groups
    let spec = PartitionSpec::builder().by(["a"]).presort("b desc").build().expect("spec");
    let z = e.zip(&list(vec![a(), b()]), JoinType::Inner, &spec).expect("zip");
    assert_eq!(
        comap_counts(&e, &z, "a:int,v:str", &none()).expect("comap"),
        vec![vec![i(1), s("_02,_11")]]
    );
    // cross: one group with every input whole
    let z = e.zip(&list(vec![a(), b()]), JoinType::Cross, &none()).expect("zip");
    assert_eq!(comap_counts(&e, &z, "v:str", &none()).expect("comap"), vec![vec![s("_03,_12")]]);
}

#[test]
fn eng_comap_2_members_in_input_order_with_their_schemas() {
    let e = ToyEngine::default();
    let z = e.zip(&list(vec![a(), b()]), JoinType::LeftOuter, &none()).expect("zip");
    let calls = record(&e, &z);
    assert_eq!(calls.len(), 2);
    let key3 = &calls[1];
    assert_eq!(key3.keys, vec![i(3)]);
    assert!(!key3.has_key, "DFS-2: list-like");
    let names: Vec<&str> = key3.members.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(names, vec!["_0", "_1"]);
    assert_eq!(key3.members[0].1, "a:int,b:int");
    assert_eq!(key3.members[0].2, vec![vec![i(3), i(4)]]);
    assert_eq!(key3.members[1].1, "c:int,a:int", "missing input: empty with its schema");
    assert!(key3.members[1].2.is_empty());
}

#[test]
fn eng_comap_4_pc_12_cursor_keys_from_the_group_even_when_first_input_is_empty() {
    let e = ToyEngine::default();
    let z = e.zip(&list(vec![a(), b()]), JoinType::RightOuter, &none()).expect("zip");
    let calls = record(&e, &z);
    let key7 = calls.iter().find(|c| c.keys == vec![i(7)]).expect("group 7");
    assert_eq!(key7.key_schema, "a:int");
    assert!(key7.members[0].2.is_empty());
    assert_eq!(key7.row, Some(vec![i(2), i(7)]), "first row of the first non-empty member");
    let key1 = calls.iter().find(|c| c.keys == vec![i(1)]).expect("group 1");
    assert_eq!(key1.row.as_ref().map(|r| r.len()), Some(2));
    // cross: empty keys
    let z = e.zip(&list(vec![a(), b()]), JoinType::Cross, &none()).expect("zip");
    let calls = record(&e, &z);
    assert_eq!(calls.len(), 1);
    assert!(calls[0].keys.is_empty());
    assert_eq!(calls[0].key_schema, "");
}

#[test]
fn eng_comap_5_on_init_gets_empty_members_of_the_same_shape() {
    let e = ToyEngine::default();
    let seen: Arc<Mutex<Vec<InitCall>>> = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let on_init: CoOnInitFn = Arc::new(move |no, dfs| {
        let members = dfs
            .iter()
            .map(|(k, df)| Ok((k.to_string(), df.schema().to_string(), df.count()?)))
            .collect::<Result<Vec<_>>>()?;
        seen2.lock().map_err(|_| Error::user("poisoned"))?.push((no, dfs.has_key(), members));
        Ok(())
    });
    for (dfs, has_key, names) in [
        (list(vec![a(), b()]), false, ["_0", "_1"]),
        (named(vec![("x", a()), ("y", b())]), true, ["x", "y"]),
    ] {
        seen.lock().expect("lock").clear();
        let z = e.zip(&dfs, JoinType::Inner, &none()).expect("zip");
        let schema = Schema::parse("a:int,v:str").expect("schema");
        e.comap(&z, counts_fn(), &schema, &none(), Some(on_init.clone())).expect("comap");
        let seen = seen.lock().expect("lock").clone();
        assert_eq!(seen.len(), 1, "once per physical partition");
        let (no, mode, members) = &seen[0];
        assert_eq!((*no, *mode), (0, has_key));
        assert_eq!(
            members,
            &vec![
                (names[0].to_string(), "a:int,b:int".to_string(), 0),
                (names[1].to_string(), "c:int,a:int".to_string(), 0)
            ]
        );
    }
}

#[test]
fn eng_comap_6_spec_num_and_algo_do_not_change_results() {
    let e = ToyEngine::default();
    let z = e.zip(&list(vec![a(), b()]), JoinType::FullOuter, &none()).expect("zip");
    let expected = comap_counts(&e, &z, "a:int,v:str", &none()).expect("comap");
    assert_eq!(expected.len(), 3);
    let specs = [
        PartitionSpec::per_row(),
        PartitionSpec::num(3),
        PartitionSpec::builder().num(2).algo("coarse").build().expect("spec"),
        PartitionSpec::builder().by(["c"]).presort("b").build().expect("spec"),
    ];
    for spec in specs {
        assert_eq!(
            comap_counts(&e, &z, "a:int,v:str", &spec).expect("comap"),
            expected,
            "{spec:?}"
        );
    }
    let cross = e.zip(&list(vec![a(), b()]), JoinType::Cross, &none()).expect("zip");
    assert_eq!(
        comap_counts(&e, &cross, "v:str", &PartitionSpec::num(4)).expect("comap"),
        vec![vec![s("_03,_12")]],
        "cross stays one group whatever the spec"
    );
}

#[test]
fn eng_comap_7_output_enforced_and_user_errors_name_the_keys() {
    let e = ToyEngine::default();
    let z = e.zip(&list(vec![a(), b()]), JoinType::FullOuter, &none()).expect("zip");
    let err = e
        .comap(&z, counts_fn(), &Schema::parse("a:long,v:str").expect("schema"), &none(), None)
        .expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::Schema);
    let failing: CoMapFn = Arc::new(|cursor, dfs| {
        if cursor.key_value_array()? == vec![Value::Int32(7)] {
            return Err(Error::arg("x", "user says no"));
        }
        let _ = dfs;
        LocalDataFrame::from_rows(vec![vec![Value::Int64(1)]], "n:long")
    });
    let err = e
        .comap(&z, failing, &Schema::parse("n:long").expect("schema"), &none(), None)
        .expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::User);
    assert!(err.to_string().contains("a=7"), "{err}");
    let panicking: CoMapFn = Arc::new(|_, _| panic!("boom in comap"));
    let err = e
        .comap(&z, panicking, &Schema::parse("n:long").expect("schema"), &none(), None)
        .expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::User);
    assert!(err.to_string().contains("boom in comap"), "{err}");
    // no group selected: an empty result with the output schema
    let p = frame(vec![vec![i(1)]], "a:int");
    let q = frame(vec![vec![i(2)]], "a:int");
    let z = e.zip(&list(vec![p, q]), JoinType::Inner, &none()).expect("zip");
    let out = e
        .comap(&z, counts_fn(), &Schema::parse("a:int,v:str").expect("schema"), &none(), None)
        .expect("comap");
    assert_eq!(out.schema().to_string(), "a:int,v:str");
    assert_eq!(out.count().expect("count"), 0);
}

#[test]
fn e30_dict_like_zips_keep_names_single_frame_with_keys() {
    let e = ToyEngine::default();
    let c = frame(vec![vec![i(6), i(1)]], "c:int,a:int");
    let z1 = e
        .persist(
            &e.zip(&named(vec![("x", a()), ("y", b())]), JoinType::Inner, &none()).expect("zip"),
            false,
        )
        .expect("persist");
    assert_eq!(
        comap_counts(&e, &z1, "a:int,v:str", &none()).expect("comap"),
        vec![vec![i(1), s("x2,y1")]]
    );
    // one frame used twice
    let bb = b();
    let z2 = e
        .zip(&named(vec![("x", a()), ("y", bb.clone()), ("z", bb)]), JoinType::Inner, &none())
        .expect("zip");
    assert_eq!(
        comap_counts(&e, &z2, "a:int,v:str", &none()).expect("comap"),
        vec![vec![i(1), s("x2,y1,z1")]]
    );
    let z3 = e.zip(&named(vec![("z", c)]), JoinType::Inner, &by(&["a"])).expect("zip");
    assert_eq!(
        comap_counts(&e, &z3, "a:int,v:str", &none()).expect("comap"),
        vec![vec![i(1), s("z1")]]
    );
    let calls = record(&e, &z2);
    assert!(calls.iter().all(|c| c.has_key), "DFS-1: dict-like");
}

#[test]
fn eng_zip_5_multi_column_keys_and_nested_values_round_trip() {
    let e = ToyEngine::default();
    let p = frame(
        vec![
            vec![i(1), s("a"), Value::List(vec![i(1), Value::Null])],
            vec![i(1), s("b"), Value::Null],
            vec![i(1), s("a"), Value::List(vec![])],
        ],
        "k1:int,k2:str,l:[int]",
    );
    let q = frame(vec![vec![s("a"), i(1), Value::Binary(vec![0, 1])]], "k2:str,k1:int,bin:bytes");
    let z = e.zip(&list(vec![p, q]), JoinType::LeftOuter, &none()).expect("zip");
    assert_eq!(z.metadata()["keys"], serde_json::json!(["k1", "k2"]));
    let calls = record(&e, &z);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].keys, vec![i(1), s("a")]);
    assert_eq!(calls[0].members[0].2.len(), 2);
    assert_eq!(calls[0].members[1].2, vec![vec![s("a"), i(1), Value::Binary(vec![0, 1])]]);
    assert_eq!(calls[1].keys, vec![i(1), s("b")]);
    assert!(calls[1].members[1].2.is_empty());
}
