//! The `cprscan` binary: everything lives in the library; see `cprscan::run`.

fn main() {
    // A child of our own that extracts a PDF's text within limits (see `cprscan::extract`).
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == cprscan::extract::PDF_CHILD_ARG)
    {
        std::process::exit(cprscan::extract::pdf_child_main());
    }
    std::process::exit(cprscan::run::main());
}
