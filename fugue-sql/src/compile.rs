//! Compiles parsed statements into workflow nodes (§5, FSQL-RUST-COMPILE).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use fugue_core::engine::{LoadOptions, SaveOptions};
use fugue_core::io::{LoadColumns, SaveMode};
use fugue_core::partition::PartitionSpec;
use fugue_core::{Error, LocalDataFrame, Result, Schema, Value};
use fugue_workflow::module::{InputShape, ModuleInput, ModuleOutput, WorkflowFrames};
use fugue_workflow::{FugueWorkflow, SqlPiece, TransformOptions, WorkflowDataFrame};
use serde_json::{Map, Value as Json, json};

use fugue_core::engine::{FillValue, NaPosition, SampleSpec};

use fugue_api::extension::{
    CallbackUse, CoTransformer, Creator, ExtensionContext, OutputCoTransformer, Outputter,
    Processor, TransformContext,
};
use fugue_api::registry;
use fugue_core::engine::JoinType;
use fugue_core::partition::ValidationRule;
use fugue_core::{DataFrameRef, DataFrames};

use crate::api::Binding;
use crate::parser::{
    Body, Ckpt, DfList, DfRef, ExtKind, Member, PLACEHOLDER, ParseOptions, Parser, Prepartition,
    Stmt, YieldKind,
};

/// A registered processor as a builder argument (FSQL-RUST-REG).
struct ByNameProcessor(Box<dyn Processor>);

impl Processor for ByNameProcessor {
    fn identity(&self) -> String {
        self.0.identity()
    }
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        self.0.validation_rules()
    }
    fn process(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<DataFrameRef> {
        self.0.process(ctx, dfs)
    }
}

/// A registered outputter as a builder argument (FSQL-RUST-REG).
struct ByNameOutputter(Box<dyn Outputter>);

impl Outputter for ByNameOutputter {
    fn identity(&self) -> String {
        self.0.identity()
    }
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        self.0.validation_rules()
    }
    fn output(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<()> {
        self.0.output(ctx, dfs)
    }
}
/// A registered creator as a builder argument (FSQL-STMT-CREATE-5).
struct ByNameCreator(Box<dyn Creator>);

impl Creator for ByNameCreator {
    fn identity(&self) -> String {
        self.0.identity()
    }
    fn create(&self, ctx: &ExtensionContext) -> Result<DataFrameRef> {
        self.0.create(ctx)
    }
}

/// A registered cotransformer as a builder argument (FSQL-STMT-ZIP-5).
struct ByNameCo(Box<dyn CoTransformer>);

impl Clone for ByNameCo {
    fn clone(&self) -> Self {
        ByNameCo(self.0.clone_box())
    }
}

impl CoTransformer for ByNameCo {
    fn identity(&self) -> String {
        self.0.identity()
    }
    fn output_schema(&self, dfs: &DataFrames, ctx: &ExtensionContext) -> Result<Schema> {
        self.0.output_schema(dfs, ctx)
    }
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        self.0.validation_rules()
    }
    fn callback_use(&self) -> CallbackUse {
        self.0.callback_use()
    }
    fn on_init(&mut self, ctx: &TransformContext<'_>, dfs: &DataFrames) -> Result<()> {
        self.0.on_init(ctx, dfs)
    }
    fn transform(&mut self, ctx: &TransformContext<'_>, dfs: DataFrames) -> Result<LocalDataFrame> {
        self.0.transform(ctx, dfs)
    }
}

/// A registered output cotransformer as a builder argument
/// (FSQL-STMT-OUTTRANSFORM-2).
struct ByNameOutCo(Box<dyn OutputCoTransformer>);

impl Clone for ByNameOutCo {
    fn clone(&self) -> Self {
        ByNameOutCo(self.0.clone_box())
    }
}

impl OutputCoTransformer for ByNameOutCo {
    fn identity(&self) -> String {
        self.0.identity()
    }
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        self.0.validation_rules()
    }
    fn callback_use(&self) -> CallbackUse {
        self.0.callback_use()
    }
    fn on_init(&mut self, ctx: &TransformContext<'_>, dfs: &DataFrames) -> Result<()> {
        self.0.on_init(ctx, dfs)
    }
    fn process(&mut self, ctx: &TransformContext<'_>, dfs: DataFrames) -> Result<()> {
        self.0.process(ctx, dfs)
    }
}

use crate::sql::{Piece, rewrite};

/// Dataframes bound by the caller (FSQL-SCOPE-8): each becomes a node at
/// its first reference, in textual order, and that node is reused by later
/// references, also from child scopes (share the `Rc`).
pub(crate) struct Externals {
    dag: FugueWorkflow,
    pending: HashMap<String, Binding>,
    made: RefCell<HashMap<String, WorkflowDataFrame>>,
}

