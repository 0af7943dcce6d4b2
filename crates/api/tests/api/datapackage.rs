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
on_both_databases!(a_partner_uploads_its_own_organizations_package_into_moderation_and_nothing_of_another);
on_both_databases!(every_broken_row_of_a_package_is_named_by_file_row_and_column_and_nothing_is_written);
on_both_databases!(an_hsds_id_names_one_record_and_an_import_never_moves_it_to_another_organization);

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

    // `socio export` streams the directory a few organizations at a time and writes the same
    // files, byte for byte, as the whole directory at once.
    use socio_api::export::{Format, export_in_parts};
    let dir = std::env::temp_dir().join(format!("socio-export-{}", uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, app.address.as_bytes())));
    export_in_parts(&app.store, Format::Datapackage, &dir, 3).await.unwrap();
    for (name, content) in &files {
        assert!(
            &std::fs::read(dir.join(name)).unwrap() == content,
            "{name}:\n{}",
            diff_lines(content, &std::fs::read(dir.join(name)).unwrap())
        );
    }
    let service_ids: HashSet<&str> = tables["service"].iter().map(|s| s["id"].as_str()).collect();
    export_in_parts(&app.store, Format::Ndjson, &dir, 3).await.unwrap();
    let lines = std::fs::read_to_string(dir.join("services.ndjson")).unwrap();
    let streamed: Vec<serde_json::Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(streamed.len(), service_ids.len());
    assert_eq!(streamed.iter().map(|s| s["id"].as_str().unwrap()).collect::<HashSet<_>>(), service_ids);
    export_in_parts(&app.store, Format::HsdsJson, &dir, 3).await.unwrap();
    let whole: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(dir.join("services.json")).unwrap()).unwrap();
    assert_eq!(whole, streamed, "the JSON array holds the same services as the lines");
    let pairs: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(dir.join("service_at_locations.json")).unwrap()).unwrap();
    assert_eq!(pairs.len(), tables["service_at_location"].len());
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

    let dry = import(&empty, package.clone(), socio_store::Actor::System, true).await.unwrap();
    assert!(dry.problems.is_empty(), "{:#?}", &dry.problems[..dry.problems.len().min(10)]);
    assert!(dry.created > 300 && dry.updated == 0);
    assert!(empty.hsds_directory().await.unwrap().services.is_empty(), "a dry run writes nothing");

    let real = import(&empty, package.clone(), socio_store::Actor::System, false).await.unwrap();
    assert_eq!((real.created, real.updated, real.unchanged, real.problems.len()), (dry.created, 0, 0, 0));
    let again = exported(&empty, &dir_b).await;
    for (name, content) in &package {
        assert!(again.get(name) == Some(content), "{name} differs after the round trip:\n{}", diff_lines(content, &again[name]));
    }

    let twice = import(&empty, package.clone(), socio_store::Actor::System, false).await.unwrap();
    assert_eq!((twice.created, twice.updated, twice.unchanged), (0, 0, dry.created), "the same package again changes nothing");
    assert_eq!(exported(&empty, &dir_b).await, package);

    // All or nothing: one bad cell, and not even the good rows are written.
    let mut broken = package.clone();
    // The first service (rows count records, as a spreadsheet does, whatever line breaks cells hold).
    let services = String::from_utf8(broken["services.csv"].clone()).unwrap().replacen(",active,", ",closed,", 1);
    broken.insert("services.csv".into(), services.into_bytes());
    let refused = import(&empty, broken.clone(), socio_store::Actor::System, false).await.unwrap();
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
    let broken = zipped(&files);
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

fn zipped(files: &HashMap<String, Vec<u8>>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in files {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zip, content).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A CSV as (header, rows) and back, keeping every cell as written.
fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    (header, reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect())
}

fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    writer.write_record(header).unwrap();
    rows.iter().for_each(|r| writer.write_record(r).unwrap());
    writer.into_inner().unwrap()
}

/// The package cut down to one organization: its own row, places and services, and every row
/// of the other tables that hangs off them (phones, schedules, attributes …), as another
/// directory would export that organization alone.
fn only_organization(files: &HashMap<String, Vec<u8>>, organization: &str) -> HashMap<String, Vec<u8>> {
    let mut dropped: HashSet<String> = HashSet::new();
    let mut out = files.clone();
    for (file, owner) in [("organizations.csv", "id"), ("locations.csv", "organization_id"), ("services.csv", "organization_id")] {
        let (header, rows) = csv_rows(&files[file]);
        let (column, id) = (header.iter().position(|h| h == owner).unwrap(), header.iter().position(|h| h == "id").unwrap());
        let (kept, gone): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r[column] == organization);
        dropped.extend(gone.into_iter().map(|r| r[id].clone()));
        out.insert(file.to_owned(), csv_bytes(&header, &kept));
    }
    // Twice: a phone of a service at a location hangs off a row that hangs off a service.
    for _ in 0..2 {
        for (file, bytes) in files {
            if !file.ends_with(".csv")
                || file.starts_with("taxonom")
                || ["organizations.csv", "locations.csv", "services.csv"].contains(&file.as_str())
            {
                continue;
            }
            let (header, rows) = csv_rows(bytes);
            let id = header.iter().position(|h| h == "id");
            let (kept, gone): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| !r.iter().any(|cell| dropped.contains(cell)));
            dropped.extend(gone.into_iter().filter_map(|r| Some(r[id?].clone())));
            out.insert(file.clone(), csv_bytes(&header, &kept));
        }
    }
    out
}

