//! Fake memory for unit tests: RAM with an access log and hardware hooks.
//! (Placeholder: being written.)

use core::cell::{Cell, RefCell};

use crate::io::Io;

/// Whether an access read or wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKind {
    /// A read.
    Read,
    /// A write.
    Write,
}

/// One logged access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// Read or write.
    pub kind: AccessKind,
    /// Byte offset.
    pub offset: usize,
    /// Width in bytes.
    pub width: u8,
    /// Value read or written.
    pub value: u64,
}

/// RAM that implements [`Io`].
pub struct FakeMem {
    words: Box<[Cell<u64>]>,
    len: usize,
    log: RefCell<Vec<Access>>,
}

impl FakeMem {
    /// Zeroed fake memory of `len` bytes.
    pub fn new(len: usize) -> Self {
        let words = (0..len.div_ceil(8)).map(|_| Cell::new(0)).collect();
        FakeMem { words, len, log: RefCell::new(Vec::new()) }
    }
    /// The access log.
    pub fn log(&self) -> Vec<Access> {
        self.log.borrow().clone()
    }
    fn get(&self, offset: usize, width: usize) -> u64 {
        let word = self.words[offset / 8].get();
        let shift = (offset % 8) * 8;
        let mask = if width == 8 { u64::MAX } else { (1u64 << (width * 8)) - 1 };
        let value = (word >> shift) & mask;
        self.log.borrow_mut().push(Access { kind: AccessKind::Read, offset, width: width as u8, value });
        value
    }
    fn set(&self, offset: usize, width: usize, value: u64) {
        let cell = &self.words[offset / 8];
        let shift = (offset % 8) * 8;
        let mask = if width == 8 { u64::MAX } else { (1u64 << (width * 8)) - 1 };
        cell.set((cell.get() & !(mask << shift)) | ((value & mask) << shift));
        self.log.borrow_mut().push(Access { kind: AccessKind::Write, offset, width: width as u8, value });
    }
}

impl Io for FakeMem {
    fn len(&self) -> usize {
        self.len
    }
    unsafe fn read8(&self, offset: usize) -> u8 {
        self.get(offset, 1) as u8
    }
    unsafe fn read16(&self, offset: usize) -> u16 {
        self.get(offset, 2) as u16
    }
    unsafe fn read32(&self, offset: usize) -> u32 {
        self.get(offset, 4) as u32
    }
    unsafe fn read64(&self, offset: usize) -> u64 {
        self.get(offset, 8)
    }
    unsafe fn write8(&self, offset: usize, value: u8) {
        self.set(offset, 1, value.into())
    }
    unsafe fn write16(&self, offset: usize, value: u16) {
        self.set(offset, 2, value.into())
    }
    unsafe fn write32(&self, offset: usize, value: u32) {
        self.set(offset, 4, value.into())
    }
    unsafe fn write64(&self, offset: usize, value: u64) {
        self.set(offset, 8, value)
    }
}
