//! Joins of two local frames (ENG-JOIN-1..11): inner, left/right/full outer,
//! semi, anti, cross.
//!
//! Keyed joins are hash joins on the row format: the key columns of both
//! sides are encoded with one `RowConverter` (both first cast to the
//! plan's key types, `JoinPlan::key_types`, ENG-JOIN-10), the right side is
//! hashed, the left side probes, and the output is gathered with `take`
//! from the collected index pairs (a null index gives a null row of that
//! side). Rows with any null key never match (ENG-JOIN-6).

use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::JoinType;
use crate::engine::params::JoinPlan;
use crate::value::cast_array;
use crate::{Error, LocalDataFrame, Result};
use arrow::array::{
    Array, ArrayRef, BooleanArray, RecordBatch, UInt64Array, UInt64Builder, new_null_array,
};
use arrow::buffer::BooleanBuffer;
use arrow::compute::kernels::zip::zip;
use arrow::compute::{filter_record_batch, is_not_null, nullif, take};

use rayon::prelude::*;

use super::hashed::{HashedRows, KeyMap, Ways, key_map};
use super::rowkeys::{RowEncoder, all_valid};

/// No row: the end of a chain in the build table.
const NONE: usize = usize::MAX;

/// Joins `left` and `right` as `plan` says (keys and output schema resolved
/// by `crate::engine::params::plan_join`).
///
/// Output: `plan.output_schema` — df1's columns then df2's non-key columns
/// (df1's schema for semi/anti), key columns with df1's types. Row order is
/// unspecified (ENG-GEN-8); in practice left rows in order with their
/// matches, then unmatched right rows for right/full outer joins.
///
/// - inner: pairs with equal, non-null keys; many-to-many multiplies
///   (ENG-JOIN-9).
/// - left_outer / right_outer / full_outer: also the unmatched rows of the
///   outer side(s) with nulls for the other side's columns; key columns of
///   unmatched right rows hold the right values cast to df1's key types
///   (ENG-JOIN-7); non-key column types never change (ENG-JOIN-11).
/// - semi / anti: each left row at most once (ENG-JOIN-8); anti keeps
///   null-key rows, semi drops them (ENG-JOIN-6).
/// - cross: every pair; an empty side gives an empty result (ENG-JOIN-5).
///
/// # Errors
/// `ERR-NOT-SUPPORTED` for key types the row format cannot compare;
/// `ERR-CAST` when an unmatched right key does not fit df1's key type;
/// `ERR-ARG` when a cross join would exceed `u64` rows; Arrow errors.
pub fn join(
    left: &LocalDataFrame,
    right: &LocalDataFrame,
    plan: &JoinPlan,
) -> Result<LocalDataFrame> {
    let lb = left.to_batch()?;
    let rb = right.to_batch()?;
    if plan.how == JoinType::Cross {
        return cross(&lb, &rb, plan);
    }
    let lkeys = key_columns(&lb, &plan.keys)?;
    let rkeys = key_columns(&rb, &plan.keys)?;
    // both sides compared in the core's key types (ENG-JOIN-10)
    if plan.key_types.len() != plan.keys.len() {
        return Err(Error::internal("join plan without a key type per key"));
    }
    let encoder = RowEncoder::new("join", plan.key_types.clone())?;
    keyed(&lb, &rb, &lkeys, &rkeys, &encoder, plan, Ways::for_rows(lb.num_rows() + rb.num_rows()))
}

