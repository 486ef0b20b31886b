//! Conversions between DataFusion's errors and fugue's [`Error`].
//!
//! Fugue errors raised inside DataFusion plans (user functions of
//! `map_dataframe`, output-schema checks, casts of the `fugue_cast` UDF) travel
//! as `DataFusionError::External` and come back out with their kind intact.

use std::sync::Arc;

use datafusion::error::DataFusionError;
use fugue_core::Error;

/// The engine name used in backend errors.
pub(crate) const ENGINE: &str = "datafusion";

/// A fugue error as a DataFusion error (kept whole inside `External`).
pub(crate) fn to_df(e: Error) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// A DataFusion error as a fugue error: fugue errors smuggled through
/// `External` are unwrapped (their kind kept), Arrow errors keep their
/// Arrow kind (casts → `ERR-CAST`), anything else is `ERR-EXECUTION`
/// naming `operation`.
pub(crate) fn from_df(operation: &str, e: DataFusionError) -> Error {
    match e {
        DataFusionError::External(b) => from_boxed(operation, b),
        DataFusionError::Context(_, inner) => from_df(operation, *inner),
        DataFusionError::Shared(arc) => match Arc::try_unwrap(arc) {
            Ok(inner) => from_df(operation, inner),
            Err(arc) => match find_fugue(&arc) {
                Some(f) => rebuild(f),
                None => Error::backend(ENGINE, operation, arc.to_string()),
            },
        },
        DataFusionError::ArrowError(a, _) => match *a {
            arrow::error::ArrowError::ExternalError(b) => from_boxed(operation, b),
            other => Error::Arrow(other),
        },
        other => Error::backend(ENGINE, operation, Box::new(other)),
    }
}

fn from_boxed(operation: &str, b: Box<dyn std::error::Error + Send + Sync>) -> Error {
    let b = match b.downcast::<Error>() {
        Ok(f) => return *f,
        Err(b) => b,
    };
    match b.downcast::<DataFusionError>() {
        Ok(d) => from_df(operation, *d),
        Err(b) => Error::backend(ENGINE, operation, b),
    }
}

/// A fugue error somewhere inside `e` (by reference).
fn find_fugue(e: &DataFusionError) -> Option<&Error> {
    match e {
        DataFusionError::External(b) => b.downcast_ref::<Error>(),
        DataFusionError::Context(_, inner) => find_fugue(inner),
        DataFusionError::Shared(arc) => find_fugue(arc),
        _ => None,
    }
}

/// A copy of `e` with the same kind (errors are not `Clone`; a shared
/// DataFusion error only lends us a reference).
fn rebuild(e: &Error) -> Error {
    match e {
        Error::User { keys, source } => {
            Error::User { keys: keys.clone(), source: source.to_string().into() }
        }
        Error::UserPanic { keys, message } => {
            Error::UserPanic { keys: keys.clone(), message: message.clone() }
        }
        Error::Schema(m) => Error::schema(m.clone()),
        Error::InvalidOperation(m) => Error::invalid_op(m.clone()),
        Error::NotSupported(m) => Error::not_supported(m.clone()),
        Error::Internal(m) => Error::internal(m.clone()),
        other => Error::backend(ENGINE, "shared error", other.to_string()),
    }
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

    #[test]
    fn fugue_errors_survive_a_round_trip_through_datafusion() {
        let e = to_df(Error::schema("bad output"));
        assert_eq!(from_df("x", e).kind(), ErrorKind::Schema);
        let ctx = DataFusionError::Context("ctx".into(), Box::new(to_df(Error::arg("a", "b"))));
        assert_eq!(from_df("x", ctx).kind(), ErrorKind::InvalidArgument);
        let user = Error::User { keys: "k=1".into(), source: "boom".into() };
        let shared = Arc::new(to_df(user));
        let _keep = Arc::clone(&shared);
        assert_eq!(from_df("x", DataFusionError::Shared(shared)).kind(), ErrorKind::User);
        let plan = DataFusionError::Plan("nope".into());
        assert_eq!(from_df("x", plan).kind(), ErrorKind::Execution);
    }
}
