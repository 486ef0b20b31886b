//! Tests of select / filter / assign / aggregate (ENG-SEL-*, ENG-FILTER-1,
//! ENG-ASSIGN-*, ENG-AGG-*, CHECKLIST E4–E7).

use crate::expr::functions::{avg, count, count_distinct, first, max, min, sum};
use crate::spi::kernels::testutil::sorted;
use crate::{
    ColumnExpr, ErrorKind, LocalDataFrame, Row, SelectColumns, Value, all_cols, col, lit, null,
};
use arrow::datatypes::DataType;

use super::{aggregate, assign, filter, select};
use crate::dataframe::DataFrame;

const N: Value = Value::Null;

fn i(v: i32) -> Value {
    Value::Int32(v)
}

fn l(v: i64) -> Value {
    Value::Int64(v)
}

fn d(v: f64) -> Value {
    Value::Float64(v)
}

fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

fn frame(rows: Vec<Row>, schema: &str) -> LocalDataFrame {
    LocalDataFrame::from_rows(rows, schema).unwrap()
}

/// `a:int, b:int, c:str` with a null key row.
fn abc() -> LocalDataFrame {
    frame(
        vec![
            vec![i(1), i(10), s("x")],
            vec![i(1), i(20), s("y")],
            vec![N, i(5), s("x")],
            vec![i(2), N, N],
            vec![N, i(7), s("z")],
        ],
        "a:int,b:int,c:str",
    )
}

fn sel(items: Vec<ColumnExpr>) -> SelectColumns {
    SelectColumns::new(items, false).unwrap()
}

fn kind_of<T: std::fmt::Debug>(r: crate::Result<T>) -> ErrorKind {
    r.unwrap_err().kind()
}

// ---------------------------------------------------------------- filter (E4)

#[test]
fn eng_filter_1_not_null_keeps_schema() {
    let out = filter(&abc(), &col("a").not_null()).unwrap();
    assert_eq!(out.schema(), abc().schema());
    assert_eq!(
        out.rows().unwrap(),
        vec![vec![i(1), i(10), s("x")], vec![i(1), i(20), s("y")], vec![i(2), N, N],]
    );
}

#[test]
fn eng_expr_8_filter_by_and_of_conditions() {
    let cond = col("a").eq(1) & col("b").gt(15);
    let out = filter(&abc(), &cond).unwrap();
    assert_eq!(out.rows().unwrap(), vec![vec![i(1), i(20), s("y")]]);
}

#[test]
fn eng_expr_sem_2_arithmetic_equality_drops_null_rows() {
    let df = frame(
        vec![vec![i(1), i(2)], vec![N, i(3)], vec![i(2), N], vec![i(3), i(1)], vec![N, N]],
        "a:int,b:int",
    );
    let out = filter(&df, &(col("a") + col("b")).eq(3)).unwrap();
    assert_eq!(out.rows().unwrap(), vec![vec![i(1), i(2)]]);
    // null OR true = true keeps the null rows too (ENG-EXPR-SEM-1)
    let out = filter(&df, &(col("a") + col("b")).eq(3).or(col("a").is_null())).unwrap();
    assert_eq!(out.num_rows(), 3);
}

#[test]
fn eng_filter_1_errors() {
    assert_eq!(kind_of(filter(&abc(), &max(col("a")).gt(1))), ErrorKind::InvalidArgument);
    assert_eq!(kind_of(filter(&abc(), &col("a"))), ErrorKind::InvalidArgument);
    assert_eq!(kind_of(filter(&abc(), &col("zz").is_null())), ErrorKind::NotFound);
    let empty = LocalDataFrame::empty(abc().schema().clone()).unwrap();
    assert_eq!(filter(&empty, &col("a").gt(0)).unwrap().num_rows(), 0);
    assert_eq!(kind_of(filter(&empty, &col("c"))), ErrorKind::InvalidArgument);
}

// ---------------------------------------------------------------- select (E5)

