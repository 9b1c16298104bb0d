//! Generated code for the emitter's snapshot inputs
//! (`codegen/tests/inputs/*.svd`), compiled under strict lints: a lint the
//! generator trips fails this crate's build, and `tests/behaviour.rs` drives
//! the generated blocks on fake memory.
//!
//! The files under `src/generated/` are written by the emitter; the codegen
//! test `emit_snapshots` fails when one is stale (regenerate with
//! `MMREG_BLESS=1 cargo test -p mmreg-codegen --test emit_snapshots`).
#![no_std]
#![deny(clippy::pedantic)]
// Accessors are `#[inline(always)]` by design (one volatile access, no call),
// and getters of `Copy` values need no `#[must_use]`.
#![allow(clippy::inline_always, clippy::must_use_candidate)]
#![deny(
    missing_docs,
    missing_debug_implementations,
    missing_copy_implementations,
    unsafe_op_in_unsafe_fn,
    unreachable_pub,
    unused_qualifications,
    unused_results,
    trivial_casts,
    trivial_numeric_casts,
    unused_import_braces,
    variant_size_differences,
    single_use_lifetimes,
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    clippy::missing_safety_doc,
    clippy::missing_panics_doc,
    clippy::missing_errors_doc
)]

/// `gpio.svd`: register and field arrays, an open enum, a derived instance.
pub mod gpio_svd {
    include!("generated/gpio.rs");
}

/// `clusters.svd`: nested cluster arrays, listed index names.
pub mod clusters_svd {
    include!("generated/clusters.rs");
}

/// `enums.svd`: closed and open enums, read/write enums, duplicates.
pub mod enums_svd {
    include!("generated/enums.rs");
}

/// `access.svd`: access kinds, write-1/0-to-clear, read side effects.
pub mod access_svd {
    include!("generated/access.rs");
}

/// `names.svd`: keywords, leading digits, collisions.
pub mod names_svd {
    include!("generated/names.rs");
}

/// `numbered.svd`: arrays numbered from above 0, indexed by that number.
pub mod numbered_svd {
    include!("generated/numbered.rs");
}

#[doc = include_str!("access_model.md")]
pub mod driver_yaml {
    include!("generated/driver.rs");
}
