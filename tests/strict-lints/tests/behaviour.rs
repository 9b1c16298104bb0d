//! Generated blocks driven on fake memory: values land at the right offsets
//! with the right widths, fields round-trip, `modify` keeps other fields and
//! never clears write-1-to-clear flags by accident, and indices out of range
//! panic.

use mmreg::{Access, BlockError, FakeMem};
use mmreg_strict_lints::{
    access_svd, clusters_svd, driver_yaml, enums_svd, gpio_svd, names_svd, numbered_svd,
};

use access_svd::timer;
use clusters_svd::dma;
use enums_svd::{uart0, uart1};
use gpio_svd::{gpio, gpio2};
use numbered_svd::tim;

#[test]
fn the_documented_gpio_example_works() -> Result<(), BlockError> {
    let fake = FakeMem::new(gpio::SIZE);
    let gpio = gpio::Gpio::new(&fake)?;
    gpio.gpfsel(1)
        .modify(|_, r| r.set_fsel(7, gpio::vals::Fsel::OUTPUT));
    gpio.gpset(0).write(|w| w.set_set(17, true));
    fake.poke32(0x34, 1 << 17);
    let high: bool = gpio.gplev(0).read().lev(17);
    assert!(high);
    assert!(!gpio.gplev(0).read().lev(16));
    assert_eq!(
        fake.log(),
        [
            Access::read32(0x04, 0),
            Access::write32(0x04, 1 << 21), // FSEL17 is bits 21..=23 of GPFSEL1
            Access::write32(0x1c, 1 << 17),
            Access::read32(0x34, 1 << 17),
            Access::read32(0x34, 1 << 17),
        ]
    );
    Ok(())
}

#[test]
fn array_accessors_reach_each_element() -> Result<(), BlockError> {
    let fake = FakeMem::new(gpio::SIZE);
    let gpio = gpio::Gpio::new(&fake)?;
    for index in 0..gpio::Gpio::<FakeMem>::GPFSEL_COUNT {
        gpio.gpfsel(index)
            .write(|w| w.set_fsel(0, gpio::vals::Fsel::ALT0));
    }
    gpio.gpclr(1).write(|w| w.set_clr(31, true));
    let offsets: Vec<usize> = fake.log().iter().map(|access| access.offset).collect();
    assert_eq!(offsets, [0x00, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x2c]);
    assert_eq!(fake.peek32(0x2c), 1 << 31);
    Ok(())
}

#[test]
#[should_panic(expected = "index out of range: `GPFSEL%s` has 6 registers")]
fn a_register_index_out_of_range_panics() {
    let fake = FakeMem::new(gpio::SIZE);
    let gpio = gpio::Gpio::new(&fake).unwrap();
    let _ = gpio.gpfsel(6);
}

#[test]
#[should_panic(expected = "index out of range: field array `FSEL%s` has 10 elements")]
fn a_field_index_out_of_range_panics() {
    let value = gpio::regs::Gpfsel::RESET;
    let _ = value.fsel(10);
}

#[test]
fn field_arrays_round_trip_and_keep_their_neighbours() {
    let mut value = gpio::regs::Gpfsel::RESET;
    value.set_fsel(0, gpio::vals::Fsel::ALT5);
    value.set_fsel(9, gpio::vals::Fsel(0b111));
    value.set_fsel(3, gpio::vals::Fsel::OUTPUT);
    assert_eq!(value.0, 0b010 | (0b001 << 9) | (0b111 << 27));
    assert_eq!(value.fsel(0), gpio::vals::Fsel::ALT5);
    assert_eq!(value.fsel(9), gpio::vals::Fsel(7));
    assert_eq!(format!("{:?}", value.fsel(3)), "OUTPUT");
    assert_eq!(format!("{:?}", value.fsel(9)), "0x7");
}

#[test]
fn modify_does_not_clear_write_one_to_clear_flags() -> Result<(), BlockError> {
    let fake = FakeMem::new(timer::SIZE);
    let timer = timer::Timer::new(&fake)?;
    // ERR and DONE are pending (write 1 to clear); ARM is set (write 0 to clear).
    fake.poke32(0x0, 0b111);
    timer.status().modify(|_, r| r.set_prescale(5));
    // The write carries 0 in the W1C bits and 1 in the W0C bit: nothing cleared.
    assert_eq!(fake.log()[1], Access::write32(0x0, 0b100 | (5 << 8)));
    // Clearing DONE on purpose writes exactly its bit.
    timer.status().write(|w| w.set_done(true));
    assert_eq!(fake.log()[2], Access::write32(0x0, 0b110 | (1 << 8)));
    Ok(())
}

