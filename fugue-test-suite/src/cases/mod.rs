//! The cases, grouped by area. Each case names the spec rules it checks.

pub mod api;
pub mod dataframe;
pub mod engine;
pub mod fsql;
pub mod workflow;

use crate::Case;

/// Every case, in a stable order.
pub fn all() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(dataframe::cases());
    v.extend(engine::cases());
    v.extend(api::cases());
    v.extend(workflow::cases());
    v.extend(fsql::cases());
    v
}
