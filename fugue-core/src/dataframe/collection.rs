//! `DataFrames`: an ordered, immutable collection of frames, list-like or
//! dict-like (DFS-1..7).

use super::DataFrameRef;
use crate::error::{Error, Result};

/// An ordered collection of DataFrames (DFS-1), either list-like (members get
/// the keys `_0`, `_1`, ... — DFS-2) or dict-like (user keys). Immutable after
/// construction (DFS-5); build it with [`DataFrames::list`],
/// [`DataFrames::named`] or [`DataFrames::builder`].
#[derive(Clone, Debug, Default)]
pub struct DataFrames {
    items: Vec<(String, DataFrameRef)>,
    has_key: bool,
}

impl DataFrames {
    /// An empty, list-like collection (DFS-7).
    pub fn new() -> Self {
        Self::default()
    }

    /// A list-like collection: keys `_0`, `_1`, ... in order (DFS-2).
    pub fn list(frames: impl IntoIterator<Item = DataFrameRef>) -> Self {
        let items = frames.into_iter().enumerate().map(|(i, df)| (format!("_{i}"), df)).collect();
        DataFrames { items, has_key: false }
    }

    /// A dict-like collection from (key, frame) pairs in order (DFS-3).
    ///
    /// # Errors
    /// `ERR-ARG` when a key repeats.
    pub fn named<K: Into<String>>(
        frames: impl IntoIterator<Item = (K, DataFrameRef)>,
    ) -> Result<Self> {
        let mut b = DataFrames::builder();
        for (k, df) in frames {
            b = b.push_named(k, df)?;
        }
        Ok(b.build())
    }

    /// A builder that appends members one at a time (DFS-3).
    pub fn builder() -> DataFramesBuilder {
        DataFramesBuilder { items: Vec::new(), mode: None }
    }

    /// True for a dict-like collection (DFS-1).
    pub fn has_key(&self) -> bool {
        self.has_key
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there is no member.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The member with `key` (`_0`, `_1`, ... for list-like collections, DFS-4).
    pub fn get(&self, key: &str) -> Option<&DataFrameRef> {
        self.items.iter().find(|(k, _)| k == key).map(|(_, df)| df)
    }

    /// The member at `index` in insertion order (DFS-4).
    pub fn get_index(&self, index: usize) -> Option<&DataFrameRef> {
        self.items.get(index).map(|(_, df)| df)
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|(k, _)| k.as_str())
    }

    /// (key, frame) pairs in insertion order (DFS-4).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &DataFrameRef)> {
        self.items.iter().map(|(k, df)| (k.as_str(), df))
    }

    /// Frames in insertion order.
    pub fn values(&self) -> impl Iterator<Item = &DataFrameRef> {
        self.items.iter().map(|(_, df)| df)
    }

    /// A collection of the same mode and keys with every member mapped by `f` (DFS-6).
    ///
    /// # Errors
    /// The first error `f` returns.
    pub fn convert(
        &self,
        mut f: impl FnMut(&DataFrameRef) -> Result<DataFrameRef>,
    ) -> Result<Self> {
        let items =
            self.items.iter().map(|(k, df)| Ok((k.clone(), f(df)?))).collect::<Result<Vec<_>>>()?;
        Ok(DataFrames { items, has_key: self.has_key })
    }
}

/// Builds a [`DataFrames`] member by member (DFS-3).
#[derive(Debug)]
pub struct DataFramesBuilder {
    items: Vec<(String, DataFrameRef)>,
    mode: Option<bool>,
}

impl DataFramesBuilder {
    /// Appends an unkeyed member.
    ///
    /// # Errors
    /// `ERR-INVALID-OP` when keyed members were added before (DFS-3).
    pub fn push(mut self, df: DataFrameRef) -> Result<Self> {
        if self.mode == Some(true) {
            return Err(Error::invalid_op("cannot mix keyed and unkeyed dataframes"));
        }
        self.mode = Some(false);
        let key = format!("_{}", self.items.len());
        self.items.push((key, df));
        Ok(self)
    }

    /// Appends a keyed member.
    ///
    /// # Errors
    /// `ERR-INVALID-OP` when unkeyed members were added before (DFS-3);
    /// `ERR-ARG` when the key is already used.
    pub fn push_named(mut self, key: impl Into<String>, df: DataFrameRef) -> Result<Self> {
        let key = key.into();
        if self.mode == Some(false) {
            return Err(Error::invalid_op("cannot mix keyed and unkeyed dataframes"));
        }
        if self.items.iter().any(|(k, _)| *k == key) {
            return Err(Error::arg(key, "this dataframe key is used twice"));
        }
        self.mode = Some(true);
        self.items.push((key, df));
        Ok(self)
    }

    /// The collection.
    pub fn build(self) -> DataFrames {
        DataFrames { items: self.items, has_key: self.mode == Some(true) }
    }
}
