//! One test per YAML error: each asserts the kind, the line and column, the
//! entity path and the message a user sees.

use mmreg_codegen::{Diagnostic, DiagnosticKind};

const FILE: &str = "dev.yaml";

/// Every diagnostic for `text`, which must fail to parse.
fn errors(text: &str) -> Vec<Diagnostic> {
    match mmreg_codegen::yaml::parse(text, FILE) {
        Ok((device, warnings)) => panic!("expected errors, got {device:?} and {warnings:?}"),
        Err(diagnostics) => diagnostics.0,
    }
}

/// The one diagnostic for `text`.
fn error(text: &str) -> Diagnostic {
    let mut all = errors(text);
    assert_eq!(all.len(), 1, "expected one diagnostic: {all:#?}");
    all.remove(0)
}

/// `(kind, line, column, path, message)` of a diagnostic.
fn parts(diagnostic: &Diagnostic) -> (DiagnosticKind, u32, u32, &str, &str) {
    let location = diagnostic
        .location
        .as_ref()
        .expect("every YAML error has a location");
    assert_eq!(&*location.file, FILE);
    (
        diagnostic.kind,
        location.line,
        location.column,
        diagnostic.path.as_str(),
        diagnostic.message.as_str(),
    )
}

/// A device with one register whose body is `register` (indented 8).
fn with_register(register: &str) -> String {
    let body: String = register
        .lines()
        .map(|line| format!("        {line}\n"))
        .collect();
    format!("device: d\nperipherals:\n  - name: P\n    registers:\n      - name: R\n{body}")
}

#[test]
fn yaml_syntax() {
    let diagnostic = error("device: d\nperipherals: [\n  - name: P\n");
    let (kind, line, _, path, message) = parts(&diagnostic);
    assert_eq!((kind, line, path), (DiagnosticKind::Syntax, 3, ""));
    assert!(message.starts_with("YAML syntax: "), "{message}");
}

#[test]
fn empty_file() {
    let diagnostic = error("# nothing here\n");
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::MissingElement,
            1,
            1,
            "",
            "the file holds no YAML document"
        )
    );
}

#[test]
fn second_document() {
    let diagnostic = error("device: d\n---\ndevice: e\n");
    let (kind, line, column, _, message) = parts(&diagnostic);
    assert_eq!((kind, line, column), (DiagnosticKind::Syntax, 2, 1));
    assert!(message.contains("second `---`"), "{message}");
}

#[test]
fn unknown_key_suggests_the_nearest() {
    let all = errors(&with_register("ofset: 4"));
    // The register then lacks its offset: reported too.
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!(all[1].kind, DiagnosticKind::MissingElement);
    assert_eq!(
        parts(&all[0]),
        (
            DiagnosticKind::UnknownKey,
            6,
            9,
            "P.R",
            "unknown key `ofset` in a register; did you mean `offset`?"
        )
    );
    // Without a near key, the known keys are listed.
    let diagnostic = error("device: d\ncolour: blue\n");
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::UnknownKey,
            2,
            1,
            "",
            "unknown key `colour` in the device (known keys: `device`, `description`, `defaults`, `peripherals`)"
        )
    );
}

#[test]
fn duplicate_key() {
    let diagnostic = error(&with_register("offset: 4\noffset: 8"));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            7,
            9,
            "P.R",
            "duplicate key `offset` in a register"
        )
    );
}

#[test]
fn missing_required_key() {
    let diagnostic = error(&with_register("size: 16"));
    // At the register's first key: where the mapping starts.
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::MissingElement,
            5,
            9,
            "P.R",
            "a register has no `offset`"
        )
    );
}

#[test]
fn wrong_shape() {
    let diagnostic = error("device: d\nperipherals:\n  - name: P\n    registers:\n      - R\n");
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            5,
            9,
            "P.?",
            "expected a mapping for a register, found a scalar"
        )
    );
    let diagnostic = error("device: d\nperipherals: P\n");
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            2,
            14,
            "",
            "`peripherals` must be a list, found a scalar"
        )
    );
}

