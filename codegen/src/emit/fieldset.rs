//! Fieldsets (`regs`): one `#[repr(transparent)]` value type per register
//! with a getter and a setter per field, `RESET`, `FIELDS`, `RegisterValue`,
//! `Copy`/`Clone`/`PartialEq`/`Eq` and a `Debug` that decodes the fields
//! from `FIELDS`. There is no `Default`: `RESET` says which value is meant.

use std::fmt::Write;

use proc_macro2::TokenStream;
use quote::quote;

use super::block::ModuleContext;
use super::enums::{EnumPlan, by_direction, field_mask};
use super::share::Owner;
use super::{IntType, description_or, doc, hex, number};
use crate::ir::{Access, Field, Register, WordOrder, WriteAction};
use crate::names;

/// What a field reads as or is written with.
#[derive(Debug, Clone)]
enum ValueKind {
    Bool,
    Int(IntType),
    /// An enum from `vals`, by path from inside `regs`.
    Enum {
        path: TokenStream,
        int: IntType,
    },
}

impl ValueKind {
    fn tokens(&self) -> TokenStream {
        match self {
            ValueKind::Bool => quote!(bool),
            ValueKind::Int(int) => int.tokens(),
            ValueKind::Enum { path, .. } => path.clone(),
        }
    }
}

/// A field ready to emit.
#[derive(Debug, Clone)]
struct FieldPlan<'d> {
    field: &'d Field,
    getter: String,
    setter: Option<String>,
    read: ValueKind,
    write: ValueKind,
    /// (count, stride in bits) of a field array.
    array: Option<(u32, u32)>,
    /// The first index of a field array numbered from above 0 (see
    /// [`super::numbered_start`]); 0 for every other field.
    first: u64,
    /// Named values (as the description spells them), for metadata.
    values: Vec<(String, u64)>,
}

