//! Diagnostics: what is wrong with an input, how bad, and where.
//!
//! Every front end and the validator report through [`Diagnostic`]; a run
//! collects all of them before it reports. Warnings are for defects whose
//! meaning is plain (the generator resolves them deterministically); errors are
//! for input that cannot be made sense of.

use std::fmt;

use crate::ir::Location;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Resolved deterministically; the output is still produced.
    Warning,
    /// The input cannot be made sense of; no output.
    Error,
}

/// What kind of problem a diagnostic reports. One variant per check, so
/// tests and tools can match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagnosticKind {
    /// The file could not be parsed (XML or YAML syntax, schema).
    Syntax,
    /// A value the format does not allow, repaired (like `read-writeonce`).
    NonStandardValue,
    /// A required element is missing; a default was used.
    MissingElement,
    /// A key or element the schema does not know.
    UnknownKey,
    /// `derivedFrom` names something that does not exist.
    UnresolvedDerivation,
    /// Two registers overlap (and are not declared alternates).
    OverlappingRegisters,
    /// A field reaches past its register's width.
    FieldPastRegister,
    /// Two fields of one register overlap.
    OverlappingFields,
    /// An enumerated value does not fit in its field.
    EnumValueTooWide,
    /// Two enumerated values share a name or a value.
    DuplicateEnumValue,
    /// A register lies past its peripheral's address block.
    RegisterPastBlock,
    /// A register's offset is not a multiple of its width.
    MisalignedRegister,
    /// A register width other than 8, 16, 32 or 64 bits.
    UnsupportedWidth,
    /// Names that collide once turned into Rust identifiers.
    NameCollision,
    /// A write constraint contradicts the enumerated values.
    ContradictoryConstraint,
    /// An access rule contradicts another property: a write action or a DMA
    /// mark on a register that cannot be written.
    AccessMismatch,
    /// A property that has no effect where it is given (a word order on a
    /// register that is not 64 bits wide).
    IneffectiveProperty,
    /// An array (`dim`) that is malformed.
    BadArray,
    /// A name that is not usable as given (empty, or not an identifier).
    BadName,
    /// An address, size or extent that does not fit in 64 bits (an offset
    /// plus an array's elements plus a register's width past `u64::MAX`).
    AddressOverflow,
    /// A cluster whose offset or array stride is not a multiple of its
    /// widest register.
    MisalignedCluster,
    /// Clusters nested deeper than [`crate::validate::MAX_CLUSTER_DEPTH`].
    TooDeep,
    /// A value (reset value, reset mask) with bits past its register's width;
    /// the extra bits are dropped.
    ValueTooWide,
    /// A write constraint that allows no value (`min > max`).
    BadConstraint,
    /// A description with no peripherals: nothing to generate.
    NoPeripherals,
}

/// One problem found in an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Which check raised it.
    pub kind: DiagnosticKind,
    /// Dotted entity path, `PERIPH.CLUSTER.REG.FIELD`; empty for the device.
    pub path: String,
    /// Where in the input, when known.
    pub location: Option<Location>,
    /// What is wrong, lower case, naming values in backticks.
    pub message: String,
}

impl Diagnostic {
    /// A warning.
    pub fn warning(
        kind: DiagnosticKind,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            kind,
            path: path.into(),
            location: None,
            message: message.into(),
        }
    }

    /// An error.
    pub fn error(
        kind: DiagnosticKind,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind,
            path: path.into(),
            location: None,
            message: message.into(),
        }
    }

    /// The same diagnostic at `location`.
    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether validation changed the model for this warning (left an
    /// element out, dropped a constraint), as opposed to only reporting.
    pub fn is_repair(&self) -> bool {
        use DiagnosticKind::*;
        matches!(
            self.kind,
            UnsupportedWidth
                | MisalignedRegister
                | MisalignedCluster
                | BadArray
                | AddressOverflow
                | FieldPastRegister
                | OverlappingFields
                | EnumValueTooWide
                | DuplicateEnumValue
                | BadConstraint
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{severity}: {}", self.message)?;
        if !self.path.is_empty() {
            write!(f, " (in `{}`)", self.path)?;
        }
        Ok(())
    }
}

/// Diagnostics collected by one run, with a summary `Display`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}
