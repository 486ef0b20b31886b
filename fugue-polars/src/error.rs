//! Polars errors → fugue errors, and fugue errors raised inside Polars
//! closures (casts and checks that run as Polars UDFs during `collect`).
//!
//! A closure that fails with a fugue [`Error`] returns it *inside* the
//! Polars error ([`carry`]: a `PolarsError::IO` whose `io::Error` holds the
//! fugue error as its inner error). The fugue error travels with the Polars
//! error through every thread and context Polars adds, and [`from_polars`]
//! moves it back out when the error leaves `collect`: the original error,
//! kind, message and source intact (e.g. `ERR-CAST` of a DF-CAST rule). There
//! is no shared table, so concurrent plans cannot lose each other's errors,
//! and an error that Polars drops is simply freed.

use std::sync::Arc;

use fugue_core::Error;
use polars::prelude::PolarsError;

/// `err` as the Polars error to return from a UDF or scan in its place;
/// [`from_polars`] gives `err` back.
pub(crate) fn carry(err: Error) -> PolarsError {
    PolarsError::IO { error: Arc::new(std::io::Error::other(err)), msg: None }
}

/// The fugue error carried by `err` (see [`carry`]), looking through the
/// contexts Polars wraps around it; `err` itself when it carries none. A
/// carried error that Polars still shares (it clones errors) is copied
/// ([`Error::duplicate`]).
fn take_carried(err: PolarsError) -> Result<Error, PolarsError> {
    match err {
        PolarsError::IO { error, msg } => match Arc::try_unwrap(error) {
            Ok(io) => {
                io.downcast::<Error>().map_err(|io| PolarsError::IO { error: Arc::new(io), msg })
            }
            Err(shared) => match shared.get_ref().and_then(|e| e.downcast_ref::<Error>()) {
                Some(e) => Ok(e.duplicate()),
                None => Err(PolarsError::IO { error: shared, msg }),
            },
        },
        PolarsError::Context { error, msg } => take_carried(*error)
            .map_err(|error| PolarsError::Context { error: Box::new(error), msg }),
        PolarsError::ExprContext { error, expr } => take_carried(*error)
            .map_err(|error| PolarsError::ExprContext { error: Box::new(error), expr }),
        other => Err(other),
    }
}

/// A Polars error as a fugue error: a carried fugue error ([`carry`]) comes
/// back as it was; anything else is `ERR-EXECUTION` (`Error::Backend`)
/// naming `operation` and keeping the Polars error as its source.
pub(crate) fn from_polars(err: PolarsError, operation: &str) -> Error {
    match take_carried(err) {
        Ok(e) => e,
        Err(err) => Error::backend("polars", operation, err),
    }
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
    use polars::prelude::{Column, IntoLazy, NamedFrom, Series, col, lit};

    use super::*;

    #[test]
    fn carried_errors_come_back_with_their_kind() {
        let pe = carry(Error::cast("`x`", "int", "not a number"));
        let wrapped = pe.context("while collecting".into()).context_trace();
        let e = from_polars(wrapped, "collect");
        assert_eq!(e.kind(), ErrorKind::Cast);
        assert_eq!(e.to_string(), "cannot cast `x` to `int`: not a number");
        let other = from_polars(PolarsError::ComputeError("boom".into()), "collect");
        assert_eq!(other.kind(), ErrorKind::Execution);
        assert!(other.backend_source().is_some_and(|s| s.is::<PolarsError>()));
        let io = PolarsError::from(std::io::Error::other("disk"));
        assert_eq!(from_polars(io, "write").kind(), ErrorKind::Execution);
    }

    #[test]
    fn a_carried_error_polars_still_shares_is_copied() {
        let pe = carry(Error::user(std::io::Error::other("bad row")));
        let _clone = pe.clone();
        let e = from_polars(pe, "collect");
        assert_eq!(e.kind(), ErrorKind::User);
        assert_eq!(e.to_string(), "user function failed: bad row");
    }

    /// An error in flight survives any number of other carried errors that
    /// Polars drops (the former shared table lost it at its 1,024th entry).
    #[test]
    fn an_error_in_flight_survives_thousands_of_dropped_ones() {
        let in_flight = carry(Error::cast("`mine`", "int", "kept"));
        for n in 0..3000 {
            drop(carry(Error::cast(format!("`dropped {n}`"), "int", "dropped")));
        }
        let e = from_polars(in_flight.context("collect".into()), "collect");
        assert_eq!(e.kind(), ErrorKind::Cast);
        assert_eq!(e.to_string(), "cannot cast `mine` to `int`: kept");
    }

    /// One Polars plan whose UDFs (two columns, evaluated in parallel by
    /// Polars) fail with a fugue `ERR-CAST` naming `tag`.
    fn failing_plan(tag: String) -> fugue_core::Result<polars::prelude::DataFrame> {
        let df = polars::prelude::DataFrame::new(
            3,
            vec![
                Series::new("a".into(), &[1i64, 2, 3]).into(),
                Series::new("b".into(), &[4i64, 5, 6]).into(),
            ],
        )
        .map_err(|e| from_polars(e, "build"))?;
        let fail = |name: &'static str| {
            let tag = tag.clone();
            col(name).map(
                move |_c: Column| Err(carry(Error::cast(format!("`{tag}`"), "int", name))),
                |_, f| Ok(f.clone()),
            )
        };
        run_polars("collect", || {
            df.lazy().select([fail("a"), fail("b"), lit(1i64).alias("c")]).collect()
        })
    }

    /// Many threads run failing plans at once, each with its own error, while
    /// errors Polars drops pile up (2,560 of them, past the 1,024 entries at
    /// which the former shared table was cleared wholesale); each thread gets
    /// exactly its own error back every time.
    #[test]
    fn concurrent_plans_each_get_their_own_error_back() {
        const THREADS: usize = 16;
        const ITERATIONS: usize = 160;
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..THREADS)
                .map(|t| {
                    scope.spawn(move || {
                        let mut wrong = Vec::new();
                        for i in 0..ITERATIONS {
                            // an error Polars drops (e.g. of a second failing
                            // UDF): the former table kept such entries until
                            // its wholesale clear
                            drop(carry(Error::cast("`dropped`", "int", "dropped")));
                            let tag = format!("thread {t} iteration {i}");
                            match failing_plan(tag.clone()) {
                                Err(e) if e.kind() == ErrorKind::Cast => {
                                    let a = format!("cannot cast `{tag}` to `int`: a");
                                    let b = format!("cannot cast `{tag}` to `int`: b");
                                    let text = e.to_string();
                                    if text != a && text != b {
                                        wrong.push(text);
                                    }
                                }
                                other => wrong.push(format!("{other:?}")),
                            }
                        }
                        wrong
                    })
                })
                .collect();
            for (t, h) in handles.into_iter().enumerate() {
                let wrong = h.join().expect("thread finished");
                assert!(wrong.is_empty(), "thread {t} got other errors: {wrong:?}");
            }
        });
    }
}
