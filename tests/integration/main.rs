//! Integration tests: each writes an analysis folder to a temporary directory and runs the
//! real `thematic` binary on it.

mod agree;
mod agree_statistics;
mod autocode;
mod cache;
mod check;
mod ci;
mod cli;
mod codebooks;
mod coding;
mod cooccur;
mod corpus;
mod designs;
mod diff;
mod edit;
mod examples;
mod extracts;
mod findings;
mod gitrepo;
mod hostile;
mod layouts;
mod malformed;
mod map;
mod merge;
mod privacy;
mod readme;
mod refi;
mod refi_peers;
mod report;
mod saturation;
mod search;
mod serve;
mod sheets;
mod stats;
mod triangulate;
mod util;
