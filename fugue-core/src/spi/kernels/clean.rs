//! dropna and fillna (ENG-DROPNA-1..4, ENG-FILLNA-1..6).
//!
//! Both work batch by batch on validity bitmaps: a value is missing when it
//! is null or a float NaN. dropna builds a keep mask and filters; fillna
//! replaces missing values with a one-row scalar array of the column type
//! through the `zip` kernel.

use std::sync::Arc;

use crate::dataframe::DataFrame;
use crate::engine::params::{dropna_columns, fillna_plan};
use crate::engine::{DropnaHow, FillValue};
use crate::value::{cast_array, rows_to_batch};
use crate::{Error, LocalDataFrame, Result, Value};
use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, RecordBatch, Scalar};
use arrow::buffer::BooleanBuffer;
use arrow::compute::filter_record_batch;
use arrow::compute::kernels::zip::zip;
use arrow::datatypes::{DataType, Field, Float16Type, Float32Type, Float64Type, Schema};

/// Drops rows with missing values (null or NaN, ENG-DROPNA-4) among the
/// considered columns: `subset`, or all columns (ENG-DROPNA-1).
///
/// With `thresh`, a row is kept iff it has at least `thresh` present values
/// (`how` ignored, `thresh = 0` keeps all, ENG-DROPNA-2); otherwise `Any`
/// drops rows with a missing value and `All` drops rows where every value
/// is missing (ENG-DROPNA-3). Schema unchanged; row order kept.
///
/// # Errors
/// `ERR-NOT-FOUND` for a subset column that does not exist.
pub fn dropna(
    df: &LocalDataFrame,
    how: DropnaHow,
    thresh: Option<usize>,
    subset: Option<&[&str]>,
) -> Result<LocalDataFrame> {
    let columns = dropna_columns(df.schema(), subset)?;
    let indices =
        columns.iter().map(|c| df.schema().index_of(c)).collect::<Result<Vec<usize>>>()?;
    if thresh == Some(0) {
        return Ok(df.clone());
    }
    let mut out = Vec::with_capacity(df.batches().len());
    for batch in df.batches() {
        let present: Vec<BooleanBuffer> =
            indices.iter().map(|&i| present(batch.column(i))).collect();
        let keep = match (thresh, how) {
            (Some(t), _) => {
                let mut counts = vec![0usize; batch.num_rows()];
                for p in &present {
                    for i in p.set_indices() {
                        counts[i] += 1;
                    }
                }
                BooleanBuffer::collect_bool(batch.num_rows(), |i| counts[i] >= t)
            }
            (None, DropnaHow::Any) => fold(&present, batch.num_rows(), |a, b| a & b, true),
            (None, DropnaHow::All) => fold(&present, batch.num_rows(), |a, b| a | b, false),
        };
        if keep.count_set_bits() == batch.num_rows() {
            out.push(batch.clone());
        } else {
            out.push(filter_record_batch(batch, &BooleanArray::new(keep, None))?);
        }
    }
    LocalDataFrame::new(df.schema().clone(), out)
}

/// Fills missing values (null and NaN, ENG-FILLNA-6) as `fillna_plan`
/// resolves `value` and `subset`: a scalar fills the subset or all columns
/// (ENG-FILLNA-3), a mapping fills its columns and ignores `subset`
/// (ENG-FILLNA-2). The value is converted to each column's type; schema
/// and row order unchanged.
///
/// # Errors
/// From `fillna_plan`: `ERR-ARG` for a null, list or empty-mapping value
/// (ENG-FILLNA-1/2), `ERR-NOT-FOUND` for an unknown column (ENG-FILLNA-4),
/// `ERR-CAST` for a value that does not fit its column (ENG-FILLNA-5).
pub fn fillna(
    df: &LocalDataFrame,
    value: &FillValue,
    subset: Option<&[&str]>,
) -> Result<LocalDataFrame> {
    let plan = fillna_plan(df.schema(), value, subset)?;
    let mut fills: Vec<(usize, Scalar<ArrayRef>)> = Vec::with_capacity(plan.len());
    for (name, v) in &plan {
        let idx = df.schema().index_of(name)?;
        let field = &df.schema().fields()[idx];
        fills.push((idx, Scalar::new(scalar_array(name, field.data_type(), v)?)));
    }
    let mut out = Vec::with_capacity(df.batches().len());
    for batch in df.batches() {
        let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
        for (idx, scalar) in &fills {
            let col = Arc::clone(&columns[*idx]);
            let mask = present(&col);
            if mask.count_set_bits() == col.len() {
                continue;
            }
            columns[*idx] = zip(&BooleanArray::new(mask, None), &col, scalar)?;
        }
        out.push(RecordBatch::try_new(batch.schema(), columns)?);
    }
    LocalDataFrame::new(df.schema().clone(), out)
}

