//! The one error type of fugue-rs.
//!
//! Every fallible function of the core and of every engine returns
//! [`Result<T>`](Result) with [`Error`]. Variants are split by what the caller
//! can do next (fix the input, pick another engine, fix the configuration,
//! report a bug), and [`Error::kind`] maps each variant to one of the error
//! kinds of `spec/SCHEMA_AND_DATAFRAME.md` §0 (`ERR-SCHEMA-SYNTAX`, `ERR-ARG`,
//! ...). Tests assert kinds, never messages.
//!
//! Messages follow one style: lower case, no trailing period, the offending
//! value in backticks, and what was expected.

use std::fmt;

/// A boxed error that can cross threads, used as the `source` of backend and
/// user-code errors.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error kinds of the behaviour spec (`spec/SCHEMA_AND_DATAFRAME.md` §0).
///
/// Each [`Error`] variant belongs to exactly one kind; see [`Error::kind`].
/// Kinds that the spec defines for the workflow layer (`ERR-WF*`) are added
/// when that layer lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `ERR-SCHEMA-SYNTAX`: a schema, presort or partition expression cannot be parsed.
    SchemaSyntax,
    /// `ERR-SCHEMA`: a structurally invalid schema operation.
    Schema,
    /// `ERR-DF-OP`: an invalid DataFrame column operation (rename / drop / select).
    DataFrameOp,
    /// `ERR-DF-INIT`: an invalid DataFrame construction.
    DataFrameInit,
    /// `ERR-EMPTY`: peeking an empty DataFrame.
    Empty,
    /// `ERR-INVALID-OP`: an operation not allowed in this state.
    InvalidOperation,
    /// `ERR-ARG`: an invalid argument value or combination.
    InvalidArgument,
    /// `ERR-NOT-FOUND`: a named thing (column, conf key, file) does not exist.
    NotFound,
    /// `ERR-NOT-SUPPORTED`: a feature, format, mode or operation is not implemented.
    NotSupported,
    /// `ERR-EXISTS`: the target already exists.
    AlreadyExists,
    /// `ERR-CAST`: a value conversion failed.
    Cast,
    /// `ERR-PLUGIN`: an engine or SQL engine name is not registered (or registered twice).
    Plugin,
    /// `ERR-USER`: an error or panic raised by user code; the original error is the source.
    User,
    /// `ERR-WF-COMPILE-VALIDATION`: a compile-time validation rule of an extension
    /// (`partitionby_has`, `presort_is`, ...) is not met (WF-VAL-1..4).
    CompileValidation,
    /// `ERR-WF-RUNTIME-VALIDATION`: a run-time validation rule (`input_has`,
    /// `input_is`) is not met (WF-VAL-5, WF-VAL-6).
    RuntimeValidation,
    /// `ERR-WF`: a workflow error that fits none of its children, e.g. reading
    /// a node's result before the workflow ran (WF-RUN-4).
    Workflow,
    /// `ERR-WF-COMPILE`: a workflow or extension call is invalid when it is
    /// built (a cotransformer on a frame that is not zipped, a foreign
    /// workflow frame), before any data moves (WF-EXC-1).
    WorkflowCompile,
    /// `ERR-WF-INTERFACELESS`: an extension has no usable interface: a
    /// function without an output schema where one is needed, a required
    /// callback without a handler, an unknown extension name, `*` in a
    /// cotransformer schema (WF-SIG-3, WF-SIG-4, WF-TR-2, WF-RPC-3).
    Interfaceless,
    /// `ERR-WF-RUNTIME`: the workflow machinery failed while running (a
    /// checkpoint without a checkpoint path, an RPC server that refused a
    /// call), as opposed to an operation or user code.
    WorkflowRuntime,
    /// `ERR-FSQL-SYNTAX`: a FugueSQL script cannot be tokenised or parsed
    /// (spec/FUGUESQL.md §0.2); no parent kind, like `ERR-SCHEMA-SYNTAX`.
    FsqlSyntax,
    /// `ERR-FSQL`: a parsed FugueSQL script is semantically invalid (unknown
    /// dataframe name, no previous dataframe, invalid member access, an
    /// unsupported form); its parent kind is `ERR-WF-COMPILE`.
    Fsql,
    /// `ERR-FSQL-TEMPLATE`: a FugueSQL template cannot be rendered (syntax,
    /// undefined value; FSQL-TPL-6); its parent kind is `ERR-FSQL`.
    FsqlTemplate,
    /// An error of the engine's backend library (Polars, DataFusion, Arrow, Parquet) or of
    /// the operating system that fits no kind above.
    Execution,
    /// A bug in fugue-rs.
    Internal,
}

