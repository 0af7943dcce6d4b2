//! Russian wording for numbers, schedules and ages: shared by the SPA and anything else that
//! speaks to people (printouts, e-mails), and unit-tested here where it is pure.

use crate::OpeningInterval;

/// A distance for people: «350 м», «3,4 км», «27 км». Integer arithmetic only, so the SPA
/// carries no float formatting code.
pub fn distance(km: f64) -> String {
    if !km.is_finite() || km < 0.0 {
        return String::new();
    }
    if km < 1.0 {
        let metres = ((km * 1000.0 / 50.0).round() as u64 * 50).max(50);
        return format!("{metres} м");
    }
    if km < 10.0 {
        let tenths = (km * 10.0).round() as u64;
        return format!("{},{} км", tenths / 10, tenths % 10);
    }
    format!("{} км", km.round() as u64)
}

/// «1 услуга», «2 услуги», «5 услуг».
pub fn plural(n: u64, one: &str, few: &str, many: &str) -> String {
    let word = match (n % 10, n % 100) {
        (1, r) if r != 11 => one,
        (2..=4, r) if !(12..=14).contains(&r) => few,
        _ => many,
    };
    format!("{n} {word}")
}

const DAYS: [&str; 7] = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"];

/// «Пн–Чт 08:30–17:30» for one rule; consecutive days collapse into a range.
pub fn hours(interval: &OpeningInterval) -> String {
    let name = |d: u8| DAYS.get(usize::from(d.saturating_sub(1))).copied().unwrap_or("?");
    let mut days = interval.days.clone();
    days.sort_unstable();
    let consecutive = days.windows(2).all(|w| w[1] == w[0] + 1);
    let days = match (days.first(), days.last()) {
        _ if days.len() == 7 => "Ежедневно".to_owned(),
        (Some(first), Some(last)) if consecutive && days.len() > 1 => format!("{}–{}", name(*first), name(*last)),
        _ => days.iter().map(|d| name(*d)).collect::<Vec<_>>().join(", "),
    };
    if interval.opens == "00:00" && interval.closes == "24:00" {
        format!("{days}: круглосуточно")
    } else {
        format!("{days}: {}–{}", interval.opens, interval.closes)
    }
}

/// «Возраст: от 18 лет», «до 3 лет», «от 4 до 17 лет».
pub fn age_range(min: Option<u8>, max: Option<u8>) -> Option<String> {
    match (min, max) {
        (None, None) => None,
        (Some(min), None) => Some(format!("от {}", plural(u64::from(min), "года", "лет", "лет"))),
        (None, Some(max)) => Some(format!("до {}", plural(u64::from(max), "года", "лет", "лет"))),
        (Some(min), Some(max)) => Some(format!("от {min} до {}", plural(u64::from(max), "года", "лет", "лет"))),
    }
}

/// `2026-10-14` → «14.10.2026».
pub fn date(date: &chrono::NaiveDate) -> String {
    use chrono::Datelike;
    // Plain arithmetic: chrono's strftime machinery would add kilobytes to the wasm.
    format!("{:02}.{:02}.{}", date.day(), date.month(), date.year())
}

/// `2026-11-12` → «12 ноября 2026».
pub fn long_date(date: &chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let month = MONTHS.get(date.month0() as usize).copied().unwrap_or_default();
    format!("{} {month} {}", date.day(), date.year())
}

/// The months as a date names them: «12 ноября».
const MONTHS: [&str; 12] =
    ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];

/// «7 декабря, 14:05»: a moment of this year, from its parts (`month0` counted from 0, as
/// JavaScript's `Date` gives it).
pub fn day_and_time(day: u32, month0: u32, hours: u32, minutes: u32) -> String {
    let month = MONTHS.get(month0 as usize).copied().unwrap_or_default();
    format!("{day} {month}, {hours}:{minutes:02}")
}

/// What to tell a person the server failed them: its own words, and for a fault of the server
/// (5xx) the request's number, which support finds in the log.
pub fn problem_message(problem: &crate::api::Problem) -> String {
    match &problem.request_id {
        Some(id) if problem.status >= 500 => {
            format!("{} Номер обращения: {id}. Назовите его, если будете писать в поддержку.", problem.detail)
        }
        _ => problem.detail.clone(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_server_fault_names_the_request_for_support() {
        let problem = |status: u16, request_id: Option<&str>| crate::api::Problem {
            kind: "/problems/x".into(),
            title: "Ошибка".into(),
            status,
            code: "x".into(),
            detail: "Повторите попытку позже.".into(),
            errors: Vec::new(),
            request_id: request_id.map(str::to_owned),
        };
        assert_eq!(
            super::problem_message(&problem(503, Some("7F000001:C8FA_0001"))),
            "Повторите попытку позже. Номер обращения: 7F000001:C8FA_0001. Назовите его, если будете писать в поддержку."
        );
        assert_eq!(
            super::problem_message(&problem(400, Some("a-1"))),
            "Повторите попытку позже.",
            "a mistake in the input needs no number"
        );
        assert_eq!(super::problem_message(&problem(500, None)), "Повторите попытку позже.");
    }

    use super::*;

    #[test]
    fn a_moment_is_a_day_a_month_and_the_time() {
        assert_eq!(day_and_time(7, 11, 14, 5), "7 декабря, 14:05");
        assert_eq!(day_and_time(1, 0, 9, 30), "1 января, 9:30");
    }

    #[test]
    fn a_long_date_names_its_month() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(long_date(&day(2026, 11, 12)), "12 ноября 2026");
        assert_eq!(long_date(&day(2027, 1, 1)), "1 января 2027");
    }

    #[test]
    fn distances_read_naturally() {
        assert_eq!(distance(0.34), "350 м");
        assert_eq!(distance(0.01), "50 м");
        assert_eq!(distance(3.44), "3,4 км");
        assert_eq!(distance(26.6), "27 км");
    }

    #[test]
    fn russian_plurals() {
        assert_eq!(plural(1, "услуга", "услуги", "услуг"), "1 услуга");
        assert_eq!(plural(3, "услуга", "услуги", "услуг"), "3 услуги");
        assert_eq!(plural(11, "услуга", "услуги", "услуг"), "11 услуг");
        assert_eq!(plural(22, "услуга", "услуги", "услуг"), "22 услуги");
        assert_eq!(plural(25, "услуга", "услуги", "услуг"), "25 услуг");
    }

    #[test]
    fn schedules_read_naturally() {
        let weekdays = OpeningInterval { days: vec![1, 2, 3, 4], opens: "08:30".into(), closes: "17:30".into() };
        assert_eq!(hours(&weekdays), "Пн–Чт: 08:30–17:30");
        let always = OpeningInterval { days: (1..=7).collect(), opens: "00:00".into(), closes: "24:00".into() };
        assert_eq!(hours(&always), "Ежедневно: круглосуточно");
        let odd = OpeningInterval { days: vec![2, 4], opens: "10:00".into(), closes: "14:00".into() };
        assert_eq!(hours(&odd), "Вт, Чт: 10:00–14:00");
    }
}
