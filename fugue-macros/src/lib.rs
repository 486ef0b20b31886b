//! # fugue-macros
//!
//! Attribute macros that turn a plain function into a registered extension,
//! what a Python user writes as a decorator (WF-SIG-8): the function keeps
//! working as a normal function, and the macro also registers it at link
//! time (`inventory`, WF-REG-1) under a stable name and optional version
//! (its identity, WF-ID-5), so `api::transform(df, "rank")`, FugueSQL's
//! `USING rank` and executors in other processes find it by name.
//!
//! ```text
//! #[fugue::transformer(schema = "*,rn:long", partitionby_has = "k", name = "rank", version = "1")]
//! fn rank(df: LocalDataFrame) -> Result<LocalDataFrame> { ... }
//! ```
//!
//! expands to the function unchanged plus
//!
//! ```text
//! const _: () = {
//!     ::fugue_api::register_transformer!("rank", "1", || {
//!         ::fugue_api::extension::transformer(rank)
//!             .schema("*,rn:long")
//!             .partitionby_has("k")
//!             .named("rank")
//!     });
//! };
//! ```
//!
//! ## Kinds and accepted signatures
//!
//! | attribute | parameters | builder |
//! |---|---|---|
//! | [`transformer`] | `(partition)` or `(&TransformContext, partition)` | `fugue_api::extension::transformer` |
//! | [`output_transformer`] | as `transformer` | `output_transformer` |
//! | [`cotransformer`] | `(DataFrames)` or `(&TransformContext, DataFrames)` | `cotransformer` |
//! | [`output_cotransformer`] | as `cotransformer` | `output_cotransformer` |
//! | [`processor`] | `(&ExtensionContext, DataFrames) -> Result<DataFrameRef>` | a `Processor` impl |
//! | [`outputter`] | `(&ExtensionContext, DataFrames) -> Result<()>` | an `Outputter` impl |
//! | [`creator`] | `(&ExtensionContext) -> Result<DataFrameRef>` | a `Creator` impl |
//!
//! The partition of a transformer is any shape `transformer(..)` accepts
//! (a `LocalDataFrame`, a `RecordBatch`, batches, rows, typed rows), and
//! so is its output.
//!
//! ## Keys
//!
//! All values are string literals.
//!
//! - `name`: the registry name (default: the function's name); `version`
//!   (default: empty);
//! - `schema`: the output schema hint (`*,rn:long`, SCH-HINT): transformers
//!   and cotransformers only;
//! - validation rules `partitionby_has`, `partitionby_is`, `presort_has`,
//!   `presort_is`, `input_has`, `input_is` (WF-VAL-1..6): transformers,
//!   output transformers, processors and outputters (cotransformers take no
//!   rules, WF-COTR-7);
//! - `callback = "required" | "optional"` (WF-RPC-3): the four transformer
//!   kinds;
//! - `crate = "path::to::fugue_api"`: where the generated code finds
//!   `fugue_api` (see below).
//!
//! An unknown key, a key that does not apply to the kind, a value that is
//! not a string literal, a duplicate key, a `self` receiver, generic
//! parameters, `async`/`unsafe`/`extern` functions and a wrong number of
//! parameters are compile errors pointing at the offending token.
//!
//! ## Which path the generated code uses
//!
//! Every attribute exists twice: `transformer` expands to `::fugue_api::..`
//! (for crates that depend on `fugue-api` directly), `facade_transformer`
//! to `::fugue::__private_api::..`, a hidden re-export of `fugue_api` in
//! the facade, which re-exports the facade variants under the short names:
//! users of the facade write `#[fugue::transformer(..)]` and depend on
//! `fugue` only. No manifest sniffing (`proc-macro-crate`) is involved, so
//! the expansion never depends on how a build is laid out. A crate that
//! re-exports `fugue_api` under yet another path says so with
//! `crate = "my_crate::fugue_api"`.
//!
//! Only free functions (at module or block level) can be registered: the
//! registration is an item next to the function and names it by its
//! identifier, which an associated function in an `impl` block does not
//! have.
#![deny(missing_docs)]

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, FnArg, ItemFn, Lit, LitStr, Path, ReturnType, Type};

