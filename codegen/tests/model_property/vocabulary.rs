//! What models are named with: a small seeded generator, word lists, and
//! the scopes that keep names from turning into the same identifier.

use std::collections::BTreeSet;

use super::names::{camel, snake};

/// A small deterministic generator (SplitMix64) seeded by the proptest
/// runner, so one `u64` reproduces a whole model.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// Word parts of names: none of them (alone or joined) is a name the
/// generated code uses itself (`new`, `io`, `set_*`, `*_mut`, `*_COUNT`,
/// `META`, prelude and marker types, trait methods).
const WORDS: &[&str] = &[
    "CTRL", "STAT", "DATA", "FIFO", "MODE", "CFG", "IRQ", "TX", "RX", "BAUD", "PRE", "DIV", "EN",
    "CLK", "LVL", "ERR", "ADDR", "KEY", "SEQ", "PIN", "BUF", "MASK", "FLAG", "GAIN", "TRIM", "PWR",
    "CAL", "PHASE", "SYNC", "EDGE", "POL", "WIN", "CNT", "LOAD", "VAL", "SRC", "DST", "LEN", "CMD",
    "RESP", "BUSY", "DONE", "HALT", "WAKE", "SLEEP", "TIMER", "ALARM", "ECHO", "PARITY", "STOP",
];

/// Whole names that need more than a change of case: keywords (`_` suffix
/// in snake case; `Self` gets a `V` prefix in camel case) and leading digits
/// (`v`/`V` prefix).
const SPECIAL: &[&str] = &[
    "type",
    "loop",
    "match",
    "fn",
    "move",
    "async",
    "gen",
    "ref",
    "use",
    "where",
    "box",
    "SELF",
    "Super",
    "crate",
    "2ND_STAGE",
    "1WIRE",
    "3v3_LDO",
    "8BIT",
    "yield",
    "try",
];

/// Draws a name; `pattern` adds an array placeholder.
fn raw_name(rng: &mut Rng) -> String {
    if rng.chance(12) {
        return rng.pick(SPECIAL).to_string();
    }
    let parts = rng.range(1, 3);
    let separator = rng.pick(&["_", "_", "_", "", "-", ".", " "]);
    let style = rng.range(0, 3);
    let mut words = Vec::new();
    for _ in 0..parts {
        let word = rng.pick(WORDS);
        let word = match style {
            0 | 1 => word.to_string(),
            2 => word.to_ascii_lowercase(),
            _ => {
                let mut chars = word.chars();
                let first = chars.next().expect("words are not empty");
                std::iter::once(first)
                    .chain(chars.map(|c| c.to_ascii_lowercase()))
                    .collect()
            }
        };
        words.push(word);
    }
    if style == 3 && rng.chance(50) {
        // CamelCase runs the words together.
        return words.concat();
    }
    let mut name = words.join(separator);
    if rng.chance(10) {
        name.push_str(&rng.range(0, 9).to_string());
    }
    name
}

/// Names already taken in one scope, by every key under which two names
/// would become the same identifier (or one array).
#[derive(Default)]
pub struct Scope {
    keys: BTreeSet<String>,
}

impl Scope {
    fn keys(name: &str) -> Vec<String> {
        let letters: String = name
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        vec![
            format!("letters:{letters}"),
            format!("snake:{}", snake(name)),
            format!("camel:{}", camel(name)),
        ]
    }

    /// Takes `name` if no key of it is taken.
    pub fn take(&mut self, name: &str) -> bool {
        let keys = Self::keys(name);
        if keys.iter().any(|key| self.keys.contains(key)) {
            return false;
        }
        self.keys.extend(keys);
        true
    }
}

/// A name free in `scope` (and in `types`, by camel case, when given);
/// `array` puts an index placeholder in it.
pub fn fresh_name(
    rng: &mut Rng,
    scope: &mut Scope,
    mut types: Option<&mut Scope>,
    array: bool,
) -> String {
    loop {
        let base = raw_name(rng);
        let name = if array {
            match rng.range(0, 2) {
                0 => format!("{base}%s"),
                1 => format!("{base}[%s]"),
                _ => format!("X{base}%s_{}", rng.pick(WORDS)),
            }
        } else {
            base
        };
        if let Some(types) = types.as_deref_mut()
            && !types.take(&camel(&name))
        {
            continue;
        }
        if scope.take(&name) {
            return name;
        }
    }
}

/// Index names for an array of `count`: none, letters, numbers from `k`
/// (the accessor's index is then the number), or words.
pub fn index_names(rng: &mut Rng, count: u32) -> Vec<String> {
    match rng.range(0, 5) {
        0 => (0..count)
            .map(|i| char::from(b'A' + i as u8).to_string())
            .collect(),
        1 => {
            let first = rng.range(1, 4);
            (0..u64::from(count))
                .map(|i| (first + i).to_string())
                .collect()
        }
        2 => {
            let mut taken = BTreeSet::new();
            let mut out = Vec::new();
            while out.len() < count as usize {
                let word = rng.pick(WORDS).to_ascii_lowercase();
                if taken.insert(word.clone()) {
                    out.push(word);
                }
            }
            out
        }
        _ => Vec::new(),
    }
}
