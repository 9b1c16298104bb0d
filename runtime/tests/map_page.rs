//! Page arithmetic: the pages mapped always cover exactly the requested range,
//! for 4 KiB, 16 KiB and 64 KiB kernels, across page boundaries and above 4 GiB.

use mmreg::map::page::{PageSpan, SpanError, page_span};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 8 } else { 1024 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// 4 KiB, 16 KiB or 64 KiB.
fn page_size() -> impl Strategy<Value = usize> {
    prop::sample::select(vec![0x1000usize, 0x4000, 0x1_0000])
}

/// Checks everything a span promises about `[address, address + len)`.
fn assert_covers_exactly(span: PageSpan, address: u64, len: usize, page: usize) {
    let page64 = page as u64;
    assert_eq!(span.map_offset % page64, 0, "mapping starts on a page");
    assert_eq!(span.map_len % page, 0, "mapping is whole pages");
    assert_eq!(
        span.map_offset + span.start as u64,
        address,
        "offset 0 is the address"
    );
    assert!(span.start < page, "no whole page before the range");
    assert!(span.start + len <= span.map_len, "the range fits");
    assert!(
        span.map_len - (span.start + len) < page,
        "no whole page after the range"
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn covers_exactly_the_range(
        page in page_size(),
        address in 0u64..(1 << 40),
        len in 1usize..0x4_0000,
    ) {
        let span = page_span(address, len, page).unwrap();
        assert_covers_exactly(span, address, len, page);
        let pages = (address + len as u64 - 1) / page as u64 - address / page as u64 + 1;
        prop_assert_eq!(span.map_len as u64, pages * page as u64);
    }

    #[test]
    fn ranges_crossing_page_boundaries_map_every_page_they_touch(
        page in page_size(),
        page_index in 1u64..(1 << 20),
        before in 1usize..0x1000,
        extra_pages in 0usize..4,
        after in 1usize..0x1000,
    ) {
        // Starts `before` bytes below a boundary and ends `after` bytes past
        // the boundary `extra_pages` pages further on.
        let address = page_index * page as u64 - before as u64;
        let len = before + extra_pages * page + after;
        let span = page_span(address, len, page).unwrap();
        assert_covers_exactly(span, address, len, page);
        prop_assert_eq!(span.map_len, (extra_pages + 2) * page);
        prop_assert_eq!(span.start, page - before);
    }

    #[test]
    fn addresses_above_4_gib_keep_their_high_bits(
        page in page_size(),
        address in (1u64 << 32)..(1u64 << 52),
        len in 1usize..0x1_0000,
    ) {
        let span = page_span(address, len, page).unwrap();
        assert_covers_exactly(span, address, len, page);
        prop_assert!(span.map_offset >= 1 << 32);
        prop_assert_eq!(span.map_offset >> 32, (address & !(page as u64 - 1)) >> 32);
    }

    #[test]
    fn ranges_past_the_largest_offset_are_refused(
        page in page_size(),
        below_end in 0u64..0x1000,
        len in 1usize..0x10_0000,
    ) {
        let address = mmreg::map::page::MAX_END - below_end;
        prop_assume!(below_end < len as u64);
        prop_assert_eq!(page_span(address, len, page), Err(SpanError::Overflow));
    }

    #[test]
    fn zero_lengths_are_refused(page in page_size(), address: u64) {
        prop_assert_eq!(page_span(address, 0, page), Err(SpanError::ZeroLength));
    }
}

#[test]
fn largest_range_that_fits_is_accepted() {
    let end = mmreg::map::page::MAX_END;
    let span = page_span(end - 0x10, 0x10, 0x1000).unwrap();
    assert_covers_exactly(span, end - 0x10, 0x10, 0x1000);
    assert_eq!(span.map_offset, end - 0x1000);
}