/// The extension kind an attribute registers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Transformer,
    OutputTransformer,
    CoTransformer,
    OutputCoTransformer,
    Processor,
    Outputter,
    Creator,
}

/// Validation rules (WF-VAL-1..6), in the order of the builder methods.
const RULES: [&str; 6] =
    ["partitionby_has", "partitionby_is", "presort_has", "presort_is", "input_has", "input_is"];

/// Every key any attribute accepts.
const ALL_KEYS: [&str; 11] = [
    "name",
    "version",
    "schema",
    "partitionby_has",
    "partitionby_is",
    "presort_has",
    "presort_is",
    "input_has",
    "input_is",
    "callback",
    "crate",
];

impl Kind {
    /// The attribute (and builder / registry macro) name.
    fn attr(self) -> &'static str {
        match self {
            Kind::Transformer => "transformer",
            Kind::OutputTransformer => "output_transformer",
            Kind::CoTransformer => "cotransformer",
            Kind::OutputCoTransformer => "output_cotransformer",
            Kind::Processor => "processor",
            Kind::Outputter => "outputter",
            Kind::Creator => "creator",
        }
    }

    fn is_transformer_like(self) -> bool {
        matches!(
            self,
            Kind::Transformer
                | Kind::OutputTransformer
                | Kind::CoTransformer
                | Kind::OutputCoTransformer
        )
    }

    fn takes_schema(self) -> bool {
        matches!(self, Kind::Transformer | Kind::CoTransformer)
    }

    fn takes_rules(self) -> bool {
        matches!(
            self,
            Kind::Transformer | Kind::OutputTransformer | Kind::Processor | Kind::Outputter
        )
    }

    /// Whether `key` (one of [`ALL_KEYS`]) applies; `Err` says why not.
    fn check_key(self, key: &str) -> Result<(), String> {
        let kind = self.attr();
        match key {
            "schema" if !self.takes_schema() => Err(match self {
                Kind::OutputTransformer | Kind::OutputCoTransformer | Kind::Outputter => {
                    format!("`schema` does not apply to #[{kind}]: it returns no frame (WF-OTR-2)")
                }
                _ => format!(
                    "`schema` does not apply to #[{kind}]: the frame it returns carries its own schema"
                ),
            }),
            r if RULES.contains(&r) && !self.takes_rules() => Err(match self {
                Kind::Creator => {
                    format!("`{r}` does not apply to #[creator]: a creator has no input")
                }
                _ => format!(
                    "`{r}` does not apply to #[{kind}]: cotransformers take no validation rules (WF-COTR-7)"
                ),
            }),
            "callback" if !self.is_transformer_like() => Err(format!(
                "`callback` does not apply to #[{kind}]: it runs on the driver (WF-RPC-3 callbacks are for transformers)"
            )),
            _ => Ok(()),
        }
    }

    /// The keys this kind accepts, for messages.
    fn keys(self) -> Vec<&'static str> {
        ALL_KEYS.iter().copied().filter(|k| self.check_key(k).is_ok()).collect()
    }

    /// Minimum and maximum number of parameters.
    fn arity(self) -> (usize, usize) {
        match self {
            Kind::Transformer
            | Kind::OutputTransformer
            | Kind::CoTransformer
            | Kind::OutputCoTransformer => (1, 2),
            Kind::Processor | Kind::Outputter => (2, 2),
            Kind::Creator => (1, 1),
        }
    }

    /// The accepted signature, for messages.
    fn shape(self) -> &'static str {
        match self {
            Kind::Transformer | Kind::OutputTransformer => {
                "`fn(partition)` or `fn(&TransformContext, partition)`"
            }
            Kind::CoTransformer | Kind::OutputCoTransformer => {
                "`fn(DataFrames)` or `fn(&TransformContext, DataFrames)`"
            }
            Kind::Processor => "`fn(&ExtensionContext, DataFrames) -> Result<DataFrameRef>`",
            Kind::Outputter => "`fn(&ExtensionContext, DataFrames) -> Result<()>`",
            Kind::Creator => "`fn(&ExtensionContext) -> Result<DataFrameRef>`",
        }
    }
}

