//! Hash grouping and per-group aggregate kernels (ENG-SEL-5,
//! ENG-EXPR-SEM-4).
//!
//! Rows are grouped by their key values through Arrow's row format
//! ([`RowConverter`]): equal keys (null equal to null) share one group id.
//! Aggregates then accumulate per group id in typed vectors (`sum`, `avg`,
//! `count`) or pick one row index per group by comparing row-format bytes
//! (`min`, `max`, which keep the input type) and `take` it; nothing is boxed
//! row by row.

use std::collections::HashSet;
use std::sync::Arc;

use crate::expr::AggFunc;
use crate::schema::data_type_to_expr;
use crate::value::cast_array;
use crate::{Error, Result};
use arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, Int64Array, PrimitiveArray, UInt64Array, new_null_array,
};
use arrow::buffer::NullBuffer;
use arrow::compute::take;
use arrow::datatypes::{
    ArrowNativeTypeOp, ArrowPrimitiveType, DataType, Date32Type, Decimal128Type, Float32Type,
    Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
    UInt64Type,
};
use arrow::row::{RowConverter, Rows, SortField};
use rayon::prelude::*;

use super::hashed::{HashedRows, Ways, key_map};

/// The group of every input row.
pub(crate) struct Groups {
    /// Group id of each input row (`< num_groups`).
    pub(crate) ids: Vec<usize>,
    /// Number of groups; 1 for a global aggregation, even over no rows.
    pub(crate) num_groups: usize,
    /// The first input row of each group (empty for a global aggregation).
    pub(crate) first_rows: Vec<usize>,
}

/// Groups `num_rows` rows by the values of `keys` (each of `num_rows`
/// values). No keys → one global group (ENG-SEL-5). Null key values form
/// one group. Group ids follow the first appearance of each key. Large
/// inputs are grouped in parallel (see [`group_rows_with`]); the ids are
/// the same.
///
/// # Errors
/// `ERR-NOT-SUPPORTED` / Arrow errors for key types the row format can't
/// encode.
pub(crate) fn group_rows(keys: &[ArrayRef], num_rows: usize) -> Result<Groups> {
    group_rows_with(keys, num_rows, Ways::for_rows(num_rows).chunks)
}

/// [`group_rows`] over `chunks` contiguous slices: each slice groups its
/// rows in parallel (local ids in order of first appearance in the
/// slice), then the slices' groups are merged in slice order into global
/// ids, so ids still follow first appearance overall. The merge touches
/// each slice's distinct keys once: cheap for few groups (aggregations
/// like TPC-H Q1), no worse than one pass for many.
fn group_rows_with(keys: &[ArrayRef], num_rows: usize, chunks: usize) -> Result<Groups> {
    if keys.is_empty() {
        return Ok(Groups { ids: vec![0; num_rows], num_groups: 1, first_rows: vec![] });
    }
    let converter =
        RowConverter::new(keys.iter().map(|k| SortField::new(k.data_type().clone())).collect())?;
    let encode = |c: &[ArrayRef]| -> Result<Rows> { Ok(converter.convert_columns(c)?) };
    let rows = HashedRows::encode_with(&encode, keys, chunks)?;
    // per slice: local group ids and each local group's first row
    let locals: Vec<(Vec<usize>, Vec<usize>)> = rows
        .chunk_ranges()
        .into_par_iter()
        .map(|range| {
            let mut map = key_map::<usize>(range.len().min(1 << 16));
            let mut ids = Vec::with_capacity(range.len());
            let mut firsts = Vec::new();
            for i in range {
                let next = firsts.len();
                let id = *map.entry(rows.key(i)).or_insert(next);
                if id == next {
                    firsts.push(i);
                }
                ids.push(id);
            }
            (ids, firsts)
        })
        .collect();
    // merge in slice order: local group → global id
    let mut global = key_map::<usize>(locals.first().map_or(0, |(_, f)| f.len()));
    let mut first_rows = Vec::new();
    let translate: Vec<Vec<usize>> = locals
        .iter()
        .map(|(_, firsts)| {
            firsts
                .iter()
                .map(|&i| {
                    let next = first_rows.len();
                    let g = *global.entry(rows.key(i)).or_insert(next);
                    if g == next {
                        first_rows.push(i);
                    }
                    g
                })
                .collect()
        })
        .collect();
    let ids: Vec<usize> = if let [(ids, _)] = locals.as_slice() {
        // one slice: local ids are the global ids
        ids.clone()
    } else {
        let parts: Vec<Vec<usize>> = locals
            .par_iter()
            .zip(translate.par_iter())
            .map(|((ids, _), t)| ids.iter().map(|&l| t[l]).collect())
            .collect();
        parts.concat()
    };
    Ok(Groups { ids, num_groups: first_rows.len(), first_rows })
}