/// Returns the `regs` name of `register`'s fieldset in the current module,
/// emitting the fieldset (or a re-export of an identical one) on the way.
pub fn fieldset_for(context: &mut ModuleContext<'_>, register: &Register) -> String {
    let local = context.regs_names.claim(&names::camel(&register.name));
    let int = register_int(register);
    let field_plan = names::scopes::field_accessors(&register.fields);
    let raw_key = format!(
        "{}|{:#x}|{:?}|{}|",
        int.bits(),
        register.reset_value & register.reset_mask & field_mask(int.bits()),
        register.write_action,
        high_word_first(register)
    );
    let mut key = raw_key.clone();
    let mut plans = Vec::new();
    for (field, named) in register.fields.iter().zip(&field_plan) {
        let array = field
            .dim
            .as_ref()
            .map(|d| (d.count.max(1), u32::try_from(d.stride).unwrap_or(u32::MAX)));
        if !fits(field, array, int.bits()) {
            continue;
        }
        let getter = named.ident.clone();
        let setter = named.companions.first().cloned();
        let writable = setter.is_some();
        let (read_set, write_set) = by_direction(&field.enums);
        let read_plan = read_set.and_then(|s| EnumPlan::new(s, field.width));
        let write_plan = write_set.and_then(|s| EnumPlan::new(s, field.width));
        let same = read_plan.is_some() && read_plan == write_plan;
        let field_base = names::strip_placeholder(&field.name);
        let read = match &read_plan {
            Some(plan) => {
                let set_name = read_set.and_then(|s| s.name.clone());
                let name = match set_name {
                    Some(n) => n,
                    None if same || write_plan.is_none() => field_base.clone(),
                    None => format!("{field_base}_read"),
                };
                let path = context.enum_type(plan, &name, field);
                let _ = write!(key, "R{}", enum_key(plan));
                ValueKind::Enum {
                    path,
                    int: plan.int(),
                }
            }
            None => plain(field.width),
        };
        let write = match &write_plan {
            Some(plan) if same => {
                let ValueKind::Enum { path, int } = &read else {
                    unreachable!("same plan means an enum")
                };
                ValueKind::Enum {
                    path: path.clone(),
                    int: *int,
                }
            }
            Some(plan) => {
                let set_name = write_set.and_then(|s| s.name.clone());
                let name = match set_name {
                    Some(n) => n,
                    None if read_plan.is_none() => field_base.clone(),
                    None => format!("{field_base}_write"),
                };
                let path = context.enum_type(plan, &name, field);
                let _ = write!(key, "W{}", enum_key(plan));
                ValueKind::Enum {
                    path,
                    int: plan.int(),
                }
            }
            None => plain(field.width),
        };
        let values: Vec<(String, u64)> = read_plan
            .as_ref()
            .or(write_plan.as_ref())
            .map(|plan| {
                plan.variants
                    .iter()
                    .map(|v| (v.name.clone(), v.value))
                    .collect()
            })
            .unwrap_or_default();
        // Everything the getters, setters and `FIELDS` show; not descriptions.
        let _ = write!(
            key,
            "{}|{:?}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?};",
            getter,
            field.name,
            field.lsb,
            field.width,
            array,
            field.dim.as_ref().map(|d| &d.index_names),
            field.access,
            field.write_action,
            field.read_action,
            values,
            writable
        );
        let first = field
            .dim
            .as_ref()
            .and_then(super::numbered_start)
            .unwrap_or(0);
        plans.push(FieldPlan {
            first,
            values,
            field,
            getter,
            setter,
            read,
            write,
            array,
        });
    }

    // A lone field spanning the whole register, with plain values and a
    // plain write (the register's own write action, which the raw value
    // keeps), adds nothing to the raw bits: the register is emitted as (and
    // shared with every other) raw value of its width and reset.
    if let [only] = plans.as_slice()
        && only.array.is_none()
        && only.field.width == int.bits()
        && matches!(only.read, ValueKind::Int(_))
        && matches!(only.write, ValueKind::Int(_))
        && !acts_on_write(only.field.write_action)
        && only.field.write_action == register.write_action
        && only.field.read_action.is_none()
    {
        plans.clear();
        key = raw_key;
    }

    if let Some(owner) = context.shared.fieldset(&key) {
        let item = super::share::reexport(owner, &context.module, "regs", &local);
        context.regs_items.push(item);
        return local;
    }
    context.shared.add_fieldset(
        key,
        Owner {
            module: context.module.clone(),
            name: local.clone(),
        },
    );
    let text = description_or(register.description.as_deref(), || {
        format!("Value of `{}` ({} bits).", register.name, int.bits())
    });
    context
        .regs_items
        .push(emit_fieldset(&local, &text, register, int, &plans));
    local
}

/// The access the register's handle gets: the register's own, narrowed by
/// its fields when they cover every bit. A read-write register whose fields
/// are all read-only (`RXDR[31:0]`) cannot be written meaningfully, so it is
/// read-only; one whose fields are all write-only is write-only. This also
/// keeps the access of a lone full-width field that is collapsed to a raw
/// value (see [`fieldset_for`]), which would otherwise be lost.
pub fn effective_access(register: &Register) -> Access {
    let bits = register_int(register).bits();
    let mut covered = 0u64;
    let (mut readable, mut writable) = (false, false);
    for field in &register.fields {
        let array = field
            .dim
            .as_ref()
            .map(|d| (d.count.max(1), u32::try_from(d.stride).unwrap_or(u32::MAX)));
        if !fits(field, array, bits) {
            continue;
        }
        let (count, stride) = array.unwrap_or((1, 0));
        for index in 0..count {
            let shift = index.saturating_mul(stride).saturating_add(field.lsb);
            covered |= field_mask(field.width).checked_shl(shift).unwrap_or(0);
        }
        readable |= field.access.readable();
        writable |= field.access.writable();
    }
    if covered != field_mask(bits) {
        return register.access;
    }
    match (
        register.access.readable() && readable,
        register.access.writable() && writable,
    ) {
        (true, false) => Access::ReadOnly,
        (false, true) if matches!(register.access, Access::WriteOnce | Access::ReadWriteOnce) => {
            Access::WriteOnce
        }
        (false, true) => Access::WriteOnly,
        _ => register.access,
    }
}

/// Whether a 64-bit register's high word goes first on 32-bit targets.
fn high_word_first(register: &Register) -> bool {
    register_int(register) == IntType::U64 && register.word_order == WordOrder::HighFirst
}

