//! Unit tests, one or more per spec rule id (`spec/ENGINE.md` §11–§12).

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, TimeUnit};

use super::functions as f;
use super::*;
use crate::error::ErrorKind;

fn schema(fields: &[(&str, DataType)]) -> Schema {
    Schema::from_fields_unchecked_types(
        fields.iter().map(|(n, t)| Arc::new(Field::new(*n, t.clone(), true))),
    )
    .unwrap()
}

/// `a:int, b:str, c:double, d:bool, e:ubyte, g:long, h:float`
fn s() -> Schema {
    schema(&[
        ("a", DataType::Int32),
        ("b", DataType::Utf8),
        ("c", DataType::Float64),
        ("d", DataType::Boolean),
        ("e", DataType::UInt8),
        ("g", DataType::Int64),
        ("h", DataType::Float32),
    ])
}

fn kind(r: Result<impl std::fmt::Debug>) -> ErrorKind {
    r.unwrap_err().kind()
}

// --- 11.1 constructors and operators -----------------------------------------

#[test]
fn eng_expr_1_col_references_a_column() {
    let c = col("a");
    assert_eq!(c.kind(), &ExprKind::Column("a".into()));
    assert_eq!(c.as_column(), Some("a"));
    assert_eq!(c.alias_name(), None);
    assert_eq!(c.cast_type(), None);
    // re-aliasing an existing expression
    assert_eq!(c.clone().alias("x").output_name(), Some("x"));
    // "*" is the wildcard, as in Fugue
    assert!(col("*").is_wildcard());
    assert_eq!(col(String::from("b")), col("b"));
}

#[test]
fn eng_expr_2_lit_allowed_values_and_normalisation() {
    assert_eq!(lit(1).as_literal(), Some(&Value::Int64(1)));
    assert_eq!(lit(1i8).as_literal(), Some(&Value::Int64(1)));
    assert_eq!(lit(7u32).as_literal(), Some(&Value::Int64(7)));
    assert_eq!(lit(u64::MAX).as_literal(), Some(&Value::UInt64(u64::MAX)));
    assert_eq!(lit(5u64).as_literal(), Some(&Value::Int64(5)));
    assert_eq!(lit(1.5f32).as_literal(), Some(&Value::Float64(1.5)));
    assert_eq!(lit(true).as_literal(), Some(&Value::Bool(true)));
    assert_eq!(lit("x").as_literal(), Some(&Value::Str("x".into())));
    assert_eq!(lit(String::from("y")).as_literal(), Some(&Value::Str("y".into())));
    assert_eq!(lit(None::<i64>).as_literal(), Some(&Value::Null));
    assert_eq!(lit(Some(3)).as_literal(), Some(&Value::Int64(3)));
    assert_eq!(lit(1).alias("x").output_name(), Some("x"));
}

#[test]
fn eng_expr_2_try_lit_refuses_other_values_with_not_supported() {
    assert_eq!(try_lit(Value::Int32(3)).unwrap(), lit(3));
    assert_eq!(try_lit(Value::Float32(0.5)).unwrap(), lit(0.5));
    assert_eq!(try_lit(Value::Float16(half::f16::from_f32(2.0))).unwrap(), lit(2.0));
    assert_eq!(try_lit(Value::Null).unwrap(), null());
    for bad in [
        Value::Binary(vec![1]),
        Value::List(vec![]),
        Value::Decimal { value: 1, precision: 3, scale: 0 },
        Value::Struct(vec![]),
        Value::Map(vec![]),
        Value::Date(chrono::NaiveDate::default()),
    ] {
        assert_eq!(kind(try_lit(bad)), ErrorKind::NotSupported);
    }
    assert_eq!(
        kind(ColumnExpr::from_kind(ExprKind::Literal(Value::Binary(vec![])))),
        ErrorKind::NotSupported
    );
    assert_eq!(
        ColumnExpr::from_kind(ExprKind::Literal(Value::Int16(2))).unwrap().as_literal(),
        Some(&Value::Int64(2))
    );
}

#[test]
fn eng_expr_3_null_is_lit_null() {
    assert_eq!(null(), lit(None::<bool>));
    assert_eq!(null().as_literal(), Some(&Value::Null));
    assert_eq!(null().to_string(), "NULL");
}

#[test]
fn eng_expr_4_all_cols_is_wildcard_without_name() {
    let w = all_cols();
    assert!(w.is_wildcard());
    assert_eq!(w.output_name(), None);
    assert_eq!(w.to_string(), "*");
    assert_eq!(w.infer_type(&s()), None);
}

#[test]
fn eng_expr_5_unary_operators() {
    assert_eq!((-col("a")).kind(), &ExprKind::Unary(UnaryOp::Neg, Box::new(col("a"))));
    assert_eq!((!col("d")).kind(), &ExprKind::Unary(UnaryOp::Not, Box::new(col("d"))));
    assert_eq!(col("a").is_null().kind(), &ExprKind::Unary(UnaryOp::IsNull, Box::new(col("a"))));
    assert_eq!(col("a").not_null().kind(), &ExprKind::Unary(UnaryOp::NotNull, Box::new(col("a"))));
    let a = col("a");
    assert_eq!(-&a, -col("a"));
    assert_eq!(!&a, !col("a"));
    assert_eq!(ColumnExpr::unary(UnaryOp::Neg, col("a")), -col("a"));
}