/// Replaces the first cell `from` in `column` of a CSV by `to`.
fn edited(bytes: &[u8], column: &str, from: &str, to: &str) -> Vec<u8> {
    let (header, mut rows) = csv_rows(bytes);
    let at = header.iter().position(|h| h == column).unwrap();
    let row = rows.iter_mut().find(|r| r[at] == from).unwrap_or_else(|| panic!("no {column} = {from}"));
    row[at] = to.to_owned();
    csv_bytes(&header, &rows)
}

async fn a_partner_uploads_its_own_organizations_package_into_moderation_and_nothing_of_another(app: TestApp) {
    use socio_client::CabinetPath;
    let moderator = crate::cabinet::moderator(&app, "moderator@example.org").await;
    let service = app.client.service("prokat-tsr-serov").await.unwrap();
    let partner = crate::cabinet::claimant(&app, &moderator, "package@example.org", &service.organization.slug).await;
    let post = |body: Vec<u8>, query: &str| {
        app.http
            .post(format!("{}/api/v1/cabinet/import/package?{query}", app.address))
            .bearer_auth(&partner.token)
            .header("content-type", "application/zip")
            .body(body)
            .send()
    };
    let zip = app.get("/api/hsds/datapackage.zip").await.bytes().await.unwrap().to_vec();
    let whole = socio_api::export::read_zip(std::io::Cursor::new(zip.clone())).unwrap();
    let organizations: serde_json::Value =
        app.get_json(&format!("/api/hsds/organizations?search={}&per_page=50", service.organization.name), 200).await;
    let own = organizations["contents"].as_array().unwrap().iter().find(|o| o["name"] == service.organization.name.as_str()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The whole directory: every other organization's record is named, nothing is written.
    let refused = post(zip, "").await.unwrap();
    assert_eq!(refused.status(), 422);
    let problem: socio_domain::api::Problem = refused.json().await.unwrap();
    assert!(
        problem.errors.iter().any(|e| e.field.starts_with("organizations.csv:") && e.field.ends_with(":id")),
        "{:?}",
        &problem.errors[..3]
    );
    assert!(problem.errors.iter().any(|e| e.field.starts_with("services.csv:") && e.detail.contains("другой организации")));
    assert!(partner.client.cabinet_revisions(1).await.unwrap().items.is_empty(), "nothing written");

    // Its own part, as exported: nothing to change.
    let package = only_organization(&whole, &own);
    let (_, services) = csv_rows(&package["services.csv"]);
    assert!(!services.is_empty());
    let same: serde_json::Value = post(zipped(&package), "").await.unwrap().json().await.unwrap();
    assert_eq!((same["created"].as_u64(), same["updated"].as_u64()), (Some(0), Some(0)), "{same}");
    let (_, locations) = csv_rows(&package["locations.csv"]);
    assert_eq!(same["unchanged"].as_u64(), Some((1 + locations.len() + services.len()) as u64), "{same}");

    // A renamed service and a new one: a revision and a draft for the moderator, the public
    // directory unchanged until they are approved.
    let (header, rows) = csv_rows(&package["services.csv"]);
    let (id, name) = (header.iter().position(|h| h == "id").unwrap(), header.iter().position(|h| h == "name").unwrap());
    let first = rows[0][name].clone();
    let mut changed = package.clone();
    changed.insert("services.csv".into(), edited(&package["services.csv"], "name", &first, "Прокат колясок и ходунков"));
    let mut with_new = csv_rows(&changed["services.csv"]).1;
    let mut new_row = with_new[0].clone();
    new_row[id] = uuid::Uuid::new_v4().to_string();
    new_row[name] = "Прокат противопролежневых матрасов".into();
    let copied = new_row[id].clone();
    with_new.push(new_row);
    changed.insert("services.csv".into(), csv_bytes(&header, &with_new));
    // Its attributes, cost, areas and the rest: those of the first service, under new ids.
    for (file, bytes) in &package {
        if !file.ends_with(".csv") || file == "services.csv" {
            continue;
        }
        let (table_header, mut table) = csv_rows(bytes);
        let Some(row_id) = table_header.iter().position(|h| h == "id") else { continue };
        let copies: Vec<Vec<String>> = table
            .iter()
            .filter(|r| r.iter().enumerate().any(|(i, c)| i != row_id && *c == rows[0][id]))
            .map(|r| {
                let mut copy: Vec<String> = r.iter().map(|c| if *c == rows[0][id] { copied.clone() } else { c.clone() }).collect();
                copy[row_id] = uuid::Uuid::new_v4().to_string();
                copy
            })
            .collect();
        table.extend(copies);
        changed.insert(file.clone(), csv_bytes(&table_header, &table));
    }
    let dry: serde_json::Value = post(zipped(&changed), "dry_run=true").await.unwrap().json().await.unwrap();
    assert_eq!((dry["dry_run"].as_bool(), dry["created"].as_u64(), dry["updated"].as_u64()), (Some(true), Some(1), Some(1)), "{dry}");
    assert!(partner.client.cabinet_revisions(1).await.unwrap().items.is_empty(), "a dry run writes nothing");
    let real: serde_json::Value = post(zipped(&changed), "").await.unwrap().json().await.unwrap();
    assert_eq!((real["created"].as_u64(), real["updated"].as_u64()), (Some(1), Some(1)), "{real}");
    let revisions = partner.client.cabinet_revisions(1).await.unwrap().items;
    assert_eq!(revisions.len(), 2, "{revisions:?}");
    assert!(revisions.iter().any(|r| r.title == "Прокат противопролежневых матрасов"));
    let listed = partner.client.cabinet_list(CabinetPath::Services).await.unwrap();
    assert!(listed.iter().any(|s| s.name == "Прокат противопролежневых матрасов"));
    let public: serde_json::Value = app.get_json(&format!("/api/hsds/services/{}", rows[0][id]), 200).await;
    assert_eq!(public["name"], first.as_str(), "published only after moderation");
    let again: serde_json::Value = post(zipped(&changed), "").await.unwrap().json().await.unwrap();
    assert_eq!(
        (again["created"].as_u64(), again["updated"].as_u64()),
        (Some(0), Some(0)),
        "what waits for the moderator is no change: {again}"
    );

    // Another organization's service claimed under this one's id is not taken over.
    let (all_header, all_services) = csv_rows(&whole["services.csv"]);
    let owner = all_header.iter().position(|h| h == "organization_id").unwrap();
    let mut theirs = all_services.iter().find(|r| r[owner] != own).unwrap().clone();
    theirs[owner] = own.clone();
    // Its attributes, areas and the rest as the directory exports them.
    let mut stolen = whole.clone();
    for own_file in ["organizations.csv", "locations.csv"] {
        stolen.insert(own_file.into(), package[own_file].clone());
    }
    stolen.insert("services.csv".into(), csv_bytes(&all_header, &[theirs]));
    let refused = post(zipped(&stolen), "").await.unwrap();
    assert_eq!(refused.status(), 422);
    let problem: socio_domain::api::Problem = refused.json().await.unwrap();
    assert!(
        problem.errors.iter().any(|e| e.field == "services.csv:2:id" && e.detail.contains("другой организации")),
        "{:?}",
        problem.errors
    );

    assert_eq!(post(b"not a zip".to_vec(), "").await.unwrap().status(), 400);
    let anonymous = app.http.post(format!("{}/api/v1/cabinet/import/package", app.address)).body("x").send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

/// Sets `column` of the `index`-th row (0 = the first after the header) of a CSV.
fn set_cell(bytes: &[u8], index: usize, column: &str, value: &str) -> Vec<u8> {
    let (header, mut rows) = csv_rows(bytes);
    let at = header.iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"));
    rows[index][at] = value.to_owned();
    csv_bytes(&header, &rows)
}

async fn every_broken_row_of_a_package_is_named_by_file_row_and_column_and_nothing_is_written(app: TestApp) {
    let moderator = app.create_user(socio_domain::vocabulary::UserRole::Moderator, "moderator@example.org").await;
    let token = app.token_of(moderator);
    let zip = app.get("/api/hsds/datapackage.zip").await.bytes().await.unwrap().to_vec();
    let mut files = socio_api::export::read_zip(std::io::Cursor::new(zip.clone())).unwrap();

    // A bad ИНН: the identifier row of the first organization that has one.
    let (header, identifiers) = csv_rows(&files["organization_identifiers.csv"]);
    let kind = header.iter().position(|h| h == "identifier_scheme").unwrap();
    let inn = identifiers.iter().position(|r| r[kind] == "RU-INN").unwrap();
    files.insert("organization_identifiers.csv".into(), set_cell(&files["organization_identifiers.csv"], inn, "identifier", "1234567890"));
    // An unknown category, a missing name, a duplicate id, a cell of 10 MB.
    let (header, attributes) = csv_rows(&files["attributes.csv"]);
    let link_type = header.iter().position(|h| h == "link_type").unwrap();
    let category = attributes.iter().position(|r| r[link_type] == "category").unwrap();
    files.insert(
        "attributes.csv".into(),
        set_cell(&files["attributes.csv"], category, "taxonomy_term_id", &uuid::Uuid::new_v4().to_string()),
    );
    let mut services = set_cell(&files["services.csv"], 1, "name", "");
    services = set_cell(&services, 2, "description", &"x".repeat(10 * 1024 * 1024));
    let (header, mut rows) = csv_rows(&services);
    rows.push(rows[3].clone());
    let duplicate_line = rows.len() + 1;
    // Saved from Excel on a Russian Windows: Windows-1251.
    let services = encoding_rs::WINDOWS_1251.encode(std::str::from_utf8(&csv_bytes(&header, &rows)).unwrap()).0.into_owned();
    files.insert("services.csv".into(), services);
    // Coordinates that are not a place on Earth, or not a number; a formula for Excel.
    let mut locations = set_cell(&files["locations.csv"], 0, "latitude", "200");
    locations = set_cell(&locations, 1, "longitude", "восток");
    locations = set_cell(&locations, 2, "name", "=HYPERLINK(\"http://example.com/\",\"Нажмите\")");
    files.insert("locations.csv".into(), locations);
    // 10 MB of binary garbage instead of the phones.
    let mut garbage = vec![0u8; 10 * 1024 * 1024];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for byte in &mut garbage {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *byte = (state >> 56) as u8;
    }
    files.insert("phones.csv".into(), garbage);

    let refused = app
        .http
        .post(format!("{}/api/v1/backoffice/import", app.address))
        .bearer_auth(&token)
        .header("content-type", "application/zip")
        .body(zipped(&files))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let problem: socio_domain::api::Problem = refused.json().await.unwrap();
    let named: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    for expected in [
        format!("attributes.csv:{}:taxonomy_term_id", category + 2),
        "services.csv:3:name".to_owned(),
        // The description's first paragraph is the summary: 10 MB of it is far too long.
        "services.csv:4:summary".to_owned(),
        format!("services.csv:{duplicate_line}:id"),
        "locations.csv:2:coordinates".to_owned(),
        "locations.csv:3:longitude".to_owned(),
        "locations.csv:4:name".to_owned(),
        "phones.csv:0:".to_owned(),
    ] {
        assert!(named.contains(&expected.as_str()), "{expected} is not named among {named:?}");
    }
    assert!(named.iter().any(|f| f.starts_with("organizations.csv:") && f.ends_with(":inn")), "the ИНН: {named:?}");
    assert!(problem.errors.len() < 20, "each problem once, not one per line of garbage: {}", problem.errors.len());
    let formula = problem.errors.iter().find(|e| e.field == "locations.csv:4:name").unwrap();
    assert!(formula.detail.contains("формулу Excel"), "{}", formula.detail);

    // Nothing was written: the directory's own package is still what it was.
    let after = app.get("/api/hsds/datapackage.zip").await.bytes().await.unwrap().to_vec();
    assert_eq!(
        socio_api::export::read_zip(std::io::Cursor::new(after)).unwrap(),
        socio_api::export::read_zip(std::io::Cursor::new(zip)).unwrap()
    );
}

async fn an_hsds_id_names_one_record_and_an_import_never_moves_it_to_another_organization(app: TestApp) {
    let zip = app.get("/api/hsds/datapackage.zip").await.bytes().await.unwrap().to_vec();
    let mut files = socio_api::export::read_zip(std::io::Cursor::new(zip)).unwrap();
    let (header, rows) = csv_rows(&files["services.csv"]);
    let owner = header.iter().position(|h| h == "organization_id").unwrap();
    let other = rows.iter().map(|r| r[owner].clone()).find(|o| *o != rows[0][owner]).expect("services of two organizations");
    files.insert("services.csv".into(), set_cell(&files["services.csv"], 0, "organization_id", &other));
    let before = app.get("/api/hsds/datapackage.zip").await.bytes().await.unwrap();

    let moderator = app.token_of(app.create_user(socio_domain::vocabulary::UserRole::Moderator, "moderator@example.org").await);
    let refused = app
        .http
        .post(format!("{}/api/v1/backoffice/import", app.address))
        .bearer_auth(moderator)
        .header("content-type", "application/zip")
        .body(zipped(&files))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let problem: socio_domain::api::Problem = refused.json().await.unwrap();
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    let named = problem.errors.iter().find(|e| e.field == "services.csv:2:id").unwrap_or_else(|| panic!("{fields:?}"));
    assert!(named.detail.contains("другой организации"), "{}", named.detail);
    assert_eq!(app.get("/api/hsds/datapackage.zip").await.bytes().await.unwrap(), before, "nothing moved");
}
