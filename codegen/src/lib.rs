//! Generates the typed Rust API of `alibabacloud-sdk` from Alibaba Cloud's
//! `api-docs.json` metadata.
//!
//! The flow: [`spec`] (tolerant serde model) → [`ir`] (every naming and
//! typing decision) → [`emit`] (token streams) → [`render`] (source text with
//! a header naming the spec). [`generate`] runs it for a set of spec files.

pub mod crates;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod facts;
pub mod ir;
pub mod naming;
pub mod oss;
pub mod overlay;
pub mod render;
/// The metadata model (the `alibabacloud-spec` crate, shared with the local endpoint).
pub use alibabacloud_spec as spec;

use spec::SpecError;
use std::path::{Path, PathBuf};

/// A spec file to generate from.
#[derive(Debug, Clone, Default)]
pub struct SpecInput {
    /// Where to read it.
    pub file: PathBuf,
    /// How generated headers name it (repository-relative, `/`-separated).
    pub label: String,
    /// The catalogue's default version of its product (the manifest's
    /// `default_version`), which gets the plain module name.
    pub default_version: Option<String>,
    /// The version of its crate (the manifest's `crate_version`);
    /// [`crates::FIRST_VERSION`] when none is recorded yet.
    pub crate_version: Option<String>,
}

impl SpecInput {
    /// A file named in headers as given (for files outside `api-specs/`).
    pub fn from_path(file: &Path) -> Self {
        SpecInput {
            file: file.to_path_buf(),
            label: file.display().to_string(),
            default_version: None,
            crate_version: None,
        }
    }
}

/// Which tree a generated file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tree {
    /// Library source (`sdk/src/generated/`).
    Source,
    /// Integration tests (`sdk/tests/response_examples/`).
    Tests,
    /// One crate per product version (`products/`), from
    /// [`generate_crates_into`].
    Products,
}

/// One generated source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Which tree it goes to.
    pub tree: Tree,
    /// Path relative to that tree's generated directory (`r_kvstore_20150101/mod.rs`).
    pub path: PathBuf,
    /// Full file contents.
    pub contents: String,
}

/// What one product produced, kept after its files and IR are gone.
#[derive(Debug, Clone)]
pub struct ProductSummary {
    /// Product code as Alibaba spells it.
    pub name: String,
    /// API version.
    pub version: String,
    /// Lowercase code.
    pub code: String,
    /// Versioned module.
    pub module: String,
    /// Versioned cargo feature.
    pub feature: String,
    /// Plain module name when this is the default version.
    pub alias: Option<String>,
    /// Spec label.
    pub spec_path: String,
    /// Operations generated.
    pub operations: usize,
    /// Operations left out, with the reason.
    pub skipped: Vec<ir::Skipped>,
    /// Operations generated from broken metadata, with how.
    pub degraded: Vec<ir::Skipped>,
    /// Lines of generated source.
    pub lines: usize,
    /// Bytes of generated source.
    pub bytes: usize,
    /// The version of its crate.
    pub crate_version: String,
}

impl ProductSummary {
    /// The plain cargo feature (`r-kvstore`) when this is the default version.
    pub fn alias_feature(&self) -> Option<&str> {
        self.alias.as_ref().map(|_| self.code.as_str())
    }
}

/// What a generation run did: each product generated, each file that failed.
#[derive(Debug)]
pub struct Report {
    /// Products generated, sorted by module.
    pub products: Vec<ProductSummary>,
    /// Files that could not be generated, in input order, each with its
    /// file and JSON path. The other products are generated regardless.
    pub failures: Vec<SpecError>,
    /// Files that define no operations (`cas 2018-07-13`): nothing to
    /// generate, which is no error. Input labels, in input order.
    pub without_operations: Vec<String>,
}

/// Everything one generation produced, in memory (tests and small runs).
#[derive(Debug, Clone)]
pub struct Generation {
    /// Files, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// The IR of each product, sorted by module name.
    pub products: Vec<ir::Product>,
    /// Files that could not be generated (empty from [`generate`], which
    /// refuses them).
    pub failures: Vec<SpecError>,
    /// Files that define no operations, skipped.
    pub without_operations: Vec<String>,
}

/// Parses and lowers one spec file, with its `docs.toml` overlay.
pub fn load_product(input: &SpecInput) -> Result<ir::Product, SpecError> {
    let mut docs = spec::load(&input.file)?;
    if let Some(file) = overlay::file_for(&input.file) {
        overlay::apply(&mut docs, &overlay::load(&file)?, &file)?;
    }
    ir::lower(&docs, &input.label, &input.file)
}

/// Generates every product in memory; the first failure is the error.
pub fn generate(inputs: &[SpecInput]) -> Result<Generation, SpecError> {
    let mut generation = generate_each(inputs)?;
    if !generation.failures.is_empty() {
        return Err(generation.failures.remove(0));
    }
    Ok(generation)
}