/// Rows of `column` holding a value: not null and, for floats, not NaN.
fn present(column: &ArrayRef) -> BooleanBuffer {
    let n = column.len();
    let valid = match column.logical_nulls() {
        Some(nulls) => nulls.inner().clone(),
        None => BooleanBuffer::new_set(n),
    };
    let not_nan = match column.data_type() {
        DataType::Float64 => {
            let values = column.as_primitive::<Float64Type>().values();
            Some(BooleanBuffer::collect_bool(n, |i| !values[i].is_nan()))
        }
        DataType::Float32 => {
            let values = column.as_primitive::<Float32Type>().values();
            Some(BooleanBuffer::collect_bool(n, |i| !values[i].is_nan()))
        }
        DataType::Float16 => {
            let values = column.as_primitive::<Float16Type>().values();
            Some(BooleanBuffer::collect_bool(n, |i| !values[i].is_nan()))
        }
        _ => None,
    };
    match not_nan {
        Some(b) => &valid & &b,
        None => valid,
    }
}

/// Combines per-column masks with `op`; `empty` when there is no column.
fn fold(
    masks: &[BooleanBuffer],
    len: usize,
    op: impl Fn(&BooleanBuffer, &BooleanBuffer) -> BooleanBuffer,
    empty: bool,
) -> BooleanBuffer {
    let mut iter = masks.iter();
    let Some(first) = iter.next() else {
        return if empty { BooleanBuffer::new_set(len) } else { BooleanBuffer::new_unset(len) };
    };
    iter.fold(first.clone(), |acc, m| op(&acc, m))
}

