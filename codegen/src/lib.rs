//! Generates the typed Rust API of `alibabacloud-sdk` from Alibaba Cloud's
//! `api-docs.json` metadata.
//!
//! The flow: [`spec`] (tolerant serde model) → [`ir`] (every naming and
//! typing decision) → [`emit`] (token streams) → [`render`] (source text with
//! a header naming the spec). [`generate`] runs it for a set of spec files.

pub mod diff;
pub mod docs;
pub mod emit;
pub mod ir;
pub mod naming;
pub mod render;
/// The metadata model (the `alibabacloud-spec` crate, shared with the local endpoint).
pub use alibabacloud_spec as spec;

use spec::SpecError;
use std::path::{Path, PathBuf};

/// A spec file to generate from.
#[derive(Debug, Clone)]
pub struct SpecInput {
    /// Where to read it.
    pub file: PathBuf,
    /// How generated headers name it (repository-relative, `/`-separated).
    pub label: String,
}

impl SpecInput {
    /// A file named in headers as given (for files outside `api-specs/`).
    pub fn from_path(file: &Path) -> Self {
        SpecInput {
            file: file.to_path_buf(),
            label: file.display().to_string(),
        }
    }
}

/// One generated source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the output directory (`r_kvstore/mod.rs`).
    pub path: PathBuf,
    /// Full file contents.
    pub contents: String,
}

/// Everything one generation produced.
#[derive(Debug, Clone)]
pub struct Generation {
    /// Files, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// The IR of each product, sorted by module name.
    pub products: Vec<ir::Product>,
}

/// Parses and lowers one spec file.
pub fn load_product(input: &SpecInput) -> Result<ir::Product, SpecError> {
    let docs = spec::load(&input.file)?;
    ir::lower(&docs, &input.label, &input.file)
}

/// Generates the modules of every product in `inputs`: `mod.rs` (feature-gated
/// product index), and per product `mod.rs` plus one file per operation.
pub fn generate(inputs: &[SpecInput]) -> Result<Generation, SpecError> {
    // Parse and lower every spec in parallel; errors keep input order.
    let loaded: Vec<Result<ir::Product, SpecError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .iter()
            .map(|input| scope.spawn(move || load_product(input)))
            .collect();
        handles
            .into_iter()
            .zip(inputs)
            .map(|(h, input)| {
                h.join().unwrap_or_else(|_| {
                    Err(SpecError::new(&input.file, "", "generator thread panicked"))
                })
            })
            .collect()
    });
    let mut products = Vec::with_capacity(inputs.len());
    for (input, product) in inputs.iter().zip(loaded) {
        let product = product?;
        if let Some(other) = products
            .iter()
            .find(|p: &&ir::Product| p.module == product.module)
        {
            return Err(SpecError::new(
                &input.file,
                "info.product",
                format!(
                    "product module `{}` is generated twice (also from {})",
                    product.module, other.spec_path
                ),
            ));
        }
        products.push(product);
    }
    products.sort_by(|a, b| a.module.cmp(&b.module));
    let files =
        render_all(&products).map_err(|e| SpecError::new(Path::new("<generator>"), "", e))?;
    Ok(Generation { files, products })
}

/// One file to render.
enum Job<'a> {
    Root,
    Product(&'a ir::Product),
    Types(&'a ir::Product),
    Operation(&'a ir::Product, &'a ir::Operation),
}

impl Job<'_> {
    fn render(&self, products: &[ir::Product]) -> Result<GeneratedFile, String> {
        match self {
            Job::Root => Ok(GeneratedFile {
                path: PathBuf::from("mod.rs"),
                contents: render::render_file(
                    "api-specs/",
                    "index of generated products",
                    emit::generated_root(products),
                )?,
            }),
            Job::Product(product) => Ok(GeneratedFile {
                path: PathBuf::from(&product.module).join("mod.rs"),
                contents: render::render_file(
                    &product.spec_path,
                    &format!("{} {} client", product.name, product.version),
                    emit::product_module(product),
                )?,
            }),
            Job::Types(product) => Ok(GeneratedFile {
                path: PathBuf::from(&product.module).join("types.rs"),
                contents: render::render_file(
                    &product.spec_path,
                    &format!("{} {} shared types", product.name, product.version),
                    emit::types_module(product),
                )?,
            }),
            Job::Operation(product, op) => Ok(GeneratedFile {
                path: PathBuf::from(&product.module)
                    .join(format!("{}.rs", op.module.trim_start_matches("r#"))),
                contents: render::render_file(
                    &product.spec_path,
                    &format!("operation {}", op.name),
                    emit::operation_module(product, op),
                )?,
            }),
        }
    }
}