#[test]
fn bad_number() {
    let diagnostic = error(&with_register("offset: 0x1g"));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            6,
            17,
            "P.R",
            "`offset` must be a number (decimal, `0x` hex or `0b` binary, below 2^64), found `0x1g`"
        )
    );
}

#[test]
fn unknown_access_word_suggests_the_svd_word() {
    let diagnostic = error(&with_register("offset: 0\naccess: read_only"));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            7,
            17,
            "P.R",
            "unknown `access` value `read_only`; did you mean `read-only`?"
        )
    );
}

#[test]
fn unknown_write_action_lists_the_words_when_nothing_is_near() {
    let diagnostic = error(&with_register(
        "offset: 0\nfields:\n  - { name: F, bit: 0, modified_write_values: wipe }",
    ));
    let (kind, line, column, path, message) = parts(&diagnostic);
    assert_eq!(
        (kind, line, column, path),
        (DiagnosticKind::Syntax, 8, 55, "P.R.F")
    );
    assert!(
        message.starts_with(
            "unknown `modified_write_values` value `wipe` (expected one of `normal`, `oneToClear`"
        ),
        "{message}"
    );
}

#[test]
fn reversed_bit_range() {
    let diagnostic = error(&with_register(
        "offset: 0\nfields:\n  - name: F\n    bits: \"[3:7]\"",
    ));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            9,
            19,
            "P.R.F",
            "bit range `[3:7]` has its high bit below its low bit (write `[msb:lsb]`)"
        )
    );
}

#[test]
fn position_given_twice() {
    let diagnostic = error(&with_register(
        "offset: 0\nfields:\n  - name: F\n    bits: \"[3:0]\"\n    bit: 2",
    ));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            10,
            18,
            "P.R.F",
            "give the field's position once: `bits` and `bit` both given"
        )
    );
}

#[test]
fn position_missing() {
    let diagnostic = error(&with_register(
        "offset: 0\nfields:\n  - name: F\n    description: no bits",
    ));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::MissingElement,
            8,
            13,
            "P.R.F",
            "a field has no position: give `bits: \"[msb:lsb]\"`, `bit: n`, or `lsb` and `width`"
        )
    );
}

#[test]
fn lsb_without_width() {
    let diagnostic = error(&with_register(
        "offset: 0\nfields:\n  - { name: F, lsb: 4 }",
    ));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::MissingElement,
            8,
            13,
            "P.R.F",
            "`lsb` needs `width` or `msb`"
        )
    );
}

#[test]
fn derived_from_an_unknown_peripheral() {
    let text = "device: d\nperipherals:\n  - name: UART0\n    base: 0x1000\n  - name: UART1\n    derived_from: UART\n";
    let diagnostic = error(text);
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::UnresolvedDerivation,
            6,
            19,
            "UART1",
            "`derived_from` names `UART`, which is not a peripheral here; did you mean `UART0`?"
        )
    );
}

#[test]
fn derivation_cycle() {
    let text = "device: d\nperipherals:\n  - name: A\n    derived_from: B\n  - name: B\n    derived_from: A\n";
    let all = errors(text);
    let first = parts(&all[0]);
    assert_eq!(first.0, DiagnosticKind::UnresolvedDerivation);
    assert!(first.4.ends_with("makes a cycle"), "{}", first.4);
}

#[test]
fn enumerated_value_without_value() {
    let diagnostic = error(&with_register(
        "offset: 0\nfields:\n  - name: F\n    bit: 0\n    values:\n      - { name: ON }",
    ));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::MissingElement,
            11,
            17,
            "P.R.F.ON",
            "an enumerated value needs `value` (or `default: true` for every other value)"
        )
    );
}

