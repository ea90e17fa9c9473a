//! `crumbs-server`: see the crate's README. The logic lives in the library so tests can
//! drive it; this only parses the command line and reports failure.

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;
use crumbs_server::{run, Args};

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) => return bad_command_line(&error),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("crumbs-server: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("crumbs-server: {error}");
            ExitCode::from(2)
        }
    }
}

/// `--help` and `--version` print as clap writes them; any other error is one line on
/// stderr (clap's own message adds usage and tips over several) and exit status 2.
fn bad_command_line(error: &clap::Error) -> ExitCode {
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let text = error.to_string();
    let first = text.lines().next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    eprintln!("crumbs-server: {first} (crumbs-server --help lists the flags)");
    ExitCode::from(2)
}
