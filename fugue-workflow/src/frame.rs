//! [`WorkflowDataFrame`]: a handle to a node's output with a partition
//! hint, and every operation of WF-OPS-1..26.

use std::panic::Location;
use std::sync::{Arc, Mutex, PoisonError};

use fugue_api::extension::closure::{IntoOutputTransformer, IntoTransformer};
use fugue_api::extension::{
    CoTransformer, IgnoreErrors, OutputSchema, Outputter, Params, Processor,
};
use fugue_api::like::{ConfLike, PartitionLike, SchemaLike};
use fugue_api::rpc::RpcHandler;
use fugue_core::dataframe::{DataFrameExt, DataFrameRef};
use fugue_core::engine::{
    DropnaHow, FillValue, JoinType, NaPosition, SampleSpec, SaveOptions, SqlPart, StructuredSql,
};
use fugue_core::expr::{ColumnExpr, SelectColumns};
use fugue_core::io::SaveMode;
use fugue_core::{Conf, DataFrames, Error, PartitionSpec, Result, Schema};
use serde_json::{Value as Json, json};

use crate::node::{Checkpoint, Exec, NodeKind};
use crate::workflow::{FugueWorkflow, Yield, YieldKind};

/// A handle to the output of a node of a [`FugueWorkflow`] plus an optional
/// partition hint (WF-DAG-4, WF-DAG-5). Cheap to clone. Data methods are
/// absent: run the workflow, then read [`result`](Self::result).
#[derive(Clone)]
pub struct WorkflowDataFrame {
    pub(crate) wf: FugueWorkflow,
    pub(crate) node: usize,
    pub(crate) hint: Option<PartitionSpec>,
}

impl std::fmt::Debug for WorkflowDataFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WorkflowDataFrame(_{})", self.node)
    }
}

/// Options of [`WorkflowDataFrame::transform`] (WF-TR-1). `&str` converts to
/// options with that output schema; `()` to the defaults.
#[derive(Default, Clone)]
pub struct TransformOptions {
    schema: Option<OutputSchema>,
    params: Params,
    partition: Option<PartitionSpec>,
    ignore: IgnoreErrors,
    callback: Option<Arc<dyn RpcHandler>>,
}

impl TransformOptions {
    /// Options with an output schema (a hint like `*,rn:long`).
    pub fn schema(schema: impl Into<OutputSchema>) -> Self {
        TransformOptions { schema: Some(schema.into()), ..Self::default() }
    }

    /// Sets the output schema.
    pub fn with_schema(mut self, schema: impl Into<OutputSchema>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// Params for the extension (WF-CTX-1).
    ///
    /// # Errors
    /// Conf conversion errors.
    pub fn params(mut self, params: impl ConfLike) -> Result<Self> {
        self.params = params.into_conf()?;
        Ok(self)
    }

    /// The pre-partition (overrides the handle's hint, WF-TR-1).
    ///
    /// # Errors
    /// Partition spec errors.
    pub fn partition(mut self, spec: impl PartitionLike) -> Result<Self> {
        self.partition = Some(spec.into_partition()?);
        Ok(self)
    }

    /// Errors that make a partition yield nothing (WF-TR-7).
    pub fn ignore_errors(mut self, ignore: impl Into<IgnoreErrors>) -> Self {
        self.ignore = ignore.into();
        self
    }

    /// A callback handler (WF-RPC-1).
    pub fn callback(mut self, handler: Arc<dyn RpcHandler>) -> Self {
        self.callback = Some(handler);
        self
    }
}

impl From<&str> for TransformOptions {
    fn from(s: &str) -> Self {
        TransformOptions::schema(s)
    }
}

impl From<()> for TransformOptions {
    fn from(_: ()) -> Self {
        TransformOptions::default()
    }
}

fn exec(
    f: impl Fn(&crate::node::RunCtx, Vec<DataFrameRef>) -> Result<Option<DataFrameRef>>
    + Send
    + Sync
    + 'static,
) -> Exec {
    Arc::new(f)
}

fn first(inputs: &[DataFrameRef]) -> Result<DataFrameRef> {
    inputs.first().cloned().ok_or_else(|| Error::internal("a node ran without its input"))
}

impl WorkflowDataFrame {
    /// The workflow this handle belongs to.
    pub fn workflow(&self) -> &FugueWorkflow {
        &self.wf
    }

    /// The node name (`_0`, ...).
    pub fn name(&self) -> String {
        format!("_{}", self.node)
    }

    /// The node's identity (WF-ID-1..6).
    pub fn spec_uuid(&self) -> String {
        self.wf.node_uuid(self.node)
    }

    /// Whether this node is a zip (WF-OPS-18), the input a cotransformer
    /// needs (WF-COTR-1).
    pub fn is_zip(&self) -> bool {
        self.wf.state().nodes[self.node].op == "zip"
    }

    /// The partition hint, if any.
    pub fn partition_hint(&self) -> Option<&PartitionSpec> {
        self.hint.as_ref()
    }

    /// The same node with a partition hint (WF-DAG-5).
    ///
    /// # Errors
    /// Partition spec errors.
    pub fn partition(&self, spec: impl PartitionLike) -> Result<WorkflowDataFrame> {
        Ok(WorkflowDataFrame { hint: Some(spec.into_partition()?), ..self.clone() })
    }

    /// The same node hinted to partition by `keys` (WF-DAG-5).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` for no keys.
    pub fn partition_by<S: AsRef<str>>(
        &self,
        keys: impl IntoIterator<Item = S>,
    ) -> Result<WorkflowDataFrame> {
        let keys: Vec<String> = keys.into_iter().map(|k| k.as_ref().to_string()).collect();
        if keys.is_empty() {
            return Err(Error::wf_compile("partition_by needs at least one key (WF-DAG-5)"));
        }
        self.partition(PartitionSpec::by(keys)?)
    }

    /// Partition by `keys` with the `even` algorithm (WF-DAG-5).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` for no keys.
    pub fn per_partition_by<S: AsRef<str>>(
        &self,
        keys: impl IntoIterator<Item = S>,
    ) -> Result<WorkflowDataFrame> {
        let keys: Vec<String> = keys.into_iter().map(|k| k.as_ref().to_string()).collect();
        if keys.is_empty() {
            return Err(Error::wf_compile("per_partition_by needs at least one key (WF-DAG-5)"));
        }
        self.partition(PartitionSpec::builder().by(keys).algo("even").build()?)
    }

    /// One partition per row (WF-DAG-5).
    pub fn per_row(&self) -> WorkflowDataFrame {
        WorkflowDataFrame { hint: Some(PartitionSpec::per_row()), ..self.clone() }
    }

