//! The `#[async_timed]` attribute: the book's `async_timed` decorator as a
//! Rust attribute macro.
//!
//! Use it through `shared_util::async_timed`; this crate exists only because
//! procedural macros must live in a crate of their own.

#![warn(missing_docs)]

use proc_macro::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::Parse as _;
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, Pat, ReturnType, parse_macro_input};

/// Reads `skip(a, b)`: arguments printed by name instead of by value.
fn parse_skip(attr: TokenStream) -> syn::Result<Vec<syn::Ident>> {
    if attr.is_empty() {
        return Ok(Vec::new());
    }
    let mut skipped = Vec::new();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("skip") {
            let content;
            syn::parenthesized!(content in meta.input);
            let names = content.parse_terminated(syn::Ident::parse, syn::Token![,])?;
            skipped.extend(names);
            Ok(())
        } else {
            Err(meta.error("#[async_timed] takes only `skip(arg, ...)`"))
        }
    });
    syn::parse::Parser::parse(parser, attr)?;
    Ok(skipped)
}

/// Times every call of an `async fn`, like the book's `@async_timed()`.
///
/// Each call prints `starting NAME with args (A, B)` when it first runs and
/// `finished NAME in 3.0012 second(s)` when it completes (or
/// `cancelled NAME after ...` when the future is dropped before it
/// finishes). Arguments are printed with `Debug`, so they must implement it.
/// The call is also recorded as a span on the timeline (`--timeline`) and,
/// in debug mode, each poll is checked against the slow-poll threshold.
///
/// Listing 2.17's `delay`, timed:
///
/// ```ignore
/// use shared_util::async_timed;
///
/// #[async_timed]
/// async fn delay(delay_seconds: u64) -> u64 {
///     println!("sleeping for {delay_seconds} second(s)");
///     tokio::time::sleep(std::time::Duration::from_secs(delay_seconds)).await;
///     println!("finished sleeping for {delay_seconds} second(s)");
///     delay_seconds
/// }
///
/// // delay(2).await prints:
/// // starting delay with args (2)
/// // sleeping for 2 second(s)
/// // finished sleeping for 2 second(s)
/// // finished delay in 2.0012 second(s)
/// ```
///
/// `#[async_timed(skip(client, url))]` prints those arguments by name
/// instead of by value, for arguments that are long, noisy or not `Debug`:
/// `starting fetch with args (client, url, 3)`.
///
/// It goes on an `async fn` only (anything else is a compile error); for
/// any other future, `shared_util::timed(label, future)` does the same.
/// Times come from Tokio's clock, so under a paused clock
/// (`--virtual-time`) they are exact virtual times.
#[proc_macro_attribute]
pub fn async_timed(attr: TokenStream, item: TokenStream) -> TokenStream {
    let skipped = match parse_skip(attr) {
        Ok(skipped) => skipped,
        Err(error) => return error.to_compile_error().into(),
    };
    let function = parse_macro_input!(item as ItemFn);
    if function.sig.asyncness.is_none() {
        return syn::Error::new(
            function.sig.fn_token.span(),
            "#[async_timed] goes on an `async fn`; for any other future use shared_util::timed(label, future)",
        )
        .to_compile_error()
        .into();
    }

    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = function;
    let name = sig.ident.to_string();

    // Format every argument with Debug before the body takes ownership of it.
    let formatted_args = sig.inputs.iter().map(|input| match input {
        FnArg::Receiver(_) => quote!(::std::string::String::from("self")),
        FnArg::Typed(typed) => match &*typed.pat {
            Pat::Ident(ident) if skipped.contains(&ident.ident) => {
                let name = ident.ident.to_string();
                quote!(::std::string::String::from(#name))
            }
            Pat::Ident(ident) => {
                let ident = &ident.ident;
                quote_spanned!(typed.span()=> ::std::format!("{:?}", &#ident))
            }
            _ => quote!(::std::string::String::from("_")),
        },
    });

    // Pin the async block's output to the declared return type, so that `?`
    // and early `return`s inside the body infer exactly as they did before.
    let return_type = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    };

    quote! {
        #(#attrs)*
        #vis #sig {
            let __timed_args: ::std::vec::Vec<::std::string::String> =
                ::std::vec![#(#formatted_args),*];
            ::shared_util::timing::Timed::new(
                #name,
                ::std::option::Option::Some(::std::format!("({})", __timed_args.join(", "))),
                async move {
                    #[allow(unreachable_code, clippy::diverging_sub_expression)]
                    if false {
                        let __timed_never: #return_type = loop {};
                        return __timed_never;
                    }
                    #block
                },
            )
            .await
        }
    }
    .into()
}
