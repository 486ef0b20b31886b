//! Scalar UDFs that give DataFusion plans fugue's exact semantics where
//! DataFusion's built-ins differ:
//!
//! * `fugue_cast(e)` converts with [`fugue_core::spi::value::cast_array`] (the
//!   DF-CAST rules every engine shares: `1.0 → "1.0"`, `"true" → bool`, ...);
//! * `fugue_isna(e)` is true for null and, in float columns, NaN
//!   (ENG-DROPNA-4, ENG-FILLNA-6).
//!
//! Both are columnar (one Arrow kernel per batch).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::buffer::BooleanBuffer;
use arrow::datatypes::{DataType, Float16Type, Float32Type, Float64Type};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use fugue_core::spi::value::cast_array;

use crate::error::to_df;

/// `fugue_cast(e)` to `to`, per DF-CAST.
#[derive(Debug, PartialEq, Eq, Hash)]
struct FugueCast {
    to: DataType,
    signature: Signature,
}

impl ScalarUDFImpl for FugueCast {
    fn name(&self) -> &str {
        "fugue_cast"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(self.to.clone())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let [arg] = args.args.as_slice() else {
            return Err(datafusion::error::DataFusionError::Internal(
                "fugue_cast takes one argument".into(),
            ));
        };
        match arg {
            ColumnarValue::Array(a) => {
                Ok(ColumnarValue::Array(cast_array(a, &self.to).map_err(to_df)?))
            }
            ColumnarValue::Scalar(s) => {
                let a = s.to_array_of_size(1)?;
                let out = cast_array(&a, &self.to).map_err(to_df)?;
                Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
            }
        }
    }
}

/// True when DataFusion's own `CAST` agrees with DF-CAST for `from → to`:
/// integer widening/narrowing, integer → float, float → float, and the
/// string representations (`Utf8View`, `LargeUtf8`) to `Utf8`.
fn native_cast_agrees(from: &DataType, to: &DataType) -> bool {
    let stringy =
        |t: &DataType| matches!(t, DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8);
    (from.is_integer() && (to.is_integer() || to.is_floating()))
        || (from.is_floating() && to.is_floating())
        || (stringy(from) && stringy(to))
}

/// `expr` (of type `from`) converted to `to` with fugue's cast rules; no
/// node when the types are equal, DataFusion's `CAST` where it agrees
/// with DF-CAST, else the `fugue_cast` UDF.
pub(crate) fn cast_expr(expr: Expr, from: &DataType, to: &DataType) -> Expr {
    if from == to {
        return expr;
    }
    if native_cast_agrees(from, to) {
        return Expr::Cast(datafusion::logical_expr::Cast::new(Box::new(expr), to.clone()));
    }
    let udf = FugueCast { to: to.clone(), signature: Signature::any(1, Volatility::Immutable) };
    ScalarUDF::new_from_impl(udf).call(vec![expr])
}

/// `fugue_isna(e)`: null, or NaN in a float column.
#[derive(Debug, PartialEq, Eq, Hash)]
struct FugueIsNa {
    signature: Signature,
}

impl ScalarUDFImpl for FugueIsNa {
    fn name(&self) -> &str {
        "fugue_isna"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Boolean)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let [arg] = args.args.as_slice() else {
            return Err(datafusion::error::DataFusionError::Internal(
                "fugue_isna takes one argument".into(),
            ));
        };
        match arg {
            ColumnarValue::Array(a) => Ok(ColumnarValue::Array(isna(a))),
            ColumnarValue::Scalar(s) => {
                let out = isna(&s.to_array_of_size(1)?);
                Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
            }
        }
    }
}

/// Null or NaN, per row (never null itself).
fn isna(a: &ArrayRef) -> ArrayRef {
    let n = a.len();
    let missing = match a.logical_nulls() {
        Some(nulls) => !nulls.inner(),
        None => BooleanBuffer::new_unset(n),
    };
    let nan = match a.data_type() {
        DataType::Float64 => {
            let v = a.as_primitive::<Float64Type>().values();
            Some(BooleanBuffer::collect_bool(n, |i| v[i].is_nan()))
        }
        DataType::Float32 => {
            let v = a.as_primitive::<Float32Type>().values();
            Some(BooleanBuffer::collect_bool(n, |i| v[i].is_nan()))
        }
        DataType::Float16 => {
            let v = a.as_primitive::<Float16Type>().values();
            Some(BooleanBuffer::collect_bool(n, |i| v[i].is_nan()))
        }
        _ => None,
    };
    let out = match nan {
        Some(nan) => &missing | &nan,
        None => missing,
    };
    Arc::new(BooleanArray::new(out, None))
}

/// The expression `fugue_isna(expr)`.
pub(crate) fn isna_expr(expr: Expr) -> Expr {
    let udf = FugueIsNa { signature: Signature::any(1, Volatility::Immutable) };
    ScalarUDF::new_from_impl(udf).call(vec![expr])
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Float64Array;

    #[test]
    fn eng_dropna_4_nan_counts_as_null() {
        let a: ArrayRef = Arc::new(Float64Array::from(vec![Some(1.0), None, Some(f64::NAN)]));
        let out = isna(&a);
        let b = out.as_boolean();
        assert_eq!((b.value(0), b.value(1), b.value(2)), (false, true, true));
        assert_eq!(b.null_count(), 0);
    }

    #[test]
    fn native_casts_only_where_they_agree_with_df_cast() {
        assert!(native_cast_agrees(&DataType::Int32, &DataType::Int64));
        assert!(!native_cast_agrees(&DataType::Float64, &DataType::Utf8));
        assert!(!native_cast_agrees(&DataType::Float64, &DataType::Int64));
    }
}