/// `value` as a one-row array of `dt` (the fill value's checks were done by
/// `fillna_plan`).
fn scalar_array(column: &str, dt: &DataType, value: &Value) -> Result<ArrayRef> {
    let schema = Arc::new(Schema::new(vec![Field::new(column, dt.clone(), true)]));
    let batch = rows_to_batch(&schema, &[vec![value.clone()]])?;
    let array = batch.column(0).clone();
    if array.is_null(0) {
        return Err(Error::cast(
            format!("fill value {value:?}"),
            format!("{dt}"),
            format!("it does not fit column `{column}`"),
        ));
    }
    if array.data_type() == dt { Ok(array) } else { cast_array(&array, dt) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn map(pairs: &[(&str, Value)]) -> FillValue {
        FillValue::PerColumn(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn df(rows: Vec<Vec<Value>>, schema: &str) -> LocalDataFrame {
        LocalDataFrame::from_rows(rows, schema).expect("frame")
    }

    fn n() -> Value {
        Value::Null
    }

    /// `a:int,b:double,c:str` with a NaN in `b` (built from Arrow: rows
    /// ingestion would turn NaN into null).
    fn frame() -> LocalDataFrame {
        use arrow::array::{Float64Array, Int32Array, StringArray};
        let a: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None, Some(3), Some(4)]));
        let b: ArrayRef =
            Arc::new(Float64Array::from(vec![Some(f64::NAN), None, Some(2.5), Some(1.5)]));
        let c: ArrayRef = Arc::new(StringArray::from(vec![Some("x"), None, None, Some("y")]));
        let batch = RecordBatch::try_from_iter([("a", a), ("b", b), ("c", c)]).expect("batch");
        LocalDataFrame::from_batch(batch).expect("frame")
    }

    fn kind<T>(r: Result<T>) -> Option<ErrorKind> {
        r.err().map(|e| e.kind())
    }

    #[test]
    fn eng_dropna_1_subset_columns_must_exist() {
        let f = frame();
        let out = dropna(&f, DropnaHow::Any, None, Some(&["a"])).expect("dropna");
        assert_eq!(out.num_rows(), 3);
        assert_eq!(
            kind(dropna(&f, DropnaHow::Any, None, Some(&["zz"]))),
            Some(ErrorKind::NotFound)
        );
    }

    #[test]
    fn eng_dropna_2_thresh() {
        let f = frame();
        let keep = |t| dropna(&f, DropnaHow::All, Some(t), None).expect("dropna").num_rows();
        assert_eq!(keep(0), 4);
        assert_eq!(keep(1), 3);
        assert_eq!(keep(2), 3);
        assert_eq!(keep(3), 1);
        assert_eq!(keep(4), 0);
    }

    #[test]
    fn eng_dropna_3_any_and_all() {
        let f = frame();
        let any = dropna(&f, DropnaHow::Any, None, None).expect("dropna");
        assert_eq!(
            any.rows().ok(),
            Some(vec![vec![Value::Int32(4), Value::Float64(1.5), Value::from("y")]])
        );
        let all = dropna(&f, DropnaHow::All, None, None).expect("dropna");
        assert_eq!(all.num_rows(), 3);
        let all_bc = dropna(&f, DropnaHow::All, None, Some(&["b", "c"])).expect("dropna");
        assert_eq!(all_bc.num_rows(), 3);
    }

    #[test]
    fn eng_dropna_4_nan_is_null_and_schema_kept() {
        let f = frame();
        let out = dropna(&f, DropnaHow::Any, None, Some(&["b"])).expect("dropna");
        assert_eq!(out.num_rows(), 2, "NaN and null rows dropped");
        assert_eq!(out.schema().to_string(), "a:int,b:double,c:str");
        let col: ArrayRef = Arc::new(arrow::array::Float32Array::from(vec![f32::NAN, 1.0]));
        let f32s = LocalDataFrame::from_batch(RecordBatch::try_from_iter([("b", col)]).expect("b"))
            .expect("frame");
        assert_eq!(dropna(&f32s, DropnaHow::Any, None, None).expect("dropna").num_rows(), 1);
        let empty = LocalDataFrame::empty(f.schema().clone()).expect("empty");
        assert_eq!(dropna(&empty, DropnaHow::Any, None, None).expect("dropna").num_rows(), 0);
    }

    #[test]
    fn eng_fillna_1_2_bad_values() {
        let f = frame();
        assert_eq!(
            kind(fillna(&f, &FillValue::Scalar(n()), None)),
            Some(ErrorKind::InvalidArgument)
        );
        assert_eq!(
            kind(fillna(&f, &FillValue::Scalar(Value::List(vec![Value::from(1)])), None)),
            Some(ErrorKind::InvalidArgument)
        );
        assert_eq!(
            kind(fillna(&f, &FillValue::PerColumn(Default::default()), None)),
            Some(ErrorKind::InvalidArgument)
        );
        assert_eq!(kind(fillna(&f, &map(&[("a", n())]), None)), Some(ErrorKind::InvalidArgument));
    }

    #[test]
    fn eng_fillna_2_mapping_fills_only_its_columns_and_accepts_zero() {
        let f = frame();
        let value = map(&[("a", Value::from(0)), ("c", Value::from(""))]);
        let out = fillna(&f, &value, Some(&["b"])).expect("fillna");
        let rows = out.rows().expect("rows");
        assert_eq!(rows[1], vec![Value::Int32(0), n(), Value::from("")]);
        assert_eq!(rows[0][1], n()); // b not filled: NaN reads back as null
        let flag = df(vec![vec![n()]], "f:bool");
        let out = fillna(&flag, &map(&[("f", Value::from(false))]), None).expect("fillna");
        assert_eq!(out.rows().ok(), Some(vec![vec![Value::Bool(false)]]));
    }

    #[test]
    fn eng_fillna_3_scalar_subset_or_all() {
        let f = df(vec![vec![n(), n()]], "a:int,b:long");
        let sub = fillna(&f, &FillValue::Scalar(Value::from(7)), Some(&["b"])).expect("fillna");
        assert_eq!(sub.rows().ok(), Some(vec![vec![n(), Value::Int64(7)]]));
        let all = fillna(&f, &FillValue::Scalar(Value::from(7i64)), Some(&[])).expect("fillna");
        assert_eq!(all.rows().ok(), Some(vec![vec![Value::Int32(7), Value::Int64(7)]]));
    }

    #[test]
    fn eng_fillna_4_unknown_column_not_found() {
        let f = frame();
        assert_eq!(
            kind(fillna(&f, &FillValue::Scalar(Value::from(1)), Some(&["zz"]))),
            Some(ErrorKind::NotFound)
        );
        assert_eq!(
            kind(fillna(&f, &map(&[("zz", Value::from(1))]), None)),
            Some(ErrorKind::NotFound)
        );
    }

    #[test]
    fn eng_fillna_5_value_must_fit() {
        let f = frame();
        assert_eq!(
            kind(fillna(&f, &FillValue::Scalar(Value::from(1.5)), Some(&["a"]))),
            Some(ErrorKind::Cast)
        );
        assert_eq!(
            kind(fillna(&f, &FillValue::Scalar(Value::from("z")), Some(&["a"]))),
            Some(ErrorKind::Cast)
        );
        assert_eq!(
            kind(fillna(&f, &FillValue::Scalar(Value::from(1)), Some(&["c"]))),
            Some(ErrorKind::Cast)
        );
        // a whole float into an int column and an int into a double column fit
        let ok = fillna(&f, &FillValue::Scalar(Value::from(2.0)), Some(&["a", "b"])).expect("fill");
        assert_eq!(ok.rows().expect("rows")[1][..2], [Value::Int32(2), Value::Float64(2.0)]);
        let ok = fillna(&f, &FillValue::Scalar(Value::from(9)), Some(&["b"])).expect("fill");
        assert_eq!(ok.rows().expect("rows")[0][1], Value::Float64(9.0));
    }

    #[test]
    fn eng_fillna_5_decimal_and_date_columns() {
        // a date value, read back from a frame (rows ingestion parses the text)
        let day =
            df(vec![vec![Value::from("2020-01-02")]], "t:date").rows().expect("rows")[0][0].clone();
        let f = df(vec![vec![n(), n()]], "d:decimal(10,2),t:date");
        let out =
            fillna(&f, &map(&[("d", Value::from(3)), ("t", day.clone())]), None).expect("fillna");
        let rows = out.rows().expect("rows");
        assert_eq!(rows[0][0], Value::Decimal { value: 300, precision: 10, scale: 2 });
        assert_eq!(rows[0][1], day);
        assert_eq!(out.schema().to_string(), f.schema().to_string());
    }

    #[test]
    fn eng_fillna_6_nulls_and_nan_filled_schema_kept() {
        let f = frame();
        let out = fillna(&f, &map(&[("b", Value::from(0.5))]), None).expect("fillna");
        assert_eq!(out.schema().to_string(), "a:int,b:double,c:str");
        let b: Vec<Value> = out.rows().expect("rows").into_iter().map(|r| r[1].clone()).collect();
        assert_eq!(
            b,
            vec![
                Value::Float64(0.5),
                Value::Float64(0.5),
                Value::Float64(2.5),
                Value::Float64(1.5)
            ]
        );
    }
}