impl ErrorKind {
    /// The id of this kind in the spec, e.g. `"ERR-ARG"`.
    pub fn spec_id(self) -> &'static str {
        match self {
            ErrorKind::SchemaSyntax => "ERR-SCHEMA-SYNTAX",
            ErrorKind::Schema => "ERR-SCHEMA",
            ErrorKind::DataFrameOp => "ERR-DF-OP",
            ErrorKind::DataFrameInit => "ERR-DF-INIT",
            ErrorKind::Empty => "ERR-EMPTY",
            ErrorKind::InvalidOperation => "ERR-INVALID-OP",
            ErrorKind::InvalidArgument => "ERR-ARG",
            ErrorKind::NotFound => "ERR-NOT-FOUND",
            ErrorKind::NotSupported => "ERR-NOT-SUPPORTED",
            ErrorKind::AlreadyExists => "ERR-EXISTS",
            ErrorKind::Cast => "ERR-CAST",
            ErrorKind::Plugin => "ERR-PLUGIN",
            ErrorKind::User => "ERR-USER",
            ErrorKind::CompileValidation => "ERR-WF-COMPILE-VALIDATION",
            ErrorKind::RuntimeValidation => "ERR-WF-RUNTIME-VALIDATION",
            ErrorKind::Workflow => "ERR-WF",
            ErrorKind::WorkflowCompile => "ERR-WF-COMPILE",
            ErrorKind::Interfaceless => "ERR-WF-INTERFACELESS",
            ErrorKind::WorkflowRuntime => "ERR-WF-RUNTIME",
            ErrorKind::FsqlSyntax => "ERR-FSQL-SYNTAX",
            ErrorKind::Fsql => "ERR-FSQL",
            ErrorKind::FsqlTemplate => "ERR-FSQL-TEMPLATE",
            ErrorKind::Execution => "ERR-EXECUTION",
            ErrorKind::Internal => "ERR-INTERNAL",
        }
    }

    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 24] = [
        ErrorKind::SchemaSyntax,
        ErrorKind::Schema,
        ErrorKind::DataFrameOp,
        ErrorKind::DataFrameInit,
        ErrorKind::Empty,
        ErrorKind::InvalidOperation,
        ErrorKind::InvalidArgument,
        ErrorKind::NotFound,
        ErrorKind::NotSupported,
        ErrorKind::AlreadyExists,
        ErrorKind::Cast,
        ErrorKind::Plugin,
        ErrorKind::User,
        ErrorKind::CompileValidation,
        ErrorKind::RuntimeValidation,
        ErrorKind::Workflow,
        ErrorKind::WorkflowCompile,
        ErrorKind::Interfaceless,
        ErrorKind::WorkflowRuntime,
        ErrorKind::FsqlSyntax,
        ErrorKind::Fsql,
        ErrorKind::FsqlTemplate,
        ErrorKind::Execution,
        ErrorKind::Internal,
    ];

    /// The kind whose [`spec_id`](Self::spec_id) is `id` (`"ERR-ARG"`), if any.
    pub fn from_spec_id(id: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.spec_id() == id)
    }

    /// The kind this kind specialises, as the spec's error tables give it:
    /// `ERR-WF-*` kinds have the parent `ERR-WF`, `ERR-FSQL` has
    /// `ERR-WF-COMPILE`, `ERR-FSQL-TEMPLATE` has `ERR-FSQL`. Kinds without a
    /// parent (all of `spec/SCHEMA_AND_DATAFRAME.md` §0, `ERR-FSQL-SYNTAX`)
    /// return `None`.
    pub fn parent(self) -> Option<ErrorKind> {
        match self {
            ErrorKind::CompileValidation
            | ErrorKind::RuntimeValidation
            | ErrorKind::WorkflowCompile
            | ErrorKind::Interfaceless
            | ErrorKind::WorkflowRuntime => Some(ErrorKind::Workflow),
            ErrorKind::Fsql => Some(ErrorKind::WorkflowCompile),
            ErrorKind::FsqlTemplate => Some(ErrorKind::Fsql),
            _ => None,
        }
    }

    /// `true` when this kind is `other` or specialises it through
    /// [`ErrorKind::parent`], the way a Python `except` of a base class
    /// catches its subclasses.
    ///
    /// ```
    /// use fugue_core::ErrorKind;
    /// assert!(ErrorKind::FsqlTemplate.is_a(ErrorKind::WorkflowCompile));
    /// assert!(!ErrorKind::FsqlSyntax.is_a(ErrorKind::Fsql));
    /// ```
    pub fn is_a(self, other: ErrorKind) -> bool {
        let mut kind = Some(self);
        while let Some(k) = kind {
            if k == other {
                return true;
            }
            kind = k.parent();
        }
        false
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.spec_id())
    }
}

