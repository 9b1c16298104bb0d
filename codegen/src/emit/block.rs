//! Peripheral modules and block types: `BASE_ADDRESS`, `SIZE`, the block
//! struct with `new`/`at`, one accessor per register, nested cluster blocks,
//! and compile-time layout asserts.

use std::collections::HashMap;
use std::fmt::Write;

use proc_macro2::TokenStream;
use quote::quote;

use super::enums::EnumPlan;
use super::fieldset::{self, enum_key};
use super::share::{self, BlockOwner, Owner, Shared};
use super::{clean_text, description_or, doc, hex, number};
use crate::ir::{Cluster, Field, Item, Peripheral, ReadAction, Register, WriteAction};
use crate::names::{self, Case, Namespace};

/// The runtime's names a peripheral module imports (so accessor signatures
/// stay on one line); block types must not take them.
const IMPORTED: &[&str] = &[
    "Reg",
    "ReadOnly",
    "ReadOnlySideEffect",
    "ReadWrite",
    "ReadWriteSideEffect",
    "WriteOnly",
];

/// A namespace for a peripheral module's block types.
fn block_types() -> Namespace {
    let mut types = Namespace::new(Case::Camel, names::RESERVED_TYPES);
    for name in IMPORTED {
        types.claim(name);
    }
    types
}

/// What one peripheral module is being filled with.
pub struct ModuleContext<'s> {
    /// Items shared across the device.
    pub shared: &'s mut Shared,
    /// This module's name.
    pub module: String,
    /// Names in `regs`.
    pub regs_names: Namespace,
    /// Names in `vals`.
    pub vals_names: Namespace,
    /// Items of `regs`.
    pub regs_items: Vec<TokenStream>,
    /// Items of `vals`.
    pub vals_items: Vec<TokenStream>,
    /// Enums this module already names, by wanted name and content key.
    local_enums: HashMap<String, String>,
    /// Block type names in the module.
    types: Namespace,
    /// Cluster block types, in order.
    cluster_types: Vec<String>,
    /// Block items (struct, impl, asserts), in order.
    blocks: Vec<TokenStream>,
    /// Names from [`IMPORTED`] the blocks use.
    imported: std::collections::BTreeSet<&'static str>,
}

impl ModuleContext<'_> {
    /// The path (from inside `regs`) of the enum for `plan`, emitting it or a
    /// re-export into this module's `vals` first if needed. The enum is
    /// always reachable under the field's own name (`name`): an identical
    /// enum emitted for another field is re-exported under it.
    pub fn enum_type(&mut self, plan: &EnumPlan, name: &str, field: &Field) -> TokenStream {
        let key = enum_key(plan);
        let wanted = names::camel(name);
        let named_key = format!("{wanted}|{key}");
        let known = self
            .local_enums
            .get(&named_key)
            .filter(|_| self.shared.enabled());
        let local = match known {
            Some(local) => local.clone(),
            None => {
                let local = self.vals_names.claim(&wanted);
                self.define_enum(plan, key, &local, field);
                self.local_enums.insert(named_key, local.clone());
                local
            }
        };
        let ident = names::ident(&local);
        quote!(super::vals::#ident)
    }

    /// Emits the enum for `plan` as `local` in `vals`: a re-export when an
    /// identical one exists, else the type itself.
    fn define_enum(&mut self, plan: &EnumPlan, key: String, local: &str, field: &Field) {
        if let Some(owner) = self.shared.enumeration(&key) {
            let item = share::reexport(owner, &self.module, "vals", local);
            self.vals_items.push(item);
            return;
        }
        let text = description_or(field.description.as_deref(), || {
            format!("Values of `{}`.", names::strip_placeholder(&field.name))
        });
        self.vals_items.push(plan.emit(local, &text));
        self.shared.add_enum(
            key,
            Owner {
                module: self.module.clone(),
                name: local.to_string(),
            },
        );
    }
}

