//! cprscan finds Danish CPR numbers (and, in time, other personal data) in files, directory
//! trees and streams.
//!
//! Data flows one way: a source hands bytes to the [`search`] driver, which feeds the
//! [`Scanner`] slices with enough overlap that nothing is lost at a boundary; the scanner finds
//! candidates, validates them and yields [`Finding`]s; the driver gives them their line and
//! column and passes them to a [`search::Sink`], behind which a printer writes JSON lines or
//! text. The scanner does no I/O and knows no output format.

pub mod allow;
pub mod baseline;
pub mod check;
pub mod cli;
pub mod column;
pub mod config;
pub mod context;
pub mod cpr;
pub mod csv_columns;
pub mod date;
pub mod db;
pub mod digits;
pub mod extract;
pub mod files_from;
pub mod finding;
pub mod fingerprint;
pub mod interrupt;
pub mod kinds;
pub mod mask;
pub mod merge;
pub mod output;
pub mod place;
pub mod prefilter;
pub mod printer;
pub mod progress;
pub mod redact;
pub mod report;
pub mod rules;
pub mod run;
pub mod sarif;
pub mod scanner;
pub mod search;
pub mod shard;
pub mod state;
#[cfg(test)]
mod testgen;
pub mod walk;

pub use crate::date::Date;
pub use crate::finding::{Confidence, Finding, Kind, Reason};
pub use crate::scanner::{Scanner, ScannerBuilder};
