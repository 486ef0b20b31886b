//! Total order and approximate equality of values, for the test suite's frame
//! comparison (DF-EQ-4, DF-EQ-5).

use std::cmp::Ordering;

use super::Value;

/// A number of any variant, for cross-variant comparison.
#[derive(Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
    Dec(i128, i8),
}

fn num(v: &Value) -> Option<Num> {
    Some(match v {
        Value::Int8(x) => Num::Int(i128::from(*x)),
        Value::Int16(x) => Num::Int(i128::from(*x)),
        Value::Int32(x) => Num::Int(i128::from(*x)),
        Value::Int64(x) => Num::Int(i128::from(*x)),
        Value::UInt8(x) => Num::Int(i128::from(*x)),
        Value::UInt16(x) => Num::Int(i128::from(*x)),
        Value::UInt32(x) => Num::Int(i128::from(*x)),
        Value::UInt64(x) => Num::Int(i128::from(*x)),
        Value::Float16(x) => Num::Float(x.to_f64()),
        Value::Float32(x) => Num::Float(f64::from(*x)),
        Value::Float64(x) => Num::Float(*x),
        Value::Decimal { value, scale, .. } => Num::Dec(*value, *scale),
        _ => return None,
    })
}

fn dec_to_f64(value: i128, scale: i8) -> f64 {
    value as f64 / 10f64.powi(i32::from(scale))
}

fn num_to_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
        Num::Dec(v, s) => dec_to_f64(v, s),
    }
}

/// Exact comparison of an integer with a double.
fn cmp_int_float(i: i128, f: f64) -> Ordering {
    if f.is_nan() {
        return if f.is_sign_negative() { Ordering::Greater } else { Ordering::Less };
    }
    let t = f.trunc();
    if t >= 1.0e38 {
        return Ordering::Less;
    }
    if t <= -1.0e38 {
        return Ordering::Greater;
    }
    match i.cmp(&(t as i128)) {
        Ordering::Equal => {
            let frac = f - t;
            if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        o => o,
    }
}

fn cmp_dec(a: i128, sa: i8, b: i128, sb: i8) -> Ordering {
    let s = sa.max(sb);
    let ra = super::text::rescale(a, i32::from(sa), i32::from(s));
    let rb = super::text::rescale(b, i32::from(sb), i32::from(s));
    match (ra, rb) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => dec_to_f64(a, sa).total_cmp(&dec_to_f64(b, sb)),
    }
}

fn cmp_num(a: Num, b: Num) -> Ordering {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x.cmp(&y),
        (Num::Float(x), Num::Float(y)) => x.total_cmp(&y),
        (Num::Int(x), Num::Float(y)) => cmp_int_float(x, y),
        (Num::Float(x), Num::Int(y)) => cmp_int_float(y, x).reverse(),
        (Num::Dec(x, sx), Num::Dec(y, sy)) => cmp_dec(x, sx, y, sy),
        (Num::Dec(x, sx), Num::Int(y)) => cmp_dec(x, sx, y, 0),
        (Num::Int(x), Num::Dec(y, sy)) => cmp_dec(x, 0, y, sy),
        (Num::Dec(x, sx), Num::Float(y)) => dec_to_f64(x, sx).total_cmp(&y),
        (Num::Float(x), Num::Dec(y, sy)) => x.total_cmp(&dec_to_f64(y, sy)),
    }
}

/// The rank of a kind of value in the total order.
fn rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Int8(_)
        | Value::Int16(_)
        | Value::Int32(_)
        | Value::Int64(_)
        | Value::UInt8(_)
        | Value::UInt16(_)
        | Value::UInt32(_)
        | Value::UInt64(_)
        | Value::Float16(_)
        | Value::Float32(_)
        | Value::Float64(_)
        | Value::Decimal { .. } => 2,
        Value::Str(_) => 3,
        Value::Binary(_) => 4,
        Value::Date(_) => 5,
        Value::DateTime(_) | Value::TimestampTz { .. } => 6,
        Value::List(_) => 7,
        Value::Struct(_) => 8,
        Value::Map(_) => 9,
    }
}

