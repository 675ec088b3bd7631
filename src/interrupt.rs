//! Ctrl-C and SIGTERM: the first one asks the scan to stop; it finishes the record it is
//! writing (never half a JSON line), writes a summary marked `"interrupted":true` and exits
//! with 130. A second signal ends the process at once (the handler resets itself).
//!
//! The handler only sets a flag (all a signal handler may safely do); readers check it before
//! each read, and a read blocked on a pipe returns early because the handler is installed
//! without `SA_RESTART`.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether a stop was asked for.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Installs the handler for SIGINT and SIGTERM (Unix; elsewhere the default behaviour stays).
pub fn install() {
    #[cfg(unix)]
    // SAFETY: `on_signal` is async-signal-safe (one atomic store); the `sigaction` struct is
    // fully initialised (zeroed, then its handler, mask and flags set).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        action.sa_flags = libc::SA_RESETHAND;
        for signal in [libc::SIGINT, libc::SIGTERM] {
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

#[cfg(unix)]
extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::Relaxed);
}
