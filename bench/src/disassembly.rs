//! Parsing and normalising disassembly, for the instruction-level check.
//!
//! Two sources: `objdump -t` plus `objdump -d` of an x86_64 object file, and
//! the `--emit asm` text rustc writes for aarch64 and 32-bit Arm. Both become [`Function`]s
//! whose instructions have registers renamed in order of first use (keeping
//! their width), so two functions that differ only in register allocation
//! compare equal, while mnemonics, operand widths and displacements must match.

use std::collections::BTreeMap;
use std::fmt;

/// An instruction set the check understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// AT&T syntax from `objdump -d`.
    X86_64,
    /// rustc's `--emit asm` output.
    Aarch64,
    /// rustc's `--emit asm` output for `armv7-unknown-linux-gnueabihf`.
    Armv7,
}

impl Arch {
    /// Whether the runtime's accessors are inline assembly here (one
    /// address `add` per access at a non-zero offset).
    pub fn has_inline_accessors(self) -> bool {
        matches!(self, Arch::Aarch64 | Arch::Armv7)
    }
}

/// One function's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The symbol whose code this is: differs from the name looked up when
    /// the compiler merged two identical functions into one body.
    pub body: String,
    /// Instructions as printed, without addresses.
    pub raw: Vec<String>,
}

impl Function {
    /// The instructions with registers and local labels normalised.
    pub fn normalised(&self, arch: Arch) -> Vec<String> {
        let mut names = RegisterNames::default();
        self.raw
            .iter()
            .map(|line| normalise(arch, line, &mut names))
            .collect()
    }
}

/// Folds aarch64 address computations into the accesses that use them:
/// `add x8, x0, #52` followed by `ldr w9, [x8]` becomes `ldr w9, [x0, #52]`.
///
/// The runtime's aarch64 accessors are inline assembly whose address operand
/// is a register (so the instruction is always a plain `ldr`/`str`, never a
/// pair or write-back form), which costs one `add` per access at a non-zero
/// offset; folding it lets the check compare everything else exactly, and
/// returns how many `add`s were folded so the cost is reported.
pub fn fold_address_adds(raw: &[String]) -> (Vec<String>, usize) {
    let mut out = Vec::with_capacity(raw.len());
    let mut folded = 0;
    // Register holding `base + offset`, with its replacement operand.
    let mut pending: Vec<(String, String)> = Vec::new();
    for (index, line) in raw.iter().enumerate() {
        let mut words = line.split_whitespace();
        let mnemonic = words.next().unwrap_or("");
        let operands: Vec<&str> = line[mnemonic.len()..]
            .split(',')
            .map(str::trim)
            .filter(|operand| !operand.is_empty())
            .collect();
        if mnemonic == "add"
            && let [destination, source, immediate] = operands.as_slice()
            && ((destination.starts_with('x') && source.starts_with('x'))
                || (destination.starts_with('r') && source.starts_with('r')))
            && (destination != source || only_addressed_after(&raw[index + 1..], destination))
            && immediate.starts_with('#')
        {
            pending.retain(|(register, _)| register != destination);
            pending.push((
                (*destination).to_string(),
                format!("[{source}, {immediate}]"),
            ));
            folded += 1;
            continue;
        }
        let mut rewritten = line.clone();
        for (register, operand) in &pending {
            rewritten = rewritten.replace(&format!("[{register}]"), operand);
        }
        // A register written by this instruction no longer holds the sum.
        if let Some(destination) = operands.first() {
            let destination = destination.replace('w', "x");
            pending.retain(|(register, _)| *register != destination);
        }
        out.push(rewritten);
    }
    (out, folded)
}

