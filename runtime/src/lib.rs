//! Typed, exact-width register access from Linux user space.
//!
//! Start reading here:
//! - [`Io`] (module `io`) is the access trait: one volatile access of the
//!   declared width per call, through raw pointers only.
//! - [`Reg`] (module `reg`) is the handle generated code hands out per register;
//!   its access marker decides which of `read`, `write` and `modify` exist.
//! - module `map` maps physical memory: [`DevMem`], UIO, PCI resource files and
//!   any mappable file or shared memory, each returning a [`Mapping`].
//! - [`FakeMem`] (module `fake`) is RAM with an access log and hooks that model
//!   hardware, for unit tests without a board.
//! - module `irq` waits for interrupts ([`map::Uio::wait`]) and re-arms
//!   them, behind the [`Interrupt`] trait; [`FakeIrq`] is an interrupt source
//!   for tests, and the `tokio` feature adds async waits.
//! - module `meta` holds the static descriptions generated code fills in, so
//!   fake memory can name accesses and behave as the description says.
#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    missing_docs
)]

pub mod fake;
pub mod io;
pub mod irq;
pub mod map;
pub mod meta;
pub mod raw;
pub mod reg;

pub use fake::{Access, AccessKind, FakeMem};
pub use io::{AccessError, AssumeExclusive, Borrowed, Exclusive, Io, IoWrite, RegisterInt};
pub use irq::{FakeIrq, FakeIrqLine, Interrupt, IrqError, IrqEvent};
pub use map::{DevMem, MapError, Mapping};
pub use raw::RawIo;
pub use reg::{
    ActionWrite, BlockError, DmaWrite, NoRead, NoWrite, PlainWrite, PureRead, RawValue, ReadOnly,
    ReadOnlySideEffect, ReadWrite, ReadWriteSideEffect, Reg, RegisterValue, SideEffectRead,
    WriteOnly, check_block,
};
