//! `thematic`: qualitative thematic analysis for evaluations, from plain files.
//!
//! Data flows one way: [`project::Project::load`] reads an analysis folder (settings,
//! participants, transcripts, codebook, coding sheets) into plain structs, the [`analysis`]
//! functions turn that model into tables, and [`output`] writes tables as text. The [`cli`]
//! module wires the three together, one file per subcommand.

pub mod analysis;
pub mod cache;
pub mod cli;
pub mod codebook;
pub mod coding;
pub mod config;
pub mod corpus;
pub mod diagnostics;
pub mod diff;
pub mod documents;
pub mod edit;
pub mod fsutil;
pub mod gitsetup;
pub mod guard;
pub mod merge;
pub mod output;
pub mod participants;
pub mod progress;
pub mod project;
pub mod ratings;
pub mod redact;
pub mod refi;
pub mod report;
pub mod revision;
pub mod search;
pub mod serve;
#[cfg(test)]
mod testing;
pub mod text;
pub mod unzip;
