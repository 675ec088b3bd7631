//! One integration-test binary (one link step, shared helpers): the case table through the
//! library and the binary, and the command line's behaviour on trees, pipes and bad input.

mod cases;
mod cli;
mod config;
mod db;
mod formats;
mod gate;
mod hostile;
mod kinds;
mod leaks;
mod limits;
mod progress;
mod redact;
mod report;
mod scale;
mod state;
mod untouched;
mod util;
