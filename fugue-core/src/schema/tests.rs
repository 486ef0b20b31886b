//! Unit tests of the schema module, one or more per spec rule (ids in the
//! test names). Errors are checked by kind, never by message.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::datatypes::{
    DataType, Field, Fields, IntervalUnit, Schema as ArrowSchema, TimeUnit, UnionFields, UnionMode,
};
use proptest::prelude::*;

use super::*;
use crate::error::ErrorKind;

fn s(expr: &str) -> Schema {
    match Schema::parse(expr) {
        Ok(s) => s,
        Err(e) => panic!("`{expr}` should parse: {e}"),
    }
}

fn kind<T: std::fmt::Debug>(r: Result<T>) -> ErrorKind {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.kind(),
    }
}

fn syntax_err(expr: &str) {
    assert_eq!(kind(Schema::parse(expr)), ErrorKind::SchemaSyntax, "`{expr}`");
}

fn ty(expr: &str) -> DataType {
    match parse_data_type(expr) {
        Ok(t) => t,
        Err(e) => panic!("`{expr}` should parse: {e}"),
    }
}

fn list(t: DataType) -> DataType {
    DataType::List(Arc::new(Field::new("item", t, true)))
}

fn map(k: DataType, v: DataType) -> DataType {
    types::map_of(k, v, false)
}

fn strukt(fields: Vec<(&str, DataType)>) -> DataType {
    DataType::Struct(Fields::from(
        fields.into_iter().map(|(n, t)| Field::new(n, t, true)).collect::<Vec<_>>(),
    ))
}

// ---------------------------------------------------------------- SCH-TYPE

#[test]
fn sch_type_1_type_names_are_case_sensitive() {
    for bad in ["a:INT", "a:Int", "a:String", "a:Decimal(5)", "a:DATETIME", "a:[Str]"] {
        syntax_err(bad);
    }
}

#[test]
fn sch_type_2_every_simple_name_maps_and_prints() {
    use DataType as D;
    let table: Vec<(&[&str], DataType, &str)> = vec![
        (&["null"], D::Null, "null"),
        (&["str", "string"], D::Utf8, "str"),
        (&["bool", "boolean"], D::Boolean, "bool"),
        (&["int8", "byte"], D::Int8, "byte"),
        (&["int16", "short"], D::Int16, "short"),
        (&["int32", "int"], D::Int32, "int"),
        (&["int64", "long"], D::Int64, "long"),
        (&["uint8", "ubyte"], D::UInt8, "ubyte"),
        (&["uint16", "ushort"], D::UInt16, "ushort"),
        (&["uint32", "uint"], D::UInt32, "uint"),
        (&["uint64", "ulong"], D::UInt64, "ulong"),
        (&["float16"], D::Float16, "float16"),
        (&["float32", "float"], D::Float32, "float"),
        (&["float64", "double"], D::Float64, "double"),
        (&["date"], D::Date32, "date"),
        (&["datetime"], D::Timestamp(TimeUnit::Microsecond, None), "datetime"),
        (&["binary", "bytes"], D::Binary, "bytes"),
    ];
    for (names, arrow, printed) in table {
        for name in names {
            assert_eq!(ty(name), arrow, "{name}");
            let schema = s(&format!("a:{name}"));
            assert_eq!(schema.data_type("a"), Some(&arrow));
            assert_eq!(schema.to_string(), format!("a:{printed}"));
            assert!(schema.fields()[0].is_nullable());
        }
        assert_eq!(data_type_to_expr(&arrow), printed);
    }
}

#[test]
fn sch_type_3_decimal() {
    assert_eq!(ty("decimal(5)"), DataType::Decimal128(5, 0));
    assert_eq!(ty("decimal(10,2)"), DataType::Decimal128(10, 2));
    assert_eq!(ty("decimal( 10 , 2 )"), DataType::Decimal128(10, 2));
    assert_eq!(ty("decimal (10,2)"), DataType::Decimal128(10, 2));
    assert_eq!(data_type_to_expr(&DataType::Decimal128(10, 0)), "decimal(10)");
    assert_eq!(data_type_to_expr(&DataType::Decimal128(10, 2)), "decimal(10,2)");
    assert_eq!(s("a:decimal(10,0)").to_string(), "a:decimal(10)");
    for bad in ["a:decimal()", "a:decimal(1,2,3)", "a:decimal(x)", "a:decimal(0)", "a:decimal(39)"]
    {
        syntax_err(bad);
    }
    syntax_err("a:decimal(3,5)"); // scale > precision
    syntax_err("a:decimal(10,2");
    syntax_err("a:decimal(,2)");
}

#[test]
fn sch_type_3_timestamp() {
    for (u, unit) in [
        ("s", TimeUnit::Second),
        ("ms", TimeUnit::Millisecond),
        ("us", TimeUnit::Microsecond),
        ("ns", TimeUnit::Nanosecond),
    ] {
        let t = ty(&format!("timestamp({u})"));
        assert_eq!(t, DataType::Timestamp(unit, None));
        assert_eq!(data_type_to_expr(&t), "datetime");
        let z = ty(&format!("timestamp( {u} , UTC )"));
        assert_eq!(z, DataType::Timestamp(unit, Some("UTC".into())));
        assert_eq!(data_type_to_expr(&z), format!("timestamp({u},UTC)"));
        assert_eq!(ty(&data_type_to_expr(&z)), z);
    }
    assert_eq!(
        ty("timestamp(ms,America/New_York)"),
        DataType::Timestamp(TimeUnit::Millisecond, Some("America/New_York".into()))
    );
    assert_eq!(
        ty("timestamp(ns,+08:00)"),
        DataType::Timestamp(TimeUnit::Nanosecond, Some("+08:00".into()))
    );
    for bad in [
        "a:timestamp()",
        "a:timestamp(ms,UTC,x)",
        "a:timestamp(min)",
        "a:timestamp(MS)",
        // unknown zones: rejected here, not by a backend panic later
        "a:timestamp(us,Mars/Olympus)",
        "a:timestamp(us,+25:00)",
        "a:timestamp(us,utc8)",
    ] {
        syntax_err(bad);
    }
}

