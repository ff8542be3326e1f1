//! `#[derive(BlockSchema)]`: the schema block of the struct that holds its
//! values, so a model and its schema are one declaration.
//!
//! Every field is an attribute or a nested block, said by `#[tf(...)]`:
//!
//! - an attribute: `required` | `optional` | `computed` (`optional,
//!   computed` together), `sensitive`, `description = EXPR`, `default = EXPR`
//!   (anything `Into<Value>`), `validate = EXPR` and `modify_plan = EXPR`
//!   (each repeatable, kept in order), `use_state_for_unknown`,
//!   `requires_replace`, `set` (a `Vec` field is a set, not a list),
//!   `identity = "description"` (the attribute names the object for life:
//!   one of the resource's identity attributes, in field order). Its type is
//!   the field's Rust type's (`CtyType`), so the two cannot differ.
//! - a nested block: `block` with `single` (field `Attr<T>`) or `list` /
//!   `set` (field `Attr<Vec<T>>`), `min_items = N`, `max_items = N`,
//!   `identified_by = "attr"`; `T` is itself a `BlockSchema`.
//!
//! On the struct, `#[tf(description = EXPR)]` describes the block. The
//! generated code names only `::tfplugin`; it knows no provider.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::quote;
use syn::spanned::Spanned;
use syn::{
    Data, DeriveInput, Error, Expr, Field, Fields, GenericArgument, LitInt, LitStr, PathArguments,
    Type, parse_macro_input,
};

