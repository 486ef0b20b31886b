//! Frame comparison with the semantics of the Python suite's `df_eq`
//! (DF-EQ-1..8).

use std::cmp::Ordering;

use fugue_core::dataframe::DataFrame;
use fugue_core::{Row, Schema, Value};

/// Options of [`df_eq`] (DF-EQ-3..8). `Default`: compare schemas, ignore
/// row order, compare content, absolute float tolerance 1e-8 (`digits = 8`).
#[derive(Debug, Clone, Copy)]
pub struct FrameEq {
    /// Compare schemas (DF-EQ-3).
    pub check_schema: bool,
    /// Compare rows in order; when false both sides are sorted by all
    /// columns first (DF-EQ-4).
    pub check_order: bool,
    /// Compare cell values (DF-EQ-8: false stops after count and schema).
    pub check_content: bool,
    /// Absolute tolerance for floats (DF-EQ-5).
    pub abs_tol: f64,
}

impl Default for FrameEq {
    fn default() -> Self {
        FrameEq { check_schema: true, check_order: false, check_content: true, abs_tol: 1e-8 }
    }
}

impl FrameEq {
    /// Row order matters (for operations that promise an order).
    pub fn ordered() -> Self {
        FrameEq { check_order: true, ..Self::default() }
    }
}

fn cmp_rows(a: &Row, b: &Row) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = x.total_cmp(y);
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// Compares `actual` with `expected` rows under `expected_schema` (a schema
/// expression) per DF-EQ-1..8; `Err` explains the first difference (DF-EQ-7).
///
/// # Errors
/// A message describing the first difference, or an error reading a frame.
pub fn df_eq(
    actual: &dyn DataFrame,
    expected_rows: Vec<Row>,
    expected_schema: &str,
    options: FrameEq,
) -> Result<(), String> {
    let expected = fugue_core::LocalDataFrame::from_rows(expected_rows, expected_schema)
        .map_err(|e| format!("bad expected frame: {e}"))?;
    assert_df_eq(actual, &expected, options)
}

/// Compares two frames per DF-EQ-1..8; `Err` explains the first difference.
///
/// # Errors
/// A message describing the first difference, or an error reading a frame.
pub fn assert_df_eq(
    actual: &dyn DataFrame,
    expected: &dyn DataFrame,
    options: FrameEq,
) -> Result<(), String> {
    let a = actual.as_local_bounded().map_err(|e| format!("as_local_bounded(actual): {e}"))?;
    let e = expected.as_local_bounded().map_err(|e| format!("as_local_bounded(expected): {e}"))?;
    let (sa, se): (&Schema, &Schema) = (a.schema(), e.schema());
    if options.check_schema && sa != se {
        return Err(format!("schemas differ: actual `{sa}`, expected `{se}`"));
    }
    let mut ra = a.rows().map_err(|e| e.to_string())?;
    let mut re = e.rows().map_err(|e| e.to_string())?;
    if ra.len() != re.len() {
        return Err(format!(
            "row counts differ: actual {}, expected {}\n  actual rows: {}\n  expected rows: {}",
            ra.len(),
            re.len(),
            preview(&ra),
            preview(&re)
        ));
    }
    if !options.check_content {
        return Ok(());
    }
    if !options.check_order {
        ra.sort_by(cmp_rows);
        re.sort_by(cmp_rows);
    }
    for (i, (x, y)) in ra.iter().zip(&re).enumerate() {
        let same =
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.approx_eq(q, options.abs_tol));
        if !same {
            return Err(format!(
                "row {i} differs{}: actual {x:?}, expected {y:?}\n  actual rows: {}\n  expected rows: {}",
                if options.check_order { "" } else { " (after sorting both sides)" },
                preview(&ra),
                preview(&re)
            ));
        }
    }
    Ok(())
}

fn preview(rows: &[Row]) -> String {
    let shown: Vec<String> = rows
        .iter()
        .take(20)
        .map(|r| format!("[{}]", r.iter().map(Value::to_string).collect::<Vec<_>>().join(", ")))
        .collect();
    let more = if rows.len() > 20 { format!(" ... ({} rows)", rows.len()) } else { String::new() };
    format!("{}{more}", shown.join(" "))
}