#[test]
fn sch_type_4_tzless_timestamp_prints_datetime_keeps_unit() {
    let schema = s("a:timestamp(ns)");
    assert_eq!(schema.data_type("a"), Some(&DataType::Timestamp(TimeUnit::Nanosecond, None)));
    assert_eq!(schema.to_string(), "a:datetime");
    // re-parsing is lossy: microseconds
    assert_eq!(
        s(&schema.to_string()).data_type("a"),
        Some(&DataType::Timestamp(TimeUnit::Microsecond, None))
    );
}

#[test]
fn sch_type_5_simple_type_with_args_or_param_type_without() {
    for bad in ["a:str(5)", "a:datetime(us)", "a:int()", "a:decimal", "a:timestamp", "a:[decimal]"]
    {
        syntax_err(bad);
    }
    assert_eq!(kind(parse_data_type("str(5)")), ErrorKind::SchemaSyntax);
}

#[test]
fn sch_type_6_nested_types() {
    assert_eq!(ty("[int]"), list(DataType::Int32));
    assert_eq!(ty("{a:int,b:str}"), strukt(vec![("a", DataType::Int32), ("b", DataType::Utf8)]));
    assert_eq!(ty("{}"), DataType::Struct(Fields::empty()));
    assert_eq!(ty("{ }"), DataType::Struct(Fields::empty()));
    assert_eq!(ty("<str,int>"), map(DataType::Utf8, DataType::Int32));
    let a = s("a:[{x:str,y:[int]}]");
    assert_eq!(
        a.data_type("a"),
        Some(&list(strukt(vec![("x", DataType::Utf8), ("y", list(DataType::Int32))])))
    );
    assert_eq!(a.to_string(), "a:[{x:str,y:[int]}]");
    let m = s("m:<str,[int]>");
    assert_eq!(m.data_type("m"), Some(&map(DataType::Utf8, list(DataType::Int32))));
    assert_eq!(m.to_string(), "m:<str,[int]>");
    // map layout: entries{key (non-null), value}
    let DataType::Map(entries, false) = ty("<str,int>") else { panic!("not a map") };
    assert_eq!(entries.name(), "entries");
    assert!(!entries.is_nullable());
    let DataType::Struct(kv) = entries.data_type() else { panic!("not a struct") };
    assert_eq!((kv[0].name().as_str(), kv[0].is_nullable()), ("key", false));
    assert_eq!((kv[1].name().as_str(), kv[1].is_nullable()), ("value", true));
    for bad in [
        "a:[]",
        "a:[int,str]",
        "a:<str>",
        "a:<a,b,c>",
        "a:<str,int,long>",
        "a:{x:int,x:str}",
        "a:{x}",
        "a:{x:int,}",
        "a:{,x:int}",
        "a:[int",
        "a:{x:int",
        "a:<str,int",
        "a:int]",
        "a:<>",
    ] {
        syntax_err(bad);
    }
}

#[test]
fn sch_type_6_nested_whitespace() {
    assert_eq!(s("a : [ { x : int , y : < str , [ long ] > } ]"), s("a:[{x:int,y:<str,[long]>}]"));
}

#[test]
fn sch_type_7_unsupported_arrow_types_are_schema_errors() {
    use DataType as D;
    let item = Arc::new(Field::new("item", D::Int32, true));
    let union = D::Union(
        UnionFields::try_new(vec![0], vec![Field::new("a", D::Int32, true)]).unwrap(),
        UnionMode::Sparse,
    );
    let unsupported = vec![
        D::Time32(TimeUnit::Millisecond),
        D::Time64(TimeUnit::Nanosecond),
        D::Duration(TimeUnit::Second),
        D::Interval(IntervalUnit::MonthDayNano),
        D::Decimal256(40, 2),
        D::Decimal32(5, 2),
        D::Decimal64(12, 2),
        D::FixedSizeBinary(4),
        D::FixedSizeList(item.clone(), 3),
        union,
        D::RunEndEncoded(
            Arc::new(Field::new("run_ends", D::Int32, false)),
            Arc::new(Field::new("values", D::Utf8, true)),
        ),
        D::Decimal128(0, 0),
        D::Decimal128(50, 0),
        list(D::Time32(TimeUnit::Second)),
        D::Map(Arc::new(Field::new("entries", D::Int32, false)), false),
    ];
    for dt in unsupported {
        assert_eq!(kind(normalize_data_type(&dt)), ErrorKind::Schema, "{dt:?}");
        let arrow = ArrowSchema::new(vec![Field::new("c", dt.clone(), true)]);
        assert_eq!(kind(Schema::from_arrow(&arrow)), ErrorKind::Schema, "{dt:?}");
        // printing never panics and the text is rejected by the parser
        let text = data_type_to_expr(&dt);
        assert!(parse_data_type(&text).is_err(), "{text}");
    }
}

#[test]
fn sch_type_8_large_and_view_types_are_normalised() {
    use DataType as D;
    let item = |t| Arc::new(Field::new("element", t, false));
    let cases = vec![
        (D::LargeUtf8, D::Utf8),
        (D::Utf8View, D::Utf8),
        (D::LargeBinary, D::Binary),
        (D::BinaryView, D::Binary),
        (D::Date64, D::Date32),
        (D::LargeList(item(D::LargeUtf8)), list(D::Utf8)),
        (D::ListView(item(D::Int64)), list(D::Int64)),
        (D::LargeListView(item(D::Int64)), list(D::Int64)),
        (D::List(item(D::Utf8View)), list(D::Utf8)),
        (D::Dictionary(Box::new(D::Int32), Box::new(D::Utf8)), D::Utf8),
        (D::Dictionary(Box::new(D::Int8), Box::new(D::LargeUtf8)), D::Utf8),
        (
            D::Struct(Fields::from(vec![Field::new("x", D::LargeUtf8, false)])),
            strukt(vec![("x", D::Utf8)]),
        ),
        (
            D::Map(
                Arc::new(Field::new(
                    "kv",
                    D::Struct(Fields::from(vec![
                        Field::new("keys", D::Utf8View, false),
                        Field::new("values", D::LargeBinary, false),
                    ])),
                    false,
                )),
                false,
            ),
            map(D::Utf8, D::Binary),
        ),
    ];
    for (raw, want) in cases {
        let got = normalize_data_type(&raw).unwrap();
        // exact Arrow equality: canonical nested names and nullability
        assert_eq!(got, want, "{raw:?}");
    }
    let arrow = ArrowSchema::new(vec![
        Field::new("a", D::LargeUtf8, false),
        Field::new("b", D::BinaryView, true),
        Field::new("c", D::LargeList(item(D::Int32)), true),
    ]);
    let schema = Schema::from_arrow(&arrow).unwrap();
    assert_eq!(schema.to_string(), "a:str,b:bytes,c:[int]");
    assert_eq!(schema.arrow().field(0).data_type(), &D::Utf8);
    assert_eq!(schema.arrow().field(2).data_type(), &list(D::Int32));
}