#[proc_macro_derive(BlockSchema, attributes(tf))]
pub fn derive_block_schema(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let Data::Struct(data) = &input.data else {
        return Err(Error::new(
            input.span(),
            "BlockSchema derives for a struct with named fields",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(Error::new(
            input.span(),
            "BlockSchema derives for a struct with named fields",
        ));
    };
    let description = struct_description(input)?;
    // Each field's #[tf] read once: the identity list and the member.
    let mut members = Vec::new();
    let mut identity = Vec::new();
    for field in &fields.named {
        let spec = spec_of(field)?;
        if let Some(text) = &spec.identity {
            let name = field_name(field);
            identity.push(quote!((#name, #text)));
        }
        members.push(member(field, spec)?);
    }
    let identity = (!identity.is_empty()).then(|| {
        quote! {
            fn identity() -> ::core::option::Option<::tfplugin::framework::IdentitySchema> {
                ::core::option::Option::Some(::tfplugin::framework::IdentitySchema::of(&[#(#identity),*]))
            }
        }
    });
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::tfplugin::framework::BlockSchema for #name #ty_generics #where_clause {
            fn block() -> ::tfplugin::framework::Block {
                ::tfplugin::framework::Block::new(::core::convert::AsRef::<str>::as_ref(&#description))
                    #(#members)*
            }
            #identity
        }
        impl #impl_generics ::tfplugin::framework::CtyType for #name #ty_generics #where_clause {
            fn cty_type() -> ::tfplugin::value::Type {
                <Self as ::tfplugin::framework::BlockSchema>::block().value_type()
            }
        }
    })
}

fn struct_description(input: &DeriveInput) -> syn::Result<Expr> {
    let mut description: Expr = syn::parse_quote!("");
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("tf")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("description") {
                description = meta.value()?.parse()?;
                Ok(())
            } else {
                Err(meta.error("on the struct, #[tf] takes only `description = ...`"))
            }
        })?;
    }
    Ok(description)
}

#[derive(Default)]
struct Spec {
    block: bool,
    nesting: Option<(&'static str, Span)>,
    min_items: Option<LitInt>,
    max_items: Option<LitInt>,
    identified_by: Option<LitStr>,
    flags: Vec<&'static str>,
    set: bool,
    description: Option<Expr>,
    default: Option<Expr>,
    validators: Vec<Expr>,
    modifiers: Vec<Tokens>,
    identity: Option<LitStr>,
}

const FLAGS: [&str; 4] = ["required", "optional", "computed", "sensitive"];

fn spec_of(field: &Field) -> syn::Result<Spec> {
    let mut spec = Spec::default();
    let mut seen = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("tf")) {
        seen = true;
        attr.parse_nested_meta(|meta| {
            let p = &meta.path;
            if let Some(flag) = FLAGS.iter().find(|f| p.is_ident(f)) {
                spec.flags.push(flag);
            } else if p.is_ident("block") {
                spec.block = true;
            } else if p.is_ident("single") || p.is_ident("list") {
                let which = if p.is_ident("single") {
                    "Single"
                } else {
                    "List"
                };
                spec.nesting = Some((which, p.span()));
            } else if p.is_ident("set") {
                spec.set = true;
                spec.nesting = Some(("Set", p.span()));
            } else if p.is_ident("min_items") {
                spec.min_items = Some(meta.value()?.parse()?);
            } else if p.is_ident("max_items") {
                spec.max_items = Some(meta.value()?.parse()?);
            } else if p.is_ident("identified_by") {
                spec.identified_by = Some(meta.value()?.parse()?);
            } else if p.is_ident("description") {
                spec.description = Some(meta.value()?.parse()?);
            } else if p.is_ident("identity") {
                spec.identity = Some(meta.value()?.parse()?);
            } else if p.is_ident("default") {
                spec.default = Some(meta.value()?.parse()?);
            } else if p.is_ident("validate") {
                spec.validators.push(meta.value()?.parse()?);
            } else if p.is_ident("modify_plan") {
                let e: Expr = meta.value()?.parse()?;
                spec.modifiers.push(quote!(#e));
            } else if p.is_ident("use_state_for_unknown") {
                spec.modifiers.push(quote!(
                    ::tfplugin::framework::PlanModifier::UseStateForUnknown
                ));
            } else if p.is_ident("requires_replace") {
                spec.modifiers
                    .push(quote!(::tfplugin::framework::PlanModifier::RequiresReplace));
            } else {
                return Err(meta.error("unknown #[tf] key; see tfplugin-derive's docs"));
            }
            Ok(())
        })?;
    }
    if !seen {
        return Err(Error::new(
            field.span(),
            "every field is an attribute or a nested block: add #[tf(required)], #[tf(optional)], \
             #[tf(computed)] or #[tf(block, ...)]",
        ));
    }
    Ok(spec)
}

fn field_name(field: &Field) -> String {
    let name = field.ident.as_ref().expect("named field").to_string();
    name.strip_prefix("r#").unwrap_or(&name).to_string()
}

fn member(field: &Field, spec: Spec) -> syn::Result<Tokens> {
    let name = field_name(field);
    if spec.block {
        block_member(field, &name, spec)
    } else {
        attribute_member(field, &name, spec)
    }
}

fn attribute_member(field: &Field, name: &str, spec: Spec) -> syn::Result<Tokens> {
    if spec.min_items.is_some() || spec.max_items.is_some() || spec.identified_by.is_some() {
        return Err(Error::new(
            field.span(),
            "min_items, max_items and identified_by are for nested blocks (#[tf(block, ...)])",
        ));
    }
    if matches!(spec.nesting, Some(("Single" | "List", _))) {
        return Err(Error::new(
            field.span(),
            "single and list are for nested blocks (#[tf(block, ...)]); a Vec attribute is a list already",
        ));
    }
    let ty = &field.ty;
    let cty = if spec.set {
        quote!(<#ty as ::tfplugin::framework::CtySetType>::cty_set_type())
    } else {
        quote!(<#ty as ::tfplugin::framework::CtyType>::cty_type())
    };
    let flags = spec.flags.iter().map(|f| {
        let f = syn::Ident::new(f, Span::call_site());
        quote!(.#f())
    });
    let description = spec
        .description
        .map(|d| quote!(.describe(::core::convert::AsRef::<str>::as_ref(&#d))));
    let default = spec.default.map(
        |d| quote!(.default_value(::core::convert::Into::<::tfplugin::value::Value>::into(#d))),
    );
    let validators = &spec.validators;
    let modifiers = &spec.modifiers;
    Ok(quote! {
        .attribute(
            ::tfplugin::framework::Attribute::typed(#name, #cty)
                #(#flags)*
                #description
                #default
                #(.validate(#validators))*
                #(.modify_plan(#modifiers))*
        )
    })
}

fn block_member(field: &Field, name: &str, spec: Spec) -> syn::Result<Tokens> {
    if !spec.flags.is_empty()
        || spec.identity.is_some()
        || spec.default.is_some()
        || !spec.validators.is_empty()
        || !spec.modifiers.is_empty()
        || spec.description.is_some()
    {
        return Err(Error::new(
            field.span(),
            "a nested block takes only single/list/set, min_items, max_items and identified_by; \
             its description is its struct's #[tf(description = ...)]",
        ));
    }
    let Some((nesting, _)) = spec.nesting else {
        return Err(Error::new(
            field.span(),
            "a nested block says its nesting: #[tf(block, single)], #[tf(block, list)] or #[tf(block, set)]",
        ));
    };
    let inner = match nesting {
        "Single" => generic_arg(&field.ty, "Attr"),
        _ => generic_arg(&field.ty, "Attr").and_then(|t| generic_arg(t, "Vec")),
    }
    .ok_or_else(|| {
        Error::new(
            field.ty.span(),
            if nesting == "Single" {
                "a single nested block's field is Attr<T>, T a BlockSchema"
            } else {
                "a list or set nested block's field is Attr<Vec<T>>, T a BlockSchema"
            },
        )
    })?;
    let nesting = syn::Ident::new(nesting, Span::call_site());
    let items = match (spec.min_items, spec.max_items) {
        (None, None) => None,
        (min, max) => {
            let min = min.map_or(quote!(0), |m| quote!(#m));
            let max = max.map_or(quote!(0), |m| quote!(#m));
            Some(quote!(.items(#min, #max)))
        }
    };
    let identified_by = spec.identified_by.map(|i| quote!(.identified_by(#i)));
    Ok(quote! {
        .block(
            ::tfplugin::framework::NestedBlock::new(
                #name,
                ::tfplugin::framework::Nesting::#nesting,
                <#inner as ::tfplugin::framework::BlockSchema>::block(),
            )
            #items
            #identified_by
        )
    })
}

/// `T` of `Outer<T>` when `ty` is spelled so (the last path segment).
fn generic_arg<'a>(ty: &'a Type, outer: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != outer {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}