#[test]
fn reset_values_and_debug_decode_the_fields() {
    use timer::regs::Status;
    assert_eq!(Status::RESET.0, 0x100);
    assert_eq!(Status::RESET.prescale(), 1);
    assert_eq!(
        format!("{:?}", Status::RESET),
        "Status { ERR: false, DONE: false, ARM: false, PRESCALE: 1 }"
    );
    assert_eq!(timer::regs::Id::RESET.0, 0x1234_5678);
    assert_eq!(format!("{:?}", timer::regs::Id::RESET), "0x12345678");
}

#[test]
fn side_effect_reads_need_mut_and_widths_are_exact() -> Result<(), BlockError> {
    let mut fake = FakeMem::new(timer::SIZE);
    let mut timer = timer::Timer::new(&mut fake)?;
    timer.io().poke32(0x4, 42);
    assert_eq!(timer.data().read().0, 42);
    timer.wide().write(|w| {
        w.set_low(0xdead_beef);
        w.set_top(0xa);
    });
    // BYTE's one field spans the register: a raw value.
    timer.byte().modify(|_, r| r.0 = 0x7f);
    assert_eq!(
        timer.io().log(),
        [
            Access::read32(0x4, 42),
            Access::write64(0x20, 0xa000_0000_dead_beef),
            Access::read8(0x28, 0),
            Access::write8(0x28, 0x7f),
        ]
    );
    assert_eq!(timer::regs::Byte::RESET.0, 0x5a);
    Ok(())
}

#[test]
fn clusters_nest_and_offset_by_stride() -> Result<(), BlockError> {
    let fake = FakeMem::new(dma::SIZE);
    let dma = dma::Dma::new(&fake)?;
    dma.ch(2).src().write(|w| w.0 = 0x1000);
    dma.ch(3).limits().high().write(|w| w.0 = 0x2000);
    dma.ch(1).count().write(|w| w.set_n(7));
    dma.irq(2).write(|w| w.0 = 0xffff);
    assert_eq!(
        fake.log(),
        [
            Access::write32(0x140, 0x1000),
            Access::write32(0x100 + 3 * 0x20 + 0x14, 0x2000),
            Access::write32(0x124, 7),
            Access::write16(0xc, 0xffff),
        ]
    );
    assert_eq!(dma::Dma::<FakeMem>::CH_COUNT, 4);
    Ok(())
}

#[test]
#[should_panic(expected = "index out of range: `CH[%s]` has 4 clusters")]
fn a_cluster_index_out_of_range_panics() {
    let fake = FakeMem::new(dma::SIZE);
    let dma = dma::Dma::new(&fake).unwrap();
    let _ = dma.ch(4);
}

#[test]
fn enums_closed_open_and_by_direction() {
    use uart0::regs::Cr;
    use uart0::vals::{Level, Mode, Speed, StateRead, StateWrite};
    let mut value = Cr::RESET;
    value.set_mode(Mode::Both);
    value.set_speed(Speed::V115200);
    value.set_state(StateWrite::BREAK);
    value.set_level(Level::HIGH_1);
    assert_eq!(value.0, 0b11 | (4 << 4) | (3 << 8) | (2 << 12));
    assert_eq!(value.mode(), Mode::Both);
    assert_eq!(Mode::from_bits(0b110), Mode::Tx); // masked to the field, total
    assert_eq!(value.speed(), Speed::V115200);
    assert_eq!(value.state(), StateRead(3));
    assert_eq!(format!("{:?}", value.state()), "0x3");
    assert_eq!(format!("{:?}", StateRead::ACTIVE), "ACTIVE");
    // UART1 is structurally identical: the very same types.
    let same: uart1::regs::Cr = value;
    assert_eq!(same, value);
    let fake = FakeMem::new(uart1::SIZE);
    uart1::Uart1::new(&fake).unwrap().cr().write_value(same);
    assert_eq!(fake.log(), [Access::write32(0, value.0)]);
}