#[test]
fn enumerated_value_that_is_not_a_number() {
    let diagnostic = error(&with_register(
        "offset: 0\nfields:\n  - name: F\n    bit: 0\n    values: { ON: yes }",
    ));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            10,
            27,
            "P.R.F",
            "the value of `ON` must be a number"
        )
    );
}

#[test]
fn enums_and_values_together() {
    let text = "offset: 0\nfields:\n  - name: F\n    bit: 0\n    values: { ON: 1 }\n    enums:\n      - { values: { OFF: 0 } }";
    let diagnostic = error(&with_register(text));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            10,
            21,
            "P.R.F",
            "`values` cannot be used with `enums`"
        )
    );
}

#[test]
fn stride_without_count() {
    let diagnostic = error(&with_register("offset: 0\nstride: 4"));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::BadArray,
            7,
            17,
            "P.R",
            "`stride` without `count`"
        )
    );
}

#[test]
fn cluster_array_without_stride() {
    let text = "device: d\nperipherals:\n  - name: P\n    registers:\n      - cluster: CH%s\n        offset: 0\n        count: 2\n";
    let diagnostic = error(text);
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::MissingElement,
            5,
            9,
            "P.CH%s",
            "an array needs a `stride`"
        )
    );
}

#[test]
fn bad_write_constraint() {
    let diagnostic = error(&with_register(
        "offset: 0\nfields:\n  - { name: F, bits: \"[1:0]\", write_constraint: writeAsRed }",
    ));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            8,
            57,
            "P.R.F",
            "`write_constraint` must be `writeAsRead`, `useEnumeratedValues` or `{ min: .., max: .. }`; did you mean `writeAsRead`?"
        )
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let text = "device: d\nperipherals:\n  - name: P\n    bse: 0\n    registers:\n      - { name: A, ofset: 0 }\n      - { name: B, offset: x }\n";
    let all = errors(text);
    let summary: Vec<(u32, &str)> = all
        .iter()
        .map(|d| (d.location.as_ref().unwrap().line, d.path.as_str()))
        .collect();
    assert_eq!(
        summary,
        [(4, "P"), (6, "P.A"), (6, "P.A"), (7, "P.B")],
        "{all:#?}"
    );
    // The rendered form names file, line, column, message and path.
    assert_eq!(
        all[0].to_string(),
        "dev.yaml:4:5: error: unknown key `bse` in a peripheral; did you mean `base`? (in `P`)"
    );
}

#[test]
fn errors_in_a_base_are_reported_once() {
    let text =
        "device: d\nperipherals:\n  - name: A\n    bsae: 0\n  - name: B\n    derived_from: A\n";
    let diagnostic = error(text);
    assert_eq!(parts(&diagnostic).1, 4);
}

/// Bad input never panics: the `svd/` descriptions with characters deleted,
/// doubled or replaced at a few thousand places either parse or give errors
/// that all have a location.
#[test]
fn mutated_inputs_never_panic() {
    let directory = concat!(env!("CARGO_MANIFEST_DIR"), "/../svd");
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: usize| {
        // xorshift64: deterministic, so a failure reproduces.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % bound as u64).unwrap()
    };
    let replacements = [
        ":", "-", " ", "\n", "[", "{", "\"", "~", "x", "0", "%", "&a", "*a",
    ];
    for stem in ["qemu-edu", "hpet", "bcm2711-gpio", "xlnx-axi-gpio"] {
        let text = std::fs::read_to_string(format!("{directory}/{stem}.yaml")).unwrap();
        let boundaries: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
        for _ in 0..600 {
            let at = boundaries[next(boundaries.len())];
            let end = boundaries
                .iter()
                .copied()
                .find(|index| *index > at)
                .unwrap_or(text.len());
            let mutated = match next(3) {
                0 => format!("{}{}", &text[..at], &text[end..]),
                1 => format!("{}{}", &text[..end], &text[at..]),
                _ => format!(
                    "{}{}{}",
                    &text[..at],
                    replacements[next(replacements.len())],
                    &text[end..]
                ),
            };
            if let Err(diagnostics) = mmreg_codegen::yaml::parse(&mutated, "mutated.yaml") {
                assert!(
                    diagnostics
                        .0
                        .iter()
                        .all(|diagnostic| diagnostic.location.is_some()),
                    "{diagnostics}"
                );
            }
        }
    }
}

