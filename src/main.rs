//! The `leadfuzz` binary: parse the arguments, run, map the outcome to an exit
//! code (see `cli::exit_code`).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = leadfuzz::cli::Cli::parse();
    leadfuzz::cli::exit_code(leadfuzz::cli::run(cli))
}
