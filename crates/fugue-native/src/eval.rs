//! Expression evaluation over Arrow arrays (being written).
