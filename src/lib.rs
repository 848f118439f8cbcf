//! leadfuzz generates, serves and checks bodies for the Klavis "Close sandbox"
//! initialize endpoint, `POST /sandbox/close/{sandbox_id}/initialize`.
//!
//! The core is pure (no I/O, no async): [`model`] holds the contract's types,
//! [`classify`] sorts any body into Valid, Invalid or Ambiguous, [`generate`]
//! makes realistic and edge-case bodies from a seed, and [`oracle`] judges an
//! answer against its request. The shells do the I/O around it: `server` (the
//! reference implementation), `conform` (the conformance fuzzer) and [`cli`],
//! which the `leadfuzz` binary runs. [`fuzzing`] holds the fuzz targets' bodies.
//!
//! ```
//! use leadfuzz::classify::{classify_bytes, Class};
//!
//! let verdict = classify_bytes(br#"{"leads":[{"name":"Acme","contacts":[{}]}]}"#, false);
//! assert_eq!(verdict.class, Class::Valid);
//! let created = verdict.records_created.unwrap();
//! assert_eq!((created.leads, created.contacts), (1, 1));
//!
//! let verdict = classify_bytes(br#"{"leads":[{"status":"Potential"}]}"#, false);
//! assert_eq!(verdict.class, Class::Invalid);
//! assert_eq!(verdict.reasons[0].path(), "leads[0].name");
//! ```
//!
//! # Crate features
//!
//! * `server` (on): `server`, the reference implementation behind
//!   `leadfuzz serve` (axum, tokio, rusqlite with bundled SQLite, utoipa).
//! * `conform` (on, needs `server`): `conform`, behind `leadfuzz conform` and
//!   `leadfuzz replay` (reqwest with rustls, indicatif, quick-junit).
//! * `arbitrary` (off): `arbitrary::Arbitrary` for the model types, for the
//!   fuzz targets in `fuzz/`.
#![deny(missing_docs)]

/// Declares a fieldless enum and `ALL`, its variants in order, from one list.
macro_rules! enum_with_all {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident,)* }) => {
        $(#[$meta])*
        $vis enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
        }
    };
}

pub mod classify;
pub mod cli;
#[cfg(feature = "conform")]
pub mod conform;
pub mod error;
pub mod fuzzing;
pub mod generate;
pub mod model;
pub mod oracle;
#[cfg(feature = "server")]
pub mod server;

pub use error::{Error, Result};