#[test]
fn sch_type_9_everything_nullable_and_equality_ignores_it() {
    let schema = s("a:[{x:int}],m:<str,[int]>");
    assert!(schema.fields().iter().all(|f| f.is_nullable()));
    let arrow = ArrowSchema::new(vec![Field::new("a", DataType::Int32, false)]);
    let from = Schema::from_arrow(&arrow).unwrap();
    assert!(from.fields()[0].is_nullable());
    assert_eq!(from, s("a:int"));
    // list item name and nullability ignored by equality
    let custom = DataType::List(Arc::new(Field::new("element", DataType::Int32, false)));
    assert!(types_equal(&custom, &list(DataType::Int32)));
    let meta = Field::new("a", DataType::Int32, true)
        .with_metadata(HashMap::from([("k".to_string(), "v".to_string())]));
    assert_eq!(Schema::from_fields([meta]).unwrap(), s("a:int"));
}

// ---------------------------------------------------------------- SCH-NAME

#[test]
fn sch_name_1_field_is_name_colon_type() {
    let schema = s("a:int,`b`:str");
    assert_eq!(schema.names(), ["a", "b"]);
}

#[test]
fn sch_name_2_unquoted_names_trim_and_keep_inner_space() {
    assert_eq!(s(" a b :int").names(), ["a b"]);
    assert_eq!(s("1a:int,a-b:int,é:int").names(), ["1a", "a-b", "é"]);
    assert_eq!(s("1a:int,a-b:int,é:int").to_string(), "`1a`:int,`a-b`:int,`é`:int");
    for bad in ["a(b:int", "a)b:int", "a]:int", "a>b:int", "a<b:int", "a}:int", "a\tb:int"] {
        syntax_err(bad);
    }
    assert_eq!(kind(parse_name("a,b")), ErrorKind::SchemaSyntax);
    assert_eq!(kind(parse_name("a:b")), ErrorKind::SchemaSyntax);
    assert_eq!(kind(parse_name("a{")), ErrorKind::SchemaSyntax);
    assert_eq!(parse_name(" a b ").unwrap(), "a b");
}

#[test]
fn sch_name_3_quoted_names() {
    let schema = s("`c``d`:int,`a:b`:int,`x,y`:str,`c *`:long, ` sp ` :int");
    assert_eq!(schema.names(), ["c`d", "a:b", "x,y", "c *", " sp "]);
    assert_eq!(schema.to_string(), "`c``d`:int,`a:b`:int,`x,y`:str,`c *`:long,` sp `:int");
    assert_eq!(parse_name("`c``d`").unwrap(), "c`d");
    assert_eq!(parse_name(" `a:b` ").unwrap(), "a:b");
    assert_eq!(s("a:{`x y`:int}").to_string(), "a:{`x y`:int}");
}

#[test]
fn sch_name_4_glued_text_is_syntax_error() {
    syntax_err("`a`b:int");
    syntax_err("a`b`:int");
    syntax_err("`a` b:int");
    syntax_err("a:{`x`y:int}");
    assert_eq!(kind(parse_name("`a`b")), ErrorKind::SchemaSyntax);
    assert_eq!(kind(parse_name("a`b`")), ErrorKind::SchemaSyntax);
}

#[test]
fn sch_name_5_empty_names_are_syntax_errors() {
    syntax_err(":int");
    syntax_err("a:int, :str");
    syntax_err("``:int");
    syntax_err("a:{:int}");
    assert_eq!(kind(parse_name("")), ErrorKind::SchemaSyntax);
    assert_eq!(kind(parse_name("  ")), ErrorKind::SchemaSyntax);
    assert_eq!(kind(parse_name("``")), ErrorKind::SchemaSyntax);
    let empty = Field::new("", DataType::Int32, true);
    assert_eq!(kind(Schema::from_fields([empty])), ErrorKind::Schema);
    assert_eq!(kind(Schema::from_pairs([("", "int")])), ErrorKind::Schema);
}

#[test]
fn sch_name_6_names_are_case_sensitive() {
    let schema = s("a:int,A:str");
    assert_eq!(schema.names(), ["a", "A"]);
    assert!(!schema.contains("b") && schema.contains("A"));
}

#[test]
fn sch_name_7_duplicates() {
    syntax_err("a:int,a:str");
    syntax_err("a:int,`a`:str");
    syntax_err("x:{a:int,a:str}");
    assert!(Schema::parse("a:{a:int}").is_ok());
    let f = || Field::new("a", DataType::Int32, true);
    assert_eq!(kind(Schema::from_fields([f(), f()])), ErrorKind::Schema);
    assert_eq!(kind(Schema::from_pairs([("a", "int"), ("a", "str")])), ErrorKind::Schema);
    let dup_struct = DataType::Struct(Fields::from(vec![f(), f()]));
    assert_eq!(kind(normalize_data_type(&dup_struct)), ErrorKind::Schema);
    let arrow = ArrowSchema::new(vec![f(), f()]);
    assert_eq!(kind(Schema::from_arrow(&arrow)), ErrorKind::Schema);
}

