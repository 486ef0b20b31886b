//! Row-format keys shared by joins, set operations and distinct: columns are
//! encoded with `arrow::row::RowConverter` into byte strings that are equal
//! exactly when the rows are equal (null equals null inside the encoding).
//!
//! Before encoding, float columns are normalised so that every NaN has one
//! bit pattern and `-0.0` equals `0.0` (ENG-SET-2: NaN equals NaN). Nested
//! columns are encoded as they are (NaN payloads inside lists are not
//! normalised).

use std::sync::Arc;

use crate::value::cast_array;
use crate::{Error, Result};
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::buffer::BooleanBuffer;
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float32Type, Float64Type};
use arrow::row::{RowConverter, Rows, SortField};

/// Encodes columns of fixed types into comparable rows.
pub(crate) struct RowEncoder {
    converter: RowConverter,
    types: Vec<DataType>,
}

impl RowEncoder {
    /// An encoder for columns of `types` (for joins, the plan's key types:
    /// `fugue_core::engine::JoinPlan::key_types`, ENG-JOIN-10).
    ///
    /// # Errors
    /// `ERR-NOT-SUPPORTED` when a type cannot be compared row-wise.
    pub(crate) fn new(op: &str, types: Vec<DataType>) -> Result<Self> {
        // half floats are compared as `float` (lossless), where NaN is normalised
        let types: Vec<DataType> = types
            .into_iter()
            .map(|t| if t == DataType::Float16 { DataType::Float32 } else { t })
            .collect();
        let fields: Vec<SortField> = types.iter().cloned().map(SortField::new).collect();
        if !RowConverter::supports_fields(&fields) {
            let names: Vec<String> = types.iter().map(|t| format!("{t}")).collect();
            return Err(Error::not_supported(format!(
                "{op} cannot compare rows of types `{}`",
                names.join(",")
            )));
        }
        Ok(RowEncoder { converter: RowConverter::new(fields)?, types })
    }

    /// Encodes `columns` (one per type, equal lengths), casting a column
    /// whose type differs from the encoder's and normalising floats.
    ///
    /// # Errors
    /// `ERR-CAST` when a column cannot be cast; Arrow errors otherwise.
    pub(crate) fn encode(&self, columns: &[ArrayRef]) -> Result<Rows> {
        if columns.len() != self.types.len() {
            return Err(Error::internal(format!(
                "row encoder expects {} columns, got {}",
                self.types.len(),
                columns.len()
            )));
        }
        let prepared = columns
            .iter()
            .zip(&self.types)
            .map(|(c, t)| Ok(normalise_floats(&to_type(c, t)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(self.converter.convert_columns(&prepared)?)
    }
}

/// `column` as `to`: integer widening uses Arrow's lossless cast, anything
/// else Fugue's cast rules.
fn to_type(column: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    let from = column.data_type();
    if from.equals_datatype(to) {
        return Ok(Arc::clone(column));
    }
    let lossless = (from.is_integer()
        && (to.is_integer() || matches!(to, DataType::Decimal128(..))))
        || (*from == DataType::Float16 && *to == DataType::Float32);
    if lossless {
        return Ok(cast(column, to)?);
    }
    cast_array(column, to)
}

/// Rows where every one of `columns` is non-null; `None` when all rows are.
pub(crate) fn all_valid(columns: &[ArrayRef]) -> Option<BooleanBuffer> {
    let mut out: Option<BooleanBuffer> = None;
    for c in columns {
        if let Some(nulls) = c.logical_nulls() {
            out = Some(match out {
                Some(acc) => &acc & nulls.inner(),
                None => nulls.inner().clone(),
            });
        }
    }
    out
}

/// Float columns with canonical NaN and zero, others unchanged.
fn normalise_floats(column: &ArrayRef) -> ArrayRef {
    match column.data_type() {
        DataType::Float64 => Arc::new(
            column
                .as_primitive::<Float64Type>()
                .unary::<_, Float64Type>(|x| if x.is_nan() { f64::NAN } else { x + 0.0 }),
        ),
        DataType::Float32 => Arc::new(
            column
                .as_primitive::<Float32Type>()
                .unary::<_, Float32Type>(|x| if x.is_nan() { f32::NAN } else { x + 0.0 }),
        ),
        _ => Arc::clone(column),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Float64Array, Int32Array, Int64Array};

    #[test]
    fn eng_set_2_nan_and_zero_encode_equal() {
        let enc = RowEncoder::new("test", vec![DataType::Float64]).expect("encoder");
        let a: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(f64::NAN),
            Some(-f64::NAN),
            Some(-0.0),
            Some(0.0),
            None,
        ]));
        let rows = enc.encode(&[a]).expect("rows");
        assert_eq!(rows.row(0), rows.row(1));
        assert_eq!(rows.row(2), rows.row(3));
        assert_ne!(rows.row(3), rows.row(4));
    }

    #[test]
    fn eng_join_10_int_and_long_encode_equal() {
        let enc = RowEncoder::new("test", vec![DataType::Int64]).expect("encoder");
        let a: ArrayRef = Arc::new(Int32Array::from(vec![7]));
        let b: ArrayRef = Arc::new(Int64Array::from(vec![7]));
        let (ra, rb) = (enc.encode(&[a]).expect("a"), enc.encode(&[b]).expect("b"));
        assert_eq!(ra.row(0).data(), rb.row(0).data());
    }
}
