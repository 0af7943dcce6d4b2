//! The HSDS tabular data package (`/api/hsds/datapackage.zip`, `socio export`) checked against
//! the specification's own descriptor by the suite itself: every file and column it names, each
//! cell of its type and format, required cells filled, unique ones unique, and every foreign key
//! resolving (the specification's example fails that last check; ours must not).

use std::collections::{HashMap, HashSet};

use socio_hsds::tabular::{Descriptor, Field};

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(the_datapackage_follows_the_descriptor_with_every_foreign_key_resolving);
on_both_databases!(a_package_imported_into_an_empty_directory_exports_the_same_and_twice_changes_nothing);
on_both_databases!(a_moderator_uploads_a_package_over_http_and_the_same_one_changes_nothing);

/// The rows of one CSV, by column name.
type Rows = Vec<HashMap<String, String>>;

fn read_csv(bytes: &[u8], fields: &[Field], file: &str) -> Rows {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let expected: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(header, expected, "{file}: the descriptor's columns, in its order");
    reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_owned)).collect()).collect()
}

/// Why `value` is not a cell of `field`, if it is not.
fn cell_problem(field: &Field, value: &str) -> Option<String> {
    if value.is_empty() {
        return field.constraints.required.then(|| "required but empty".to_owned());
    }
    if let Some(allowed) = &field.constraints.allowed
        && !allowed.iter().any(|a| a == value)
    {
        return Some(format!("«{value}» is not one of {allowed:?}"));
    }
    let ok = match (field.kind.as_str(), field.format.as_deref()) {
        ("string", Some("uuid")) => uuid::Uuid::try_parse(value).is_ok_and(|u| u.hyphenated().to_string() == value),
        ("string", Some("email")) => value.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.')) && !value.contains(' '),
        ("string", Some("uri")) => {
            value.is_ascii() && (value.starts_with("https://") || value.starts_with("http://")) && !value.contains(' ')
        }
        ("string", _) => true,
        ("number", _) => value.parse::<f64>().is_ok(),
        ("integer", _) => value.parse::<i64>().is_ok(),
        ("boolean", _) => ["true", "false"].contains(&value),
        ("date", _) => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        ("time", _) => chrono::NaiveTime::parse_from_str(value, "%H:%M:%S").is_ok(),
        ("datetime", _) => chrono::DateTime::parse_from_rfc3339(value).is_ok(),
        (other, _) => panic!("the descriptor has a type the check does not know: {other}"),
    };
    (!ok).then(|| format!("«{value}» is not a {} {}", field.kind, field.format.as_deref().unwrap_or_default()))
}

/// Every problem of the package's tables against the descriptor.
fn problems(descriptor: &Descriptor, tables: &HashMap<String, Rows>) -> Vec<String> {
    let mut problems = Vec::new();
    for resource in &descriptor.resources {
        let rows = &tables[&resource.name];
        for field in &resource.schema.fields {
            let mut seen = HashSet::new();
            for (line, row) in rows.iter().enumerate() {
                let value = &row[&field.name];
                if let Some(problem) = cell_problem(field, value) {
                    problems.push(format!("{} row {} {}: {problem}", resource.path, line + 2, field.name));
                }
                if field.constraints.unique && !value.is_empty() && !seen.insert(value.clone()) {
                    problems.push(format!("{} row {} {}: «{value}» again", resource.path, line + 2, field.name));
                }
            }
        }
        for key in &resource.schema.foreign_keys {
            let targets: HashSet<&str> = tables[&key.reference.resource].iter().map(|r| r[&key.reference.fields].as_str()).collect();
            for (line, row) in rows.iter().enumerate() {
                let value = row[&key.fields].as_str();
                if !value.is_empty() && !targets.contains(value) {
                    problems.push(format!(
                        "{} row {} {} → {}: «{value}» is not there",
                        resource.path,
                        line + 2,
                        key.fields,
                        key.reference.resource
                    ));
                }
            }
        }
    }
    problems
}

