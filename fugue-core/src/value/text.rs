//! Text forms shared by ingestion, casts and display: date / datetime parsing
//! and printing, float and decimal text, type names for error messages.

use std::fmt::Write as _;

use arrow::array::timezone::Tz;
use arrow::datatypes::{DataType, TimeUnit};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};

/// Parses a strict ISO date `YYYY-MM-DD` (exactly 10 characters).
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return None;
    }
    let y: i32 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Parses a time `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f` (1 to 9 fraction digits).
fn parse_time(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    let two = |i: usize| -> Option<u32> {
        let pair = b.get(i..i + 2)?;
        if pair.iter().all(u8::is_ascii_digit) {
            Some(u32::from(pair[0] - b'0') * 10 + u32::from(pair[1] - b'0'))
        } else {
            None
        }
    };
    let h = two(0)?;
    if b.get(2) != Some(&b':') {
        return None;
    }
    let m = two(3)?;
    if b.len() == 5 {
        return NaiveTime::from_hms_opt(h, m, 0);
    }
    if b.get(5) != Some(&b':') {
        return None;
    }
    let sec = two(6)?;
    let mut nanos = 0u32;
    if b.len() > 8 {
        if b[8] != b'.' {
            return None;
        }
        let frac = &b[9..];
        if frac.is_empty() || frac.len() > 9 || !frac.iter().all(u8::is_ascii_digit) {
            return None;
        }
        for (i, d) in frac.iter().enumerate() {
            nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
        }
    }
    NaiveTime::from_hms_nano_opt(h, m, sec, nanos)
}

