//! `map_dataframe` as a DataFusion plan node (ENG-MAP-1..12, PG-1..8).
//!
//! [`MapTable`] is a table provider whose scan plans, each time it is
//! scanned:
//!
//! 1. the input's physical plan (fresh, so the result can run any number
//!    of times);
//! 2. the physical layout: for keyed specs a `RepartitionExec` hashing the
//!    keys into N partitions (a `CoalescePartitionsExec` for N = 1), then a
//!    `SortExec` by keys + presort that keeps the partitioning; without keys
//!    and without a number the input's partitions sorted by presort; the
//!    layouts that need global knowledge (`even`, contiguous splits,
//!    `rand`, `per_row`) arrive materialised from the engine
//!    ([`MapSource::Materialized`]);
//! 3. [`MapExec`], which streams every partition through the user function:
//!    `on_init` once before the first call of a non-empty partition, one
//!    call per run of equal keys (or one per partition without keys or with
//!    `coarse`), outputs checked against the output schema. Only the rows of
//!    the current logical partition are held in memory; partitions run in
//!    parallel as DataFusion executes them.
//!
//! The input plan of [`MapExec`] is not exposed as a child: the physical
//! optimizer must not re-partition or re-sort what the layout guarantees.
//! A distributed planner (Ballista) needs the input as a child to cut
//! stages at the repartition: after optimisation, [`expose_map_inputs`]
//! makes every map node show its input and declare the distribution and
//! ordering it needs, and [`encode_map_exec`] / [`decode_map_exec`] carry
//! the node to executors, which rebuild the user functions from the map's
//! [`MapRecipe`] when the node first runs.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use arrow::array::RecordBatch;
use arrow::compute::SortOptions;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatchOptions;
use arrow::row::{OwnedRow, RowConverter, SortField};
use async_trait::async_trait;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode, TreeNodeRecursion};
use datafusion::dataframe::DataFrame;
use datafusion::datasource::TableType;
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::TaskContext;
use datafusion::logical_expr::Expr;
use datafusion::physical_expr::expressions::col as pcol;
use datafusion::physical_expr::{
    Distribution, EquivalenceProperties, LexOrdering, OrderingRequirements, PhysicalExpr,
    PhysicalSortExpr,
};
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties,
    SendableRecordBatchStream,
};
use fugue_core::DataFrame as _;
use fugue_core::engine::portable::{BuiltMap, MapRecipe};
use fugue_core::spi::map::{call_user, check_output_schema};
use fugue_core::spi::value::row_at;
use fugue_core::{Error, LocalDataFrame, PartitionCursor, PartitionSpec, Result, Schema};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::error::to_df;

/// What a map runs: the user functions (or the recipe that rebuilds them
/// in another process) and everything they need per call.
pub(crate) struct MapParams {
    /// The user functions (ENG-MAP-2, ENG-MAP-4); `None` until built from
    /// `recipe` on an executor.
    functions: Mutex<Option<BuiltMap>>,
    /// How another process rebuilds the functions (distributed engines).
    pub(crate) recipe: Option<MapRecipe>,
    /// The input's fugue schema.
    pub(crate) input_schema: Schema,
    /// The required output schema (ENG-MAP-6).
    pub(crate) output_schema: Schema,
    /// The partition spec (keys for the cursor).
    pub(crate) spec: PartitionSpec,
    /// One call per physical partition (no keys, or `coarse`, PG-3 / PA-5).
    pub(crate) whole_partition: bool,
}

impl MapParams {
    /// The params of a map whose functions are at hand.
    pub(crate) fn new(
        functions: BuiltMap,
        recipe: Option<MapRecipe>,
        input_schema: Schema,
        output_schema: Schema,
        spec: PartitionSpec,
        whole_partition: bool,
    ) -> Self {
        MapParams {
            functions: Mutex::new(Some(functions)),
            recipe,
            input_schema,
            output_schema,
            spec,
            whole_partition,
        }
    }

    /// The user functions, built from the recipe on first use when the
    /// node was decoded in another process.
    fn functions(&self) -> Result<BuiltMap> {
        let mut slot = self.functions.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(f) = slot.as_ref() {
            return Ok(f.clone());
        }
        let recipe = self
            .recipe
            .as_ref()
            .ok_or_else(|| Error::internal("a map node with neither functions nor a recipe"))?;
        let built = recipe.build()?;
        *slot = Some(built.clone());
        Ok(built)
    }
}

