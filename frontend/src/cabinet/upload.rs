//! Many records at once: the partner fills the template in Excel (or brings its organization
//! as an HSDS package from another directory), the operator brings a whole package. The page
//! checks the file first (a dry run writes nothing) and lists every problem by row and column,
//! also as a table to open next to the file in Excel; only a file without problems is
//! uploaded, all or nothing.

use std::sync::Arc;

use leptos::{html, prelude::*};
use socio_client::{ClientError, Upload};
use socio_domain::api::ImportOutcome;

use super::{focus_heading, save_file, use_session};

/// The chosen file, read into memory (at most the upload's limit).
#[derive(Clone)]
struct Chosen {
    name: String,
    upload: Upload,
    bytes: Arc<Vec<u8>>,
}

/// One problem of a file, as the API names it (`шаблон.csv:3:Категории`).
#[derive(Clone)]
struct Row {
    file: String,
    row: String,
    column: String,
    message: String,
}

/// What the last check or upload said.
#[derive(Clone)]
enum Answer {
    Checked(ImportOutcome),
    Uploaded(ImportOutcome),
    Problems(Vec<Row>),
    Refused(String),
}

fn answer_of(error: &ClientError) -> Answer {
    let Some(problem) = error.problem() else {
        return Answer::Refused("Нет связи с сервером. Попробуйте ещё раз.".to_owned());
    };
    let rows: Vec<Row> = problem
        .errors
        .iter()
        .map(|e| {
            let mut parts = e.field.splitn(3, ':');
            let (file, row, column) = (parts.next(), parts.next(), parts.next());
            // The detail repeats the row and column for screen readers; the table has them apart.
            let message = e.detail.split_once(": ").filter(|_| column.is_some()).map_or(e.detail.as_str(), |(_, m)| m);
            Row {
                file: file.unwrap_or_default().to_owned(),
                row: row.unwrap_or_default().to_owned(),
                column: column.unwrap_or_default().to_owned(),
                message: message.to_owned(),
            }
        })
        .collect();
    if rows.is_empty() { Answer::Refused(problem.detail.clone()) } else { Answer::Problems(rows) }
}

fn counts(outcome: &ImportOutcome) -> String {
    format!("новых записей — {}, изменённых — {}, без изменений — {}", outcome.created, outcome.updated, outcome.unchanged)
}

