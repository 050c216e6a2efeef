//! Analyses of a loaded [`crate::project::Project`]: plain functions from the model to plain
//! data, no I/O.

pub mod agreement;
pub mod breakdown;
pub mod cooccur;
pub mod counts;
pub mod extracts;
pub mod map;
pub mod matrix;
pub mod nodes;
pub mod over;
pub mod saturation;
pub mod suggest;
pub mod triangulation;
