//! Enumerated values: a closed `#[repr(uN)] enum` when the names cover every
//! value of the field, otherwise an open newtype with associated constants.

use proc_macro2::TokenStream;
use quote::quote;

use super::{IntType, doc, hex};
use crate::ir::{EnumeratedValues, Usage};
use crate::names;

/// One named value, ready to emit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Identifier: CamelCase in a closed enum, SCREAMING_CASE in an open one.
    pub ident: String,
    /// Name as the description spells it (for metadata and docs).
    pub name: String,
    /// The field value.
    pub value: u64,
    /// Documentation text.
    pub doc: Option<String>,
}

/// An enum for one field (or one direction of one field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumPlan {
    /// Width of the field in bits.
    pub width: u32,
    /// Whether the names cover every value (then `from_bits` is total).
    pub closed: bool,
    /// The values, in input order, duplicates dropped.
    pub variants: Vec<Variant>,
}

impl EnumPlan {
    /// Builds the plan for `values` on a field `width` bits wide; `None` when
    /// no usable value is left (then the field reads as a plain integer).
    ///
    /// Duplicates are resolved deterministically: of two entries with the
    /// same value the first is kept; names that collide once turned into
    /// identifiers get numbered suffixes; values wider than the field are
    /// dropped (the validator reports them).
    pub fn new(values: &EnumeratedValues, width: u32) -> Option<EnumPlan> {
        let planned = names::scopes::enum_variants(values, width)?;
        let variants = planned
            .kept
            .into_iter()
            .map(|(index, number, named)| Variant {
                ident: named.ident,
                name: named.source,
                value: number,
                doc: values.values.get(index).and_then(|v| v.description.clone()),
            })
            .collect();
        Some(EnumPlan {
            width,
            closed: planned.closed,
            variants,
        })
    }

    /// The integer type the enum wraps.
    pub fn int(&self) -> IntType {
        IntType::holding(self.width)
    }

    /// The enum's items (type, impl, Debug) named `name`.
    pub fn emit(&self, name: &str, doc_text: &str) -> TokenStream {
        let type_ident = names::ident(name);
        let int = self.int().tokens();
        let mask = hex(field_mask(self.width));
        let doc_attr = doc(doc_text);
        // A field as wide as its integer needs no mask (clippy: identity op).
        let masked = if self.width == self.int().bits() {
            quote!(bits)
        } else {
            quote!(bits & #mask)
        };
        if self.closed {
            let variants = self.variants.iter().map(|v| {
                let ident = names::ident(&v.ident);
                let value = hex(v.value);
                let variant_doc = doc(&variant_doc(v));
                quote! { #variant_doc #ident = #value }
            });
            // The last arm is `_` so the match is total without an unreachable arm.
            let last = self.variants.len() - 1;
            let arms = self.variants.iter().enumerate().map(|(index, v)| {
                let ident = names::ident(&v.ident);
                if index == last {
                    quote! { _ => Self::#ident }
                } else {
                    let value = hex(v.value);
                    quote! { #value => Self::#ident }
                }
            });
            // `PartialEq` by discriminant, written out: the derive costs
            // rustc about twice as much, over thousands of enums on large
            // devices, and variants match as patterns without it.
            quote! {
                #doc_attr
                #[repr(#int)]
                #[derive(Copy, Clone, Debug)]
                pub enum #type_ident { #(#variants,)* }
                impl PartialEq for #type_ident {
                    #[inline(always)]
                    fn eq(&self, other: &Self) -> bool {
                        *self as #int == *other as #int
                    }
                }
                impl Eq for #type_ident {}
                impl #type_ident {
                    /// Decodes the field bits (every value has a name).
                    #[inline(always)]
                    pub const fn from_bits(bits: #int) -> Self {
                        match bits & #mask { #(#arms,)* }
                    }
                    /// The field bits.
                    #[inline(always)]
                    pub const fn to_bits(self) -> #int {
                        self as #int
                    }
                }
            }
        } else {
            let consts = self.variants.iter().map(|v| {
                let ident = names::ident(&v.ident);
                let value = hex(v.value);
                let variant_doc = doc(&variant_doc(v));
                quote! { #variant_doc pub const #ident: Self = Self(#value); }
            });
            let arms = self.variants.iter().map(|v| {
                let value = hex(v.value);
                let text = &v.ident;
                quote! { #value => f.write_str(#text), }
            });
            // Derived (not written out like a fieldset's): only a derived
            // `PartialEq` lets the value constants be `match` patterns.
            quote! {
                #doc_attr
                #[repr(transparent)]
                #[derive(Copy, Clone, PartialEq, Eq)]
                pub struct #type_ident(pub #int);
                impl #type_ident {
                    #(#consts)*
                    /// Wraps field bits (values without a name are kept).
                    #[inline(always)]
                    pub const fn from_bits(bits: #int) -> Self {
                        Self(#masked)
                    }
                    /// The field bits.
                    #[inline(always)]
                    pub const fn to_bits(self) -> #int {
                        self.0
                    }
                }
                impl ::core::fmt::Debug for #type_ident {
                    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        match self.0 {
                            #(#arms)*
                            other => write!(f, "{other:#x}"),
                        }
                    }
                }
            }
        }
    }
}

fn variant_doc(variant: &Variant) -> String {
    super::description_or(variant.doc.as_deref(), || {
        format!("`{}` = `{:#x}`", variant.name, variant.value)
    })
}

/// All ones in the low `width` bits.
pub fn field_mask(width: u32) -> u64 {
    if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    }
}

/// Which of a field's value sets applies to reads and which to writes.
pub fn by_direction(
    sets: &[EnumeratedValues],
) -> (Option<&EnumeratedValues>, Option<&EnumeratedValues>) {
    let read = sets
        .iter()
        .find(|s| matches!(s.usage, Usage::Read | Usage::ReadWrite));
    let write = sets
        .iter()
        .find(|s| matches!(s.usage, Usage::Write | Usage::ReadWrite));
    (read, write)
}