#[test]
fn eng_expr_6_binary_arithmetic() {
    let cases = [
        (col("a") + col("b"), BinaryOp::Add),
        (col("a") - col("b"), BinaryOp::Sub),
        (col("a") * col("b"), BinaryOp::Mul),
        (col("a") / col("b"), BinaryOp::Div),
    ];
    for (e, op) in cases {
        assert_eq!(e.kind(), &ExprKind::Binary(op, Box::new(col("a")), Box::new(col("b"))));
        assert!(op.is_arithmetic());
    }
    let a = col("a");
    assert_eq!(&a + 1, col("a") + 1);
    assert_eq!(&a * &a, col("a") * col("a"));
}

#[test]
fn eng_expr_7_comparisons() {
    let cases = [
        (col("a").eq(col("b")), BinaryOp::Eq, "(a = b)"),
        (col("a").neq(col("b")), BinaryOp::NotEq, "(a != b)"),
        (col("a").lt(col("b")), BinaryOp::Lt, "(a < b)"),
        (col("a").lt_eq(col("b")), BinaryOp::LtEq, "(a <= b)"),
        (col("a").gt(col("b")), BinaryOp::Gt, "(a > b)"),
        (col("a").gt_eq(col("b")), BinaryOp::GtEq, "(a >= b)"),
    ];
    for (e, op, text) in cases {
        assert_eq!(e.kind(), &ExprKind::Binary(op, Box::new(col("a")), Box::new(col("b"))));
        assert!(op.is_comparison());
        assert_eq!(e.to_string(), text);
    }
    // structural equality is still `==`
    assert!(col("a") == col("a"));
}

#[test]
fn eng_expr_8_boolean_operators() {
    let and = col("d") & col("a").gt(1);
    let or = col("d") | col("a").is_null();
    assert!(matches!(and.kind(), ExprKind::Binary(BinaryOp::And, ..)));
    assert!(matches!(or.kind(), ExprKind::Binary(BinaryOp::Or, ..)));
    assert_eq!(col("d").and(true), col("d") & true);
    assert_eq!(col("d").or(false), col("d") | false);
    assert_eq!(and.to_string(), "(d AND (a > 1))");
    assert_eq!(or.to_string(), "(d OR (a IS NULL))");
}

#[test]
fn eng_expr_9_non_expression_operands_become_literals_on_either_side() {
    assert_eq!(col("a") + 1, ColumnExpr::binary(BinaryOp::Add, col("a"), lit(1)), "right operand");
    assert_eq!(1 - col("a"), ColumnExpr::binary(BinaryOp::Sub, lit(1), col("a")));
    assert_eq!(2.5 * col("a"), ColumnExpr::binary(BinaryOp::Mul, lit(2.5), col("a")));
    assert_eq!(10u8 / col("a"), ColumnExpr::binary(BinaryOp::Div, lit(10), col("a")));
    assert_eq!(true & col("d"), ColumnExpr::binary(BinaryOp::And, lit(true), col("d")));
    assert_eq!(false | col("d"), ColumnExpr::binary(BinaryOp::Or, lit(false), col("d")));
    // strings as operands are literals, not column names
    assert_eq!(col("b").eq("x"), ColumnExpr::binary(BinaryOp::Eq, col("b"), lit("x")));
    assert_eq!(ColumnExpr::from("x"), lit("x"));
    assert_eq!(col("b").eq("x").to_string(), "(b = 'x')");
}

#[test]
fn eng_expr_10_alias_sets_and_empty_removes() {
    let e = (col("a") * 2).alias("x");
    assert_eq!(e.alias_name(), Some("x"));
    assert_eq!(e.output_name(), Some("x"));
    let e = e.alias("");
    assert_eq!(e.alias_name(), None);
    assert_eq!(e.output_name(), None);
    assert_eq!(col("a").alias("b").alias("").output_name(), Some("a"));
    // the cast is kept
    let e = col("a").cast(DataType::Utf8).alias("x");
    assert_eq!(e.cast_type(), Some(&DataType::Utf8));
}

#[test]
fn eng_expr_11_cast_sets_and_no_cast_removes() {
    let e = col("a").cast(DataType::Int64);
    assert_eq!(e.cast_type(), Some(&DataType::Int64));
    assert_eq!(e.to_string(), "CAST(a AS long)");
    let e = e.cast(DataType::Utf8);
    assert_eq!(e.cast_type(), Some(&DataType::Utf8));
    let e = e.alias("x").no_cast();
    assert_eq!(e.cast_type(), None);
    assert_eq!(e.alias_name(), Some("x"));
    assert_eq!(e.body(), col("a"));
}

#[test]
fn eng_expr_12_aggregate_functions() {
    let cases = [
        (f::min(col("a")), AggFunc::Min, "MIN(a)"),
        (f::max(col("a")), AggFunc::Max, "MAX(a)"),
        (f::count(col("a")), AggFunc::Count, "COUNT(a)"),
        (f::count_distinct(col("a")), AggFunc::CountDistinct, "COUNT(DISTINCT a)"),
        (f::avg(col("a")), AggFunc::Avg, "AVG(a)"),
        (f::sum(col("a")), AggFunc::Sum, "SUM(a)"),
        (f::first(col("a")), AggFunc::First, "FIRST(a)"),
        (f::last(col("a")), AggFunc::Last, "LAST(a)"),
    ];
    for (e, func, text) in cases {
        assert_eq!(e.kind(), &ExprKind::Agg(func, Box::new(col("a"))));
        assert!(e.is_agg());
        assert_eq!(e.to_string(), text);
    }
    let star = f::count(all_cols());
    assert_eq!(star.to_string(), "COUNT(*)");
    assert_eq!(star.output_name(), None);
    assert!(star.contains_wildcard());
}