/// Validity of each row, treating a null-typed array as all null.
fn validity(array: &dyn Array) -> Option<NullBuffer> {
    array.logical_nulls()
}

fn is_valid(nulls: &Option<NullBuffer>, i: usize) -> bool {
    nulls.as_ref().is_none_or(|n| n.is_valid(i))
}

/// `count(*)`: rows per group (long).
pub(crate) fn count_rows(groups: &Groups) -> ArrayRef {
    let mut counts = vec![0i64; groups.num_groups];
    for &g in &groups.ids {
        counts[g] += 1;
    }
    Arc::new(Int64Array::from(counts))
}

/// `count_distinct` over `columns` (one column, or every column for `*`):
/// distinct value combinations per group, ignoring rows where every column is
/// null (long).
///
/// # Errors
/// Arrow errors for types the row format can't encode.
pub(crate) fn count_distinct(columns: &[ArrayRef], groups: &Groups) -> Result<ArrayRef> {
    let mut counts = vec![0i64; groups.num_groups];
    if columns.is_empty() {
        return Ok(Arc::new(Int64Array::from(counts)));
    }
    let converter =
        RowConverter::new(columns.iter().map(|c| SortField::new(c.data_type().clone())).collect())?;
    let rows = converter.convert_columns(columns)?;
    let nulls: Vec<Option<NullBuffer>> = columns.iter().map(|c| validity(c.as_ref())).collect();
    let mut seen = HashSet::new();
    for (i, &g) in groups.ids.iter().enumerate() {
        if !nulls.iter().any(|n| is_valid(n, i)) {
            continue;
        }
        if seen.insert((g, rows.row(i))) {
            counts[g] += 1;
        }
    }
    Ok(Arc::new(Int64Array::from(counts)))
}

/// Aggregates `values` (one per input row) per group with `func`
/// (ENG-EXPR-SEM-4). Output: one value per group.
///
/// | func | output type | all-null / empty group |
/// |---|---|---|
/// | `count` | long (non-null values) | 0 |
/// | `count_distinct` | long (distinct non-null values) | 0 |
/// | `min`, `max` | the input type | null |
/// | `first`, `last` | the input type: the first / last non-null value in input order | null |
/// | `sum` | long (signed), ulong (unsigned), double (floats), `decimal(38,s)` | null |
/// | `avg` | double | null |
///
/// # Errors
/// `ERR-ARG` for `sum` / `avg` of non-numbers; `ERR-CAST` when an integer
/// sum overflows; Arrow errors for `min` / `max` of types the row format
/// can't encode.
pub(crate) fn aggregate(func: AggFunc, values: &ArrayRef, groups: &Groups) -> Result<ArrayRef> {
    match func {
        AggFunc::Count => {
            let nulls = validity(values.as_ref());
            let mut counts = vec![0i64; groups.num_groups];
            for (i, &g) in groups.ids.iter().enumerate() {
                if is_valid(&nulls, i) {
                    counts[g] += 1;
                }
            }
            Ok(Arc::new(Int64Array::from(counts)))
        }
        AggFunc::CountDistinct => count_distinct(std::slice::from_ref(values), groups),
        AggFunc::Min | AggFunc::Max => min_max(func == AggFunc::Max, values, groups),
        AggFunc::First | AggFunc::Last => first_last(func == AggFunc::Last, values, groups),
        AggFunc::Sum => sum(values, groups),
        AggFunc::Avg => avg(values, groups),
    }
}

