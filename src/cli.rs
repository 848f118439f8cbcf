//! The command line: one clap struct per subcommand, each with its own `run`,
//! and [`exit_code`], the one place that maps outcomes to exit codes.
//!
//! Data goes to stdout; diagnostics go to stderr with a `leadfuzz:` prefix.

use crate::classify::{Class, classify_bytes};
use crate::generate::edge::{Coverage, Edge};
use crate::generate::{GenConfig, Generator, Profile};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code: the input conforms (valid body).
pub const EXIT_OK: u8 = 0;
/// Exit code: a nonconformance (an invalid body for `validate`).
pub const EXIT_FINDING: u8 = 1;
/// Exit code: usage, I/O or connection error.
pub const EXIT_ERROR: u8 = 2;

/// Generate, serve and check bodies for the Close sandbox initialize endpoint.
#[derive(Debug, Parser)]
#[command(name = "leadfuzz", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write request bodies of realistic leads with edge cases mixed in:
    /// one body, or JSON Lines of bodies with --payloads.
    Gen(GenArgs),
    /// Run the reference implementation of the Close sandbox API on an
    /// embedded SQLite database. Prints the address it listens on to stdout.
    #[cfg(feature = "server")]
    Serve(ServeArgs),
    /// Fire generated bodies at an implementation of the endpoint and check
    /// every answer. Exit 0 conforms, 1 non-conformance found, 2 usage error
    /// or unreachable target.
    #[cfg(feature = "conform")]
    Conform(ConformArgs),
    /// Send a saved failure again and say whether it still fails (exit 1) or
    /// passes now (exit 0).
    #[cfg(feature = "conform")]
    Replay(ReplayArgs),
    /// Classify a body as valid, ambiguous or invalid and print the verdict as
    /// one JSON object. Exit 0 valid (or ambiguous), 1 invalid, 2 unreadable.
    Validate(ValidateArgs),
}

/// Arguments of `leadfuzz validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The body to read; `-` or nothing reads stdin.
    pub file: Option<PathBuf>,
    /// Also reject what breaks Close's meaning (confidence outside 0..=100,
    /// negative value, unknown period, impossible date), and exit 1 for
    /// ambiguous bodies.
    #[arg(long)]
    pub strict: bool,
}

/// Arguments of `leadfuzz gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Leads in each body.
    #[arg(long, default_value_t = 10)]
    pub count: usize,
    /// RNG seed; the same seed, base date and flags give the same bytes.
    /// Without it a random seed is used and named on stderr.
    #[arg(long)]
    pub seed: Option<u64>,
    /// How many catalog edge cases: none, every catalog entry in the first
    /// leads, or several in every lead.
    #[arg(long, value_enum, default_value_t = Profile::Mixed)]
    pub profile: Profile,
    /// The class of the bodies. Invalid and ambiguous bodies are valid ones
    /// with one labelled mutation each; the labels go to stderr.
    #[arg(long, value_enum, default_value_t = Class::Valid)]
    pub class: Class,
    /// Write this many bodies, one per line (JSON Lines), instead of one.
    #[arg(long, value_name = "K", conflicts_with = "pretty")]
    pub payloads: Option<usize>,
    /// The day task dates are planned around (YYYY-MM-DD); default today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub base_date: Option<chrono::NaiveDate>,
    /// Classes as `validate --strict` sees them: Close-meaning breaks
    /// (confidence range, negative value, period, date) are invalid.
    #[arg(long)]
    pub strict: bool,
    /// Indent the body.
    #[arg(long)]
    pub pretty: bool,
    /// Print to stderr which catalog entries the output exercises.
    #[arg(long)]
    pub coverage: bool,
}

/// Arguments of `leadfuzz serve`.
#[cfg(feature = "server")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// SQLite file to keep sandboxes in; default in memory.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Bearer token every sandbox request must carry; default none.
    #[arg(long, env = "LEADFUZZ_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Take only what /openapi.json describes: reject (422) what breaks
    /// Close's meaning (confidence outside 0..=100, negative value, unknown
    /// period, impossible date) and pydantic's lax forms ("48000", "yes").
    #[arg(long)]
    pub strict: bool,
    /// Answer 404 to initialize on a sandbox that was not acquired (as a real
    /// deployment may) instead of creating it.
    #[arg(long)]
    pub require_acquire: bool,
    /// Largest request body in bytes; larger ones get 413.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_body: usize,
}

/// `I/N`: shard I (1-based) of N.
#[cfg(feature = "conform")]
fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let (i, n) = text.split_once('/').ok_or("want I/N, e.g. 2/4")?;
    let (i, n): (usize, usize) =
        (i.parse().map_err(|_| "I is not a number")?, n.parse().map_err(|_| "N is not a number")?);
    if n == 0 || i == 0 || i > n {
        return Err(format!("want 1 <= I <= N, got {i}/{n}"));
    }
    Ok((i, n))
}