async fn the_datapackage_follows_the_descriptor_with_every_foreign_key_resolving(app: TestApp) {
    let descriptor = Descriptor::published().unwrap();
    let response = app.get("/api/hsds/datapackage.zip").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let tag = response.headers()["etag"].clone();
    let bytes = response.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut content).unwrap();
        files.insert(file.name().to_owned(), content);
    }
    assert_eq!(files["datapackage.json"], socio_hsds::tabular::DESCRIPTOR.as_bytes(), "the specification's descriptor, unchanged");
    assert_eq!(files.len(), descriptor.resources.len() + 1, "the descriptor and one CSV per resource, nothing else");

    // The checker does catch what the descriptor forbids.
    let service = descriptor.resources.iter().find(|r| r.name == "service").unwrap();
    let status = service.schema.fields.iter().find(|f| f.name == "status").unwrap();
    assert!(cell_problem(status, "closed").is_some() && cell_problem(status, "").is_some() && cell_problem(status, "active").is_none());

    let tables: HashMap<String, Rows> =
        descriptor.resources.iter().map(|r| (r.name.clone(), read_csv(&files[&r.path], &r.schema.fields, &r.path))).collect();
    let found = problems(&descriptor, &tables);
    assert!(found.is_empty(), "{} problems, the first: {:#?}", found.len(), &found[..found.len().min(20)]);
    let mut broken = tables.clone();
    if let Some(row) = broken.get_mut("phone").and_then(|rows| rows.first_mut()) {
        row.insert("location_id".into(), uuid::Uuid::nil().to_string());
        assert!(!problems(&descriptor, &broken).is_empty(), "a dangling foreign key is found");
    }

    // The whole published directory, each record once.
    let counts = app.get_json("/api/v1/meta", 200).await["counts"].clone();
    assert_eq!(tables["service"].len() as u64, counts["services"].as_u64().unwrap());
    assert_eq!(tables["organization"].len() as u64, counts["organizations"].as_u64().unwrap());
    let hsds_services = app.get_json("/api/hsds/services?minimal=true", 200).await;
    let ids: HashSet<&str> = hsds_services["contents"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(tables["service"].iter().all(|s| ids.contains(s["id"].as_str())));
    for (resource, at_least) in
        [("location", 20), ("schedule", 20), ("attribute", 300), ("taxonomy_term", 60), ("service_at_location", 100)]
    {
        assert!(tables[resource].len() >= at_least, "{resource}: {} rows", tables[resource].len());
    }
    assert!(tables["location"].iter().all(|l| !l["description"].is_empty()), "the street and city are kept with the place");

    // Made once per change of the data: the same tag and bytes until something is published.
    let again = app.http.get(format!("{}/api/hsds/datapackage.zip", app.address)).header("if-none-match", tag).send().await.unwrap();
    assert_eq!(again.status(), 304);

    // `socio export` writes the same files.
    let dir = std::env::temp_dir().join(format!("socio-export-{}", uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, app.address.as_bytes())));
    socio_api::export::export(&app.store, socio_api::export::Format::Datapackage, &dir).await.unwrap();
    for (name, content) in &files {
        assert_eq!(&std::fs::read(dir.join(name)).unwrap(), content, "{name}");
    }
    socio_api::export::export(&app.store, socio_api::export::Format::Ndjson, &dir).await.unwrap();
    let lines = std::fs::read_to_string(dir.join("services.ndjson")).unwrap();
    assert_eq!(lines.lines().count(), tables["service"].len());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn scratch(app: &TestApp, what: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("socio-{what}-{}", uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, app.address.as_bytes())))
}

async fn exported(store: &socio_store::Store, dir: &std::path::Path) -> HashMap<String, Vec<u8>> {
    socio_api::export::export(store, socio_api::export::Format::Datapackage, dir).await.unwrap();
    socio_api::export::read_package_files(dir).unwrap()
}