/// `take` of one optional row index per group.
fn take_per_group(values: &ArrayRef, picks: Vec<Option<u64>>) -> Result<ArrayRef> {
    let indices = UInt64Array::from(picks);
    Ok(take(values.as_ref(), &indices, None)?)
}

/// Typed `min` / `max` of a primitive array; floats in total order (NaN
/// largest), like the row format used for the other types.
fn min_max_typed<T: ArrowPrimitiveType>(
    is_max: bool,
    values: &ArrayRef,
    groups: &Groups,
) -> ArrayRef
where
    T::Native: ArrowNativeTypeOp,
{
    let a = values.as_primitive::<T>();
    let mut best: Vec<Option<T::Native>> = vec![None; groups.num_groups];
    for (i, &g) in groups.ids.iter().enumerate() {
        if a.is_null(i) {
            continue;
        }
        let v = a.value(i);
        let better = match best[g] {
            None => true,
            Some(b) => {
                let o = v.compare(b);
                if is_max { o.is_gt() } else { o.is_lt() }
            }
        };
        if better {
            best[g] = Some(v);
        }
    }
    let out: PrimitiveArray<T> = best.into_iter().collect();
    Arc::new(out.with_data_type(values.data_type().clone()))
}

fn min_max(is_max: bool, values: &ArrayRef, groups: &Groups) -> Result<ArrayRef> {
    let typed = match values.data_type() {
        DataType::Null => return Ok(new_null_array(&DataType::Null, groups.num_groups)),
        DataType::Int8 => min_max_typed::<Int8Type>,
        DataType::Int16 => min_max_typed::<Int16Type>,
        DataType::Int32 => min_max_typed::<Int32Type>,
        DataType::Int64 => min_max_typed::<Int64Type>,
        DataType::UInt8 => min_max_typed::<UInt8Type>,
        DataType::UInt16 => min_max_typed::<UInt16Type>,
        DataType::UInt32 => min_max_typed::<UInt32Type>,
        DataType::UInt64 => min_max_typed::<UInt64Type>,
        DataType::Float32 => min_max_typed::<Float32Type>,
        DataType::Float64 => min_max_typed::<Float64Type>,
        DataType::Date32 => min_max_typed::<Date32Type>,
        _ => return min_max_rows(is_max, values, groups),
    };
    Ok(typed(is_max, values, groups))
}

/// `min` / `max` of any type through the row format: the index of the best
/// row per group, then `take`.
fn min_max_rows(is_max: bool, values: &ArrayRef, groups: &Groups) -> Result<ArrayRef> {
    let converter = RowConverter::new(vec![SortField::new(values.data_type().clone())])?;
    let rows = converter.convert_columns(std::slice::from_ref(values))?;
    let nulls = validity(values.as_ref());
    let mut best: Vec<Option<usize>> = vec![None; groups.num_groups];
    for (i, &g) in groups.ids.iter().enumerate() {
        if !is_valid(&nulls, i) {
            continue;
        }
        let better = match best[g] {
            None => true,
            Some(b) => {
                let (cur, old) = (rows.row(i), rows.row(b));
                if is_max { cur > old } else { cur < old }
            }
        };
        if better {
            best[g] = Some(i);
        }
    }
    take_per_group(values, best.into_iter().map(|b| b.map(|i| i as u64)).collect())
}

fn first_last(last: bool, values: &ArrayRef, groups: &Groups) -> Result<ArrayRef> {
    let nulls = validity(values.as_ref());
    let mut picks: Vec<Option<u64>> = vec![None; groups.num_groups];
    for (i, &g) in groups.ids.iter().enumerate() {
        if is_valid(&nulls, i) && (last || picks[g].is_none()) {
            picks[g] = Some(i as u64);
        }
    }
    take_per_group(values, picks)
}

