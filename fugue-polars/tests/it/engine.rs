//! Engine behaviour specific to Polars: where Polars' defaults differ from
//! the spec the engine adapts (each test names the rule), native-object
//! access, the SQL engine.

use std::sync::Arc;

use arrow::datatypes::DataType;
use fugue_core::dataframe::{DataFrameExt, DataFrameRef, DataFrames};
use fugue_core::engine::{
    ExecutionEngineExt, FillValue, JoinType, SqlEngine, SqlPart, StructuredSql, map_fn,
};
use fugue_core::expr::{col, functions as ff, lit};
use fugue_core::{
    Conf, ErrorKind, ExecutionEngine, LocalDataFrame, MapEngine, PartitionSpec, SelectColumns,
    Value,
};
use fugue_polars::{PolarsDataFrame, PolarsExecutionEngine, PolarsSqlEngine};
use polars::prelude::{IntoLazy, NamedFrom, Series};

fn engine() -> PolarsExecutionEngine {
    PolarsExecutionEngine::new(Conf::new()).expect("engine")
}

fn df(rows: Vec<Vec<Value>>, schema: &str) -> DataFrameRef {
    engine().to_df_rows(rows, schema).expect("frame")
}

fn i(v: i32) -> Value {
    Value::Int32(v)
}

/// A one-column `a:double` frame from an Arrow array (NaN kept: rows turn
/// NaN into null, DF-VAL-3).
fn doubles(values: Vec<Option<f64>>) -> DataFrameRef {
    let batch = arrow::array::RecordBatch::try_from_iter([(
        "a",
        Arc::new(arrow::array::Float64Array::from(values)) as arrow::array::ArrayRef,
    )])
    .expect("batch");
    engine().to_df_batches(vec![batch]).expect("frame")
}