async fn a_package_imported_into_an_empty_directory_exports_the_same_and_twice_changes_nothing(app: TestApp) {
    use socio_api::export::import;
    let (dir_a, dir_b) = (scratch(&app, "a"), scratch(&app, "b"));
    let package = exported(&app.store, &dir_a).await;

    // An installation of the same backend with the reference data only.
    let (url, postgres) = match app.postgres_name() {
        Some(_) => {
            let (url, name) = crate::helpers::empty_postgres().await;
            (url, Some(name))
        }
        None => (crate::helpers::empty_sqlite().0, None),
    };
    let empty = socio_store::Store::connect(&url).await.unwrap();
    empty.migrate().await.unwrap();
    socio_store::seed::seed_reference_data(&empty).await.unwrap();
    let records = package["organizations.csv"].len();
    assert!(records > 0);

    let dry = import(&empty, &package, socio_store::Actor::System, true).await.unwrap();
    assert!(dry.problems.is_empty(), "{:#?}", &dry.problems[..dry.problems.len().min(10)]);
    assert!(dry.created > 300 && dry.updated == 0);
    assert!(empty.hsds_directory().await.unwrap().services.is_empty(), "a dry run writes nothing");

    let real = import(&empty, &package, socio_store::Actor::System, false).await.unwrap();
    assert_eq!((real.created, real.updated, real.unchanged, real.problems.len()), (dry.created, 0, 0, 0));
    let again = exported(&empty, &dir_b).await;
    for (name, content) in &package {
        assert!(again.get(name) == Some(content), "{name} differs after the round trip:\n{}", diff_lines(content, &again[name]));
    }

    let twice = import(&empty, &package, socio_store::Actor::System, false).await.unwrap();
    assert_eq!((twice.created, twice.updated, twice.unchanged), (0, 0, dry.created), "the same package again changes nothing");
    assert_eq!(exported(&empty, &dir_b).await, package);

    // All or nothing: one bad cell, and not even the good rows are written.
    let mut broken = package.clone();
    // The first service (rows count records, as a spreadsheet does, whatever line breaks cells hold).
    let services = String::from_utf8(broken["services.csv"].clone()).unwrap().replacen(",active,", ",closed,", 1);
    broken.insert("services.csv".into(), services.into_bytes());
    let refused = import(&empty, &broken, socio_store::Actor::System, false).await.unwrap();
    assert_eq!(refused.problems.len(), 1, "{:?}", refused.problems);
    let problem = &refused.problems[0];
    assert_eq!((problem.file.as_str(), problem.row, problem.column.as_str()), ("services.csv", 2, "status"));
    assert!(problem.message.contains("active"), "{}", problem.message);
    let csv = String::from_utf8(socio_api::export::problems_csv(&refused.problems)).unwrap();
    assert!(csv.starts_with("\u{feff}Файл,Строка,Столбец,Что не так\r\nservices.csv,2,status,"), "{csv}");
    assert_eq!(exported(&empty, &dir_b).await, package, "nothing of a refused package is written");

    for dir in [dir_a, dir_b] {
        std::fs::remove_dir_all(dir).unwrap();
    }
    if let Some(name) = postgres {
        empty.close().await.unwrap();
        crate::helpers::drop_postgres(&name).await;
    }
}

/// The first lines that differ, for a readable failure.
fn diff_lines(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    a.lines().zip(b.lines()).filter(|(x, y)| x != y).take(3).map(|(x, y)| format!("- {x}\n+ {y}")).collect::<Vec<_>>().join("\n")
}

async fn a_moderator_uploads_a_package_over_http_and_the_same_one_changes_nothing(app: TestApp) {
    let zip = app.get("/api/hsds/datapackage.zip").await.bytes().await.unwrap().to_vec();
    let moderator = app.create_user(socio_domain::vocabulary::UserRole::Moderator, "moderator@example.org").await;
    let token = app.token_of(moderator);
    let post = |body: Vec<u8>, query: &str, token: String| {
        app.http
            .post(format!("{}/api/v1/backoffice/import?{query}", app.address))
            .bearer_auth(token)
            .header("content-type", "application/zip")
            .body(body)
            .send()
    };
    let same = post(zip.clone(), "dry_run=false", token.clone()).await.unwrap();
    assert_eq!(same.status(), 200);
    let same: serde_json::Value = same.json().await.unwrap();
    assert_eq!((same["created"].as_u64(), same["updated"].as_u64()), (Some(0), Some(0)), "{same}");
    assert!(same["unchanged"].as_u64().unwrap() > 400, "the directory's own package changes nothing: {same}");

    // A broken row: 422 naming it, and as a table for Excel.
    let mut files = socio_api::export::read_zip(std::io::Cursor::new(zip.clone())).unwrap();
    let services = String::from_utf8(files["services.csv"].clone()).unwrap().replacen(",active,", ",closed,", 1);
    files.insert("services.csv".into(), services.into_bytes());
    let mut broken = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in &files {
        broken.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut broken, content).unwrap();
    }
    let broken = broken.finish().unwrap().into_inner();
    let refused = post(broken.clone(), "", token.clone()).await.unwrap();
    assert_eq!(refused.status(), 422);
    let problem: socio_domain::api::Problem = refused.json().await.unwrap();
    assert_eq!(problem.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["services.csv:2:status"]);
    let table = post(broken, "dry_run=true&answer=csv", token.clone()).await.unwrap().text().await.unwrap();
    assert!(table.contains("services.csv,2,status,"), "{table}");

    assert_eq!(post(b"not a zip".to_vec(), "", token.clone()).await.unwrap().status(), 400);
    let partner = crate::cabinet::partner(&app, "p@example.org", "Фонд «Партнёр»").await;
    assert_eq!(post(zip, "", partner.token).await.unwrap().status(), 403, "publishing directly is the operator's");
}
