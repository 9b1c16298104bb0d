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

fn read_action(action: Option<ReadAction>) -> TokenStream {
    let variant = match action {
        None => return quote!(None),
        Some(ReadAction::Clear) => quote!(Clear),
        Some(ReadAction::Set) => quote!(Set),
        Some(ReadAction::Modify) => quote!(Modify),
        Some(ReadAction::ModifyExternal) => quote!(ModifyExternal),
    };
    quote!(Some(::mmreg::meta::ReadAction::#variant))
}

fn index_names(dim: Option<&Dim>) -> TokenStream {
    let names = dim.map(|d| d.index_names.as_slice()).unwrap_or_default();
    quote!(&[#(#names),*])
}

/// One `FieldMeta`; `values` are the field's named values (name, value).
pub fn field(field: &Field, array: Option<(u32, u32)>, values: &[(String, u64)]) -> TokenStream {
    let name = &field.name;
    let lsb = number(u64::from(field.lsb));
    let width = number(u64::from(field.width));
    let (count, stride) = array.unwrap_or((1, 0));
    let count = number(u64::from(count));
    let stride = number(u64::from(stride));
    let index_names = index_names(field.dim.as_ref());
    let access = access(field.access);
    let write_action = write_action(field.write_action);
    let read_action = read_action(field.read_action);
    let values = values.iter().map(|(name, value)| {
        let value = hex(*value);
        quote!(::mmreg::meta::EnumValueMeta { name: #name, value: #value })
    });
    quote! {
        ::mmreg::meta::FieldMeta {
            name: #name,
            lsb: #lsb,
            width: #width,
            count: #count,
            stride: #stride,
            index_names: #index_names,
            access: #access,
            write_action: #write_action,
            read_action: #read_action,
            values: &[#(#values),*],
        }
    }
}

/// One `RegisterMeta` whose fields are `regs::<fieldset>::FIELDS`.
pub fn register(register: &Register, fieldset: &proc_macro2::Ident, bits: u32) -> TokenStream {
    let name = &register.name;
    let offset = hex(register.offset);
    let width = number(u64::from(bits));
    let (count, stride) = register
        .dim
        .as_ref()
        .map(|d| (d.count.max(1), d.stride))
        .unwrap_or((1, 0));
    let count = number(u64::from(count));
    let stride = hex(stride);
    let index_names = index_names(register.dim.as_ref());
    let access = access(register.access);
    let full = super::enums::field_mask(bits);
    let reset = hex(register.reset_value & register.reset_mask & full);
    let reset_mask = hex(register.reset_mask & full);
    let read_action = read_action(register.read_action);
    quote! {
        ::mmreg::meta::RegisterMeta {
            name: #name,
            offset: #offset,
            width: #width,
            count: #count,
            stride: #stride,
            index_names: #index_names,
            access: #access,
            reset: #reset,
            reset_mask: #reset_mask,
            read_action: #read_action,
            fields: regs::#fieldset::FIELDS,
        }
    }
}

/// One `ClusterMeta` pointing at the cluster block's module-level meta.
pub fn cluster(
    name: &str,
    offset: u64,
    dim: Option<&Dim>,
    block_meta: &proc_macro2::Ident,
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