/// The module for one peripheral.
pub fn emit_peripheral(
    shared: &mut Shared,
    module: &str,
    peripheral: &Peripheral,
) -> Result<syn::Item, crate::Error> {
    let size = checked_size(&peripheral.items)?.max(peripheral.size.unwrap_or(0));
    let module_ident = names::ident(module);
    let base_address = hex(peripheral.base_address);
    let size_literal = hex(size);
    let module_doc = doc(&description_or(peripheral.description.as_deref(), || {
        format!("`{}` at `{:#x}`.", peripheral.name, peripheral.base_address)
    }));
    let base_doc = doc(&format!("Physical base address of `{}`.", peripheral.name));
    let constants = quote! {
        #base_doc
        pub const BASE_ADDRESS: u64 = #base_address;
        /// Size of the register block in bytes.
        pub const SIZE: usize = #size_literal;
    };
    let key = share::block_key(peripheral, size);
    if let Some(owner) = shared.block(&key) {
        let mut types = block_types();
        for name in &owner.cluster_types {
            types.claim(name);
        }
        let type_name = types.claim(&names::camel(module));
        let owner_module = names::ident(&owner.module);
        let owner_type = names::ident(&owner.type_name);
        let type_ident = names::ident(&type_name);
        let mut uses = Vec::new();
        if owner.has_regs {
            uses.push(quote!(regs));
        }
        if owner.has_vals {
            uses.push(quote!(vals));
        }
        for cluster in &owner.cluster_types {
            let cluster = names::ident(cluster);
            uses.push(quote!(#cluster));
        }
        uses.push(if type_name == owner.type_name {
            quote!(#owner_type)
        } else {
            quote!(#owner_type as #type_ident)
        });
        let name = &peripheral.name;
        let meta_doc = doc(&format!(
            "Description of the `{name}` block: the registers of `{}`, under this instance's name.",
            owner.type_name
        ));
        return parse_item(quote! {
            #module_doc
            pub mod #module_ident {
                pub use super::#owner_module::{#(#uses),*};
                #constants
                #meta_doc
                pub const META: &::mmreg::meta::BlockMeta = &::mmreg::meta::BlockMeta {
                    name: #name,
                    size: SIZE,
                    registers: super::#owner_module::META.registers,
                    clusters: super::#owner_module::META.clusters,
                };
            }
        });
    }

    let mut context = ModuleContext {
        shared,
        module: module.to_string(),
        regs_names: Namespace::new(Case::Camel, names::RESERVED_TYPES),
        vals_names: Namespace::new(Case::Camel, names::RESERVED_TYPES),
        regs_items: Vec::new(),
        vals_items: Vec::new(),
        local_enums: HashMap::new(),
        types: block_types(),
        imported: std::collections::BTreeSet::new(),
        cluster_types: Vec::new(),
        blocks: Vec::new(),
    };
    let type_name = context.types.claim(&names::camel(module));
    let block_doc = description_or(peripheral.description.as_deref(), || {
        format!("The `{}` registers.", peripheral.name)
    });
    emit_block(
        &mut context,
        &type_name,
        &peripheral.name,
        &peripheral.items,
        size,
        &block_doc,
        &names::ident("META"),
    )?;

    let ModuleContext {
        shared,
        regs_items,
        vals_items,
        cluster_types,
        blocks,
        imported,
        ..
    } = context;
    shared.add_block(
        key,
        BlockOwner {
            module: module.to_string(),
            type_name,
            cluster_types,
            has_vals: !vals_items.is_empty(),
            has_regs: !regs_items.is_empty(),
        },
    );
    // Each piece is parsed on its own and the modules are assembled as syntax
    // trees: one huge token stream would be copied at every nesting level.
    let mut items = Vec::new();
    if !imported.is_empty() {
        let imported = imported.iter().map(|name| names::ident(name));
        items.extend(parse_items(quote! { use ::mmreg::{#(#imported),*}; })?);
    }
    items.extend(parse_items(constants)?);
    for block in blocks {
        items.extend(parse_items(block)?);
    }
    if !regs_items.is_empty() {
        items.push(module_item(
            quote! { /// Register values: one fieldset per register.
            pub mod regs {
                // Setters widen field values with `as` (see `fieldset.rs`).
                #![allow(clippy::cast_lossless)]
            } },
            regs_items,
        )?);
    }
    if !vals_items.is_empty() {
        items.push(module_item(
            quote! { /// Enumerated field values.
            pub mod vals {} },
            vals_items,
        )?);
    }
    let mut module = parse_item(quote! { #module_doc pub mod #module_ident {} })?;
    if let syn::Item::Mod(item) = &mut module
        && let Some((_, content)) = &mut item.content
    {
        *content = items;
    }
    Ok(module)
}

/// Parses generated tokens holding any number of items.
fn parse_items(tokens: TokenStream) -> Result<Vec<syn::Item>, crate::Error> {
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|error| crate::Error::Emit(error.to_string()))
}

/// Parses generated tokens holding one item.
fn parse_item(tokens: TokenStream) -> Result<syn::Item, crate::Error> {
    syn::parse2::<syn::Item>(tokens).map_err(|error| crate::Error::Emit(error.to_string()))
}

/// An empty `mod` item (`header`) filled with the items of `pieces`.
fn module_item(header: TokenStream, pieces: Vec<TokenStream>) -> Result<syn::Item, crate::Error> {
    let mut module = parse_item(header)?;
    let mut items = Vec::with_capacity(pieces.len());
    for piece in pieces {
        items.extend(parse_items(piece)?);
    }
    if let syn::Item::Mod(item) = &mut module
        && let Some((_, content)) = &mut item.content
    {
        *content = items;
    }
    Ok(module)
}

/// Bytes from a block's start to the end of its last register (the last
/// element of arrays, nested clusters included): the block's `SIZE` before
/// the address block's declared size is taken into account. `None` when an
/// extent does not fit in a `u64`, which validation reports as an error
/// ([`crate::DiagnosticKind::AddressOverflow`]) before the emitter runs.
pub fn block_size(items: &[Item]) -> Option<u64> {
    let mut size = 0u64;
    for item in items {
        let end = match item {
            Item::Register(register) => {
                let (count, stride) = dim_of(register.dim.as_ref());
                array_last(register.offset, count, stride)?
                    .checked_add(u64::from(register_bytes(register)))?
            }
            Item::Cluster(cluster) => {
                let (count, stride) = dim_of(cluster.dim.as_ref());
                array_last(cluster.offset, count, stride)?
                    .checked_add(block_size(&cluster.items)?)?
            }
        };
        size = size.max(end);
    }
    Some(size)
}

/// [`block_size`], as the emitter's error when it does not fit (never for
/// input [`crate::generate_with`] accepted).
fn checked_size(items: &[Item]) -> Result<u64, crate::Error> {
    block_size(items)
        .ok_or_else(|| crate::Error::Emit("a block extent does not fit in 64 bits".to_string()))
}

/// The offset of the last element of an array of `count` elements `stride`
/// apart from `offset`; `None` past `u64::MAX`.
fn array_last(offset: u64, count: u64, stride: u64) -> Option<u64> {
    count
        .checked_sub(1)?
        .checked_mul(stride)?
        .checked_add(offset)
}

/// The widest register in a block, in bytes (its required alignment).
fn block_align(items: &[Item]) -> u64 {
    items
        .iter()
        .map(|item| match item {
            Item::Register(register) => u64::from(register_bytes(register)),
            Item::Cluster(cluster) => block_align(&cluster.items),
        })
        .max()
        .unwrap_or(1)
}

fn register_bytes(register: &Register) -> u32 {
    fieldset::register_int(register).bits() / 8
}

fn dim_of(dim: Option<&crate::ir::Dim>) -> (u64, u64) {
    dim.map(|d| (u64::from(d.count.max(1)), d.stride))
        .unwrap_or((1, 0))
}

/// The block type of `cluster` in the current module and the path of its
/// `BlockMeta`: a new type, or the type of an identical cluster emitted
/// before (re-exported under this cluster's name when it lives in another
/// module).
fn cluster_type(
    context: &mut ModuleContext<'_>,
    cluster: &Cluster,
    inner_size: u64,
) -> Result<(String, TokenStream), crate::Error> {
    let key = share::items_key(&cluster.items, inner_size);
    if let Some(owner) = context.shared.cluster(&key).cloned() {
        let owner_meta = names::ident(&meta_name(&owner.name));
        if owner.module == context.module {
            return Ok((owner.name, quote!(#owner_meta)));
        }
        let type_name = context.types.claim(&names::camel(&cluster.name));
        context.cluster_types.push(type_name.clone());
        let module = names::ident(&owner.module);
        let owner_type = names::ident(&owner.name);
        let local = names::ident(&type_name);
        context.blocks.push(if owner.name == type_name {
            quote! { pub use super::#module::#owner_type; }
        } else {
            quote! { pub use super::#module::#owner_type as #local; }
        });
        return Ok((type_name, quote!(super::#module::#owner_meta)));
    }
    let type_name = context.types.claim(&names::camel(&cluster.name));
    context.cluster_types.push(type_name.clone());
    let text = description_or(cluster.description.as_deref(), || {
        format!("The `{}` cluster.", cluster.name)
    });
    let meta_ident = names::ident(&meta_name(&type_name));
    emit_block(
        context,
        &type_name,
        &names::strip_placeholder(&cluster.name),
        &cluster.items,
        inner_size,
        &text,
        &meta_ident,
    )?;
    context.shared.add_cluster(
        key,
        Owner {
            module: context.module.clone(),
            name: type_name.clone(),
        },
    );
    Ok((type_name, quote!(#meta_ident)))
}

/// The name of the `BlockMeta` constant of cluster type `type_name`.
fn meta_name(type_name: &str) -> String {
    format!("{}_META", names::screaming(type_name))
}

/// `base + index * stride` without `+ 0` or `* 1`; `stride` comes with the
/// variable holding the element's position.
fn offset_expression(
    start: TokenStream,
    offset: u64,
    stride: Option<(u64, TokenStream)>,
) -> TokenStream {
    let offset_literal = hex(offset);
    let index_part = stride.map(|(stride, index)| {
        if stride == 1 {
            index
        } else {
            let stride = hex(stride);
            quote!(#index * #stride)
        }
    });
    match (offset, index_part) {
        (0, None) => start,
        (0, Some(index)) => quote!(#start + #index),
        (_, None) => quote!(#start + #offset_literal),
        (_, Some(index)) => quote!(#start + #offset_literal + #index),
    }
}

fn index_doc(name: &str, dim: &crate::ir::Dim, what: &str, offset: u64) -> String {
    let mut text = format!(
        "`{name}`: {} {what} every `{:#x}` bytes from offset `{offset:#x}`.",
        dim.count, dim.stride
    );
    let first = first_index(dim);
    let end = first.saturating_add(u64::from(dim.count));
    if first > 0 {
        let _ = write!(
            text,
            " `index` is the number in the name, `{first}..{end}`."
        );
        let _ = write!(
            text,
            "\n\n# Panics\n\nIf `index` is outside `{first}..{end}`."
        );
        return text;
    }
    if !dim.index_names.is_empty() {
        let listed = dim
            .index_names
            .iter()
            .map(|n| format!("`{}`", clean_text(n)))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(text, " Indices `0..{}` stand for {listed}.", dim.count);
    }
    let _ = write!(text, "\n\n# Panics\n\nIf `index >= {}`.", dim.count);
    text
}

/// The first index of an array numbered from above 0 (see
/// [`super::numbered_start`]); 0 for positional arrays.
fn first_index(dim: &crate::ir::Dim) -> u64 {
    super::numbered_start(dim).unwrap_or(0)
}

/// The `_COUNT` constant (and, for an array numbered from above 0, the
/// `_FIRST` constant) of an array accessor, and the statements that check
/// `index` and leave the element's position (from 0) in the returned
/// variable.
fn array_index(
    constant_names: &mut Namespace,
    accessor: &str,
    name: &str,
    dim: &crate::ir::Dim,
    what: &str,
) -> (Vec<TokenStream>, TokenStream, TokenStream) {
    let upper = accessor.trim_end_matches('_').to_ascii_uppercase();
    let count = u64::from(dim.count.max(1));
    let count_constant = names::ident(&constant_names.claim(&format!("{upper}_COUNT")));
    let count_doc = doc(&format!("Number of `{name}` {what}."));
    let count_literal = number(count);
    let mut constants =
        vec![quote! { #count_doc pub const #count_constant: usize = #count_literal; }];
    let first = first_index(dim);
    if first == 0 {
        let message = format!("index out of range: `{name}` has {count} {what}");
        let check = quote! { assert!(index < Self::#count_constant, #message); };
        return (constants, check, quote!(index));
    }
    let end = first.saturating_add(count);
    let first_constant = names::ident(&constant_names.claim(&format!("{upper}_FIRST")));
    let first_doc = doc(&format!(
        "The first index of `{name}`: the {what} are numbered `{first}..{end}` \
         (`{upper}_FIRST..{upper}_FIRST + {upper}_COUNT`)."
    ));
    let first_literal = number(first);
    constants.push(quote! { #first_doc pub const #first_constant: usize = #first_literal; });
    let message = format!("index out of range: `{name}` has indices {first}..{end}");
    let check = quote! {
        assert!(
            (Self::#first_constant..Self::#first_constant + Self::#count_constant).contains(&index),
            #message
        );
        let position = index - Self::#first_constant;
    };
    (constants, check, quote!(position))
}

fn read_action_text(action: ReadAction) -> &'static str {
    match action {
        ReadAction::Clear => "clears",
        ReadAction::Set => "sets",
        ReadAction::Modify => "modifies",
        ReadAction::ModifyExternal => "has an effect elsewhere in the device through",
    }
}

/// Emits a block type (a peripheral or a cluster) into the context.
fn emit_block(
    context: &mut ModuleContext<'_>,
    type_name: &str,
    display_name: &str,
    items: &[Item],
    size: u64,
    text: &str,
    meta_ident: &proc_macro2::Ident,
) -> Result<(), crate::Error> {
    let type_ident = names::ident(type_name);
    let mut register_metas = Vec::new();
    let mut cluster_metas = Vec::new();
    let accessor_plan = names::scopes::block_accessors(items);
    let mut constant_names = Namespace::new(Case::Underscored, &["SIZE", "META"]);
    let mut accessors = Vec::new();
    let mut asserts = Vec::new();
    let mut any_register = false;
    let align = block_align(items);
    for (item, named) in items.iter().zip(&accessor_plan) {
        match item {
            Item::Register(register) => {
                any_register = true;
                let bytes = u64::from(register_bytes(register));
                let (count, stride) = dim_of(register.dim.as_ref());
                if register.offset % bytes != 0 || (count > 1 && stride % bytes != 0) {
                    return Err(crate::Error::Emit(format!(
                        "register `{}` at offset `{:#x}` is not aligned to its width",
                        register.name, register.offset
                    )));
                }
                let fieldset = names::ident(&fieldset::fieldset_for(context, register));
                register_metas.push((
                    register.offset,
                    super::meta::register(register, &fieldset, register_bytes(register) * 8),
                ));
                let accessor = named.ident.clone();
                let accessor_ident = names::ident(&accessor);
                let side_effects = side_effects(register);
                let rule = AccessRule::of(register, !side_effects.is_empty());
                context.imported.insert("Reg");
                let marker = rule.tokens(context);
                let (receiver, exclusive) = if rule.read == ReadKind::SideEffect {
                    (quote!(&mut self), quote!(where I: ::mmreg::Exclusive))
                } else {
                    (quote!(&self), quote!())
                };
                let mut doc_text = description_or(register.description.as_deref(), String::new);
                if !doc_text.is_empty() {
                    doc_text.push_str("\n\n");
                }
                let last = array_last(register.offset, count, stride).ok_or_else(|| {
                    crate::Error::Emit(format!("register `{}` does not fit", register.name))
                })?;
                last.checked_add(bytes)
                    .filter(|end| *end <= size)
                    .ok_or_else(|| {
                        crate::Error::Emit(format!(
                            "register `{}` ends past its block",
                            register.name
                        ))
                    })?;
                let body = match &register.dim {
                    Some(dim) => {
                        doc_text.push_str(&index_doc(
                            &register.name,
                            dim,
                            "registers",
                            register.offset,
                        ));
                        let (constants, check, position) = array_index(
                            &mut constant_names,
                            &accessor,
                            &register.name,
                            dim,
                            "registers",
                        );
                        accessors.extend(constants);
                        let offset =
                            offset_expression(quote!(), register.offset, Some((stride, position)));
                        let offset = strip_leading_plus(offset);
                        asserts.push(end_assert(last, &fieldset, size));
                        quote! {
                            #check
                            self.handle(#offset)
                        }
                    }
                    None => {
                        let _ = write!(
                            doc_text,
                            "`{}` at offset `{:#x}`.",
                            register.name, register.offset
                        );
                        asserts.push(end_assert(register.offset, &fieldset, size));
                        let offset = hex(register.offset);
                        quote! { self.handle(#offset) }
                    }
                };
                if rule.read == ReadKind::SideEffect {
                    let _ = write!(
                        doc_text,
                        "\n\nReading has a side effect: it {}, hence `&mut self` and an \
                         [`Exclusive`](::mmreg::Exclusive) `I`.",
                        side_effects.join(" and ")
                    );
                }
                match rule.write {
                    WriteKind::Dma => doc_text.push_str(
                        "\n\nWriting makes the device access memory (DMA), so `write` and \
                         `modify` are `unsafe`.",
                    ),
                    WriteKind::Action => doc_text
                        .push_str("\n\nEvery bit acts on any write, so there is no `modify`."),
                    WriteKind::None | WriteKind::Plain => {}
                }
                let index_parameter = register.dim.as_ref().map(|_| quote!(, index: usize));
                let doc_attr = doc(&doc_text);
                accessors.push(quote! {
                    #doc_attr
                    #[inline(always)]
                    pub fn #accessor_ident(#receiver #index_parameter) -> Reg<'_, I, regs::#fieldset, #marker> #exclusive {
                        #body
                    }
                });
            }
            Item::Cluster(cluster) => {
                let (cluster_accessors, cluster_meta) =
                    emit_cluster(context, named, &mut constant_names, cluster, size)?;
                accessors.extend(cluster_accessors);
                cluster_metas.push((cluster.offset, cluster_meta));
            }
        }
    }
    let size_literal = hex(size);
    let align_literal = number(align);
    let handle = any_register.then(|| {
        quote! {
            /// A handle to the register at `offset` in this block.
            #[inline(always)]
            fn handle<V: ::mmreg::RegisterValue, A>(&self, offset: usize) -> Reg<'_, I, V, A> {
                unsafe { Reg::new(&self.io, self.base + offset) }
            }
        }
    });
    let doc_attr = doc(&format!(
        "{text}\n\nOwns its memory `I` (a mapping, `&` or `Arc` of one, fake memory); \
         `Send`, not `Sync`. Handles borrow the block: pure reads and writes through \
         `&self`, reads with side effects through `&mut self` over an exclusive `I` \
         (see [`mmreg::reg`])."
    ));
    // One item for all of the block's layout asserts: rustc checks each
    // item separately, and a const per register added up on large devices.
    let assert_block = (!asserts.is_empty()).then(|| quote! { const _: () = { #(#asserts)* }; });
    let block_meta = super::meta::block(
        meta_ident,
        display_name,
        size,
        &register_metas,
        &cluster_metas,
    );
    context.blocks.push(quote! {
        #block_meta
        #doc_attr
        pub struct #type_ident<I> {
            io: I,
            base: usize,
            /// Not `Sync`: one thread at a time runs this block's
            /// read-modify-write sequences.
            not_sync: ::core::marker::PhantomData<::core::cell::Cell<()>>,
        }
        impl<I: ::mmreg::Io> #type_ident<I> {
            /// Size of the block in bytes.
            pub const SIZE: usize = #size_literal;
            /// Description of the block (registers, fields, actions), for fake
            /// memory and decoded logs.
            pub const META: &'static ::mmreg::meta::BlockMeta = #meta_ident;
            /// The block at offset 0 of `io`.
            ///
            /// # Errors
            ///
            /// If `io` is smaller than [`Self::SIZE`].
            #[inline]
            pub fn new(io: I) -> Result<Self, ::mmreg::BlockError> {
                Self::at(io, 0)
            }
            /// The block at byte `offset` of `io`.
            ///
            /// # Errors
            ///
            /// If the block does not fit in `io` at `offset`, or `offset` is not
            /// aligned for the block's widest register.
            #[inline]
            pub fn at(io: I, offset: usize) -> Result<Self, ::mmreg::BlockError> {
                ::mmreg::check_block(&io, #display_name, offset, Self::SIZE, #align_literal)?;
                Ok(Self { io, base: offset, not_sync: ::core::marker::PhantomData })
            }
            /// The block at byte `offset` of `io`, unchecked.
            ///
            /// # Safety
            ///
            /// The block's [`Self::SIZE`] bytes must lie inside `io` from
            /// `offset`, and `offset` must be aligned for its widest register:
            /// what [`Self::at`] checks.
            #[inline(always)]
            pub unsafe fn from_raw_parts(io: I, offset: usize) -> Self {
                Self { io, base: offset, not_sync: ::core::marker::PhantomData }
            }
            /// The memory the block lives in.
            #[inline(always)]
            pub fn io(&self) -> &I {
                &self.io
            }
            /// Gives the memory back.
            #[inline]
            pub fn into_io(self) -> I {
                self.io
            }
            /// Byte offset of the block in [`Self::io`].
            #[inline(always)]
            pub fn base(&self) -> usize {
                self.base
            }
            #handle
            #(#accessors)*
        }
        impl<I> ::core::fmt::Debug for #type_ident<I> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#type_name).field("base", &self.base).finish_non_exhaustive()
            }
        }
        #assert_block
    });
    Ok(())
}

/// `assert!(size_of::<regs::X>() <= size - last);`: the register (the last
/// element of an array) ends inside the block, with the fieldset's real
/// size. (Written as the room left, because clippy rewrites `1 + x <= y` as
/// `x < y`.)
fn end_assert(last: u64, fieldset: &proc_macro2::Ident, size: u64) -> TokenStream {
    let room = hex(size.saturating_sub(last));
    quote! { assert!(size_of::<regs::#fieldset>() <= #room); }
}

/// Turns `+ a + b` (an offset expression with an empty start) into `a + b`.
fn strip_leading_plus(tokens: TokenStream) -> TokenStream {
    let mut iter = tokens.into_iter().peekable();
    if let Some(proc_macro2::TokenTree::Punct(p)) = iter.peek()
        && p.as_char() == '+'
    {
        iter.next();
    }
    iter.collect()
}

/// How a register may be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadKind {
    None,
    Pure,
    SideEffect,
}

/// How a register may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WriteKind {
    None,
    Plain,
    /// Every bit acts on any write: no `modify`.
    Action,
    /// The device may access memory: writes are `unsafe`.
    Dma,
}

/// A register's access rule: the runtime's `(read kind, write kind)` marker.
#[derive(Debug, Clone, Copy)]
struct AccessRule {
    read: ReadKind,
    write: WriteKind,
}

impl AccessRule {
    fn of(register: &Register, side_effect: bool) -> AccessRule {
        let access = fieldset::effective_access(register);
        let read = match (access.readable(), side_effect) {
            (false, _) => ReadKind::None,
            (true, false) => ReadKind::Pure,
            (true, true) => ReadKind::SideEffect,
        };
        let write = if !access.writable() {
            WriteKind::None
        } else if register.dma {
            WriteKind::Dma
        } else if every_write_acts(register) {
            WriteKind::Action
        } else {
            WriteKind::Plain
        };
        AccessRule { read, write }
    }

    /// The marker type: a name the module imports for the common rules,
    /// else the pair spelled out.
    fn tokens(self, context: &mut ModuleContext<'_>) -> TokenStream {
        let alias = match (self.read, self.write) {
            (ReadKind::Pure, WriteKind::None) => Some("ReadOnly"),
            (ReadKind::None, WriteKind::Plain) => Some("WriteOnly"),
            (ReadKind::Pure, WriteKind::Plain) => Some("ReadWrite"),
            (ReadKind::SideEffect, WriteKind::None) => Some("ReadOnlySideEffect"),
            (ReadKind::SideEffect, WriteKind::Plain) => Some("ReadWriteSideEffect"),
            _ => None,
        };
        if let Some(alias) = alias {
            context.imported.insert(alias);
            let ident = names::ident(alias);
            return quote!(#ident);
        }
        let read = names::ident(match self.read {
            ReadKind::None => "NoRead",
            ReadKind::Pure => "PureRead",
            ReadKind::SideEffect => "SideEffectRead",
        });
        let write = names::ident(match self.write {
            WriteKind::None => "NoWrite",
            WriteKind::Plain => "PlainWrite",
            WriteKind::Action => "ActionWrite",
            WriteKind::Dma => "DmaWrite",
        });
        quote!((::mmreg::#read, ::mmreg::#write))
    }
}

/// Whether every bit of `register` acts on any write (SVD `clear`/`set`,
/// whatever the value), so a read-modify-write would always act.
fn every_write_acts(register: &Register) -> bool {
    let any_write = |action: WriteAction| matches!(action, WriteAction::Clear | WriteAction::Set);
    if register.fields.is_empty() {
        any_write(register.write_action)
    } else {
        register
            .fields
            .iter()
            .all(|field| any_write(field.write_action))
    }
}

/// What reading `register` does, phrased for its doc ("clears `FLAG`").
fn side_effects(register: &Register) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(action) = register.read_action {
        out.push(format!("{} the register", read_action_text(action)));
    }
    for field in &register.fields {
        if let Some(action) = field.read_action {
            out.push(format!("{} `{}`", read_action_text(action), field.name));
        }
    }
    out
}

fn emit_cluster(
    context: &mut ModuleContext<'_>,
    named: &names::scopes::Named,
    constant_names: &mut Namespace,
    cluster: &Cluster,
    parent_size: u64,
) -> Result<(Vec<TokenStream>, TokenStream), crate::Error> {
    let inner_size = checked_size(&cluster.items)?;
    let align = block_align(&cluster.items);
    let (count, stride) = dim_of(cluster.dim.as_ref());
    if !cluster.offset.is_multiple_of(align) || (count > 1 && stride % align != 0) {
        return Err(crate::Error::Emit(format!(
            "cluster `{}` at offset `{:#x}` is not aligned to its widest register",
            cluster.name, cluster.offset
        )));
    }
    let (type_name, meta_path) = cluster_type(context, cluster, inner_size)?;
    let cluster_meta = super::meta::cluster(
        &cluster.name,
        cluster.offset,
        cluster.dim.as_ref(),
        &meta_path,
    );
    let type_ident = names::ident(&type_name);
    let accessor = named.ident.clone();
    let accessor_ident = names::ident(&accessor);
    let mut out = Vec::new();
    let mut doc_text = description_or(cluster.description.as_deref(), String::new);
    if !doc_text.is_empty() {
        doc_text.push_str("\n\n");
    }
    let fits = array_last(cluster.offset, count, stride)
        .and_then(|last| last.checked_add(inner_size))
        .is_some_and(|end| end <= parent_size);
    if !fits {
        return Err(crate::Error::Emit(format!(
            "cluster `{}` ends past its block",
            cluster.name
        )));
    }
    let (parameter, check, base) = match &cluster.dim {
        Some(dim) => {
            doc_text.push_str(&index_doc(&cluster.name, dim, "clusters", cluster.offset));
            let (constants, check, position) =
                array_index(constant_names, &accessor, &cluster.name, dim, "clusters");
            out.extend(constants);
            let base =
                offset_expression(quote!(self.base), cluster.offset, Some((stride, position)));
            (quote!(, index: usize), check, base)
        }
        None => {
            let _ = write!(
                doc_text,
                "`{}` at offset `{:#x}`.",
                cluster.name, cluster.offset
            );
            let base = offset_expression(quote!(self.base), cluster.offset, None);
            (quote!(), quote!(), base)
        }
    };
    // Reads with side effects need the cluster over `&mut I`: over the
    // `Borrowed` (shared, not `Send`) memory that `&self` lends, it is not
    // `Exclusive`, so they do not exist there.
    let exclusive = named.companions.first().map(|name| {
        let ident = names::ident(name);
        let doc_attr = doc(&format!(
            "{doc_text}\n\nOver `&mut` of the memory, for the registers whose reads have \
             side effects; [`Self::{accessor}`] gives the rest from `&self`."
        ));
        quote! {
            #doc_attr
            #[inline(always)]
            pub fn #ident(&mut self #parameter) -> #type_ident<&mut I> where I: ::mmreg::Exclusive {
                #check
                unsafe { #type_ident::from_raw_parts(&mut self.io, #base) }
            }
        }
    });
    let doc_attr = doc(&doc_text);
    out.push(quote! {
        #doc_attr
        #[inline(always)]
        pub fn #accessor_ident(&self #parameter) -> #type_ident<::mmreg::Borrowed<'_, I>> {
            #check
            unsafe { #type_ident::from_raw_parts(::mmreg::Borrowed::new(&self.io), #base) }
        }
        #exclusive
    });
    Ok((out, cluster_meta))
}