fn sorted_rows(df: &DataFrameRef) -> Vec<Vec<Value>> {
    let mut rows = df.as_array(None, false).expect("rows");
    rows.sort_by(|a, b| {
        a.iter()
            .zip(b)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    rows
}

#[test]
fn eng_join_6_null_keys_never_match_even_though_polars_could() {
    let e = engine();
    let a = df(vec![vec![Value::Null, i(1)], vec![i(1), i(2)]], "k:int,a:int");
    let b = df(vec![vec![Value::Null, i(10)], vec![i(1), i(20)]], "k:int,b:int");
    let inner = e.join(&a, &b, JoinType::Inner, &[]).expect("join");
    assert_eq!(sorted_rows(&inner), vec![vec![i(1), i(2), i(20)]]);
    let full = e.join(&a, &b, JoinType::FullOuter, &[]).expect("join");
    assert_eq!(full.count().ok(), Some(3), "null keys of both sides stay separate");
    let anti = e.join(&a, &b, JoinType::Anti, &[]).expect("join");
    assert_eq!(sorted_rows(&anti), vec![vec![Value::Null, i(1)]]);
}

#[test]
fn eng_join_10_int_and_long_keys_keep_df1_types() {
    let e = engine();
    let a = df(vec![vec![i(1), i(2)]], "k:int,a:int");
    let b = df(vec![vec![Value::Int64(1), i(3)], vec![Value::Int64(5), i(4)]], "k:long,b:int");
    let r = e.join(&a, &b, JoinType::RightOuter, &[]).expect("join");
    assert_eq!(r.schema().to_string(), "k:int,a:int,b:int");
    assert_eq!(sorted_rows(&r), vec![vec![i(1), i(2), i(3)], vec![i(5), Value::Null, i(4)]]);
}

#[test]
fn eng_expr_sem_3_division_by_zero_is_null_and_sum_of_nothing_is_null() {
    let e = engine();
    let d = df(vec![vec![i(1), i(0)], vec![i(4), i(2)]], "a:int,b:int");
    let r = e.assign(&d, &[(col("a") / col("b")).alias("q")]).expect("assign");
    assert_eq!(r.schema().to_string(), "a:int,b:int,q:double");
    let q: Vec<Value> =
        r.as_array(Some(&["q"]), false).expect("rows").into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(q, vec![Value::Null, Value::Float64(2.0)]);
    // ENG-EXPR-SEM-4: sum of only nulls is null (Polars alone gives 0)
    let n = df(vec![vec![Value::Null]], "a:int");
    let cols = SelectColumns::new(vec![ff::sum(col("a")).alias("s")], false).expect("cols");
    let r = e.select(&n, &cols, None, None).expect("select");
    assert_eq!(r.as_array(None, false).expect("rows"), vec![vec![Value::Null]]);
}

#[test]
fn integer_overflow_is_err_cast_not_a_wrapped_value() {
    let e = engine();
    let d = df(vec![vec![i(i32::MAX)]], "a:int");
    let r =
        e.assign(&d, &[(col("a") + 1).alias("b")]).and_then(|r| r.as_local_bounded().map(|_| ()));
    assert_eq!(r.err().map(|e| e.kind()), Some(ErrorKind::Cast));
}

#[test]
fn integer_sum_overflow_is_err_cast_like_the_native_engine() {
    let e = engine();
    let d = df(
        vec![
            vec![i(1), Value::Int64(i64::MAX)],
            vec![i(1), Value::Int64(1)],
            vec![i(2), Value::Int64(5)],
        ],
        "k:int,v:long",
    );
    let sum = || [ff::sum(col("v")).alias("s")];
    let r = e.aggregate(&d, &PartitionSpec::by(["k"]).expect("spec"), &sum());
    let r = r.and_then(|r| r.as_local_bounded().map(|_| ()));
    assert_eq!(r.err().map(|e| e.kind()), Some(ErrorKind::Cast));
    let fine = df(
        vec![vec![i(1), Value::Int64(i64::MAX - 1)], vec![i(1), Value::Int64(1)]],
        "k:int,v:long",
    );
    let r = e.aggregate(&fine, &PartitionSpec::default(), &sum()).expect("aggregate");
    assert_eq!(r.as_array(None, false).expect("rows"), vec![vec![Value::Int64(i64::MAX)]]);
}

#[test]
fn float_min_max_follow_total_order_nan_largest() {
    let e = engine();
    let d = doubles(vec![Some(1.0), Some(f64::NAN), Some(-2.0)]);
    let cols = SelectColumns::new(
        vec![ff::max(col("a")).alias("mx"), ff::min(col("a")).alias("mn")],
        false,
    )
    .expect("cols");
    let r = e.select(&d, &cols, None, None).expect("select");
    let batch = r.as_arrow().expect("arrow");
    let value = |i: usize| {
        batch.column(i).as_any().downcast_ref::<arrow::array::Float64Array>().map(|a| a.value(0))
    };
    assert!(value(0).is_some_and(f64::is_nan), "max is NaN: {:?}", value(0));
    assert_eq!(value(1), Some(-2.0));
}

#[test]
fn casts_follow_df_cast_rules() {
    let e = engine();
    let d = df(vec![vec![Value::from("12")], vec![Value::from("x")]], "a:str");
    let r = e
        .assign(&d, &[col("a").cast(DataType::Int32).alias("b")])
        .and_then(|r| r.as_local_bounded().map(|_| ()));
    assert_eq!(r.err().map(|e| e.kind()), Some(ErrorKind::Cast));
    let b = df(vec![vec![Value::Bool(true)], vec![Value::Null]], "a:bool");
    let r = e.assign(&b, &[col("a").cast(DataType::Utf8).alias("a")]).expect("assign");
    assert_eq!(
        r.as_array(None, false).expect("rows"),
        vec![vec![Value::from("true")], vec![Value::Null]]
    );
}

#[test]
fn eng_expr_sem_1_kleene_logic() {
    let e = engine();
    let d = df(vec![vec![Value::Null]], "a:bool");
    let r = e
        .assign(
            &d,
            &[(col("a") & lit(false)).alias("and_false"), (col("a") | lit(true)).alias("or_true")],
        )
        .expect("assign");
    assert_eq!(
        r.as_array(Some(&["and_false", "or_true"]), false).expect("rows"),
        vec![vec![Value::Bool(false), Value::Bool(true)]]
    );
}

#[test]
fn eng_dropna_4_nan_counts_as_null_and_fillna_fills_it() {
    let e = engine();
    let d = doubles(vec![Some(f64::NAN), Some(1.0), None]);
    let r = e.dropna(&d, Default::default(), None, None).expect("dropna");
    assert_eq!(r.as_array(None, false).expect("rows"), vec![vec![Value::Float64(1.0)]]);
    let r = e.fillna(&d, &FillValue::Scalar(Value::Int64(0)), None).expect("fillna");
    assert_eq!(
        r.as_array(None, false).expect("rows"),
        vec![vec![Value::Float64(0.0)], vec![Value::Float64(1.0)], vec![Value::Float64(0.0)]]
    );
}

#[test]
fn native_objects_in_and_out() {
    let e = engine();
    let s = Series::new("a".into(), &[1i64, 2, 3]);
    let pl = polars::prelude::DataFrame::new(3, vec![s.into()]).expect("polars frame");
    let f = e.from_polars(pl.clone()).expect("from polars");
    assert_eq!(f.schema().to_string(), "a:long");
    let lazy = e.from_lazy(pl.lazy()).expect("from lazy");
    let out = e.filter(&lazy, &col("a").gt(1)).expect("filter");
    let native = out.downcast_ref::<PolarsDataFrame>().expect("polars frame");
    assert_eq!(native.native().collect().expect("collect").height(), 2);
    assert!(!native.is_computed(), "operations stay lazy");
    let persisted = e.persist(&out, false).expect("persist");
    assert!(persisted.downcast_ref::<PolarsDataFrame>().is_some_and(|p| p.is_computed()));
    assert!(Arc::ptr_eq(&persisted, &e.persist(&persisted, false).expect("persist")));
}

#[test]
fn map_runs_on_the_polars_pool_and_can_view_partitions_as_polars() {
    let e = engine();
    let d = df((0..20).map(|x| vec![i(x % 3), i(x)]).collect(), "k:int,v:int");
    let f = map_fn(|_, part| {
        assert!(rayon::current_thread_index().is_some(), "user code runs on a rayon pool");
        let pl = fugue_polars::to_polars_df(&part)?;
        assert_eq!(pl.height(), part.num_rows());
        Ok(part.slice(0, 1))
    });
    let spec = PartitionSpec::builder().by(["k"]).presort("v desc").build().expect("spec");
    let out =
        e.map_dataframe(&d, f, &"k:int,v:int".parse().expect("schema"), &spec, None).expect("map");
    assert_eq!(sorted_rows(&out), vec![vec![i(0), i(18)], vec![i(1), i(19)], vec![i(2), i(17)]]);
}

/// PG-1/PG-2 with an input column named like the engine's internal row
/// index: the map still groups and sorts (the index takes another name).
#[test]
fn pg_1_2_a_column_named_like_the_internal_row_index_is_fine() {
    let e = engine();
    let d = df((0..12).map(|x| vec![i(x % 2), i(x)]).collect(), "__fugue_row:int,v:int");
    let f = map_fn(|_, part| Ok(part.slice(0, 1)));
    let spec =
        PartitionSpec::builder().by(["__fugue_row"]).presort("v desc").build().expect("spec");
    let schema = "__fugue_row:int,v:int".parse().expect("schema");
    let out = e.map_dataframe(&d, f, &schema, &spec, None).expect("map");
    assert_eq!(sorted_rows(&out), vec![vec![i(0), i(10)], vec![i(1), i(11)]]);
}

/// PS-NUM / PA-7: a huge partition number without keys gives one row per
/// physical partition at most (no loop or allocation per requested
/// partition).
#[test]
fn pa_7_a_huge_num_without_keys_is_cut_at_one_row_per_partition() {
    let e = engine();
    let d = df((0..5).map(|x| vec![i(x)]).collect(), "v:int");
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for algo in ["default", "hash", "rand", "even"] {
        calls.store(0, std::sync::atomic::Ordering::SeqCst);
        let seen = Arc::clone(&calls);
        let f = map_fn(move |_, part| {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(part)
        });
        let spec =
            PartitionSpec::builder().num(1_000_000_000_000i64).algo(algo).build().expect("spec");
        let out =
            e.map_dataframe(&d, f, &"v:int".parse().expect("schema"), &spec, None).expect("map");
        assert_eq!(out.count().expect("count"), 5, "{algo}");
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 5, "{algo}: one call per row");
    }
}

fn sql(parts: Vec<SqlPart>) -> StructuredSql {
    StructuredSql { parts, dialect: "spark".into() }
}

#[test]
fn eng_sql_1_4_6_polars_sql_is_the_default_facet_and_takes_any_frame() {
    let e = engine();
    assert!(e.capabilities().sql);
    let facet = e.sql_engine().expect("sql facet");
    assert_eq!(facet.name(), "polars");
    let a: DataFrameRef = Arc::new(
        LocalDataFrame::from_rows(
            vec![vec![i(1), Value::from("x")], vec![i(2), Value::from("y")]],
            "a:int,b:str",
        )
        .expect("local"),
    );
    let b = df(vec![vec![i(2), Value::Float64(0.5)]], "a:int,c:double");
    let dfs = DataFrames::named([("x", a), ("y", b)]).expect("dfs");
    let out = facet
        .select(
            &dfs,
            &sql(vec![
                SqlPart::Text("SELECT x.a, b, c FROM".into()),
                SqlPart::Table("x".into()),
                SqlPart::Text("AS x INNER JOIN".into()),
                SqlPart::Table("y".into()),
                SqlPart::Text("AS y ON x.a = y.a".into()),
            ]),
        )
        .expect("select");
    assert_eq!(out.schema().to_string(), "a:int,b:str,c:double");
    assert_eq!(
        out.as_array(None, false).expect("rows"),
        vec![vec![i(2), Value::from("y"), Value::Float64(0.5)]]
    );
    let missing = PolarsSqlEngine::new().select(
        &dfs,
        &sql(vec![SqlPart::Text("SELECT * FROM".into()), SqlPart::Table("zz".into())]),
    );
    assert_eq!(missing.err().map(|e| e.kind()), Some(ErrorKind::NotFound));
    let bad = PolarsSqlEngine::new().select(&dfs, &StructuredSql::text("SELEC nonsense"));
    assert_eq!(bad.err().map(|e| e.kind()), Some(ErrorKind::Execution));
    assert_eq!(facet.table_exists("t").err().map(|e| e.kind()), Some(ErrorKind::NotSupported));
}

#[test]
fn registered_by_name() {
    let e = fugue_core::make_engine("polars", Conf::new()).expect("registered");
    assert_eq!(e.name(), "polars");
    let s = fugue_core::make_sql_engine("polars", e).expect("registered sql engine");
    assert_eq!(s.name(), "polars");
}

/// ENG-SET-2/4, ENG-DISTINCT-1: set operations do not remove duplicates
/// twice. A frame made by `distinct`, a distinct union, `subtract` or
/// `intersect` is known to hold distinct rows, so `subtract` / `intersect`
/// of it and `distinct` of it add no second `unique` to the plan (W6:
/// distinct, union, subtract); the rows are those of the spec.
#[test]
fn set_operations_on_distinct_rows_add_no_second_unique() {
    let e = engine();
    let rows = |vals: &[i32]| vals.iter().map(|v| vec![i(*v)]).collect::<Vec<_>>();
    let a = df(rows(&[1, 1, 2, 3, 3, 4]), "a:int");
    let b = df(rows(&[4, 5, 5]), "a:int");
    let even = df(rows(&[2, 4]), "a:int");
    let d = e.distinct(&a).expect("distinct");
    let u = e.union(&d, &b, true).expect("union");
    let s = e.subtract(&u, &even, true).expect("subtract");
    let plan = s.downcast_ref::<PolarsDataFrame>().expect("polars").native().describe_plan();
    let plan = plan.expect("plan");
    assert_eq!(plan.matches("UNIQUE").count(), 2, "distinct and union only: {plan}");
    let again = e.distinct(&s).expect("distinct");
    let plan = again.downcast_ref::<PolarsDataFrame>().expect("polars").native().describe_plan();
    assert_eq!(plan.expect("plan").matches("UNIQUE").count(), 2, "distinct of distinct rows");
    assert_eq!(sorted_rows(&s), rows(&[1, 3, 5]));
    assert_eq!(sorted_rows(&again), rows(&[1, 3, 5]));
    let i2 = e.intersect(&u, &b, true).expect("intersect");
    assert_eq!(sorted_rows(&i2), rows(&[4, 5]));
    // a column selection of distinct rows may repeat rows: unique again
    let pairs = df(vec![vec![i(1), i(1)], vec![i(1), i(2)]], "a:int,b:int");
    let dp = e.distinct(&pairs).expect("distinct");
    let firsts = dp.select_columns(&["a"]).expect("select");
    assert_eq!(sorted_rows(&e.distinct(&firsts).expect("distinct")), rows(&[1]));
}