/// Renders every file, spread over the machine's cores (token streams are
/// not `Send`, so each thread emits and renders its own share). The result is
/// sorted by path, so it does not depend on scheduling.
fn render_all(products: &[ir::Product]) -> Result<Vec<GeneratedFile>, String> {
    let mut jobs = vec![Job::Root];
    for product in products {
        jobs.push(Job::Product(product));
        if !product.types.is_empty() || !product.type_enums.is_empty() {
            jobs.push(Job::Types(product));
        }
        jobs.extend(
            product
                .operations
                .iter()
                .map(|op| Job::Operation(product, op)),
        );
    }
    let threads = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .clamp(1, 8)
        .min(jobs.len());
    let jobs = &jobs;
    let mut files = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    jobs.iter()
                        .skip(t)
                        .step_by(threads)
                        .map(|job| job.render(products))
                        .collect::<Result<Vec<_>, String>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err("generator thread panicked".to_string()))
            })
            .collect::<Result<Vec<Vec<_>>, String>>()
    })?
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// How to lay out a standalone crate (`cargo xtask regenerate --spec .. --out ..`).
#[derive(Debug, Clone)]
pub struct CrateOptions {
    /// Package name.
    pub name: String,
    /// The `alibabacloud-sdk` dependency line, e.g. `{ path = "../sdk" }`.
    pub sdk_dependency: String,
}

/// Generates a standalone crate for `inputs`: its own `Cargo.toml` (one
/// feature per product, all on by default), `src/lib.rs` re-exporting the
/// runtime so the generated modules read exactly as inside the SDK, and a
/// test per operation that deserializes the spec's example response.
pub fn generate_crate(
    inputs: &[SpecInput],
    options: &CrateOptions,
) -> Result<Generation, SpecError> {
    let mut generation = generate(inputs)?;
    let crate_ident = options.name.replace('-', "_");
    let mut files = Vec::with_capacity(generation.files.len() + 3);
    for file in generation.files.drain(..) {
        if file.path == Path::new("mod.rs") {
            let contents = file.contents.replacen(
                "\n\n",
                "\n\n//! Generated Alibaba Cloud API crate; the runtime is `alibabacloud-sdk`.\n\n\
                 // Generated code names the runtime as `crate::__private`.\n#[doc(hidden)]\npub use alibabacloud_sdk::__private;\n\
                 pub use alibabacloud_sdk::{config, credentials, error, paginate, retry, transport, Config, Error, SignatureVersion};\n\n",
                1,
            );
            files.push(GeneratedFile {
                path: PathBuf::from("src/lib.rs"),
                contents,
            });
        } else {
            // Doc examples name the crate users depend on.
            let contents = file.contents.replace(
                "//! let client = alibabacloud_sdk::",
                &format!("//! let client = {crate_ident}::"),
            );
            files.push(GeneratedFile {
                path: Path::new("src").join(&file.path),
                contents,
            });
        }
    }
    let features: Vec<String> = generation
        .products
        .iter()
        .map(|p| format!("{} = []", p.code))
        .collect();
    let defaults: Vec<String> = generation
        .products
        .iter()
        .map(|p| format!("{:?}", p.code))
        .collect();
    files.push(GeneratedFile {
        path: PathBuf::from("Cargo.toml"),
        contents: format!(
            "# @generated by alibabacloud-codegen; regenerate instead of editing.\n\
             [package]\nname = {name:?}\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             # A workspace of its own, so it builds wherever it is written.\n[workspace]\n\n\
             [features]\ndefault = [{defaults}]\n{features}\n\n\
             [dependencies]\nalibabacloud-sdk = {sdk}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n",
            name = options.name,
            defaults = defaults.join(", "),
            features = features.join("\n"),
            sdk = options.sdk_dependency,
        ),
    });
    files.push(GeneratedFile {
        path: PathBuf::from("tests/response_examples.rs"),
        contents: render::render_file(
            "the specs' responseDemo examples",
            "response example tests",
            emit::response_example_tests(&crate_ident, &generation.products),
        )
        .map_err(|e| SpecError::new(Path::new("<generator>"), "", e))?,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    generation.files = files;
    Ok(generation)
}
