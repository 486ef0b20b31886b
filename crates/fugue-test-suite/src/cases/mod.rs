//! The cases, grouped by area. Each case names the spec rules it checks.

use crate::Case;

/// Every case, in a stable order.
pub fn all() -> Vec<Case> {
    Vec::new()
}
