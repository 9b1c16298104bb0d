//! Access rules from metadata: what a seeded register does on reads and
//! writes, folded into bit masks once so each access is a few bit operations.

use crate::meta::{Access, ReadAction, RegisterHit, RegisterMeta, WriteAction};

/// Bytes a block covers: `size`, or up to the end of its furthest register
/// when the description puts one past it.
pub(super) fn extent(registers: &[RegisterHit], size: usize) -> usize {
    registers
        .iter()
        .map(|hit| hit.offset + usize::from(hit.register.width / 8))
        .fold(size, usize::max)
}

/// One register's behaviour as masks over its bits. Every mask is within the
/// register width.
#[derive(Debug, Clone)]
pub(super) struct RegisterRule {
    /// Value after reset, undefined bits 0.
    reset: u64,
    /// Bits a write stores as written (before write-once locking).
    writable: u64,
    /// Bits that stop taking writes after the first write to the register.
    write_once: u64,
    /// Whether the register has been written since seeding.
    written: bool,
    one_to_clear: u64,
    one_to_set: u64,
    one_to_toggle: u64,
    zero_to_clear: u64,
    zero_to_set: u64,
    zero_to_toggle: u64,
    /// Bits any write clears.
    clear_on_write: u64,
    /// Bits any write sets.
    set_on_write: u64,
    /// Bits that read as 0.
    write_only: u64,
    clear_on_read: u64,
    set_on_read: u64,
}

/// How an access rule maps to (writable, write-once, write-only).
fn access_bits(access: Access) -> (bool, bool, bool) {
    match access {
        Access::ReadOnly => (false, false, false),
        Access::WriteOnly => (true, false, true),
        Access::ReadWrite => (true, false, false),
        Access::WriteOnce => (true, true, true),
        Access::ReadWriteOnce => (true, true, false),
    }
}

impl RegisterRule {
    /// Folds a register's description into masks.
    pub(super) fn new(register: &RegisterMeta) -> Self {
        let width_mask = register.width_mask();
        let mut rule = RegisterRule {
            reset: register.reset & register.reset_mask & width_mask,
            writable: 0,
            write_once: 0,
            written: false,
            one_to_clear: 0,
            one_to_set: 0,
            one_to_toggle: 0,
            zero_to_clear: 0,
            zero_to_set: 0,
            zero_to_toggle: 0,
            clear_on_write: 0,
            set_on_write: 0,
            write_only: 0,
            clear_on_read: 0,
            set_on_read: 0,
        };
        // Bits outside every field follow the register's access.
        for field in register.fields {
            for index in 0..usize::from(field.count.max(1)) {
                let mask = field.mask(index) & width_mask;
                rule.add_access(field.access, mask);
                rule.add_read_action(field.read_action, mask);
            }
        }
        rule.add_access(register.access, width_mask & !register.field_bits());
        rule.add_read_action(register.read_action, width_mask);
        // Write actions of fields, and of the register on the bits no field
        // covers.
        let bits = |action| register.write_action_bits(action);
        rule.one_to_clear = bits(WriteAction::OneToClear);
        rule.one_to_set = bits(WriteAction::OneToSet);
        rule.one_to_toggle = bits(WriteAction::OneToToggle);
        rule.zero_to_clear = bits(WriteAction::ZeroToClear);
        rule.zero_to_set = bits(WriteAction::ZeroToSet);
        rule.zero_to_toggle = bits(WriteAction::ZeroToToggle);
        rule.clear_on_write = bits(WriteAction::Clear);
        rule.set_on_write = bits(WriteAction::Set);
        // An explicit write action decides its bits, whatever the access says.
        let acting = rule.acting();
        rule.writable &= !acting;
        rule.write_once &= !acting;
        rule
    }

    fn add_access(&mut self, access: Access, mask: u64) {
        let (writable, once, write_only) = access_bits(access);
        if writable {
            self.writable |= mask;
        }
        if once {
            self.write_once |= mask;
        }
        if write_only {
            self.write_only |= mask;
        }
    }

    fn add_read_action(&mut self, action: Option<ReadAction>, mask: u64) {
        match action {
            Some(ReadAction::Clear) => self.clear_on_read |= mask,
            Some(ReadAction::Set) => self.set_on_read |= mask,
            // Device-specific effects cannot be modelled from the description.
            Some(ReadAction::Modify | ReadAction::ModifyExternal) | None => {}
        }
    }

    /// Bits with a write action other than storing the written value.
    fn acting(&self) -> u64 {
        self.one_to_clear
            | self.one_to_set
            | self.one_to_toggle
            | self.zero_to_clear
            | self.zero_to_set
            | self.zero_to_toggle
            | self.clear_on_write
            | self.set_on_write
    }

    /// The value after reset.
    pub(super) fn reset(&self) -> u64 {
        self.reset
    }

    /// Whether a read does more than return the stored value.
    pub(super) fn has_read_effect(&self) -> bool {
        (self.write_only | self.clear_on_read | self.set_on_read) != 0
    }

    /// Whether a write does more than store the written value.
    pub(super) fn has_write_effect(&self, width_mask: u64) -> bool {
        self.writable != width_mask || self.write_once != 0 || self.acting() != 0
    }

    /// A read: `(value returned, new stored value)`.
    pub(super) fn read(&self, stored: u64) -> (u64, u64) {
        let returned = stored & !self.write_only;
        let new_stored = (stored & !self.clear_on_read) | self.set_on_read;
        (returned, new_stored)
    }

    /// A write of `written` over `stored`: the new stored value.
    pub(super) fn write(&mut self, stored: u64, written: u64) -> u64 {
        let locked = if self.written { self.write_once } else { 0 };
        self.written = true;
        let plain = self.writable & !locked;
        let mut next = (stored & !plain) | (written & plain);
        next &= !(written & self.one_to_clear);
        next |= written & self.one_to_set;
        next ^= written & self.one_to_toggle;
        next &= !(!written & self.zero_to_clear);
        next |= !written & self.zero_to_set;
        next ^= !written & self.zero_to_toggle;
        next &= !self.clear_on_write;
        next |= self.set_on_write;
        next
    }
}