#[test]
fn eng_sel_8_projection_arithmetic_alias_cast_to_str() {
    let cols = sel(vec![
        col("a"),
        (col("b") + 1).alias("x"),
        col("b").cast(DataType::Utf8).alias("bs"),
        (col("a") / col("b")).alias("r"),
    ]);
    let out = select(&abc(), &cols, None, None).unwrap();
    assert_eq!(out.schema(), "a:int,x:int,bs:str,r:double");
    assert_eq!(out.rows().unwrap()[0], vec![i(1), i(11), s("10"), d(0.1)]);
    assert_eq!(out.rows().unwrap()[3], vec![i(2), N, N, N]);
}

#[test]
fn eng_sel_7_distinct_treats_nulls_as_equal() {
    let cols = SelectColumns::new(vec![col("a"), col("c")], true).unwrap();
    let df = frame(
        vec![vec![i(1), s("x")], vec![N, N], vec![i(1), s("x")], vec![N, N], vec![i(1), N]],
        "a:int,c:str",
    );
    let out = select(&df, &cols, None, None).unwrap();
    assert_eq!(out.rows().unwrap(), vec![vec![i(1), s("x")], vec![N, N], vec![i(1), N]]);
}

#[test]
fn eng_sel_3_wildcard_with_where() {
    let cols = sel(vec![all_cols(), (col("a") * 2).alias("x")]);
    let out = select(&abc(), &cols, Some(&col("b").gt(6)), None).unwrap();
    assert_eq!(out.schema(), "a:int,b:int,c:str,x:int");
    assert_eq!(
        out.rows().unwrap(),
        vec![
            vec![i(1), i(10), s("x"), i(2)],
            vec![i(1), i(20), s("y"), i(2)],
            vec![N, i(7), s("z"), N],
        ]
    );
}

#[test]
fn eng_sel_5_group_by_inferred_key_with_null_group() {
    let cols = sel(vec![col("a"), max(col("b")), count(col("c")).alias("n")]);
    let out = select(&abc(), &cols, None, None).unwrap();
    assert_eq!(out.schema(), "a:int,b:int,n:long");
    assert_eq!(
        sorted(&out),
        vec![vec![N, i(7), l(2)], vec![i(1), i(20), l(2)], vec![i(2), N, l(0)],]
    );
}

#[test]
fn eng_sel_5_having_on_non_selected_aggregate_or_key() {
    let cols = sel(vec![col("a"), sum(col("b")).alias("s")]);
    let having = count(all_cols()).gt(1).and(!col("a").is_null()).or(col("a").eq(2));
    let out = select(&abc(), &cols, None, Some(&having)).unwrap();
    assert_eq!(out.schema(), "a:int,s:long");
    assert_eq!(sorted(&out), vec![vec![i(1), l(30)], vec![i(2), N]]);
}

#[test]
fn eng_sel_6_literal_inside_aggregation_at_its_position() {
    let cols = sel(vec![lit(1).alias("one"), col("a"), max(col("b")), lit("k").alias("t")]);
    let out = select(&abc(), &cols, Some(&col("a").not_null()), None).unwrap();
    assert_eq!(out.schema(), "one:long,a:int,b:int,t:str");
    assert_eq!(sorted(&out), vec![vec![l(1), i(1), i(20), s("k")], vec![l(1), i(2), N, s("k")],]);
}

#[test]
fn eng_sel_5_global_aggregation_of_empty_input_gives_one_row() {
    let empty = LocalDataFrame::empty(abc().schema().clone()).unwrap();
    let cols = sel(vec![max(col("a")), count(col("b")).alias("n"), count(all_cols()).alias("all")]);
    let out = select(&empty, &cols, None, None).unwrap();
    assert_eq!(out.schema(), "a:int,n:long,all:long");
    assert_eq!(out.rows().unwrap(), vec![vec![N, l(0), l(0)]]);
    // where removing every row behaves the same
    let out = select(&abc(), &cols, Some(&lit(false)), None).unwrap();
    assert_eq!(out.rows().unwrap(), vec![vec![N, l(0), l(0)]]);
}

