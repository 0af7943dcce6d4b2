//! Bulk export of the published directory in HSDS 3.0: as JSON documents, as NDJSON, or as the
//! tabular data package (the CSVs named as in `datapackage.json`, and that descriptor), for
//! `socio export` and `GET /api/hsds/datapackage.zip`. The same objects the API serves. And its
//! reverse, `socio import`: a package read back and written through the cabinet's checks.

use std::{
    collections::HashMap,
    fs::File,
    io::{BufWriter, Write},
    path::Path,
};

use anyhow::Context;
use socio_hsds::import::{MAX_PACKAGE_BYTES, Problem, limit_problem, read_package};
use socio_hsds::{
    mapping::{OrganizationDepth, Published, ServiceDepth},
    tabular::{DESCRIPTOR, Descriptor, Flattener, Table, csv_line, tables},
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

/// Organizations read at a time by a streamed export (about 20 services each).
pub const ORGANIZATIONS_PER_PART: usize = 100;

/// Writes the directory into `dir` in `format`, streamed: read a part of the organizations at
/// a time and written out before the next is read, so memory stays flat however large the
/// directory is.
pub async fn export(store: &Store, format: Format, dir: &Path) -> anyhow::Result<Written> {
    export_in_parts(store, format, dir, ORGANIZATIONS_PER_PART).await
}

/// [`export`], reading `organizations` at a time.
pub async fn export_in_parts(store: &Store, format: Format, dir: &Path, organizations: usize) -> anyhow::Result<Written> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let vocabulary = vocabulary(store).await?;
    let order = store.hsds_organization_order().await?;
    let create = |name: &str| -> anyhow::Result<BufWriter<File>> {
        Ok(BufWriter::new(File::create(dir.join(name)).with_context(|| format!("creating {name}"))?))
    };
    let mut written = Vec::new();
    match format {
        Format::Datapackage => {
            std::fs::write(dir.join("datapackage.json"), DESCRIPTOR).context("writing datapackage.json")?;
            let descriptor = Descriptor::published()?;
            let mut files: HashMap<&str, (BufWriter<File>, usize)> = HashMap::new();
            let mut line = Vec::new();
            for resource in &descriptor.resources {
                let mut file = create(&resource.path)?;
                line.clear();
                csv_line(&mut line, &resource.schema.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>());
                file.write_all(&line)?;
                files.insert(resource.name.as_str(), (file, 0));
            }
            let mut sink = |resource: &str, row: Vec<String>| -> anyhow::Result<()> {
                let (file, count) = files.get_mut(resource).context("a resource outside the descriptor")?;
                line.clear();
                csv_line(&mut line, &row);
                file.write_all(&line)?;
                *count += 1;
                Ok(())
            };
            let mut flattener = Flattener::new(&descriptor);
            flattener.taxonomies(&vocabulary, &mut sink)?;
            for part in order.chunks(organizations.max(1)) {
                let published = Published::new(store.hsds_directory_of(Some(part)).await?, &vocabulary);
                flattener.organizations(&published, &mut sink)?;
            }
            for resource in &descriptor.resources {
                if let Some((mut file, count)) = files.remove(resource.name.as_str()) {
                    file.flush().with_context(|| format!("writing {}", resource.path))?;
                    written.push((resource.path.clone(), count));
                }
            }
        }
        Format::HsdsJson | Format::Ndjson => {
            let document = |name: &str| -> anyhow::Result<Document> {
                let lines = format == Format::Ndjson;
                let file = format!("{name}.{}", if lines { "ndjson" } else { "json" });
                Ok(Document { out: create(&file)?, file, lines, count: 0 })
            };
            let mut taxonomies = document("taxonomies")?;
            vocabulary.taxonomies.iter().try_for_each(|t| taxonomies.push(t))?;
            let mut terms = document("taxonomy_terms")?;
            vocabulary.terms.iter().try_for_each(|t| terms.push(t))?;
            let (mut organizations_file, mut services, mut pairs) =
                (document("organizations")?, document("services")?, document("service_at_locations")?);
            for part in order.chunks(organizations.max(1)) {
                let published = Published::new(store.hsds_directory_of(Some(part)).await?, &vocabulary);
                let directory = published.directory();
                directory
                    .organizations
                    .iter()
                    .try_for_each(|o| organizations_file.push(&published.organization(o, OrganizationDepth::Full)))?;
                directory.services.iter().try_for_each(|s| services.push(&published.service(s, ServiceDepth::Full)))?;
                published.pairs().try_for_each(|(s, l)| pairs.push(&published.service_at_location(s, l, true)))?;
            }
            for document in [organizations_file, services, pairs, taxonomies, terms] {
                written.push(document.finish()?);
            }
        }
    }
    Ok(Written(written))
}