/// [`generate`], except that a file that cannot be generated is listed in
/// [`Generation::failures`] while every other file is still generated.
pub fn generate_each(inputs: &[SpecInput]) -> Result<Generation, SpecError> {
    let mut files = Vec::new();
    let mut products = Vec::new();
    let report = run(
        inputs,
        true,
        false,
        &mut |file| {
            files.push(file);
            Ok(())
        },
        &mut |p| products.push(p),
    )
    .map_err(|e| SpecError::new(Path::new("<generator>"), "", e))?;
    files.sort_by(|a, b| (a.tree, &a.path).cmp(&(b.tree, &b.path)));
    products.sort_by(|a: &ir::Product, b| a.module.cmp(&b.module));
    Ok(Generation {
        files,
        products,
        failures: report.failures,
        without_operations: report.without_operations,
    })
}

/// Generates every product that can be generated and hands each file to
/// `sink` as soon as it is rendered: memory holds the products being worked
/// on, never the whole catalogue. The index (`mod.rs` of the generated
/// tree and of the example tests) comes last.
pub fn generate_into(
    inputs: &[SpecInput],
    sink: &mut dyn FnMut(GeneratedFile) -> Result<(), String>,
) -> Result<Report, String> {
    run(inputs, false, false, sink, &mut |_| {})
}

/// [`generate_into`], laid out as one crate per product version under
/// `products/` ([`Tree::Products`], see [`crates`]) and the SDK's index
/// (`sdk/src/generated/mod.rs`) re-exporting each crate behind its feature.
pub fn generate_crates_into(
    inputs: &[SpecInput],
    sink: &mut dyn FnMut(GeneratedFile) -> Result<(), String>,
) -> Result<Report, String> {
    run(inputs, false, true, sink, &mut |_| {})
}

/// The `info` block and the operation names only: enough to name every
/// module, and to pass over files without operations, before generating.
#[derive(serde::Deserialize)]
struct InfoOnly {
    #[serde(default)]
    info: spec::Info,
    #[serde(default)]
    apis: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
}

/// A file's `info`, and whether it defines any operation.
fn read_info(input: &SpecInput) -> Result<(spec::Info, bool), SpecError> {
    let text = std::fs::read_to_string(&input.file)
        .map_err(|e| SpecError::new(&input.file, "", format!("cannot read file: {e}")))?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    let info: InfoOnly = serde_path_to_error::deserialize(de).map_err(|e| {
        SpecError::new(
            &input.file,
            e.path().to_string(),
            e.into_inner().to_string(),
        )
    })?;
    if info.info.product.trim().is_empty() {
        return Err(SpecError::new(
            &input.file,
            "info.product",
            "missing product name",
        ));
    }
    if info.info.version.trim().is_empty() {
        return Err(SpecError::new(
            &input.file,
            "info.version",
            "missing API version",
        ));
    }
    Ok((info.info, !info.apis.is_empty()))
}

/// A product's files and summary, from a worker.
type Rendered = Result<(Vec<GeneratedFile>, ProductSummary, Option<ir::Product>), SpecError>;

