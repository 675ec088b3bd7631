//! The `cprscan` binary: everything lives in the library; see `cprscan::run`.

fn main() {
    std::process::exit(cprscan::run::main());
}