#[test]
fn eng_expr_14_expressions_around_and_inside_aggregates() {
    let cols = sel(vec![
        col("c"),
        max(col("b") * 2).alias("m2"),
        (-max(col("b"))).alias("neg"),
        (max(col("b")) + min(col("b"))).alias("mm"),
        avg(col("b")).alias("av"),
        count_distinct(col("a")).alias("cd"),
        first(col("b")).alias("f"),
    ]);
    let out = select(&abc(), &cols, Some(&col("c").not_null()), None).unwrap();
    assert_eq!(out.schema(), "c:str,m2:int,neg:int,mm:int,av:double,cd:long,f:int");
    assert_eq!(
        sorted(&out),
        vec![
            vec![s("x"), i(20), i(-10), i(15), d(7.5), l(1), i(10)],
            vec![s("y"), i(40), i(-20), i(40), d(20.0), l(1), i(20)],
            vec![s("z"), i(14), i(-7), i(14), d(7.0), l(0), i(7)],
        ]
    );
}

#[test]
fn eng_sel_5_expression_key_and_cast_key() {
    let cols = sel(vec![
        (col("a") + col("b") - col("b")).alias("k"),
        col("a").cast(DataType::Utf8).alias("as"),
        count(all_cols()).alias("n"),
    ]);
    let out = select(&abc(), &cols, Some(&col("b").not_null()), None).unwrap();
    assert_eq!(out.schema(), "k:int,as:str,n:long");
    assert_eq!(sorted(&out), vec![vec![N, N, l(2)], vec![i(1), s("1"), l(2)]]);
}

#[test]
fn eng_sel_7_distinct_after_aggregation() {
    let cols =
        SelectColumns::new(vec![col("a"), lit(0).alias("z"), count(all_cols()).alias("n")], true)
            .unwrap();
    let out = select(&abc(), &cols, None, None).unwrap();
    assert_eq!(out.num_rows(), 3);
    let cols = SelectColumns::new(vec![col("a"), count(all_cols()).alias("n")], true).unwrap();
    let df = frame(vec![vec![i(1)], vec![i(2)], vec![i(1)], vec![i(2)]], "a:int");
    let out = select(&df, &cols, None, None).unwrap();
    assert_eq!(sorted(&out), vec![vec![i(1), l(2)], vec![i(2), l(2)]]);
    let cols = SelectColumns::new(vec![count(all_cols()).alias("n")], true).unwrap();
    assert_eq!(select(&df, &cols, None, None).unwrap().rows().unwrap(), vec![vec![l(4)]]);
}