#[test]
fn sch_name_8_control_characters() {
    // quoted names keep them (MAY reject: we accept, so any Arrow name round-trips)
    assert_eq!(s("`a\nb`:int").names(), ["a\nb"]);
    // unquoted inner control characters are rejected
    syntax_err("a\u{1}b:int");
    // surrounding whitespace (including newlines) is trimmed
    assert_eq!(s("\n a:int\n").names(), ["a"]);
}

// ---------------------------------------------------------------- SCH-GRAM

#[test]
fn sch_gram_1_whitespace_around_tokens() {
    assert_eq!(s("a : int , b:  str "), s("a:int,b:str"));
    assert_eq!(s("a : int , b:  str ").to_string(), "a:int,b:str");
    assert_eq!(s("a :[ int ]").to_string(), "a:[int]");
    assert_eq!(s("\ta\t:\tint\n").to_string(), "a:int");
}

#[test]
fn sch_gram_2_empty_expression_is_empty_schema() {
    assert!(s("").is_empty());
    assert!(s("   \n\t").is_empty());
    assert_eq!(s("").to_string(), "");
    assert_eq!(Schema::empty(), s(""));
    assert_eq!(kind(Schema::empty().assert_not_empty()), ErrorKind::Schema);
    assert!(s("a:int").assert_not_empty().is_ok());
}

#[test]
fn sch_gram_3_malformed_expressions() {
    for bad in [
        "a:int,",
        ",a:int",
        "a:int,,b:int",
        "a:",
        "a",
        "a:int:str",
        "a:[int",
        "a:{x:int",
        "`a:int",
        "a:int,`b",
        ",",
        "a:int b:str",
        "a:foo",
    ] {
        syntax_err(bad);
    }
}

// ---------------------------------------------------------------- SCH-PRINT

#[test]
fn sch_print_1_canonical_text() {
    assert_eq!(s("a:[int]").to_string(), "a:[int]");
    assert_eq!(s("a:{x:int,y:[string]}").to_string(), "a:{x:int,y:[str]}");
    assert_eq!(s("a:<string,int32>").to_string(), "a:<str,int>");
    assert_eq!(s("a:int64, b : boolean").to_string(), "a:long,b:bool");
}

#[test]
fn sch_print_2_quoting() {
    for bare in ["_a", "a", "a1", "A_b", "_1"] {
        assert_eq!(quote_name(bare), bare);
    }
    for (name, quoted) in [
        ("_", "`_`"),
        ("__", "`__`"),
        ("1a", "`1a`"),
        ("a b", "`a b`"),
        ("é", "`é`"),
        ("a-b", "`a-b`"),
        ("", "``"),
        ("c`d", "`c``d`"),
    ] {
        assert_eq!(quote_name(name), quoted);
    }
    assert_eq!(s("x:{`1a`:int}").to_string(), "x:{`1a`:int}");
}

#[test]
fn sch_print_3_round_trip() {
    for expr in [
        "a:int,b:str",
        "a:[{x:str,y:[int]}],m:<str,[int]>",
        "`c``d`:int,`a:b`:{`x,y`:<long,{}>}",
        "a:decimal(10,2),b:decimal(5),c:timestamp(ms,UTC),d:datetime",
        "n:null,b:bytes,f:float16,u:ulong,d:date",
        "`_`:int,`é`:str,`1a`:bool",
    ] {
        let schema = s(expr);
        let text = schema.to_string();
        assert_eq!(text, expr);
        assert_eq!(s(&text), schema);
    }
}

// ---------------------------------------------------------------- SCH-BUILD

#[test]
fn sch_build_1_from_arrow_and_conversions() {
    let arrow = ArrowSchema::new(vec![
        Field::new("a", DataType::Int32, false),
        Field::new("b", DataType::Utf8View, true),
    ]);
    let schema = Schema::from_arrow(&arrow).unwrap();
    assert_eq!(schema, "a:int,b:str");
    let via: Schema = Schema::try_from(&arrow).unwrap();
    assert_eq!(via, schema);
    let via_ref = Schema::try_from(Arc::new(arrow)).unwrap();
    assert_eq!(via_ref, schema);
    let back: arrow::datatypes::SchemaRef = (&schema).into();
    assert_eq!(Schema::try_from(back).unwrap(), schema);
    let owned: arrow::datatypes::SchemaRef = schema.clone().into();
    assert_eq!(owned.fields().len(), 2);
}

#[test]
fn sch_build_2_from_pairs() {
    let a = Schema::from_pairs([("a", "int"), ("b", "[str]")]).unwrap();
    assert_eq!(a, "a:int,b:[str]");
    let b = Schema::from_pairs(vec![
        ("a".to_string(), DataType::Int32),
        ("b".to_string(), list(DataType::LargeUtf8)),
    ])
    .unwrap();
    assert_eq!(a, b);
    let c = Schema::from_pairs([("a", &DataType::Int32)]).unwrap();
    assert_eq!(c, "a:int");
    assert_eq!(kind(Schema::from_pairs([("a", "foo")])), ErrorKind::SchemaSyntax);
    assert_eq!(
        kind(Schema::from_pairs([("a", DataType::Time32(TimeUnit::Second))])),
        ErrorKind::Schema
    );
    // names are verbatim, not parsed
    assert_eq!(Schema::from_pairs([("`x`", "int")]).unwrap().names(), ["`x`"]);
    let from_str: Schema = "a:int".parse().unwrap();
    assert_eq!(from_str, Schema::try_from("a:int").unwrap());
}

// ---------------------------------------------------------------- SCH-OP

#[test]
fn sch_op_1_accessors() {
    let schema = s("a:int,b:str,c:double");
    assert_eq!(schema.names(), ["a", "b", "c"]);
    assert_eq!(schema.len(), 3);
    assert_eq!(schema.types(), [&DataType::Int32, &DataType::Utf8, &DataType::Float64]);
    assert_eq!(schema.index_of("c").unwrap(), 2);
    assert_eq!(kind(schema.index_of("x")), ErrorKind::NotFound);
}