fn run(
    inputs: &[SpecInput],
    keep_ir: bool,
    per_crate: bool,
    sink: &mut dyn FnMut(GeneratedFile) -> Result<(), String>,
    keep: &mut dyn FnMut(ir::Product),
) -> Result<Report, String> {
    let mut failures: Vec<(usize, SpecError)> = Vec::new();
    // Pass 1: name every product version, refuse duplicates, pick aliases.
    let mut named: Vec<(usize, String, String)> = Vec::new(); // (input, code, version)
    let mut without_operations = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        match read_info(input) {
            Ok((info, false)) => without_operations.push(format!(
                "{} ({} {})",
                input.label, info.product, info.version
            )),
            Ok((info, true)) => {
                let code = info.product.to_ascii_lowercase();
                if let Some((j, _, _)) = named
                    .iter()
                    .find(|(_, c, v)| *c == code && *v == info.version)
                {
                    failures.push((
                        i,
                        SpecError::new(
                            &input.file,
                            "info",
                            format!(
                                "{} {} is generated twice (also from {})",
                                info.product, info.version, inputs[*j].label
                            ),
                        ),
                    ));
                    continue;
                }
                named.push((i, code, info.version));
            }
            Err(e) => failures.push((i, e)),
        }
    }
    let mut aliased: Vec<usize> = Vec::new();
    let mut codes: Vec<&str> = named.iter().map(|(_, c, _)| c.as_str()).collect();
    codes.sort();
    codes.dedup();
    for code in codes {
        let versions: Vec<&(usize, String, String)> =
            named.iter().filter(|(_, c, _)| c == code).collect();
        let declared = versions
            .iter()
            .find_map(|(i, _, _)| inputs[*i].default_version.clone());
        let pick = match declared {
            Some(default) => versions.iter().find(|(_, _, v)| *v == default),
            None => versions.iter().max_by(|a, b| a.2.cmp(&b.2)),
        };
        if let Some((i, _, _)) = pick {
            aliased.push(*i);
        }
    }

    // Pass 2: lower and render each product on a worker; files stream to
    // the sink on this thread through a bounded channel.
    // Largest spec first: products differ by 100x in size, and a big one
    // taken last leaves the other workers idle while it renders.
    let mut work: Vec<(u64, usize)> = named
        .iter()
        .map(|(i, _, _)| {
            let size = std::fs::metadata(&inputs[*i].file).map_or(0, |m| m.len());
            (size, *i)
        })
        .collect();
    work.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let work: Vec<usize> = work.into_iter().map(|(_, i)| i).collect();
    let threads = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .clamp(1, 8)
        .min(work.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut summaries = Vec::new();
    let mut sink_error = None;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Rendered)>(threads);
        for _ in 0..threads {
            let tx = tx.clone();
            let (work, next, aliased) = (&work, &next, &aliased);
            scope.spawn(move || loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&i) = work.get(k) else { break };
                let input = &inputs[i];
                let rendered = std::panic::catch_unwind(|| {
                    render_product(input, aliased.contains(&i), keep_ir)
                })
                .unwrap_or_else(|_| {
                    Err(SpecError::new(
                        &input.file,
                        "",
                        "generator bug: the generator panicked",
                    ))
                });
                if tx.send((i, rendered)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (i, rendered) in rx {
            match rendered {
                Ok((files, summary, ir)) => {
                    let files = if per_crate {
                        match crates::layout(&summary, files) {
                            Ok(files) => files,
                            Err(e) => {
                                sink_error.get_or_insert(e);
                                Vec::new()
                            }
                        }
                    } else {
                        files
                    };
                    if sink_error.is_none() {
                        for f in files {
                            if let Err(e) = sink(f) {
                                sink_error = Some(e);
                                break;
                            }
                        }
                    }
                    if let Some(ir) = ir {
                        keep(ir);
                    }
                    summaries.push(summary);
                }
                Err(e) => failures.push((i, e)),
            }
        }
    });
    if let Some(e) = sink_error {
        return Err(e);
    }
    summaries.sort_by(|a, b| a.module.cmp(&b.module));
    failures.sort_by_key(|(i, _)| *i);
    let indexes = if per_crate {
        vec![GeneratedFile {
            tree: Tree::Source,
            path: PathBuf::from("mod.rs"),
            contents: render::render_file(
                "api-specs/",
                "index of product crates",
                emit::facade_root(&summaries),
            )?,
        }]
    } else {
        vec![
            GeneratedFile {
                tree: Tree::Source,
                path: PathBuf::from("mod.rs"),
                contents: render::render_file(
                    "api-specs/",
                    "index of generated products",
                    emit::generated_root(&summaries),
                )?,
            },
            GeneratedFile {
                tree: Tree::Tests,
                path: PathBuf::from("mod.rs"),
                contents: render::render_file(
                    "api-specs/",
                    "index of response example tests",
                    emit::example_tests_root(&summaries),
                )?,
            },
        ]
    };
    for index in indexes {
        sink(index)?;
    }
    Ok(Report {
        products: summaries,
        failures: failures.into_iter().map(|(_, e)| e).collect(),
        without_operations,
    })
}

/// Lowers one product and renders all of its files.
fn render_product(input: &SpecInput, is_default: bool, keep_ir: bool) -> Rendered {
    render::discard_verbatim();
    let mut product = load_product(input)?;
    if is_default {
        product.alias = Some(ir::product_module(&product.code));
    }
    let bug = |e: String| SpecError::new(&input.file, "", e);
    let module = PathBuf::from(product.module.trim_start_matches("r#"));
    let mut files = vec![GeneratedFile {
        tree: Tree::Source,
        path: module.join("mod.rs"),
        contents: render::render_file(
            &product.spec_path,
            &format!("{} {} client", product.name, product.version),
            emit::product_module(&product),
        )
        .map_err(bug)?,
    }];
    if !product.types.is_empty() || !product.type_enums.is_empty() {
        files.push(GeneratedFile {
            tree: Tree::Source,
            path: module.join("types.rs"),
            contents: render::render_file(
                &product.spec_path,
                &format!("{} {} shared types", product.name, product.version),
                emit::types_module(&product),
            )
            .map_err(bug)?,
        });
    }
    for op in &product.operations {
        files.push(GeneratedFile {
            tree: Tree::Source,
            path: module.join(format!("{}.rs", op.module.trim_start_matches("r#"))),
            contents: render::render_file_with_docs(
                &product.spec_path,
                &format!("operation {}", op.name),
                &emit::operation_module_docs(&product, op),
                emit::operation_module(op),
            )
            .map_err(bug)?,
        });
    }
    files.push(GeneratedFile {
        tree: Tree::Tests,
        path: PathBuf::from(format!("{}.rs", module.display())),
        contents: render::render_file(
            &product.spec_path,
            &format!(
                "{} {} response example tests",
                product.name, product.version
            ),
            emit::response_example_tests(&product),
        )
        .map_err(bug)?,
    });
    let (lines, bytes) = files
        .iter()
        .filter(|f| f.tree == Tree::Source)
        .fold((0, 0), |(l, b), f| {
            (l + f.contents.lines().count(), b + f.contents.len())
        });
    let summary = ProductSummary {
        name: product.name.clone(),
        version: product.version.clone(),
        code: product.code.clone(),
        module: product.module.clone(),
        feature: product.feature.clone(),
        alias: product.alias.clone(),
        spec_path: product.spec_path.clone(),
        operations: product.operations.len(),
        skipped: product.skipped.clone(),
        degraded: product.degraded.clone(),
        lines,
        bytes,
        crate_version: input
            .crate_version
            .clone()
            .unwrap_or_else(|| crates::FIRST_VERSION.to_string()),
    };
    Ok((files, summary, keep_ir.then_some(product)))
}

