//! Conversions between DataFusion's errors and fugue's [`Error`].
//!
//! Fugue errors raised inside DataFusion plans (user functions of
//! `map_dataframe`, output-schema checks, casts of the `fugue_cast` UDF) travel
//! as `DataFusionError::External` and come back out as themselves, kind and
//! source intact. DataFusion's own failures keep the [`DataFusionError`] as
//! the source of the fugue error (never only its text).

use std::sync::Arc;

use datafusion::error::DataFusionError;
use fugue_core::Error;

/// The engine name used in backend errors.
pub(crate) const ENGINE: &str = "datafusion";

/// A fugue error as a DataFusion error (kept whole inside `External`).
/// A fugue error travelling inside DataFusion. `Display` is the error's;
/// `Debug` is its wire text ([`Error::to_wire`]), so when a distributed
/// engine (Ballista) reports a task failure as the `Debug` text of the
/// executor's error, the client finds the original kind and message in it.
struct Carried(Error);

impl std::fmt::Debug for Carried {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.to_wire())
    }
}

impl std::fmt::Display for Carried {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Carried {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0)
    }
}

/// A fugue error as a DataFusion error (`External`); [`from_df`] gives it
/// back whole, and across processes (Ballista) as an [`Error::Remote`] with
/// its kind and message.
pub fn to_df(e: Error) -> DataFusionError {
    DataFusionError::External(Box::new(Carried(e)))
}

/// A DataFusion error as a fugue error:
///
/// * a fugue error that travelled inside DataFusion (`External`, possibly
///   under `Context`, `Diagnostic`, `Shared` or Arrow's `ExternalError`)
///   comes back as itself, its kind and source intact (a copy of it, see
///   [`Error::duplicate`], when DataFusion still shares the error);
/// * an Arrow error keeps its Arrow kind (casts → `ERR-CAST`) and stays the
///   source;
/// * anything else is `ERR-EXECUTION` ([`Error::backend`]) naming
///   `operation`, the [`DataFusionError`] itself kept as the source.
pub(crate) fn from_df(operation: &str, e: DataFusionError) -> Error {
    if find_fugue(&e).is_some() {
        return take_fugue(operation, e);
    }
    match e {
        DataFusionError::ArrowError(a, _) => Error::Arrow(*a),
        // a fugue error raised in another process (a Ballista executor)
        // comes back inside the job failure's text
        other => match Error::from_wire(&other.to_string()) {
            Some(remote) => remote,
            None => Error::backend(ENGINE, operation, other),
        },
    }
}

/// The fugue error inside `e`, moved out where DataFusion owns it alone.
fn take_fugue(operation: &str, e: DataFusionError) -> Error {
    match e {
        DataFusionError::External(b) => take_boxed(operation, b),
        DataFusionError::Context(_, inner) | DataFusionError::Diagnostic(_, inner) => {
            take_fugue(operation, *inner)
        }
        DataFusionError::Shared(arc) => match Arc::try_unwrap(arc) {
            Ok(inner) => take_fugue(operation, inner),
            Err(arc) => copy_or_backend(operation, DataFusionError::Shared(arc)),
        },
        DataFusionError::ArrowError(a, backtrace) => match *a {
            arrow::error::ArrowError::ExternalError(b) => take_boxed(operation, b),
            other => {
                copy_or_backend(operation, DataFusionError::ArrowError(Box::new(other), backtrace))
            }
        },
        other => copy_or_backend(operation, other),
    }
}

fn take_boxed(operation: &str, b: Box<dyn std::error::Error + Send + Sync>) -> Error {
    let b = match b.downcast::<Carried>() {
        Ok(f) => return f.0,
        Err(b) => b,
    };
    let b = match b.downcast::<Error>() {
        Ok(f) => return *f,
        Err(b) => b,
    };
    match b.downcast::<DataFusionError>() {
        Ok(d) => from_df(operation, *d),
        Err(b) => match find_fugue(b.as_ref()) {
            Some(f) => f.duplicate(),
            None => Error::backend(ENGINE, operation, b),
        },
    }
}

/// A copy of the fugue error inside `e` (found by reference), else `e` as
/// the source of an `ERR-EXECUTION`.
fn copy_or_backend(operation: &str, e: DataFusionError) -> Error {
    match find_fugue(&e) {
        Some(f) => f.duplicate(),
        None => Error::backend(ENGINE, operation, e),
    }
}