/// Typed per-group sums of a primitive array; null for groups without values.
fn sum_typed<T: ArrowPrimitiveType>(values: &ArrayRef, groups: &Groups) -> Result<PrimitiveArray<T>>
where
    T::Native: ArrowNativeTypeOp,
{
    let a = values.as_primitive::<T>();
    let mut acc = vec![T::Native::ZERO; groups.num_groups];
    let mut seen = vec![false; groups.num_groups];
    for (i, &g) in groups.ids.iter().enumerate() {
        if a.is_valid(i) {
            acc[g] = acc[g].add_checked(a.value(i)).map_err(|_| {
                Error::cast("sum", data_type_to_expr(values.data_type()), "the sum overflows")
            })?;
            seen[g] = true;
        }
    }
    Ok(acc.into_iter().zip(seen).map(|(v, s)| s.then_some(v)).collect())
}

fn not_numeric(func: &str, t: &DataType) -> Error {
    Error::arg(func, format!("needs numbers, found `{}`", data_type_to_expr(t)))
}

fn sum(values: &ArrayRef, groups: &Groups) -> Result<ArrayRef> {
    let t = values.data_type();
    if t.is_signed_integer() {
        let v = cast_array(values, &DataType::Int64)?;
        Ok(Arc::new(sum_typed::<Int64Type>(&v, groups)?))
    } else if t.is_unsigned_integer() {
        let v = cast_array(values, &DataType::UInt64)?;
        Ok(Arc::new(sum_typed::<UInt64Type>(&v, groups)?))
    } else if t.is_floating() {
        let v = cast_array(values, &DataType::Float64)?;
        Ok(Arc::new(sum_typed::<Float64Type>(&v, groups)?))
    } else if let DataType::Decimal128(_, scale) = t {
        let out = sum_typed::<Decimal128Type>(values, groups)?;
        Ok(Arc::new(out.with_precision_and_scale(38, *scale)?))
    } else if *t == DataType::Null {
        Ok(new_null_array(&DataType::Null, groups.num_groups))
    } else {
        Err(not_numeric("sum", t))
    }
}

