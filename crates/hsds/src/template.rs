//! The CSV template for people: one row per service, columns named in Russian, values written
//! as a person reads them (category and city names, «Бесплатно»), opening in Excel. Read back
//! into the cabinet's service form, every mistake by row and column.
//!
//! Excel on a Russian Windows saves CSV with `;` between cells and in Windows-1251, unless told
//! otherwise: both separators are accepted, and a file that is not UTF-8 is read as
//! Windows-1251. A `Код` column, the partner's own code for the service, makes re-uploading
//! the same file change nothing.

use std::collections::HashMap;

use socio_domain::{
    api::{ContactsInput, ServiceInput},
    text::fold,
    vocabulary::{Cost, ServiceFormat},
};
use uuid::Uuid;

use crate::{
    import::{MAX_ROWS, Origin, Problem},
    tabular::{MAX_PROBLEMS_PER_FILE, binary_problem, formula_problem, neutralised, restored, too_many_problems},
};

/// The name problems are reported under.
pub const FILE: &str = "шаблон.csv";

/// The columns: (key, header, what to write).
pub const COLUMNS: &[(&str, &str, &str)] = &[
    ("code", "Код", "ваш код услуги, любой; по нему повторная загрузка обновляет услугу, а не создаёт новую"),
    ("name", "Название", "3–300 символов"),
    ("summary", "Кратко", "что человек получает, одним предложением (10–300 символов)"),
    ("description", "Подробно", "до 5000 символов"),
    ("categories", "Категории", "названия категорий через запятую"),
    ("target_groups", "Кому помогаем", "названия категорий получателей через запятую"),
    ("formats", "Как получить", "Очно, На дому, Онлайн, По телефону, Через Госуслуги — через запятую"),
    ("cost", "Стоимость", "Бесплатно, Частично платно или Платно"),
    ("cost_note", "Пояснение к стоимости", "до 500 символов"),
    ("age_min", "Возраст от", "лет, 0–120"),
    ("age_max", "Возраст до", "лет, 0–120"),
    ("eligibility", "Кто может получить", "до 3000 символов"),
    ("documents", "Документы", "каждый документ с новой строки или через точку с запятой"),
    ("how_to_apply", "Как обратиться", "до 3000 символов"),
    ("phone", "Телефон", "+7 и 10 цифр"),
    ("email", "Эл. почта", ""),
    ("website", "Сайт", "http:// или https://"),
    ("municipalities", "Города", "названия городов через запятую"),
    ("locations", "Адреса", "адреса вашей организации, где оказывают услугу, как в кабинете, через точку с запятой"),
];

/// The template's column for a field of the service form (`contacts.phone` → «Телефон»), so a
/// problem found by the form's checks points at the column the person filled.
pub fn column_title(field: &str) -> &str {
    let key = field.rsplit('.').next().unwrap_or(field);
    let key = key.split('[').next().unwrap_or(key);
    COLUMNS.iter().find(|c| c.0 == key).map_or(field, |c| c.1)
}

/// What names in the template stand for.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// (slug, name) of every category and group.
    pub categories: Vec<(String, String)>,
    pub target_groups: Vec<(String, String)>,
    pub cities: Vec<(String, String)>,
    /// The organization's places: (row id, street address).
    pub places: Vec<(i64, String)>,
}

/// One service of the template.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateRow {
    /// The id the service is kept under: from the partner's code, or its name when there is none.
    pub id: Uuid,
    pub origin: Origin,
    pub input: ServiceInput,
}

/// The file's text: UTF-8 (a BOM dropped), or else Windows-1251.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// The template with its header, a row saying what each column takes, for Excel (UTF-8 with a
/// BOM, `;` between cells).
pub fn blank() -> Vec<u8> {
    let line = |cells: Vec<&str>| {
        cells.iter().map(|c| format!("\"{}\"", neutralised(c).replace('"', "\"\""))).collect::<Vec<_>>().join(";") + "\r\n"
    };
    let mut text = String::from("\u{feff}");
    text.push_str(&line(COLUMNS.iter().map(|c| c.1).collect()));
    text.push_str(&line(COLUMNS.iter().map(|c| c.2).collect()));
    text.into_bytes()
}

fn split(cell: &str, separators: &[char]) -> Vec<String> {
    cell.split(separators).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
}

