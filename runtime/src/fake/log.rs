//! The access log: what the code under test did to the fake, in order.

use core::fmt;

/// Whether an access read or wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessKind {
    /// A read.
    Read,
    /// A write.
    Write,
}

/// One logged access through [`crate::Io`].
///
/// Built with the width-named constructors so that expected logs read like the
/// code under test:
///
/// ```
/// use mmreg::{Access, FakeMem, IoWrite};
/// let fake = FakeMem::new(0x20);
/// fake.checked_write32(0x1c, 1 << 17)?;
/// assert_eq!(fake.log(), [Access::write32(0x1c, 1 << 17)]);
/// assert_eq!(fake.log()[0].to_string(), "W32 [0x1c] <- 0x00020000");
/// # Ok::<(), mmreg::AccessError>(())
/// ```
///
/// `Display` prints `R32 [0x1c] -> 0x00020000` for a read and
/// `W32 [0x1c] <- 0x00020000` for a write: the width in bits, the byte offset,
/// and the value in hex padded to the access width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Access {
    /// Read or write.
    pub kind: AccessKind,
    /// Byte offset in the fake memory.
    pub offset: usize,
    /// Width in bytes: 1, 2, 4 or 8.
    pub width: u8,
    /// For a read, the value the code under test received; for a write, the
    /// value it wrote (not what the modelled hardware stored).
    pub value: u64,
}

macro_rules! constructors {
    ($($name:ident, $kind:ident, $width:expr, $ty:ty, $doc:expr;)*) => {
        $(
            #[doc = $doc]
            pub const fn $name(offset: usize, value: $ty) -> Self {
                Access { kind: AccessKind::$kind, offset, width: $width, value: value as u64 }
            }
        )*
    };
}

impl Access {
    constructors! {
        read8, Read, 1, u8, "An 8-bit read at `offset` that returned `value`.";
        read16, Read, 2, u16, "A 16-bit read at `offset` that returned `value`.";
        read32, Read, 4, u32, "A 32-bit read at `offset` that returned `value`.";
        read64, Read, 8, u64, "A 64-bit read at `offset` that returned `value`.";
        write8, Write, 1, u8, "An 8-bit write of `value` at `offset`.";
        write16, Write, 2, u16, "A 16-bit write of `value` at `offset`.";
        write32, Write, 4, u32, "A 32-bit write of `value` at `offset`.";
        write64, Write, 8, u64, "A 64-bit write of `value` at `offset`.";
    }

    /// Whether this access is a read.
    pub const fn is_read(&self) -> bool {
        matches!(self.kind, AccessKind::Read)
    }

    /// Whether this access is a write.
    pub const fn is_write(&self) -> bool {
        matches!(self.kind, AccessKind::Write)
    }

    /// Width in bits: 8, 16, 32 or 64.
    pub const fn bits(&self) -> u32 {
        self.width as u32 * 8
    }

    /// The arrow used in rendered logs: `->` for a read (value flows out of
    /// the device), `<-` for a write.
    pub(crate) const fn arrow(&self) -> &'static str {
        match self.kind {
            AccessKind::Read => "->",
            AccessKind::Write => "<-",
        }
    }
}

/// Formats `value` as `0x` followed by two hex digits per byte of `width`.
pub(crate) struct PaddedHex {
    pub(crate) value: u64,
    pub(crate) width: u8,
}

impl fmt::Display for PaddedHex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = usize::from(self.width) * 2;
        write!(f, "{:#0width$x}", self.value, width = digits + 2)
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self.kind {
            AccessKind::Read => 'R',
            AccessKind::Write => 'W',
        };
        write!(
            f,
            "{letter}{} [{:#x}] {} {}",
            self.bits(),
            self.offset,
            self.arrow(),
            PaddedHex {
                value: self.value,
                width: self.width
            }
        )
    }
}