    fn spec(&self, explicit: Option<PartitionSpec>) -> PartitionSpec {
        explicit.or_else(|| self.hint.clone()).unwrap_or_default()
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &self,
        kind: NodeKind,
        op: &'static str,
        label: String,
        ident: Json,
        others: &[&WorkflowDataFrame],
        partition: Option<PartitionSpec>,
        exec: Exec,
        site: &'static Location<'static>,
    ) -> Result<WorkflowDataFrame> {
        let mut inputs = vec![self];
        inputs.extend_from_slice(others);
        self.wf.add(kind, op, label, ident, &inputs, None, partition, exec, site)
    }

    fn unary(
        &self,
        op: &'static str,
        ident: Json,
        site: &'static Location<'static>,
        f: impl Fn(&crate::node::RunCtx, DataFrameRef) -> Result<DataFrameRef> + Send + Sync + 'static,
    ) -> Result<WorkflowDataFrame> {
        let label = if ident.is_null() { String::new() } else { ident.to_string() };
        self.add(
            NodeKind::Process,
            op,
            label,
            ident,
            &[],
            None,
            exec(move |ctx, inputs| Ok(Some(f(ctx, first(&inputs)?)?))),
            site,
        )
    }

    // ------------------------------------------------------------ extensions

    /// Transforms with a transformer per partition (WF-OPS-7, WF-TR-1..9):
    /// `using` is a transformer, a closure or a registered name; `options`
    /// is a schema hint (`"*,rn:long"`), `()` or [`TransformOptions`]. The
    /// pre-partition defaults to the handle's hint. Compile-time validation
    /// runs here (WF-TR-2).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE-VALIDATION`, `ERR-WF-INTERFACELESS` (e.g. a required
    /// callback without a handler), `ERR-WF-COMPILE` on a zipped input.
    #[track_caller]
    pub fn transform<M>(
        &self,
        using: impl IntoTransformer<M>,
        options: impl Into<TransformOptions>,
    ) -> Result<WorkflowDataFrame> {
        let site = Location::caller();
        let tf = using.into_transformer()?;
        let o: TransformOptions = options.into();
        let spec = self.spec(o.partition.clone());
        let rules = tf.validation_rules()?;
        fugue_api::extension::validate_partition(&rules, &spec)?;
        if tf.callback_use() == fugue_api::extension::CallbackUse::Required && o.callback.is_none()
        {
            return Err(Error::interfaceless(format!(
                "`{}` requires a callback but none was given (WF-RPC-3)",
                tf.identity()
            )));
        }
        let ident = json!({
            "using": tf.identity(),
            "schema": o.schema.as_ref().map(|s| format!("{s:?}")),
            "params": o.params.to_json(),
        });
        let tf = Arc::new(Mutex::new(tf));
        let (o2, spec2) = (o.clone(), spec.clone());
        let label = tf.lock().unwrap_or_else(PoisonError::into_inner).identity();
        self.add(
            NodeKind::Process,
            "transform",
            label,
            ident,
            &[],
            Some(spec),
            exec(move |ctx, inputs| {
                let t = tf.lock().unwrap_or_else(PoisonError::into_inner).clone_box();
                let mut call =
                    fugue_api::api::transform(fugue_api::api::as_fugue(first(&inputs)?), t)
                        .engine(ctx.engine.clone())
                        .params(o2.params.clone())
                        .partition(spec2.clone())
                        .ignore_errors(o2.ignore.clone());
                if let Some(s) = &o2.schema {
                    call = call.schema(s.clone());
                }
                if let Some(h) = &o2.callback {
                    call = call.callback(h.clone());
                }
                Ok(Some(call.run()?))
            }),
            site,
        )
    }

    /// Runs an output transformer eagerly (WF-OPS-7, WF-OTR-1..3).
    ///
    /// # Errors
    /// As [`transform`](Self::transform).
    #[track_caller]
    pub fn out_transform<M>(
        &self,
        using: impl IntoOutputTransformer<M>,
        options: impl Into<TransformOptions>,
    ) -> Result<()> {
        let site = Location::caller();
        let tf = using.into_output_transformer()?;
        let o: TransformOptions = options.into();
        let spec = self.spec(o.partition.clone());
        fugue_api::extension::validate_partition(&tf.validation_rules()?, &spec)?;
        if tf.callback_use() == fugue_api::extension::CallbackUse::Required && o.callback.is_none()
        {
            return Err(Error::interfaceless(format!(
                "`{}` requires a callback but none was given (WF-RPC-3)",
                tf.identity()
            )));
        }
        let ident = json!({ "using": tf.identity(), "params": o.params.to_json() });
        let label = tf.identity();
        let tf = Arc::new(Mutex::new(tf));
        let spec2 = spec.clone();
        self.add(
            NodeKind::Output,
            "out_transform",
            label,
            ident,
            &[],
            Some(spec),
            exec(move |ctx, inputs| {
                let t = tf.lock().unwrap_or_else(PoisonError::into_inner).clone_box();
                let mut call =
                    fugue_api::api::out_transform(fugue_api::api::as_fugue(first(&inputs)?), t)
                        .engine(ctx.engine.clone())
                        .params(o.params.clone())
                        .partition(spec2.clone())
                        .ignore_errors(o.ignore.clone());
                if let Some(h) = &o.callback {
                    call = call.callback(h.clone());
                }
                call.run()?;
                Ok(None)
            }),
            site,
        )
        .map(drop)
    }

    /// Runs a processor over this frame (WF-OPS-1, WF-PROC-1..2).
    ///
    /// # Errors
    /// Compile-time validation errors.
    #[track_caller]
    pub fn process(
        &self,
        using: impl Processor,
        params: impl ConfLike,
    ) -> Result<WorkflowDataFrame> {
        let site = Location::caller();
        self.wf.process_inner(
            &[self],
            Arc::new(using),
            params.into_conf()?,
            self.hint.clone(),
            site,
        )
    }

    /// Runs an outputter over this frame (WF-OPS-2, WF-OUT-1).
    ///
    /// # Errors
    /// Compile-time validation errors.
    #[track_caller]
    pub fn output(&self, using: impl Outputter, params: impl ConfLike) -> Result<()> {
        let site = Location::caller();
        self.wf.output_inner(&[self], Arc::new(using), params.into_conf()?, self.hint.clone(), site)
    }

    /// Prints the first `n` rows when the workflow runs (WF-OPS-3).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn show(&self, n: usize, title: Option<&str>) -> Result<()> {
        self.show_with_count(n, false, title)
    }