/// A keyed join split `ways` (see [`super::hashed`]): the right side's
/// rows are hash partitioned into one table per partition (built in
/// parallel), the left side probes in contiguous chunks (in parallel), and
/// the chunks' pairs are concatenated in order, so the output is the
/// one-thread pass's: left rows in order, each with its matches in right
/// row order, then the unmatched right rows in order.
fn keyed(
    lb: &RecordBatch,
    rb: &RecordBatch,
    lkeys: &[ArrayRef],
    rkeys: &[ArrayRef],
    encoder: &RowEncoder,
    plan: &JoinPlan,
    ways: Ways,
) -> Result<LocalDataFrame> {
    let lrows = HashedRows::encode(encoder, lkeys, ways.chunks)?;
    let rrows = HashedRows::encode(encoder, rkeys, ways.chunks)?;
    let lvalid = all_valid(lkeys);
    let rvalid = all_valid(rkeys);
    let is_valid = |v: &Option<BooleanBuffer>, i: usize| v.as_ref().is_none_or(|b| b.value(i));
    let p = ways.partitions;
    let parts = rrows.partitions(p, |j| is_valid(&rvalid, j));
    let (nl, nr) = (lb.num_rows(), rb.num_rows());
    let chunk_len = nl.div_ceil(ways.chunks.max(1)).max(1);
    let chunks = |nl: usize| (0..nl.div_ceil(chunk_len)).into_par_iter();
    let range = move |c: usize| c * chunk_len..((c + 1) * chunk_len).min(nl);

    if matches!(plan.how, JoinType::Semi | JoinType::Anti) {
        let sets: Vec<KeyMap<()>> = parts
            .par_iter()
            .map(|idx| {
                let mut set = key_map(idx.len());
                for &j in idx {
                    set.insert(rrows.key(j), ());
                }
                set
            })
            .collect();
        let semi = plan.how == JoinType::Semi;
        let found: Vec<Vec<bool>> = chunks(nl)
            .map(|c| {
                range(c)
                    .map(|i| {
                        let found = is_valid(&lvalid, i)
                            && sets[lrows.partition(i, p)].contains_key(&lrows.key(i));
                        found == semi
                    })
                    .collect()
            })
            .collect();
        let mask = BooleanArray::from(found.concat());
        let out = filter_record_batch(lb, &mask)?;
        return LocalDataFrame::new(plan.output_schema.clone(), vec![out]);
    }

    // build: per partition, key row → first position in the partition's
    // (ascending) rows, chained through `next` in order
    let tables: Vec<(KeyMap<usize>, Vec<usize>)> = parts
        .par_iter()
        .map(|idx| {
            let mut head = key_map(idx.len());
            let mut next = vec![NONE; idx.len()];
            for k in (0..idx.len()).rev() {
                if let Some(prev) = head.insert(rrows.key(idx[k]), k) {
                    next[k] = prev;
                }
            }
            (head, next)
        })
        .collect();
    let keep_left = matches!(plan.how, JoinType::LeftOuter | JoinType::FullOuter);
    let keep_right = matches!(plan.how, JoinType::RightOuter | JoinType::FullOuter);
    let matched_right: Vec<AtomicBool> =
        (0..if keep_right { nr } else { 0 }).map(|_| AtomicBool::new(false)).collect();
    let pairs: Vec<(UInt64Array, UInt64Array)> = chunks(nl)
        .map(|c| {
            let mut li = UInt64Builder::with_capacity(chunk_len);
            let mut ri = UInt64Builder::with_capacity(chunk_len);
            for i in range(c) {
                let q = lrows.partition(i, p);
                let (head, next) = &tables[q];
                let mut k = if is_valid(&lvalid, i) {
                    head.get(&lrows.key(i)).copied().unwrap_or(NONE)
                } else {
                    NONE
                };
                if k == NONE {
                    if keep_left {
                        li.append_value(i as u64);
                        ri.append_null();
                    }
                    continue;
                }
                while k != NONE {
                    let j = parts[q][k];
                    li.append_value(i as u64);
                    ri.append_value(j as u64);
                    if keep_right {
                        matched_right[j].store(true, Ordering::Relaxed);
                    }
                    k = next[k];
                }
            }
            (li.finish(), ri.finish())
        })
        .collect();
    let mut li_parts: Vec<UInt64Array> = Vec::with_capacity(pairs.len() + 1);
    let mut ri_parts: Vec<UInt64Array> = Vec::with_capacity(pairs.len() + 1);
    for (l, r) in pairs {
        li_parts.push(l);
        ri_parts.push(r);
    }
    if keep_right {
        let unmatched: Vec<u64> = matched_right
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.load(Ordering::Relaxed))
            .map(|(j, _)| j as u64)
            .collect();
        li_parts.push(UInt64Array::new_null(unmatched.len()));
        ri_parts.push(UInt64Array::from(unmatched));
    }
    let (li, ri) = (concat_indices(&li_parts)?, concat_indices(&ri_parts)?);
    assemble(lb, rb, &li, &ri, plan, keep_right)
}

