//! Polars errors → fugue errors, and fugue errors raised inside Polars
//! closures (casts and checks that run as Polars UDFs during `collect`).
//!
//! A closure that fails with a fugue [`Error`] parks it in a process-wide
//! table and returns a Polars `ComputeError` carrying the table key; when
//! the error comes out of `collect`, [`from_polars`] finds the key in the
//! message and returns the original fugue error (kind and message intact,
//! e.g. `ERR-CAST` of a DF-CAST rule). Entries are removed when read; an
//! error that Polars swallows leaves one small entry behind, bounded by
//! [`MAX_PARKED`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use fugue_core::Error;
use polars::prelude::PolarsError;

/// Marker of a parked fugue error in a Polars error message.
const MARKER: &str = "fugue-error#";

/// Most parked errors kept at once (older ones are dropped).
const MAX_PARKED: usize = 1024;

fn parked() -> &'static Mutex<HashMap<u64, Error>> {
    static PARKED: OnceLock<Mutex<HashMap<u64, Error>>> = OnceLock::new();
    PARKED.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Parks `err` and returns the Polars error to raise in its place.
pub(crate) fn park(err: Error) -> PolarsError {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let text = err.to_string();
    if let Ok(mut map) = parked().lock() {
        if map.len() >= MAX_PARKED {
            map.clear();
        }
        map.insert(id, err);
    }
    PolarsError::ComputeError(format!("{MARKER}{id}# {text}").into())
}

/// The fugue error parked under the key found in `message`, if any.
fn unpark(message: &str) -> Option<Error> {
    let start = message.find(MARKER)? + MARKER.len();
    let rest = &message[start..];
    let end = rest.find('#')?;
    let id: u64 = rest[..end].parse().ok()?;
    parked().lock().ok()?.remove(&id)
}

/// A Polars error as a fugue error: a parked fugue error comes back as it
/// was; anything else is `ERR-EXECUTION` (`Error::Backend`) naming
/// `operation` and keeping the Polars error as its source.
pub(crate) fn from_polars(err: PolarsError, operation: &str) -> Error {
    if let Some(e) = unpark(&err.to_string()) {
        return e;
    }
    Error::backend("polars", operation, err)
}

/// Runs a Polars computation (a `collect`) so that nothing unwinds into
/// the caller: Polars errors become fugue errors ([`from_polars`]), and a
/// panic inside Polars becomes an error too — `ERR-CAST` for an integer
/// overflow (debug builds of Polars check their integer kernels; release
/// builds wrap, and the plans built by this crate detect that instead),
/// `ERR-EXECUTION` otherwise.
pub(crate) fn run_polars<T>(
    operation: &str,
    f: impl FnOnce() -> Result<T, PolarsError>,
) -> fugue_core::Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(from_polars(e, operation)),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".to_string());
            if message.contains("overflow") {
                Err(Error::cast(operation, "integer", format!("arithmetic overflow: {message}")))
            } else {
                Err(Error::backend(
                    "polars",
                    operation,
                    PolarsError::ComputeError(format!("polars panicked: {message}").into()),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use fugue_core::ErrorKind;

    use super::*;

    #[test]
    fn parked_errors_come_back_with_their_kind() {
        let pe = park(Error::cast("`x`", "int", "not a number"));
        let wrapped = pe.context("while collecting".into());
        let e = from_polars(wrapped, "collect");
        assert_eq!(e.kind(), ErrorKind::Cast);
        let other = from_polars(PolarsError::ComputeError("boom".into()), "collect");
        assert_eq!(other.kind(), ErrorKind::Execution);
        assert!(other.backend_source().is_some());
    }
}