/// The integer type of a register.
pub fn register_int(register: &Register) -> IntType {
    IntType::holding(register.size)
}

fn plain(width: u32) -> ValueKind {
    if width == 1 {
        ValueKind::Bool
    } else {
        ValueKind::Int(IntType::holding(width))
    }
}

/// Whether a field lies inside its register; one that does not (the
/// validator reports it) is left out rather than emitted as broken code.
fn fits(field: &Field, array: Option<(u32, u32)>, register_bits: u32) -> bool {
    if field.width == 0 {
        return false;
    }
    let (count, stride) = array.unwrap_or((1, 0));
    let end = u64::from(count.saturating_sub(1))
        .checked_mul(u64::from(stride))
        .and_then(|last| last.checked_add(u64::from(field.lsb)))
        .and_then(|start| start.checked_add(u64::from(field.width)));
    end.is_some_and(|end| end <= u64::from(register_bits))
}

/// The content key of an enum plan.
pub fn enum_key(plan: &EnumPlan) -> String {
    let mut key = format!("{}{}", plan.width, if plan.closed { "c" } else { "o" });
    for variant in &plan.variants {
        let _ = write!(key, ",{}={:x}", variant.ident, variant.value);
    }
    key
}

fn emit_fieldset(
    name: &str,
    text: &str,
    register: &Register,
    int: IntType,
    plans: &[FieldPlan<'_>],
) -> TokenStream {
    let ident = names::ident(name);
    let int_tokens = int.tokens();
    let bits = int.bits();
    let reset_value = register.reset_value & register.reset_mask & field_mask(bits);
    let reset = hex(reset_value);
    let mut write_one = 0u64;
    let mut write_zero = 0u64;
    let mut covered = 0u64;
    let mut add_action = |action: WriteAction, mask: u64| match action {
        WriteAction::OneToClear | WriteAction::OneToSet | WriteAction::OneToToggle => {
            write_one |= mask
        }
        WriteAction::ZeroToClear | WriteAction::ZeroToSet | WriteAction::ZeroToToggle => {
            write_zero |= mask
        }
        _ => {}
    };
    for plan in plans {
        let mask = element_masks(plan);
        covered |= mask;
        add_action(plan.field.write_action, mask);
    }
    // The register's own action covers the bits no field does (all of them
    // for a register without fields), so its flags are not lost either.
    add_action(register.write_action, field_mask(bits) & !covered);
    let write_one = hex(write_one);
    let write_zero = hex(write_zero);
    let word_order =
        high_word_first(register).then(|| quote! { const HIGH_WORD_FIRST: bool = true; });
    let accessors = plans.iter().map(|plan| emit_accessors(plan, int));
    let mut by_lsb: Vec<&FieldPlan<'_>> = plans.iter().collect();
    by_lsb.sort_by_key(|plan| plan.field.lsb);
    let field_metas = by_lsb
        .iter()
        .map(|plan| super::meta::field(plan.field, plan.array, &plan.values));
    // Raw values are shared between registers of different names and have
    // no fields, so they print only the bits (`debug_fields` does that).
    let doc_attr = doc(text);
    // Written out (see `newtype_impls`); unlike enum values, fieldset
    // constants are not meant as `match` patterns.
    let value_impls = super::newtype_impls(&ident);
    // Clippy refuses `u64::from` of a `u64`.
    let bits_u64 = if int == IntType::U64 {
        quote!(self.0)
    } else {
        quote!(u64::from(self.0))
    };
    quote! {
        #doc_attr
        #[repr(transparent)]
        #[derive(Copy, Clone)]
        pub struct #ident(pub #int_tokens);
        #value_impls
        impl #ident {
            /// The value after reset.
            pub const RESET: Self = Self(#reset);
            /// Description of the fields, lowest bit first.
            pub const FIELDS: &'static [::mmreg::meta::FieldMeta] = &[#(#field_metas),*];
            #(#accessors)*
        }
        impl ::mmreg::RegisterValue for #ident {
            type Int = #int_tokens;
            const RESET: #int_tokens = #reset;
            const WRITE_ONE_ACTION_MASK: #int_tokens = #write_one;
            const WRITE_ZERO_ACTION_MASK: #int_tokens = #write_zero;
            #word_order
            #[inline(always)]
            fn from_bits(bits: #int_tokens) -> Self {
                Self(bits)
            }
            #[inline(always)]
            fn to_bits(self) -> #int_tokens {
                self.0
            }
        }
        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::mmreg::meta::debug_fields(f, #name, #bits_u64, Self::FIELDS)
            }
        }
    }
}

