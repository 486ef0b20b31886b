//! Canonical text of types, names and schemas (SCH-PRINT, SCH-TYPE-2/3/4).

use std::borrow::Cow;
use std::fmt::{self, Write};

use arrow::datatypes::{DataType, Field, IntervalUnit, TimeUnit, UnionMode};

use super::Schema;

/// The canonical text of a type (SCH-TYPE-2, SCH-TYPE-3, SCH-PRINT-1).
///
/// Supported types print with their canonical names: `int`, `str`, `bytes`,
/// `decimal(10,2)`, `[int]`, `{a:int,b:[str]}`, `<str,int>`. A time-zone-less
/// timestamp of **any** unit prints as `datetime` (SCH-TYPE-4, lossy: it
/// parses back as microseconds); a zoned one as `timestamp(unit,tz)`.
///
/// Never panics. A type outside the grammar prints as an explicit text that
/// the parser rejects, e.g. `time32(ms)`, `large_str`, `duration(us)`,
/// `fixed_size_list(int,3)`, `dictionary(int,str)`, `date64`, `decimal256(40,2)`.
///
/// ```
/// use fugue_core::arrow::datatypes::{DataType, TimeUnit};
/// use fugue_core::schema::data_type_to_expr;
/// assert_eq!(data_type_to_expr(&DataType::Int64), "long");
/// assert_eq!(data_type_to_expr(&DataType::Timestamp(TimeUnit::Nanosecond, None)), "datetime");
/// assert_eq!(data_type_to_expr(&DataType::Decimal128(10, 0)), "decimal(10)");
/// ```
pub fn data_type_to_expr(dt: &DataType) -> String {
    let mut out = String::new();
    // Writing into a `String` cannot fail.
    let _ = write_type(&mut out, dt);
    out
}

/// Prints `name` for a schema expression (SCH-PRINT-2).
///
/// A "simple identifier" (ASCII, first char a letter or `_`, the rest letters,
/// digits or `_`, and not only underscores) is returned as is; any other name
/// (including the empty one) is wrapped in backticks with inner backticks
/// doubled: `a b` → `` `a b` ``, `` c`d `` → `` `c``d` ``, `_` → `` `_` ``.
///
/// ```
/// use fugue_core::schema::quote_name;
/// assert_eq!(quote_name("_a"), "_a");
/// assert_eq!(quote_name("1a"), "`1a`");
/// assert_eq!(quote_name("c`d"), "`c``d`");
/// ```
pub fn quote_name(name: &str) -> Cow<'_, str> {
    if is_simple_name(name) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!("`{}`", name.replace('`', "``")))
    }
}

fn is_simple_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.chars().all(|c| c == '_')
}

fn unit(u: &TimeUnit) -> &'static str {
    match u {
        TimeUnit::Second => "s",
        TimeUnit::Millisecond => "ms",
        TimeUnit::Microsecond => "us",
        TimeUnit::Nanosecond => "ns",
    }
}

fn write_fields<'a>(
    out: &mut String,
    fields: impl IntoIterator<Item = &'a std::sync::Arc<Field>>,
) -> fmt::Result {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quote_name(f.name()));
        out.push(':');
        write_type(out, f.data_type())?;
    }
    Ok(())
}