/// Whether, in `rest`, `register` (which an `add` just overwrote with
/// itself plus an offset) is used only as a bare address (`[register]`)
/// until something else writes it: then the `add` can be folded into those
/// accesses even though it overwrote its own source.
fn only_addressed_after(rest: &[String], register: &str) -> bool {
    let narrow = register.replacen('x', "w", 1);
    for line in rest {
        let mnemonic = line.split_whitespace().next().unwrap_or("");
        let bit_operation = matches!(mnemonic, "bfi" | "bfc" | "bic" | "bics" | "bfxil");
        let branch = (mnemonic.starts_with('b') && !bit_operation) || mnemonic.starts_with("cb");
        if mnemonic.ends_with(':') || branch {
            // A label or a branch: the value may live on elsewhere, unless
            // this is the return.
            return matches!(mnemonic, "ret") || (mnemonic == "bx" && line.ends_with("lr"));
        }
        let without_addresses = line.replace(&format!("[{register}]"), "");
        let mentions = |name: &str| {
            without_addresses
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|word| word == name)
        };
        let first = line[mnemonic.len()..]
            .split(',')
            .next()
            .unwrap_or("")
            .trim();
        let writes = !mnemonic.starts_with("st") && (first == register || first == narrow);
        if writes {
            // Written here: fine if not also read by this instruction.
            let reads = line[mnemonic.len()..]
                .split(',')
                .skip(1)
                .any(|operand| operand.trim() == register || operand.trim() == narrow);
            return !reads;
        }
        if mentions(register) || (narrow != register && mentions(&narrow)) {
            return false;
        }
    }
    true
}

/// Parses `objdump -t` (`symbols`) and `objdump -d --no-show-raw-insn`
/// (`disassembly`) of one object file into functions by symbol name.
///
/// Rustc puts every function in its own section, all at address 0, so a
/// symbol is found by its section; an alias the compiler made by merging two
/// functions names the other function's section.
pub fn parse_objdump(symbols: &str, disassembly: &str) -> BTreeMap<String, Function> {
    // Code of each section's first label, by section name.
    let mut sections: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in disassembly.lines() {
        if let Some(rest) = line.strip_prefix("Disassembly of section ") {
            let section = rest.trim_end_matches(':').to_string();
            current = Some(section);
        } else if let Some(label) = label_of_objdump_line(line) {
            if let Some(section) = &current {
                sections
                    .entry(section.clone())
                    .or_insert_with(|| (label.to_string(), Vec::new()));
            }
        } else if let Some(instruction) = objdump_instruction(line)
            && let Some(section) = &current
            && let Some((_, code)) = sections.get_mut(section)
        {
            code.push(instruction);
        }
    }
    let mut functions = BTreeMap::new();
    for line in symbols.lines() {
        // `0000000000000000 g     F .text.hand_read	000000000000000a ours_read`
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 5 || !fields.contains(&"F") {
            continue;
        }
        let name = fields[fields.len() - 1];
        let section = fields[fields.len() - 3];
        if let Some((body, code)) = sections.get(section) {
            functions.insert(
                name.to_string(),
                Function {
                    body: body.clone(),
                    raw: code.clone(),
                },
            );
        }
    }
    functions
}

/// `0000000000000000 <name>:` gives `name`.
fn label_of_objdump_line(line: &str) -> Option<&str> {
    let (address, rest) = line.split_once(' ')?;
    if address.is_empty() || !address.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    rest.strip_prefix('<')?.strip_suffix(">:")
}

/// `   4:\tshr    $0x3,%al` gives `shr $0x3,%al`; other lines give nothing.
fn objdump_instruction(line: &str) -> Option<String> {
    let (address, instruction) = line.split_once(':')?;
    let address = address.trim();
    if address.is_empty() || !address.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    // Drop the `# 0x...` comments objdump adds for RIP-relative operands.
    let instruction = instruction.split('#').next().unwrap_or("").trim();
    (!instruction.is_empty()).then(|| squeeze(instruction))
}