#[test]
fn duplicate_key_in_a_derived_entity() {
    let text = "device: d\nperipherals:\n  - name: A\n  - name: B\n    derived_from: A\n    base: 1\n    base: 2\n";
    let diagnostic = error(text);
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            7,
            5,
            "B",
            "duplicate key `base` in a peripheral"
        )
    );
}

/// Validation is the same as for SVD, and its diagnostics point into the
/// YAML file too; `deny_warnings` turns its repairs into a refusal.
#[test]
fn validation_points_at_yaml_lines() {
    let directory = std::env::temp_dir().join(format!("mmreg-yaml-errors-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join("misaligned.yaml");
    let text = "device: d\nperipherals:\n  - name: P\n    registers:\n      - { name: A, offset: 0 }\n      - { name: B, offset: 2 }\n";
    std::fs::write(&path, text).unwrap();
    let loaded = mmreg_codegen::load(&path);
    let strict = mmreg_codegen::Options {
        deny_warnings: true,
        ..mmreg_codegen::Options::default()
    };
    let denied = mmreg_codegen::load_with(&path, &strict);
    std::fs::remove_dir_all(&directory).unwrap();
    let loaded = loaded.unwrap_or_else(|error| panic!("degrades: {error}"));
    let [misaligned] = loaded.warnings.as_slice() else {
        panic!("expected one warning: {:?}", loaded.warnings)
    };
    assert_eq!(misaligned.kind, DiagnosticKind::MisalignedRegister);
    assert_eq!(misaligned.path, "P.B");
    let location = misaligned.location.as_ref().expect("a location");
    assert!(location.file.ends_with("misaligned.yaml"));
    assert_eq!(location.line, 6, "{misaligned}");
    let names: Vec<_> = loaded.device.peripherals[0]
        .items
        .iter()
        .map(|item| match item {
            mmreg_codegen::ir::Item::Register(r) => r.name.as_str(),
            mmreg_codegen::ir::Item::Cluster(c) => c.name.as_str(),
        })
        .collect();
    assert_eq!(names, ["A"], "B is left out");
    match denied {
        Err(mmreg_codegen::Error::WarningsDenied(diagnostics)) => {
            assert_eq!(diagnostics.0, loaded.warnings);
            assert!(
                mmreg_codegen::Error::WarningsDenied(diagnostics)
                    .to_string()
                    .ends_with("warnings are denied (`--deny-warnings`); nothing was generated")
            );
        }
        other => panic!("expected denied warnings, got {other:?}"),
    }
}

#[test]
fn dma_must_be_a_boolean() {
    let diagnostic = error(&with_register("offset: 0\ndma: yes"));
    assert_eq!(
        parts(&diagnostic),
        (
            DiagnosticKind::Syntax,
            7,
            14,
            "P.R",
            "`dma` must be `true` or `false`, found `yes`"
        )
    );
    let diagnostic = error(&with_register("offset: 0\ndma: [true]"));
    assert_eq!(
        parts(&diagnostic).4,
        "`dma` must be `true` or `false`, found a list"
    );
}

#[test]
fn unknown_register_write_action_and_word_order() {
    let all = errors(&with_register(
        "offset: 0\nwrite_action: oneToClr\nword_order: high_first",
    ));
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!(
        parts(&all[0]),
        (
            DiagnosticKind::Syntax,
            7,
            23,
            "P.R",
            "unknown `write_action` value `oneToClr`; did you mean `oneToClear`?"
        )
    );
    assert_eq!(
        parts(&all[1]),
        (
            DiagnosticKind::Syntax,
            8,
            21,
            "P.R",
            "unknown `word_order` value `high_first`; did you mean `high-first`?"
        )
    );
}

/// Writes `text` to a scratch file, loads it with `options` and removes it.
fn load_with(
    name: &str,
    text: &str,
    options: &mmreg_codegen::Options,
) -> Result<mmreg_codegen::Loaded, mmreg_codegen::Error> {
    let directory =
        std::env::temp_dir().join(format!("mmreg-yaml-errors-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join(format!("{name}.yaml"));
    std::fs::write(&path, text).unwrap();
    let result = mmreg_codegen::load_with(&path, options);
    std::fs::remove_dir_all(&directory).unwrap();
    result
}

/// Register-level properties that cannot take effect are located warnings.
#[test]
fn ineffective_register_properties_are_located_warnings() {
    let text = "device: d
peripherals:
  - name: P
    registers:
      - { name: WIDE, offset: 0, size: 64, word_order: high-first }
      - { name: NARROW, offset: 8, word_order: high-first }
      - { name: RO, offset: 0xc, access: read-only, write_action: oneToClear, dma: true }
";
    let loaded = load_with("ineffective", text, &mmreg_codegen::Options::default())
        .unwrap_or_else(|error| panic!("{error}"));
    let warnings: Vec<(DiagnosticKind, u32, &str, &str)> = loaded
        .warnings
        .iter()
        .map(|warning| {
            let location = warning.location.as_ref().expect("located");
            assert!(location.file.ends_with("ineffective.yaml"), "{warning}");
            (
                warning.kind,
                location.line,
                warning.path.as_str(),
                warning.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        warnings,
        [
            (
                DiagnosticKind::IneffectiveProperty,
                6,
                "P.NARROW",
                "word order `high-first` on a 32-bit register has no effect (only 64-bit registers are split in two)"
            ),
            (
                DiagnosticKind::AccessMismatch,
                7,
                "P.RO",
                "write action `oneToClear` on a read-only register has no effect"
            ),
            (
                DiagnosticKind::AccessMismatch,
                7,
                "P.RO",
                "`dma` on a read-only register has no effect"
            ),
        ]
    );
}

#[test]
fn dma_path_that_names_no_register() {
    let text = "device: d
peripherals:
  - name: EDU
    registers:
      - { name: DMA_SOURCE, offset: 0x80, size: 64 }
      - cluster: CH%s
        offset: 0x100
        count: 2
        stride: 0x10
        registers: [{ name: SRC, offset: 0 }]
";
    let options = mmreg_codegen::Options {
        dma_registers: vec!["EDU.CH.SRC".to_string(), "EDU.DMA_SORCE".to_string()],
        ..mmreg_codegen::Options::default()
    };
    let error = load_with("dma-unknown", text, &options).unwrap_err();
    assert!(
        matches!(&error, mmreg_codegen::Error::UnknownRegister { path, suggestions }
            if path == "EDU.DMA_SORCE" && suggestions == &["EDU.DMA_SOURCE"]),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "no register at path `EDU.DMA_SORCE`; did you mean `EDU.DMA_SOURCE`?"
    );
    // A cluster is not a register.
    let options = mmreg_codegen::Options {
        dma_registers: vec!["EDU.CH%s".to_string()],
        ..mmreg_codegen::Options::default()
    };
    let error = load_with("dma-cluster", text, &options).unwrap_err();
    assert_eq!(
        error.to_string(),
        "no register at path `EDU.CH%s`; did you mean `EDU.CH%s.SRC`?"
    );
}

/// Issue 13 item 2: ten aliases per level, eight levels (10^8 nodes once
/// expanded, from under 400 bytes) stop at the alias expansion budget with
/// an error at the alias that crosses it, quickly and in bounded memory.
#[test]
fn alias_bomb_stops_at_the_expansion_budget() {
    let names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    let mut text = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for level in 1..=8 {
        let (name, previous) = (names[level], names[level - 1]);
        let aliases = vec![format!("*{previous}"); 10].join(",");
        text.push_str(&format!("{name}: &{name} [{aliases}]\n"));
    }
    assert!(text.len() < 400, "{}", text.len());
    let started = std::time::Instant::now();
    let diagnostic = error(&text);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let (kind, line, column, path, message) = parts(&diagnostic);
    assert_eq!((kind, path), (DiagnosticKind::Syntax, ""));
    // The budget is crossed at level 6 or 7 (a million nodes and up).
    assert!((6..=8).contains(&line), "{line}:{column} {message}");
    assert!(message.starts_with("YAML syntax: alias `*"), "{message}");
    assert!(message.contains("expansion budget"), "{message}");
}

/// Issue 13 item 3 (YAML part): 20,000 nested lists, flow or block, are a
/// located error, not a stack overflow.
#[test]
fn deep_nesting_is_a_located_error() {
    let flow = format!("device: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    // Block lists: each `-` one column further in.
    let block: String = (0..20_000)
        .map(|depth| format!("{}-\n", " ".repeat(depth)))
        .collect();
    for text in [flow, block] {
        let diagnostic = error(&text);
        let (kind, line, _, path, message) = parts(&diagnostic);
        assert_eq!((kind, path), (DiagnosticKind::Syntax, ""));
        assert!(line >= 1);
        // `saphyr-parser` stops flow nesting itself (at 256 levels); block
        // nesting stops at the reader's own bound.
        assert!(
            message.contains("nested deeper than 128 levels")
                || message.contains("recursion limit exceeded"),
            "{message}"
        );
    }
}

/// Issue 13 item 5 (YAML part): a chain of 20,000 registers, each derived
/// from the next, resolves (iteratively: no stack overflow), and each keeps
/// the last one's fields.
#[test]
fn long_derivation_chains_resolve() {
    let count = 20_000;
    let mut text =
        String::from("device: d\nperipherals:\n  - name: P\n    base: 0\n    registers:\n");
    for index in 0..count - 1 {
        let next = index + 1;
        text.push_str(&format!(
            "      - {{name: R{index}, offset: {}, derived_from: R{next}}}\n",
            index * 4
        ));
    }
    text.push_str(&format!(
        "      - {{name: R{}, offset: {}, fields: [{{name: F, bits: 0}}]}}\n",
        count - 1,
        (count - 1) * 4
    ));
    let (device, warnings) = match mmreg_codegen::yaml::parse(&text, FILE) {
        Ok(parsed) => parsed,
        Err(diagnostics) => panic!("{diagnostics}"),
    };
    assert!(warnings.is_empty(), "{warnings:?}");
    let mmreg_codegen::ir::Item::Register(first) = &device.peripherals[0].items[0] else {
        panic!("not a register")
    };
    assert_eq!(first.fields.len(), 1);
}

/// Issue 13 item 1 (YAML part): a bit range one past `u32` in width is one
/// located error (no overflow panic in this debug build, no false "zero
/// width" warning), in each way of writing it.
#[test]
fn bit_ranges_wider_than_u32_are_errors() {
    for position in [
        "bits: \"[4294967295:0]\"",
        "bits: [4294967295:0]",
        "lsb: 0\nmsb: 4294967295",
    ] {
        let text = with_register(&format!("offset: 0\nfields:\n  - name: F\n{}", {
            position
                .lines()
                .map(|line| format!("    {line}\n"))
                .collect::<String>()
        }));
        let all = errors(&text);
        assert_eq!(all.len(), 1, "{position}: {all:#?}");
        let (kind, line, _, path, message) = parts(&all[0]);
        assert_eq!((kind, path), (DiagnosticKind::Syntax, "P.R.F"), "{message}");
        assert!(line >= 8, "{line}");
        assert!(message.contains("4294967296 bits"), "{message}");
    }
}
