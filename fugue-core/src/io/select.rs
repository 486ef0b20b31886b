//! Column selection of loaded batches (ENG-IO-4).

/// The columns `names` of `batch` in that order (zero copy), the selection
/// of a load's `columns` list (ENG-IO-4).
///
/// # Errors
/// `ERR-NOT-FOUND` for a name `batch` does not have.
pub fn select_batch(
    batch: &arrow::array::RecordBatch,
    names: &[String],
) -> crate::Result<arrow::array::RecordBatch> {
    let schema = batch.schema();
    let indices = names
        .iter()
        .map(|n| {
            schema.index_of(n).map_err(|_| {
                crate::Error::not_found(
                    "column",
                    n.as_str(),
                    schema.fields().iter().map(|f| f.name()),
                )
            })
        })
        .collect::<crate::Result<Vec<_>>>()?;
    Ok(batch.project(&indices)?)
}