/// One index array from the chunks' arrays, in order.
fn concat_indices(parts: &[UInt64Array]) -> Result<UInt64Array> {
    match parts {
        [] => return Ok(UInt64Array::from(Vec::<u64>::new())),
        [one] => return Ok(one.clone()),
        _ => {}
    }
    let refs: Vec<&dyn Array> = parts.iter().map(|a| a as &dyn Array).collect();
    let all = arrow::compute::concat(&refs)?;
    all.as_any()
        .downcast_ref::<UInt64Array>()
        .cloned()
        .ok_or_else(|| Error::internal("join indices are not u64"))
}

/// The key columns of `batch`, in key order.
fn key_columns(batch: &RecordBatch, keys: &[String]) -> Result<Vec<ArrayRef>> {
    let schema = batch.schema();
    keys.iter().map(|k| Ok(batch.column(schema.index_of(k)?).clone())).collect()
}

/// Every pair of rows (ENG-JOIN-5): left row `i` with each right row in turn.
fn cross(lb: &RecordBatch, rb: &RecordBatch, plan: &JoinPlan) -> Result<LocalDataFrame> {
    let (nl, nr) = (lb.num_rows() as u64, rb.num_rows() as u64);
    if nl.checked_mul(nr).is_none_or(|n| usize::try_from(n).is_err()) {
        return Err(Error::arg("cross", format!("a cross join of {nl} × {nr} rows is too large")));
    }
    let li =
        UInt64Array::from_iter_values((0..nl).flat_map(|i| std::iter::repeat_n(i, nr as usize)));
    let ri = UInt64Array::from_iter_values((0..nl).flat_map(|_| 0..nr));
    assemble(lb, rb, &li, &ri, plan, false)
}