/// Arguments of `leadfuzz conform`.
#[cfg(feature = "conform")]
#[derive(Debug, Args)]
pub struct ConformArgs {
    /// API base URL (`/sandbox/close/...` is appended). Without it, conform
    /// starts the built-in reference server on a free port and tests that.
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    /// A sandbox to use; repeat for more. Each request in flight has a
    /// sandbox to itself.
    #[arg(long = "sandbox-id", value_name = "ID")]
    pub sandbox_ids: Vec<String>,
    /// Acquire N sandboxes through the API, and release them at the end.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub acquire: usize,
    /// Bearer token for the target.
    #[arg(long, env = "LEADFUZZ_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Cases to send.
    #[arg(long, default_value_t = 200)]
    pub cases: usize,
    /// Seed of the case stream; default random, named on stderr.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Requests in flight; default one per sandbox.
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Close-meaning breaks (confidence range, negative value, period, date)
    /// must be rejected.
    #[arg(long)]
    pub strict: bool,
    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub timeout: f64,
    /// At most this many requests per second.
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,
    /// Requests to spend shrinking each distinct failure.
    #[arg(long, value_name = "REQUESTS", default_value_t = 300)]
    pub shrink_budget: u64,
    /// Where to save failures.
    #[arg(long, value_name = "DIR", default_value = "leadfuzz-failures")]
    pub out: PathBuf,
    /// Also write JUnit XML, one test case per check.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write JSON Lines events to stdout.
    #[arg(long)]
    pub json: bool,
    /// Check the dump after each answer: `auto` does when the target has one.
    #[arg(long, value_enum, default_value_t = crate::conform::DumpMode::Auto)]
    pub dump: crate::conform::DumpMode,
    /// Run shard I of N (1-based) of the case stream.
    #[arg(long, value_name = "I/N", value_parser = parse_shard, default_value = "1/1")]
    pub shard: (usize, usize),
    /// Base date of generated task dates (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", default_value = "2026-01-05")]
    pub base_date: chrono::NaiveDate,
}

/// Arguments of `leadfuzz replay`.
#[cfg(feature = "conform")]
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A failure saved by conform (`leadfuzz-failures/*.json`).
    pub file: PathBuf,
    /// API base URL; default the one the failure was found at.
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    /// Bearer token for the target.
    #[arg(long, env = "LEADFUZZ_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Seconds to wait for the answer; default the run's timeout.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
}

/// Runs the parsed command line and says how it ended.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Gen(args) => args.run(),
        #[cfg(feature = "conform")]
        Command::Conform(args) => args.run(),
        #[cfg(feature = "conform")]
        Command::Replay(args) => args.run(),
        #[cfg(feature = "server")]
        Command::Serve(args) => args.run(),
        Command::Validate(args) => args.run(),
    }
}

/// Maps the outcome of [`run`] to the process exit code, printing errors.
/// A closed stdout (`leadfuzz gen | head`) is a normal end, not an error.
pub fn exit_code(outcome: anyhow::Result<u8>) -> ExitCode {
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let broken_pipe = err.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
                    || cause.downcast_ref::<crate::Error>().is_some_and(
                        |e| matches!(e, crate::Error::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe),
                    )
            });
            if broken_pipe {
                return ExitCode::from(EXIT_OK);
            }
            eprintln!("leadfuzz: error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Reads a whole file, or stdin for `None` and `-`.
fn read_input(file: Option<&PathBuf>) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    match file {
        Some(path) if path.as_os_str() != "-" => {
            body = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
        }
        _ => {
            std::io::stdin().read_to_end(&mut body).context("cannot read stdin")?;
        }
    }
    Ok(body)
}

impl GenArgs {
    fn run(self) -> anyhow::Result<u8> {
        // The only entropy and clock reads: everything below is a function of these.
        let seed = self.seed.unwrap_or_else(rand::random);
        let base_date = self.base_date.unwrap_or_else(|| chrono::Utc::now().date_naive());
        if self.seed.is_none() || self.base_date.is_none() {
            eprintln!("leadfuzz: gen --seed {seed} --base-date {base_date}");
        }
        let config = GenConfig {
            count: self.count,
            seed,
            profile: self.profile,
            class: self.class,
            strict: self.strict,
            base_date,
            pretty: self.pretty,
        };
        let mut generator = Generator::new(config);
        let mut coverage = self.coverage.then(Coverage::default);
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        for body in 0..self.payloads.unwrap_or(1) {
            if let Some(m) = generator.write_body(&mut out, coverage.as_mut())? {
                eprintln!("leadfuzz: body {body}: {:?} by {} at {}", m.class, m.kind.name(), m.path);
            }
        }
        out.flush()?;
        if let Some(coverage) = coverage {
            let hits = coverage.hits();
            eprintln!("leadfuzz: coverage: {} of {} catalog entries", hits.len(), Edge::ALL.len());
            for &entry in Edge::ALL {
                let mark = if hits.contains(&entry) { "yes" } else { "no " };
                eprintln!("  {mark}  {}", entry.name());
            }
        }
        Ok(EXIT_OK)
    }
}

