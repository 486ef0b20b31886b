//! Type predicates and the numeric fallback rule of expression typing
//! (ENG-EXPR-TYPE), used by the one typing pass ([`super::typed`]).
//!
//! [`ColumnExpr::infer_type`](super::ColumnExpr::infer_type) gives the type
//! of a node whenever the spec defines one; [`common_numeric`] is the rule
//! for the operands of an arithmetic node when inference gives none (mixed
//! signedness, integers with floats), and for integer join keys.

use arrow::datatypes::DataType;

/// True for integer, floating and `decimal` types.
///
/// ```
/// use arrow::datatypes::DataType;
/// use fugue_core::spi::types::is_numeric;
/// assert!(is_numeric(&DataType::Decimal128(10, 2)));
/// assert!(!is_numeric(&DataType::Utf8));
/// ```
pub fn is_numeric(t: &DataType) -> bool {
    t.is_integer() || t.is_floating() || matches!(t, DataType::Decimal128(..))
}

/// True for the temporal types of the schema grammar: `date` (`Date32`)
/// and `datetime` (`Timestamp` of any unit and zone).
pub fn is_temporal(t: &DataType) -> bool {
    matches!(t, DataType::Date32 | DataType::Timestamp(..))
}

/// The width in bits of an integer type; 64 for any other type.
pub fn int_width(t: &DataType) -> u32 {
    match t {
        DataType::Int8 | DataType::UInt8 => 8,
        DataType::Int16 | DataType::UInt16 => 16,
        DataType::Int32 | DataType::UInt32 => 32,
        _ => 64,
    }
}

/// The type two numeric operands are computed in when inference gives none
/// (the native engine's rule, every engine's): equal types stay; integers
/// of the same signedness widen to the wider; a signed integer with an
/// unsigned one narrower than 64 bits is `long`; anything else (floats,
/// `ulong` with a signed integer, decimals with other types) is `double`.
///
/// ```
/// use arrow::datatypes::DataType;
/// use fugue_core::spi::types::common_numeric;
/// assert_eq!(common_numeric(&DataType::Int8, &DataType::Int32), DataType::Int32);
/// assert_eq!(common_numeric(&DataType::Int32, &DataType::UInt16), DataType::Int64);
/// assert_eq!(common_numeric(&DataType::Int64, &DataType::UInt64), DataType::Float64);
/// assert_eq!(common_numeric(&DataType::Int32, &DataType::Float32), DataType::Float64);
/// ```
pub fn common_numeric(l: &DataType, r: &DataType) -> DataType {
    if l == r {
        return l.clone();
    }
    let same_sign = (l.is_signed_integer() && r.is_signed_integer())
        || (l.is_unsigned_integer() && r.is_unsigned_integer());
    if same_sign {
        return if int_width(l) >= int_width(r) { l.clone() } else { r.clone() };
    }
    let (s, u) = if l.is_signed_integer() { (l, r) } else { (r, l) };
    if s.is_signed_integer() && u.is_unsigned_integer() && int_width(u) < 64 {
        return DataType::Int64;
    }
    DataType::Float64
}