#[test]
fn sch_op_2_concat() {
    let a = s("a:int,b:str");
    assert_eq!(a.concat(&s("c:long")).unwrap(), "a:int,b:str,c:long");
    assert_eq!(kind(a.concat(&s("a:long"))), ErrorKind::Schema);
    assert_eq!(a.concat(&Schema::empty()).unwrap(), a);
}

#[test]
fn sch_op_3_remove() {
    let schema = s("a:int,b:str,c:double");
    assert_eq!(schema.remove(&["b"]).unwrap(), "a:int,c:double");
    assert_eq!(schema.remove(&["c", "a"]).unwrap(), "b:str");
    assert!(schema.remove(&["a", "b", "c"]).unwrap().is_empty());
    assert_eq!(kind(schema.remove(&["x"])), ErrorKind::Schema);
    assert_eq!(kind(schema.remove(&["a", "a"])), ErrorKind::Schema);
    assert_eq!(schema.remove_schema(&s("a:int")).unwrap(), "b:str,c:double");
    assert_eq!(kind(schema.remove_schema(&s("a:long"))), ErrorKind::Schema);
    assert_eq!(kind(schema.remove_schema(&s("x:int"))), ErrorKind::Schema);
}

#[test]
fn sch_op_4_exclude() {
    let schema = s("a:int,b:str,c:double");
    assert_eq!(schema.exclude(&["b", "x"]), "a:int,c:double");
    assert_eq!(schema.exclude(&["x"]), schema);
    assert_eq!(schema.exclude_schema(&s("a:int,x:str")).unwrap(), "b:str,c:double");
    assert_eq!(kind(schema.exclude_schema(&s("a:str"))), ErrorKind::Schema);
}

#[test]
fn sch_op_5_extract() {
    let schema = s("a:int,b:str,c:double");
    assert_eq!(schema.extract(&["c", "a"]).unwrap(), "c:double,a:int");
    assert!(schema.extract(&[]).unwrap().is_empty());
    assert_eq!(kind(schema.extract(&["x"])), ErrorKind::Schema);
    assert_eq!(kind(schema.extract(&["a", "a"])), ErrorKind::Schema);
    assert_eq!(schema.extract_schema(&s("c:double,b:str")).unwrap(), "c:double,b:str");
    assert_eq!(kind(schema.extract_schema(&s("c:int"))), ErrorKind::Schema);
    assert_eq!(kind(schema.extract_schema(&s("x:int"))), ErrorKind::Schema);
}

#[test]
fn sch_op_6_intersect() {
    let schema = s("a:int,b:str,c:double");
    assert_eq!(schema.intersect(&["c", "x", "a"]), "a:int,c:double");
    assert!(schema.intersect(&[]).is_empty());
    assert_eq!(schema.intersect_schema(&s("c:double,a:long")), "c:double");
}

#[test]
fn sch_op_7_union() {
    let schema = s("a:int,b:str");
    assert_eq!(schema.union(&s("b:long,c:double")), "a:int,b:str,c:double");
    assert_eq!(schema.union(&Schema::empty()), schema);
}

#[test]
fn sch_op_8_rename() {
    let schema = s("a:int,b:str,c:double");
    assert_eq!(schema.rename(&[("a", "x")]).unwrap(), "x:int,b:str,c:double");
    assert_eq!(schema.rename(&[("a", "b"), ("b", "a")]).unwrap(), "b:int,a:str,c:double");
    assert_eq!(schema.rename(&[]).unwrap(), schema);
    assert_eq!(kind(schema.rename(&[("x", "y")])), ErrorKind::Schema);
    assert_eq!(kind(schema.rename(&[("a", "b")])), ErrorKind::Schema);
    assert_eq!(kind(schema.rename(&[("a", "")])), ErrorKind::Schema);
    assert_eq!(kind(schema.rename(&[("a", "x"), ("a", "y")])), ErrorKind::Schema);
}

#[test]
fn sch_op_9_alter() {
    let schema = s("a:int,b:str,c:double");
    assert_eq!(schema.alter(&s("c:str,a:long")).unwrap(), "a:long,b:str,c:str");
    assert_eq!(schema.alter(&Schema::empty()).unwrap(), schema);
    assert_eq!(kind(schema.alter(&s("x:int"))), ErrorKind::InvalidArgument);
}

#[test]
fn sch_op_10_contains() {
    let schema = s("a:int,b:str,c:double");
    assert!(schema.contains("a"));
    assert!(!schema.contains("x"));
    assert!(schema.contains_all(&["a", "c"]));
    assert!(!schema.contains_all(&["a", "x"]));
    assert!(schema.contains_all(&[]));
    assert!(schema.contains_schema(&s("c:double,a:int")));
    assert!(!schema.contains_schema(&s("a:long")));
    assert!(!schema.contains_schema(&s("x:int")));
}

// ---------------------------------------------------------------- SCH-EQ

#[test]
fn sch_eq_1_schema_equality() {
    assert_eq!(s("a:int,b:str"), s("a : int32, b : string"));
    assert_ne!(s("a:int,b:str"), s("b:str,a:int"));
    assert_ne!(s("a:int"), s("a:long"));
    assert_ne!(s("a:int"), s("a:int,b:int"));
    assert_ne!(s("a:int"), s("A:int"));
    assert_ne!(s("a:{x:int}"), s("a:{y:int}"));
    assert_ne!(s("a:timestamp(ms)"), s("a:timestamp(us)"));
    assert_ne!(s("a:timestamp(ms,UTC)"), s("a:timestamp(ms)"));
    assert_ne!(s("a:decimal(10,2)"), s("a:decimal(10,3)"));
    // map entry field names ignored
    let other_map = DataType::Map(
        Arc::new(Field::new(
            "kv",
            DataType::Struct(Fields::from(vec![
                Field::new("keys", DataType::Utf8, false),
                Field::new("values", DataType::Int32, false),
            ])),
            false,
        )),
        true,
    );
    assert!(types_equal(&other_map, &ty("<str,int>")));
    assert!(!types_equal(&other_map, &ty("<str,long>")));
    assert!(!types_equal(&DataType::LargeUtf8, &DataType::Utf8));
}

