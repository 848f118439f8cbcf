//! The library's typed errors.

/// What can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Writing output failed.
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    /// The sandbox store failed.
    #[cfg(feature = "server")]
    #[error("sandbox store: {0}")]
    Store(#[from] rusqlite::Error),
    /// Serializing a body failed.
    #[error("serializing JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