/// Reads the template's rows for the organization `organization` (its HSDS id); the row that
/// says what each column takes, if kept, is skipped.
pub fn read_template(bytes: &[u8], organization: Uuid, vocabulary: &Vocabulary) -> Result<Vec<TemplateRow>, Vec<Problem>> {
    let text = decode(bytes);
    if let Some(message) = binary_problem(&text) {
        return Err(vec![Problem { file: FILE.to_owned(), row: 0, column: String::new(), message: message.to_owned() }]);
    }
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let problem = |row: usize, column: &str, message: String| Problem { file: FILE.to_owned(), row, column: column.to_owned(), message };
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => return Err(vec![problem(1, "", format!("Файл не читается как CSV: {e}."))]),
    };
    let position: HashMap<&str, usize> =
        COLUMNS.iter().filter_map(|(key, title, _)| Some((*key, header.iter().position(|h| fold(h) == fold(title))?))).collect();
    for required in ["name", "summary", "categories", "target_groups", "formats", "cost", "municipalities"] {
        if !position.contains_key(required) {
            let title = COLUMNS.iter().find(|c| c.0 == required).map(|c| c.1).unwrap_or_default();
            problems.push(problem(1, title, format!("Нет столбца «{title}».")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let by_name = |list: &[(String, String)], value: &str| {
        let wanted = fold(value);
        list.iter().find(|(slug, name)| fold(name) == wanted || slug == value).map(|(slug, _)| slug.clone())
    };
    let mut rows = Vec::new();
    let mut codes: HashMap<Uuid, usize> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if rows.len() >= MAX_ROWS {
            problems.push(problem(line, "", format!("В файле больше {MAX_ROWS} строк: разделите загрузку на части.")));
            break;
        }
        if problems.len() >= MAX_PROBLEMS_PER_FILE {
            problems.push(problem(line, "", too_many_problems()));
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(problem(line, "", format!("Строка не читается: {e}.")));
                continue;
            }
        };
        let formulas: Vec<Problem> = header
            .iter()
            .zip(record.iter())
            .filter_map(|(column, cell)| Some(problem(line, column, formula_problem(cell)?.to_owned())))
            .collect();
        if !formulas.is_empty() {
            problems.extend(formulas);
            continue;
        }
        let cell = |key: &str| position.get(key).and_then(|&i| record.get(i)).map(|c| restored(c.trim()).to_owned()).unwrap_or_default();
        let title = |key: &str| COLUMNS.iter().find(|c| c.0 == key).map(|c| c.1).unwrap_or_default();
        if record.iter().all(|c| c.trim().is_empty()) || cell("name") == COLUMNS[1].2 {
            continue;
        }
        let mut names = |key: &str, list: &[(String, String)]| -> Vec<String> {
            split(&cell(key), &[',', ';', '\n'])
                .into_iter()
                .filter_map(|value| {
                    let found = by_name(list, &value);
                    if found.is_none() {
                        problems.push(problem(
                            line,
                            title(key),
                            format!("«{}» — нет такого значения в справочнике.", socio_domain::text::echoed(&value)),
                        ));
                    }
                    found
                })
                .collect()
        };
        let categories = names("categories", &vocabulary.categories);
        let target_groups = names("target_groups", &vocabulary.target_groups);
        let municipalities = names("municipalities", &vocabulary.cities);
        let labelled = |value: &str, labels: &[(&str, &str)]| {
            labels.iter().find(|(slug, label)| fold(label) == fold(value) || slug == &value).map(|(slug, _)| (*slug).to_owned())
        };
        let format_labels: Vec<(&str, &str)> = ServiceFormat::ALL.iter().map(|f| (f.as_str(), f.label())).collect();
        let mut formats = Vec::new();
        for value in split(&cell("formats"), &[',', ';', '\n']) {
            match labelled(&value, &format_labels).and_then(|slug| slug.parse::<ServiceFormat>().ok()) {
                Some(format) => formats.push(format),
                None => problems.push(problem(
                    line,
                    title("formats"),
                    format!(
                        "«{}» — допустимы: {}.",
                        socio_domain::text::echoed(&value),
                        ServiceFormat::ALL.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ")
                    ),
                )),
            }
        }
        formats.sort_unstable();
        formats.dedup();
        let cost_labels: Vec<(&str, &str)> = Cost::ALL.iter().map(|c| (c.as_str(), c.label())).collect();
        let Some(cost) = labelled(&cell("cost"), &cost_labels).and_then(|slug| slug.parse::<Cost>().ok()) else {
            let labels = Cost::ALL.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ");
            problems.push(problem(line, title("cost"), format!("«{}» — допустимы: {labels}.", socio_domain::text::echoed(&cell("cost")))));
            continue;
        };
        let mut age = |key: &str| -> Option<u8> {
            let value = cell(key);
            if value.is_empty() {
                return None;
            }
            let parsed = value.parse::<u8>().ok().filter(|a| *a <= 120);
            if parsed.is_none() {
                problems.push(problem(
                    line,
                    title(key),
                    format!("«{}» — нужно число лет от 0 до 120.", socio_domain::text::echoed(&value)),
                ));
            }
            parsed
        };
        let (age_min, age_max) = (age("age_min"), age("age_max"));
        let mut locations = Vec::new();
        for place in split(&cell("locations"), &[';', '\n']) {
            match vocabulary.places.iter().find(|(_, address)| fold(address) == fold(&place)) {
                Some((id, _)) => locations.push(*id),
                None => problems.push(problem(
                    line,
                    title("locations"),
                    format!("«{}» — такого адреса нет в кабинете организации.", socio_domain::text::echoed(&place)),
                )),
            }
        }
        let optional = |key: &str| Some(cell(key)).filter(|v| !v.is_empty());
        let code = cell("code");
        let id = Uuid::new_v5(
            &organization,
            if code.is_empty() { format!("template-name:{}", fold(&cell("name"))) } else { format!("template:{code}") }.as_bytes(),
        );
        if let Some(first) = codes.insert(id, line) {
            problems.push(problem(
                line,
                title("code"),
                format!("Та же услуга уже есть в строке {first}: у каждой строки свой код (или название)."),
            ));
        }
        rows.push(TemplateRow {
            id,
            origin: Origin { file: FILE, row: line },
            input: ServiceInput {
                name: cell("name"),
                summary: cell("summary"),
                description: cell("description"),
                categories,
                target_groups,
                formats,
                form_442: None,
                cost,
                cost_note: optional("cost_note"),
                age_min,
                age_max,
                eligibility: cell("eligibility"),
                documents: split(&cell("documents"), &[';', '\n']),
                how_to_apply: cell("how_to_apply"),
                contacts: ContactsInput { phone: optional("phone"), email: optional("email"), website: optional("website") },
                locations,
                municipalities,
            },
        });
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        Vocabulary {
            categories: vec![("speech".into(), "Логопедическая помощь".into())],
            target_groups: vec![("children-ovz".into(), "Дети-инвалиды и дети с ОВЗ".into())],
            cities: vec![("serov".into(), "Серов".into())],
            places: vec![(7, "ул. Ленина, 1".into())],
        }
    }

    #[test]
    fn an_excel_file_in_windows_1251_with_semicolons_reads_as_people_wrote_it() {
        let text = "Код;Название;Кратко;Категории;Кому помогаем;Как получить;Стоимость;Города;Адреса;Документы\r\n\
                    L1;Логопед;Занятия с логопедом для детей;логопедическая помощь;Дети-инвалиды и дети с ОВЗ;Очно, онлайн;бесплатно;Серов;ул. Ленина, 1;\"Паспорт; СНИЛС\"\r\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let org = crate::ids::organization("org");
        let rows = read_template(&bytes, org, &vocabulary()).unwrap();
        let input = &rows[0].input;
        assert_eq!(
            (input.name.as_str(), input.categories.as_slice(), input.municipalities.as_slice()),
            ("Логопед", &["speech".to_owned()][..], &["serov".to_owned()][..])
        );
        assert_eq!(input.formats, [ServiceFormat::InPerson, ServiceFormat::Online]);
        assert_eq!((input.cost, input.locations.as_slice()), (Cost::Free, &[7][..]));
        assert_eq!(input.documents, ["Паспорт", "СНИЛС"]);
        assert_eq!(rows[0].id, read_template(text.as_bytes(), org, &vocabulary()).unwrap()[0].id, "the same code, the same service");
    }

    #[test]
    fn every_mistake_is_named_by_row_and_column() {
        let text = "Название,Кратко,Категории,Кому помогаем,Как получить,Стоимость,Города,Возраст от\n\
                    Логопед,Занятия,Плавание,Дети-инвалиды и дети с ОВЗ,Верхом,Бесплатно,Москва,двести\n";
        let problems = read_template(text.as_bytes(), Uuid::nil(), &vocabulary()).unwrap_err();
        let at: Vec<(usize, &str)> = problems.iter().map(|p| (p.row, p.column.as_str())).collect();
        assert_eq!(at, [(2, "Категории"), (2, "Города"), (2, "Как получить"), (2, "Возраст от")]);
        let missing = read_template("Название;Кратко\n".as_bytes(), Uuid::nil(), &vocabulary()).unwrap_err();
        assert!(missing.iter().any(|p| p.column == "Стоимость" && p.row == 1));
        assert!(String::from_utf8(blank()).unwrap().starts_with("\u{feff}\"Код\";\"Название\""));
    }
}