/// Reads the file the person chose.
async fn read(input: &web_sys::HtmlInputElement, operator: bool) -> Result<Chosen, String> {
    let file = input.files().and_then(|files| files.get(0)).ok_or("Выберите файл.")?;
    let name = file.name();
    let upload = match (operator, name.to_lowercase().ends_with(".zip")) {
        (true, true) => Upload::OperatorPackage,
        (true, false) => return Err("Нужен ZIP-архив с пакетом HSDS (datapackage.json и CSV-файлы).".to_owned()),
        (false, true) => Upload::PartnerPackage,
        (false, false) => Upload::Template,
    };
    let limit = upload.limit();
    if file.size() > limit as f64 {
        return Err(format!("Файл больше {} МБ: разделите его на части.", limit / 1024 / 1024));
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map_err(|_| "Файл не читается.".to_owned())?;
    Ok(Chosen { name, upload, bytes: Arc::new(js_sys::Uint8Array::new(&buffer).to_vec()) })
}

/// «Загрузка из файла»: the partner's (`operator = false`) or the operator's page.
#[component]
pub fn UploadPage(operator: bool) -> impl IntoView {
    focus_heading();
    let session = use_session();
    let input = NodeRef::<html::Input>::new();
    let chosen = RwSignal::new(None::<Chosen>);
    let answer = RwSignal::new(None::<Answer>);
    let busy = RwSignal::new(false);
    let hint = if operator {
        "ZIP-архив с табличным пакетом HSDS 3.0, до 20 МБ. Записи публикуются сразу."
    } else {
        "Заполненный шаблон (CSV, до 2 МБ) или данные вашей организации в формате HSDS (ZIP, до 20 МБ)."
    };

    let pick = move |_| {
        answer.set(None);
        chosen.set(None);
        let Some(element) = input.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match read(&element, operator).await {
                Ok(file) => chosen.set(Some(file)),
                Err(message) => answer.set(Some(Answer::Refused(message))),
            }
        });
    };
    let send = move |dry_run: bool| {
        let Some(file) = chosen.get_untracked() else {
            answer.set(Some(Answer::Refused("Выберите файл.".to_owned())));
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = session.client().import_file(file.upload, file.bytes.to_vec(), dry_run).await;
            answer.set(Some(match result {
                Ok(outcome) if dry_run => Answer::Checked(outcome),
                Ok(outcome) => Answer::Uploaded(outcome),
                Err(e) => answer_of(&e),
            }));
            busy.set(false);
        });
    };
    let problems_table = move |_| {
        let Some(file) = chosen.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            if let Ok(csv) = session.client().import_problems_csv(file.upload, file.bytes.to_vec()).await {
                save_file("oshibki.csv", "text/csv;charset=utf-8", &csv);
            }
        });
    };
    let template = move |_| {
        leptos::task::spawn_local(async move {
            match session.client().import_template().await {
                Ok(csv) => save_file("uslugi-shablon.csv", "text/csv;charset=utf-8", &csv),
                Err(e) => answer.set(Some(answer_of(&e))),
            }
        });
    };

    view! {
        <h1 tabindex="-1">{if operator { "Загрузка данных в формате HSDS" } else { "Загрузка услуг из файла" }}</h1>
        {(!operator).then(|| view! {
            <p>"Если услуг много, их удобнее заполнить в Excel и загрузить одним файлом. Новые услуги и изменения уйдут на модерацию, как при правке вручную."</p>
            <h2>"1. Скачайте шаблон"</h2>
            <p class="hint">"Одна строка — одна услуга. Во второй строке шаблона написано, что писать в каждом столбце. Если у услуги есть код, при повторной загрузке она обновится, а не появится второй раз."</p>
            <p><button type="button" class="secondary" on:click=template>"Скачать шаблон (CSV для Excel)"</button></p>
        })}
        <h2>{if operator { "1. Выберите файл" } else { "2. Выберите заполненный файл" }}</h2>
        <label for="upload-file">"Файл"</label>
        <p class="hint" id="upload-file-hint">{hint}</p>
        <input
            id="upload-file"
            type="file"
            accept=if operator { ".zip" } else { ".csv,.zip" }
            aria-describedby="upload-file-hint"
            node_ref=input
            on:change=pick
        />
        {move || chosen.get().map(|file| view! { <p>"Выбран файл: "<strong>{file.name}</strong></p> })}
        <h2>{if operator { "2. Проверьте и загрузите" } else { "3. Проверьте и загрузите" }}</h2>
        <p class="hint">"Сначала файл проверяется: ничего не записывается, пока в нём есть ошибки."</p>
        <p>
            <button type="button" on:click=move |_| send(true) disabled=move || busy.get() || chosen.get().is_none()>"Проверить файл"</button>
        </p>
        {move || busy.get().then(|| view! { <p class="status" role="status">"Проверяем файл…"</p> })}
        <div aria-live="polite">
            {move || answer.get().map(|a| match a {
                Answer::Checked(outcome) => view! {
                    <div class="notice" role="status">
                        <p><strong>"Ошибок нет."</strong>" После загрузки: "{counts(&outcome)}"."</p>
                    </div>
                    <p><button type="button" on:click=move |_| send(false) disabled=move || busy.get()>"Загрузить"</button></p>
                }.into_any(),
                Answer::Uploaded(outcome) => view! {
                    <div class="notice" role="status">
                        <p><strong>"Загружено:"</strong>" "{counts(&outcome)}"."</p>
                        {(!operator).then(|| view! {
                            <p>"Новые услуги и изменения появятся на сайте после проверки модератором. "<a href="/cabinet/revisions">"Посмотреть изменения"</a></p>
                        })}
                    </div>
                }.into_any(),
                Answer::Problems(rows) => view! {
                    <div class="error" role="alert">
                        <h2>{format!("Ошибок в файле: {}. Ничего не загружено.", rows.len())}</h2>
                        <p>"Исправьте их в файле и проверьте его ещё раз."</p>
                    </div>
                    <p><button type="button" class="secondary" on:click=problems_table>"Скачать список ошибок (CSV для Excel)"</button></p>
                    <table>
                        <caption>"Ошибки по строкам"</caption>
                        <thead><tr><th scope="col">"Файл"</th><th scope="col">"Строка"</th><th scope="col">"Столбец"</th><th scope="col">"Что не так"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! { <tr><td>{r.file}</td><td>{r.row}</td><td>{r.column}</td><td>{r.message}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Answer::Refused(message) => view! { <div class="error" role="alert"><p>{message}</p></div> }.into_any(),
            })}
        </div>
    }
}
