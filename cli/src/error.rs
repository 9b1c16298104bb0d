//! The command's one error type, and the exit code of each kind.

use std::path::PathBuf;

/// Exit codes, as documented in the README and `mmreg --help`.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// A mapping, an access or a file failed (the message names the source,
    /// address and errno), or `doctor` found a blocker.
    pub const FAILURE: i32 = 1;
    /// Bad command-line arguments.
    pub const USAGE: i32 = 2;
    /// The description cannot be read or is invalid (or has warnings and
    /// they are denied).
    pub const DESCRIPTION: i32 = 3;
    /// A name resolves to nothing, or a value is not valid for its field.
    pub const NAME_OR_VALUE: i32 = 4;
    /// Refused: the access would trigger a read side effect, read a
    /// write-only or write a read-only register or field, or write through a
    /// read-only mapping (some can be forced with `--force`).
    pub const REFUSED: i32 = 5;
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The description could not be loaded.
    #[error("{0}")]
    Description(String),
    /// The description raised warnings and `--deny-warnings` is given.
    #[error("`{path}` has {count} warning(s) and warnings are denied")]
    Warnings {
        /// The description.
        path: PathBuf,
        /// How many.
        count: usize,
    },
    /// A name that matches nothing.
    #[error("`{description}`: no {what} `{name}`{}", suggestions_text(.suggestions))]
    UnknownName {
        /// The description.
        description: String,
        /// "peripheral", "register", "field", ...
        what: &'static str,
        /// The name asked for.
        name: String,
        /// Near matches.
        suggestions: Vec<String>,
    },
    /// A value that does not fit, or an unknown enum name.
    #[error("`{description}`: {path}: {message}")]
    BadValue {
        /// The description.
        description: String,
        /// The register or field.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An access the description says is not allowed or has side effects.
    #[error("`{description}`: {path}: {message}")]
    Refused {
        /// The description.
        description: String,
        /// The register or field.
        path: String,
        /// Why, and how to force it where that is possible.
        message: String,
    },
    /// Mapping failed; the runtime's message names source, address, errno
    /// and a hint.
    #[error("{path}: {source}")]
    Map {
        /// The register or peripheral the mapping was for.
        path: String,
        /// The runtime's error (boxed: it is large).
        source: Box<mmreg::MapError>,
    },
    /// An access failed (out of the mapping's bounds or misaligned).
    #[error("{path}: {source}")]
    Access {
        /// The register.
        path: String,
        /// The runtime's error.
        source: mmreg::AccessError,
    },
    /// A file (fake memory, cache, output) could not be used.
    #[error("{message} `{path}`: {source}")]
    Io {
        /// What was being done.
        message: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A source could not be opened (a UIO device by name, ...).
    #[error("{0}")]
    Source(String),
    /// A request that cannot be served (wrong combination of options).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Description(_) | Error::Warnings { .. } => exit::DESCRIPTION,
            Error::UnknownName { .. } | Error::BadValue { .. } => exit::NAME_OR_VALUE,
            Error::Refused { .. } => exit::REFUSED,
            Error::Usage(_) => exit::USAGE,
            Error::Map { .. } | Error::Access { .. } | Error::Io { .. } | Error::Source(_) => {
                exit::FAILURE
            }
        }
    }
}

fn suggestions_text(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
        format!("; did you mean {}?", names.join(", "))
    }
}