/// Where the generated code finds `fugue_api`.
#[derive(Clone, Copy)]
enum Root {
    /// `::fugue_api`
    Api,
    /// `::fugue::__private_api` (the facade's hidden re-export)
    Facade,
}

/// The parsed attribute arguments.
#[derive(Default)]
struct Args {
    name: Option<LitStr>,
    version: Option<LitStr>,
    schema: Option<LitStr>,
    rules: Vec<(&'static str, LitStr)>,
    /// `Some(true)` = required, `Some(false)` = optional.
    callback: Option<bool>,
    krate: Option<Path>,
}

fn example(key: &str) -> &'static str {
    match key {
        "schema" => "*,rn:long",
        "name" => "rank",
        "version" => "1",
        "partitionby_has" | "partitionby_is" => "k",
        "presort_has" | "presort_is" => "v desc",
        "input_has" => "k,v:long",
        "input_is" => "k:str,v:long",
        "callback" => "required",
        _ => "fugue_api",
    }
}

fn parse_args(kind: Kind, attr: TokenStream2) -> syn::Result<Args> {
    let mut args = Args::default();
    let mut seen: Vec<String> = Vec::new();
    let parser = syn::meta::parser(|meta| {
        let key = match meta.path.get_ident() {
            Some(i) => i.to_string(),
            None => {
                return Err(meta.error(format!(
                    "expected a key such as `schema = \"...\"`; #[{}] accepts: {}",
                    kind.attr(),
                    kind.keys().join(", ")
                )));
            }
        };
        let Some(&key) = ALL_KEYS.iter().find(|k| **k == key) else {
            return Err(meta.error(format!(
                "unknown key `{key}` for #[{}]; it accepts: {}",
                kind.attr(),
                kind.keys().join(", ")
            )));
        };
        kind.check_key(key).map_err(|msg| meta.error(msg))?;
        if seen.iter().any(|k| k == key) {
            return Err(meta.error(format!("`{key}` is given twice")));
        }
        seen.push(key.to_string());
        if !meta.input.peek(syn::Token![=]) {
            return Err(
                meta.error(format!("`{key}` needs a value: `{key} = \"{}\"`", example(key)))
            );
        }
        let expr: Expr = meta.value()?.parse()?;
        let lit = match expr {
            Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => s,
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    format!("`{key}` takes a string literal, e.g. `{key} = \"{}\"`", example(key)),
                ));
            }
        };
        match key {
            "name" => {
                if lit.value().trim().is_empty() {
                    return Err(syn::Error::new(
                        lit.span(),
                        "`name` cannot be empty: it is the extension's identity (WF-ID-5)",
                    ));
                }
                args.name = Some(lit);
            }
            "version" => args.version = Some(lit),
            "schema" => args.schema = Some(lit),
            "callback" => {
                args.callback = Some(match lit.value().as_str() {
                    "required" => true,
                    "optional" => false,
                    _ => {
                        return Err(syn::Error::new(
                            lit.span(),
                            "`callback` is \"required\" or \"optional\" (WF-RPC-3)",
                        ));
                    }
                });
            }
            "crate" => args.krate = Some(lit.parse::<Path>()?),
            rule => args.rules.push((rule, lit)),
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, attr)?;
    Ok(args)
}