fn avg(values: &ArrayRef, groups: &Groups) -> Result<ArrayRef> {
    let t = values.data_type();
    if !(t.is_integer()
        || t.is_floating()
        || matches!(t, DataType::Decimal128(..) | DataType::Null))
    {
        return Err(not_numeric("avg", t));
    }
    let v = cast_array(values, &DataType::Float64)?;
    let a = v.as_primitive::<Float64Type>();
    let mut sums = vec![0f64; groups.num_groups];
    let mut counts = vec![0u64; groups.num_groups];
    for (i, &g) in groups.ids.iter().enumerate() {
        if a.is_valid(i) {
            sums[g] += a.value(i);
            counts[g] += 1;
        }
    }
    let out: Float64Array =
        sums.into_iter().zip(counts).map(|(s, c)| (c > 0).then(|| s / c as f64)).collect();
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int32Array, StringArray};

    fn keyed() -> Groups {
        let k: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None, Some("a"), None]));
        group_rows(&[k], 4).unwrap()
    }

    #[test]
    fn eng_sel_5_null_keys_form_one_group() {
        let g = keyed();
        assert_eq!(g.num_groups, 2);
        assert_eq!(g.ids, vec![0, 1, 0, 1]);
        assert_eq!(g.first_rows, vec![0, 1]);
    }

    #[test]
    fn eng_sel_5_global_group_over_no_rows() {
        let g = group_rows(&[], 0).unwrap();
        assert_eq!(g.num_groups, 1);
        let v: ArrayRef = Arc::new(Int32Array::from(Vec::<i32>::new()));
        let m = aggregate(AggFunc::Max, &v, &g).unwrap();
        assert_eq!(m.data_type(), &DataType::Int32);
        assert_eq!(m.len(), 1);
        assert!(m.is_null(0));
        let c = aggregate(AggFunc::Count, &v, &g).unwrap();
        assert_eq!(c.as_primitive::<Int64Type>().value(0), 0);
        assert_eq!(count_rows(&g).as_primitive::<Int64Type>().value(0), 0);
    }

    #[test]
    fn eng_expr_sem_4_aggregates_ignore_nulls() {
        let g = keyed();
        let v: ArrayRef = Arc::new(Int32Array::from(vec![Some(5), None, Some(2), None]));
        let max = aggregate(AggFunc::Max, &v, &g).unwrap();
        let max: Vec<_> = max.as_primitive::<Int32Type>().iter().collect();
        assert_eq!(max, vec![Some(5), None]);
        let min = aggregate(AggFunc::Min, &v, &g).unwrap();
        assert_eq!(min.as_primitive::<Int32Type>().value(0), 2);
        let sum = aggregate(AggFunc::Sum, &v, &g).unwrap();
        let sum: Vec<_> = sum.as_primitive::<Int64Type>().iter().collect();
        assert_eq!(sum, vec![Some(7), None]);
        let avg = aggregate(AggFunc::Avg, &v, &g).unwrap();
        let avg: Vec<_> = avg.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(avg, vec![Some(3.5), None]);
        let count = aggregate(AggFunc::Count, &v, &g).unwrap();
        let count: Vec<_> = count.as_primitive::<Int64Type>().iter().collect();
        assert_eq!(count, vec![Some(2), Some(0)]);
        let first = aggregate(AggFunc::First, &v, &g).unwrap();
        assert_eq!(first.as_primitive::<Int32Type>().value(0), 5);
        let last = aggregate(AggFunc::Last, &v, &g).unwrap();
        assert_eq!(last.as_primitive::<Int32Type>().value(0), 2);
    }

    #[test]
    fn eng_expr_sem_4_count_distinct_and_string_min() {
        let g = group_rows(&[], 5).unwrap();
        let v: ArrayRef =
            Arc::new(StringArray::from(vec![Some("b"), None, Some("a"), Some("b"), None]));
        let cd = aggregate(AggFunc::CountDistinct, &v, &g).unwrap();
        assert_eq!(cd.as_primitive::<Int64Type>().value(0), 2);
        let min = aggregate(AggFunc::Min, &v, &g).unwrap();
        assert_eq!(min.as_string::<i32>().value(0), "a");
        let err = aggregate(AggFunc::Sum, &v, &g).unwrap_err();
        assert!(err.is_invalid_argument());
    }

    #[test]
    fn min_max_typed_and_row_paths_agree() {
        let g = group_rows(&[], 4).unwrap();
        let f: ArrayRef =
            Arc::new(Float64Array::from(vec![Some(1.5), None, Some(-2.0), Some(0.5)]));
        let max = aggregate(AggFunc::Max, &f, &g).unwrap();
        assert_eq!(max.as_primitive::<Float64Type>().value(0), 1.5);
        let rows = min_max_rows(false, &f, &g).unwrap();
        let typed = aggregate(AggFunc::Min, &f, &g).unwrap();
        assert_eq!(&rows, &typed);
    }

    #[test]
    fn sum_overflow_is_an_error() {
        let g = group_rows(&[], 2).unwrap();
        let v: ArrayRef = Arc::new(Int64Array::from(vec![i64::MAX, 1]));
        assert!(aggregate(AggFunc::Sum, &v, &g).is_err());
    }

    /// Slices merged in order give the one-pass group ids (first
    /// appearance), null keys one group, over one and two key columns.
    #[test]
    fn slices_give_the_one_pass_group_ids() {
        let df = crate::spi::kernels::testutil::random_frame(5_000, 13);
        let b = df.to_batch().unwrap();
        for keys in [vec![b.column(0).clone()], vec![b.column(0).clone(), b.column(1).clone()]] {
            let one = group_rows_with(&keys, b.num_rows(), 1).unwrap();
            assert!(one.num_groups > 10);
            for chunks in [2, 3, 9] {
                let par = group_rows_with(&keys, b.num_rows(), chunks).unwrap();
                assert_eq!(par.ids, one.ids, "chunks={chunks}");
                assert_eq!(par.first_rows, one.first_rows, "chunks={chunks}");
                assert_eq!(par.num_groups, one.num_groups);
            }
        }
    }
}