impl Externals {
    pub(crate) fn new(dag: &FugueWorkflow, bindings: Vec<(String, Binding)>) -> Self {
        Externals {
            dag: dag.clone(),
            pending: bindings.into_iter().collect(),
            made: RefCell::default(),
        }
    }

    /// The frame bound as `name`, created now at its first reference.
    fn get(&self, name: &str) -> Option<Result<WorkflowDataFrame>> {
        if let Some(df) = self.made.borrow().get(name) {
            return Some(Ok(df.clone()));
        }
        let made = match self.pending.get(name)? {
            Binding::Frame(df) => self.dag.df(df.clone()),
            Binding::Yield(y) => self.dag.df_from_yield(y),
            Binding::Data(make) => make(&self.dag),
            // The same workflow (FSQL-API-2).
            Binding::Handle(h) if h.workflow().ptr_eq(&self.dag) => Ok(h.clone()),
            Binding::Handle(_) => Err(Error::fsql(format!(
                "the dataframe bound as `{name}` belongs to another workflow; bind a yield \
                 of it instead (FSQL-SCOPE-8, WF-YIELD-2)"
            ))),
        };
        if let Ok(df) = &made {
            self.made.borrow_mut().insert(name.to_string(), df.clone());
        }
        Some(made)
    }
}

/// A variable's value (FSQL-SCOPE-1): one frame or a collection of frames
/// (a SUB result, FSQL-STMT-SUB-2).
#[derive(Clone)]
pub(crate) enum Var {
    /// One frame.
    Frame(WorkflowDataFrame),
    /// A list or dict of frames.
    Frames(WorkflowFrames),
}

/// Resolved statement inputs (FSQL-DFREF-5).
pub(crate) enum Inputs {
    /// List form (or the default `[last]`).
    List(Vec<WorkflowDataFrame>),
    /// Dict form.
    Dict(Vec<(String, WorkflowDataFrame)>),
}

impl Inputs {
    /// The frames, in order.
    pub(crate) fn frames(&self) -> Vec<&WorkflowDataFrame> {
        match self {
            Inputs::List(v) => v.iter().collect(),
            Inputs::Dict(v) => v.iter().map(|(_, d)| d).collect(),
        }
    }
}

/// The compiler state: variables, the caller's bindings and the last
/// dataframe (FSQL-SCOPE-1). Cloning it gives a child scope (FSQL-SCOPE-6)
/// sharing the bindings, so a binding's node is made once.
#[derive(Clone)]
struct Scope<'s> {
    src: &'s str,
    dag: &'s FugueWorkflow,
    vars: HashMap<String, Var>,
    ext: Rc<Externals>,
    last: Option<WorkflowDataFrame>,
}