#[test]
fn blocks_check_the_mapping() {
    let small = FakeMem::new(gpio::SIZE - 4);
    assert!(matches!(
        gpio::Gpio::new(&small),
        Err(BlockError::TooSmall { .. })
    ));
    let big = FakeMem::new(2 * gpio::SIZE);
    assert!(matches!(
        gpio2::Gpio2::at(&big, 2),
        Err(BlockError::Misaligned { .. })
    ));
    let block = gpio2::Gpio2::at(&big, gpio::SIZE).unwrap();
    block.gpset(1).write(|w| w.set_set(0, true));
    assert_eq!(big.log(), [Access::write32(gpio::SIZE + 0x20, 1)]);
}

#[test]
fn hostile_names_resolve_predictably() {
    use names_svd::v1wire::regs::Type;
    let mut value = Type::RESET;
    value.set_self_(true);
    value.set_en(true);
    value.set_en_1(false);
    value.set_mode(true);
    value.set_set_mode_1(true);
    value.set_bits_1(3);
    value.set_v1st(true);
    assert_eq!(
        value.0,
        0b1 | 0b10 | 0b1000 | 0b1_0000 | (3 << 5) | (1 << 8)
    );
    let fake = FakeMem::new(names_svd::v1wire::SIZE);
    let block = names_svd::v1wire::V1wire::new(&fake).unwrap();
    block.new_1().write(|w| w.0 = 1);
    block.gen_().write(|w| w.set_a(2));
    block.result().write(|w| w.set_v(3));
    assert_eq!(fake.log().len(), 3);
}

#[test]
fn metadata_seeds_fake_memory_that_follows_the_rules() -> Result<(), BlockError> {
    let mut fake = FakeMem::from_meta(timer::META);
    let mut timer = timer::Timer::new(&mut fake)?;
    // Reset values come from the description.
    assert_eq!(timer.status().read().prescale(), 1);
    assert_eq!(timer.id().read().0, 0x1234_5678);
    // ERR and DONE pending; writing DONE's 1 clears only DONE.
    timer.io().poke32(0x0, 0b011 | 0x100);
    timer.status().write(|w| w.set_done(true));
    let status = timer.status().read();
    assert!(status.err() && !status.done());
    // DATA clears on read.
    timer.io().poke32(0x4, 9);
    assert_eq!(timer.data().read().0, 9);
    assert_eq!(timer.data().read().0, 0);
    // The log names registers and fields.
    timer.io().clear_log();
    timer.flags().write(|w| w.set_mask(true));
    assert_eq!(timer.io().log_named(), ["TIMER.FLAGS <- 0x00000010 {MASK}"]);
    Ok(())
}

#[test]
fn metadata_describes_clusters_fields_and_shared_instances() {
    let hit = dma::META
        .register_at(0x100 + 2 * 0x20 + 0x14)
        .expect("LIMITS.HIGH of CH2");
    assert_eq!(hit.path, "DMA.CH[2].LIMITS.HIGH");
    let irq = dma::META.register_at(0xc).expect("the third IRQ register");
    assert_eq!(irq.path, "DMA.IRQ_7");
    assert_eq!(irq.register.width, 16);
    let fsel = &gpio::regs::Gpfsel::FIELDS[0];
    assert_eq!(
        (fsel.name, fsel.count, fsel.stride, fsel.width),
        ("FSEL%s", 10, 3, 3)
    );
    assert_eq!(fsel.values[1].name, "OUTPUT");
    // GPIO2 shares GPIO's registers but carries its own name.
    assert_eq!(gpio2::META.name, "GPIO2");
    assert_eq!(gpio2::META.registers.len(), gpio::META.registers.len());
}

// Arrays numbered from above 0 (`numbered.svd`): the index is the number in
// the name, and element `k` touches what the numbered name declares.

