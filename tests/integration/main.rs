//! The one integration test binary of leadfuzz.

// classify: the table of invalid and ambiguous bodies, and the official example.
mod classify;
// conform: the reference server, ten broken servers, a flaky one, shards.
mod conform;
// the fuzz targets on the committed seeds and past crashes.
mod fuzz_replay;
// gen: validity, counts, catalog coverage, determinism, mutation labels.
mod generate;
// the `leadfuzz` binary: exit codes, stdout and stderr.
mod cli;
// properties of the model over generated values.
mod props;
// serve: the reference server, through its router and over a socket.
mod server;
// shared helpers.
mod util;
