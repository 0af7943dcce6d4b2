//! Bulk export of the published directory in HSDS 3.0: as JSON documents, as NDJSON, or as the
//! tabular data package (the CSVs named as in `datapackage.json`, and that descriptor), for
//! `socio export` and `GET /api/hsds/datapackage.zip`. The same objects the API serves.

use std::{io::Write, path::Path};

use anyhow::Context;
use socio_hsds::{
    mapping::{OrganizationDepth, Published, ServiceDepth},
    tabular::{DESCRIPTOR, Descriptor, Table, tables},
    taxonomy::{Taxonomies, taxonomies},
};
use socio_store::{Store, StoreError};

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

/// The published directory with its taxonomies, as of now.
pub async fn published(store: &Store) -> Result<(Published, Taxonomies), StoreError> {
    let vocabulary = taxonomies(&store.categories().await?, &store.target_groups().await?);
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