fn write_type(out: &mut String, dt: &DataType) -> fmt::Result {
    use DataType as D;
    let simple = match dt {
        D::Null => "null",
        D::Boolean => "bool",
        D::Int8 => "byte",
        D::Int16 => "short",
        D::Int32 => "int",
        D::Int64 => "long",
        D::UInt8 => "ubyte",
        D::UInt16 => "ushort",
        D::UInt32 => "uint",
        D::UInt64 => "ulong",
        D::Float16 => "float16",
        D::Float32 => "float",
        D::Float64 => "double",
        D::Utf8 => "str",
        D::Binary => "bytes",
        D::Date32 => "date",
        D::Timestamp(_, None) => "datetime",
        // Outside the grammar: explicit names the parser rejects.
        D::LargeUtf8 => "large_str",
        D::Utf8View => "str_view",
        D::LargeBinary => "large_bytes",
        D::BinaryView => "bytes_view",
        D::Date64 => "date64",
        _ => "",
    };
    if !simple.is_empty() {
        out.push_str(simple);
        return Ok(());
    }
    match dt {
        D::Timestamp(u, Some(tz)) => write!(out, "timestamp({},{})", unit(u), tz),
        D::Decimal128(p, 0) => write!(out, "decimal({p})"),
        D::Decimal128(p, s) => write!(out, "decimal({p},{s})"),
        D::List(f) => {
            out.push('[');
            write_type(out, f.data_type())?;
            out.push(']');
            Ok(())
        }
        D::Struct(fields) => {
            out.push('{');
            write_fields(out, fields.iter())?;
            out.push('}');
            Ok(())
        }
        D::Map(entries, _) => match entries.data_type() {
            D::Struct(kv) if kv.len() == 2 => {
                out.push('<');
                write_type(out, kv[0].data_type())?;
                out.push(',');
                write_type(out, kv[1].data_type())?;
                out.push('>');
                Ok(())
            }
            other => {
                out.push_str("map(");
                write_type(out, other)?;
                out.push(')');
                Ok(())
            }
        },
        D::Time32(u) => write!(out, "time32({})", unit(u)),
        D::Time64(u) => write!(out, "time64({})", unit(u)),
        D::Duration(u) => write!(out, "duration({})", unit(u)),
        D::Interval(u) => write!(
            out,
            "interval({})",
            match u {
                IntervalUnit::YearMonth => "year_month",
                IntervalUnit::DayTime => "day_time",
                IntervalUnit::MonthDayNano => "month_day_nano",
            }
        ),
        D::FixedSizeBinary(n) => write!(out, "fixed_size_bytes({n})"),
        D::Decimal32(p, s) => write!(out, "decimal32({p},{s})"),
        D::Decimal64(p, s) => write!(out, "decimal64({p},{s})"),
        D::Decimal256(p, s) => write!(out, "decimal256({p},{s})"),
        D::LargeList(f) | D::ListView(f) | D::LargeListView(f) | D::FixedSizeList(f, _) => {
            let name = match dt {
                D::LargeList(_) => "large_list",
                D::ListView(_) => "list_view",
                D::LargeListView(_) => "large_list_view",
                _ => "fixed_size_list",
            };
            out.push_str(name);
            out.push('(');
            write_type(out, f.data_type())?;
            if let D::FixedSizeList(_, n) = dt {
                write!(out, ",{n}")?;
            }
            out.push(')');
            Ok(())
        }
        D::Dictionary(k, v) => {
            out.push_str("dictionary(");
            write_type(out, k)?;
            out.push(',');
            write_type(out, v)?;
            out.push(')');
            Ok(())
        }
        D::RunEndEncoded(r, v) => {
            out.push_str("run_end_encoded(");
            write_type(out, r.data_type())?;
            out.push(',');
            write_type(out, v.data_type())?;
            out.push(')');
            Ok(())
        }
        D::Union(fields, mode) => {
            out.push_str(match mode {
                UnionMode::Sparse => "sparse_union{",
                UnionMode::Dense => "dense_union{",
            });
            write_fields(out, fields.iter().map(|(_, f)| f))?;
            out.push('}');
            Ok(())
        }
        // Every simple type was handled above.
        _ => write!(out, "{dt}"),
    }
}

/// Canonical text (SCH-PRINT-1): `name:type` items joined by `,` with no
/// spaces, names quoted per SCH-PRINT-2, types per [`data_type_to_expr`].
///
/// ```
/// use fugue_core::Schema;
/// let s = Schema::parse("a : int , `x y`:[ string ], m:<str,{p:double}>")?;
/// assert_eq!(s.to_string(), "a:int,`x y`:[str],m:<str,{p:double}>");
/// # Ok::<(), fugue_core::Error>(())
/// ```
impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_fields(&mut out, self.fields().iter())?;
        f.write_str(&out)
    }
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schema({self})")
    }
}