/// Parses a zone offset `Z`, `+HH:MM`, `-HH:MM`, `+HHMM` or `+HH`.
fn parse_offset(s: &str) -> Option<FixedOffset> {
    if s == "Z" || s == "z" {
        return FixedOffset::east_opt(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest = s.get(1..)?;
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits.get(0..2)?.parse().ok()?;
    let m: i32 = if digits.len() == 4 { digits.get(2..4)?.parse().ok()? } else { 0 };
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// Parses datetime text: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.f]]` with a space
/// or `T` separator, optionally followed by a zone offset (`Z`, `+02:00`).
/// Returns the wall-clock date-time and the offset when one was written.
pub(crate) fn parse_datetime(s: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let date = parse_date(s.get(0..10)?)?;
    if s.len() == 10 {
        return Some((date.and_time(NaiveTime::MIN), None));
    }
    let sep = s.as_bytes()[10];
    if sep != b' ' && sep != b'T' {
        return None;
    }
    let rest = s.get(11..)?;
    // the time part is made of digits, ':' and '.'; anything after is the offset
    let cut =
        rest.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.')).unwrap_or(rest.len());
    let (time, offset) = rest.split_at(cut);
    let time = parse_time(time)?;
    let offset = if offset.is_empty() { None } else { Some(parse_offset(offset)?) };
    Some((date.and_time(time), offset))
}

/// Parses text into a date: `YYYY-MM-DD`, or datetime text truncated to its
/// date (DF-VAL-5, DF-CAST-15).
pub(crate) fn parse_date_lenient(s: &str) -> Option<NaiveDate> {
    parse_date(s).or_else(|| parse_datetime(s).map(|(dt, _)| dt.date()))
}

/// `YYYY-MM-DD HH:MM:SS`, plus `.ffffff` (6 digits) when the sub-second part
/// is non-zero, or 9 digits when it is not a whole number of microseconds.
pub(crate) fn format_datetime(dt: &NaiveDateTime) -> String {
    let mut s = String::with_capacity(26);
    // writing to a String never fails
    let _ = write!(s, "{}", dt.format("%Y-%m-%d %H:%M:%S"));
    let nanos = dt.nanosecond() % 1_000_000_000;
    if nanos != 0 {
        if nanos.is_multiple_of(1000) {
            let _ = write!(s, ".{:06}", nanos / 1000);
        } else {
            let _ = write!(s, ".{nanos:09}");
        }
    }
    s
}

/// The wall-clock time of the instant `utc` in zone `tz` followed by its
/// offset (`2021-01-01 02:00:00+02:00`); when the zone cannot be resolved
/// (named zones need Arrow's `chrono-tz` feature) the UTC time with `Z`.
pub(crate) fn format_tz(utc: &NaiveDateTime, tz: &str) -> String {
    format_instant(utc, zone(tz).as_ref())
}

/// Resolves an Arrow zone name: offsets (`+02:00`), the UTC aliases `UTC`,
/// `utc`, `Z`, `GMT`, `Etc/UTC`, `Etc/GMT` (which Arrow only knows with its
/// `chrono-tz` feature), and named zones when that feature is enabled.
pub(crate) fn zone(tz: &str) -> Option<Tz> {
    tz.parse::<Tz>().ok().or_else(|| {
        let utc = ["UTC", "Z", "GMT", "Etc/UTC", "Etc/GMT", "Etc/UCT", "UCT", "Zulu"];
        if utc.iter().any(|u| u.eq_ignore_ascii_case(tz)) { "+00:00".parse().ok() } else { None }
    })
}

/// [`format_tz`] with the zone already resolved (`None`: print UTC plus `Z`).
pub(crate) fn format_instant(utc: &NaiveDateTime, zone: Option<&Tz>) -> String {
    match zone {
        Some(zone) => {
            let local = zone.from_utc_datetime(utc);
            format!("{}{}", format_datetime(&local.naive_local()), local.format("%:z"))
        }
        None => format!("{}Z", format_datetime(utc)),
    }
}

/// The local date of the instant `utc` in zone `tz` (the UTC date when the
/// zone cannot be resolved).
pub(crate) fn local_date(utc: &NaiveDateTime, tz: &str) -> NaiveDate {
    match zone(tz) {
        Some(zone) => zone.from_utc_datetime(utc).date_naive(),
        None => utc.date(),
    }
}

/// Shortest text of a double that parses back to it; whole numbers keep a
/// `.0` (`1.0`, `1.5`, `1e300`, `inf`, `NaN`).
pub(crate) fn format_f64(v: f64) -> String {
    format!("{v:?}")
}

/// Shortest text of a float that parses back to it.
pub(crate) fn format_f32(v: f32) -> String {
    format!("{v:?}")
}

/// Text of an unscaled decimal with `scale` fraction digits (`1234`, 2 → `12.34`).
pub(crate) fn format_decimal(value: i128, scale: i8) -> String {
    if scale <= 0 {
        let mut s = value.to_string();
        if value != 0 {
            for _ in 0..(-(scale as i32)) {
                s.push('0');
            }
        }
        return s;
    }
    let scale = scale as usize;
    let digits = value.unsigned_abs().to_string();
    let padded = if digits.len() <= scale {
        format!("{}{}", "0".repeat(scale + 1 - digits.len()), digits)
    } else {
        digits
    };
    let (int, frac) = padded.split_at(padded.len() - scale);
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{int}.{frac}")
}

/// Parses decimal or scientific number text into (unscaled digits, scale),
/// e.g. `12.340` → (12340, 3), `1e-7` → (1, 7), `1.5e3` → (15, -2).
pub(crate) fn parse_decimal_text(s: &str) -> Option<(i128, i32)> {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (neg, mantissa) = match mantissa.as_bytes().first()? {
        b'-' => (true, &mantissa[1..]),
        b'+' => (false, &mantissa[1..]),
        _ => (false, mantissa),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut value: i128 = 0;
    for c in int.bytes().chain(frac.bytes()) {
        if !c.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(i128::from(c - b'0'))?;
    }
    let scale = i32::try_from(frac.len()).ok()?.checked_sub(exp)?;
    Some((if neg { -value } else { value }, scale))
}

/// Rescales an unscaled decimal from `from_scale` to `to_scale`; `None` when it
/// overflows or when digits would be lost.
pub(crate) fn rescale(value: i128, from_scale: i32, to_scale: i32) -> Option<i128> {
    let diff = to_scale.checked_sub(from_scale)?;
    if diff >= 0 {
        let f = 10i128.checked_pow(u32::try_from(diff).ok()?)?;
        value.checked_mul(f)
    } else {
        let Some(f) = 10i128.checked_pow(diff.unsigned_abs()) else {
            return if value == 0 { Some(0) } else { None };
        };
        if value % f != 0 { None } else { Some(value / f) }
    }
}

/// True when the unscaled `value` fits in `precision` digits.
pub(crate) fn fits_precision(value: i128, precision: u8) -> bool {
    match 10u128.checked_pow(u32::from(precision)) {
        Some(limit) => value.unsigned_abs() < limit,
        None => true,
    }
}

/// `0x` followed by lower-case hex digits.
pub(crate) fn format_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("0x");
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The schema-expression name of a type for messages (`int`, `[str]`,
/// `{a:int}`, `<str,long>`, `decimal(10,2)`, `datetime`).
pub(crate) fn type_text(dt: &DataType) -> String {
    match dt {
        DataType::Null => "null".into(),
        DataType::Boolean => "bool".into(),
        DataType::Int8 => "byte".into(),
        DataType::Int16 => "short".into(),
        DataType::Int32 => "int".into(),
        DataType::Int64 => "long".into(),
        DataType::UInt8 => "ubyte".into(),
        DataType::UInt16 => "ushort".into(),
        DataType::UInt32 => "uint".into(),
        DataType::UInt64 => "ulong".into(),
        DataType::Float16 => "float16".into(),
        DataType::Float32 => "float".into(),
        DataType::Float64 => "double".into(),
        DataType::Decimal128(p, 0) => format!("decimal({p})"),
        DataType::Decimal128(p, s) => format!("decimal({p},{s})"),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "str".into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => "bytes".into(),
        DataType::Date32 => "date".into(),
        DataType::Timestamp(_, None) => "datetime".into(),
        DataType::Timestamp(unit, Some(tz)) => {
            let unit = match unit {
                TimeUnit::Second => "s",
                TimeUnit::Millisecond => "ms",
                TimeUnit::Microsecond => "us",
                TimeUnit::Nanosecond => "ns",
            };
            format!("timestamp({unit},{tz})")
        }
        DataType::List(f) | DataType::LargeList(f) => format!("[{}]", type_text(f.data_type())),
        DataType::Struct(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| format!("{}:{}", f.name(), type_text(f.data_type())))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => {
                format!("<{},{}>", type_text(kv[0].data_type()), type_text(kv[1].data_type()))
            }
            other => format!("{other}"),
        },
        other => format!("{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict_iso() {
        assert_eq!(parse_date("2020-01-02"), NaiveDate::from_ymd_opt(2020, 1, 2));
        assert_eq!(parse_date("2020-1-02"), None);
        assert_eq!(parse_date("2020-02-30"), None);
        assert_eq!(parse_date(" 2020-01-02"), None);
        assert_eq!(parse_date_lenient("2020-01-02 10:00:00"), NaiveDate::from_ymd_opt(2020, 1, 2));
    }

    #[test]
    fn datetimes_accept_space_t_fraction_and_offset() {
        let d = NaiveDate::from_ymd_opt(2020, 1, 2).unwrap_or_default();
        let (dt, off) = parse_datetime("2020-01-02 03:04:05").unwrap_or_default();
        assert_eq!(dt, d.and_hms_opt(3, 4, 5).unwrap_or_default());
        assert!(off.is_none());
        let (dt, _) = parse_datetime("2020-01-02T03:04:05.5").unwrap_or_default();
        assert_eq!(dt, d.and_hms_milli_opt(3, 4, 5, 500).unwrap_or_default());
        let (dt, _) = parse_datetime("2020-01-02").unwrap_or_default();
        assert_eq!(dt, d.and_hms_opt(0, 0, 0).unwrap_or_default());
        let (_, off) = parse_datetime("2020-01-02T03:04:05+02:00").unwrap_or_default();
        assert_eq!(off, FixedOffset::east_opt(7200));
        let (_, off) = parse_datetime("2020-01-02T03:04:05Z").unwrap_or_default();
        assert_eq!(off, FixedOffset::east_opt(0));
        assert!(parse_datetime("2020-01-02X03:04:05").is_none());
        assert!(parse_datetime("2020-01-02 3:04:05").is_none());
        assert!(parse_datetime("2020-01-02 03:04:05.").is_none());
        assert!(parse_datetime("2020-01-02 03:04:05 ").is_none());
    }

    #[test]
    fn datetime_text_uses_space_and_six_digits() {
        let d = NaiveDate::from_ymd_opt(2020, 1, 2).unwrap_or_default();
        assert_eq!(
            format_datetime(&d.and_hms_opt(3, 4, 5).unwrap_or_default()),
            "2020-01-02 03:04:05"
        );
        assert_eq!(
            format_datetime(&d.and_hms_micro_opt(3, 4, 5, 120).unwrap_or_default()),
            "2020-01-02 03:04:05.000120"
        );
        assert_eq!(
            format_datetime(&d.and_hms_nano_opt(3, 4, 5, 1).unwrap_or_default()),
            "2020-01-02 03:04:05.000000001"
        );
    }

    #[test]
    fn decimals_format_and_parse() {
        assert_eq!(format_decimal(1234, 2), "12.34");
        assert_eq!(format_decimal(-5, 2), "-0.05");
        assert_eq!(format_decimal(0, 2), "0.00");
        assert_eq!(format_decimal(12, -2), "1200");
        assert_eq!(format_decimal(12, 0), "12");
        assert_eq!(parse_decimal_text("12.340"), Some((12340, 3)));
        assert_eq!(parse_decimal_text("1e-7"), Some((1, 7)));
        assert_eq!(parse_decimal_text("-1.5e3"), Some((-15, -2)));
        assert_eq!(parse_decimal_text("x"), None);
        assert_eq!(rescale(15, -2, 0), Some(1500));
        assert_eq!(rescale(1234, 2, 1), None);
        assert_eq!(rescale(1230, 2, 1), Some(123));
        assert!(fits_precision(99, 2));
        assert!(!fits_precision(100, 2));
    }

    #[test]
    fn type_names_follow_schema_text() {
        use arrow::datatypes::Field;
        use std::sync::Arc;
        let l = DataType::List(Arc::new(Field::new("item", DataType::Int32, true)));
        assert_eq!(type_text(&l), "[int]");
        assert_eq!(type_text(&DataType::Decimal128(10, 2)), "decimal(10,2)");
        assert_eq!(type_text(&DataType::Timestamp(TimeUnit::Nanosecond, None)), "datetime");
    }
}
