//! Opening hours of a location: which weekdays, from when to when.
//!
//! Structured rather than free text, so the SPA can say «Открыто сейчас» and third-party apps
//! can filter, and so a typo like «25:00» is caught when the partner saves it.

use serde::{Deserialize, Serialize};

/// One rule: on these weekdays the place is open from `opens` to `closes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningInterval {
    /// Дни недели: 1 — понедельник … 7 — воскресенье.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::weekdays))]
    pub days: Vec<u8>,
    /// Время открытия, ЧЧ:ММ.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::opens))]
    pub opens: String,
    /// Время закрытия, ЧЧ:ММ (24:00 — до конца суток).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::closes))]
    pub closes: String,
}

/// The week's schedule; empty means "not published".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OpeningHours(pub Vec<OpeningInterval>);

/// Why a schedule is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("день недели должен быть от 1 до 7, а не {0}")]
    Weekday(u8),
    #[error("время «{0}» должно быть в формате ЧЧ:ММ")]
    Time(String),
    #[error("время закрытия {closes} раньше открытия {opens}")]
    Order { opens: String, closes: String },
    #[error("не указаны дни недели")]
    NoDays,
}

fn minutes(time: &str) -> Option<u32> {
    let (h, m) = time.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

impl OpeningHours {
    /// Checks every rule.
    pub fn parse(intervals: Vec<OpeningInterval>) -> Result<Self, HoursError> {
        for interval in &intervals {
            if interval.days.is_empty() {
                return Err(HoursError::NoDays);
            }
            if let Some(day) = interval.days.iter().find(|d| !(1..=7).contains(*d)) {
                return Err(HoursError::Weekday(*day));
            }
            let opens = minutes(&interval.opens).ok_or_else(|| HoursError::Time(interval.opens.clone()))?;
            let closes = minutes(&interval.closes).ok_or_else(|| HoursError::Time(interval.closes.clone()))?;
            if closes <= opens {
                return Err(HoursError::Order { opens: interval.opens.clone(), closes: interval.closes.clone() });
            }
        }
        Ok(Self(intervals))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(days: &[u8], opens: &str, closes: &str) -> OpeningInterval {
        OpeningInterval { days: days.to_vec(), opens: opens.into(), closes: closes.into() }
    }

    #[test]
    fn a_working_week_and_round_the_clock_parse() {
        assert!(OpeningHours::parse(vec![interval(&[1, 2, 3, 4], "08:30", "17:30"), interval(&[5], "08:30", "16:15")]).is_ok());
        assert!(OpeningHours::parse(vec![interval(&[1, 2, 3, 4, 5, 6, 7], "00:00", "24:00")]).is_ok());
    }

    #[test]
    fn typos_are_caught() {
        assert_eq!(OpeningHours::parse(vec![interval(&[8], "09:00", "18:00")]), Err(HoursError::Weekday(8)));
        assert_eq!(OpeningHours::parse(vec![interval(&[1], "9:00", "18:00")]), Err(HoursError::Time("9:00".into())));
        assert_eq!(OpeningHours::parse(vec![interval(&[1], "09:00", "25:00")]), Err(HoursError::Time("25:00".into())));
        assert!(matches!(OpeningHours::parse(vec![interval(&[1], "18:00", "09:00")]), Err(HoursError::Order { .. })));
        assert_eq!(OpeningHours::parse(vec![interval(&[], "09:00", "18:00")]), Err(HoursError::NoDays));
    }
}