impl fmt::Debug for MapParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapParams")
            .field("input_schema", &self.input_schema.to_string())
            .field("output_schema", &self.output_schema.to_string())
            .field("spec", &self.spec.to_json_string())
            .field("whole_partition", &self.whole_partition)
            .field("recipe", &self.recipe.as_ref().map(|r| r.builder.as_str()))
            .finish()
    }
}

/// What the laid-out input of a map node guarantees (and what an exposed
/// node declares it requires of its child).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct MapLayout {
    /// Hash-partitioned by these keys (`Some(vec![])`: one partition).
    hash_keys: Option<Vec<String>>,
    /// Sorted inside every partition by these (nulls last).
    sorts: Vec<(String, bool)>,
}

/// Where the map's physical partitions come from.
#[derive(Debug, Clone)]
pub(crate) enum MapSource {
    /// Hash the input by `keys` into `n` partitions, each sorted by `sorts`.
    Hash {
        /// The input frame.
        input: DataFrame,
        /// Partition keys.
        keys: Vec<String>,
        /// Keys ascending then presort (nulls last).
        sorts: Vec<(String, bool)>,
        /// Number of partitions (≥ 1).
        n: usize,
    },
    /// Keep the input's partitions, each sorted by `sorts`.
    Keep {
        /// The input frame.
        input: DataFrame,
        /// Presort (nulls last).
        sorts: Vec<(String, bool)>,
    },
    /// Partitions laid out by the engine (already sorted); never empty.
    Materialized {
        /// The partitions' batches.
        partitions: Vec<Vec<RecordBatch>>,
        /// Their schema.
        schema: SchemaRef,
    },
}

/// The physical sort of `sorts` over `schema`, nulls last (PG-2).
fn lex_ordering(
    sorts: &[(String, bool)],
    schema: &arrow::datatypes::Schema,
) -> DfResult<Option<LexOrdering>> {
    let exprs = sorts
        .iter()
        .map(|(c, asc)| {
            Ok(PhysicalSortExpr::new(
                pcol(c, schema)?,
                SortOptions { descending: !asc, nulls_first: false },
            ))
        })
        .collect::<DfResult<Vec<_>>>()?;
    Ok(LexOrdering::new(exprs))
}

impl MapSource {
    /// What the laid-out input guarantees.
    fn layout(&self) -> MapLayout {
        match self {
            MapSource::Hash { keys, sorts, n, .. } => MapLayout {
                hash_keys: Some(if *n <= 1 { Vec::new() } else { keys.clone() }),
                sorts: sorts.clone(),
            },
            MapSource::Keep { sorts, .. } => MapLayout { hash_keys: None, sorts: sorts.clone() },
            MapSource::Materialized { .. } => MapLayout::default(),
        }
    }

    /// The physical plan of the laid-out input.
    async fn plan(&self) -> DfResult<Arc<dyn ExecutionPlan>> {
        match self {
            MapSource::Hash { input, keys, sorts, n } => {
                let plan = input.clone().create_physical_plan().await?;
                let schema = plan.schema();
                let plan: Arc<dyn ExecutionPlan> = if *n <= 1 {
                    Arc::new(CoalescePartitionsExec::new(plan))
                } else {
                    let exprs = keys
                        .iter()
                        .map(|k| pcol(k, &schema))
                        .collect::<DfResult<Vec<Arc<dyn PhysicalExpr>>>>()?;
                    Arc::new(RepartitionExec::try_new(plan, Partitioning::Hash(exprs, *n))?)
                };
                sorted(plan, sorts)
            }
            MapSource::Keep { input, sorts } => {
                let plan = input.clone().create_physical_plan().await?;
                sorted(plan, sorts)
            }
            MapSource::Materialized { partitions, schema } => {
                Ok(MemorySourceConfig::try_new_exec(partitions, Arc::clone(schema), None)?)
            }
        }
    }
}

/// `plan` sorted by `sorts` inside every partition (no-op without sorts).
fn sorted(
    plan: Arc<dyn ExecutionPlan>,
    sorts: &[(String, bool)],
) -> DfResult<Arc<dyn ExecutionPlan>> {
    match lex_ordering(sorts, &plan.schema())? {
        Some(ordering) => {
            Ok(Arc::new(SortExec::new(ordering, plan).with_preserve_partitioning(true)))
        }
        None => Ok(plan),
    }
}

/// A table whose scan is a [`MapExec`] over a laid-out input: the lazy
/// result of `map_dataframe`.
#[derive(Debug)]
pub(crate) struct MapTable {
    source: MapSource,
    params: Arc<MapParams>,
    schema: SchemaRef,
}

