//! Static descriptions (`::mmreg::meta`) of blocks, registers and fields,
//! filled from the IR, for fake memory and named access logs.
//!
//! Field descriptions live with their fieldset (`regs::Cr::FIELDS`), so a
//! shared fieldset shares them too; a block's `META` lists its registers and
//! clusters by offset and points at those field lists.

use proc_macro2::TokenStream;
use quote::quote;

use super::{hex, number};
use crate::ir::{Access, Dim, Field, ReadAction, Register, WriteAction};

fn access(access: Access) -> TokenStream {
    match access {
        Access::ReadOnly => quote!(::mmreg::meta::Access::ReadOnly),
        Access::WriteOnly => quote!(::mmreg::meta::Access::WriteOnly),
        Access::ReadWrite => quote!(::mmreg::meta::Access::ReadWrite),
        Access::WriteOnce => quote!(::mmreg::meta::Access::WriteOnce),
        Access::ReadWriteOnce => quote!(::mmreg::meta::Access::ReadWriteOnce),
    }
}

fn write_action(action: WriteAction) -> TokenStream {
    let variant = match action {
        WriteAction::Normal => quote!(Normal),
        WriteAction::OneToClear => quote!(OneToClear),
        WriteAction::OneToSet => quote!(OneToSet),
        WriteAction::OneToToggle => quote!(OneToToggle),
        WriteAction::ZeroToClear => quote!(ZeroToClear),
        WriteAction::ZeroToSet => quote!(ZeroToSet),
        WriteAction::ZeroToToggle => quote!(ZeroToToggle),
        WriteAction::Clear => quote!(Clear),
        WriteAction::Set => quote!(Set),
        WriteAction::Modify => quote!(Modify),
    };
    quote!(::mmreg::meta::WriteAction::#variant)
}

fn read_action(action: ReadAction) -> TokenStream {
    let variant = match action {
        ReadAction::Clear => quote!(Clear),
        ReadAction::Set => quote!(Set),
        ReadAction::Modify => quote!(Modify),
        ReadAction::ModifyExternal => quote!(ModifyExternal),
    };
    quote!(::mmreg::meta::ReadAction::#variant)
}

fn index_names(dim: Option<&Dim>) -> TokenStream {
    let names = dim.map(|d| d.index_names.as_slice()).unwrap_or_default();
    quote!(&[#(#names),*])
}

/// One `FieldMeta`; `values` are the field's named values (name, value).
/// Built with the runtime's const builders, naming only what differs from a
/// plain read-write field, so most fields take one line.
pub fn field(field: &Field, array: Option<(u32, u32)>, values: &[(String, u64)]) -> TokenStream {
    let name = &field.name;
    let lsb = number(u64::from(field.lsb));
    let width = number(u64::from(field.width));
    let mut tokens = quote!(::mmreg::meta::FieldMeta::new(#name, #lsb, #width));
    // A one-element "array" has no meaningful stride (and it may not fit the
    // metadata's `u8`).
    if let Some((count, stride)) = array.filter(|(count, _)| *count > 1) {
        let count = number(u64::from(count));
        let stride = number(u64::from(stride));
        let index_names = index_names(field.dim.as_ref());
        tokens.extend(quote!(.with_array(#count, #stride, #index_names)));
    }
    if field.access != Access::ReadWrite {
        let access = access(field.access);
        tokens.extend(quote!(.with_access(#access)));
    }
    if field.write_action != WriteAction::Normal {
        let action = write_action(field.write_action);
        tokens.extend(quote!(.with_write_action(#action)));
    }
    if let Some(action) = field.read_action {
        let action = read_action(action);
        tokens.extend(quote!(.with_read_action(#action)));
    }
    if !values.is_empty() {
        let values = values.iter().map(|(name, value)| {
            let value = hex(*value);
            quote!(::mmreg::meta::EnumValueMeta::new(#name, #value))
        });
        tokens.extend(quote!(.with_values(&[#(#values),*])));
    }
    tokens
}

/// One `RegisterMeta` whose fields are `regs::<fieldset>::FIELDS`.
pub fn register(register: &Register, fieldset: &proc_macro2::Ident, bits: u32) -> TokenStream {
    let name = &register.name;
    let offset = hex(register.offset);
    let width = number(u64::from(bits));
    let mut tokens =
        quote!(::mmreg::meta::RegisterMeta::new(#name, #offset, #width, regs::#fieldset::FIELDS));
    if let Some(dim) = &register.dim {
        let count = number(u64::from(dim.count.max(1)));
        let stride = hex(dim.stride);
        let index_names = index_names(Some(dim));
        tokens.extend(quote!(.with_array(#count, #stride, #index_names)));
    }
    let effective = super::fieldset::effective_access(register);
    if effective != Access::ReadWrite {
        let access = access(effective);
        tokens.extend(quote!(.with_access(#access)));
    }
    let full = super::enums::field_mask(bits);
    let reset = register.reset_value & register.reset_mask & full;
    let reset_mask = register.reset_mask & full;
    if reset != 0 || reset_mask != full {
        let reset = hex(reset);
        let reset_mask = hex(reset_mask);
        tokens.extend(quote!(.with_reset(#reset, #reset_mask)));
    }
    if let Some(action) = register.read_action {
        let action = read_action(action);
        tokens.extend(quote!(.with_read_action(#action)));
    }
    if !register.write_action.is_normal() {
        let action = write_action(register.write_action);
        tokens.extend(quote!(.with_write_action(#action)));
    }
    tokens
}

/// One `ClusterMeta` pointing at the cluster block's module-level meta.
pub fn cluster(
    name: &str,
    offset: u64,
    dim: Option<&Dim>,
    block_meta: &TokenStream,
) -> TokenStream {
    let offset = hex(offset);
    let (count, stride) = dim.map(|d| (d.count.max(1), d.stride)).unwrap_or((1, 0));
    let count = number(u64::from(count));
    let stride = hex(stride);
    let index_names = index_names(dim);
    quote! {
        ::mmreg::meta::ClusterMeta {
            name: #name,
            offset: #offset,
            count: #count,
            stride: #stride,
            index_names: #index_names,
            block: #block_meta,
        }
    }
}

/// The module-level `const <meta>: &BlockMeta` of a block.
pub fn block(
    meta: &proc_macro2::Ident,
    name: &str,
    size: u64,
    registers: &[(u64, TokenStream)],
    clusters: &[(u64, TokenStream)],
) -> TokenStream {
    let size = hex(size);
    let mut registers = registers.to_vec();
    registers.sort_by_key(|(offset, _)| *offset);
    let mut clusters = clusters.to_vec();
    clusters.sort_by_key(|(offset, _)| *offset);
    let registers = registers.iter().map(|(_, tokens)| tokens);
    let clusters = clusters.iter().map(|(_, tokens)| tokens);
    let doc = super::doc(&format!(
        "Description of the `{name}` block: registers, fields, reset values and actions."
    ));
    quote! {
        #doc
        pub const #meta: &::mmreg::meta::BlockMeta = &::mmreg::meta::BlockMeta {
            name: #name,
            size: #size,
            registers: &[#(#registers),*],
            clusters: &[#(#clusters),*],
        };
    }
}