#[test]
fn numbered_register_and_cluster_arrays_take_the_number_in_the_name() -> Result<(), BlockError> {
    let fake = FakeMem::from_meta(tim::META);
    let tim = tim::Tim::new(&fake)?;
    type Tim<'a> = tim::Tim<&'a FakeMem>;
    assert_eq!((Tim::CCR_FIRST, Tim::CCR_COUNT), (1, 4));
    assert_eq!((Tim::DR_FIRST, Tim::DR_COUNT), (1, 3));
    assert_eq!((Tim::CH_FIRST, Tim::CH_COUNT), (2, 2));
    // CCR1 is at 0x34 (declared `dimIndex` 1-4), CCR4 at 0x40.
    tim.ccr(1).write(|w| w.set_ccr(0x11));
    tim.ccr(4).write(|w| w.set_ccr(0x44));
    // DR1..DR3 written out at 0x60, 0x64, 0x68 (inferred).
    tim.dr(1).write(|w| w.0 = 1);
    tim.dr(3).write(|w| w.0 = 3);
    // CH2 at 0x80, CH3 at 0x90 (`dimIndex` 2-3).
    tim.ch(2).ctrl().write(|w| w.set_en(true));
    tim.ch(3).ctrl().write(|w| w.set_en(true));
    assert_eq!(
        fake.log(),
        [
            Access::write32(0x34, 0x11),
            Access::write32(0x40, 0x44),
            Access::write32(0x60, 1),
            Access::write32(0x68, 3),
            Access::write32(0x80, 1),
            Access::write32(0x90, 1),
        ]
    );
    let range = Tim::CCR_FIRST..Tim::CCR_FIRST + Tim::CCR_COUNT;
    let values: Vec<u16> = range.map(|n| tim.ccr(n).read().ccr()).collect();
    assert_eq!(values, [0x11, 0, 0, 0x44]);
    fake.clear_log();
    tim.ccr(3).write(|w| w.set_ccr(7));
    tim.dr(2).write(|w| w.0 = 2);
    tim.ch(3).ctrl().write(|w| w.set_en(false));
    assert_eq!(
        fake.log_named(),
        [
            "TIM.CCR3 <- 0x00000007 {CCR=0x7}",
            "TIM.DR2 <- 0x00000002",
            "TIM.CH3.CTRL <- 0x00000000",
        ]
    );
    Ok(())
}

#[test]
fn numbered_field_arrays_take_the_number_in_the_name() -> Result<(), BlockError> {
    let fake = FakeMem::from_meta(tim::META);
    let tim = tim::Tim::new(&fake)?;
    // CC1E is bit 0, CC3E bit 8 (declared `dimIndex` 1-4, every 4 bits).
    tim.ccer().write(|w| {
        w.set_cce(1, true);
        w.set_cce(3, true);
    });
    assert_eq!(fake.log(), [Access::write32(0x20, 1 | 1 << 8)]);
    let ccer = tim.ccer().read();
    assert_eq!(
        [1, 2, 3, 4].map(|n| ccer.cce(n)),
        [true, false, true, false]
    );
    // Letters keep positional indices: `out(1)` is OUTB, bit 17.
    tim.ccer().write(|w| w.set_out(1, true));
    assert_eq!(fake.peek::<u32>(0x20), 1 << 17);
    // INTR1 (inferred): GPIO8_LEVEL_LOW is bit 0, GPIO10_EDGE_HIGH bit 11.
    fake.poke32(0x50, 1 | 1 << 11);
    let intr = tim.intr1().read();
    assert!(intr.gpio_level_low(8) && intr.gpio_edge_high(10));
    assert!(!intr.gpio_level_low(9) && !intr.gpio_edge_high(8) && !intr.gpio_edge_low(10));
    fake.clear_log();
    fake.poke32(0x50, 1);
    let _ = tim.intr1().read();
    assert_eq!(
        fake.log_named(),
        ["TIM.INTR1 -> 0x00000001 {GPIO8_LEVEL_LOW}"]
    );
    Ok(())
}

#[test]
#[should_panic(expected = "index out of range: `CCR%s` has indices 1..5")]
fn a_numbered_register_index_below_the_first_panics() {
    let fake = FakeMem::new(tim::SIZE);
    let tim = tim::Tim::new(&fake).unwrap();
    let _ = tim.ccr(0);
}

#[test]
#[should_panic(expected = "index out of range: `CCR%s` has indices 1..5")]
fn a_numbered_register_index_past_the_end_panics() {
    let fake = FakeMem::new(tim::SIZE);
    let tim = tim::Tim::new(&fake).unwrap();
    let _ = tim.ccr(5);
}