#[cfg(feature = "server")]
impl ServeArgs {
    fn run(self) -> anyhow::Result<u8> {
        use crate::server::{AppState, ServerConfig, serve, shutdown_signal};
        init_logging("info");
        let runtime = runtime()?;
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind(self.addr)
                .await
                .with_context(|| format!("cannot listen on {}", self.addr))?;
            let url = format!("http://{}", listener.local_addr()?);
            let config = ServerConfig {
                token: self.token,
                strict: self.strict,
                require_acquire: self.require_acquire,
                max_body: self.max_body,
                db: self.db,
            };
            let state = AppState::new(config, &url).context("cannot open the sandbox store")?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{url}")?;
            out.flush()?;
            drop(out);
            serve(listener, state, shutdown_signal()).await?;
            tracing::info!("stopped");
            Ok(EXIT_OK)
        })
    }
}

/// A multi-threaded runtime for the network commands.
#[cfg(feature = "server")]
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

/// Logs to stderr, `RUST_LOG` or `default` filtering.
#[cfg(feature = "server")]
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default.into());
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .try_init();
}

#[cfg(feature = "conform")]
impl ConformArgs {
    fn run(self) -> anyhow::Result<u8> {
        use crate::conform::{ConformConfig, report::Event, run};
        use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
        init_logging("warn");
        let seed = self.seed.unwrap_or_else(rand::random);
        if self.seed.is_none() {
            eprintln!("leadfuzz: conform --seed {seed}");
        }
        if !(self.timeout > 0.0 && self.timeout.is_finite()) {
            anyhow::bail!("--timeout must be a positive number of seconds");
        }
        let config = ConformConfig {
            target: self.target,
            sandbox_ids: self.sandbox_ids,
            acquire: self.acquire,
            token: self.token,
            cases: self.cases,
            seed,
            jobs: self.jobs,
            strict: self.strict,
            timeout: std::time::Duration::from_secs_f64(self.timeout),
            rate: self.rate,
            shrink_budget: self.shrink_budget,
            out: self.out,
            dump: self.dump,
            shard: self.shard,
            base_date: self.base_date,
        };
        let json = self.json;
        runtime()?.block_on(async move {
            let (stop_tx, stop) = tokio::sync::watch::channel(false);
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    eprintln!("leadfuzz: stopping: releasing sandboxes, writing the summary");
                    let _ = stop_tx.send(true);
                }
            });
            let (events, mut received) = tokio::sync::mpsc::unbounded_channel();
            let progress = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                ProgressBar::with_draw_target(Some(config.cases as u64), ProgressDrawTarget::stderr())
            } else {
                ProgressBar::hidden()
            };
            progress.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} cases {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let printer = tokio::spawn(async move {
                let mut out = std::io::stdout();
                let mut failed = 0u64;
                while let Some(event) = received.recv().await {
                    match &event {
                        Event::Start { cases, .. } => progress.set_length(*cases as u64),
                        Event::Case(result) => {
                            progress.inc(1);
                            if !result.findings.is_empty() {
                                failed += 1;
                                progress.set_message(format!("{failed} failing"));
                            }
                        }
                        _ => {}
                    }
                    if json {
                        serde_json::to_writer(&mut out, &event)?;
                        writeln!(out)?;
                    }
                }
                progress.finish_and_clear();
                out.flush()?;
                anyhow::Ok(())
            });
            let summary = run(config, events.clone(), stop).await;
            if let Ok(summary) = &summary {
                let _ = events.send(Event::Summary(summary.clone()));
            }
            drop(events);
            printer.await??;
            let summary = summary?;
            eprint!("{}", summary.human());
            if let Some(path) = &self.junit {
                std::fs::write(path, summary.junit())
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            Ok(if summary.interrupted {
                EXIT_ERROR
            } else if summary.conforms() {
                EXIT_OK
            } else {
                EXIT_FINDING
            })
        })
    }
}

#[cfg(feature = "conform")]
impl ReplayArgs {
    fn run(self) -> anyhow::Result<u8> {
        let saved = crate::conform::artifact::load(&self.file).map_err(anyhow::Error::msg)?;
        let target = self.target.unwrap_or_else(|| saved.target.clone());
        let timeout =
            std::time::Duration::from_secs_f64(self.timeout.unwrap_or(saved.timeout_seconds).max(0.001));
        let finding = runtime()?.block_on(crate::conform::replay(&saved, &target, self.token, timeout))?;
        let still_fails = finding.is_some();
        let message = finding.map(|f| f.message);
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({
                "check": saved.check, "target": target, "still_fails": still_fails, "message": message,
            }),
        )?;
        writeln!(out)?;
        match &message {
            Some(message) => eprintln!("leadfuzz: replay: {} still fails: {message}", saved.check.name()),
            None => eprintln!("leadfuzz: replay: {} passes now", saved.check.name()),
        }
        Ok(if still_fails { EXIT_FINDING } else { EXIT_OK })
    }
}

impl ValidateArgs {
    fn run(self) -> anyhow::Result<u8> {
        let body = read_input(self.file.as_ref())?;
        let verdict = classify_bytes(&body, self.strict);
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, &verdict)?;
        writeln!(out)?;
        out.flush()?;
        let rejected = match verdict.class {
            Class::Valid => false,
            Class::Ambiguous => self.strict,
            Class::Invalid => true,
        };
        Ok(if rejected { EXIT_FINDING } else { EXIT_OK })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