#[test]
fn sch_eq_2_schema_vs_string() {
    let schema = s("a:int,b:str");
    assert!(schema == "a:int,b:str");
    assert!(schema == *"a:int,b:str");
    let owned = String::from("a:int,b:str");
    assert!(schema == owned);
    assert!("a:int,b:str" == schema);
    // Rust also parses and compares structurally (MAY)
    assert!(schema == "a:int, b:str");
    assert!(schema == "a:int,b:string");
    assert!(schema != "a:int");
    assert!(schema != "a:int,b:foo");
    assert!(schema != "not a schema");
    // canonical text of a lossy timestamp still compares equal
    let ts = s("t:timestamp(ns)");
    assert!(ts == "t:datetime");
}

#[test]
fn sch_eq_3_schema_vs_nothing() {
    let some: Option<Schema> = Some(s("a:int"));
    assert_ne!(some, None);
}

#[test]
fn sch_eq_4_is_like_with_equal_groups() {
    fn is_int(t: &DataType) -> bool {
        t.is_integer()
    }
    fn is_str(t: &DataType) -> bool {
        matches!(t, DataType::Utf8 | DataType::LargeUtf8)
    }
    let a = s("a:int,b:[long],c:{x:short}");
    let b = s("a:long,b:[byte],c:{x:ulong}");
    assert!(!a.is_like(&b, &[]));
    assert!(a.is_like(&b, &[is_int]));
    assert!(a.is_like(&a, &[]));
    assert!(!a.is_like(&s("a:str,b:[long],c:{x:short}"), &[is_int, is_str]));
    assert!(!a.is_like(&s("z:int,b:[long],c:{x:short}"), &[is_int]));
    assert!(types_like(&DataType::Utf8, &DataType::LargeUtf8, &[is_str]));
}

// ---------------------------------------------------------------- SCH-HINT

fn hint_s() -> Schema {
    s("a:int,b:str,c:double")
}

fn hint(h: &str) -> Schema {
    match hint_s().transform(h) {
        Ok(s) => s,
        Err(e) => panic!("hint `{h}` failed: {e}"),
    }
}

#[test]
fn sch_hint_example_table() {
    let table: Vec<(&str, std::result::Result<&str, ErrorKind>)> = vec![
        ("*", Ok("a:int,b:str,c:double")),
        ("*,d:int", Ok("a:int,b:str,c:double,d:int")),
        ("x:int", Ok("x:int")),
        ("*-b", Ok("a:int,c:double")),
        ("*-b,c", Ok("a:int")),
        ("*-b-c", Ok("a:int")),
        ("*-x", Err(ErrorKind::Schema)),
        ("*~b,x", Ok("a:int,c:double")),
        ("*~x", Ok("a:int,b:str,c:double")),
        ("*+b:int,e:str", Ok("a:int,b:int,c:double,e:str")),
        ("*+b:int-a", Ok("b:int,c:double")),
        ("*,b:int", Err(ErrorKind::Schema)),
        ("*,`x y`:int", Ok("a:int,b:str,c:double,`x y`:int")),
        ("*-a,b,c", Ok("")),
    ];
    for (h, want) in table {
        let got = hint_s().transform(h);
        match want {
            Ok(text) => {
                let got = got.unwrap_or_else(|e| panic!("`{h}`: {e}"));
                assert_eq!(got.to_string(), text, "hint `{h}`");
            }
            Err(k) => assert_eq!(kind(got), k, "hint `{h}`"),
        }
    }
}

#[test]
fn sch_hint_1_plain_expression() {
    assert_eq!(hint("x:int,y:[str]").to_string(), "x:int,y:[str]");
    assert_eq!(kind(hint_s().transform("x:int,x:str")), ErrorKind::SchemaSyntax);
}

#[test]
fn sch_hint_2_operators_outside_backticks() {
    assert_eq!(hint("*,`a-b`:int").names(), ["a", "b", "c", "a-b"]);
    assert_eq!(hint("*,`x+y~z`:int-a").names(), ["b", "c", "x+y~z"]);
    assert_eq!(kind(hint_s().transform("*,`x:int")), ErrorKind::SchemaSyntax);
}

#[test]
fn sch_hint_3_head_star() {
    assert_eq!(hint("*").to_string(), "a:int,b:str,c:double");
    assert_eq!(hint("d:int,*").to_string(), "d:int,a:int,b:str,c:double");
    assert_eq!(hint(" * , d:int").to_string(), "a:int,b:str,c:double,d:int");
    assert_eq!(hint("*,`c *`:long").to_string(), "a:int,b:str,c:double,`c *`:long");
    assert_eq!(kind(hint_s().transform("*,*")), ErrorKind::Schema);
    assert_eq!(kind(hint_s().transform("c:int,*")), ErrorKind::Schema);
    assert!(hint("").is_empty());
    assert!(hint("  ").is_empty());
    // a star glued to other text is a syntax error
    for bad in ["*a:int", "a*:int", "x:*", "* d:int", "**"] {
        assert_eq!(kind(hint_s().transform(bad)), ErrorKind::SchemaSyntax, "`{bad}`");
    }
    // `*` keeps the exact input types (no SCH-TYPE-4 unit loss)
    let ns = s("t:timestamp(ns)");
    assert_eq!(ns.transform("*").unwrap().arrow().field(0).data_type(), ns.types()[0]);
    // a star inside a struct stands for S too
    assert_eq!(hint("x:{*}").to_string(), "x:{a:int,b:str,c:double}");
    // the empty schema
    assert_eq!(Schema::empty().transform("*,d:int").unwrap(), "d:int");
    assert!(Schema::empty().transform("*").unwrap().is_empty());
}

#[test]
fn sch_hint_4_minus_names() {
    assert_eq!(hint("*- b , ,c").to_string(), "a:int");
    assert_eq!(kind(hint_s().transform("*-x")), ErrorKind::Schema);
    assert_eq!(kind(hint_s().transform("*-a,a")), ErrorKind::Schema);
    assert_eq!(kind(hint_s().transform("-a")), ErrorKind::Schema);
    let q = s("`a-b`:int,`c d`:str,e:int");
    assert_eq!(q.transform("*-`a-b`,`c d`").unwrap().to_string(), "e:int");
    assert_eq!(kind(q.transform("*-`a-b`x")), ErrorKind::SchemaSyntax);
}