impl Scope<'_> {
    /// The statement's line-numbered text (FSQL-RUST-ERR-5).
    fn context(&self, st: &Stmt) -> String {
        self.src
            .lines()
            .enumerate()
            .skip(st.first_line.saturating_sub(1))
            .take(st.last_line + 1 - st.first_line.max(1))
            .map(|(k, l)| format!("{}:\t{l}", k + 1))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// ERR-FSQL (parent ERR-WF-COMPILE) with the statement text.
    fn fsql(&self, st: &Stmt, msg: String) -> Error {
        Error::fsql(format!("{msg} (statement at line {}):\n{}", st.first_line, self.context(st)))
    }

    /// Adds the statement's text to an error, keeping its kind.
    fn with_context(&self, st: &Stmt, e: Error) -> Error {
        let ctx = format!("\n(statement at line {}):\n{}", st.first_line, self.context(st));
        match e {
            Error::Interfaceless(m) if !m.contains("(statement at line") => {
                Error::interfaceless(format!("{m}{ctx}"))
            }
            Error::WorkflowCompile(m) if !m.contains("(statement at line") => {
                Error::wf_compile(format!("{m}{ctx}"))
            }
            Error::Fsql(m) if !m.contains("(statement at line") => Error::fsql(format!("{m}{ctx}")),
            other => other,
        }
    }

    /// The variable `name` holding one frame (FSQL-DFREF-2/3).
    fn frame_var(
        &self,
        st: &Stmt,
        name: &str,
        line: usize,
        col: usize,
    ) -> Result<WorkflowDataFrame> {
        match self.vars.get(name) {
            Some(Var::Frame(d)) => Ok(d.clone()),
            Some(Var::Frames(_)) => Err(self.fsql(
                st,
                format!(
                    "`{name}` (line {line}, column {col}) is a collection: select a member with `{name}[i]` or `{name}[key]` (FSQL-DFREF-3)"
                ),
            )),
            // FSQL-SCOPE-3/8: a caller binding unless an assignment shadows it.
            None => self.ext.get(name).unwrap_or_else(|| {
                Err(self.fsql(
                    st,
                    format!("`{name}` (line {line}, column {col}) is not defined (FSQL-DFREF-2)"),
                ))
            }),
        }
    }

    /// The member `name[member]` of a collection variable (FSQL-DFREF-3).
    fn member(
        &self,
        st: &Stmt,
        name: &str,
        member: &Member,
        line: usize,
        col: usize,
    ) -> Result<WorkflowDataFrame> {
        let at = format!("`{name}[{member}]` (line {line}, column {col})");
        match self.vars.get(name) {
            Some(Var::Frames(fs)) => {
                let found = match member {
                    Member::Index(i) => fs.get_index(*i),
                    Member::Key(k) => fs.get(k),
                };
                found.cloned().ok_or_else(|| {
                    let keys: Vec<String> = fs.iter().into_iter().map(|(k, _)| k).collect();
                    self.fsql(
                        st,
                        format!(
                            "{at}: no such member; `{name}` has {} (FSQL-DFREF-3)",
                            keys.join(", ")
                        ),
                    )
                })
            }
            Some(Var::Frame(_)) => Err(self.fsql(
                st,
                format!("{at}: `{name}` is a single dataframe, not a collection (FSQL-DFREF-3)"),
            )),
            None => Err(self.fsql(
                st,
                format!("{at}: `{name}` is not defined; a member needs a collection variable (FSQL-DFREF-3, FSQL-STMT-SELECT-5)"),
            )),
        }
    }

    /// One input (FSQL-DFREF-1..4); `None` is last (FSQL-SCOPE-5).
    fn resolve(&self, st: &Stmt, r: &Option<DfRef>) -> Result<WorkflowDataFrame> {
        match r {
            Some(DfRef::Name { name, line, col }) => self.frame_var(st, name, *line, *col),
            Some(DfRef::Member { name, member, line, col }) => {
                self.member(st, name, member, *line, *col)
            }
            Some(DfRef::Task(task)) => {
                // FSQL-SCOPE-6: a child scope; its assignments and last are dropped.
                let mut child = self.clone();
                run_stmt(&mut child, task)?.ok_or_else(|| {
                    self.fsql(st, "a nested task must produce a dataframe (FSQL-DFREF-4)".into())
                })
            }
            None => self.last.clone().ok_or_else(|| {
                self.fsql(st, "there is no previous dataframe to use (FSQL-SCOPE-5)".into())
            }),
        }
    }

    /// A list of inputs (FSQL-DFREF-5); empty gives `[last]`.
    fn resolve_list(&self, st: &Stmt, dfs: &DfList) -> Result<Inputs> {
        Ok(match dfs {
            DfList::List(v) if v.is_empty() => Inputs::List(vec![self.resolve(st, &None)?]),
            DfList::List(v) => Inputs::List(
                v.iter().map(|d| self.resolve(st, &Some(d.clone()))).collect::<Result<_>>()?,
            ),
            DfList::Dict(v) => Inputs::Dict(
                v.iter()
                    .map(|(k, d)| Ok((k.clone(), self.resolve(st, &Some(d.clone()))?)))
                    .collect::<Result<_>>()?,
            ),
        })
    }
}

/// What a compile call leaves: the variables (FSQL-SCOPE-10) and the final
/// last (FSQL-API-3).
pub(crate) struct Compiled {
    pub vars: HashMap<String, Var>,
    pub last: Option<WorkflowDataFrame>,
}

/// Parses and compiles `script` into `dag` with the variables retained by
/// earlier calls and the caller's dataframe bindings, which override
/// retained variables of the same name (FSQL-SCOPE-2).
pub(crate) fn compile_with(
    dag: &FugueWorkflow,
    script: &str,
    opts: &ParseOptions,
    mut vars: HashMap<String, Var>,
    bindings: Vec<(String, Binding)>,
) -> Result<Compiled> {
    let stmts = Parser::parse_with(script, opts)?;
    let ext = Externals::new(dag, bindings);
    vars.retain(|k, _| !ext.pending.contains_key(k));
    let mut scope = Scope { src: script, dag, vars, ext: Rc::new(ext), last: None };
    for st in &stmts {
        run_stmt(&mut scope, st)?;
    }
    Ok(Compiled { vars: scope.vars, last: scope.last })
}