/// The error of every fugue-rs operation.
///
/// Match on [`Error::kind`] rather than on variants when only the class of
/// failure matters; variants carry the details (what, where, why).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `ERR-SCHEMA-SYNTAX`: `input` (a schema, type, presort or partition
    /// expression) cannot be parsed.
    #[error("invalid expression `{input}`: {reason}")]
    SchemaSyntax {
        /// The text that failed to parse.
        input: String,
        /// What was wrong and what was expected.
        reason: String,
    },
    /// `ERR-SCHEMA`: a structurally invalid schema or schema operation.
    #[error("schema error: {0}")]
    Schema(String),
    /// `ERR-DF-OP`: an invalid column operation on a DataFrame.
    #[error("invalid `{operation}` on dataframe: {reason}")]
    DataFrameOp {
        /// The operation, e.g. `rename`, `drop`, `select_columns`.
        operation: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// `ERR-DF-INIT`: a DataFrame cannot be constructed from the given parts.
    #[error("cannot build dataframe: {0}")]
    DataFrameInit(String),
    /// `ERR-EMPTY`: the DataFrame has no rows, so there is nothing to peek.
    #[error("dataframe is empty: {0}")]
    Empty(String),
    /// `ERR-INVALID-OP`: the operation is not allowed on this object in this state.
    #[error("invalid operation: {0}")]
    InvalidOperation(String),
    /// `ERR-ARG`: an argument has an invalid value or combination.
    #[error("invalid argument `{argument}`: {reason}")]
    InvalidArgument {
        /// The argument (or the offending value) at fault.
        argument: String,
        /// What was wrong and what was expected.
        reason: String,
    },
    /// `ERR-NOT-FOUND`: a named thing does not exist.
    #[error("{what} `{name}` not found{}", fmt_available(.available))]
    NotFound {
        /// What kind of thing was looked up: `column`, `conf key`, `path`, ...
        what: &'static str,
        /// The name that was looked up.
        name: String,
        /// The names that do exist, comma separated (may be empty).
        available: String,
    },
    /// `ERR-NOT-SUPPORTED`: a feature, format, mode or operation is not
    /// supported, by `engine` when the limit is an engine's (ENG-SQL-5,
    /// ENG-IO-1, ...). Built by [`Error::unsupported`] (an engine and an
    /// operation) or [`Error::not_supported`] (a description).
    #[error("{}", fmt_not_supported(.what, .engine.as_deref()))]
    NotSupported {
        /// What is not supported: the operation (e.g. `save_table`) when
        /// `engine` is set, otherwise a description of the feature.
        what: String,
        /// The engine that lacks it, when the limit is an engine's.
        engine: Option<String>,
    },
    /// `ERR-EXISTS`: the target of a save already exists.
    #[error("`{0}` already exists")]
    AlreadyExists(String),
    /// `ERR-CAST`: a value or column cannot be converted to the target type.
    #[error("cannot cast {from} to `{to}`: {reason}")]
    Cast {
        /// The source type or value.
        from: String,
        /// The target type.
        to: String,
        /// Why the conversion failed.
        reason: String,
    },
    /// `ERR-PLUGIN`: no engine of that name is registered.
    #[error("unknown {what} `{name}`; registered: {registered}{}", fmt_hint(.hint))]
    UnknownEngine {
        /// `execution engine` or `SQL engine`.
        what: &'static str,
        /// The requested name.
        name: String,
        /// The registered names, comma separated (`none` when empty).
        registered: String,
        /// How to link the missing engine, when known.
        hint: String,
    },
    /// `ERR-PLUGIN`: two crates registered the same engine name.
    #[error("{what} name `{name}` is registered twice, by `{first}` and by `{second}`")]
    DuplicateEngine {
        /// `execution engine` or `SQL engine`.
        what: &'static str,
        /// The duplicated name or alias.
        name: String,
        /// The crate of the first registration.
        first: &'static str,
        /// The crate of the second registration.
        second: &'static str,
    },
    /// `ERR-USER`: user code (a map function, an `on_init`, a transformer)
    /// failed; the user's error is the [`source`](std::error::Error::source)
    /// (`spec/SCHEMA_AND_DATAFRAME.md` §0, ENG-MAP-9, WF-TR-7). User code
    /// builds it with [`Error::user`] (or `?` on a [`BoxError`]); the map
    /// machinery ([`call_user`](crate::engine::map::call_user)) fills in
    /// `keys`.
    #[error("user function failed{}: {source}", fmt_keys(.keys.as_deref()))]
    User {
        /// The partition keys of the failing call, e.g. `{a=1, b=NULL}` (or
        /// `no keys`); `None` until the map machinery knows the partition.
        keys: Option<String>,
        /// The error the user code returned.
        #[source]
        source: BoxError,
    },
    /// `ERR-USER`: user code panicked; the panic was caught.
    #[error("user function panicked in partition {keys}: {message}")]
    UserPanic {
        /// The partition keys of the failing call.
        keys: String,
        /// The panic payload as text.
        message: String,
    },
    /// `ERR-WF-COMPILE-VALIDATION` / `ERR-WF-RUNTIME-VALIDATION`: the validation
    /// rule `rule` of an extension is not met (WF-VAL-*).
    #[error("validation rule `{rule}` failed: {reason}")]
    Validation {
        /// The rule name, e.g. `partitionby_has`.
        rule: String,
        /// What was expected and what was found.
        reason: String,
        /// True for compile-time rules (partition and presort rules), false for
        /// run-time rules (input schema rules).
        compile_time: bool,
    },
    /// An error of a backend library while running an operation.
    #[error("`{engine}` failed during `{operation}`: {source}")]
    Backend {
        /// The engine (or library) name.
        engine: String,
        /// The operation that was running.
        operation: String,
        /// The backend's own error; downcast it to reach the details.
        #[source]
        source: BoxError,
    },
    /// An Arrow compute error outside any more specific context.
    #[error("arrow error: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    /// A file-system error on `path`.
    #[error("io error on `{path}`: {source}")]
    Io {
        /// The path being read or written.
        path: String,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// `ERR-WF`: a workflow error that fits none of its children (WF-RUN-4).
    #[error("workflow error: {0}")]
    Workflow(String),
    /// `ERR-WF-COMPILE`: an invalid workflow or extension call, raised by
    /// the call that builds it (WF-EXC-1).
    #[error("invalid workflow: {0}")]
    WorkflowCompile(String),
    /// `ERR-WF-INTERFACELESS`: an extension without a usable interface
    /// (WF-SIG-3, WF-SIG-4, WF-TR-2, WF-RPC-3); the message says what is
    /// missing and how to provide it.
    #[error("extension has no usable interface: {0}")]
    Interfaceless(String),
    /// `ERR-WF-RUNTIME`: the workflow machinery failed while running.
    #[error("workflow run failed: {0}")]
    WorkflowRuntime(String),
    /// `ERR-FSQL-SYNTAX`: a FugueSQL script cannot be parsed. The message is
    /// the whole FSQL-RUST-ERR-2 display: position, what was expected, the
    /// source line and a caret marker.
    #[error("{0}")]
    FsqlSyntax(String),
    /// `ERR-FSQL`: a parsed FugueSQL script is semantically invalid; the
    /// message names the statement's lines (FSQL-RUST-ERR-5).
    #[error("invalid FugueSQL: {0}")]
    Fsql(String),
    /// `ERR-FSQL-TEMPLATE`: a FugueSQL template cannot be rendered
    /// (FSQL-TPL-6).
    #[error("FugueSQL template error: {0}")]
    FsqlTemplate(String),
    /// An error raised in another process (an executor of a distributed
    /// engine) that crossed to this one as text ([`Error::to_wire`] /
    /// [`Error::from_wire`]): its kind and message are the original's; its
    /// source stayed in that process.
    #[error("{message}")]
    Remote {
        /// The original error's kind.
        kind: ErrorKind,
        /// The original error's message (its `Display`).
        message: String,
        /// The original's source, as text: an `Error::Remote` when it was
        /// a fugue error (so its kind survives), else its message.
        #[source]
        source: Option<BoxError>,
    },
    /// An error raised while a workflow node ran, with the node's name, what
    /// it does and the call site that built it (WF-EXC-1). Its kind is the
    /// kind of `source` (ERR-PROP-1), so matching on [`Error::kind`] sees
    /// through it; [`Error::root`] reaches the original error.
    #[error("in workflow node `{node}` ({what}, built at {site}): {source}")]
    InNode {
        /// The node name (`_0`, `_1`, ...).
        node: String,
        /// What the node does, e.g. `transform rank`.
        what: String,
        /// `file:line:column` of the builder call.
        site: String,
        /// The error the node raised.
        #[source]
        source: Box<Error>,
    },
    /// A bug in fugue-rs.
    #[error("internal error: {0}; this is a bug in fugue, please report it")]
    Internal(String),
}

fn fmt_available(available: &str) -> String {
    if available.is_empty() { String::new() } else { format!("; available: {available}") }
}

fn fmt_not_supported(what: &str, engine: Option<&str>) -> String {
    match engine {
        Some(engine) => format!("engine `{engine}` does not support `{what}`"),
        None => format!("not supported: {what}"),
    }
}

fn fmt_keys(keys: Option<&str>) -> String {
    keys.map(|k| format!(" in partition {k}")).unwrap_or_default()
}

fn fmt_hint(hint: &str) -> String {
    if hint.is_empty() { String::new() } else { format!("; hint: {hint}") }
}

impl Error {
    /// The spec error kind of this error (`spec/SCHEMA_AND_DATAFRAME.md` §0).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::SchemaSyntax { .. } => ErrorKind::SchemaSyntax,
            Error::Schema(_) => ErrorKind::Schema,
            Error::DataFrameOp { .. } => ErrorKind::DataFrameOp,
            Error::DataFrameInit(_) => ErrorKind::DataFrameInit,
            Error::Empty(_) => ErrorKind::Empty,
            Error::InvalidOperation(_) => ErrorKind::InvalidOperation,
            Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::NotSupported { .. } => ErrorKind::NotSupported,
            Error::AlreadyExists(_) => ErrorKind::AlreadyExists,
            Error::Cast { .. } => ErrorKind::Cast,
            Error::UnknownEngine { .. } | Error::DuplicateEngine { .. } => ErrorKind::Plugin,
            Error::User { .. } | Error::UserPanic { .. } => ErrorKind::User,
            Error::Validation { compile_time: true, .. } => ErrorKind::CompileValidation,
            Error::Validation { compile_time: false, .. } => ErrorKind::RuntimeValidation,
            Error::Arrow(e) => match e {
                arrow::error::ArrowError::CastError(_)
                | arrow::error::ArrowError::ParseError(_)
                | arrow::error::ArrowError::ArithmeticOverflow(_) => ErrorKind::Cast,
                arrow::error::ArrowError::SchemaError(_) => ErrorKind::Schema,
                arrow::error::ArrowError::InvalidArgumentError(_) => ErrorKind::InvalidArgument,
                arrow::error::ArrowError::NotYetImplemented(_) => ErrorKind::NotSupported,
                _ => ErrorKind::Execution,
            },
            Error::Backend { .. } | Error::Io { .. } => ErrorKind::Execution,
            Error::Workflow(_) => ErrorKind::Workflow,
            Error::WorkflowCompile(_) => ErrorKind::WorkflowCompile,
            Error::Interfaceless(_) => ErrorKind::Interfaceless,
            Error::WorkflowRuntime(_) => ErrorKind::WorkflowRuntime,
            Error::FsqlSyntax(_) => ErrorKind::FsqlSyntax,
            Error::Fsql(_) => ErrorKind::Fsql,
            Error::FsqlTemplate(_) => ErrorKind::FsqlTemplate,
            Error::InNode { source, .. } => source.kind(),
            Error::Remote { kind, .. } => *kind,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// `ERR-SCHEMA-SYNTAX` for `input`, with the reason and what was expected.
    pub fn syntax(input: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::SchemaSyntax { input: input.into(), reason: reason.into() }
    }

    /// `ERR-SCHEMA` with a message.
    pub fn schema(message: impl Into<String>) -> Self {
        Error::Schema(message.into())
    }

    /// `ERR-DF-OP` for `operation` with a reason.
    pub fn df_op(operation: &'static str, reason: impl Into<String>) -> Self {
        Error::DataFrameOp { operation, reason: reason.into() }
    }

    /// `ERR-DF-INIT` with a message.
    pub fn df_init(message: impl Into<String>) -> Self {
        Error::DataFrameInit(message.into())
    }

    /// `ERR-EMPTY` with a message.
    pub fn empty(message: impl Into<String>) -> Self {
        Error::Empty(message.into())
    }

    /// `ERR-INVALID-OP` with a message.
    pub fn invalid_op(message: impl Into<String>) -> Self {
        Error::InvalidOperation(message.into())
    }

    /// `ERR-ARG` for `argument` with a reason.
    pub fn arg(argument: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidArgument { argument: argument.into(), reason: reason.into() }
    }

    /// `ERR-NOT-FOUND` for a `what` (e.g. `"column"`) called `name`, listing what exists.
    pub fn not_found<S: AsRef<str>>(
        what: &'static str,
        name: impl Into<String>,
        available: impl IntoIterator<Item = S>,
    ) -> Self {
        let available: Vec<String> =
            available.into_iter().map(|s| format!("`{}`", s.as_ref())).collect();
        Error::NotFound { what, name: name.into(), available: available.join(", ") }
    }

    /// `ERR-NOT-SUPPORTED` ([`Error::NotSupported`] without an engine)
    /// describing what is not supported, e.g. a format or a mode (ENG-IO-1).
    pub fn not_supported(message: impl Into<String>) -> Self {
        Error::NotSupported { what: message.into(), engine: None }
    }

    /// `ERR-NOT-SUPPORTED` ([`Error::NotSupported`] naming the engine):
    /// `engine` does not support `operation` (e.g. ENG-SQL-5 `save_table`).
    pub fn unsupported(engine: impl Into<String>, operation: impl Into<String>) -> Self {
        Error::NotSupported { what: operation.into(), engine: Some(engine.into()) }
    }

    /// `ERR-CAST` from `from` to `to` with a reason.
    pub fn cast(from: impl Into<String>, to: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Cast { from: from.into(), to: to.into(), reason: reason.into() }
    }

    /// A backend-library error of `engine` during `operation`, keeping it as the source.
    pub fn backend(
        engine: impl Into<String>,
        operation: impl Into<String>,
        source: impl Into<BoxError>,
    ) -> Self {
        Error::Backend { engine: engine.into(), operation: operation.into(), source: source.into() }
    }

    /// A file-system error on `path`.
    pub fn io(path: impl fmt::Display, source: std::io::Error) -> Self {
        Error::Io { path: path.to_string(), source }
    }

    /// `ERR-USER`: an error of user code (a map function, an `on_init`, a
    /// transformer), from a message or from any error, which becomes the
    /// [`source`](std::error::Error::source) (`spec/SCHEMA_AND_DATAFRAME.md`
    /// §0: ERR-USER keeps the original error). Use it in user code instead of
    /// [`Error::internal`], which reports a bug in fugue. When the error
    /// leaves a map function, the map machinery adds the partition keys
    /// (ENG-MAP-9).
    ///
    /// ```
    /// use fugue_core::{Error, ErrorKind};
    ///
    /// let e = Error::user("price must be positive");
    /// assert_eq!(e.kind(), ErrorKind::User);
    /// assert_eq!(e.to_string(), "user function failed: price must be positive");
    /// let parse = "x".parse::<i32>().map_err(Error::user);
    /// assert!(parse.is_err_and(|e| e.is_user()));
    /// ```
    pub fn user(source: impl Into<BoxError>) -> Self {
        Error::User { keys: None, source: source.into() }
    }

    /// `ERR-WF-COMPILE`: an invalid workflow or extension call.
    pub fn wf_compile(message: impl Into<String>) -> Self {
        Error::WorkflowCompile(message.into())
    }

    /// `ERR-WF-INTERFACELESS`: an extension without a usable interface.
    pub fn interfaceless(message: impl Into<String>) -> Self {
        Error::Interfaceless(message.into())
    }

    /// `ERR-WF-RUNTIME`: the workflow machinery failed while running.
    pub fn wf_runtime(message: impl Into<String>) -> Self {
        Error::WorkflowRuntime(message.into())
    }

    /// `ERR-FSQL-SYNTAX` whose message is the full display of a FugueSQL
    /// syntax error (position, expectation, source line and caret).
    pub fn fsql_syntax(display: impl Into<String>) -> Self {
        Error::FsqlSyntax(display.into())
    }

    /// `ERR-FSQL`: a semantically invalid FugueSQL script.
    pub fn fsql(message: impl Into<String>) -> Self {
        Error::Fsql(message.into())
    }

    /// `ERR-FSQL-TEMPLATE`: a FugueSQL template that cannot be rendered.
    pub fn fsql_template(message: impl Into<String>) -> Self {
        Error::FsqlTemplate(message.into())
    }

    /// The error under any [`Error::InNode`] context.
    pub fn root(&self) -> &Error {
        match self {
            Error::InNode { source, .. } => source.root(),
            other => other,
        }
    }

    /// A bug in fugue-rs (its message asks to report it). Not for user code:
    /// user code fails with [`Error::user`].
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal(message.into())
    }

    /// A copy of this error with the same kind and message, for the rare
    /// places that only hold a shared reference to an error (e.g. a
    /// DataFusion or Polars error shared between threads). Errors are not
    /// `Clone` because their sources are boxed: a source that is itself a
    /// fugue [`Error`] is copied the same way (its kind kept), any other
    /// source is kept as its text; an Arrow error of a variant without its
    /// own kind (`ERR-EXECUTION`) is kept as its text inside
    /// `ArrowError::ExternalError`. Never fails.
    pub fn duplicate(&self) -> Error {
        use arrow::error::ArrowError as A;
        let source_copy = |source: &BoxError| -> BoxError {
            match source.downcast_ref::<Error>() {
                Some(e) => Box::new(e.duplicate()),
                None => source.to_string().into(),
            }
        };
        match self {
            Error::SchemaSyntax { input, reason } => {
                Error::SchemaSyntax { input: input.clone(), reason: reason.clone() }
            }
            Error::Schema(m) => Error::Schema(m.clone()),
            Error::DataFrameOp { operation, reason } => {
                Error::DataFrameOp { operation, reason: reason.clone() }
            }
            Error::DataFrameInit(m) => Error::DataFrameInit(m.clone()),
            Error::Empty(m) => Error::Empty(m.clone()),
            Error::InvalidOperation(m) => Error::InvalidOperation(m.clone()),
            Error::InvalidArgument { argument, reason } => {
                Error::InvalidArgument { argument: argument.clone(), reason: reason.clone() }
            }
            Error::NotFound { what, name, available } => {
                Error::NotFound { what, name: name.clone(), available: available.clone() }
            }
            Error::NotSupported { what, engine } => {
                Error::NotSupported { what: what.clone(), engine: engine.clone() }
            }
            Error::AlreadyExists(m) => Error::AlreadyExists(m.clone()),
            Error::Cast { from, to, reason } => {
                Error::Cast { from: from.clone(), to: to.clone(), reason: reason.clone() }
            }
            Error::UnknownEngine { what, name, registered, hint } => Error::UnknownEngine {
                what,
                name: name.clone(),
                registered: registered.clone(),
                hint: hint.clone(),
            },
            Error::DuplicateEngine { what, name, first, second } => {
                Error::DuplicateEngine { what, name: name.clone(), first, second }
            }
            Error::User { keys, source } => {
                Error::User { keys: keys.clone(), source: source_copy(source) }
            }
            Error::UserPanic { keys, message } => {
                Error::UserPanic { keys: keys.clone(), message: message.clone() }
            }
            Error::Validation { rule, reason, compile_time } => Error::Validation {
                rule: rule.clone(),
                reason: reason.clone(),
                compile_time: *compile_time,
            },
            Error::Backend { engine, operation, source } => Error::Backend {
                engine: engine.clone(),
                operation: operation.clone(),
                source: source_copy(source),
            },
            Error::Arrow(e) => Error::Arrow(match e {
                A::CastError(m) => A::CastError(m.clone()),
                A::ParseError(m) => A::ParseError(m.clone()),
                A::ArithmeticOverflow(m) => A::ArithmeticOverflow(m.clone()),
                A::SchemaError(m) => A::SchemaError(m.clone()),
                A::InvalidArgumentError(m) => A::InvalidArgumentError(m.clone()),
                A::NotYetImplemented(m) => A::NotYetImplemented(m.clone()),
                other => A::ExternalError(other.to_string().into()),
            }),
            Error::Io { path, source } => Error::Io {
                path: path.clone(),
                source: std::io::Error::new(source.kind(), source.to_string()),
            },
            Error::Workflow(m) => Error::Workflow(m.clone()),
            Error::WorkflowCompile(m) => Error::WorkflowCompile(m.clone()),
            Error::Interfaceless(m) => Error::Interfaceless(m.clone()),
            Error::WorkflowRuntime(m) => Error::WorkflowRuntime(m.clone()),
            Error::FsqlSyntax(m) => Error::FsqlSyntax(m.clone()),
            Error::Fsql(m) => Error::Fsql(m.clone()),
            Error::FsqlTemplate(m) => Error::FsqlTemplate(m.clone()),
            Error::InNode { node, what, site, source } => Error::InNode {
                node: node.clone(),
                what: what.clone(),
                site: site.clone(),
                source: Box::new(source.duplicate()),
            },
            Error::Remote { kind, message, source } => Error::Remote {
                kind: *kind,
                message: message.clone(),
                source: source.as_ref().map(source_copy),
            },
            Error::Internal(m) => Error::Internal(m.clone()),
        }
    }

    /// This error as text that survives being embedded in another error's
    /// text (a distributed engine's task failure): `[fugue KIND|LEN] MESSAGE`
    /// with the spec id of the kind and the byte length of the message,
    /// followed by ` <- ` and its source the same way (kind `-` for a
    /// source that is not a fugue error). [`Error::from_wire`] finds it again.
    pub fn to_wire(&self) -> String {
        let message = self.to_string();
        let mut out = format!("{WIRE_START}{}|{}] {message}", self.kind().spec_id(), message.len());
        if let Some(source) = std::error::Error::source(self) {
            out.push_str(WIRE_SOURCE);
            match source.downcast_ref::<Error>() {
                Some(e) => out.push_str(&e.to_wire()),
                None => {
                    let m = source.to_string();
                    out.push_str(&format!("{WIRE_START}-|{}] {m}", m.len()));
                }
            }
        }
        out
    }

    /// The first [`to_wire`](Self::to_wire) error inside `text`, as an
    /// [`Error::Remote`] with the original kind, message and source chain;
    /// `None` when `text` holds none (or a damaged one).
    pub fn from_wire(text: &str) -> Option<Error> {
        let mut rest = text;
        while let Some(at) = rest.find(WIRE_START) {
            rest = &rest[at..];
            if let Some((WireItem::Fugue(e), _)) = parse_wire(rest, 0) {
                return Some(e);
            }
            rest = &rest[WIRE_START.len()..];
        }
        None
    }

    /// The backend error this error wraps, if any, for downcasting to the
    /// backend's own error type.
    pub fn backend_source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match self {
            Error::Backend { source, .. } | Error::User { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }

    /// True for `ERR-SCHEMA-SYNTAX`.
    pub fn is_schema_syntax(&self) -> bool {
        self.kind() == ErrorKind::SchemaSyntax
    }
    /// True for `ERR-SCHEMA`.
    pub fn is_schema(&self) -> bool {
        self.kind() == ErrorKind::Schema
    }
    /// True for `ERR-ARG`.
    pub fn is_invalid_argument(&self) -> bool {
        self.kind() == ErrorKind::InvalidArgument
    }
    /// True for `ERR-NOT-FOUND`.
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }
    /// True for `ERR-NOT-SUPPORTED`.
    pub fn is_not_supported(&self) -> bool {
        self.kind() == ErrorKind::NotSupported
    }
    /// True for `ERR-USER` (an error or panic of user code).
    pub fn is_user(&self) -> bool {
        self.kind() == ErrorKind::User
    }
}