/// Whether writing 1 or 0 to the field acts (so `write`/`modify` must start
/// it neutral).
fn acts_on_write(action: WriteAction) -> bool {
    matches!(
        action,
        WriteAction::OneToClear
            | WriteAction::OneToSet
            | WriteAction::OneToToggle
            | WriteAction::ZeroToClear
            | WriteAction::ZeroToSet
            | WriteAction::ZeroToToggle
    )
}

/// Bits of every element of a field (array).
fn element_masks(plan: &FieldPlan<'_>) -> u64 {
    let (count, stride) = plan.array.unwrap_or((1, 0));
    (0..count)
        // `fits` keeps every element inside the register: the shift is < 64.
        .map(|index| {
            let shift = index.saturating_mul(stride).saturating_add(plan.field.lsb);
            field_mask(plan.field.width).checked_shl(shift).unwrap_or(0)
        })
        .fold(0, |all, mask| all | mask)
}

/// The shift of the array element at `position` (a variable counting from
/// 0), without `+ 0` or `* 1`.
fn array_shift(lsb: u32, stride: u32, position: TokenStream) -> TokenStream {
    let lsb_literal = number(u64::from(lsb));
    let stride_literal = number(u64::from(stride));
    match (lsb, stride) {
        (0, 1) => position,
        (0, _) => quote!(#position * #stride_literal),
        (_, 1) => quote!(#lsb_literal + #position),
        _ => quote!(#lsb_literal + #position * #stride_literal),
    }
}

fn emit_accessors(plan: &FieldPlan<'_>, int: IntType) -> TokenStream {
    let field = plan.field;
    let width = field.width;
    let mask = field_mask(width);
    let mask_literal = hex(mask);
    let getter = names::ident(&plan.getter);
    let read_type = plan.read.tokens();
    let full = width == int.bits();
    let name = &field.name;
    let describe = match plan.array {
        Some((count, stride)) => format!(
            "`{name}`: {count} fields of {width} bit{} from bit {}, every {stride} bit{}.",
            if width == 1 { "" } else { "s" },
            field.lsb,
            if stride == 1 { "" } else { "s" },
        ),
        None if width == 1 => format!("`{name}`, bit {}.", field.lsb),
        None => format!("`{name}`, bits {}..={}.", field.lsb, field.lsb + width - 1),
    };
    let mut text = description_or(field.description.as_deref(), || describe.clone());
    let mut setter_text = format!("Sets `{name}`; see [`Self::{}`].", plan.getter);
    if let Some((count, _)) = plan.array {
        let mut panics = String::new();
        let first = plan.first;
        let end = first.saturating_add(u64::from(count));
        if first > 0 {
            let _ = write!(
                panics,
                "\n\n`index` is the number in the name, `{first}..{end}`."
            );
            let _ = write!(
                panics,
                "\n\n# Panics\n\nIf `index` is outside `{first}..{end}`."
            );
        } else if let Some(dim) = &field.dim
            && !dim.index_names.is_empty()
        {
            let listed = dim
                .index_names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = write!(panics, "\n\nIndices `0..{count}` stand for {listed}.");
        }
        if first == 0 {
            let _ = write!(panics, "\n\n# Panics\n\nIf `index >= {count}`.");
        }
        if field.description.is_some() {
            text = format!("{text}\n\n{describe}");
        }
        text.push_str(&panics);
        setter_text.push_str(&panics);
    }
    let getter_doc = doc(&text);
    let setter_doc = doc(&setter_text);

    let (index_parameter, check, setter_check, shift, raw) = match plan.array {
        Some((count, stride)) => {
            let (check, setter_check) = if plan.first == 0 {
                let count_literal = number(u64::from(count));
                let message =
                    format!("index out of range: field array `{name}` has {count} elements");
                let shift = array_shift(field.lsb, stride, quote!(index));
                let check =
                    quote! { assert!(index < #count_literal, #message); let shift = #shift; };
                (check.clone(), check)
            } else {
                let first = plan.first;
                let end = first.saturating_add(u64::from(count));
                let first_literal = number(first);
                let end_literal = number(end);
                let message =
                    format!("index out of range: field array `{name}` has indices {first}..{end}");
                let shift = array_shift(field.lsb, stride, quote!(position));
                // `Range::contains` is not a `const fn`: getters compare.
                (
                    quote! {
                        assert!(index >= #first_literal && index < #end_literal, #message);
                        let position = index - #first_literal;
                        let shift = #shift;
                    },
                    quote! {
                        assert!((#first_literal..#end_literal).contains(&index), #message);
                        let position = index - #first_literal;
                        let shift = #shift;
                    },
                )
            };
            (
                quote!(, index: usize),
                check,
                setter_check,
                quote!(shift),
                quote!((self.0 >> shift) & #mask_literal),
            )
        }
        None => {
            let lsb = number(u64::from(field.lsb));
            let raw = if full {
                quote!(self.0)
            } else if field.lsb == 0 {
                quote!(self.0 & #mask_literal)
            } else {
                quote!((self.0 >> #lsb) & #mask_literal)
            };
            (quote!(), quote!(), quote!(), quote!(#lsb), raw)
        }
    };
    let read_value = match &plan.read {
        ValueKind::Bool => quote!((#raw) != 0),
        ValueKind::Int(target) if *target == int => raw.clone(),
        ValueKind::Int(target) => {
            let target = target.tokens();
            quote!((#raw) as #target)
        }
        ValueKind::Enum { path, int: target } if *target == int => quote!(#path::from_bits(#raw)),
        ValueKind::Enum { path, int: target } => {
            let target = target.tokens();
            quote!(#path::from_bits((#raw) as #target))
        }
    };
    // A field named `len` is not a collection length (clippy would ask for
    // `is_empty`).
    let allow = (plan.getter == "len").then(|| quote!(#[allow(clippy::len_without_is_empty)]));
    let getter_fn = quote! {
        #getter_doc
        #allow
        #[inline(always)]
        pub const fn #getter(&self #index_parameter) -> #read_type {
            #check
            #read_value
        }
    };
    let Some(setter) = &plan.setter else {
        return getter_fn;
    };
    let setter = names::ident(setter);
    let write_type = plan.write.tokens();
    let int_tokens = int.tokens();
    // Widening with `as` (never narrowing: the field type is at most the
    // register's): `From` would cost rustc a trait lookup per setter, a
    // measurable share of checking a large device. The `regs` module allows
    // clippy's `cast_lossless` for it.
    let (value_bits, needs_mask) = match &plan.write {
        ValueKind::Bool => (quote!((value as #int_tokens)), false),
        ValueKind::Int(source) if *source == int => (quote!(value), true),
        ValueKind::Int(_) => (quote!((value as #int_tokens)), true),
        ValueKind::Enum { int: source, .. } if *source == int => (quote!(value.to_bits()), true),
        ValueKind::Enum { .. } => (quote!((value.to_bits() as #int_tokens)), true),
    };
    let store = if full {
        quote! { self.0 = #value_bits; }
    } else {
        let masked = if needs_mask {
            quote!((#value_bits & #mask_literal))
        } else {
            value_bits
        };
        match plan.array {
            Some(_) => quote! {
                self.0 = (self.0 & !(#mask_literal << #shift)) | (#masked << #shift);
            },
            None if field.lsb == 0 => {
                let clear = hex(!mask & field_mask(int.bits()));
                quote! { self.0 = (self.0 & #clear) | #masked; }
            }
            None => {
                let clear = hex(!(mask << field.lsb) & field_mask(int.bits()));
                quote! { self.0 = (self.0 & #clear) | (#masked << #shift); }
            }
        }
    };
    quote! {
        #getter_fn
        #setter_doc
        #[inline(always)]
        pub fn #setter(&mut self #index_parameter, value: #write_type) {
            #setter_check
            #store
        }
    }
}