/// Parses rustc's `--emit asm` output into functions by symbol name,
/// following `alias = target` lines the compiler writes for merged functions.
pub fn parse_asm(text: &str) -> BTreeMap<String, Function> {
    let mut functions: BTreeMap<String, Function> = BTreeMap::new();
    let mut aliases = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        // `//` starts a comment on aarch64, `@` on 32-bit Arm (where `@`
        // also marks symbol types in directives, which are skipped anyway).
        let code = line.split("//").next().unwrap_or("");
        let code = code.split('@').next().unwrap_or("").trim_end();
        if let Some((alias, target)) = code.split_once(" = ")
            && !code.starts_with(['\t', ' '])
        {
            aliases.push((alias.trim().to_string(), target.trim().to_string()));
            continue;
        }
        if !code.starts_with(['\t', ' ']) && code.ends_with(':') {
            let label = &code[..code.len() - 1];
            if label.starts_with(".Lfunc_end") {
                current = None;
            } else if !label.starts_with('.') {
                current = Some(label.to_string());
                functions.insert(
                    label.to_string(),
                    Function {
                        body: label.to_string(),
                        raw: Vec::new(),
                    },
                );
            } else if let Some(name) = &current {
                // A local label inside the function (a branch target).
                if let Some(function) = functions.get_mut(name) {
                    function.raw.push(format!("{label}:"));
                }
            }
            continue;
        }
        let instruction = code.trim();
        if instruction.is_empty() || instruction.starts_with('.') {
            continue;
        }
        if let Some(name) = &current
            && let Some(function) = functions.get_mut(name)
        {
            function.raw.push(squeeze(instruction));
        }
    }
    for (alias, target) in aliases {
        if let Some(function) = functions.get(&target).cloned() {
            functions.insert(alias, function);
        }
    }
    functions
}

/// Collapses runs of whitespace to one space.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Register families in order of first use within one function.
#[derive(Default)]
struct RegisterNames {
    families: Vec<String>,
}

impl RegisterNames {
    fn index(&mut self, family: &str) -> usize {
        match self.families.iter().position(|known| known == family) {
            Some(index) => index,
            None => {
                self.families.push(family.to_string());
                self.families.len() - 1
            }
        }
    }
}

/// Renames registers (keeping width) and local labels in one instruction.
fn normalise(arch: Arch, line: &str, names: &mut RegisterNames) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let word_start = match arch {
            Arch::X86_64 => c == '%',
            Arch::Aarch64 | Arch::Armv7 => c.is_ascii_alphabetic() || c == '.',
        };
        let after_word_boundary = start == 0
            || !line[..start]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_alphanumeric() || p == '_' || p == '.');
        if !(word_start && after_word_boundary) {
            out.push(c);
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(index, next)) = chars.peek() {
            if next.is_ascii_alphanumeric() || next == '_' || next == '.' {
                end = index + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let word = &line[start..end];
        out.push_str(&rename(arch, word, start == 0, names));
    }
    out
}

fn rename(arch: Arch, word: &str, is_mnemonic: bool, names: &mut RegisterNames) -> String {
    if word.starts_with(".L") {
        return ".L".to_string();
    }
    if is_mnemonic {
        return word.to_string();
    }
    match arch {
        Arch::X86_64 => match x86_register(&word[1..]) {
            Some((family, width)) => format!("%r{}.{width}", names.index(&family)),
            None => word.to_string(),
        },
        Arch::Aarch64 => {
            let (kind, number) = word.split_at(1);
            if (kind == "w" || kind == "x")
                && !number.is_empty()
                && number.chars().all(|c| c.is_ascii_digit())
            {
                format!("{kind}{}", names.index(number))
            } else {
                word.to_string()
            }
        }
        Arch::Armv7 => {
            let general = word == "lr"
                || word == "ip"
                || word
                    .strip_prefix('r')
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            if general {
                format!("r{}", names.index(word))
            } else {
                word.to_string()
            }
        }
    }
}

/// The family and width in bits of an x86_64 general-purpose register.
fn x86_register(name: &str) -> Option<(String, u32)> {
    const LEGACY: [(&str, &str, &str, &str, &str); 8] = [
        ("a", "rax", "eax", "ax", "al"),
        ("b", "rbx", "ebx", "bx", "bl"),
        ("c", "rcx", "ecx", "cx", "cl"),
        ("d", "rdx", "edx", "dx", "dl"),
        ("si", "rsi", "esi", "si", "sil"),
        ("di", "rdi", "edi", "di", "dil"),
        ("bp", "rbp", "ebp", "bp", "bpl"),
        ("sp", "rsp", "esp", "sp", "spl"),
    ];
    for (family, r64, r32, r16, r8) in LEGACY {
        let width = if name == r64 {
            64
        } else if name == r32 {
            32
        } else if name == r16 {
            16
        } else if name == r8 || (name.len() == 2 && name == format!("{family}h")) {
            8
        } else {
            continue;
        };
        return Some((family.to_string(), width));
    }
    let number = name.strip_prefix('r')?;
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let width = match &number[digits.len()..] {
        "" => 64,
        "d" => 32,
        "w" => 16,
        "b" => 8,
        _ => return None,
    };
    Some((format!("r{digits}"), width))
}