#[test]
fn sch_hint_5_tilde_names() {
    assert_eq!(hint("*~b,x").to_string(), "a:int,c:double");
    assert_eq!(hint("*~x"), hint_s());
    assert_eq!(hint("*~b,b").to_string(), "a:int,c:double");
}

#[test]
fn sch_hint_6_plus_expression() {
    assert_eq!(hint("*+b:int,e:str").to_string(), "a:int,b:int,c:double,e:str");
    assert_eq!(hint("*+e:str,a:long").to_string(), "a:long,b:str,c:double,e:str");
    assert_eq!(kind(hint_s().transform("*+b:foo")), ErrorKind::SchemaSyntax);
    // parentheses protect type arguments
    assert_eq!(
        hint("*+t:timestamp(s,+08:00)").data_type("t"),
        Some(&DataType::Timestamp(TimeUnit::Second, Some("+08:00".into())))
    );
}

#[test]
fn sch_hint_7_left_to_right_and_bare_operators() {
    assert_eq!(hint("*-b-c"), hint("*-b,c"));
    assert_eq!(hint("*+b:int-a").to_string(), "b:int,c:double");
    assert_eq!(hint("*~b~x").to_string(), "a:int,c:double");
    assert_eq!(hint("*-"), hint_s());
    assert_eq!(hint("*~"), hint_s());
    assert_eq!(hint("*+"), hint_s());
    assert_eq!(hint("*-a+a:long").to_string(), "b:str,c:double,a:long");
}

#[test]
fn sch_hint_8_operator_chars_need_quotes() {
    let q = s("`a-b`:int,c:int");
    assert_eq!(q.transform("*-`a-b`").unwrap().to_string(), "c:int");
    // unquoted: cut at `-`, so `a` is removed (absent → error)
    assert_eq!(kind(q.transform("*-a-b")), ErrorKind::Schema);
}

#[test]
fn sch_hint_9_list_form() {
    let schema = hint_s();
    assert_eq!(schema.transform_parts(&["*-c", "x:int"]).unwrap().to_string(), "a:int,b:str,x:int");
    assert_eq!(kind(schema.transform_parts(&["*", "a:int"])), ErrorKind::Schema);
    assert!(schema.transform_parts(&[]).unwrap().is_empty());
}

#[test]
fn sch_hint_11_empty_result_is_not_an_error() {
    assert!(hint("*-a,b,c").is_empty());
    assert!(hint("*~a,b,c,d").is_empty());
}

// ---------------------------------------------------------------- helpers

#[test]
fn split_outside_backticks_keeps_quoted_separators() {
    assert_eq!(split_outside_backticks("a,`b,c`,d", ',').unwrap(), ["a", "`b,c`", "d"]);
    assert_eq!(split_outside_backticks("`a``,b`,c", ',').unwrap(), ["`a``,b`", "c"]);
    assert_eq!(split_outside_backticks("", ',').unwrap(), [""]);
    assert_eq!(split_outside_backticks("a,", ',').unwrap(), ["a", ""]);
    assert_eq!(split_outside_backticks("é;ü", ';').unwrap(), ["é", "ü"]);
    assert_eq!(kind(split_outside_backticks("a,`b", ',')), ErrorKind::SchemaSyntax);
    assert_eq!(kind(split_outside_backticks("a", '`')), ErrorKind::InvalidArgument);
}

#[test]
fn parse_data_type_single_type() {
    assert_eq!(ty(" [ {a:int} ] "), list(strukt(vec![("a", DataType::Int32)])));
    assert_eq!(kind(parse_data_type("")), ErrorKind::SchemaSyntax);
    assert_eq!(kind(parse_data_type("int int")), ErrorKind::SchemaSyntax);
    assert_eq!(kind(parse_data_type("int,")), ErrorKind::SchemaSyntax);
    assert_eq!(kind(parse_data_type("a:int")), ErrorKind::SchemaSyntax);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("a:{}int{}", "[".repeat(100_000), "]".repeat(100_000));
    syntax_err(&deep);
    let ok = format!("a:{}int{}", "[".repeat(50), "]".repeat(50));
    assert_eq!(s(&ok).to_string(), ok);
    let structs = format!("a:{}{}", "{x:".repeat(10_000), "}".repeat(10_000));
    syntax_err(&structs);
}

/// Snapshot of a few messages (STYLE §5): lower case, offending text in
/// backticks, what was expected.
#[test]
fn error_message_snapshots() {
    let cases = [
        (
            "a:INT",
            "invalid expression `a:INT`: unknown type `INT` at position 2; type names are lower case, did you mean `int`?",
        ),
        (
            "a:int,",
            "invalid expression `a:int,`: expected a field after `,`, found end of expression",
        ),
        (
            "a",
            "invalid expression `a`: missing type for column `a`, expected `:type`, found end of expression",
        ),
        (
            "a:[int,str]",
            "invalid expression `a:[int,str]`: a list has exactly one element type, found `,` at position 6",
        ),
        (
            "a:str(5)",
            "invalid expression `a:str(5)`: type `str` takes no arguments, found `(` after it at position 5",
        ),
    ];
    for (bad, msg) in cases {
        assert_eq!(Schema::parse(bad).unwrap_err().to_string(), msg);
    }
    assert_eq!(
        hint_s().transform("*-x").unwrap_err().to_string(),
        "schema error: cannot remove column `x`: not in schema `a:int,b:str,c:double`"
    );
    assert_eq!(
        hint_s().rename(&[("a", "b")]).unwrap_err().to_string(),
        "schema error: cannot rename: column `b` would appear twice in the result"
    );
}

