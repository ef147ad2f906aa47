//! The `multi-call-setup` command; all logic lives in the library.
#![forbid(unsafe_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // A bug must still end in one of the documented statuses (0/1/2), not 101.
    let code = catch_unwind(AssertUnwindSafe(|| {
        multi_call_setup::run(
            &args,
            &|k| std::env::var(k).ok(),
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        )
    }))
    .unwrap_or_else(|_| {
        eprintln!("error: internal error (a bug in multi-call-setup; nothing after this point was written)");
        multi_call_setup::EXIT_ERROR
    });
    std::process::exit(code);
}