impl MapTable {
    /// A map of `source` by `params`.
    pub(crate) fn new(source: MapSource, params: MapParams) -> Self {
        let schema = Arc::clone(params.output_schema.arrow());
        MapTable { source, params: Arc::new(params), schema }
    }
}

#[async_trait]
impl TableProvider for MapTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Temporary
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        _limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let input = self.source.plan().await?;
        let map: Arc<dyn ExecutionPlan> =
            Arc::new(MapExec::new(input, Arc::clone(&self.params), self.source.layout(), false));
        match projection {
            None => Ok(map),
            Some(p) => {
                let exprs = p
                    .iter()
                    .map(|&i| {
                        let name = self.schema.field(i).name().clone();
                        Ok((pcol(&name, &self.schema)?, name))
                    })
                    .collect::<DfResult<Vec<_>>>()?;
                Ok(Arc::new(ProjectionExec::try_new(exprs, map)?))
            }
        }
    }
}

/// The map node: streams each input partition through the user function
/// (see the module docs). One output partition per input partition.
pub(crate) struct MapExec {
    input: Arc<dyn ExecutionPlan>,
    params: Arc<MapParams>,
    layout: MapLayout,
    /// Whether the input is a child (for distributed planners) or private.
    exposed: bool,
    properties: Arc<PlanProperties>,
}

impl fmt::Debug for MapExec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapExec")
            .field("params", &self.params)
            .field("layout", &self.layout)
            .field("exposed", &self.exposed)
            .finish()
    }
}

impl MapExec {
    /// A map over `input` (already laid out and sorted as `layout` says).
    pub(crate) fn new(
        input: Arc<dyn ExecutionPlan>,
        params: Arc<MapParams>,
        layout: MapLayout,
        exposed: bool,
    ) -> Self {
        let n = input.properties().output_partitioning().partition_count();
        let schema = Arc::clone(params.output_schema.arrow());
        let properties = PlanProperties::new(
            EquivalenceProperties::new(schema),
            Partitioning::UnknownPartitioning(n),
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        MapExec { input, params, layout, exposed, properties: Arc::new(properties) }
    }
}

impl DisplayAs for MapExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "FugueMapExec: spec={}, output={}",
            self.params.spec.to_json_string(),
            self.params.output_schema
        )
    }
}

impl ExecutionPlan for MapExec {
    fn name(&self) -> &str {
        "FugueMapExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        // private unless exposed: optimizers must not touch the layout
        if self.exposed { vec![&self.input] } else { vec![] }
    }

    /// Exposed: the keys' hash partitioning (one partition for a single
    /// one) the layout provides.
    fn required_input_distribution(&self) -> Vec<Distribution> {
        if !self.exposed {
            return vec![];
        }
        let schema = self.input.schema();
        let distribution = match &self.layout.hash_keys {
            Some(keys) if keys.is_empty() => Distribution::SinglePartition,
            Some(keys) => match keys.iter().map(|k| pcol(k, &schema)).collect::<DfResult<Vec<_>>>()
            {
                Ok(exprs) => Distribution::KeyPartitioned(exprs),
                Err(_) => Distribution::UnspecifiedDistribution,
            },
            None => Distribution::UnspecifiedDistribution,
        };
        vec![distribution]
    }

    /// Exposed: keys then presort inside every partition (PG-2).
    fn required_input_ordering(&self) -> Vec<Option<OrderingRequirements>> {
        if !self.exposed {
            return vec![];
        }
        let ordering = lex_ordering(&self.layout.sorts, &self.input.schema()).ok().flatten();
        vec![ordering.map(OrderingRequirements::from)]
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![false; self.children().len()]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false; self.children().len()]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>,
    ) -> DfResult<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    #[allow(deprecated)]
    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        match (self.exposed, children.as_slice()) {
            (false, _) => Ok(self),
            (true, [input]) => Ok(Arc::new(MapExec::new(
                Arc::clone(input),
                Arc::clone(&self.params),
                self.layout.clone(),
                true,
            ))),
            (true, _) => Err(DataFusionError::Internal(format!(
                "FugueMapExec has one child, given {}",
                children.len()
            ))),
        }
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        let functions = self.params.functions().map_err(to_df)?;
        let input = self.input.execute(partition, context)?;
        let mapper = PartitionMapper::new(partition, input, Arc::clone(&self.params), functions)
            .map_err(to_df)?;
        let schema = Arc::clone(self.params.output_schema.arrow());
        let stream = futures::stream::unfold(mapper, |mut m| async move {
            let next = m.next().await;
            next.map(|item| (item, m))
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, stream)))
    }
}