/// Whether a memory access reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A load.
    Load,
    /// A store.
    Store,
}

/// One instruction that touches memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryAccess {
    /// Load or store.
    pub direction: Direction,
    /// Width in bytes, where the instruction shows it.
    pub width: Option<u32>,
    /// A single access with no pairing, write-back or sign extension (on
    /// aarch64 and 32-bit Arm: `ldr`, `ldrh`, `ldrb`, `str`, `strh` or `strb`
    /// with a plain base-plus-immediate address).
    pub plain: bool,
    /// The instruction.
    pub instruction: String,
}

/// The instructions of `code` that access memory.
pub fn memory_accesses(arch: Arch, code: &[String]) -> Vec<MemoryAccess> {
    code.iter()
        .filter_map(|instruction| memory_access(arch, instruction))
        .collect()
}

fn memory_access(arch: Arch, instruction: &str) -> Option<MemoryAccess> {
    let (mnemonic, operands) = instruction.split_once(' ').unwrap_or((instruction, ""));
    match arch {
        Arch::X86_64 => {
            if !operands.contains('(') || mnemonic.starts_with("lea") || mnemonic.starts_with("nop")
            {
                return None;
            }
            // AT&T: the destination is the last operand.
            let destination = operands.rsplit(',').next().unwrap_or("");
            let direction = if destination.contains('(') {
                Direction::Store
            } else {
                Direction::Load
            };
            Some(MemoryAccess {
                direction,
                width: None,
                plain: !mnemonic.starts_with("lock") && !mnemonic.starts_with("rep"),
                instruction: instruction.to_string(),
            })
        }
        Arch::Aarch64 => {
            let direction = if mnemonic.starts_with("ld") {
                Direction::Load
            } else if mnemonic.starts_with("st") {
                Direction::Store
            } else {
                return None;
            };
            let first = operands.split(',').next().unwrap_or("").trim();
            let width = match mnemonic {
                "ldrb" | "strb" => Some(1),
                "ldrh" | "strh" => Some(2),
                "ldr" | "str" if first.starts_with('w') => Some(4),
                "ldr" | "str" if first.starts_with('x') || first == "xzr" => Some(8),
                _ => None,
            };
            let address = operands.split_once('[').map(|(_, rest)| rest).unwrap_or("");
            let plain_address =
                address.ends_with(']') && !address.contains(", x") && !address.contains(", w");
            Some(MemoryAccess {
                direction,
                width,
                plain: width.is_some() && plain_address,
                instruction: instruction.to_string(),
            })
        }
        Arch::Armv7 => {
            let direction = if mnemonic.starts_with("ld") || mnemonic.starts_with("pop") {
                Direction::Load
            } else if mnemonic.starts_with("st") || mnemonic.starts_with("push") {
                Direction::Store
            } else {
                return None;
            };
            // `ldrd`/`strd`, `ldm`/`stm`, `push`/`pop` and the rest: no
            // single access of a known width.
            let width = match mnemonic {
                "ldrb" | "strb" => Some(1),
                "ldrh" | "strh" => Some(2),
                "ldr" | "str" => Some(4),
                _ => None,
            };
            let address = operands.split_once('[').map(|(_, rest)| rest).unwrap_or("");
            // Post-index (`[r0], #4`) does not end in `]`, pre-index
            // (`[r0, #4]!`) ends in `!`; a register offset names a register.
            let plain_address = address.ends_with(']')
                && !address.contains(", r")
                && !address.contains(", lr")
                && !address.contains(", ip");
            Some(MemoryAccess {
                direction,
                width,
                plain: width.is_some() && plain_address,
                instruction: instruction.to_string(),
            })
        }
    }
}

