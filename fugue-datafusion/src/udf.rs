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
/// integer widening/narrowing, integer → float, float → float, decimal →
/// float (both are Arrow's cast kernel with `safe = false`), and the
/// string representations (`Utf8View`, `LargeUtf8`) to `Utf8`.
///
/// A native `CAST` is what DataFusion's optimizer sees through (pushed
/// into the Parquet scan's projection, simplified, carried by Ballista's
/// plan codec without fugue's extension), so it is preferred wherever the
/// results are the same.
fn native_cast_agrees(from: &DataType, to: &DataType) -> bool {
    let stringy =
        |t: &DataType| matches!(t, DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8);
    let decimal = |t: &DataType| {
        matches!(
            t,
            DataType::Decimal32(..)
                | DataType::Decimal64(..)
                | DataType::Decimal128(..)
                | DataType::Decimal256(..)
        )
    };
    (from.is_integer() && (to.is_integer() || to.is_floating()))
        || (from.is_floating() && to.is_floating())
        || (decimal(from) && to.is_floating())
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
    ScalarUDF::new_from_impl(isna_udf()).call(vec![expr])
}

fn isna_udf() -> FugueIsNa {
    FugueIsNa { signature: Signature::any(1, Volatility::Immutable) }
}

/// The payload that rebuilds `udf` in another process with
/// [`decode_fugue_udf`], for engines that ship DataFusion plans elsewhere
/// (fugue-ballista's plan codec): `Some` for fugue's own functions
/// (`fugue_cast`: its target Arrow type as text; `fugue_isna`: empty),
/// `None` for any other function (DataFusion's own, found by name).
pub fn encode_fugue_udf(udf: &ScalarUDF) -> Option<Vec<u8>> {
    let inner = udf.inner();
    if let Some(cast) = inner.downcast_ref::<FugueCast>() {
        return Some(cast.to.to_string().into_bytes());
    }
    inner.is::<FugueIsNa>().then(Vec::new)
}

/// fugue's function `name` rebuilt from its [`encode_fugue_udf`] payload;
/// `None` when `name` is not one of fugue's functions.
///
/// # Errors
/// `ERR-ARG` when the payload of `fugue_cast` is not an Arrow type.
pub fn decode_fugue_udf(name: &str, payload: &[u8]) -> Option<fugue_core::Result<Arc<ScalarUDF>>> {
    match name {
        "fugue_isna" => Some(Ok(Arc::new(ScalarUDF::new_from_impl(isna_udf())))),
        "fugue_cast" => Some(
            std::str::from_utf8(payload)
                .ok()
                .and_then(|text| text.parse::<DataType>().ok())
                .map(|to| {
                    let signature = Signature::any(1, Volatility::Immutable);
                    Arc::new(ScalarUDF::new_from_impl(FugueCast { to, signature }))
                })
                .ok_or_else(|| {
                    fugue_core::Error::arg(
                        "fugue_cast",
                        format!(
                            "plan payload `{}` is not an Arrow type",
                            String::from_utf8_lossy(payload)
                        ),
                    )
                }),
        ),
        _ => None,
    }
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

    /// Every type fugue casts to survives the trip through the payload.
    #[test]
    fn udf_payloads_rebuild_the_same_functions() {
        use arrow::datatypes::{Field, Fields, TimeUnit};
        let types = vec![
            DataType::Int32,
            DataType::Utf8,
            DataType::Boolean,
            DataType::Date32,
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            DataType::Decimal128(12, 3),
            DataType::List(Arc::new(Field::new("item", DataType::Int64, true))),
            DataType::Struct(Fields::from(vec![
                Field::new("a", DataType::Float64, true),
                Field::new("b c", DataType::Utf8, true),
            ])),
        ];
        for to in types {
            let udf = ScalarUDF::new_from_impl(FugueCast {
                to: to.clone(),
                signature: Signature::any(1, Volatility::Immutable),
            });
            let payload = encode_fugue_udf(&udf).expect("fugue_cast has a payload");
            let back = decode_fugue_udf("fugue_cast", &payload).expect("known").expect("decodes");
            assert_eq!(back.return_type(&[DataType::Null]).ok(), Some(to.clone()), "{to}");
        }
        let isna = ScalarUDF::new_from_impl(isna_udf());
        let payload = encode_fugue_udf(&isna).expect("fugue_isna has a payload");
        let back = decode_fugue_udf("fugue_isna", &payload).expect("known").expect("decodes");
        assert_eq!(back.name(), "fugue_isna");
        assert!(decode_fugue_udf("abs", &[]).is_none(), "not ours: found by name");
        let bad = decode_fugue_udf("fugue_cast", b"NoSuchType").expect("known");
        assert_eq!(bad.err().map(|e| e.kind()), Some(fugue_core::ErrorKind::InvalidArgument));
    }

    #[test]
    fn native_casts_only_where_they_agree_with_df_cast() {
        assert!(native_cast_agrees(&DataType::Int32, &DataType::Int64));
        assert!(!native_cast_agrees(&DataType::Float64, &DataType::Utf8));
        assert!(!native_cast_agrees(&DataType::Float64, &DataType::Int64));
        assert!(native_cast_agrees(&DataType::Decimal128(15, 2), &DataType::Float64));
        assert!(!native_cast_agrees(&DataType::Decimal128(15, 2), &DataType::Int64));
        assert!(!native_cast_agrees(&DataType::Decimal128(15, 2), &DataType::Utf8));
    }
}