/// Compiles one statement with its suffixes and binds its result
/// (FSQL-STMT-ORDER-1, FSQL-SCOPE-3/4); returns the produced frame.
fn run_stmt(scope: &mut Scope<'_>, st: &Stmt) -> Result<Option<WorkflowDataFrame>> {
    let res = statement(scope.dag, scope, st).map_err(|e| scope.with_context(st, e))?;
    let mut df = match res {
        Some(Var::Frame(df)) => df,
        Some(Var::Frames(fs)) => {
            // FSQL-STMT-SUB-2: a collection binds the variable, last unchanged.
            if let Some(a) = &st.assign {
                scope.vars.insert(a.clone(), Var::Frames(fs));
            }
            return Ok(None);
        }
        None => return Ok(None),
    };
    // FSQL-STMT-ORDER-1: checkpoint, BROADCAST, YIELD, then bind.
    match &st.ckpt {
        Some(Ckpt::Weak { lazy, params }) if params.is_empty() => {
            df = if *lazy { df.weak_checkpoint(true)? } else { df.persist()? };
        }
        Some(Ckpt::Weak { lazy, params }) => {
            df = df.weak_checkpoint_with(*lazy, fugue_core::Conf::from_map(params))?;
        }
        Some(Ckpt::Strong { partition: p, single }) => {
            df = df.strong_checkpoint(partition(p)?, *single)?;
        }
        Some(Ckpt::Deterministic { namespace, partition: p, single }) => {
            df = if p.is_none() && !*single {
                df.deterministic_checkpoint(namespace.as_deref())?
            } else {
                df.deterministic_checkpoint_with(namespace.as_deref(), partition(p)?, *single)?
            };
        }
        None => {}
    }
    if st.broadcast {
        df = df.broadcast();
    }
    if let Some((name, kind)) = &st.yield_df {
        let name = name.clone().or_else(|| st.assign.clone()).ok_or_else(|| {
            scope.fsql(st, "YIELD needs `AS name` or an assignment (FSQL-STMT-YIELD-1)".into())
        })?;
        match kind {
            YieldKind::DataFrame(local) => df.yield_dataframe_as(&name, *local)?,
            YieldKind::File => df.yield_file_as(&name).map_err(|e| scope.with_context(st, e))?,
            YieldKind::Table => {
                return Err(scope.with_context(
                    st,
                    Error::not_supported(
                        "YIELD TABLE is not supported yet by fugue-sql: the workflow has no table yield (WF-YIELD-4)",
                    ),
                ));
            }
            YieldKind::View => {
                return Err(scope.with_context(
                    st,
                    Error::not_supported("YIELD VIEW is not supported (FSQL-STMT-YIELD-2)"),
                ));
            }
        }
    }
    if let Some(a) = &st.assign {
        scope.vars.insert(a.clone(), Var::Frame(df.clone()));
    }
    scope.last = Some(df.clone());
    Ok(Some(df))
}

/// The canonical text of a query (FSQL-RUST-TEXT-1/2): token texts joined
/// by one space, except none after `(`, before `)` and around `.` (all
/// spaces for top-level WITH statements).
fn canonical_text(tokens: &[crate::lexer::Tok], spaced: bool) -> String {
    let mut out = String::new();
    let mut prev: Option<&crate::lexer::Tok> = None;
    for t in tokens {
        if let Some(p) = prev {
            let tight = !spaced && (p.is_p("(") || p.is_p(".") || t.is_p(")") || t.is_p("."));
            if !tight {
                out.push(' ');
            }
        }
        out.push_str(&t.text);
        prev = Some(t);
    }
    out
}

fn partition(p: &Option<Prepartition>) -> Result<Option<PartitionSpec>> {
    let Some(p) = p else { return Ok(None) };
    let mut m = Map::new();
    if let Some(a) = &p.algo {
        m.insert("algo".into(), Json::String(a.clone()));
    }
    if let Some(n) = &p.num {
        m.insert("num".into(), Json::String(n.clone()));
    }
    m.insert("by".into(), json!(p.by));
    if !p.presort.is_empty() {
        m.insert("presort".into(), Json::String(p.presort.clone()));
    }
    PartitionSpec::from_json_value(&Json::Object(m)).map(Some)
}

/// SAVE / SAVE AND USE options (FSQL-STMT-SAVE-2/3, FSQL-PARAMS-4).
fn save_options(
    p: &Option<Prepartition>,
    mode: &str,
    single: bool,
    fmt: &Option<String>,
    params: &Map<String, Json>,
) -> Result<SaveOptions> {
    let mode = match mode {
        "overwrite" => SaveMode::Overwrite,
        "append" => SaveMode::Append,
        _ => SaveMode::Error,
    };
    Ok(SaveOptions {
        format_hint: fmt.clone(),
        mode,
        partition_spec: partition(p)?.unwrap_or_default(),
        force_single: single,
        format_options: params.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    })
}