fn check_signature(kind: Kind, f: &ItemFn) -> syn::Result<()> {
    let sig = &f.sig;
    let attr = kind.attr();
    let fail = |span: Span, msg: String| Err(syn::Error::new(span, msg));
    if let Some(a) = &sig.asyncness {
        return fail(
            a.span(),
            format!(
                "#[{attr}] cannot register an `async fn`: extensions are called synchronously; make it a plain `fn`"
            ),
        );
    }
    if let Some(u) = &sig.unsafety {
        return fail(u.span(), format!("#[{attr}] cannot register an `unsafe fn`"));
    }
    if let Some(abi) = &sig.abi {
        return fail(abi.span(), format!("#[{attr}] cannot register an `extern` fn"));
    }
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            format!(
                "#[{attr}] cannot register a generic fn: the registry builds one concrete function by name; give the parameters concrete types"
            ),
        ));
    }
    if let Some(w) = &sig.generics.where_clause {
        return Err(syn::Error::new_spanned(
            w,
            format!("#[{attr}] cannot register a generic fn (it has a `where` clause)"),
        ));
    }
    if let Some(v) = &sig.variadic {
        return Err(syn::Error::new_spanned(v, format!("#[{attr}] cannot register a variadic fn")));
    }
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => {
                return Err(syn::Error::new_spanned(
                    r,
                    format!(
                        "#[{attr}] registers a free function; a `self` receiver cannot be called by name: move it out of the `impl` (or call the method from a free function)"
                    ),
                ));
            }
            FnArg::Typed(t) => {
                if let Type::ImplTrait(it) = &*t.ty {
                    return Err(syn::Error::new_spanned(
                        it,
                        format!(
                            "#[{attr}] cannot register a generic fn: an `impl Trait` parameter is a generic; name the concrete type"
                        ),
                    ));
                }
            }
        }
    }
    let n = sig.inputs.len();
    let (min, max) = kind.arity();
    let expected = if min == max { format!("{min}") } else { format!("{min} or {max}") };
    if n < min {
        return fail(
            sig.paren_token.span.join(),
            format!(
                "#[{attr}] expects {}: {expected} parameter{}, this fn takes {n}",
                kind.shape(),
                if max == 1 { "" } else { "s" }
            ),
        );
    }
    if n > max {
        return Err(syn::Error::new_spanned(
            &sig.inputs[max],
            format!(
                "#[{attr}] expects {}: {expected} parameter{}, this fn takes {n}",
                kind.shape(),
                if max == 1 { "" } else { "s" }
            ),
        ));
    }
    if matches!(kind, Kind::Processor | Kind::Outputter | Kind::Creator)
        && matches!(sig.output, ReturnType::Default)
    {
        return Err(syn::Error::new_spanned(
            &sig.ident,
            format!("#[{attr}] expects {}: add the return type", kind.shape()),
        ));
    }
    Ok(())
}

