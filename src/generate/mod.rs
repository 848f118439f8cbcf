//! Body generation.

pub mod arb;
