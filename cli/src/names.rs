//! Register paths: `PERIPHERAL.REGISTER`, `PERIPHERAL.CLUSTER[2].REGISTER`,
//! a field after them (`EDU.STATUS.COMPUTING`), and glob patterns.
//!
//! Names match ignoring case, and an array index may be written with or
//! without brackets (`DMA.CH[3].CTRL` and `DMA.CH3.CTRL` are one register,
//! whichever the description uses). A miss is an error listing near matches.

use mmreg::meta::{BlockMeta, FieldMeta, RegisterHit};

use crate::error::Error;
use crate::model::Description;

/// A name in matching form: upper case, brackets removed.
pub fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '[' | ']'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// One field element of a register.
#[derive(Debug, Clone)]
pub struct FieldRef {
    /// The field (or field array).
    pub field: &'static FieldMeta,
    /// The element index (0 for a plain field).
    pub index: usize,
    /// The element's name.
    pub name: String,
}

impl FieldRef {
    /// The element's bit mask.
    pub fn mask(&self) -> u64 {
        self.field.mask(self.index)
    }
}

/// Every field element of a register, lowest bit first within each field.
pub fn field_elements(fields: &'static [FieldMeta]) -> Vec<FieldRef> {
    fields
        .iter()
        .flat_map(|field| {
            (0..usize::from(field.count.max(1))).map(move |index| FieldRef {
                field,
                index,
                name: field.element_name(index),
            })
        })
        .collect()
}

/// A resolved register (and, if the path named one, a field of it).
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Index of the peripheral in the description.
    pub peripheral: usize,
    /// The peripheral's metadata.
    pub block: &'static BlockMeta,
    /// The register, with its expanded path and offset in the peripheral.
    pub hit: RegisterHit,
    /// The field the path named, if any.
    pub field: Option<FieldRef>,
}

/// The index of the peripheral named `name` (ignoring case).
pub fn peripheral(description: &Description, name: &str) -> Result<usize, Error> {
    let wanted = normalise(name);
    description
        .peripherals
        .iter()
        .position(|p| normalise(&p.name) == wanted)
        .ok_or_else(|| Error::UnknownName {
            description: description.display(),
            what: "peripheral",
            name: name.to_string(),
            suggestions: mmreg_codegen::select::near_matches(
                &name.to_lowercase(),
                description.peripherals.iter().map(|p| p.name.as_str()),
            ),
        })
}

/// Resolves `PERIPHERAL.REGISTER[.FIELD]`.
pub fn resolve(description: &Description, path: &str) -> Result<Resolved, Error> {
    let Some((peripheral_name, rest)) = path.split_once('.') else {
        return Err(Error::Usage(format!(
            "`{path}` is not a register path: write `PERIPHERAL.REGISTER` (or `PERIPHERAL.REGISTER.FIELD`)"
        )));
    };
    let peripheral = peripheral(description, peripheral_name)?;
    let block = description.block(peripheral)?;
    let registers = block.registers_expanded();
    let wanted = normalise(path);
    let prefix_len = block.name.len() + 1;
    let full = |hit: &RegisterHit| {
        format!(
            "{peripheral_name}.{}",
            &hit.path[prefix_len.min(hit.path.len())..]
        )
    };
    if let Some(hit) = registers.iter().find(|hit| normalise(&full(hit)) == wanted) {
        return Ok(Resolved {
            peripheral,
            block,
            hit: hit.clone(),
            field: None,
        });
    }
    // `REGISTER.FIELD`: the longest register path that is a prefix.
    if let Some((register_path, field_name)) = path.rsplit_once('.') {
        let wanted_register = normalise(register_path);
        if let Some(hit) = registers
            .iter()
            .find(|hit| normalise(&full(hit)) == wanted_register)
        {
            let field = field(description, &hit.path, hit.register.fields, field_name)?;
            return Ok(Resolved {
                peripheral,
                block,
                hit: hit.clone(),
                field: Some(field),
            });
        }
    }
    let relative = &rest.to_lowercase();
    let candidates: Vec<String> = registers
        .iter()
        .map(|hit| hit.path[prefix_len.min(hit.path.len())..].to_string())
        .collect();
    let suggestions =
        mmreg_codegen::select::near_matches(relative, candidates.iter().map(String::as_str))
            .into_iter()
            .map(|name| format!("{}.{name}", block.name))
            .collect();
    Err(Error::UnknownName {
        description: description.display(),
        what: "register",
        name: path.to_string(),
        suggestions,
    })
}

/// The field element `name` of a register at `register_path`.
pub fn field(
    description: &Description,
    register_path: &str,
    fields: &'static [FieldMeta],
    name: &str,
) -> Result<FieldRef, Error> {
    let elements = field_elements(fields);
    let wanted = normalise(name);
    if let Some(found) = elements.iter().find(|e| normalise(&e.name) == wanted) {
        return Ok(found.clone());
    }
    Err(Error::UnknownName {
        description: description.display(),
        what: "field",
        name: format!("{register_path}.{name}"),
        suggestions: mmreg_codegen::select::near_matches(
            &name.to_lowercase(),
            elements.iter().map(|e| e.name.as_str()),
        ),
    })
}

/// Whether `text` matches the glob `pattern` (`*` any run of characters,
/// `?` one), ignoring case and brackets.
pub fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = normalise(pattern).chars().collect();
    let text: Vec<char> = normalise(text).chars().collect();
    // Iterative matching with one backtrack point per `*`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_ignoring_case_and_brackets() {
        assert!(glob("uart*", "UART0"));
        assert!(glob("DMA.CH*.CTRL", "DMA.CH[3].CTRL"));
        assert!(glob("DMA.CH3.CTRL", "DMA.CH[3].CTRL"));
        assert!(glob("*.CR?", "TIMER0.CR1"));
        assert!(!glob("*.CR?", "TIMER0.CR"));
        assert!(glob("*", ""));
        assert!(!glob("A*B", "ACBD"));
        assert!(glob("A*B*", "ACBD"));
    }

    #[test]
    fn names_normalise_case_and_brackets() {
        assert_eq!(normalise("ch[3].Ctrl"), "CH3.CTRL");
    }
}