#[test]
#[should_panic(expected = "index out of range: `CH%s` has indices 2..4")]
fn a_numbered_cluster_index_below_the_first_panics() {
    let fake = FakeMem::new(tim::SIZE);
    let tim = tim::Tim::new(&fake).unwrap();
    let _ = tim.ch(1);
}

#[test]
#[should_panic(expected = "index out of range: field array `GPIO%s_LEVEL_LOW` has indices 8..12")]
fn a_numbered_field_index_below_the_first_panics() {
    let _ = tim::regs::Intr1(0).gpio_level_low(7);
}

#[test]
#[should_panic(expected = "index out of range: field array `GPIO%s_LEVEL_LOW` has indices 8..12")]
fn a_numbered_field_index_past_the_end_panics() {
    let _ = tim::regs::Intr1(0).gpio_level_low(12);
}

#[test]
#[should_panic(expected = "index out of range: field array `CC%sE` has indices 1..5")]
fn a_numbered_field_setter_index_past_the_end_panics() {
    let mut value = tim::regs::Ccer::RESET;
    value.set_cce(5, true);
}

// The access model (`driver.yaml`): no flag is ever lost.

/// `FLAGS` is write-1-to-clear at register level, with no fields.
const FLAGS: usize = 0x04;

#[test]
fn register_level_write_one_to_clear_folds_into_the_masks() {
    use driver_yaml::dev::regs::Flags;
    use mmreg::RegisterValue;
    assert_eq!(Flags::WRITE_ONE_ACTION_MASK, 0xffff_ffff);
    assert_eq!(Flags::WRITE_ZERO_ACTION_MASK, 0);
    let meta = driver_yaml::dev::META
        .register_at(FLAGS)
        .expect("FLAGS is in the metadata");
    assert_eq!(meta.register.write_one_action_mask(), 0xffff_ffff);
}

#[test]
fn modify_sees_every_flag_and_clears_only_the_one_it_writes() -> Result<(), BlockError> {
    let fake = FakeMem::from_meta(driver_yaml::dev::META);
    let dev = driver_yaml::dev::Dev::new(&fake)?;
    fake.poke32(FLAGS, 0b1011);
    let seen = dev.flags().modify(|read, write| {
        if read.0 & 0b10 != 0 {
            write.0 |= 0b10;
        }
        read.0
    });
    assert_eq!(seen, 0b1011, "the closure sees every pending flag");
    assert_eq!(fake.peek32(FLAGS), 0b1001, "only the flag it wrote cleared");
    assert_eq!(
        fake.log(),
        [Access::read32(FLAGS, 0b1011), Access::write32(FLAGS, 0b10)]
    );
    Ok(())
}

#[test]
fn write_and_reset_clear_no_flag_by_accident() -> Result<(), BlockError> {
    let fake = FakeMem::from_meta(driver_yaml::dev::META);
    let dev = driver_yaml::dev::Dev::new(&fake)?;
    fake.poke32(FLAGS, 0b11);
    dev.flags().reset();
    dev.flags().write(|_| ());
    assert_eq!(fake.peek32(FLAGS), 0b11);
    dev.flags().write(|w| w.0 = 0b01);
    assert_eq!(fake.peek32(FLAGS), 0b10);
    Ok(())
}

#[test]
fn side_effect_reads_in_clusters_reach_the_right_register() -> Result<(), BlockError> {
    let mut dev = driver_yaml::dev::Dev::new(FakeMem::new(driver_yaml::dev::SIZE))?;
    dev.io().poke32(0x54, 7);
    assert_eq!(dev.ch_mut(1).data().read().0, 7);
    assert!(!dev.ch(1).cfg().read().en());
    // SAFETY: fake memory; no device reads the address.
    unsafe { dev.dma_address().write(|w| w.0 = 0x1_2345_6780) };
    dev.kick().write(|w| w.set_start(3));
    let wide = if cfg!(target_pointer_width = "32") {
        vec![
            Access::write32(0x10, 0x2345_6780),
            Access::write32(0x14, 0x1),
        ]
    } else {
        vec![Access::write64(0x10, 0x1_2345_6780)]
    };
    let mut expected = vec![Access::read32(0x54, 7), Access::read32(0x50, 0)];
    expected.extend(wide);
    expected.push(Access::write32(0x08, 3));
    assert_eq!(dev.into_io().log(), expected);
    Ok(())
}