/// Gathers the output rows: df1 columns from `li`, df2 non-key columns from
/// `ri` (null index → null value). With `coalesce_keys`, a key column takes
/// the right value (cast to df1's type) where the left index is null.
fn assemble(
    lb: &RecordBatch,
    rb: &RecordBatch,
    li: &UInt64Array,
    ri: &UInt64Array,
    plan: &JoinPlan,
    coalesce_keys: bool,
) -> Result<LocalDataFrame> {
    let out_fields = plan.output_schema.fields();
    let lschema = lb.schema();
    let rschema = rb.schema();
    let left_present = if coalesce_keys { Some(is_not_null(li)?) } else { None };
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(out_fields.len());
    // every column gathered in parallel (each `take` is one pass)
    let left_cols = lb.columns().par_iter().map(|c| gather(c, li)).collect::<Result<Vec<_>>>()?;
    let right_cols = rschema
        .fields()
        .par_iter()
        .enumerate()
        .filter(|(_, f)| !plan.keys.iter().any(|k| k == f.name()))
        .map(|(idx, _)| gather(rb.column(idx), ri))
        .collect::<Result<Vec<_>>>()?;
    for (field, mut col) in lschema.fields().iter().zip(left_cols) {
        if let Some(mask) = &left_present
            && plan.keys.iter().any(|k| k == field.name())
        {
            let ridx = rschema.index_of(field.name())?;
            // only the right keys of rows without a left row are converted
            // (no spurious ERR-CAST from matched rows)
            let used = nullif(gather(rb.column(ridx), ri)?.as_ref(), mask)?;
            let from_right = cast_array(&used, col.data_type())?;
            col = zip(mask, &col, &from_right)?;
        }
        columns.push(col);
    }
    columns.extend(right_cols);
    if columns.len() != out_fields.len() {
        return Err(Error::internal(format!(
            "join produced {} columns for output schema `{}`",
            columns.len(),
            plan.output_schema
        )));
    }
    let columns = columns
        .into_iter()
        .zip(out_fields.iter())
        .map(|(c, f)| {
            if c.data_type().equals_datatype(f.data_type()) {
                Ok(c)
            } else {
                cast_array(&c, f.data_type())
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let batch = RecordBatch::try_new(plan.output_schema.arrow().clone(), columns)?;
    LocalDataFrame::new(plan.output_schema.clone(), vec![batch])
}

/// `take` of `values` at `indices`; from an empty side only null indices
/// can come, so the result is all nulls.
fn gather(values: &ArrayRef, indices: &UInt64Array) -> Result<ArrayRef> {
    if values.is_empty() {
        return Ok(new_null_array(values.data_type(), indices.len()));
    }
    Ok(take(values.as_ref(), indices, None)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;
    use crate::dataframe::DataFrame;
    use crate::engine::params::plan_join;
    use crate::spi::kernels::testutil::sorted;

    fn df(rows: Vec<Vec<Value>>, schema: &str) -> LocalDataFrame {
        LocalDataFrame::from_rows(rows, schema).expect("frame")
    }

    fn run(l: &LocalDataFrame, r: &LocalDataFrame, how: JoinType) -> LocalDataFrame {
        let plan = plan_join(l.schema(), r.schema(), how, &[]).expect("plan");
        join(l, r, &plan).expect("join")
    }

    fn i(v: i32) -> Value {
        Value::Int32(v)
    }
    fn l(v: i64) -> Value {
        Value::Int64(v)
    }
    fn s(v: &str) -> Value {
        Value::from(v)
    }
    const N: Value = Value::Null;

    fn left() -> LocalDataFrame {
        df(
            vec![vec![i(1), s("a")], vec![i(2), s("b")], vec![N, s("n")], vec![i(4), s("d")]],
            "k:int,x:str",
        )
    }

    fn right() -> LocalDataFrame {
        df(
            vec![vec![l(1), i(10)], vec![l(3), i(30)], vec![N, i(99)], vec![l(4), i(40)]],
            "k:long,y:int",
        )
    }

    #[test]
    fn eng_join_4_output_schema_and_inner() {
        let out = run(&left(), &right(), JoinType::Inner);
        assert_eq!(out.schema().to_string(), "k:int,x:str,y:int");
        assert_eq!(sorted(&out), vec![vec![i(1), s("a"), i(10)], vec![i(4), s("d"), i(40)]]);
    }

    #[test]
    fn eng_join_5_cross() {
        let a = df(vec![vec![i(1)], vec![i(2)]], "a:int");
        let b = df(vec![vec![s("x")], vec![s("y")], vec![s("z")]], "b:str");
        let out = run(&a, &b, JoinType::Cross);
        assert_eq!(out.schema().to_string(), "a:int,b:str");
        assert_eq!(out.num_rows(), 6);
        assert_eq!(sorted(&out)[..3], [vec![i(1), s("x")], vec![i(1), s("y")], vec![i(1), s("z")]]);
        let empty = LocalDataFrame::empty(b.schema().clone()).expect("empty");
        let e = run(&a, &empty, JoinType::Cross);
        assert_eq!((e.num_rows(), e.schema().to_string()), (0, "a:int,b:str".to_string()));
        let e =
            run(&LocalDataFrame::empty(a.schema().clone()).expect("empty"), &b, JoinType::Cross);
        assert_eq!(e.num_rows(), 0);
    }

    #[test]
    fn eng_join_6_null_keys_never_match() {
        let (a, b) = (left(), right());
        let inner = run(&a, &b, JoinType::Inner);
        assert!(inner.rows().expect("rows").iter().all(|r| r[0] != N));
        let lo = run(&a, &b, JoinType::LeftOuter);
        assert_eq!(
            sorted(&lo),
            vec![
                vec![N, s("n"), N],
                vec![i(1), s("a"), i(10)],
                vec![i(2), s("b"), N],
                vec![i(4), s("d"), i(40)],
            ]
        );
        let fo = run(&a, &b, JoinType::FullOuter);
        assert_eq!(
            sorted(&fo),
            vec![
                vec![N, N, i(99)],
                vec![N, s("n"), N],
                vec![i(1), s("a"), i(10)],
                vec![i(2), s("b"), N],
                vec![i(3), N, i(30)],
                vec![i(4), s("d"), i(40)],
            ]
        );
        let semi = run(&a, &b, JoinType::Semi);
        assert_eq!(sorted(&semi), vec![vec![i(1), s("a")], vec![i(4), s("d")]]);
        let anti = run(&a, &b, JoinType::Anti);
        assert_eq!(sorted(&anti), vec![vec![N, s("n")], vec![i(2), s("b")]]);
        // a null key on both sides of a multi-key join matches nothing
        let a2 = df(vec![vec![i(1), N, s("p")]], "k1:int,k2:str,x:str");
        let b2 = df(vec![vec![i(1), N, s("q")]], "k1:int,k2:str,y:str");
        assert_eq!(run(&a2, &b2, JoinType::Inner).num_rows(), 0);
        assert_eq!(run(&a2, &b2, JoinType::FullOuter).num_rows(), 2);
    }

    #[test]
    fn eng_join_7_right_outer_keys_from_right() {
        let out = run(&left(), &right(), JoinType::RightOuter);
        assert_eq!(out.schema().to_string(), "k:int,x:str,y:int");
        assert_eq!(
            sorted(&out),
            vec![
                vec![N, N, i(99)],
                vec![i(1), s("a"), i(10)],
                vec![i(3), N, i(30)],
                vec![i(4), s("d"), i(40)],
            ]
        );
    }

    #[test]
    fn eng_join_8_semi_anti_existence() {
        let a = df(vec![vec![i(1), s("a")], vec![i(2), s("b")]], "k:int,x:str");
        let b = df(vec![vec![i(1)], vec![i(1)], vec![i(1)]], "k:int");
        let semi = run(&a, &b, JoinType::Semi);
        assert_eq!(semi.schema().to_string(), "k:int,x:str");
        assert_eq!(semi.rows().ok(), Some(vec![vec![i(1), s("a")]]));
        let anti = run(&a, &b, JoinType::Anti);
        assert_eq!(anti.rows().ok(), Some(vec![vec![i(2), s("b")]]));
        let empty = LocalDataFrame::empty(b.schema().clone()).expect("empty");
        assert_eq!(run(&a, &empty, JoinType::Anti).num_rows(), 2);
        assert_eq!(run(&a, &empty, JoinType::Semi).num_rows(), 0);
    }

    #[test]
    fn eng_join_9_many_to_many_multiplies() {
        let a = df(vec![vec![i(1), s("a")], vec![i(1), s("b")], vec![i(2), s("c")]], "k:int,x:str");
        let b = df(vec![vec![i(1), i(10)], vec![i(1), i(11)], vec![i(1), i(12)]], "k:int,y:int");
        assert_eq!(run(&a, &b, JoinType::Inner).num_rows(), 6);
        assert_eq!(run(&a, &b, JoinType::LeftOuter).num_rows(), 7);
        assert_eq!(run(&a, &b, JoinType::RightOuter).num_rows(), 6);
        assert_eq!(run(&a, &b, JoinType::FullOuter).num_rows(), 7);
    }

    #[test]
    fn eng_join_10_int_long_match_by_value_with_df1_types() {
        let a = df(vec![vec![l(5), s("a")], vec![l(6), s("b")]], "k:long,x:str");
        let b = df(vec![vec![i(5), i(1)], vec![i(7), i(2)]], "k:int,y:int");
        let out = run(&a, &b, JoinType::FullOuter);
        assert_eq!(out.schema().to_string(), "k:long,x:str,y:int");
        assert_eq!(
            sorted(&out),
            vec![vec![l(5), s("a"), i(1)], vec![l(6), s("b"), N], vec![l(7), N, i(2)]]
        );
        // unsigned against signed
        let u = df(vec![vec![Value::UInt64(5)]], "k:ulong");
        assert_eq!(run(&u, &b, JoinType::Inner).num_rows(), 1);
        // multi-key with float keys: NaN and -0.0 normalised
        let f1 = df(vec![vec![Value::from(-0.0), s("a")]], "k:double,x:str");
        let f2 = df(vec![vec![Value::from(0.0), s("b")]], "k:double,y:str");
        assert_eq!(run(&f1, &f2, JoinType::Inner).num_rows(), 1);
    }

    #[test]
    fn eng_join_11_outer_side_types_kept() {
        let a = df(vec![vec![i(1)], vec![i(2)]], "k:int");
        let b = df(vec![vec![i(1), i(5), Value::Bool(true)]], "k:int,n:int,f:bool");
        let out = run(&a, &b, JoinType::LeftOuter);
        assert_eq!(out.schema().to_string(), "k:int,n:int,f:bool");
        assert_eq!(sorted(&out), vec![vec![i(1), i(5), Value::Bool(true)], vec![i(2), N, N]]);
    }

    #[test]
    fn eng_join_empty_sides() {
        let (a, b) = (left(), right());
        let ea = LocalDataFrame::empty(a.schema().clone()).expect("empty");
        let eb = LocalDataFrame::empty(b.schema().clone()).expect("empty");
        assert_eq!(run(&a, &eb, JoinType::Inner).num_rows(), 0);
        let lo = run(&a, &eb, JoinType::LeftOuter);
        assert_eq!(lo.num_rows(), 4);
        assert!(lo.rows().expect("rows").iter().all(|r| r[2] == N));
        let ro = run(&ea, &b, JoinType::RightOuter);
        assert_eq!(sorted(&ro)[1], vec![i(1), N, i(10)]);
        assert_eq!(run(&ea, &b, JoinType::FullOuter).num_rows(), 4);
        assert_eq!(run(&ea, &eb, JoinType::FullOuter).schema().to_string(), "k:int,x:str,y:int");
    }

    /// The parallel split gives the one-thread pass's rows in its order,
    /// for every keyed join type (ENG-JOIN-1..9), with null keys.
    #[test]
    fn hash_partitions_give_the_one_pass_rows_in_order() {
        use crate::spi::kernels::testutil::random_frame;
        let l = random_frame(2_000, 3);
        let r = random_frame(700, 5)
            .select_columns(&["k", "f"])
            .and_then(|d| d.rename(&[("f", "g")]))
            .and_then(|d| d.as_local_bounded())
            .expect("right");
        let (lb, rb) = (l.to_batch().expect("l"), r.to_batch().expect("r"));
        for how in [
            JoinType::Inner,
            JoinType::LeftOuter,
            JoinType::RightOuter,
            JoinType::FullOuter,
            JoinType::Semi,
            JoinType::Anti,
        ] {
            let plan = plan_join(l.schema(), r.schema(), how, &["k"]).expect("plan");
            let lkeys = key_columns(&lb, &plan.keys).expect("keys");
            let rkeys = key_columns(&rb, &plan.keys).expect("keys");
            let enc = RowEncoder::new("join", plan.key_types.clone()).expect("encoder");
            let run = |ways| {
                keyed(&lb, &rb, &lkeys, &rkeys, &enc, &plan, ways)
                    .and_then(|d| d.rows())
                    .expect("join")
            };
            let one = run(Ways::ONE);
            assert!(!one.is_empty(), "{how:?}");
            for ways in [Ways { chunks: 3, partitions: 4 }, Ways { chunks: 8, partitions: 16 }] {
                assert_eq!(run(ways), one, "{how:?} {ways:?}");
            }
        }
    }
}
