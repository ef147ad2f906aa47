//! The `multi-call-setup` command; all logic lives in the library.
#![forbid(unsafe_code)]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = multi_call_setup::run(
        &args,
        &|k| std::env::var(k).ok(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(code);
}