#[test]
fn data_type_to_expr_outside_grammar_is_explicit() {
    use DataType as D;
    assert_eq!(data_type_to_expr(&D::Time32(TimeUnit::Millisecond)), "time32(ms)");
    assert_eq!(data_type_to_expr(&D::LargeUtf8), "large_str");
    assert_eq!(data_type_to_expr(&D::Date64), "date64");
    assert_eq!(
        data_type_to_expr(&D::Dictionary(Box::new(D::Int32), Box::new(D::Utf8))),
        "dictionary(int,str)"
    );
    for text in ["time32(ms)", "large_str", "date64", "dictionary(int,str)", "str_view"] {
        assert!(parse_data_type(text).is_err(), "{text}");
    }
}

#[test]
fn error_messages_name_the_offending_text() {
    let e = Schema::parse("a:INT").unwrap_err();
    assert!(e.to_string().contains("`INT`"), "{e}");
    assert!(e.to_string().contains("did you mean `int`"), "{e}");
    let e = Schema::parse("a:int,").unwrap_err();
    assert!(e.to_string().contains("expected a field"), "{e}");
    let e = hint_s().transform("*-x").unwrap_err();
    assert!(e.to_string().contains("`x`"), "{e}");
}

// ---------------------------------------------------------------- properties

fn arb_name() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z_][a-z0-9_]{0,6}", "[ -~]{1,6}", "\\PC{1,4}",]
        .prop_filter("non-empty", |n| !n.is_empty())
}

fn arb_type() -> impl Strategy<Value = DataType> {
    use DataType as D;
    let leaf = prop_oneof![
        Just(D::Null),
        Just(D::Boolean),
        Just(D::Int8),
        Just(D::Int16),
        Just(D::Int32),
        Just(D::Int64),
        Just(D::UInt8),
        Just(D::UInt64),
        Just(D::Float16),
        Just(D::Float32),
        Just(D::Float64),
        Just(D::Utf8),
        Just(D::Binary),
        Just(D::Date32),
        Just(D::Timestamp(TimeUnit::Microsecond, None)),
        Just(D::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()))),
        (1u8..=38, 0i8..=5).prop_map(|(p, s)| D::Decimal128(p, s.min(p as i8))),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(list),
            (inner.clone(), inner.clone()).prop_map(|(k, v)| map(k, v)),
            proptest::collection::vec((arb_name(), inner), 0..4).prop_map(|fields| {
                let mut seen = std::collections::HashSet::new();
                DataType::Struct(Fields::from(
                    fields
                        .into_iter()
                        .filter(|(n, _)| seen.insert(n.clone()))
                        .map(|(n, t)| Field::new(n, t, true))
                        .collect::<Vec<_>>(),
                ))
            }),
        ]
    })
}

fn arb_schema() -> impl Strategy<Value = Schema> {
    proptest::collection::vec((arb_name(), arb_type()), 0..5).prop_map(|fields| {
        let mut seen = std::collections::HashSet::new();
        let pairs: Vec<(String, DataType)> =
            fields.into_iter().filter(|(n, _)| seen.insert(n.clone())).collect();
        Schema::from_pairs(pairs).unwrap()
    })
}

proptest! {
    #[test]
    fn prop_parsers_never_panic(text in "\\PC{0,40}") {
        let _ = Schema::parse(&text);
        let _ = parse_data_type(&text);
        let _ = hint_s().transform(&text);
        let _ = parse_name(&text);
        let _ = split_outside_backticks(&text, ',');
    }

    #[test]
    fn prop_grammar_chars_never_panic(text in "[a-z`:,{}\\[\\]<>()*~+\\- ]{0,30}") {
        let _ = Schema::parse(&text);
        let _ = parse_data_type(&text);
        let _ = hint_s().transform(&text);
        let _ = hint_s().transform_parts(&[&text, "*"]);
        let _ = parse_name(&text);
        let _ = split_outside_backticks(&text, ',');
    }

    #[test]
    fn prop_sch_print_3_round_trip(schema in arb_schema()) {
        let text = schema.to_string();
        let back = Schema::parse(&text);
        prop_assert!(back.is_ok(), "`{}` failed: {:?}", text, back.err());
        let back = back.unwrap();
        prop_assert_eq!(&back, &schema);
        prop_assert_eq!(back.to_string(), text.clone());
        prop_assert!(schema == text.as_str());
    }

    #[test]
    fn prop_quote_name_round_trips(name in "\\PC{1,8}") {
        let quoted = quote_name(&name).into_owned();
        prop_assert_eq!(parse_name(&quoted).unwrap(), name);
    }

    #[test]
    fn prop_normalize_is_idempotent(schema in arb_schema()) {
        let again = Schema::from_arrow(schema.arrow()).unwrap();
        prop_assert_eq!(again.arrow().as_ref(), schema.arrow().as_ref());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Length and depth (issue 16): up to 1,000 nesting levels of lists,
    /// structs and maps around a type, and up to ~100k characters of
    /// columns whose names have spaces, unicode, quotes and backticks. A
    /// schema or `ERR-SCHEMA-SYNTAX`, never a panic or a stack overflow.
    #[test]
    fn prop_schema_parser_long_and_deep(
        depth in 0usize..=1_000,
        kind in 0u8..3,
        columns in 1usize..=2_500,
        name in "[a-zA-Z_ é€'\"`]{1,12}",
    ) {
        let (open, close) = match kind {
            0 => ("[", "]"),
            1 => ("{x:", "}"),
            _ => ("<str,", ">"),
        };
        let deep = format!("a:{}int{}", open.repeat(depth), close.repeat(depth));
        match Schema::parse(&deep) {
            Ok(schema) => prop_assert_eq!(schema.to_string(), deep),
            Err(e) => prop_assert_eq!(e.kind(), ErrorKind::SchemaSyntax),
        }
        let quoted = quote_name(&name).into_owned();
        let wide: Vec<String> =
            (0..columns).map(|i| format!("{}:timestamp(us,UTC)", quote_name(&format!("{name}{i}")))).collect();
        let wide = wide.join(",");
        prop_assert!(wide.len() < 120_000);
        let schema = Schema::parse(&wide);
        prop_assert!(schema.is_ok(), "{:?}", schema.err());
        let schema = schema.unwrap();
        prop_assert_eq!(schema.len(), columns);
        prop_assert_eq!(parse_name(&quoted).unwrap(), name);
    }
}