fn cmp_seq<'a, T: 'a>(
    a: impl IntoIterator<Item = &'a T>,
    b: impl IntoIterator<Item = &'a T>,
    f: impl Fn(&T, &T) -> Ordering,
) -> Ordering {
    let mut a = a.into_iter();
    let mut b = b.into_iter();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match f(x, y) {
                Ordering::Equal => {}
                o => return o,
            },
        }
    }
}

fn all_pairs<'a, T: 'a>(a: &'a [T], b: &'a [T], f: impl Fn(&T, &T) -> bool) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| f(x, y))
}

impl Value {
    /// A total order of values, used to sort rows before comparing two frames
    /// (DF-EQ-4: nulls sort together, consistently on both sides).
    ///
    /// Order of kinds: null < bool < numbers < str < bytes < date <
    /// datetime / timestamp < list < struct < map. Numbers of every variant
    /// compare by numeric value (integers and decimals exactly, floats with
    /// [`f64::total_cmp`], so `Int32(1) == Float64(1.0)` compares equal);
    /// a naive datetime and a tz-aware timestamp compare by wall-clock / UTC
    /// time, then the naive one first; tz timestamps by instant, then zone
    /// name. Lists, structs (name, value) and maps (key, value) compare
    /// lexicographically, a shorter prefix first.
    ///
    /// ```
    /// use fugue_core::value::Value;
    /// use std::cmp::Ordering;
    /// assert_eq!(Value::Null.total_cmp(&Value::Int32(0)), Ordering::Less);
    /// assert_eq!(Value::Int32(1).total_cmp(&Value::Float64(1.0)), Ordering::Equal);
    /// assert_eq!(Value::Int64(2).total_cmp(&Value::Float64(1.5)), Ordering::Greater);
    /// ```
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        if let (Some(a), Some(b)) = (num(self), num(other)) {
            return cmp_num(a, b);
        }
        match (self, other) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Str(a), Value::Str(b)) => a.cmp(b),
            (Value::Binary(a), Value::Binary(b)) => a.cmp(b),
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            (Value::DateTime(a), Value::DateTime(b)) => a.cmp(b),
            (Value::DateTime(a), Value::TimestampTz { utc, .. }) => a.cmp(utc).then(Ordering::Less),
            (Value::TimestampTz { utc, .. }, Value::DateTime(b)) => {
                utc.cmp(b).then(Ordering::Greater)
            }
            (Value::TimestampTz { utc: a, tz: ta }, Value::TimestampTz { utc: b, tz: tb }) => {
                a.cmp(b).then_with(|| ta.cmp(tb))
            }
            (Value::List(a), Value::List(b)) => cmp_seq(a, b, Value::total_cmp),
            (Value::Struct(a), Value::Struct(b)) => {
                cmp_seq(a, b, |(ka, va), (kb, vb)| ka.cmp(kb).then_with(|| va.total_cmp(vb)))
            }
            (Value::Map(a), Value::Map(b)) => {
                cmp_seq(a, b, |(ka, va), (kb, vb)| ka.total_cmp(kb).then_with(|| va.total_cmp(vb)))
            }
            _ => rank(self).cmp(&rank(other)),
        }
    }

    /// Cell equality of the test suite (DF-EQ-5): null equals null (and
    /// nothing else); numbers of any variant compare by numeric value,
    /// exactly between integers / decimals, and within `abs_tol` when either
    /// side is a float (equal infinities are equal, NaN equals NaN); nested
    /// values compare structurally (same length, same struct field names,
    /// same map entry order); bytes byte-wise; tz timestamps by instant; all
    /// other kinds with `==`. Values of different kinds are never equal.
    ///
    /// ```
    /// use fugue_core::value::Value;
    /// assert!(Value::Float64(0.1 + 0.2).approx_eq(&Value::Float64(0.3), 1e-8));
    /// assert!(Value::Int64(1).approx_eq(&Value::Float64(1.0), 1e-8));
    /// assert!(!Value::Null.approx_eq(&Value::Int64(0), 1e-8));
    /// ```
    pub fn approx_eq(&self, other: &Value, abs_tol: f64) -> bool {
        if let (Some(a), Some(b)) = (num(self), num(other)) {
            return match (a, b) {
                (Num::Float(_), _) | (_, Num::Float(_)) => {
                    let (x, y) = (num_to_f64(a), num_to_f64(b));
                    x == y || (x.is_nan() && y.is_nan()) || (x - y).abs() <= abs_tol
                }
                _ => cmp_num(a, b) == Ordering::Equal,
            };
        }
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Binary(a), Value::Binary(b)) => a == b,
            (Value::Date(a), Value::Date(b)) => a == b,
            (Value::DateTime(a), Value::DateTime(b)) => a == b,
            (Value::TimestampTz { utc: a, .. }, Value::TimestampTz { utc: b, .. }) => a == b,
            (Value::List(a), Value::List(b)) => all_pairs(a, b, |x, y| x.approx_eq(y, abs_tol)),
            (Value::Struct(a), Value::Struct(b)) => {
                all_pairs(a, b, |(ka, va), (kb, vb)| ka == kb && va.approx_eq(vb, abs_tol))
            }
            (Value::Map(a), Value::Map(b)) => all_pairs(a, b, |(ka, va), (kb, vb)| {
                ka.approx_eq(kb, abs_tol) && va.approx_eq(vb, abs_tol)
            }),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn df_eq_4_nulls_first_then_fixed_kind_rank() {
        let mut v = vec![
            Value::Map(vec![]),
            Value::Struct(vec![]),
            Value::List(vec![]),
            Value::DateTime(d(2020, 1, 1).and_hms_opt(0, 0, 0).unwrap()),
            Value::Date(d(2020, 1, 1)),
            Value::Binary(vec![1]),
            Value::Str("a".into()),
            Value::Int32(1),
            Value::Bool(true),
            Value::Null,
        ];
        v.sort_by(Value::total_cmp);
        let ranks: Vec<u8> = v.iter().map(rank).collect();
        assert_eq!(ranks, vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn df_eq_4_numbers_compare_by_value_across_variants() {
        assert_eq!(Value::Int8(-1).total_cmp(&Value::UInt64(u64::MAX)), Ordering::Less);
        assert_eq!(Value::Int64(i64::MAX).total_cmp(&Value::Float64(9.3e18)), Ordering::Less);
        assert_eq!(Value::Int64(3).total_cmp(&Value::Float64(2.5)), Ordering::Greater);
        assert_eq!(Value::Int64(-3).total_cmp(&Value::Float64(-2.5)), Ordering::Less);
        assert_eq!(Value::Float64(-2.5).total_cmp(&Value::Int64(-3)), Ordering::Greater);
        assert_eq!(Value::Int64(2).total_cmp(&Value::Float64(f64::INFINITY)), Ordering::Less);
        assert_eq!(
            Value::Int64(2).total_cmp(&Value::Float64(f64::NEG_INFINITY)),
            Ordering::Greater
        );
        let dec = Value::Decimal { value: 1250, precision: 10, scale: 3 };
        assert_eq!(
            dec.total_cmp(&Value::Decimal { value: 125, precision: 5, scale: 2 }),
            Ordering::Equal
        );
        assert_eq!(dec.total_cmp(&Value::Int32(1)), Ordering::Greater);
        assert_eq!(dec.total_cmp(&Value::Float64(1.25)), Ordering::Equal);
        assert_eq!(Value::Float32(1.5).total_cmp(&Value::Float64(1.5)), Ordering::Equal);
    }

    #[test]
    fn df_eq_4_nested_lexicographic() {
        let a = Value::List(vec![Value::Int32(1), Value::Int32(2)]);
        let b = Value::List(vec![Value::Int32(1), Value::Int32(3)]);
        let c = Value::List(vec![Value::Int32(1)]);
        assert_eq!(a.total_cmp(&b), Ordering::Less);
        assert_eq!(c.total_cmp(&a), Ordering::Less);
        let s1 = Value::Struct(vec![("a".into(), Value::Null)]);
        let s2 = Value::Struct(vec![("a".into(), Value::Int32(0))]);
        assert_eq!(s1.total_cmp(&s2), Ordering::Less);
        let m1 = Value::Map(vec![(Value::from("k"), Value::Int32(1))]);
        let m2 = Value::Map(vec![(Value::from("k"), Value::Int32(2))]);
        assert_eq!(m1.total_cmp(&m2), Ordering::Less);
    }

    #[test]
    fn df_eq_4_sorting_rows_is_consistent() {
        let mut rows = [
            vec![Value::Int32(2), Value::Null],
            vec![Value::Null, Value::from("b")],
            vec![Value::Int32(1), Value::from("a")],
        ];
        rows.sort_by(|a, b| cmp_seq(a, b, Value::total_cmp));
        assert_eq!(rows[0][0], Value::Null);
        assert_eq!(rows[1][0], Value::Int32(1));
    }

    #[test]
    fn df_eq_5_approx_equality() {
        assert!(Value::Null.approx_eq(&Value::Null, 1e-8));
        assert!(!Value::Null.approx_eq(&Value::Float64(f64::NAN), 1e-8));
        assert!(Value::Float64(1.0).approx_eq(&Value::Float64(1.0 + 1e-9), 1e-8));
        assert!(!Value::Float64(1.0).approx_eq(&Value::Float64(1.0 + 1e-7), 1e-8));
        assert!(Value::Float64(f64::INFINITY).approx_eq(&Value::Float64(f64::INFINITY), 1e-8));
        assert!(!Value::Float64(f64::INFINITY).approx_eq(&Value::Float64(f64::NEG_INFINITY), 1e-8));
        assert!(Value::Int32(1).approx_eq(&Value::Float32(1.0), 1e-8));
        assert!(Value::Int32(1).approx_eq(&Value::Int64(1), 0.0));
        assert!(!Value::Int32(1).approx_eq(&Value::Int64(2), 0.5));
        assert!(!Value::Int32(1).approx_eq(&Value::from("1"), 1e-8));
        assert!(Value::Binary(vec![1, 2]).approx_eq(&Value::Binary(vec![1, 2]), 0.0));
        assert!(!Value::Binary(vec![1, 2]).approx_eq(&Value::Binary(vec![1]), 0.0));
        let l1 = Value::List(vec![Value::Float64(0.1 + 0.2), Value::Null]);
        let l2 = Value::List(vec![Value::Float64(0.3), Value::Null]);
        assert!(l1.approx_eq(&l2, 1e-8));
        let s1 = Value::Struct(vec![("a".into(), l1)]);
        let s2 = Value::Struct(vec![("b".into(), l2)]);
        assert!(!s1.approx_eq(&s2, 1e-8));
        let m1 = Value::Map(vec![(Value::from("a"), Value::Int32(1))]);
        assert!(m1.approx_eq(&m1.clone(), 0.0));
        let tz1 = Value::TimestampTz {
            utc: d(2020, 1, 1).and_hms_opt(0, 0, 0).unwrap(),
            tz: "UTC".into(),
        };
        let tz2 = Value::TimestampTz {
            utc: d(2020, 1, 1).and_hms_opt(0, 0, 0).unwrap(),
            tz: "+00:00".into(),
        };
        assert!(tz1.approx_eq(&tz2, 0.0));
    }
}