fn to_value(j: &Json) -> Value {
    match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int64(i),
            None => Value::Float64(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::Str(s.clone()),
        Json::Array(a) => Value::List(a.iter().map(to_value).collect()),
        Json::Object(o) => Value::Struct(o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()),
    }
}

fn statement(dag: &FugueWorkflow, scope: &mut Scope<'_>, st: &Stmt) -> Result<Option<Var>> {
    match &st.body {
        Body::Sub { dfs, using, params } => sub(scope, st, dfs, using, params),
        Body::Unsupported { what } => Err(scope.fsql(st, what.clone())),
        _ => Ok(frame_statement(dag, scope, st)?.map(Var::Frame)),
    }
}

/// SUB (FSQL-STMT-SUB-1..3): calls the registered module.
fn sub(
    scope: &Scope<'_>,
    st: &Stmt,
    dfs: &DfList,
    using: &str,
    params: &Map<String, Json>,
) -> Result<Option<Var>> {
    let m = fugue_workflow::module::module_by_name(using)?;
    let frames = |inputs: Inputs| match inputs {
        Inputs::List(v) => WorkflowFrames::List(v),
        Inputs::Dict(v) => WorkflowFrames::Dict(v.into_iter().collect()),
    };
    let input = match m.input_shape() {
        InputShape::None if !dfs.is_empty() => {
            return Err(
                scope.fsql(st, format!("module `{using}` takes no dataframes (FSQL-STMT-SUB-1)"))
            );
        }
        InputShape::None => ModuleInput::None,
        InputShape::One => match scope.resolve_list(st, dfs)? {
            Inputs::List(mut v) if v.len() == 1 => ModuleInput::One(v.remove(0)),
            Inputs::Dict(mut v) if v.len() == 1 => ModuleInput::One(v.remove(0).1),
            _ => {
                return Err(scope.fsql(
                    st,
                    format!("module `{using}` takes exactly one dataframe (FSQL-STMT-SUB-1)"),
                ));
            }
        },
        InputShape::Several => ModuleInput::Several(frames(scope.resolve_list(st, dfs)?)),
        InputShape::Collection => {
            // A collection variable is passed whole (FSQL-STMT-SUB-1).
            let whole = match dfs {
                DfList::List(v) if v.len() == 1 => match &v[0] {
                    DfRef::Name { name, .. } => match scope.vars.get(name) {
                        Some(Var::Frames(fs)) => Some(fs.clone()),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            match whole {
                Some(fs) => ModuleInput::Collection(fs),
                None => ModuleInput::Collection(frames(scope.resolve_list(st, dfs)?)),
            }
        }
    };
    let params = fugue_api::like::ConfLike::into_conf(Json::Object(params.clone()))?;
    match m.call(scope.dag, input, &params)? {
        ModuleOutput::One(d) => Ok(Some(Var::Frame(d))),
        ModuleOutput::Collection(fs) => {
            if st.assign.is_none() {
                return Ok(None);
            }
            Ok(Some(Var::Frames(fs)))
        }
        ModuleOutput::None if st.assign.is_some() => Err(scope.fsql(
            st,
            format!("module `{using}` returns nothing and cannot be assigned (FSQL-STMT-SUB-2)"),
        )),
        ModuleOutput::None => Ok(None),
    }
}

fn frame_statement(
    dag: &FugueWorkflow,
    scope: &mut Scope<'_>,
    st: &Stmt,
) -> Result<Option<WorkflowDataFrame>> {
    match &st.body {
        Body::Sub { .. } | Body::Unsupported { .. } => Ok(None),
        Body::Create { rows, schema } => {
            let Json::Array(list) = rows else {
                return Err(Error::arg(
                    "CREATE",
                    "inline data must be a list of rows (FSQL-STMT-CREATE-2)",
                ));
            };
            let mut out = Vec::with_capacity(list.len());
            for r in list {
                let Json::Array(cells) = r else {
                    return Err(Error::arg(
                        r.to_string(),
                        "every row of inline data must be an array (FSQL-STMT-CREATE-2)",
                    ));
                };
                out.push(cells.iter().map(to_value).collect::<Vec<_>>());
            }
            let schema = Schema::try_from(schema.as_str())?;
            let df = LocalDataFrame::from_rows(out, schema.clone())?;
            // FSQL-STMT-CREATE-3: identity includes the rows.
            let det = format!("{rows}|{schema}");
            Ok(Some(dag.df_with_determiner(df, &det)?))
        }
        Body::Load { fmt, paths, params, columns } => {
            let columns = match columns {
                None => LoadColumns::All,
                Some(c) if c.contains(':') => LoadColumns::Schema(Schema::try_from(c.as_str())?),
                Some(c) => LoadColumns::Names(c.split(',').map(str::to_string).collect()),
            };
            let options = LoadOptions {
                format_hint: fmt.clone(),
                columns,
                format_options: params.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            };
            Ok(Some(dag.load_paths_with(paths, options)?))
        }
        Body::Save { df, partition: p, mode, single, fmt, path, params } => {
            let input = scope.resolve(st, df)?;
            input.save_with(path, save_options(p, mode, *single, fmt, params)?)?;
            Ok(None)
        }
        Body::Transform { df, partition: p, using, params, schema, callback } => {
            let input = scope.resolve(st, df)?;
            let mut o = TransformOptions::from(());
            if let Some(c) = callback {
                o = o.callback(registry::callback_by_name(c)?);
            }
            if let Some(s) = schema {
                o = o.with_schema(s.as_str());
            }
            if !params.is_empty() {
                o = o.params(Json::Object(params.clone()))?;
            }
            if let Some(spec) = partition(p)? {
                o = o.partition(spec)?;
            }
            // FSQL-STMT-TRANSFORM-3: a cotransformer exactly on a zip.
            if input.is_zip() {
                return match registry::cotransformer_by_name(using) {
                    Ok(ct) => Ok(Some(input.cotransform(ByNameCo(ct), o)?)),
                    Err(e) if registry::transformer_by_name(using).is_ok() => {
                        Err(Error::wf_compile(format!(
                            "`{using}` is a transformer, but its input is a ZIP result, which needs a cotransformer (FSQL-STMT-TRANSFORM-3, WF-COTR-1); {e}"
                        )))
                    }
                    Err(e) => Err(e),
                };
            }
            // ERR-WF-INTERFACELESS with did-you-mean names (FSQL-RUST-REG).
            match registry::transformer_by_name(using) {
                Ok(tf) => {
                    if schema.is_none() {
                        // FSQL-STMT-TRANSFORM-4, WF-TR-2: without SCHEMA the
                        // transformer must declare its output schema
                        // (ERR-WF-INTERFACELESS at compile); a hint that
                        // needs the input's columns is checked at run
                        let p = fugue_api::like::ConfLike::into_conf(Json::Object(params.clone()))?;
                        let ctx = ExtensionContext::new(p, None);
                        if let Err(e) = tf.output_schema(&Schema::empty(), &ctx)
                            && e.kind() == fugue_core::ErrorKind::Interfaceless
                        {
                            return Err(e);
                        }
                    }
                    Ok(Some(input.transform(tf, o)?))
                }
                Err(_) if registry::cotransformer_by_name(using).is_ok() => {
                    Err(Error::wf_compile(format!(
                        "`{using}` is a cotransformer and needs a zipped input: ZIP the frames first (FSQL-STMT-TRANSFORM-3, WF-COTR-1)"
                    )))
                }
                Err(e) => Err(e),
            }
        }
        Body::CreateUsing { using, params, schema } => {
            let c = ByNameCreator(registry::creator_by_name(using)?);
            if schema.is_some() {
                return Err(Error::not_supported(
                    "SCHEMA of CREATE USING is not supported yet by fugue-sql: registered creators produce their own schema (FSQL-STMT-CREATE-5)",
                ));
            }
            Ok(Some(dag.create(c, Json::Object(params.clone()))?))
        }
        Body::Zip { dfs, how, by, presort } => {
            let inputs = scope.resolve_list(st, dfs)?;
            let how = match how.as_str() {
                "cross" => JoinType::Cross,
                "left_outer" => JoinType::LeftOuter,
                "right_outer" => JoinType::RightOuter,
                "full_outer" => JoinType::FullOuter,
                _ => JoinType::Inner,
            };
            let spec = partition(&Some(Prepartition {
                by: by.clone(),
                presort: presort.clone(),
                ..Prepartition::default()
            }))?
            .unwrap_or_default();
            match &inputs {
                Inputs::Dict(v) => {
                    // FSQL-STMT-ZIP-4: a dict-like zip (WF-DAG-7, ENG-ZIP-8).
                    let named: Vec<(&str, &WorkflowDataFrame)> =
                        v.iter().map(|(k, d)| (k.as_str(), d)).collect();
                    Ok(Some(dag.zip_named(&named, how, Some(spec))?))
                }
                Inputs::List(v) => {
                    let first = v[0].partition(spec)?;
                    let others: Vec<&WorkflowDataFrame> = v[1..].iter().collect();
                    Ok(Some(first.zip(&others, how)?))
                }
            }
        }
        Body::Connect { engine, line, col, inner } => {
            // FSQL-STMT-CONNECT-2: unknown names are ERR-PLUGIN at compile.
            let engines = fugue_core::registry::registered_sql_engines();
            let known = engines.iter().any(|e| {
                e.name.eq_ignore_ascii_case(engine)
                    || e.aliases.iter().any(|a| a.eq_ignore_ascii_case(engine))
            });
            if !known {
                let names: Vec<String> = engines.iter().map(|e| format!("`{}`", e.name)).collect();
                return Err(Error::UnknownEngine {
                    what: "SQL engine",
                    name: engine.clone(),
                    registered: if names.is_empty() { "none".into() } else { names.join(", ") },
                    hint: format!("CONNECT at line {line}, column {col} (FSQL-STMT-CONNECT-2)"),
                });
            }
            if !matches!(**inner, Body::Select { .. }) {
                return Err(scope.fsql(
                    st,
                    "CONNECT must be followed by a SQL query, not a FugueSQL statement (FSQL-STMT-CONNECT-3)"
                        .into(),
                ));
            }
            Err(Error::not_supported(format!(
                "CONNECT {engine} is not supported yet by fugue-sql: the workflow's select cannot choose a SQL engine (FSQL-STMT-CONNECT-1)"
            )))
        }
        Body::Print { n, dfs, rowcount, title } => {
            let inputs = scope.resolve_list(st, dfs)?;
            for (k, d) in inputs.frames().into_iter().enumerate() {
                d.show_with_count(*n, *rowcount, if k == 0 { title.as_deref() } else { None })?;
            }
            Ok(None)
        }
        Body::Ext { kind, dfs, partition: p, using, params, callback } => {
            let resolved = scope.resolve_list(st, dfs)?;
            let refs = resolved.frames();
            let named: Option<Vec<(&str, &WorkflowDataFrame)>> = match &resolved {
                Inputs::Dict(v) => Some(v.iter().map(|(k, d)| (k.as_str(), d)).collect()),
                Inputs::List(_) => None,
            };
            let inputs: Vec<WorkflowDataFrame> = refs.iter().map(|d| (*d).clone()).collect();
            let params = Json::Object(params.clone());
            match kind {
                ExtKind::Process => {
                    let using = ByNameProcessor(fugue_api::registry::processor_by_name(using)?);
                    Ok(Some(match &named {
                        Some(n) => dag.process_named(n, using, params, partition(p)?)?,
                        None => dag.process(&refs, using, params, partition(p)?)?,
                    }))
                }
                ExtKind::Output => {
                    let using = ByNameOutputter(fugue_api::registry::outputter_by_name(using)?);
                    match &named {
                        Some(n) => dag.output_named(n, using, params, partition(p)?)?,
                        None => dag.output(&refs, using, params, partition(p)?)?,
                    }
                    Ok(None)
                }
                ExtKind::OutTransform => {
                    let mut o = TransformOptions::from(());
                    if let Some(m) = params.as_object().filter(|m| !m.is_empty()) {
                        o = o.params(Json::Object(m.clone()))?;
                    }
                    if let Some(spec) = partition(p)? {
                        o = o.partition(spec)?;
                    }
                    if let Some(c) = callback {
                        o = o.callback(registry::callback_by_name(c)?);
                    }
                    if inputs[0].is_zip() {
                        // FSQL-STMT-OUTTRANSFORM-2 on a zip: an output
                        // cotransformer, else a cotransformer (discarded).
                        match registry::output_cotransformer_by_name(using) {
                            Ok(t) => inputs[0].out_cotransform(ByNameOutCo(t), o)?,
                            Err(e) => match registry::cotransformer_by_name(using) {
                                Ok(t) => drop(inputs[0].cotransform(ByNameCo(t), o)?),
                                Err(_) => return Err(e),
                            },
                        }
                        return Ok(None);
                    }
                    // FSQL-STMT-OUTTRANSFORM-2: an ordinary transformer is
                    // accepted too; its output is computed and discarded.
                    match fugue_api::registry::output_transformer_by_name(using) {
                        Ok(tf) => inputs[0].out_transform(tf, o)?,
                        Err(e) => match fugue_api::registry::transformer_by_name(using) {
                            Ok(tf) => drop(inputs[0].transform(tf, o)?),
                            Err(_) => return Err(e),
                        },
                    }
                    Ok(None)
                }
            }
        }
        Body::SaveUse { df, partition: p, mode, single, fmt, path, params } => {
            let input = scope.resolve(st, df)?;
            // The plain form is the builder's `save_and_use(path)` (FSQL-RUST-ID-1).
            if p.is_none() && mode == "overwrite" && !*single && fmt.is_none() && params.is_empty()
            {
                return Ok(Some(input.save_and_use(path)?));
            }
            Ok(Some(input.save_and_use_with(path, save_options(p, mode, *single, fmt, params)?)?))
        }
        Body::Take { df, n, by, presort, nulls_first } => {
            let mut input = scope.resolve(st, df)?;
            if !by.is_empty() {
                input = input.partition_by(by)?;
            }
            let na = if *nulls_first { NaPosition::First } else { NaPosition::Last };
            Ok(Some(input.take(*n, presort, na)?))
        }
        Body::Sample { df, n, frac, replace, seed } => {
            let spec = SampleSpec { n: *n, frac: *frac, replace: *replace, seed: *seed };
            Ok(Some(scope.resolve(st, df)?.sample(spec)?))
        }
        Body::DropCols { df, cols, if_exists } => {
            let c: Vec<&str> = cols.iter().map(String::as_str).collect();
            Ok(Some(scope.resolve(st, df)?.drop(&c, *if_exists)?))
        }
        Body::Rename { df, pairs } => {
            let p: Vec<(&str, &str)> =
                pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            Ok(Some(scope.resolve(st, df)?.rename(&p)?))
        }
        Body::Alter { df, schema } => {
            Ok(Some(scope.resolve(st, df)?.alter_columns(schema.as_str())?))
        }
        Body::FillNulls { df, values } => {
            let value = FillValue::PerColumn(
                values.iter().map(|(k, v)| (k.clone(), to_value(v))).collect(),
            );
            Ok(Some(scope.resolve(st, df)?.fillna(value, None)?))
        }
        Body::DropRows { df, how, on } => {
            let subset: Option<Vec<&str>> =
                on.as_ref().map(|v| v.iter().map(String::as_str).collect());
            Ok(Some(scope.resolve(st, df)?.dropna(how, None, subset.as_deref())?))
        }
        Body::Select { tokens, terms } => {
            // FSQL-GEN-6: the terms' nodes first, in textual order, each in a
            // child scope seeing the same last (FSQL-SCOPE-6, -SETOP-2).
            let mut frames: HashMap<String, WorkflowDataFrame> = HashMap::new();
            for (k, t) in terms.iter().enumerate() {
                let mut child = scope.clone();
                let df = run_stmt(&mut child, t)?.ok_or_else(|| {
                    scope.fsql(st, "a FugueSQL term inside SQL must produce a dataframe".into())
                })?;
                frames.insert(format!("{PLACEHOLDER}{k}"), df);
            }
            let with = tokens.first().is_some_and(|t| t.is_kw("WITH"));
            let text = canonical_text(tokens, with);
            // Variables and caller bindings are tables (FSQL-SCOPE-7/8).
            let mut vars: HashSet<String> =
                scope.vars.keys().chain(scope.ext.pending.keys()).cloned().collect();
            vars.extend(frames.keys().cloned());
            let pieces = rewrite(&text, &vars, !with).map_err(|m| {
                let t = &tokens[0];
                Error::from(crate::error::SyntaxError::new(
                    scope.src,
                    t.line,
                    t.col,
                    t.text.clone(),
                    &format!("the SQL text cannot be tokenised: {m}"),
                    None,
                ))
            })?;
            let mut parts = Vec::with_capacity(pieces.len());
            for p in pieces {
                parts.push(match p {
                    Piece::Text(t) => SqlPiece::Text(t),
                    Piece::Var(v) => match frames.get(&v) {
                        Some(d) => SqlPiece::Frame(d.clone()),
                        None => SqlPiece::Frame(scope.frame_var(st, &v, st.first_line, 1)?),
                    },
                    Piece::Member(v, m) => {
                        SqlPiece::Frame(scope.member(st, &v, &m, st.first_line, 1)?)
                    }
                    Piece::Last => SqlPiece::Frame(scope.last.clone().ok_or_else(|| {
                        scope.fsql(
                            st,
                            "a SELECT without FROM needs a previous dataframe (FSQL-STMT-SELECT-7)"
                                .into(),
                        )
                    })?),
                });
            }
            Ok(Some(dag.select(parts)?))
        }
    }
}