/// How to lay out a standalone crate (`cargo xtask regenerate --spec .. --out ..`).
#[derive(Debug, Clone)]
pub struct CrateOptions {
    /// Package name.
    pub name: String,
    /// The `alibabacloud-sdk` dependency line, e.g. `{ path = "../sdk" }`.
    pub sdk_dependency: String,
}

/// The sdk's example-test root (`sdk/tests/response_examples.rs`): the
/// `check` helper the generated tests call. Standalone crates get the same
/// file.
const EXAMPLE_TESTS_ROOT: &str = include_str!("../templates/response_examples.rs");

/// Generates a standalone crate for `inputs`: its own `Cargo.toml` (one
/// feature per product version and the default-version aliases, all on by
/// default), `src/lib.rs` re-exporting the runtime so the generated modules
/// read exactly as inside the SDK, and the response example tests.
pub fn generate_crate(
    inputs: &[SpecInput],
    options: &CrateOptions,
) -> Result<Generation, SpecError> {
    // One file that cannot be generated does not stop the others; the
    // caller lists `failures`.
    let mut generation = generate_each(inputs)?;
    let crate_ident = options.name.replace('-', "_");
    let mut files = Vec::with_capacity(generation.files.len() + 3);
    for file in generation.files.drain(..) {
        match file.tree {
            Tree::Source if file.path == Path::new("mod.rs") => {
                let contents = file.contents.replacen(
                    "\n\n",
                    "\n\n//! Generated Alibaba Cloud API crate; the runtime is `alibabacloud-sdk`.\n\n\
                     // Generated code names the runtime as `crate::__private`.\n#[doc(hidden)]\npub use alibabacloud_sdk::__private;\n\
                     pub use alibabacloud_sdk::{config, credentials, error, operation, options, paginate, retry, transport, Config, Error, SignatureVersion};\n\n",
                    1,
                );
                files.push(GeneratedFile {
                    tree: Tree::Source,
                    path: PathBuf::from("src/lib.rs"),
                    contents,
                });
            }
            Tree::Source => {
                // Doc examples name the crate users depend on.
                let contents = file
                    .contents
                    .replace("alibabacloud_sdk::", &format!("{crate_ident}::"));
                files.push(GeneratedFile {
                    tree: Tree::Source,
                    path: Path::new("src").join(&file.path),
                    contents,
                });
            }
            Tree::Tests => files.push(GeneratedFile {
                tree: Tree::Tests,
                path: Path::new("tests/response_examples").join(&file.path),
                contents: file
                    .contents
                    .replace("alibabacloud_sdk::", &format!("{crate_ident}::")),
            }),
            // Only the per-crate layout makes these.
            Tree::Products => files.push(file),
        }
    }
    // Generated response types derive `Serialize` under this feature; the
    // example tests need it, so a standalone crate turns it on.
    let mut features = vec!["serialize = []".to_string()];
    let mut defaults = vec!["\"serialize\"".to_string()];
    for p in &generation.products {
        features.push(format!("{} = []", p.feature));
        defaults.push(format!("{:?}", p.feature));
        if p.alias.is_some() {
            features.push(format!("{} = [{:?}]", p.code, p.feature));
            defaults.push(format!("{:?}", p.code));
        }
    }
    files.push(GeneratedFile {
        tree: Tree::Source,
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
        tree: Tree::Tests,
        path: PathBuf::from("tests/response_examples.rs"),
        contents: EXAMPLE_TESTS_ROOT.to_string(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    generation.files = files;
    Ok(generation)
}
