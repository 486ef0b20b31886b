//! `LocalStreamDataFrame`: a local, unbounded (single-pass), empty-aware
//! frame over an iterator of record batches (DF-KIND-2, DF-KIND-4).

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use arrow::record_batch::RecordBatch;

use super::local::{LocalDataFrame, conform_batch};
use super::{DataFrame, DataFrameRef, Metadata, check_dataframe_schema};
use crate::error::{Error, Result};
use crate::schema::Schema;

type BatchIter = Box<dyn Iterator<Item = Result<RecordBatch>> + Send>;

struct State {
    /// Batches already pulled from the source but not consumed (non-empty).
    buffered: VecDeque<RecordBatch>,
    source: Option<BatchIter>,
}

/// A local, single-pass stream of record batches (DF-KIND-2 "local
/// unbounded"). `is_empty` and `peek_array` look ahead without consuming
/// (DF-OP-2, DF-OP-3); `count` is `ERR-INVALID-OP` (DF-OP-1); `head`
/// consumes rows (DF-OP-5); `as_local_bounded` drains the rest.
///
/// Construction follows DF-KIND-4: empty batches are skipped; the schema is
/// the explicit one, or that of the first non-empty batch, or (all empty) that
/// of the last batch; a later batch with another schema is `ERR-DF-INIT`
/// when it is pulled.
pub struct LocalStreamDataFrame {
    schema: Schema,
    state: Arc<Mutex<State>>,
    metadata: Arc<Metadata>,
}

impl fmt::Debug for LocalStreamDataFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalStreamDataFrame").field("schema", &self.schema.to_string()).finish()
    }
}

impl LocalStreamDataFrame {
    /// A stream over `batches`. With `schema = None` the schema comes from
    /// the first non-empty batch (pulled now, and kept for reading), else
    /// from the last empty one (DF-KIND-4).
    ///
    /// # Errors
    /// `ERR-DF-INIT` when there is no batch and no schema, or when the
    /// explicit schema differs from the batches'; errors of the source.
    pub fn new<I>(schema: Option<Schema>, batches: I) -> Result<Self>
    where
        I: IntoIterator<Item = Result<RecordBatch>>,
        I::IntoIter: Send + 'static,
    {
        let mut source: BatchIter = Box::new(batches.into_iter());
        let mut buffered = VecDeque::new();
        let mut last_empty: Option<RecordBatch> = None;
        let schema = loop {
            match source.next() {
                Some(batch) => {
                    let batch = batch?;
                    if batch.num_rows() == 0 {
                        last_empty = Some(batch);
                        continue;
                    }
                    let found = Schema::from_arrow(batch.schema().as_ref())?;
                    let schema = match schema {
                        Some(s) if s != found => {
                            return Err(Error::df_init(format!(
                                "the stream's batches have schema `{found}` but `{s}` was given"
                            )));
                        }
                        Some(s) => s,
                        None => found,
                    };
                    buffered.push_back(conform_batch(&schema, batch)?);
                    break schema;
                }
                None => {
                    break match (schema, last_empty) {
                        (Some(s), _) => s,
                        (None, Some(b)) => Schema::from_arrow(b.schema().as_ref())?,
                        (None, None) => {
                            return Err(Error::df_init("a stream with no batches needs a schema"));
                        }
                    };
                }
            }
        };
        check_dataframe_schema(&schema)?;
        Ok(LocalStreamDataFrame {
            schema,
            state: Arc::new(Mutex::new(State { buffered, source: Some(source) })),
            metadata: Arc::new(Metadata::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means another reader panicked; the buffered
        // batches are still consistent, so keep going.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Pulls from the source until at least `rows` rows are buffered or the
    /// source ends. Returns the number of buffered rows.
    fn fill(&self, state: &mut State, rows: usize) -> Result<usize> {
        let mut have: usize = state.buffered.iter().map(RecordBatch::num_rows).sum();
        while have < rows {
            let Some(source) = state.source.as_mut() else { break };
            match source.next() {
                None => {
                    state.source = None;
                    break;
                }
                Some(batch) => {
                    let batch = batch?;
                    if batch.num_rows() == 0 {
                        continue;
                    }
                    let found = Schema::from_arrow(batch.schema().as_ref())?;
                    if found != self.schema {
                        return Err(Error::df_init(format!(
                            "a batch of the stream has schema `{found}`, expected `{}`",
                            self.schema
                        )));
                    }
                    have += batch.num_rows();
                    state.buffered.push_back(conform_batch(&self.schema, batch)?);
                }
            }
        }
        Ok(have)
    }

    /// Takes up to `n` rows off the front of the stream (consuming them).
    fn take_rows(&self, n: usize) -> Result<Vec<RecordBatch>> {
        let mut state = self.lock();
        self.fill(&mut state, n)?;
        let mut out = Vec::new();
        let mut left = n;
        while left > 0 {
            let Some(b) = state.buffered.pop_front() else { break };
            if b.num_rows() <= left {
                left -= b.num_rows();
                out.push(b);
            } else {
                out.push(b.slice(0, left));
                state.buffered.push_front(b.slice(left, b.num_rows() - left));
                left = 0;
            }
        }
        Ok(out)
    }
}

impl DataFrame for LocalStreamDataFrame {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    fn with_metadata(&self, metadata: Metadata) -> DataFrameRef {
        Arc::new(LocalStreamDataFrame {
            schema: self.schema.clone(),
            state: self.state.clone(),
            metadata: Arc::new(metadata),
        })
    }

    fn is_local(&self) -> bool {
        true
    }

    fn is_bounded(&self) -> bool {
        false
    }

    fn num_partitions(&self) -> usize {
        1
    }

    fn count(&self) -> Result<usize> {
        Err(Error::invalid_op("cannot count a stream dataframe; use as_local_bounded first"))
    }

    fn is_empty(&self) -> Result<bool> {
        let mut state = self.lock();
        Ok(self.fill(&mut state, 1)? == 0)
    }

    fn as_local_bounded(&self) -> Result<LocalDataFrame> {
        let batches = self.take_rows(usize::MAX)?;
        Ok(LocalDataFrame::new(self.schema.clone(), batches)?
            .with_metadata_map((*self.metadata).clone()))
    }

    fn head(&self, n: usize, columns: Option<&[&str]>) -> Result<LocalDataFrame> {
        let df = LocalDataFrame::new(self.schema.clone(), self.take_rows(n)?)?;
        match columns {
            Some(cols) => df.select_columns_local(cols),
            None => Ok(df),
        }
    }

    fn peek_array(&self) -> Result<crate::value::Row> {
        let first = {
            let mut state = self.lock();
            self.fill(&mut state, 1)?;
            state.buffered.front().map(|b| b.slice(0, 1))
        };
        let batch = first.ok_or_else(|| Error::empty("cannot peek: the stream has no rows"))?;
        crate::value::row_at(&batch, 0)
    }

    fn rename(&self, pairs: &[(&str, &str)]) -> Result<DataFrameRef> {
        self.as_local_bounded()?.rename(pairs)
    }

    fn drop_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        self.as_local_bounded()?.drop_columns(columns)
    }

    fn select_columns(&self, columns: &[&str]) -> Result<DataFrameRef> {
        self.as_local_bounded()?.select_columns(columns)
    }

    fn alter_columns(&self, subschema: &Schema) -> Result<DataFrameRef> {
        self.as_local_bounded()?.alter_columns(subschema)
    }
}
