//! Page arithmetic: widening a requested range to the whole pages `mmap` needs.
//!
//! Kept pure (the page size is a parameter) so it can be property-tested for
//! 4 KiB, 16 KiB and 64 KiB kernels on any host.

use core::fmt;

/// Largest end of a range: `off64_t` is signed, so offsets stay below 2^63.
pub const MAX_END: u64 = 1 << 63;

/// A requested range `[address, address + len)` widened to whole pages.
///
/// `map_offset .. map_offset + map_len` is what to pass to `mmap`; the requested
/// range starts `start` bytes into that mapping.
///
/// ```
/// use mmreg::map::page::{page_span, PageSpan};
/// // 0x20 bytes at 0x1_0000_0ff0 cross a 4 KiB page boundary: two pages.
/// let span = page_span(0x1_0000_0ff0, 0x20, 0x1000)?;
/// assert_eq!(span, PageSpan { map_offset: 0x1_0000_0000, map_len: 0x2000, start: 0xff0 });
/// # Ok::<(), mmreg::map::page::SpanError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSpan {
    /// Page-aligned file offset (for `/dev/mem`, the physical address) to map at.
    pub map_offset: u64,
    /// Bytes to map: a whole number of pages covering the requested range.
    pub map_len: usize,
    /// Offset of the first requested byte inside the mapping.
    pub start: usize,
}

/// Why a range cannot be widened to pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanError {
    /// The requested length is zero.
    ZeroLength,
    /// The range ends past the largest `mmap` offset, or its pages do not fit
    /// in this process's address space.
    Overflow,
    /// The page size is not a power of two.
    InvalidPageSize,
}

impl fmt::Display for SpanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpanError::ZeroLength => f.write_str("the length is zero"),
            SpanError::Overflow => f.write_str("the range does not fit in a mapping"),
            SpanError::InvalidPageSize => f.write_str("the page size is not a power of two"),
        }
    }
}

impl std::error::Error for SpanError {}

/// Widens `[address, address + len)` to whole pages of `page_size` bytes.
///
/// Refuses a zero length, a range ending past [`MAX_END`] (`off64_t` is
/// signed), and a page span longer than `usize` (which matters on 32-bit
/// targets mapping large ranges).
pub fn page_span(address: u64, len: usize, page_size: usize) -> Result<PageSpan, SpanError> {
    if !page_size.is_power_of_two() {
        return Err(SpanError::InvalidPageSize);
    }
    if len == 0 {
        return Err(SpanError::ZeroLength);
    }
    let page = page_size as u64;
    let end = address
        .checked_add(len as u64)
        .filter(|&end| end <= MAX_END)
        .ok_or(SpanError::Overflow)?;
    let map_offset = address & !(page - 1);
    // `end <= 2^63`, so rounding up to a page cannot overflow a u64.
    let map_end = (end + page - 1) & !(page - 1);
    let map_len = usize::try_from(map_end - map_offset).map_err(|_| SpanError::Overflow)?;
    // Less than one page, so it fits in a usize.
    let start = (address - map_offset) as usize;
    Ok(PageSpan {
        map_offset,
        map_len,
        start,
    })
}

/// The kernel's page size, from `sysconf(_SC_PAGESIZE)`.
pub fn page_size() -> std::io::Result<usize> {
    // SAFETY: `sysconf` only reads a configuration value.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    match usize::try_from(size) {
        Ok(size) if size.is_power_of_two() => Ok(size),
        _ => Err(std::io::Error::last_os_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_inside_one_page_maps_one_page() {
        let span = page_span(0xfe20_0004, 0xb0, 0x1000).unwrap();
        assert_eq!(
            span,
            PageSpan {
                map_offset: 0xfe20_0000,
                map_len: 0x1000,
                start: 4
            }
        );
    }

    #[test]
    fn range_ending_exactly_on_a_page_boundary_maps_no_extra_page() {
        let span = page_span(0x4000, 0x4000, 0x4000).unwrap();
        assert_eq!(
            span,
            PageSpan {
                map_offset: 0x4000,
                map_len: 0x4000,
                start: 0
            }
        );
    }

    #[test]
    fn refuses_zero_length_overflow_and_bad_page_size() {
        assert_eq!(page_span(0x1000, 0, 0x1000), Err(SpanError::ZeroLength));
        assert_eq!(
            page_span(u64::MAX - 4, 0x100, 0x1000),
            Err(SpanError::Overflow)
        );
        assert_eq!(
            page_span(i64::MAX as u64, 2, 0x1000),
            Err(SpanError::Overflow)
        );
        assert_eq!(page_span(0, 4, 3000), Err(SpanError::InvalidPageSize));
    }
}
