//! Tests of `PartitionSpec` (PS-FIELD, PS-CTOR, PS-VAL, PS-EMPTY, PS-EQ,
//! PS-SORT, PS-KEY).

use std::sync::Arc;

use arrow::datatypes::{DataType, Field};
use serde_json::json;

use super::*;
use crate::error::ErrorKind;

fn schema(cols: &[&str]) -> Schema {
    Schema::from_fields_unchecked_types(
        cols.iter().map(|n| Arc::new(Field::new(*n, DataType::Int32, true))),
    )
    .unwrap()
}

fn kind<T: fmt::Debug>(r: Result<T>) -> ErrorKind {
    r.unwrap_err().kind()
}

fn pairs(items: &[(&str, bool)]) -> Vec<(String, bool)> {
    items.iter().map(|(n, a)| (n.to_string(), *a)).collect()
}

#[test]
fn ps_field_1_num_stored_as_text() {
    assert_eq!(PartitionSpec::num(4).num_partitions(), "4");
    assert_eq!(PartitionSpec::num(-1).num_partitions(), "-1");
    assert_eq!(PartitionSpec::from_json_value(&json!({"num": 4})).unwrap().num_partitions(), "4");
    assert_eq!(
        PartitionSpec::from_json_value(&json!({"num": 2.7})).unwrap().num_partitions(),
        "2.7"
    );
    assert_eq!(
        PartitionSpec::from_json_value(&json!({"num": 2.0})).unwrap().num_partitions(),
        "2.0"
    );
    assert_eq!(
        PartitionSpec::from_json_value(&json!({"num_partitions": "ROWCOUNT/2"}))
            .unwrap()
            .num_partitions(),
        "ROWCOUNT/2"
    );
    assert_eq!(PartitionSpec::default().num_partitions(), "0");
    assert_eq!(
        kind(PartitionSpec::from_json_value(&json!({"num": true}))),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(PartitionSpec::from_json_value(&json!({"num": [1]}))),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn ps_field_2_by_forms() {
    let s = PartitionSpec::from_json_value(&json!({"by": "a"})).unwrap();
    assert_eq!(s.partition_by(), ["a"]);
    let s = PartitionSpec::from_json_value(&json!({"partition_by": ["b", "a"]})).unwrap();
    assert_eq!(s.partition_by(), ["b", "a"]);
    assert_eq!(kind(PartitionSpec::from_json_value(&json!({"by": 1}))), ErrorKind::SchemaSyntax);
    assert_eq!(
        kind(PartitionSpec::from_json_value(&json!({"by": ["a", 1]}))),
        ErrorKind::SchemaSyntax
    );
    assert_eq!(
        kind(PartitionSpec::from_json_value(&json!({"by": {"a": 1}}))),
        ErrorKind::SchemaSyntax
    );
}

#[test]
fn ps_field_3_presort_forms() {
    let s = PartitionSpec::from_json_value(&json!({"presort": "b desc, c"})).unwrap();
    assert_eq!(s.presort(), pairs(&[("b", false), ("c", true)]));
    let s = PartitionSpec::from_json_value(&json!({"presort": ["b", ["c", false]]})).unwrap();
    assert_eq!(s.presort(), pairs(&[("b", true), ("c", false)]));
    for bad in [json!({"presort": 1}), json!({"presort": [["c", 1]]}), json!({"presort": [1]})] {
        assert_eq!(kind(PartitionSpec::from_json_value(&bad)), ErrorKind::SchemaSyntax, "{bad}");
    }
    let s = PartitionSpec::builder().presort_list([("x", false)]).build().unwrap();
    assert_eq!(s.presort_expr(), "x DESC");
}

#[test]
fn ps_field_4_algo() {
    assert_eq!(PartitionSpec::default().algo(), None);
    assert_eq!(PartitionSpec::default().algo_or_default(), PartitionAlgo::Default);
    let s = PartitionSpec::from_json_value(&json!({"algo": "EVEN"})).unwrap();
    assert_eq!(s.algo(), Some(PartitionAlgo::Even));
    assert_eq!(s.to_json()["algo"], json!("even"));
    let s = PartitionSpec::from_json_value(&json!({"algo": ""})).unwrap();
    assert_eq!(s.algo(), None);
    for a in PartitionAlgo::ALL {
        assert_eq!(a.to_string().to_uppercase().parse::<PartitionAlgo>().unwrap(), a);
    }
}

#[test]
fn ps_field_5_limits() {
    let s = PartitionSpec::from_json_value(&json!({"size_limit": "1k", "row_limit": 10})).unwrap();
    assert_eq!((s.size_limit(), s.row_limit()), (1024, 10));
    assert_eq!(s.to_json()["size_limit"], json!(1024));
    let s = PartitionSpec::from_json_value(&json!({"size_limit": 100})).unwrap();
    assert_eq!(s.size_limit(), 100);
    assert_eq!(parse_size_bytes("1.5 MB").unwrap(), 1572864);
    assert_eq!(parse_size_bytes("10b").unwrap(), 10);
    assert_eq!(parse_size_bytes("2G").unwrap(), 2 << 30);
    for bad in ["-1k", "", "k", "1x", "1..2k"] {
        assert_eq!(kind(parse_size_bytes(bad)), ErrorKind::InvalidArgument, "{bad}");
    }
    assert_eq!(
        kind(PartitionSpec::from_json_value(&json!({"row_limit": -1}))),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(PartitionSpec::from_json_value(&json!({"size_limit": -1}))),
        ErrorKind::InvalidArgument
    );
    let s = PartitionSpec::builder().size_limit_text("2k").row_limit(3).build().unwrap();
    assert_eq!((s.size_limit(), s.row_limit()), (2048, 3));
    assert!(!s.is_empty());
}

#[test]
fn ps_field_6_unknown_keys_ignored() {
    let s = PartitionSpec::from_json(r#"{"by": "a", "whatever": [1, 2], "num": 3}"#).unwrap();
    assert_eq!(s, PartitionSpec::builder().by(["a"]).num(3).build().unwrap());
}

#[test]
fn ps_field_7_unknown_algo_rejected() {
    assert_eq!(kind("foo".parse::<PartitionAlgo>()), ErrorKind::InvalidArgument);
    assert_eq!(kind("".parse::<PartitionAlgo>()), ErrorKind::InvalidArgument);
    assert_eq!(kind(PartitionSpec::builder().algo("foo").build()), ErrorKind::InvalidArgument);
    assert_eq!(
        kind(PartitionSpec::from_json_value(&json!({"algo": "x"}))),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(PartitionSpec::from_json_value(&json!({"algo": 1}))),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn ps_ctor_1_empty() {
    assert!(PartitionSpec::default().is_empty());
    assert!(PartitionSpec::from_json_value(&Json::Null).unwrap().is_empty());
    assert!(PartitionSpec::from_json("{}").unwrap().is_empty());
    assert!(PartitionSpec::builder().build().unwrap().is_empty());
}

#[test]
fn ps_ctor_2_per_row() {
    let p = PartitionSpec::per_row();
    assert_eq!(p.algo(), Some(PartitionAlgo::Even));
    assert_eq!(p.num_partitions(), "ROWCOUNT");
    for text in ["per_row", "PER_ROW", "Per_Row"] {
        assert_eq!(PartitionSpec::parse(text).unwrap(), p);
    }
    assert_eq!(PartitionSpec::builder().per_row().build().unwrap(), p);
    assert_eq!(PartitionSpec::from_json_value(&json!("per_row")).unwrap(), p);
}

#[test]
fn ps_ctor_3_single_string_is_a_key() {
    let s = PartitionSpec::parse("ROWCOUNT/2").unwrap();
    assert_eq!(s.partition_by(), ["ROWCOUNT/2"]);
    assert_eq!(s.num_partitions(), "0");
    assert_eq!(PartitionSpec::parse("a").unwrap(), PartitionSpec::by(["a"]).unwrap());
    assert_eq!("a".parse::<PartitionSpec>().unwrap(), PartitionSpec::by(["a"]).unwrap());
    assert_eq!(kind(PartitionSpec::parse("")), ErrorKind::SchemaSyntax);
    assert_eq!(kind(PartitionSpec::parse("  ")), ErrorKind::SchemaSyntax);
}

#[test]
fn ps_ctor_4_json_text() {
    let s =
        PartitionSpec::parse(r#" {"num": "ROWCOUNT", "by": ["a"], "presort": "b desc"}"#).unwrap();
    assert_eq!(s.num_partitions(), "ROWCOUNT");
    assert_eq!(s.partition_by(), ["a"]);
    assert_eq!(s.presort(), pairs(&[("b", false)]));
    assert_eq!(kind(PartitionSpec::parse("{not json")), ErrorKind::InvalidArgument);
    assert_eq!(kind(PartitionSpec::from_json("[1")), ErrorKind::InvalidArgument);
    assert_eq!(kind(PartitionSpec::from_json("true")), ErrorKind::InvalidArgument);
}

#[test]
fn ps_ctor_5_and_6_single_values() {
    assert_eq!(PartitionSpec::from_json("4").unwrap(), PartitionSpec::num(4));
    assert_eq!(
        PartitionSpec::from_json(r#"["a","b"]"#).unwrap(),
        PartitionSpec::by(["a", "b"]).unwrap()
    );
    assert_eq!(PartitionSpec::num(4i32), PartitionSpec::num(4i64));
}

#[test]
fn ps_ctor_7_merge_left_to_right() {
    let base = PartitionSpec::builder().num(4).by(["a"]).presort("b desc").build().unwrap();
    let later = PartitionSpec::builder().algo("even").by(["c"]).build().unwrap();
    let merged = base.combine(&later).unwrap();
    assert_eq!(merged.num_partitions(), "4");
    assert_eq!(merged.partition_by(), ["c"]);
    assert_eq!(merged.presort(), pairs(&[("b", false)]));
    assert_eq!(merged.algo(), Some(PartitionAlgo::Even));
    // merging the empty spec changes nothing
    assert_eq!(base.combine(&PartitionSpec::default()).unwrap(), base);
    // keyword overrides through a map
    let m = json!({"num": "ROWCOUNT", "presort": "x"});
    let merged = base.with_map(m.as_object().unwrap()).unwrap();
    assert_eq!(merged.num_partitions(), "ROWCOUNT");
    assert_eq!(merged.partition_by(), ["a"]);
    assert_eq!(merged.presort(), pairs(&[("x", true)]));
    // the result is validated (PS-VAL-2)
    let clash = PartitionSpec::builder().presort("a").build().unwrap();
    assert_eq!(kind(base.combine(&clash)), ErrorKind::SchemaSyntax);
}

#[test]
fn ps_ctor_8_override_keeps_presort() {
    let base = PartitionSpec::builder().num(4).by(["a"]).presort("b desc").build().unwrap();
    let o = base.to_builder().by(["a", "c"]).algo(PartitionAlgo::Even).build().unwrap();
    assert_eq!(o.partition_by(), ["a", "c"]);
    assert_eq!(o.presort(), pairs(&[("b", false)]));
    assert_eq!(o.num_partitions(), "4");
    assert_eq!(o.algo(), Some(PartitionAlgo::Even));
    let unset = o.to_builder().algo("").build().unwrap();
    assert_eq!(unset.algo(), None);
}

#[test]
fn ps_ctor_9_json_round_trip() {
    let s = PartitionSpec::builder()
        .num_expr("ROWCOUNT/2")
        .by(["a", "b c"])
        .presort_list([("d e", true), ("f", false)])
        .algo("hash")
        .size_limit(5)
        .row_limit(6)
        .build()
        .unwrap();
    let j = s.to_json();
    assert_eq!(
        j,
        json!({"num_partitions": "ROWCOUNT/2", "algo": "hash", "partition_by": ["a", "b c"],
               "presort": "`d e` ASC,f DESC", "size_limit": 5, "row_limit": 6})
    );
    assert_eq!(PartitionSpec::from_json_value(&j).unwrap(), s);
    assert_eq!(PartitionSpec::from_json(&s.to_json_string()).unwrap(), s);
    // serde
    let text = serde_json::to_string(&s).unwrap();
    assert_eq!(text, s.to_json_string());
    let back: PartitionSpec = serde_json::from_str(&text).unwrap();
    assert_eq!(back, s);
    let bad: std::result::Result<PartitionSpec, _> = serde_json::from_str(r#"{"by": ["a","a"]}"#);
    assert!(bad.is_err());
    assert_eq!(s.to_string(), s.to_json_string());
}

#[test]
fn ps_val_1_duplicate_keys() {
    assert_eq!(kind(PartitionSpec::by(["a", "b", "a"])), ErrorKind::SchemaSyntax);
    assert_eq!(kind(PartitionSpec::from_json(r#"{"by": ["a","a"]}"#)), ErrorKind::SchemaSyntax);
}

#[test]
fn ps_val_2_presort_overlaps_keys() {
    assert_eq!(
        kind(PartitionSpec::builder().by(["a"]).presort("a desc").build()),
        ErrorKind::SchemaSyntax
    );
    assert_eq!(
        kind(PartitionSpec::from_json(r#"{"by": "a", "presort": "b,a"}"#)),
        ErrorKind::SchemaSyntax
    );
}

#[test]
fn ps_val_3_columns_not_checked_at_construction() {
    let s = PartitionSpec::builder().by(["nope"]).presort("missing").build().unwrap();
    assert_eq!(s.partition_by(), ["nope"]);
}

#[test]
fn ps_num_4_invalid_expression_rejected_at_construction() {
    assert_eq!(kind(PartitionSpec::num_expr("rowcount/2")), ErrorKind::InvalidArgument);
    assert_eq!(kind(PartitionSpec::num_expr("")), ErrorKind::InvalidArgument);
    assert_eq!(
        kind(PartitionSpec::from_json(r#"{"num": "os.system('x')"}"#)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(PartitionSpec::builder().num_expr("1 +").by(["a"]).build()),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn ps_num_2_spec_evaluation() {
    let s = PartitionSpec::num_expr("ROWCOUNT/2").unwrap();
    assert_eq!(s.eval_num_partitions(|| Ok(5), || 1).unwrap(), 2);
    let s = PartitionSpec::num_expr("CONCURRENCY*0.5").unwrap();
    assert_eq!(s.eval_num_partitions(|| panic!("not needed"), || 3).unwrap(), 1);
    assert_eq!(PartitionSpec::default().eval_num_partitions(|| panic!(), || panic!()).unwrap(), 0);
    assert_eq!(PartitionSpec::per_row().eval_num_partitions(|| Ok(7), || 1).unwrap(), 7);
    let e = PartitionSpec::per_row().num_partitions_expr().unwrap();
    assert!(e.uses_row_count());
}

#[test]
fn ps_num_5_text_kept_verbatim() {
    assert_eq!(PartitionSpec::builder().num(3).build().unwrap().num_partitions(), "3");
    assert_eq!(
        PartitionSpec::num_expr("ROWCOUNT / 4 + 3").unwrap().num_partitions(),
        "ROWCOUNT / 4 + 3"
    );
}

#[test]
fn ps_empty_1() {
    assert!(PartitionSpec::default().is_empty());
    assert!(!PartitionSpec::builder().algo("default").build().unwrap().is_empty());
    assert!(!PartitionSpec::num(-1).is_empty());
    assert!(PartitionSpec::num(0).is_empty());
    assert!(!PartitionSpec::by(["a"]).unwrap().is_empty());
    assert!(!PartitionSpec::builder().presort("a").build().unwrap().is_empty());
    assert!(!PartitionSpec::builder().row_limit(1).build().unwrap().is_empty());
}

#[test]
fn ps_eq_1_equality_by_json_form() {
    assert_eq!(PartitionSpec::num(4), PartitionSpec::num_expr("4").unwrap());
    assert_ne!(PartitionSpec::num(4), PartitionSpec::num_expr(" 4").unwrap());
    let a = PartitionSpec::builder().by(["a"]).presort("b , c dESc").build().unwrap();
    let b = PartitionSpec::builder().by(["a"]).presort("b asc,c desc").build().unwrap();
    assert_eq!(a, b);
    assert_ne!(PartitionSpec::default(), PartitionSpec::builder().algo("default").build().unwrap());
    assert_ne!(PartitionSpec::by(["a", "b"]).unwrap(), PartitionSpec::by(["b", "a"]).unwrap());
}

#[test]
fn ps_eq_2_compare_after_conversion() {
    let spec = PartitionSpec::num(4);
    assert_eq!(spec, PartitionSpec::from_json_value(&json!({"num": 4})).unwrap());
    assert_eq!(PartitionSpec::by(["a"]).unwrap(), PartitionSpec::parse("a").unwrap());
}

#[test]
fn ps_eq_3_identity_is_deterministic() {
    let a = PartitionSpec::builder().by(["a"]).presort("b desc").num(4).build().unwrap();
    let b = PartitionSpec::from_json(&a.to_json_string()).unwrap();
    assert_eq!(a.identity(), b.identity());
    assert_eq!(a.identity().len(), 32);
    assert_ne!(a.identity(), PartitionSpec::default().identity());
    // pinned: the identity must not change across runs, platforms or versions
    assert_eq!(fnv1a_128(b""), 0x6c62272e07bb014262b821756295c58d);
    assert_eq!(fnv1a_128(b"a"), 0xd228cb696f1a8caf78912b704e4a8964);
    assert_eq!(PartitionSpec::default().identity(), PartitionSpec::default().identity());
}

#[test]
fn ps_sort_1_keys_then_presort() {
    let s = PartitionSpec::builder().by(["a"]).presort("c desc,b").build().unwrap();
    let sorts = s.get_sorts(&schema(&["a", "b", "c", "d"]), true).unwrap();
    assert_eq!(sorts, pairs(&[("a", true), ("c", false), ("b", true)]));
}

#[test]
fn ps_sort_2_without_keys() {
    let s = PartitionSpec::builder().by(["a"]).presort("c desc,b").build().unwrap();
    let sorts = s.get_sorts(&schema(&["a", "b", "c"]), false).unwrap();
    assert_eq!(sorts, pairs(&[("c", false), ("b", true)]));
    assert!(PartitionSpec::default().get_sorts(&schema(&["a"]), true).unwrap().is_empty());
}

#[test]
fn ps_sort_3_missing_columns() {
    let s = PartitionSpec::builder().by(["x"]).build().unwrap();
    assert_eq!(kind(s.get_sorts(&schema(&["a"]), true)), ErrorKind::NotFound);
    assert!(s.get_sorts(&schema(&["a"]), false).unwrap().is_empty());
    let s = PartitionSpec::builder().presort("y").build().unwrap();
    assert_eq!(kind(s.get_sorts(&schema(&["a"]), false)), ErrorKind::NotFound);
}

#[test]
fn ps_key_1_key_schema_in_by_order() {
    let s = PartitionSpec::by(["c", "a"]).unwrap();
    let k = s.get_key_schema(&schema(&["a", "b", "c"])).unwrap();
    assert_eq!(k.names(), ["c", "a"]);
    assert_eq!(k.data_type("c"), Some(&DataType::Int32));
    assert!(PartitionSpec::default().get_key_schema(&schema(&["a"])).unwrap().is_empty());
    assert_eq!(
        kind(PartitionSpec::by(["z"]).unwrap().get_key_schema(&schema(&["a"]))),
        ErrorKind::Schema
    );
}

proptest::proptest! {
    #[test]
    fn prop_parse_never_panics(text in ".{0,60}") {
        let _ = PartitionSpec::parse(&text);
        let _ = PartitionSpec::from_json(&text);
    }

    #[test]
    fn prop_json_shapes_never_panic(
        num in "[0-9A-Z/ .()*-]{0,12}",
        by in proptest::collection::vec("[ab ]{0,2}", 0..3),
        presort in "[abc ,`]{0,10}( desc)?",
        algo in "(|even|hash|Rand|x)",
        size in "[0-9.kKmb -]{0,5}",
    ) {
        let v = json!({"num": num, "by": by, "presort": presort, "algo": algo, "size_limit": size});
        if let Ok(spec) = PartitionSpec::from_json_value(&v) {
            // every valid spec round-trips through its JSON form
            let back = PartitionSpec::from_json_value(&spec.to_json()).unwrap();
            proptest::prop_assert_eq!(back.identity(), spec.identity());
            proptest::prop_assert_eq!(back, spec);
        }
    }
}