/// The start of an error's wire text ([`Error::to_wire`]).
const WIRE_START: &str = "[fugue ";

/// What separates an error's wire text from its source's.
const WIRE_SOURCE: &str = " <- ";

/// One parsed wire item: a fugue error, or a foreign source's message.
enum WireItem {
    Fugue(Error),
    Foreign(String),
}

/// Parses the wire item at the start of `text` (and its sources, at most
/// 32 deep) and returns it with the text after it.
fn parse_wire(text: &str, depth: usize) -> Option<(WireItem, &str)> {
    let rest = text.strip_prefix(WIRE_START)?;
    let (kind, after) = rest.split_once('|')?;
    let (len, after) = after.split_once("] ")?;
    let len: usize = len.parse().ok()?;
    let message = after.get(..len)?.to_string();
    let after = &after[len..];
    if kind == "-" {
        return Some((WireItem::Foreign(message), after));
    }
    let kind = ErrorKind::from_spec_id(kind)?;
    let (source, after) = match after.strip_prefix(WIRE_SOURCE) {
        Some(next) if depth < 32 => match parse_wire(next, depth + 1) {
            Some((WireItem::Fugue(e), after)) => (Some(Box::new(e) as BoxError), after),
            Some((WireItem::Foreign(m), after)) => (Some(BoxError::from(m)), after),
            None => (None, after),
        },
        _ => (None, after),
    };
    Some((WireItem::Fugue(Error::Remote { kind, message, source }), after))
}