#[test]
fn eng_sel_1_2_invalid_select_lists() {
    assert_eq!(
        kind_of(SelectColumns::new(vec![all_cols(), all_cols()], false)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind_of(SelectColumns::new(vec![all_cols(), max(col("a"))], false)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(kind_of(SelectColumns::from_names(["*", "a"], false)), ErrorKind::InvalidArgument);
    assert_eq!(kind_of(SelectColumns::new(vec![col("a") + 1], false)), ErrorKind::InvalidArgument);
    // `*` expanding to a name another item uses
    let cols = sel(vec![all_cols(), lit(1).alias("a")]);
    assert_eq!(kind_of(select(&abc(), &cols, None, None)), ErrorKind::InvalidArgument);
}

#[test]
fn eng_sel_3_4_where_and_having_rules() {
    let cols = sel(vec![col("a")]);
    assert_eq!(
        kind_of(select(&abc(), &cols, None, Some(&col("a").gt(1)))),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind_of(select(&abc(), &cols, Some(&max(col("a")).gt(1)), None)),
        ErrorKind::InvalidArgument
    );
    assert_eq!(kind_of(select(&abc(), &cols, Some(&col("q").gt(1)), None)), ErrorKind::NotFound);
    assert_eq!(kind_of(select(&abc(), &sel(vec![col("q")]), None, None)), ErrorKind::NotFound);
}

#[test]
fn eng_sel_5_non_key_column_outside_aggregation_is_arg_error() {
    let cols = sel(vec![col("a"), (max(col("b")) + col("b")).alias("x")]);
    assert_eq!(kind_of(select(&abc(), &cols, None, None)), ErrorKind::InvalidArgument);
    // a key used next to an aggregate is fine
    let cols = sel(vec![col("a"), (max(col("b")) + col("a")).alias("x")]);
    let out = select(&abc(), &cols, Some(&col("a").eq(1)), None).unwrap();
    assert_eq!(out.rows().unwrap(), vec![vec![i(1), i(21)]]);
}

#[test]
fn eng_expr_type_1_3_8_output_types() {
    let df = frame(vec![vec![i(1), d(1.5), Value::UInt8(3)]], "a:int,f:float,u:ubyte");
    let cols = sel(vec![
        (col("a") + 1).alias("p"),
        lit(2).alias("lng"),
        lit(2.5).alias("dbl"),
        (col("f") * 2).alias("ff"),
        (col("a") + col("f")).cast(DataType::Float32).alias("cf"),
        col("a").eq(1).alias("bo"),
        col("a").is_null().alias("nl"),
        null().cast(DataType::Int16).alias("nn"),
    ]);
    let out = select(&df, &cols, None, None).unwrap();
    assert_eq!(
        out.schema(),
        "p:int,lng:long,dbl:double,ff:float,cf:float,bo:bool,nl:bool,nn:short"
    );
    let cols = sel(vec![
        sum(col("a")).alias("si"),
        sum(col("u")).alias("su"),
        sum(col("f")).alias("sf"),
        avg(col("a")).alias("av"),
        min(col("u")).alias("mu"),
        count(col("f")).alias("c"),
    ]);
    let out = select(&df, &cols, None, None).unwrap();
    assert_eq!(out.schema(), "si:long,su:ulong,sf:double,av:double,mu:ubyte,c:long");
    assert_eq!(
        out.rows().unwrap(),
        vec![vec![l(1), Value::UInt64(3), d(1.5), d(1.0), Value::UInt8(3), l(1)]]
    );
}

#[test]
fn eng_sel_8_empty_input_keeps_output_types() {
    let empty = LocalDataFrame::empty(abc().schema().clone()).unwrap();
    let cols = sel(vec![(col("a") + 1).alias("x"), col("c").is_null().alias("n")]);
    let out = select(&empty, &cols, None, None).unwrap();
    assert_eq!(out.schema(), "x:int,n:bool");
    assert_eq!(out.num_rows(), 0);
    let out = assign(&empty, &[lit(1).alias("x")]).unwrap();
    assert_eq!(out.schema(), "a:int,b:int,c:str,x:long");
}

#[test]
fn eng_expr_sem_3_division_by_zero_is_null() {
    let df = frame(vec![vec![i(1), i(0)], vec![i(3), i(2)]], "a:int,b:int");
    let out = select(&df, &sel(vec![(col("a") / col("b")).alias("q")]), None, None).unwrap();
    assert_eq!(out.rows().unwrap(), vec![vec![N], vec![d(1.5)]]);
}

#[test]
fn eng_expr_sem_5_string_plus_is_arg_error() {
    let cols = sel(vec![(col("c") + col("c")).alias("cc")]);
    assert_eq!(kind_of(select(&abc(), &cols, None, None)), ErrorKind::InvalidArgument);
}

// ---------------------------------------------------------------- assign (E6)

#[test]
fn eng_assign_2_3_literal_long_replace_in_place_append_cast() {
    let exprs = vec![
        lit(1).alias("x"),
        col("b").cast(DataType::Utf8),
        (col("a") * 2).cast(DataType::Float64).alias("y"),
    ];
    let out = assign(&abc(), &exprs).unwrap();
    assert_eq!(out.schema(), "a:int,b:str,c:str,x:long,y:double");
    assert_eq!(out.rows().unwrap()[0], vec![i(1), s("10"), s("x"), l(1), d(2.0)]);
    assert_eq!(out.rows().unwrap()[3], vec![i(2), N, N, l(1), d(4.0)]);
    // replacing with an expression of the column itself, type per inference
    let out = assign(&abc(), &[(col("a") + 1).alias("a")]).unwrap();
    assert_eq!(out.schema(), "a:int,b:int,c:str");
    assert_eq!(out.rows().unwrap()[0][0], i(2));
    // nothing to assign
    assert_eq!(assign(&abc(), &[]).unwrap().rows().unwrap(), abc().rows().unwrap());
}

#[test]
fn eng_assign_1_errors() {
    let k = |e: Vec<ColumnExpr>| kind_of(assign(&abc(), &e));
    assert_eq!(k(vec![max(col("a")).alias("m")]), ErrorKind::InvalidArgument);
    assert_eq!(k(vec![col("a") + 1]), ErrorKind::InvalidArgument);
    assert_eq!(k(vec![count(all_cols()).alias("n")]), ErrorKind::InvalidArgument);
    assert_eq!(k(vec![lit(1).alias("x"), lit(2).alias("x")]), ErrorKind::InvalidArgument);
    assert_eq!(k(vec![col("q").alias("x")]), ErrorKind::NotFound);
}

// ---------------------------------------------------------------- aggregate (E7)

#[test]
fn eng_agg_2_global_max_keeps_int_and_cast_arithmetic_aggregate() {
    let aggs = vec![
        max(col("b")),
        (max(col("b")) * 2).cast(DataType::Int64).alias("m2"),
        sum(col("b") + col("a")).alias("s"),
    ];
    let out = aggregate(&abc(), &[], &aggs).unwrap();
    assert_eq!(out.schema(), "b:int,m2:long,s:long");
    assert_eq!(out.rows().unwrap(), vec![vec![i(20), l(40), l(32)]]);
}

#[test]
fn eng_agg_2_grouped_keys_first_in_by_order_with_null_group() {
    let aggs = vec![max(col("b")).alias("mb"), count(all_cols()).alias("n")];
    let out = aggregate(&abc(), &["a".to_string()], &aggs).unwrap();
    assert_eq!(out.schema(), "a:int,mb:int,n:long");
    assert_eq!(
        sorted(&out),
        vec![vec![N, i(7), l(2)], vec![i(1), i(20), l(2)], vec![i(2), N, l(1)],]
    );
    let out = aggregate(&abc(), &["c".to_string(), "a".to_string()], &aggs).unwrap();
    assert_eq!(out.schema(), "c:str,a:int,mb:int,n:long");
    assert_eq!(out.num_rows(), 5);
}

#[test]
fn eng_agg_1_literal_or_empty_aggregations_fail() {
    assert_eq!(
        kind_of(aggregate(&abc(), &["a".to_string()], &[lit(1).alias("x")])),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind_of(aggregate(&abc(), &["a".to_string()], &[max(col("b")), lit(1).alias("x")])),
        ErrorKind::InvalidArgument
    );
    assert_eq!(kind_of(aggregate(&abc(), &["a".to_string()], &[])), ErrorKind::InvalidArgument);
    assert_eq!(
        kind_of(aggregate(&abc(), &["q".to_string()], &[max(col("b"))])),
        ErrorKind::NotFound
    );
}

#[test]
fn select_over_several_batches() {
    let a = abc();
    let b = abc();
    let mut batches = a.batches().to_vec();
    batches.extend(b.batches().iter().cloned());
    let df = LocalDataFrame::new(a.schema().clone(), batches).unwrap();
    let out = filter(&df, &col("a").eq(1)).unwrap();
    assert_eq!(out.num_rows(), 4);
    let cols = sel(vec![(col("b") + 1).alias("x")]);
    let out = select(&df, &cols, Some(&col("a").eq(1)), None).unwrap();
    assert_eq!(out.rows().unwrap(), vec![vec![i(11)], vec![i(21)], vec![i(11)], vec![i(21)]]);
    let cols = SelectColumns::new(vec![col("a")], true).unwrap();
    assert_eq!(select(&df, &cols, None, None).unwrap().num_rows(), 3);
    let out = assign(&df, &[lit(1).alias("x")]).unwrap();
    assert_eq!(out.num_rows(), 10);
    let out = aggregate(&df, &["a".to_string()], &[count(all_cols()).alias("n")]).unwrap();
    assert_eq!(sorted(&out), vec![vec![N, l(4)], vec![i(1), l(4)], vec![i(2), l(2)]]);
}