/// The outermost fugue error in the source chain of `e` (`e` included).
fn find_fugue<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a Error> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(f) = err.downcast_ref::<Error>() {
            return Some(f);
        }
        if let Some(Carried(f)) = err.downcast_ref::<Carried>() {
            return Some(f);
        }
        current = err.source();
    }
    None
}

/// `r` with a DataFusion error converted by [`from_df`].
pub(crate) trait DfResultExt<T> {
    /// Converts the error, naming `operation`.
    fn fugue(self, operation: &str) -> fugue_core::Result<T>;
}

impl<T> DfResultExt<T> for datafusion::error::Result<T> {
    fn fugue(self, operation: &str) -> fugue_core::Result<T> {
        self.map_err(|e| from_df(operation, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fugue_core::ErrorKind;

    /// A fugue error raised on a Ballista executor reaches the client only
    /// as the text of the job failure; its kind and message come back.
    #[test]
    fn fugue_errors_from_another_process_keep_their_kind() {
        let on_executor = to_df(Error::user(std::io::Error::other("boom at {k=2}")));
        let text = format!("Job 1 failed: Task failed: DataFusionError({on_executor:?})");
        let back = from_df("collect", DataFusionError::Execution(text));
        assert_eq!(back.kind(), ErrorKind::User);
        assert_eq!(back.to_string(), "user function failed: boom at {k=2}");
    }

    #[test]
    fn fugue_errors_survive_a_round_trip_through_datafusion() {
        let e = to_df(Error::schema("bad output"));
        assert_eq!(from_df("x", e).kind(), ErrorKind::Schema);
        let ctx = DataFusionError::Context("ctx".into(), Box::new(to_df(Error::arg("a", "b"))));
        assert_eq!(from_df("x", ctx).kind(), ErrorKind::InvalidArgument);
        let user = Error::user(std::io::Error::other("boom"));
        let shared = Arc::new(to_df(user));
        let _keep = Arc::clone(&shared);
        let back = from_df("x", DataFusionError::Shared(shared));
        assert_eq!(back.kind(), ErrorKind::User);
        assert_eq!(back.to_string(), "user function failed: boom");
        let plan = DataFusionError::Plan("nope".into());
        assert_eq!(from_df("x", plan).kind(), ErrorKind::Execution);
    }

    /// A fugue error moved out of DataFusion is the original one: its
    /// source (the user's error) is still there to downcast (ERR-USER, §0).
    #[test]
    fn fugue_errors_come_back_whole_with_their_source() {
        let inner = "x".parse::<i32>().expect_err("not a number");
        let wrapped = DataFusionError::ArrowError(
            Box::new(arrow::error::ArrowError::ExternalError(Box::new(to_df(Error::user(
                inner.clone(),
            ))))),
            None,
        )
        .context("while executing");
        let back = from_df("collect", wrapped);
        assert_eq!(back.kind(), ErrorKind::User);
        let source = std::error::Error::source(&back).expect("source");
        assert_eq!(source.downcast_ref::<std::num::ParseIntError>(), Some(&inner));
        let cast = Error::cast("`s`", "int", "not a number");
        let back = from_df("collect", DataFusionError::Shared(Arc::new(to_df(cast))));
        assert_eq!(back.kind(), ErrorKind::Cast);
        assert_eq!(back.to_string(), "cannot cast `s` to `int`: not a number");
    }

    /// A failure of DataFusion itself keeps the `DataFusionError` as the
    /// source of the `ERR-EXECUTION` error, not its text.
    #[test]
    fn datafusion_failures_keep_the_datafusion_error_as_source() {
        let ctx = datafusion::prelude::SessionContext::new();
        let df = ctx.read_empty().expect("empty frame");
        let err = df.select_columns(&["nope"]).fugue("select").expect_err("no such column");
        assert_eq!(err.kind(), ErrorKind::Execution);
        let source = std::error::Error::source(&err).expect("the datafusion error is the source");
        let df_err = source.downcast_ref::<DataFusionError>().expect("a DataFusionError");
        assert!(df_err.to_string().contains("nope"), "{df_err}");
        assert!(err.to_string().contains("nope"), "{err}");

        let shared = Arc::new(DataFusionError::Execution("disk full".into()));
        let _keep = Arc::clone(&shared);
        let err = from_df("collect", DataFusionError::Shared(shared));
        assert_eq!(err.kind(), ErrorKind::Execution);
        let source = err.backend_source().and_then(|s| s.downcast_ref::<DataFusionError>());
        assert!(matches!(source, Some(DataFusionError::Shared(_))), "{err:?}");
    }
}