/// The registration code for a checked function.
fn registration(kind: Kind, root: Root, args: &Args, f: &ItemFn) -> TokenStream2 {
    let api = match (&args.krate, root) {
        (Some(p), _) => quote!(#p),
        (None, Root::Api) => quote!(::fugue_api),
        (None, Root::Facade) => quote!(::fugue::__private_api),
    };
    let ident = &f.sig.ident;
    let span = ident.span();
    let name = args.name.clone().unwrap_or_else(|| LitStr::new(&ident.to_string(), span));
    let version = args.version.clone().unwrap_or_else(|| LitStr::new("", span));
    let register = format_ident!("register_{}", kind.attr());
    let rule_names: Vec<&str> = args.rules.iter().map(|(n, _)| *n).collect();
    let rule_values: Vec<&LitStr> = args.rules.iter().map(|(_, v)| v).collect();
    let build = if kind.is_transformer_like() {
        let ctor = format_ident!("{}", kind.attr());
        let mut build = quote_spanned!(span=> #api::extension::#ctor(#ident));
        if let Some(s) = &args.schema {
            build = quote!(#build.schema(#s));
        }
        for (rule, value) in &args.rules {
            let method = format_ident!("{}", rule);
            build = quote!(#build.#method(#value));
        }
        match args.callback {
            Some(true) => build = quote!(#build.requires_callback()),
            Some(false) => build = quote!(#build.optional_callback()),
            None => {}
        }
        quote!(#build.named(#name))
    } else {
        let core = quote!(#api::__core);
        let rules = if args.rules.is_empty() {
            quote!()
        } else {
            quote! {
                fn validation_rules(
                    &self,
                ) -> #core::Result<::std::vec::Vec<#core::partition::ValidationRule>> {
                    let rules: &[(&str, &str)] = &[#((#rule_names, #rule_values)),*];
                    rules
                        .iter()
                        .map(|(n, v)| #core::partition::ValidationRule::parse(n, v))
                        .collect()
                }
            }
        };
        let body = match kind {
            Kind::Processor => quote! {
                impl #api::extension::Processor for __FugueExtension {
                    #rules
                    fn process(
                        &self,
                        ctx: &#api::extension::ExtensionContext,
                        dfs: #core::DataFrames,
                    ) -> #core::Result<#core::DataFrameRef> {
                        #ident(ctx, dfs)
                    }
                }
            },
            Kind::Outputter => quote! {
                impl #api::extension::Outputter for __FugueExtension {
                    #rules
                    fn output(
                        &self,
                        ctx: &#api::extension::ExtensionContext,
                        dfs: #core::DataFrames,
                    ) -> #core::Result<()> {
                        #ident(ctx, dfs)
                    }
                }
            },
            _ => quote! {
                impl #api::extension::Creator for __FugueExtension {
                    fn create(
                        &self,
                        ctx: &#api::extension::ExtensionContext,
                    ) -> #core::Result<#core::DataFrameRef> {
                        #ident(ctx)
                    }
                }
            },
        };
        return quote! {
            const _: () = {
                #[allow(non_camel_case_types)]
                struct __FugueExtension;
                #body
                #api::#register!(#name, #version, || __FugueExtension);
            };
        };
    };
    quote! {
        const _: () = {
            #api::#register!(#name, #version, || #build);
        };
    }
}

fn expand(kind: Kind, root: Root, attr: TokenStream, item: TokenStream) -> TokenStream {
    let attr = TokenStream2::from(attr);
    let item = TokenStream2::from(item);
    let f: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err = syn::Error::new_spanned(
                &item,
                format!("#[{}] applies to a free `fn`", kind.attr()),
            )
            .to_compile_error();
            return quote!(#err #item).into();
        }
    };
    let args = parse_args(kind, attr);
    let sig = check_signature(kind, &f);
    let out = match (args, sig) {
        (Ok(args), Ok(())) => {
            let reg = registration(kind, root, &args, &f);
            quote!(#f #reg)
        }
        (Err(mut a), Err(b)) => {
            a.combine(b);
            let err = a.to_compile_error();
            quote!(#err #f)
        }
        (Err(e), _) | (_, Err(e)) => {
            let err = e.to_compile_error();
            quote!(#err #f)
        }
    };
    out.into()
}

macro_rules! entry {
    ($kind:ident, $name:ident, $facade:ident, $what:literal) => {
        #[doc = concat!("Registers a plain function as ", $what, " (see the crate docs for keys and signatures);")]
        #[doc = "the function stays callable as it is. The generated code names `::fugue_api`."]
        #[proc_macro_attribute]
        pub fn $name(attr: TokenStream, item: TokenStream) -> TokenStream {
            expand(Kind::$kind, Root::Api, attr, item)
        }

        #[doc = concat!("[`", stringify!($name), "`] for users of the facade: the generated code names")]
        #[doc = concat!("`::fugue::__private_api`. The facade re-exports it as `fugue::", stringify!($name), "`.")]
        #[proc_macro_attribute]
        pub fn $facade(attr: TokenStream, item: TokenStream) -> TokenStream {
            expand(Kind::$kind, Root::Facade, attr, item)
        }
    };
}

entry!(Transformer, transformer, facade_transformer, "a transformer (WF-TR)");
entry!(
    OutputTransformer,
    output_transformer,
    facade_output_transformer,
    "an output transformer (WF-OTR)"
);
entry!(CoTransformer, cotransformer, facade_cotransformer, "a cotransformer (WF-COTR)");
entry!(
    OutputCoTransformer,
    output_cotransformer,
    facade_output_cotransformer,
    "an output cotransformer (WF-OTR)"
);
entry!(Processor, processor, facade_processor, "a processor (WF-PROC)");
entry!(Outputter, outputter, facade_outputter, "an outputter (WF-OUT)");
entry!(Creator, creator, facade_creator, "a creator (WF-CREATE)");
