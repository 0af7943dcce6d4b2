//! Bulk export of the published directory in HSDS 3.0: as JSON documents, as NDJSON, or as the
//! tabular data package (the CSVs named as in `datapackage.json`, and that descriptor), for
//! `socio export` and `GET /api/hsds/datapackage.zip`. The same objects the API serves. And its
//! reverse, `socio import`: a package read back and written through the cabinet's checks.

use std::{io::Write, path::Path};

use anyhow::Context;
use socio_hsds::import::{MAX_PACKAGE_BYTES, Problem, limit_problem, read_package};
use socio_hsds::{
    mapping::{OrganizationDepth, Published, ServiceDepth},
    tabular::{DESCRIPTOR, Descriptor, Table, tables},
    taxonomy::{Taxonomies, taxonomies},
};
use socio_store::{Actor, ImportReport, Store, StoreError};

/// What `socio export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON array per kind of record, fully nested.
    HsdsJson,
    /// The same, one record a line.
    Ndjson,
    /// The tabular data package: `datapackage.json` and a CSV per resource.
    Datapackage,
}

/// Our vocabularies as HSDS taxonomies, from the reference data as of now.
pub async fn vocabulary(store: &Store) -> Result<Taxonomies, StoreError> {
    Ok(taxonomies(&store.categories().await?, &store.target_groups().await?))
}

/// The published directory with its taxonomies, as of now.
pub async fn published(store: &Store) -> Result<(Published, Taxonomies), StoreError> {
    let vocabulary = vocabulary(store).await?;
    Ok((Published::new(store.hsds_directory().await?, &vocabulary), vocabulary))
}

/// The tables of the data package.
pub fn datapackage_tables(published: &Published, vocabulary: &Taxonomies) -> anyhow::Result<Vec<Table>> {
    Ok(tables(&Descriptor::published()?, published, vocabulary)?)
}

/// The data package as one ZIP file: the descriptor and every CSV, deflated.
pub fn datapackage_zip(tables: &[Table]) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("datapackage.json", options)?;
    zip.write_all(DESCRIPTOR.as_bytes())?;
    for table in tables {
        zip.start_file(table.path.as_str(), options)?;
        zip.write_all(&table.csv())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// How many records of each kind were written.
pub struct Written(pub Vec<(String, usize)>);

/// Writes the directory into `dir` in `format`.
pub async fn export(store: &Store, format: Format, dir: &Path) -> anyhow::Result<Written> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let (published, vocabulary) = published(store).await?;
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).with_context(|| format!("writing {name}"));
    let mut written = Vec::new();
    match format {
        Format::Datapackage => {
            write("datapackage.json", DESCRIPTOR.as_bytes())?;
            for table in datapackage_tables(&published, &vocabulary)? {
                write(&table.path, &table.csv())?;
                written.push((table.path.clone(), table.rows.len()));
            }
        }
        Format::HsdsJson | Format::Ndjson => {
            let directory = published.directory();
            let documents: Vec<(&str, Vec<serde_json::Value>)> = vec![
                (
                    "organizations",
                    directory.organizations.iter().map(|o| value(&published.organization(o, OrganizationDepth::Full))).collect(),
                ),
                ("services", directory.services.iter().map(|s| value(&published.service(s, ServiceDepth::Full))).collect()),
                ("service_at_locations", published.pairs().map(|(s, l)| value(&published.service_at_location(s, l, true))).collect()),
                ("taxonomies", vocabulary.taxonomies.iter().map(value).collect()),
                ("taxonomy_terms", vocabulary.terms.iter().map(value).collect()),
            ];
            for (name, items) in documents {
                let (file, bytes) = if format == Format::Ndjson {
                    let mut lines = Vec::new();
                    for item in &items {
                        serde_json::to_writer(&mut lines, item)?;
                        lines.push(b'\n');
                    }
                    (format!("{name}.ndjson"), lines)
                } else {
                    (format!("{name}.json"), serde_json::to_vec_pretty(&items)?)
                };
                write(&file, &bytes)?;
                written.push((file, items.len()));
            }
        }
    }
    Ok(Written(written))
}

fn value<T: serde::Serialize>(item: &T) -> serde_json::Value {
    serde_json::to_value(item).unwrap_or_default()
}

/// The files of a package: a folder's, or a ZIP's (folders inside it ignored), each bounded so
/// that no package costs more than [`MAX_PACKAGE_BYTES`] to read.
pub fn read_package_files(path: &Path) -> anyhow::Result<std::collections::HashMap<String, Vec<u8>>> {
    if !path.is_dir() {
        return read_zip(std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?);
    }
    let mut files = PackageFiles::default();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            files.add(&entry.file_name().to_string_lossy(), std::fs::File::open(entry.path())?)?;
        }
    }
    Ok(files.files)
}

/// The CSV and JSON files of a ZIP (folders inside it ignored), at most [`MAX_PACKAGE_BYTES`]
/// unpacked in all: a small archive that unpacks to gigabytes is refused, not unpacked.
pub fn read_zip(archive: impl std::io::Read + std::io::Seek) -> anyhow::Result<std::collections::HashMap<String, Vec<u8>>> {
    let mut archive = zip::ZipArchive::new(archive).context("not a ZIP archive")?;
    let mut files = PackageFiles::default();
    for i in 0..archive.len() {
        let file = archive.by_index(i)?;
        if file.is_file() {
            let name = file.name().rsplit('/').next().unwrap_or_default().to_owned();
            files.add(&name, file)?;
        }
    }
    Ok(files.files)
}

/// A package's files as they are read, the total bounded.
#[derive(Default)]
struct PackageFiles {
    files: std::collections::HashMap<String, Vec<u8>>,
    total: usize,
}

impl PackageFiles {
    /// Reads `reader` as the file `name` when it is a CSV or JSON file, refusing a package past
    /// [`MAX_PACKAGE_BYTES`] without reading further.
    fn add(&mut self, name: &str, reader: impl std::io::Read) -> anyhow::Result<()> {
        use std::io::Read;
        if !(name.ends_with(".csv") || name.ends_with(".json")) {
            return Ok(());
        }
        let mut bytes = Vec::new();
        reader.take((MAX_PACKAGE_BYTES + 1 - self.total.min(MAX_PACKAGE_BYTES)) as u64).read_to_end(&mut bytes)?;
        self.total += bytes.len();
        if let Some(problem) = limit_problem(self.total) {
            anyhow::bail!(problem.message);
        }
        self.files.insert(name.to_owned(), bytes);
        Ok(())
    }
}

/// Imports a package's files as published records (the operator's import), by `by`.
pub async fn import(
    store: &Store,
    files: &std::collections::HashMap<String, Vec<u8>>,
    by: Actor,
    dry_run: bool,
) -> Result<ImportReport, StoreError> {
    match read_package(files, &vocabulary(store).await?) {
        Ok(incoming) => store.import_published(&incoming, by, dry_run).await,
        Err(problems) => Ok(ImportReport { problems, ..ImportReport::default() }),
    }
}

/// The problems as a CSV a person opens in Excel: UTF-8 with a BOM, Russian headers.
pub fn problems_csv(problems: &[Problem]) -> Vec<u8> {
    let table = Table {
        resource: "problems".into(),
        path: "problems.csv".into(),
        fields: vec!["Файл".into(), "Строка".into(), "Столбец".into(), "Что не так".into()],
        rows: problems
            .iter()
            .map(|p| vec![p.file.clone(), p.row.to_string(), p.column.clone(), socio_hsds::tabular::neutralised(&p.message)])
            .collect(),
    };
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(table.csv());
    bytes
}