/// Why a generated function does not match its hand-written twin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// A symbol is missing from the disassembly.
    Missing(String),
    /// The normalised instructions differ.
    Instructions {
        /// The generated function's symbol.
        ours: String,
        /// The hand-written function's symbol.
        hand: String,
        /// Its normalised instructions.
        ours_code: Vec<String>,
        /// The hand-written normalised instructions.
        hand_code: Vec<String>,
    },
    /// The loads and stores are not what the register needs.
    Accesses {
        /// The symbol.
        symbol: String,
        /// What was expected.
        expected: String,
        /// The memory accesses found.
        found: Vec<MemoryAccess>,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Missing(symbol) => write!(f, "`{symbol}` is not in the disassembly"),
            Mismatch::Instructions {
                ours,
                hand,
                ours_code,
                hand_code,
            } => {
                writeln!(f, "`{ours}` and `{hand}` differ (registers normalised):")?;
                writeln!(f, "  {:<40} | {hand}", ours)?;
                for index in 0..ours_code.len().max(hand_code.len()) {
                    let left = ours_code.get(index).map_or("", String::as_str);
                    let right = hand_code.get(index).map_or("", String::as_str);
                    let marker = if left == right { ' ' } else { '!' };
                    writeln!(f, "{marker} {left:<40} | {right}")?;
                }
                Ok(())
            }
            Mismatch::Accesses {
                symbol,
                expected,
                found,
            } => {
                writeln!(f, "`{symbol}` should do {expected}, but does:")?;
                for access in found {
                    writeln!(
                        f,
                        "  {:?} width {:?} plain {}: {}",
                        access.direction, access.width, access.plain, access.instruction
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// Compares one pair: identical normalised instructions (on aarch64 after
/// [`fold_address_adds`] of ours; or one body merged by the compiler), and exactly `loads` loads and `stores` stores, each plain
/// and, where the instruction shows it, `width` bytes wide.
pub fn check_pair(
    arch: Arch,
    functions: &BTreeMap<String, Function>,
    pair: &crate::access::Pair,
) -> Result<Vec<String>, Mismatch> {
    let lookup = |symbol: &str| {
        functions
            .get(symbol)
            .ok_or_else(|| Mismatch::Missing(symbol.to_string()))
    };
    let ours = lookup(pair.ours)?;
    let hand = lookup(pair.hand)?;
    let folded_ours;
    let ours_for_comparison = if arch.has_inline_accessors() {
        folded_ours = Function {
            body: ours.body.clone(),
            raw: fold_address_adds(&ours.raw).0,
        };
        &folded_ours
    } else {
        ours
    };
    let ours_code = ours_for_comparison.normalised(arch);
    let hand_code = hand.normalised(arch);
    if ours_code != hand_code && !same_accesses_no_longer(arch, &ours_code, &hand_code) {
        return Err(Mismatch::Instructions {
            ours: pair.ours.to_string(),
            hand: pair.hand.to_string(),
            ours_code,
            hand_code,
        });
    }
    for (symbol, function) in [(pair.ours, ours), (pair.hand, hand)] {
        check_accesses(arch, symbol, function, pair)?;
    }
    Ok(ours.raw.clone())
}

/// On 32-bit Arm only: whether `ours` and `hand` (normalised) do the same
/// memory instructions (mnemonic and address), in order, and `ours` has no
/// more instructions.
///
/// There the runtime's byte and halfword loads tell the compiler the value
/// is zero-extended, and it then sets a field with `mov`+`bfi` where the
/// hand-written code has `and`+`orr` (or `movw`+`and`+`orr`); and a 64-bit
/// write's two halves are computed before the first store, so the second
/// lives in a register of its own where hand-written code reuses the first's.
/// Different ALU instructions or registers, never more instructions, and
/// the same accesses.
fn same_accesses_no_longer(arch: Arch, ours: &[String], hand: &[String]) -> bool {
    if arch != Arch::Armv7 || ours.len() > hand.len() {
        return false;
    }
    let accesses = |code: &[String]| -> Vec<String> {
        // Mnemonic and address: the data register may differ when the
        // compiler keeps a value in a register of its own.
        memory_accesses(arch, code)
            .into_iter()
            .map(|access| {
                let mnemonic = access.instruction.split(' ').next().unwrap_or("");
                let address = access.instruction.split_once('[').map_or("", |(_, a)| a);
                format!("{mnemonic} [{address}")
            })
            .collect()
    };
    accesses(ours) == accesses(hand)
}

/// Checks that `function` does exactly the loads and stores `pair` asks for
/// (after its pointer loads), each plain and of the register's width; on
/// 32-bit Arm a 64-bit register is two 32-bit accesses per load or store.
pub fn check_accesses(
    arch: Arch,
    symbol: &str,
    function: &Function,
    pair: &crate::access::Pair,
) -> Result<(), Mismatch> {
    let (width, per_access) = if arch == Arch::Armv7 && pair.width == 8 {
        (4, 2)
    } else {
        (pair.width, 1)
    };
    let (loads, stores) = (pair.loads * per_access, pair.stores * per_access);
    let found = memory_accesses(arch, &function.raw);
    // The leading loads of a `Mapping`'s pointer field are the pointer's
    // width, and not register accesses.
    let pointer_width = if arch == Arch::Armv7 { 4 } else { 8 };
    let pointer_loads_ok = found.iter().take(pair.pointer_loads).all(|access| {
        access.plain
            && access.direction == Direction::Load
            && access.width.is_none_or(|w| w == pointer_width)
    });
    let registers = &found[pair.pointer_loads.min(found.len())..];
    let count = |direction| {
        registers
            .iter()
            .filter(|a| a.direction == direction)
            .count()
    };
    let well_formed = registers
        .iter()
        .all(|access| access.plain && access.width.is_none_or(|w| w == width));
    if !pointer_loads_ok
        || count(Direction::Load) != loads
        || count(Direction::Store) != stores
        || !well_formed
    {
        let pointer = if pair.pointer_loads > 0 {
            format!(
                "{} load(s) of the mapping's pointer, then ",
                pair.pointer_loads
            )
        } else {
            String::new()
        };
        return Err(Mismatch::Accesses {
            symbol: symbol.to_string(),
            expected: format!(
                "{pointer}{loads} plain load(s) and {stores} plain store(s) of {width} byte(s)"
            ),
            found,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x86_registers_are_renamed_by_first_use_keeping_width() {
        let function = Function {
            body: "f".into(),
            raw: vec![
                "movzbl 0x1(%rdi),%eax".into(),
                "shr $0x3,%al".into(),
                "ret".into(),
            ],
        };
        assert_eq!(
            function.normalised(Arch::X86_64),
            ["movzbl 0x1(%r0.64),%r1.32", "shr $0x3,%r1.8", "ret"]
        );
    }

    #[test]
    fn aarch64_registers_are_renamed_but_displacements_kept() {
        let function = Function {
            body: "f".into(),
            raw: vec!["ldr w9, [x0, #52]".into(), "ubfx w0, w9, #17, #1".into()],
        };
        assert_eq!(
            function.normalised(Arch::Aarch64),
            ["ldr w0, [x1, #52]", "ubfx w1, w0, #17, #1"]
        );
    }

    #[test]
    fn asm_aliases_share_the_body() {
        let text = "\t.globl\thand\nhand:\n\t.cfi_startproc\n\tldrb\tw8, [x0, #1]\n\tret\n.Lfunc_end0:\n\t.globl\tours\nours = hand\n";
        let functions = parse_asm(text);
        assert_eq!(functions["ours"].body, "hand");
        assert_eq!(functions["ours"].raw, ["ldrb w8, [x0, #1]", "ret"]);
    }

    #[test]
    fn objdump_aliases_are_found_by_section() {
        let symbols = "0000000000000000 g     F .text.hand\t000000000000000a hand\n\
                       0000000000000000 g     F .text.hand\t000000000000000a ours\n";
        let disassembly = "Disassembly of section .text.hand:\n\n0000000000000000 <hand>:\n   0:\tmov    0x34(%rdi),%eax\n   3:\tret\n";
        let functions = parse_objdump(symbols, disassembly);
        assert_eq!(functions["ours"].raw, ["mov 0x34(%rdi),%eax", "ret"]);
        assert_eq!(functions["ours"].body, "hand");
    }

    #[test]
    fn paired_and_write_back_accesses_are_not_plain() {
        let code: Vec<String> = ["ldp w8, w9, [x0]", "str w8, [x0, #4]!", "ldrh w8, [x0, #2]"]
            .map(String::from)
            .into();
        let accesses = memory_accesses(Arch::Aarch64, &code);
        assert_eq!(
            accesses
                .iter()
                .map(|a| (a.plain, a.width))
                .collect::<Vec<_>>(),
            [(false, None), (false, Some(4)), (true, Some(2))]
        );
    }

    #[test]
    fn armv7_write_back_doubleword_and_register_offsets_are_not_plain() {
        let code: Vec<String> = [
            "ldr r3, [r2], #4",
            "str r1, [r0, #4]!",
            "ldrd r0, r1, [r0, #24]",
            "str r2, [r0, r2, lsl #2]",
            "ldrh r0, [r1, #2]",
            "push {r4, lr}",
        ]
        .map(String::from)
        .into();
        let accesses = memory_accesses(Arch::Armv7, &code);
        assert_eq!(
            accesses
                .iter()
                .map(|a| (a.direction, a.plain, a.width))
                .collect::<Vec<_>>(),
            [
                (Direction::Load, false, Some(4)),
                (Direction::Store, false, Some(4)),
                (Direction::Load, false, None),
                (Direction::Store, false, Some(4)),
                (Direction::Load, true, Some(2)),
                (Direction::Store, false, None),
            ]
        );
    }

    #[test]
    fn armv7_registers_are_renamed_and_adds_folded() {
        let raw: Vec<String> = [
            "add r1, r0, #52",
            "ldr r2, [r1]",
            "ubfx r0, r2, #17, #1",
            "bx lr",
        ]
        .map(String::from)
        .into();
        let (folded, adds) = fold_address_adds(&raw);
        assert_eq!(adds, 1);
        let function = Function {
            body: "f".into(),
            raw: folded,
        };
        assert_eq!(
            function.normalised(Arch::Armv7),
            ["ldr r0, [r1, #52]", "ubfx r1, r0, #17, #1", "bx r2"]
        );
    }

    #[test]
    fn an_address_add_is_folded_and_counted() {
        let raw: Vec<String> = ["mov w8, #1", "add x9, x0, #28", "str w8, [x9]", "ret"]
            .iter()
            .map(|line| line.to_string())
            .collect();
        let (folded, adds) = fold_address_adds(&raw);
        assert_eq!(folded, ["mov w8, #1", "str w8, [x0, #28]", "ret"]);
        assert_eq!(adds, 1);
    }

    #[test]
    fn a_different_instruction_is_a_readable_mismatch() {
        let function = |body: &str, raw: &[&str]| Function {
            body: body.into(),
            raw: raw.iter().map(|line| line.to_string()).collect(),
        };
        let functions = BTreeMap::from([
            (
                "ours".to_string(),
                function(
                    "ours",
                    &["add x8, x0, #52", "ldr w9, [x8]", "lsr w9, w9, #1", "ret"],
                ),
            ),
            (
                "hand".to_string(),
                function("hand", &["ldr w8, [x0, #52]", "ret"]),
            ),
        ]);
        let pair = crate::access::Pair {
            ours: "ours",
            hand: "hand",
            width: 4,
            loads: 1,
            stores: 0,
            pointer_loads: 0,
        };
        let mismatch = check_pair(Arch::Aarch64, &functions, &pair).unwrap_err();
        let text = mismatch.to_string();
        assert!(text.starts_with("`ours` and `hand` differ"), "{text}");
        assert!(text.contains("! lsr w0, w0, #1"), "{text}");
    }

    #[test]
    fn a_load_of_the_wrong_width_fails() {
        let functions = BTreeMap::from([(
            "f".to_string(),
            Function {
                body: "f".into(),
                raw: vec!["ldrh w8, [x0, #4]".into(), "ret".into()],
            },
        )]);
        let pair = crate::access::Pair {
            ours: "f",
            hand: "f",
            width: 4,
            loads: 1,
            stores: 0,
            pointer_loads: 0,
        };
        assert!(matches!(
            check_pair(Arch::Aarch64, &functions, &pair),
            Err(Mismatch::Accesses { .. })
        ));
    }
}