/// `plan` with the input of every map node exposed as its child, so a
/// distributed planner cuts stages at the map's repartition and ships the
/// input with the node (run it after the physical optimizer, which must not
/// see those inputs). Nested maps are exposed too.
///
/// # Errors
/// DataFusion's errors rebuilding the plan.
pub fn expose_map_inputs(plan: Arc<dyn ExecutionPlan>) -> DfResult<Arc<dyn ExecutionPlan>> {
    plan.transform_up(|node| {
        let Some(map) = node.downcast_ref::<MapExec>() else {
            return Ok(Transformed::no(node));
        };
        if map.exposed {
            return Ok(Transformed::no(node));
        }
        let input = expose_map_inputs(Arc::clone(&map.input))?;
        Ok(Transformed::yes(Arc::new(MapExec::new(
            input,
            Arc::clone(&map.params),
            map.layout.clone(),
            true,
        )) as Arc<dyn ExecutionPlan>))
    })
    .data()
}

/// The first bytes of an encoded map node (not a valid protobuf start, so
/// never confused with another codec's node).
const MAP_MAGIC: &[u8] = b"FUGUEMAP\x01";

/// What an encoded map node carries besides its input (a plan child).
#[derive(Serialize, Deserialize)]
struct EncodedMap {
    recipe: MapRecipe,
    input_schema: String,
    output_schema: String,
    spec: serde_json::Value,
    whole_partition: bool,
    layout: MapLayout,
}

/// The bytes of `node` when it is a fugue map node (`None` otherwise): its
/// recipe, schemas, partition spec and layout; its input travels as the
/// plan child. For physical extension codecs (Ballista).
///
/// # Errors
/// (inside the `Some`) `ERR-NOT-SUPPORTED` for a map without a recipe or
/// whose input is not exposed (see [`expose_map_inputs`]).
pub fn encode_map_exec(node: &dyn ExecutionPlan) -> Option<Result<Vec<u8>>> {
    let map = node.downcast_ref::<MapExec>()?;
    Some((|| {
        let recipe = map.params.recipe.clone().ok_or_else(|| {
            Error::not_supported(
                "a map_dataframe without a recipe cannot be sent to another process: \
                 use an extension registered by name",
            )
        })?;
        if !map.exposed {
            return Err(Error::internal("a map node is encoded before its input was exposed"));
        }
        let encoded = EncodedMap {
            recipe,
            input_schema: map.params.input_schema.to_string(),
            output_schema: map.params.output_schema.to_string(),
            spec: map.params.spec.to_json(),
            whole_partition: map.params.whole_partition,
            layout: map.layout.clone(),
        };
        let mut buf = MAP_MAGIC.to_vec();
        serde_json::to_writer(&mut buf, &encoded)
            .map_err(|e| Error::internal(format!("encoding a map node: {e}")))?;
        Ok(buf)
    })())
}

/// The map node of [`encode_map_exec`] bytes over `inputs` (its one
/// child), `None` when `buf` is not a map node. The user functions are
/// built from the recipe when the node first runs, so a process that only
/// plans (a scheduler) needs no extension.
///
/// # Errors
/// (inside the `Some`) `ERR-ARG` for damaged bytes or a child count other
/// than one; schema and partition-spec parse errors.
pub fn decode_map_exec(
    buf: &[u8],
    inputs: &[Arc<dyn ExecutionPlan>],
) -> Option<Result<Arc<dyn ExecutionPlan>>> {
    let body = buf.strip_prefix(MAP_MAGIC)?;
    Some((|| {
        let e: EncodedMap = serde_json::from_slice(body)
            .map_err(|e| Error::arg("map node", format!("damaged map node bytes: {e}")))?;
        let [input] = inputs else {
            return Err(Error::arg(
                "map node",
                format!("one input expected, got {}", inputs.len()),
            ));
        };
        let params = MapParams {
            functions: Mutex::new(None),
            recipe: Some(e.recipe),
            input_schema: Schema::parse(&e.input_schema)?,
            output_schema: Schema::parse(&e.output_schema)?,
            spec: PartitionSpec::from_json_value(&e.spec)?,
            whole_partition: e.whole_partition,
        };
        let node: Arc<dyn ExecutionPlan> =
            Arc::new(MapExec::new(Arc::clone(input), Arc::new(params), e.layout, true));
        Ok(node)
    })())
}

/// The state of one partition's map: the current logical partition's rows
/// and the outputs not yet returned.
struct PartitionMapper {
    partition: usize,
    input: SendableRecordBatchStream,
    params: Arc<MapParams>,
    functions: BuiltMap,
    key_idx: Vec<usize>,
    converter: Option<RowConverter>,
    buffer: Vec<RecordBatch>,
    buffered_key: Option<OwnedRow>,
    cursor: PartitionCursor,
    logical_no: usize,
    inited: bool,
    pending: VecDeque<RecordBatch>,
    done: bool,
}