    /// [`show`](Self::show), also printing the total row count when
    /// `with_count` (WF-OPS-3, DF-SHOW-4).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn show_with_count(&self, n: usize, with_count: bool, title: Option<&str>) -> Result<()> {
        let title = title.map(str::to_string);
        let ident = if with_count {
            json!({ "n": n, "title": title, "with_count": true })
        } else {
            json!({ "n": n, "title": title })
        };
        self.add(
            NodeKind::Output,
            "show",
            String::new(),
            ident,
            &[],
            None,
            exec(move |_ctx, inputs| {
                first(&inputs)?.show(n, with_count, title.as_deref())?;
                Ok(None)
            }),
            Location::caller(),
        )
        .map(drop)
    }

    /// Fails the run unless this frame and `other` have equal content
    /// (WF-OPS-4; row order ignored, schemas must be equal).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` for a frame of another workflow.
    #[track_caller]
    pub fn assert_eq(&self, other: &WorkflowDataFrame) -> Result<()> {
        self.assert_cmp(other, true, Location::caller())
    }

    /// Fails the run if this frame and `other` have equal content (WF-OPS-4).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` for a frame of another workflow.
    #[track_caller]
    pub fn assert_not_eq(&self, other: &WorkflowDataFrame) -> Result<()> {
        self.assert_cmp(other, false, Location::caller())
    }

    fn assert_cmp(
        &self,
        other: &WorkflowDataFrame,
        want_eq: bool,
        site: &'static Location<'static>,
    ) -> Result<()> {
        self.add(
            NodeKind::Output,
            if want_eq { "assert_eq" } else { "assert_not_eq" },
            String::new(),
            Json::Null,
            &[other],
            None,
            exec(move |_ctx, inputs| {
                let eq = frames_equal(&inputs[0], &inputs[1])?;
                if eq != want_eq {
                    return Err(Error::user(format!(
                        "assertion failed: the frames are {}",
                        if want_eq { "different" } else { "equal" }
                    )));
                }
                Ok(None)
            }),
            site,
        )
        .map(drop)
    }

    // ---------------------------------------------------------- relational

    /// SELECT (WF-OPS-5, ENG-SEL); name rules are checked here (ERR-ARG).
    ///
    /// # Errors
    /// `ERR-ARG` for an invalid column list.
    #[track_caller]
    pub fn select(
        &self,
        columns: impl IntoIterator<Item = ColumnExpr>,
    ) -> Result<WorkflowDataFrame> {
        let site = Location::caller();
        let cols = SelectColumns::new(columns.into_iter().collect(), false)?;
        let ident = json!({ "cols": exprs_text(cols.items()) });
        self.unary("select", ident, site, move |ctx, df| ctx.engine.select(&df, &cols, None, None))
    }

    /// [`select`](Self::select) with `distinct`, a `where` condition and a
    /// `having` condition over aggregates (WF-OPS-5, ENG-SEL-1..8). Name
    /// rules are checked when the node is added.
    ///
    /// # Errors
    /// `ERR-ARG` for invalid column lists (e.g. `*` with a bare column).
    #[track_caller]
    pub fn select_with(
        &self,
        columns: impl IntoIterator<Item = ColumnExpr>,
        distinct: bool,
        where_: Option<ColumnExpr>,
        having: Option<ColumnExpr>,
    ) -> Result<WorkflowDataFrame> {
        let site = Location::caller();
        let cols = SelectColumns::new(columns.into_iter().collect(), distinct)?;
        let ident = json!({
            "cols": exprs_text(cols.items()),
            "where": where_.as_ref().map(ToString::to_string),
            "having": having.as_ref().map(ToString::to_string),
        });
        self.unary("select", ident, site, move |ctx, df| {
            ctx.engine.select(&df, &cols, where_.as_ref(), having.as_ref())
        })
    }

    /// Keeps rows where `condition` holds (WF-OPS-6).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn filter(&self, condition: ColumnExpr) -> Result<WorkflowDataFrame> {
        let ident = json!({ "filter": condition.to_string() });
        self.unary("filter", ident, Location::caller(), move |ctx, df| {
            ctx.engine.filter(&df, &condition)
        })
    }

    /// Adds or replaces columns (WF-OPS-6).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn assign(
        &self,
        columns: impl IntoIterator<Item = ColumnExpr>,
    ) -> Result<WorkflowDataFrame> {
        let cols: Vec<ColumnExpr> = columns.into_iter().collect();
        let ident = json!({ "assign": exprs_text(&cols) });
        self.unary("assign", ident, Location::caller(), move |ctx, df| {
            ctx.engine.assign(&df, &cols)
        })
    }

    /// Aggregates, grouped by the hint's keys (WF-OPS-6).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn aggregate(
        &self,
        aggs: impl IntoIterator<Item = ColumnExpr>,
    ) -> Result<WorkflowDataFrame> {
        let aggs: Vec<ColumnExpr> = aggs.into_iter().collect();
        let spec = self.spec(None);
        let ident = json!({ "aggregate": exprs_text(&aggs), "by": spec.partition_by() });
        self.unary("aggregate", ident, Location::caller(), move |ctx, df| {
            ctx.engine.aggregate(&df, &spec, &aggs)
        })
    }

    /// Joins with `others` in order (WF-OPS-8; a fold, ENG-JOIN-12).
    ///
    /// # Errors
    /// `ERR-ARG` for an unknown join kind.
    #[track_caller]
    pub fn join(
        &self,
        others: &[&WorkflowDataFrame],
        how: &str,
        on: &[&str],
    ) -> Result<WorkflowDataFrame> {
        let how: JoinType = how.parse()?;
        let on: Vec<String> = on.iter().map(|s| s.to_string()).collect();
        self.add(
            NodeKind::Process,
            "join",
            format!("{how:?}"),
            json!({ "how": format!("{how:?}"), "on": on }),
            others,
            None,
            exec(move |ctx, inputs| {
                let on: Vec<&str> = on.iter().map(String::as_str).collect();
                let mut acc = first(&inputs)?;
                for next in &inputs[1..] {
                    acc = ctx.engine.join(&acc, next, how, &on)?;
                }
                Ok(Some(acc))
            }),
            Location::caller(),
        )
    }

    /// Inner join on the common columns (WF-OPS-8).
    ///
    /// # Errors
    /// As [`join`](Self::join).
    #[track_caller]
    pub fn inner_join(&self, other: &WorkflowDataFrame) -> Result<WorkflowDataFrame> {
        self.join(&[other], "inner", &[])
    }

    /// Left outer join (WF-OPS-8).
    ///
    /// # Errors
    /// As [`join`](Self::join).
    #[track_caller]
    pub fn left_outer_join(&self, other: &WorkflowDataFrame) -> Result<WorkflowDataFrame> {
        self.join(&[other], "left_outer", &[])
    }

    /// Right outer join (WF-OPS-8).
    ///
    /// # Errors
    /// As [`join`](Self::join).
    #[track_caller]
    pub fn right_outer_join(&self, other: &WorkflowDataFrame) -> Result<WorkflowDataFrame> {
        self.join(&[other], "right_outer", &[])
    }

    /// Full outer join (WF-OPS-8).
    ///
    /// # Errors
    /// As [`join`](Self::join).
    #[track_caller]
    pub fn full_outer_join(&self, other: &WorkflowDataFrame) -> Result<WorkflowDataFrame> {
        self.join(&[other], "full_outer", &[])
    }

    /// Semi join (WF-OPS-8).
    ///
    /// # Errors
    /// As [`join`](Self::join).
    #[track_caller]
    pub fn semi_join(&self, other: &WorkflowDataFrame) -> Result<WorkflowDataFrame> {
        self.join(&[other], "semi", &[])
    }

    /// Anti join (WF-OPS-8).
    ///
    /// # Errors
    /// As [`join`](Self::join).
    #[track_caller]
    pub fn anti_join(&self, other: &WorkflowDataFrame) -> Result<WorkflowDataFrame> {
        self.join(&[other], "anti", &[])
    }

    /// Cross join (WF-OPS-8).
    ///
    /// # Errors
    /// As [`join`](Self::join).
    #[track_caller]
    pub fn cross_join(&self, other: &WorkflowDataFrame) -> Result<WorkflowDataFrame> {
        self.join(&[other], "cross", &[])
    }

    fn set_op(
        &self,
        op: &'static str,
        others: &[&WorkflowDataFrame],
        distinct: bool,
        site: &'static Location<'static>,
    ) -> Result<WorkflowDataFrame> {
        self.add(
            NodeKind::Process,
            op,
            format!("distinct={distinct}"),
            json!({ "distinct": distinct }),
            others,
            None,
            exec(move |ctx, inputs| {
                let mut acc = first(&inputs)?;
                for next in &inputs[1..] {
                    acc = match op {
                        "union" => ctx.engine.union(&acc, next, distinct)?,
                        "subtract" => ctx.engine.subtract(&acc, next, distinct)?,
                        _ => ctx.engine.intersect(&acc, next, distinct)?,
                    };
                }
                Ok(Some(acc))
            }),
            site,
        )
    }

    /// UNION with `others` (WF-OPS-9; `distinct` false for UNION ALL).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn union(
        &self,
        others: &[&WorkflowDataFrame],
        distinct: bool,
    ) -> Result<WorkflowDataFrame> {
        self.set_op("union", others, distinct, Location::caller())
    }

    /// EXCEPT (WF-OPS-9).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn subtract(
        &self,
        others: &[&WorkflowDataFrame],
        distinct: bool,
    ) -> Result<WorkflowDataFrame> {
        self.set_op("subtract", others, distinct, Location::caller())
    }

    /// INTERSECT (WF-OPS-9).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn intersect(
        &self,
        others: &[&WorkflowDataFrame],
        distinct: bool,
    ) -> Result<WorkflowDataFrame> {
        self.set_op("intersect", others, distinct, Location::caller())
    }

    /// Distinct rows (WF-OPS-10).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn distinct(&self) -> Result<WorkflowDataFrame> {
        self.unary("distinct", Json::Null, Location::caller(), |ctx, df| ctx.engine.distinct(&df))
    }

    /// Drops rows with nulls (WF-OPS-11): `how` is `any` or `all`.
    ///
    /// # Errors
    /// `ERR-ARG` for an invalid `how`.
    #[track_caller]
    pub fn dropna(
        &self,
        how: &str,
        thresh: Option<usize>,
        subset: Option<&[&str]>,
    ) -> Result<WorkflowDataFrame> {
        let how: DropnaHow = how.parse()?;
        let subset: Option<Vec<String>> = subset.map(|s| s.iter().map(|c| c.to_string()).collect());
        let ident = json!({ "how": format!("{how:?}"), "thresh": thresh, "subset": subset });
        self.unary("dropna", ident, Location::caller(), move |ctx, df| {
            let s: Option<Vec<&str>> =
                subset.as_ref().map(|v| v.iter().map(String::as_str).collect());
            ctx.engine.dropna(&df, how, thresh, s.as_deref())
        })
    }

    /// Fills nulls (WF-OPS-11).
    ///
    /// # Errors
    /// None at build time (invalid values fail at run, ENG-FILLNA-7).
    #[track_caller]
    pub fn fillna(&self, value: FillValue, subset: Option<&[&str]>) -> Result<WorkflowDataFrame> {
        let subset: Option<Vec<String>> = subset.map(|s| s.iter().map(|c| c.to_string()).collect());
        let ident = json!({ "value": format!("{value:?}"), "subset": subset });
        self.unary("fillna", ident, Location::caller(), move |ctx, df| {
            let s: Option<Vec<&str>> =
                subset.as_ref().map(|v| v.iter().map(String::as_str).collect());
            ctx.engine.fillna(&df, &value, s.as_deref())
        })
    }

    /// Samples rows (WF-OPS-12); n/frac exclusivity is checked here.
    ///
    /// # Errors
    /// `ERR-ARG` unless exactly one of `n` and `frac` is set.
    #[track_caller]
    pub fn sample(&self, spec: SampleSpec) -> Result<WorkflowDataFrame> {
        if spec.n.is_some() == spec.frac.is_some() {
            return Err(Error::arg("sample", "give exactly one of `n` and `frac` (ENG-SAMPLE-1)"));
        }
        let ident = json!({ "spec": format!("{spec:?}") });
        self.unary("sample", ident, Location::caller(), move |ctx, df| {
            ctx.engine.sample(&df, &spec)
        })
    }

    /// The first `n` rows by `presort`, per the hint's keys (WF-OPS-13).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn take(
        &self,
        n: usize,
        presort: &str,
        na_position: NaPosition,
    ) -> Result<WorkflowDataFrame> {
        let spec = self.spec(None);
        let presort = presort.to_string();
        let ident = json!({ "n": n, "presort": presort, "na": format!("{na_position:?}"), "by": spec.to_json() });
        self.unary("take", ident, Location::caller(), move |ctx, df| {
            ctx.engine.take(&df, n, &presort, na_position, &spec)
        })
    }

    /// Drops columns (WF-OPS-14); with `if_exists`, unknown names are ignored.
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn drop(&self, columns: &[&str], if_exists: bool) -> Result<WorkflowDataFrame> {
        let cols: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let ident = json!({ "drop": cols, "if_exists": if_exists });
        self.unary("drop", ident, Location::caller(), move |_ctx, df| {
            let names: Vec<&str> = cols
                .iter()
                .map(String::as_str)
                .filter(|c| !if_exists || df.schema().contains(c))
                .collect();
            df.drop_columns(&names)
        })
    }

    /// Renames columns (WF-OPS-15).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn rename(&self, pairs: &[(&str, &str)]) -> Result<WorkflowDataFrame> {
        let pairs: Vec<(String, String)> =
            pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        let ident = json!({ "rename": pairs });
        self.unary("rename", ident, Location::caller(), move |_ctx, df| {
            let p: Vec<(&str, &str)> =
                pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            df.rename(&p)
        })
    }

    /// Changes column types (WF-OPS-16); the schema must parse here.
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX`.
    #[track_caller]
    pub fn alter_columns(&self, columns: impl SchemaLike) -> Result<WorkflowDataFrame> {
        let schema: Schema = columns.into_schema()?;
        let ident = json!({ "alter": schema.to_string() });
        self.unary("alter_columns", ident, Location::caller(), move |_ctx, df| {
            df.alter_columns(&schema)
        })
    }

    /// Selects columns by name (WF-OPS-17).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn select_columns(&self, columns: &[&str]) -> Result<WorkflowDataFrame> {
        let cols: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let ident = json!({ "columns": cols });
        self.unary("select_columns", ident, Location::caller(), move |_ctx, df| {
            let c: Vec<&str> = cols.iter().map(String::as_str).collect();
            df.select_columns(&c)
        })
    }

    /// Zips with `others` for a cotransformer (WF-OPS-18); the partition
    /// defaults to the hint.
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn zip(&self, others: &[&WorkflowDataFrame], how: JoinType) -> Result<WorkflowDataFrame> {
        let spec = self.spec(None);
        self.add(
            NodeKind::Process,
            "zip",
            format!("{how:?}"),
            json!({ "how": format!("{how:?}") }),
            others,
            Some(spec.clone()),
            exec(move |ctx, inputs| {
                Ok(Some(ctx.engine.zip(&DataFrames::list(inputs), how, &spec)?))
            }),
            Location::caller(),
        )
    }

    /// Runs a cotransformer over this zipped frame (WF-COTR-1..7).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` when this node is not a zip (WF-COTR-1).
    #[track_caller]
    pub fn cotransform(
        &self,
        using: impl CoTransformer,
        options: impl Into<TransformOptions>,
    ) -> Result<WorkflowDataFrame> {
        let site = Location::caller();
        let is_zip = self.wf.state().nodes[self.node].op == "zip";
        if !is_zip {
            return Err(Error::wf_compile(
                "a cotransformer needs a zipped frame: call `.zip(..)` first (WF-COTR-1)",
            ));
        }
        let o: TransformOptions = options.into();
        let label = using.identity();
        let ident = json!({ "using": label, "params": o.params.to_json(), "schema": o.schema.as_ref().map(|s| format!("{s:?}")) });
        let tf: Arc<Mutex<Box<dyn CoTransformer>>> = Arc::new(Mutex::new(Box::new(using)));
        self.add(
            NodeKind::Process,
            "cotransform",
            label,
            ident,
            &[],
            None,
            exec(move |ctx, inputs| {
                let t = tf.lock().unwrap_or_else(PoisonError::into_inner).clone_box();
                let mut call =
                    fugue_api::api::cotransform(fugue_api::api::as_fugue(first(&inputs)?), t)
                        .engine(ctx.engine.clone())
                        .params(o.params.clone())
                        .ignore_errors(o.ignore.clone());
                if let Some(s) = &o.schema {
                    call = call.schema(s.clone());
                }
                if let Some(h) = &o.callback {
                    call = call.callback(h.clone());
                }
                Ok(Some(call.run()?))
            }),
            site,
        )
    }

    /// Runs an output cotransformer over this zipped frame eagerly
    /// (WF-OPS-7, WF-OTR-1..3, WF-COTR-5; CHECKLIST B20).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` when this frame is not the output of a zip.
    #[track_caller]
    pub fn out_cotransform(
        &self,
        using: impl fugue_api::extension::OutputCoTransformer,
        options: impl Into<TransformOptions>,
    ) -> Result<()> {
        let site = Location::caller();
        let is_zip = self.wf.state().nodes[self.node].op == "zip";
        if !is_zip {
            return Err(Error::wf_compile(
                "an output cotransformer needs a zipped frame: call `.zip(..)` first (WF-COTR-1)",
            ));
        }
        let o: TransformOptions = options.into();
        let label = using.identity();
        let ident = json!({ "using": label, "params": o.params.to_json() });
        let tf: Arc<Mutex<Box<dyn fugue_api::extension::OutputCoTransformer>>> =
            Arc::new(Mutex::new(Box::new(using)));
        self.add(
            NodeKind::Output,
            "out_cotransform",
            label,
            ident,
            &[],
            None,
            exec(move |ctx, inputs| {
                let t = tf.lock().unwrap_or_else(PoisonError::into_inner).clone_box();
                let mut call =
                    fugue_api::api::out_cotransform(fugue_api::api::as_fugue(first(&inputs)?), t)
                        .engine(ctx.engine.clone())
                        .params(o.params.clone())
                        .ignore_errors(o.ignore.clone());
                if let Some(h) = &o.callback {
                    call = call.callback(h.clone());
                }
                call.run()?;
                Ok(None)
            }),
            site,
        )
        .map(drop)
    }

    /// Saves when the workflow runs (WF-OPS-19); the partition defaults to
    /// the hint; mode `overwrite`.
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn save(&self, path: &str) -> Result<()> {
        self.save_with(path, SaveOptions { mode: SaveMode::Overwrite, ..SaveOptions::default() })
    }

    /// [`save`](Self::save) with options.
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn save_with(&self, path: &str, mut options: SaveOptions) -> Result<()> {
        if options.partition_spec.is_empty()
            && let Some(h) = &self.hint
        {
            options.partition_spec = h.clone();
        }
        let path = path.to_string();
        let ident = json!({ "path": path, "format": options.format_hint, "mode": format!("{:?}", options.mode) });
        self.add(
            NodeKind::Output,
            "save",
            path.clone(),
            ident,
            &[],
            None,
            exec(move |ctx, inputs| {
                ctx.engine.save_df(&first(&inputs)?, &path, &options)?;
                Ok(None)
            }),
            Location::caller(),
        )
        .map(drop)
    }

    /// Saves, then continues with the saved data (WF-OPS-20).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn save_and_use(&self, path: &str) -> Result<WorkflowDataFrame> {
        let path = path.to_string();
        let options = SaveOptions {
            mode: SaveMode::Overwrite,
            partition_spec: self.hint.clone().unwrap_or_default(),
            ..SaveOptions::default()
        };
        let ident = json!({ "path": path });
        self.unary("save_and_use", ident, Location::caller(), move |ctx, df| {
            ctx.engine.save_df(&df, &path, &options)?;
            ctx.engine.load_df(&[path.as_str()], &fugue_core::engine::LoadOptions::default())
        })
    }

    /// [`save_and_use`](Self::save_and_use) with save options (mode,
    /// format, partition, single, format options; WF-OPS-20): the saved
    /// data is loaded back with the same format and format options. The
    /// partition defaults to the hint.
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn save_and_use_with(
        &self,
        path: &str,
        mut options: SaveOptions,
    ) -> Result<WorkflowDataFrame> {
        if options.partition_spec.is_empty()
            && let Some(h) = &self.hint
        {
            options.partition_spec = h.clone();
        }
        let path = path.to_string();
        let ident = json!({
            "path": path,
            "format": options.format_hint,
            "mode": format!("{:?}", options.mode),
            "single": options.force_single,
            "partition": options.partition_spec.to_json(),
            "options": format!("{:?}", options.format_options),
        });
        self.unary("save_and_use", ident, Location::caller(), move |ctx, df| {
            ctx.engine.save_df(&df, &path, &options)?;
            let load = fugue_core::engine::LoadOptions {
                format_hint: options.format_hint.clone(),
                format_options: options.format_options.clone(),
                ..fugue_core::engine::LoadOptions::default()
            };
            ctx.engine.load_df(&[path.as_str()], &load)
        })
    }

    // ---------------------------------------------------------- checkpoints

    fn set_checkpoint(&self, c: Checkpoint) -> Result<WorkflowDataFrame> {
        let mut st = self.wf.state();
        let node = &mut st.nodes[self.node];
        if node.kind == NodeKind::Output {
            return Err(Error::wf_compile("an output node has no result to checkpoint"));
        }
        node.checkpoint = Some(c);
        node.explicit_checkpoint = true;
        Ok(self.clone())
    }

    /// A weak, eager checkpoint: `engine.persist` (WF-OPS-21, WF-CKPT).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` on an output node.
    pub fn persist(&self) -> Result<WorkflowDataFrame> {
        self.set_checkpoint(Checkpoint::Weak { lazy: false, options: Conf::empty() })
    }

    /// A weak checkpoint, lazy if asked (WF-CKPT-7).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` on an output node.
    pub fn weak_checkpoint(&self, lazy: bool) -> Result<WorkflowDataFrame> {
        self.set_checkpoint(Checkpoint::Weak { lazy, options: Conf::empty() })
    }

    /// A weak checkpoint with engine options, Python Fugue's `persist(lazy,
    /// **kwargs)` and FugueSQL's `PERSIST (level="memory")`
    /// (FSQL-STMT-CKPT-3): the run calls `engine.persist_with(df, lazy,
    /// options)`. Like every checkpoint it is not part of the identity
    /// (WF-CKPT-8).
    ///
    /// # Errors
    /// `ERR-ARG` for options that are not a conf; `ERR-WF-COMPILE` on an
    /// output node. At run: `ERR-NOT-SUPPORTED` for an option the engine
    /// does not have (the in-memory engines accept `level="memory"` only).
    pub fn weak_checkpoint_with(
        &self,
        lazy: bool,
        options: impl ConfLike,
    ) -> Result<WorkflowDataFrame> {
        self.set_checkpoint(Checkpoint::Weak { lazy, options: options.into_conf()? })
    }

    /// A strong file checkpoint, removed at the end of the run (WF-CKPT-2, 5).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` on an output node.
    pub fn checkpoint(&self) -> Result<WorkflowDataFrame> {
        self.strong_checkpoint(None, false)
    }

    /// A strong file checkpoint with layout options (WF-CKPT).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` on an output node.
    pub fn strong_checkpoint(
        &self,
        partition: Option<PartitionSpec>,
        single: bool,
    ) -> Result<WorkflowDataFrame> {
        self.set_checkpoint(Checkpoint::Strong { partition, single })
    }

    /// A permanent checkpoint keyed by this node's identity and `namespace`,
    /// reused by later runs and other processes; when it exists, the nodes
    /// that only feed it do not run again (WF-CKPT-3).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` on an output node.
    pub fn deterministic_checkpoint(&self, namespace: Option<&str>) -> Result<WorkflowDataFrame> {
        self.set_checkpoint(Checkpoint::Deterministic {
            namespace: namespace.map(str::to_string),
            partition: None,
            single: false,
        })
    }

    /// [`deterministic_checkpoint`](Self::deterministic_checkpoint) with the
    /// file's partition layout and single-file flag (WF-CKPT-3).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` on an output node.
    pub fn deterministic_checkpoint_with(
        &self,
        namespace: Option<&str>,
        partition: Option<PartitionSpec>,
        single: bool,
    ) -> Result<WorkflowDataFrame> {
        self.set_checkpoint(Checkpoint::Deterministic {
            namespace: namespace.map(str::to_string),
            partition,
            single,
        })
    }

    /// Marks the output for broadcast (WF-OPS-22); part of identity.
    pub fn broadcast(&self) -> WorkflowDataFrame {
        self.wf.state().nodes[self.node].broadcast = true;
        self.clone()
    }

    // ---------------------------------------------------------------- yields

    /// Yields this frame as `name` in the run result (WF-YIELD-1).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` on an output node.
    pub fn yield_dataframe_as(&self, name: &str, as_local: bool) -> Result<()> {
        self.add_yield(name, YieldKind::DataFrame { as_local })
    }

    /// Yields this frame as a file (its permanent checkpoint) for other
    /// workflows (WF-YIELD-3): adds a deterministic checkpoint with a fresh
    /// namespace unless the node has one.
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` after `checkpoint()` (a temporary checkpoint);
    /// `ERR-ARG` after `persist()` (a weak one).
    pub fn yield_file_as(&self, name: &str) -> Result<()> {
        let current = self.wf.state().nodes[self.node].checkpoint.clone();
        match current {
            Some(Checkpoint::Strong { .. }) => {
                return Err(Error::wf_compile(
                    "a temporary checkpoint cannot be yielded as a file: use deterministic_checkpoint (WF-YIELD-3)",
                ));
            }
            Some(Checkpoint::Weak { .. }) => {
                return Err(Error::arg(
                    name,
                    "a weak checkpoint cannot be yielded as a file (WF-YIELD-3)",
                ));
            }
            Some(Checkpoint::Deterministic { .. }) => {}
            None => {
                let ns = crate::workflow::random_namespace();
                self.set_checkpoint(Checkpoint::Deterministic {
                    namespace: Some(ns),
                    partition: None,
                    single: false,
                })?;
            }
        }
        self.add_yield(name, YieldKind::File)
    }

    fn add_yield(&self, name: &str, kind: YieldKind) -> Result<()> {
        let uuid = self.spec_uuid();
        let mut st = self.wf.state();
        if st.nodes[self.node].kind == NodeKind::Output {
            return Err(Error::wf_compile("an output node has no result to yield"));
        }
        let id = match (&kind, &st.nodes[self.node].checkpoint) {
            (YieldKind::File, Some(Checkpoint::Deterministic { namespace, .. })) => {
                format!("{uuid}|{}", namespace.as_deref().unwrap_or(""))
            }
            _ => uuid,
        };
        st.yields.insert(
            name.to_string(),
            Yield {
                name: name.to_string(),
                node: self.node,
                kind,
                id,
                frame: Arc::default(),
                path: Arc::default(),
            },
        );
        Ok(())
    }

    // ---------------------------------------------------------------- results

    /// The node's output after a successful run (WF-RUN-4).
    ///
    /// # Errors
    /// `ERR-INVALID-OP` before a run.
    pub fn result(&self) -> Result<DataFrameRef> {
        self.wf.result_of(self.node)
    }

    /// Runs the workflow, then returns this node's output (WF-RUN-5).
    ///
    /// # Errors
    /// The run's errors.
    pub fn compute<E: fugue_api::context::EngineLike>(&self, engine: E) -> Result<DataFrameRef> {
        self.wf.run(engine)?;
        self.result()
    }
}

/// Expressions as their SQL-like text (stable across builds; identity and
/// `explain`).
fn exprs_text(items: &[ColumnExpr]) -> String {
    items.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
}

/// Content equality ignoring row order (WF-OPS-4): same schema, same rows.
fn frames_equal(a: &DataFrameRef, b: &DataFrameRef) -> Result<bool> {
    if a.schema() != b.schema() {
        return Ok(false);
    }
    let mut ra: Vec<String> = a.as_array(None, true)?.iter().map(|r| format!("{r:?}")).collect();
    let mut rb: Vec<String> = b.as_array(None, true)?.iter().map(|r| format!("{r:?}")).collect();
    ra.sort();
    rb.sort();
    Ok(ra == rb)
}

// ------------------------------------------------------- workflow-level ops

impl FugueWorkflow {
    pub(crate) fn process_inner(
        &self,
        dfs: &[&WorkflowDataFrame],
        using: Arc<dyn Processor>,
        params: Params,
        partition: Option<PartitionSpec>,
        site: &'static Location<'static>,
    ) -> Result<WorkflowDataFrame> {
        self.process_named_inner(dfs, None, using, params, partition, site)
    }

    /// [`process_inner`](Self::process_inner) with optional input names
    /// (dict-like inputs, WF-DAG-7).
    pub(crate) fn process_named_inner(
        &self,
        dfs: &[&WorkflowDataFrame],
        names: Option<Vec<String>>,
        using: Arc<dyn Processor>,
        params: Params,
        partition: Option<PartitionSpec>,
        site: &'static Location<'static>,
    ) -> Result<WorkflowDataFrame> {
        let spec = partition.unwrap_or_default();
        fugue_api::extension::validate_partition(&using.validation_rules()?, &spec)?;
        let ident = json!({ "using": using.identity(), "params": params.to_json() });
        let label = using.identity();
        let spec2 = spec.clone();
        let names2 = names.clone();
        self.add(
            NodeKind::Process,
            "process",
            label,
            ident,
            dfs,
            names,
            Some(spec),
            Arc::new(move |ctx, inputs| {
                let mut call = fugue_api::api::process(
                    inputs.into_iter().map(fugue_api::api::as_fugue),
                    ArcProcessor(using.clone()),
                );
                if let Some(n) = &names2 {
                    call = call.names(n.clone());
                }
                let out = call
                    .params(params.clone())
                    .partition(spec2.clone())
                    .engine(ctx.engine.clone())
                    .run()?;
                Ok(Some(out))
            }),
            site,
        )
    }

    pub(crate) fn output_inner(
        &self,
        dfs: &[&WorkflowDataFrame],
        using: Arc<dyn Outputter>,
        params: Params,
        partition: Option<PartitionSpec>,
        site: &'static Location<'static>,
    ) -> Result<()> {
        self.output_named_inner(dfs, None, using, params, partition, site)
    }

    /// [`output_inner`](Self::output_inner) with optional input names
    /// (dict-like inputs, WF-DAG-7).
    pub(crate) fn output_named_inner(
        &self,
        dfs: &[&WorkflowDataFrame],
        names: Option<Vec<String>>,
        using: Arc<dyn Outputter>,
        params: Params,
        partition: Option<PartitionSpec>,
        site: &'static Location<'static>,
    ) -> Result<()> {
        if dfs.is_empty() {
            return Err(Error::wf_compile("an output needs at least one input (WF-DAG-2)"));
        }
        let spec = partition.unwrap_or_default();
        fugue_api::extension::validate_partition(&using.validation_rules()?, &spec)?;
        let ident = json!({ "using": using.identity(), "params": params.to_json() });
        let label = using.identity();
        let names2 = names.clone();
        self.add(
            NodeKind::Output,
            "output",
            label,
            ident,
            dfs,
            names,
            Some(spec),
            Arc::new(move |ctx, inputs| {
                let dfs = match &names2 {
                    Some(n) => DataFrames::named(n.iter().cloned().zip(inputs))?,
                    None => DataFrames::list(inputs),
                };
                for d in dfs.values() {
                    fugue_api::extension::validate_input(&using.validation_rules()?, d.schema())?;
                }
                let ectx = fugue_api::extension::ExtensionContext::new(
                    params.clone(),
                    Some(ctx.engine.clone()),
                );
                using.output(&ectx, dfs)?;
                Ok(None)
            }),
            site,
        )
        .map(drop)
    }

    /// Adds a Create node running a creator (WF-OPS-26, WF-CREATE-1).
    ///
    /// # Errors
    /// None at build time.
    #[track_caller]
    pub fn create(
        &self,
        using: impl fugue_api::extension::Creator,
        params: impl ConfLike,
    ) -> Result<WorkflowDataFrame> {
        let params = params.into_conf()?;
        let ident = json!({ "using": using.identity(), "params": params.to_json() });
        let label = using.identity();
        let using = Arc::new(using);
        self.add(
            NodeKind::Create,
            "create",
            label,
            ident,
            &[],
            None,
            None,
            Arc::new(move |ctx, _| {
                let ectx = fugue_api::extension::ExtensionContext::new(
                    params.clone(),
                    Some(ctx.engine.clone()),
                );
                Ok(Some(ctx.engine.to_df(&using.create(&ectx)?)?))
            }),
            Location::caller(),
        )
    }

    /// Adds a Process node running a processor over `dfs` (WF-OPS-26).
    ///
    /// # Errors
    /// Compile-time validation errors; `ERR-WF-COMPILE` for foreign frames.
    #[track_caller]
    pub fn process(
        &self,
        dfs: &[&WorkflowDataFrame],
        using: impl Processor,
        params: impl ConfLike,
        partition: Option<PartitionSpec>,
    ) -> Result<WorkflowDataFrame> {
        self.process_inner(dfs, Arc::new(using), params.into_conf()?, partition, Location::caller())
    }

    /// Adds an Output node running an outputter over `dfs` (WF-OPS-26).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` for no input (WF-DAG-2); validation errors.
    #[track_caller]
    pub fn output(
        &self,
        dfs: &[&WorkflowDataFrame],
        using: impl Outputter,
        params: impl ConfLike,
        partition: Option<PartitionSpec>,
    ) -> Result<()> {
        self.output_inner(dfs, Arc::new(using), params.into_conf()?, partition, Location::caller())
    }

    /// [`process`](Self::process) with named inputs (dict-like, WF-DAG-7):
    /// the processor sees each frame under its name.
    ///
    /// # Errors
    /// As [`process`](Self::process); `ERR-ARG` for duplicate names (at run).
    #[track_caller]
    pub fn process_named(
        &self,
        dfs: &[(&str, &WorkflowDataFrame)],
        using: impl Processor,
        params: impl ConfLike,
        partition: Option<PartitionSpec>,
    ) -> Result<WorkflowDataFrame> {
        let names = dfs.iter().map(|(n, _)| n.to_string()).collect();
        let refs: Vec<&WorkflowDataFrame> = dfs.iter().map(|(_, d)| *d).collect();
        self.process_named_inner(
            &refs,
            Some(names),
            Arc::new(using),
            params.into_conf()?,
            partition,
            Location::caller(),
        )
    }

    /// [`output`](Self::output) with named inputs (dict-like, WF-DAG-7):
    /// the outputter sees each frame under its name.
    ///
    /// # Errors
    /// As [`output`](Self::output).
    #[track_caller]
    pub fn output_named(
        &self,
        dfs: &[(&str, &WorkflowDataFrame)],
        using: impl Outputter,
        params: impl ConfLike,
        partition: Option<PartitionSpec>,
    ) -> Result<()> {
        let names = dfs.iter().map(|(n, _)| n.to_string()).collect();
        let refs: Vec<&WorkflowDataFrame> = dfs.iter().map(|(_, d)| *d).collect();
        self.output_named_inner(
            &refs,
            Some(names),
            Arc::new(using),
            params.into_conf()?,
            partition,
            Location::caller(),
        )
    }

    /// Zips named frames (dict-like, WF-DAG-7, WF-OPS-18, ENG-ZIP-8): a
    /// cotransformer sees the members under these names (CHECKLIST B18).
    /// `partition` gives the zip keys (and presort).
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` for no frames or a frame of another workflow;
    /// `ERR-ARG` for duplicate names.
    #[track_caller]
    pub fn zip_named(
        &self,
        dfs: &[(&str, &WorkflowDataFrame)],
        how: JoinType,
        partition: Option<PartitionSpec>,
    ) -> Result<WorkflowDataFrame> {
        if dfs.is_empty() {
            return Err(Error::wf_compile("zip_named needs at least one frame (WF-OPS-18)"));
        }
        let names: Vec<String> = dfs.iter().map(|(n, _)| n.to_string()).collect();
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = names.iter().find(|n| !seen.insert(n.as_str())) {
            return Err(Error::arg(dup, "duplicate name in zip_named (ENG-ZIP-8)"));
        }
        let refs: Vec<&WorkflowDataFrame> = dfs.iter().map(|(_, d)| *d).collect();
        let spec = partition.unwrap_or_default();
        let (names2, spec2) = (names.clone(), spec.clone());
        self.add(
            NodeKind::Process,
            "zip",
            format!("{how:?}"),
            json!({ "how": format!("{how:?}") }),
            &refs,
            Some(names),
            Some(spec),
            Arc::new(move |ctx, inputs| {
                let dfs = DataFrames::named(names2.iter().cloned().zip(inputs))?;
                Ok(Some(ctx.engine.zip(&dfs, how, &spec2)?))
            }),
            Location::caller(),
        )
    }

    /// A SQL SELECT over workflow frames (WF-OPS-25): text and frames
    /// interleaved; frames become named inputs.
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` for frames of another workflow.
    #[track_caller]
    pub fn select(&self, parts: Vec<SqlPiece>) -> Result<WorkflowDataFrame> {
        let mut inputs: Vec<WorkflowDataFrame> = Vec::new();
        let mut sql: Vec<SqlPart> = Vec::new();
        let mut text = String::new();
        for p in parts {
            match p {
                SqlPiece::Text(t) => {
                    text.push_str(&t);
                    text.push(' ');
                    sql.push(SqlPart::Text(t));
                }
                SqlPiece::Frame(df) => {
                    let key = match inputs.iter().position(|d| d.node == df.node) {
                        Some(k) => format!("_{k}"),
                        None => {
                            inputs.push(df.clone());
                            format!("_{}", inputs.len() - 1)
                        }
                    };
                    text.push_str(&format!("<{key}> "));
                    sql.push(SqlPart::Table(key));
                }
            }
        }
        let refs: Vec<&WorkflowDataFrame> = inputs.iter().collect();
        let names: Vec<String> = (0..inputs.len()).map(|k| format!("_{k}")).collect();
        let names2 = names.clone();
        let statement = StructuredSql { parts: sql, dialect: "spark".into() };
        self.add(
            NodeKind::Process,
            "select",
            text.trim().to_string(),
            json!({ "sql": text.trim() }),
            &refs,
            Some(names),
            None,
            Arc::new(move |ctx, frames| {
                let dfs = DataFrames::named(names2.iter().cloned().zip(frames))?;
                Ok(Some(ctx.engine.sql_engine()?.select(&dfs, &statement)?))
            }),
            Location::caller(),
        )
    }
}

/// A piece of [`FugueWorkflow::select`]: SQL text or a workflow frame.
pub enum SqlPiece {
    /// SQL text.
    Text(String),
    /// A frame of this workflow.
    Frame(WorkflowDataFrame),
}

impl From<&str> for SqlPiece {
    fn from(s: &str) -> Self {
        SqlPiece::Text(s.to_string())
    }
}

impl From<&WorkflowDataFrame> for SqlPiece {
    fn from(d: &WorkflowDataFrame) -> Self {
        SqlPiece::Frame(d.clone())
    }
}

struct ArcProcessor(Arc<dyn Processor>);

impl Processor for ArcProcessor {
    fn identity(&self) -> String {
        self.0.identity()
    }
    fn validation_rules(&self) -> Result<Vec<fugue_core::partition::ValidationRule>> {
        self.0.validation_rules()
    }
    fn process(
        &self,
        ctx: &fugue_api::extension::ExtensionContext,
        dfs: DataFrames,
    ) -> Result<DataFrameRef> {
        self.0.process(ctx, dfs)
    }
}