/// `?` on a [`BoxError`] in user code: a boxed fugue [`Error`] comes back as
/// itself (its kind kept); any other error becomes `ERR-USER`
/// ([`Error::user`]) with it as the source (`spec/SCHEMA_AND_DATAFRAME.md` §0).
impl From<BoxError> for Error {
    fn from(source: BoxError) -> Self {
        match source.downcast::<Error>() {
            Ok(e) => *e,
            Err(source) => Error::user(source),
        }
    }
}

/// Lets infallible conversions (`Schema` into `Schema`) be used where a
/// fallible one is accepted (`LocalDataFrame::from_rows(rows, schema)`).
impl From<std::convert::Infallible> for Error {
    fn from(e: std::convert::Infallible) -> Self {
        match e {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_cross_processes_as_wire_text_inside_other_text() {
        let e = super::Error::user(std::io::Error::other("boom (a) ] [fugue x"));
        let text = format!("Job failed: External({}))))", e.to_wire());
        let back = super::Error::from_wire(&text).expect("wire text found");
        assert_eq!(back.kind(), super::ErrorKind::User);
        assert_eq!(back.to_string(), e.to_string());
        assert!(super::Error::from_wire("[fugue ERR-USER|999] short").is_none());
        let cast = super::Error::cast("`x`", "int", "not a number");
        let user = super::Error::User { keys: Some("{k=1}".into()), source: Box::new(cast) };
        let back = super::Error::from_wire(&format!("x {} y", user.to_wire())).expect("found");
        let source =
            std::error::Error::source(&back).and_then(|s| s.downcast_ref::<super::Error>());
        assert_eq!(source.map(super::Error::kind), Some(super::ErrorKind::Cast));
        let parse = "two".parse::<usize>().map_err(super::Error::user).expect_err("not a number");
        let back = super::Error::from_wire(&parse.to_wire()).expect("found");
        let source = std::error::Error::source(&back).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("invalid digit found in string"));
        assert!(super::Error::from_wire("no error here").is_none());
    }

    #[test]
    fn every_kind_round_trips_through_its_spec_id() {
        for k in super::ErrorKind::ALL {
            assert_eq!(super::ErrorKind::from_spec_id(k.spec_id()), Some(k));
        }
        assert_eq!(super::ErrorKind::from_spec_id("ERR-NOPE"), None);
    }

    use super::*;

    #[test]
    fn kinds_map_to_spec_ids() {
        assert_eq!(Error::syntax("a:foo", "unknown type").kind().spec_id(), "ERR-SCHEMA-SYNTAX");
        assert_eq!(Error::arg("how", "bad").kind(), ErrorKind::InvalidArgument);
        assert_eq!(Error::unsupported("native", "save_table").kind(), ErrorKind::NotSupported);
        assert_eq!(Error::not_supported("x").kind(), ErrorKind::NotSupported);
        let cast = Error::from(arrow::error::ArrowError::CastError("x".into()));
        assert_eq!(cast.kind(), ErrorKind::Cast);
    }

    #[test]
    fn messages_name_the_offending_text() {
        let e = Error::not_found("column", "x", ["a", "b"]);
        assert_eq!(e.to_string(), "column `x` not found; available: `a`, `b`");
        let e = Error::not_found("column", "x", Vec::<String>::new());
        assert_eq!(e.to_string(), "column `x` not found");
        let e = Error::syntax("a:foo", "unknown type `foo`");
        assert_eq!(e.to_string(), "invalid expression `a:foo`: unknown type `foo`");
    }

    #[test]
    fn user_errors_keep_their_source() {
        let inner = std::io::Error::other("boom");
        let e = Error::User { keys: Some("{a=1}".into()), source: Box::new(inner) };
        assert!(e.is_user());
        assert_eq!(e.backend_source().map(|s| s.to_string()).as_deref(), Some("boom"));
        assert_eq!(e.to_string(), "user function failed in partition {a=1}: boom");
    }

    /// ERR-USER (§0): `Error::user` from a message or from any error keeps
    /// the original error as the source.
    #[test]
    fn err_user_constructor_keeps_kind_source_and_text() {
        let e = Error::user("price must be positive");
        assert_eq!(e.kind(), ErrorKind::User);
        assert_eq!(e.kind().spec_id(), "ERR-USER");
        assert_eq!(e.to_string(), "user function failed: price must be positive");
        let source = std::error::Error::source(&e).map(|s| s.to_string());
        assert_eq!(source.as_deref(), Some("price must be positive"));

        let parse_error = "x".parse::<i32>().expect_err("not a number");
        let e = Error::user(parse_error.clone());
        assert!(e.is_user());
        let source = std::error::Error::source(&e).expect("the parse error is the source");
        assert_eq!(source.downcast_ref::<std::num::ParseIntError>(), Some(&parse_error));
        assert_eq!(e.to_string(), format!("user function failed: {parse_error}"));
    }

    /// `?` on a boxed error in user code gives ERR-USER; a boxed fugue error
    /// comes back with its own kind.
    #[test]
    fn err_user_question_mark_on_a_boxed_error() {
        fn user_code() -> Result<i32> {
            let r: std::result::Result<i32, BoxError> = Err("no stock left".into());
            Ok(r?)
        }
        let e = user_code().expect_err("fails");
        assert_eq!(e.kind(), ErrorKind::User);
        assert_eq!(e.to_string(), "user function failed: no stock left");

        let boxed: BoxError = Box::new(Error::cast("`x`", "int", "not a number"));
        let e = Error::from(boxed);
        assert_eq!(e.kind(), ErrorKind::Cast);
        assert_eq!(e.to_string(), "cannot cast `x` to `int`: not a number");
    }

    /// ERR-NOT-SUPPORTED: one variant, with or without an engine.
    #[test]
    fn not_supported_is_one_variant_with_an_optional_engine() {
        let e = Error::unsupported("native", "save_table");
        assert_eq!(e.to_string(), "engine `native` does not support `save_table`");
        assert!(matches!(&e, Error::NotSupported { what, engine: Some(engine) }
                if what == "save_table" && engine == "native"));
        let e = Error::not_supported("format `avro`");
        assert_eq!(e.to_string(), "not supported: format `avro`");
        assert!(matches!(&e, Error::NotSupported { engine: None, .. }));
        assert!(e.is_not_supported());
    }

    #[test]
    fn duplicate_keeps_kind_and_message() {
        let inner = Error::arg("how", "bad");
        let user = Error::User { keys: Some("{k=1}".into()), source: Box::new(inner) };
        let errors = vec![
            user,
            Error::unsupported("polars", "append"),
            Error::from(arrow::error::ArrowError::CastError("x".into())),
            Error::from(arrow::error::ArrowError::DivideByZero),
            Error::io("/tmp/x", std::io::Error::new(std::io::ErrorKind::NotFound, "gone")),
            Error::Validation { rule: "input_has".into(), reason: "a".into(), compile_time: false },
        ];
        for e in &errors {
            let copy = e.duplicate();
            assert_eq!(copy.kind(), e.kind(), "{e}");
        }
        assert_eq!(errors[0].duplicate().to_string(), errors[0].to_string());
        let source = errors[0]
            .duplicate()
            .backend_source()
            .and_then(|s| s.downcast_ref::<Error>())
            .map(Error::kind);
        assert_eq!(source, Some(ErrorKind::InvalidArgument), "a fugue source keeps its kind");
    }
}