impl PartitionMapper {
    fn new(
        partition: usize,
        input: SendableRecordBatchStream,
        params: Arc<MapParams>,
        functions: BuiltMap,
    ) -> Result<Self> {
        let schema = &params.input_schema;
        let keys = params.spec.partition_by();
        let key_idx = keys.iter().map(|k| schema.index_of(k)).collect::<Result<Vec<_>>>()?;
        let converter = if params.whole_partition || key_idx.is_empty() {
            None
        } else {
            let fields = key_idx
                .iter()
                .map(|&i| SortField::new(schema.fields()[i].data_type().clone()))
                .collect();
            Some(RowConverter::new(fields)?)
        };
        let cursor = PartitionCursor::new(schema.clone(), &params.spec, partition)?;
        Ok(PartitionMapper {
            partition,
            input,
            key_idx,
            converter,
            buffer: Vec::new(),
            buffered_key: None,
            cursor,
            logical_no: 0,
            inited: false,
            pending: VecDeque::new(),
            done: false,
            params,
            functions,
        })
    }

    /// The next output batch, `None` at the end.
    async fn next(&mut self) -> Option<DfResult<RecordBatch>> {
        loop {
            if let Some(b) = self.pending.pop_front() {
                return Some(Ok(b));
            }
            if self.done {
                return None;
            }
            let step = match self.input.next().await {
                Some(Ok(batch)) => self.push(batch),
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                None => {
                    self.done = true;
                    self.flush()
                }
            };
            if let Err(e) = step {
                self.done = true;
                self.pending.clear();
                return Some(Err(to_df(e)));
            }
        }
    }

    /// Adds an input batch: complete logical partitions are mapped at once.
    fn push(&mut self, batch: RecordBatch) -> Result<()> {
        let schema = self.params.input_schema.clone();
        for batch in LocalDataFrame::new(schema, vec![batch])?.into_batches() {
            let Some(converter) = &self.converter else {
                self.buffer.push(batch);
                continue;
            };
            let keys: Vec<_> = self.key_idx.iter().map(|&i| Arc::clone(batch.column(i))).collect();
            let rows = converter.convert_columns(&keys)?;
            let ranges = arrow::compute::partition(&keys)?.ranges();
            for r in ranges {
                let key = rows.row(r.start).owned();
                if self.buffered_key.as_ref() != Some(&key) {
                    self.flush()?;
                    self.buffered_key = Some(key);
                }
                self.buffer.push(batch.slice(r.start, r.len()));
            }
        }
        Ok(())
    }

    /// Maps the buffered logical partition (if any).
    fn flush(&mut self) -> Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let p = &self.params;
        let group = LocalDataFrame::new(p.input_schema.clone(), std::mem::take(&mut self.buffer))?;
        let no = self.partition;
        if !self.inited {
            self.inited = true;
            if let Some(init) = &self.functions.on_init {
                call_user(|| format!("physical partition {no} (on_init)"), || init(no, &group))?;
            }
        }
        let first = group
            .batches()
            .first()
            .ok_or_else(|| Error::internal("a logical partition without rows"))?;
        self.cursor.set(row_at(first, 0)?, self.logical_no, 0);
        self.logical_no += 1;
        let cursor = &self.cursor;
        let result =
            call_user(|| cursor.describe_keys(), || (self.functions.map_fn)(cursor, group))?;
        check_output_schema(result.schema(), &p.output_schema)?;
        let out_schema = p.output_schema.arrow();
        for b in result.into_batches() {
            let options = RecordBatchOptions::new().with_row_count(Some(b.num_rows()));
            self.pending.push_back(RecordBatch::try_new_with_options(
                Arc::clone(out_schema),
                b.columns().to_vec(),
                &options,
            )?);
        }
        Ok(())
    }
}

/// Partitions laid out by the engine as a map source, dropping empty ones
/// (at least one, possibly empty, partition remains so the plan has a schema).
pub(crate) fn materialized(partitions: Vec<Vec<RecordBatch>>, schema: SchemaRef) -> MapSource {
    let mut partitions: Vec<Vec<RecordBatch>> =
        partitions.into_iter().filter(|p| p.iter().any(|b| b.num_rows() > 0)).collect();
    if partitions.is_empty() {
        partitions.push(vec![]);
    }
    MapSource::Materialized { partitions, schema }
}