#[test]
fn eng_expr_13_coalesce_with_literal_arguments() {
    let e = coalesce([col("a"), 0.into(), "x".into()]);
    assert_eq!(
        e.kind(),
        &ExprKind::Function(ScalarFunc::Coalesce, vec![col("a"), lit(0), lit("x")])
    );
    assert_eq!(e.to_string(), "COALESCE(a, 0, 'x')");
    assert_eq!(f::coalesce(vec![1, 2]).children(), vec![&lit(1), &lit(2)]);
    // nothing to coalesce is null, never an empty COALESCE
    assert_eq!(coalesce(Vec::<ColumnExpr>::new()), null());
    assert_eq!(
        kind(ColumnExpr::from_kind(ExprKind::Function(ScalarFunc::Coalesce, vec![]))),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn eng_expr_14_is_agg_anywhere_in_the_tree() {
    assert!((-f::max(col("a"))).is_agg());
    assert!((f::max(col("a")) + f::min(col("b"))).is_agg());
    assert!(coalesce([f::max(col("a")), lit(0)]).is_agg());
    assert!(f::max(col("a")).cast(DataType::Utf8).alias("x").is_agg());
    assert!(!(col("a") + 1).is_agg());
    assert!(!all_cols().is_agg());
    assert!(!lit(1).is_agg());
}

#[test]
fn eng_expr_15_is_null_of_literal_folds() {
    assert_eq!(null().is_null(), lit(true));
    assert_eq!(null().not_null(), lit(false));
    assert_eq!(lit(1).is_null(), lit(false));
    assert_eq!(lit("x").not_null(), lit(true));
    assert_eq!(lit(1).alias("x").is_null(), lit(false));
    // not folded for non-literals
    assert!(matches!(col("a").is_null().kind(), ExprKind::Unary(UnaryOp::IsNull, _)));
}

// --- 11.2 output names ---------------------------------------------------------

#[test]
fn eng_expr_name_1_alias_wins() {
    assert_eq!(col("a").alias("x").output_name(), Some("x"));
    assert_eq!(lit(1).alias("one").output_name(), Some("one"));
    assert_eq!((col("a") + 1).alias("y").output_name(), Some("y"));
    assert_eq!(f::max(col("a")).alias("m").output_name(), Some("m"));
}

#[test]
fn eng_expr_name_2_column_and_cast_column() {
    assert_eq!(col("a").output_name(), Some("a"));
    assert_eq!(col("a").cast(DataType::Utf8).output_name(), Some("a"));
    assert_eq!(col("").output_name(), None);
}

#[test]
fn eng_expr_name_3_unary_takes_inner_name() {
    assert_eq!((-col("a")).output_name(), Some("a"));
    assert_eq!((!col("d")).output_name(), Some("d"));
    assert_eq!(col("a").is_null().output_name(), Some("a"));
    assert_eq!(col("a").not_null().output_name(), Some("a"));
    assert_eq!((-col("a").alias("x")).output_name(), Some("x"));
    assert_eq!((-(col("a") + 1)).output_name(), None);
}

#[test]
fn eng_expr_name_4_aggregate_takes_inner_name() {
    assert_eq!(f::max(col("b")).output_name(), Some("b"));
    assert_eq!(f::min(-col("y")).output_name(), Some("y"));
    assert_eq!(f::count(col("a")).output_name(), Some("a"));
    assert_eq!(f::max(col("a").is_null()).output_name(), Some("a"));
    assert_eq!(f::sum(col("a").cast(DataType::Int64)).output_name(), Some("a"));
}

#[test]
fn eng_expr_name_5_no_name() {
    assert_eq!((col("a") + col("b")).output_name(), None);
    assert_eq!(lit(1).output_name(), None);
    assert_eq!(coalesce([col("a"), col("b")]).output_name(), None);
    assert_eq!(f::count(all_cols()).output_name(), None);
    assert_eq!(f::max(col("a") * 2).output_name(), None);
    assert_eq!(f::max(col("a") * 2).cast(DataType::Int64).output_name(), None);
}

// --- 11.3 type inference -------------------------------------------------------

#[test]
fn eng_expr_type_1_cast_wins() {
    let s = s();
    assert_eq!(col("a").cast(DataType::Utf8).infer_type(&s), Some(DataType::Utf8));
    assert_eq!(null().cast(DataType::Int32).infer_type(&s), Some(DataType::Int32));
    assert_eq!((col("b") + 1).cast(DataType::Int64).infer_type(&s), Some(DataType::Int64));
    assert_eq!(col("zzz").cast(DataType::Int8).infer_type(&s), Some(DataType::Int8));
}

#[test]
fn eng_expr_type_2_column_type() {
    let s = s();
    assert_eq!(col("a").infer_type(&s), Some(DataType::Int32));
    assert_eq!(col("b").alias("x").infer_type(&s), Some(DataType::Utf8));
    assert_eq!(col("missing").infer_type(&s), None);
}

#[test]
fn eng_expr_type_3_literal_types() {
    let s = s();
    assert_eq!(lit(true).infer_type(&s), Some(DataType::Boolean));
    assert_eq!(lit(1).infer_type(&s), Some(DataType::Int64));
    assert_eq!(lit(1i8).infer_type(&s), Some(DataType::Int64));
    assert_eq!(lit(u64::MAX).infer_type(&s), Some(DataType::UInt64));
    assert_eq!(lit(1.0f32).infer_type(&s), Some(DataType::Float64));
    assert_eq!(lit("x").infer_type(&s), Some(DataType::Utf8));
    assert_eq!(null().infer_type(&s), None);
}

#[test]
fn eng_expr_type_4_negation() {
    let s = s();
    assert_eq!((-col("a")).infer_type(&s), Some(DataType::Int32));
    assert_eq!((-col("c")).infer_type(&s), Some(DataType::Float64));
    assert_eq!((-col("e")).infer_type(&s), None, "unsigned");
    assert_eq!((-col("b")).infer_type(&s), None, "string");
    assert_eq!((-col("missing")).infer_type(&s), None);
}

#[test]
fn eng_expr_type_5_not() {
    let s = s();
    assert_eq!((!col("d")).infer_type(&s), Some(DataType::Boolean));
    assert_eq!((!col("a")).infer_type(&s), None);
}

#[test]
fn eng_expr_type_6_comparisons_and_logic_are_bool() {
    let s = s();
    for e in [
        col("a").eq(1),
        col("a").neq(col("b")),
        col("a").lt(1),
        col("a").lt_eq(1),
        col("a").gt(1),
        col("a").gt_eq(1),
        col("d") & col("d"),
        col("d") | lit(false),
        col("missing").eq(1),
    ] {
        assert_eq!(e.infer_type(&s), Some(DataType::Boolean), "{e}");
    }
}

#[test]
fn eng_expr_type_7_min_max_first_last_keep_type() {
    let s = s();
    for e in [f::min(col("a")), f::max(col("a")), f::first(col("a")), f::last(col("a"))] {
        assert_eq!(e.infer_type(&s), Some(DataType::Int32), "{e}");
    }
    assert_eq!(f::max(col("b")).infer_type(&s), Some(DataType::Utf8));
    assert_eq!(f::min(-col("c")).infer_type(&s), Some(DataType::Float64));
}

#[test]
fn eng_expr_type_8_rust_shoulds() {
    let s = s();
    assert_eq!(f::count(col("b")).infer_type(&s), Some(DataType::Int64));
    assert_eq!(f::count(all_cols()).infer_type(&s), Some(DataType::Int64));
    assert_eq!(f::count_distinct(col("a")).infer_type(&s), Some(DataType::Int64));
    assert_eq!(f::avg(col("a")).infer_type(&s), Some(DataType::Float64));
    assert_eq!(f::sum(col("a")).infer_type(&s), Some(DataType::Int64));
    assert_eq!(f::sum(col("e")).infer_type(&s), Some(DataType::UInt64));
    assert_eq!(f::sum(col("h")).infer_type(&s), Some(DataType::Float64));
    assert_eq!(f::sum(col("b")).infer_type(&s), None);
    assert_eq!((col("a") / col("a")).infer_type(&s), Some(DataType::Float64));
    assert_eq!(col("b").is_null().infer_type(&s), Some(DataType::Boolean));
    assert_eq!(col("b").not_null().infer_type(&s), Some(DataType::Boolean));
}

#[test]
fn eng_expr_type_8_arithmetic_common_type() {
    let s = s();
    let t = |e: ColumnExpr| e.infer_type(&s);
    // same kind: the wider type
    assert_eq!(t(col("a") + col("g")), Some(DataType::Int64));
    assert_eq!(t(col("h") * col("c")), Some(DataType::Float64));
    assert_eq!(t(col("a") - col("a")), Some(DataType::Int32));
    // literals adopt the other operand's type when they fit
    assert_eq!(t(col("a") + 1), Some(DataType::Int32));
    assert_eq!(t(1 - col("a")), Some(DataType::Int32));
    assert_eq!(t(col("e") + 300), None, "300 does not fit ubyte, long + ubyte mixes kinds");
    assert_eq!(t(col("e") + 3), Some(DataType::UInt8));
    assert_eq!(t(col("h") * 2), Some(DataType::Float32));
    assert_eq!(t(col("h") * 2.5), Some(DataType::Float32));
    assert_eq!(t(lit(1) + lit(2)), Some(DataType::Int64));
    // mixed kinds, non-numbers, unknown operands
    assert_eq!(t(col("a") + col("c")), None);
    assert_eq!(t(col("a") + col("e")), None);
    assert_eq!(t(col("a") + 1.5), None);
    assert_eq!(t(col("b") + col("b")), None, "ENG-EXPR-SEM-5");
    assert_eq!(t(col("a") + null()), None);
    assert_eq!(t(col("a") + lit(1).cast(DataType::Int64)), Some(DataType::Int64));
}

#[test]
fn eng_expr_type_8_coalesce_common_type() {
    let s = s();
    let t = |e: ColumnExpr| e.infer_type(&s);
    assert_eq!(t(coalesce([col("a"), 0.into()])), Some(DataType::Int32));
    assert_eq!(t(coalesce([col("a"), null()])), Some(DataType::Int32));
    assert_eq!(t(coalesce([col("a"), col("g")])), Some(DataType::Int64));
    assert_eq!(t(coalesce([col("b"), "x".into()])), Some(DataType::Utf8));
    assert_eq!(t(coalesce([lit(1), lit(2)])), Some(DataType::Int64));
    assert_eq!(t(coalesce([col("b"), 1.into()])), None);
    assert_eq!(t(coalesce([col("a"), col("c")])), None);
    assert_eq!(t(coalesce([null(), null()])), None);
    assert_eq!(t(coalesce([col("missing"), col("a")])), None);
}

// --- 11.4 evaluation semantics (what the tree guarantees; engines evaluate) ------

#[test]
fn eng_expr_sem_1_null_operands_are_kept_for_three_valued_logic() {
    // no constant folding except is_null/not_null (ENG-EXPR-15): engines apply SQL logic
    let e = null() & false;
    assert!(matches!(e.kind(), ExprKind::Binary(BinaryOp::And, ..)));
    assert_eq!((col("a") + null()).to_string(), "(a + NULL)");
}

#[test]
fn eng_expr_sem_3_division_is_floating() {
    assert_eq!((col("a") / 2).infer_type(&s()), Some(DataType::Float64));
}

#[test]
fn eng_expr_sem_4_count_star_and_count_column_differ() {
    assert_ne!(f::count(all_cols()), f::count(col("a")));
    assert!(
        matches!(f::count(all_cols()).kind(), ExprKind::Agg(AggFunc::Count, w) if w.is_wildcard())
    );
}

// --- tree walking, columns, rendering -----------------------------------------

#[test]
fn columns_lists_each_reference_once_in_order() {
    let e = (col("b") + col("a")) * f::max(col("b")) + coalesce([col("c"), all_cols()]);
    assert_eq!(e.columns(), vec!["b", "a", "c"]);
    assert!(lit(1).columns().is_empty());
    let mut n = 0;
    e.visit(&mut |_| n += 1);
    assert_eq!(n, 10);
}

#[test]
fn body_and_parts() {
    let e = (col("a") + 1).cast(DataType::Int64).alias("x");
    assert_eq!(e.body(), col("a") + 1);
    let (k, a, c) = e.into_parts();
    assert_eq!(k, (col("a") + 1).into_parts().0);
    assert_eq!(a.as_deref(), Some("x"));
    assert_eq!(c, Some(DataType::Int64));
}

#[test]
fn display_renders_sql_like_text() {
    assert_eq!((col("a") + 1).alias("x").to_string(), "(a + 1) AS x");
    assert_eq!(col("a").cast(DataType::Int64).to_string(), "CAST(a AS long)");
    assert_eq!(
        (col("a") + 1).cast(DataType::Utf8).alias("x").to_string(),
        "CAST((a + 1) AS str) AS x"
    );
    assert_eq!(lit("it's").to_string(), "'it''s'");
    assert_eq!(lit(1.5).to_string(), "1.5");
    assert_eq!(lit(2.0).to_string(), "2.0");
    assert_eq!(lit(true).to_string(), "TRUE");
    assert_eq!(lit(f64::NAN).to_string(), "CAST('NaN' AS double)");
    assert_eq!(lit(f64::NEG_INFINITY).to_string(), "CAST('-inf' AS double)");
    // negative literals and nested unary ops never form `--`
    assert_eq!((col("a") - (-1)).to_string(), "(a - (-1))");
    assert_eq!((-(-col("a"))).to_string(), "-(-a)");
    assert_eq!((-lit(-1.5)).to_string(), "-(-1.5)");
    assert_eq!((!col("d").is_null()).to_string(), "NOT (d IS NULL)");
    assert_eq!((!col("d")).is_null().to_string(), "(NOT d) IS NULL");
    assert_eq!((-(col("a") + 1)).alias("n").to_string(), "-(a + 1) AS n");
    // inner aliases are not rendered
    assert_eq!((col("a").alias("x") + 1).to_string(), "(a + 1)");
    // identifiers are quoted when needed
    assert_eq!(col("a b").to_string(), "`a b`");
    assert_eq!(col("select").to_string(), "`select`");
    assert_eq!(col("x`y").to_string(), "`x``y`");
    assert_eq!(col("_").to_string(), "`_`");
    assert_eq!(col("_a1").alias("1x").to_string(), "_a1 AS `1x`");
    // nested types print in the schema grammar
    let list = DataType::List(Arc::new(Field::new("item", DataType::Int32, true)));
    assert_eq!(col("a").cast(list).to_string(), "CAST(a AS [int])");
    let ts = DataType::Timestamp(TimeUnit::Second, Some("UTC".into()));
    assert_eq!(col("a").cast(ts).to_string(), "CAST(a AS timestamp(s,UTC))");
    assert_eq!(col("a").cast(DataType::Decimal128(10, 2)).to_string(), "CAST(a AS decimal(10,2))");
}

#[test]
fn render_with_another_style() {
    fn sql_type(t: &DataType) -> String {
        match t {
            DataType::Int64 => "BIGINT".into(),
            _ => "VARCHAR".into(),
        }
    }
    let style = RenderStyle { identifier_quote: '"', type_name: sql_type };
    let e = col("a b").cast(DataType::Int64).alias("x\"y");
    assert_eq!(e.render(&style), "CAST(\"a b\" AS BIGINT) AS \"x\"\"y\"");
}

#[test]
fn infer_alias_makes_inferred_names_explicit() {
    assert_eq!(col("a").infer_alias(), col("a"));
    assert_eq!(
        col("a").cast(DataType::Int64).infer_alias(),
        col("a").cast(DataType::Int64).alias("a")
    );
    assert_eq!(f::max(col("b")).infer_alias(), f::max(col("b")).alias("b"));
    assert_eq!((col("a") + 1).infer_alias(), col("a") + 1);
    assert_eq!(col("a").alias("x").infer_alias(), col("a").alias("x"));
}

// --- 12 select ------------------------------------------------------------------

fn sel(items: Vec<ColumnExpr>) -> Result<SelectColumns> {
    SelectColumns::new(items, false)
}

#[test]
fn eng_sel_1_wildcard_at_most_once() {
    assert_eq!(kind(sel(vec![all_cols(), all_cols()])), ErrorKind::InvalidArgument);
    assert_eq!(kind(SelectColumns::from_names(["*", "*"], false)), ErrorKind::InvalidArgument);
    assert!(sel(vec![all_cols()]).unwrap().has_wildcard());
}

#[test]
fn eng_sel_1_wildcard_with_aggregation_fails() {
    assert_eq!(
        kind(sel(vec![all_cols(), f::max(col("a")).alias("m")])),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(sel(vec![all_cols(), f::count(all_cols()).alias("n")])),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn eng_sel_1_wildcard_misuse_fails() {
    assert_eq!(kind(sel(vec![all_cols().alias("x")])), ErrorKind::InvalidArgument);
    assert_eq!(kind(sel(vec![all_cols().cast(DataType::Utf8)])), ErrorKind::InvalidArgument);
    assert_eq!(kind(sel(vec![(col("a") + all_cols()).alias("x")])), ErrorKind::InvalidArgument);
    assert_eq!(kind(sel(vec![f::max(all_cols()).alias("x")])), ErrorKind::InvalidArgument);
    assert_eq!(
        kind(sel(vec![f::count(all_cols().alias("z")).alias("x")])),
        ErrorKind::InvalidArgument
    );
    // count(*) and count_distinct(*) are fine
    let ok = sel(vec![f::count(all_cols()).alias("n"), f::count_distinct(all_cols()).alias("d")])
        .unwrap();
    assert!(ok.has_agg());
    assert!(!ok.has_wildcard());
}

#[test]
fn eng_sel_2_every_item_needs_a_name() {
    assert_eq!(kind(sel(vec![col("a") + 1])), ErrorKind::InvalidArgument);
    assert_eq!(kind(sel(vec![lit(1)])), ErrorKind::InvalidArgument);
    assert_eq!(kind(sel(vec![f::count(all_cols())])), ErrorKind::InvalidArgument);
    assert!(sel(vec![(col("a") + 1).alias("x"), lit(1).alias("one")]).is_ok());
}

#[test]
fn eng_sel_2_names_are_unique() {
    assert_eq!(kind(sel(vec![col("a"), col("a")])), ErrorKind::InvalidArgument);
    assert_eq!(kind(sel(vec![col("a"), col("b").alias("a")])), ErrorKind::InvalidArgument);
    assert_eq!(kind(sel(vec![col("a"), (-col("a"))])), ErrorKind::InvalidArgument);
    assert_eq!(
        kind(sel(vec![f::max(col("a")), f::min(col("a"))])),
        ErrorKind::InvalidArgument,
        "both inferred as `a`"
    );
}

#[test]
fn eng_sel_2_with_wildcard_column_items_need_an_explicit_alias() {
    assert_eq!(kind(SelectColumns::from_names(["*", "x"], false)), ErrorKind::InvalidArgument);
    assert_eq!(
        kind(sel(vec![all_cols(), col("x").cast(DataType::Utf8)])),
        ErrorKind::InvalidArgument
    );
    let ok =
        sel(vec![all_cols(), col("x").alias("y"), (col("a") + 1).alias("z"), lit(1).alias("o")])
            .unwrap();
    assert_eq!(ok.wildcard_position(), Some(0));
    // a non-column expression with an inferred name is fine
    assert!(sel(vec![all_cols(), -col("x")]).is_ok());
}

#[test]
fn eng_sel_3_replace_wildcard_expands_in_place() {
    let s = schema(&[("a", DataType::Int32), ("b", DataType::Utf8)]);
    let sc =
        SelectColumns::new(vec![lit(1).alias("x"), all_cols(), col("a").alias("y")], true).unwrap();
    let r = sc.replace_wildcard(&s).unwrap();
    assert_eq!(r.items(), &[lit(1).alias("x"), col("a"), col("b"), col("a").alias("y")]);
    assert!(r.is_distinct());
    assert!(!r.has_wildcard());
    // a clashing alias is found once the names are known
    let clash = sel(vec![all_cols(), col("x").alias("a")]).unwrap();
    assert_eq!(kind(clash.replace_wildcard(&s)), ErrorKind::InvalidArgument);
    // without `*` it is a clone
    let plain = sel(vec![col("a")]).unwrap();
    assert_eq!(plain.replace_wildcard(&s).unwrap(), plain);
}

#[test]
fn eng_sel_3_having_without_aggregation_fails() {
    let plain = sel(vec![col("a")]).unwrap();
    assert_eq!(
        kind(validate_select(&plain, None, Some(&col("a").gt(1)))),
        ErrorKind::InvalidArgument
    );
    let agg = sel(vec![col("a"), f::max(col("b")).alias("m")]).unwrap();
    assert!(validate_select(&agg, Some(&col("b").gt(0)), Some(&f::max(col("c")).gt(1))).is_ok());
    assert!(validate_select(&agg, None, Some(&f::count(all_cols()).gt(1))).is_ok());
    assert_eq!(
        kind(validate_select(&agg, None, Some(&f::max(f::min(col("c")))))),
        ErrorKind::InvalidArgument
    );
    assert!(validate_select(&plain, Some(&col("a").gt(1)), None).is_ok());
}

#[test]
fn eng_sel_4_where_with_aggregation_fails() {
    let plain = sel(vec![col("a")]).unwrap();
    assert_eq!(
        kind(validate_select(&plain, Some(&f::max(col("a")).gt(1)), None)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(kind(validate_select(&plain, Some(&all_cols()), None)), ErrorKind::InvalidArgument);
}

#[test]
fn eng_sel_5_group_keys_inferred() {
    let sc = sel(vec![
        col("a"),
        col("b").cast(DataType::Utf8).alias("bb"),
        (col("c") + 1).alias("c1"),
        lit(1).alias("one"),
        f::max(col("d")),
        (f::sum(col("e")) + 1).alias("s"),
    ])
    .unwrap();
    assert!(sc.has_agg());
    assert_eq!(sc.group_keys(), vec![col("a"), col("b"), col("c") + 1]);
    assert_eq!(sc.agg_items().len(), 2);
    assert_eq!(sc.literal_items(), vec![&lit(1).alias("one")]);
    assert_eq!(sc.non_agg_items().len(), 3);
    // global aggregation: no keys
    let global = sel(vec![f::max(col("a")), lit(1).alias("x")]).unwrap();
    assert!(global.group_keys().is_empty());
    // no aggregation: no keys
    assert!(sel(vec![col("a")]).unwrap().group_keys().is_empty());
}

#[test]
fn eng_sel_5_items_carry_inferred_aliases() {
    let sc =
        sel(vec![col("a"), f::max(col("b")), col("c").cast(DataType::Int64), -col("d")]).unwrap();
    assert_eq!(
        sc.items(),
        &[
            col("a"),
            f::max(col("b")).alias("b"),
            col("c").cast(DataType::Int64).alias("c"),
            (-col("d")).alias("d"),
        ]
    );
    assert_eq!(sc.to_string(), "a, MAX(b) AS b, CAST(c AS long) AS c, -d AS d");
}

#[test]
fn eng_sel_5_nested_aggregation_fails() {
    assert_eq!(kind(sel(vec![f::max(f::min(col("a"))).alias("x")])), ErrorKind::InvalidArgument);
}

#[test]
fn eng_sel_6_literals_keep_positions() {
    let sc = sel(vec![lit("k").alias("k"), f::max(col("a")), lit(2).alias("two")]).unwrap();
    assert_eq!(sc.items()[0], lit("k").alias("k"));
    assert_eq!(sc.items()[2], lit(2).alias("two"));
    assert!(sc.has_literals());
    assert!(sc.group_keys().is_empty());
}

#[test]
fn eng_sel_7_distinct_flag() {
    let sc = SelectColumns::from_names(["a", "b"], true).unwrap();
    assert!(sc.is_distinct());
    assert_eq!(sc.to_string(), "DISTINCT a, b");
    assert!(!SelectColumns::from_names(["a"], false).unwrap().is_distinct());
}

#[test]
fn eng_sel_8_output_schema_hint_follows_items() {
    let s = schema(&[("a", DataType::Int32), ("b", DataType::Utf8)]);
    let sc = sel(vec![
        (col("a") + 1).alias("x"),
        all_cols(),
        col("b").cast(DataType::Int64).alias("bb"),
        null().alias("n"),
    ])
    .unwrap();
    assert_eq!(
        sc.output_schema_hint(&s),
        vec![
            ("x".into(), Some(DataType::Int32)),
            ("a".into(), Some(DataType::Int32)),
            ("b".into(), Some(DataType::Utf8)),
            ("bb".into(), Some(DataType::Int64)),
            ("n".into(), None),
        ]
    );
    let agg = sel(vec![col("b"), f::count(all_cols()).alias("n"), f::avg(col("a"))]).unwrap();
    assert_eq!(
        agg.output_schema_hint(&s),
        vec![
            ("b".into(), Some(DataType::Utf8)),
            ("n".into(), Some(DataType::Int64)),
            ("a".into(), Some(DataType::Float64)),
        ]
    );
}

#[test]
fn select_needs_items_and_reports_simple() {
    assert_eq!(kind(sel(vec![])), ErrorKind::InvalidArgument);
    assert!(SelectColumns::from_names(["a", "*"], false).is_err());
    assert!(sel(vec![all_cols()]).unwrap().simple());
    assert!(sel(vec![col("a"), col("b").alias("c")]).unwrap().simple());
    assert!(!sel(vec![col("a").cast(DataType::Utf8)]).unwrap().simple());
    assert!(!sel(vec![col("a"), lit(1).alias("x")]).unwrap().simple());
}

#[test]
fn check_columns_exist_names_the_missing_column() {
    let s = schema(&[("a", DataType::Int32)]);
    assert!(check_columns_exist(&(col("a") + 1), &s).is_ok());
    let e = check_columns_exist(&(col("a") + col("zz")), &s).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("`zz`"), "{e}");
    let sc = sel(vec![col("a"), col("q").alias("r")]).unwrap();
    assert_eq!(kind(sc.check_columns_exist(&s)), ErrorKind::NotFound);
}

// --- filter / assign / aggregate --------------------------------------------------

#[test]
fn eng_filter_1_condition_without_aggregation() {
    assert!(validate_filter(&(col("a").gt(1) & col("b").not_null())).is_ok());
    assert_eq!(kind(validate_filter(&f::max(col("a")).gt(1))), ErrorKind::InvalidArgument);
    assert_eq!(kind(validate_filter(&all_cols())), ErrorKind::InvalidArgument);
}

#[test]
fn eng_assign_1_names_required_no_wildcard_no_agg() {
    let s = s();
    assert!(validate_assign(&[lit(1).alias("x"), col("a").cast(DataType::Utf8)], &s).is_ok());
    assert!(validate_assign(&[], &s).is_ok());
    assert_eq!(kind(validate_assign(&[col("a") + 1], &s)), ErrorKind::InvalidArgument);
    assert_eq!(kind(validate_assign(&[all_cols()], &s)), ErrorKind::InvalidArgument);
    assert_eq!(
        kind(validate_assign(&[f::count(all_cols()).alias("n")], &s)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(validate_assign(&[f::max(col("a")).alias("m")], &s)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(kind(validate_assign(&[col("zz").alias("x")], &s)), ErrorKind::NotFound);
}

#[test]
fn eng_assign_2_replace_in_place_then_append() {
    let s = schema(&[("a", DataType::Int32), ("b", DataType::Int32), ("c", DataType::Utf8)]);
    let exprs = [
        lit(1).alias("x"),
        col("b").cast(DataType::Utf8),
        (col("a") + 1).cast(DataType::Float64).alias("y"),
        lit("z").alias("a"),
    ];
    let plan = assign_plan(&exprs, &s).unwrap();
    assert_eq!(
        plan,
        vec![
            AssignTarget::Append { expr: lit(1).alias("x") },
            AssignTarget::Replace { position: 1, expr: col("b").cast(DataType::Utf8).alias("b") },
            AssignTarget::Append { expr: (col("a") + 1).cast(DataType::Float64).alias("y") },
            AssignTarget::Replace { position: 0, expr: lit("z").alias("a") },
        ]
    );
    assert_eq!(plan[1].name(), "b");
    let sc = assign_select(&exprs, &s).unwrap();
    assert!(!sc.has_agg());
    assert_eq!(
        sc.output_schema_hint(&s),
        vec![
            ("a".into(), Some(DataType::Utf8)),
            ("b".into(), Some(DataType::Utf8)),
            ("c".into(), Some(DataType::Utf8)),
            ("x".into(), Some(DataType::Int64)),
            ("y".into(), Some(DataType::Float64)),
        ]
    );
}

#[test]
fn eng_assign_2_duplicate_names_fail() {
    let s = s();
    assert_eq!(
        kind(validate_assign(&[lit(1).alias("x"), lit(2).alias("x")], &s)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(assign_plan(&[col("a"), (col("b") + 1).alias("a")], &s)),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn eng_assign_3_keyword_form_integer_literal_is_long() {
    // keyword form `assign(x=1)` ≡ lit(1).alias("x")
    let s = schema(&[("a", DataType::Int32)]);
    let sc = assign_select(&[lit(1).alias("x"), lit(2).alias("a")], &s).unwrap();
    assert_eq!(
        sc.output_schema_hint(&s),
        vec![("a".into(), Some(DataType::Int64)), ("x".into(), Some(DataType::Int64))]
    );
}

#[test]
fn eng_agg_1_non_empty_and_all_aggregations() {
    let none: [&str; 0] = [];
    assert_eq!(kind(validate_aggregate(&["a"], &[])), ErrorKind::InvalidArgument);
    assert_eq!(
        kind(validate_aggregate(&none, &[f::max(col("a")), lit(1).alias("x")])),
        ErrorKind::InvalidArgument
    );
    assert_eq!(kind(validate_aggregate(&["a"], &[col("b")])), ErrorKind::InvalidArgument);
    assert!(validate_aggregate(&none, &[f::max(col("a"))]).is_ok());
    // names still follow ENG-SEL-2
    assert_eq!(
        kind(validate_aggregate(&none, &[f::count(all_cols())])),
        ErrorKind::InvalidArgument
    );
    assert_eq!(kind(validate_aggregate(&["a"], &[f::max(col("a"))])), ErrorKind::InvalidArgument);
}

#[test]
fn eng_agg_2_keys_then_aggregations() {
    let s = schema(&[("k", DataType::Utf8), ("v", DataType::Int32)]);
    let sc = aggregate_select(
        &["k"],
        &[f::max(col("v")), (f::sum(col("v")) * 2).cast(DataType::Int64).alias("s2")],
    )
    .unwrap();
    assert_eq!(sc.group_keys(), vec![col("k")]);
    assert_eq!(
        sc.output_schema_hint(&s),
        vec![
            ("k".into(), Some(DataType::Utf8)),
            ("v".into(), Some(DataType::Int32)),
            ("s2".into(), Some(DataType::Int64)),
        ]
    );
    // no keys: one global group
    let global = aggregate_select::<&str>(&[], &[f::min(-col("v"))]).unwrap();
    assert!(global.group_keys().is_empty());
    assert_eq!(global.output_schema_hint(&s), vec![("v".into(), Some(DataType::Int32))]);
}

#[test]
fn eng_agg_3_keyword_form_names_the_columns() {
    // `aggregate(m=f.max(col("v")))` ≡ max(v).alias("m")
    let sc = aggregate_select(&["k"], &[f::max(col("v")).alias("m")]).unwrap();
    assert_eq!(sc.to_string(), "k, MAX(v) AS m");
}