/// One file of `hsds-json` (a JSON array) or `ndjson` (a record a line), written as it goes.
struct Document {
    out: BufWriter<File>,
    file: String,
    lines: bool,
    count: usize,
}

impl Document {
    fn push(&mut self, item: &impl serde::Serialize) -> anyhow::Result<()> {
        if self.lines {
            serde_json::to_writer(&mut self.out, item)?;
            self.out.write_all(b"\n")?;
        } else {
            self.out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
            serde_json::to_writer_pretty(&mut self.out, item)?;
        }
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<(String, usize)> {
        if !self.lines {
            self.out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush().with_context(|| format!("writing {}", self.file))?;
        Ok((self.file, self.count))
    }
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

/// Reads a package on the blocking pool: unpacking and checking thousands of rows is CPU work
/// the HTTP workers must not do while everyone else waits.
async fn read_off_the_workers(
    files: std::collections::HashMap<String, Vec<u8>>,
    taxonomies: Taxonomies,
) -> Result<(socio_hsds::import::Incoming, Vec<Problem>), StoreError> {
    tokio::task::spawn_blocking(move || read_package(&files, &taxonomies))
        .await
        .map_err(|e| StoreError::Corrupt(format!("reading the package: {e}")))
}

/// Imports a package's files as published records (the operator's import), by `by`.
pub async fn import(
    store: &Store,
    files: std::collections::HashMap<String, Vec<u8>>,
    by: Actor,
    dry_run: bool,
) -> Result<ImportReport, StoreError> {
    let (incoming, problems) = read_off_the_workers(files, vocabulary(store).await?).await?;
    let report = store.import_published(&incoming, by, dry_run || !problems.is_empty()).await?;
    Ok(with_read_problems(report, problems))
}

/// Imports a package's files for a partner: its own organization's records only, as drafts
/// and revisions for the moderator.
pub async fn import_for_partner(
    store: &Store,
    files: std::collections::HashMap<String, Vec<u8>>,
    user: i64,
    organization: i64,
    dry_run: bool,
) -> Result<ImportReport, StoreError> {
    let (incoming, problems) = read_off_the_workers(files, vocabulary(store).await?).await?;
    let report = store.import_package_for_partner(user, organization, &incoming, dry_run || !problems.is_empty()).await?;
    Ok(with_read_problems(report, problems))
}

/// The store's report with the problems found reading the package, all in file and row order.
/// The store was given what could be read (as a dry run, when anything could not), so every
/// problem of the package is reported at once and nothing is written.
fn with_read_problems(mut report: ImportReport, mut problems: Vec<Problem>) -> ImportReport {
    problems.append(&mut report.problems);
    problems.sort_by(|a, b| (a.file.as_str(), a.row).cmp(&(b.file.as_str(), b.row)));
    report.problems = problems;
    report
}

/// The files of an uploaded ZIP, or a 400 saying why it is not one.
pub fn uploaded_zip(bytes: Vec<u8>) -> Result<std::collections::HashMap<String, Vec<u8>>, crate::ApiError> {
    read_zip(std::io::Cursor::new(bytes)).map_err(|e| crate::ApiError::InvalidBody(format!("{e}")))
}

/// The problems as a CSV a person opens in Excel: UTF-8 with a BOM, Russian headers.
pub fn problems_csv(problems: &[Problem]) -> Vec<u8> {
    use socio_hsds::tabular::spreadsheet_line;
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    spreadsheet_line(&mut bytes, &["Файл", "Строка", "Столбец", "Что не так"]);
    for p in problems {
        // The file's and the column's names are the uploader's own text.
        spreadsheet_line(&mut bytes, &[&p.file, &p.row.to_string(), &p.column, &p.message]);
    }
    bytes
}
