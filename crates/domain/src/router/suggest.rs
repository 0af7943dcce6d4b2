//! Entry without a situation: general answers and free text to the best-matching situations.
//!
//! What the words match is the search index's answer (stems, synonyms, typos, the rarer word
//! weighing more), passed in: this module only weighs it against the general answers.

use std::collections::HashSet;

use crate::api::{CategoryGroup, SuggestRequest, SuggestedSituation};

/// What the scorer needs of a situation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SituationDigest {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub target_groups: Vec<String>,
    /// Second-level category slugs.
    pub categories: Vec<String>,
}

/// How well a person's own words match a situation, by slug; any scale, higher is better.
pub type StoryMatch = (String, f32);

/// The points of the situation the words match best; the others get their share of them.
/// Words weigh more than the general answers (2 points each): a person who wrote
/// «пенсия по потере кормильца» means that, whatever else they ticked.
const STORY_POINTS: f32 = 12.0;

/// Needs of the general questionnaire and the taxonomy groups that answer them.
pub const NEEDS: &[(&str, &str, &[&str])] = &[
    ("money", "Деньги: пособия, выплаты, льготы", &["benefits"]),
    ("care", "Уход за человеком", &["social-services", "mobility"]),
    ("treatment", "Лечение и реабилитация", &["health-rehab"]),
    ("work", "Работа", &["employment"]),
    ("housing", "Жильё", &["housing"]),
    ("legal", "Юридическая помощь", &["legal-aid"]),
    ("psychological", "Психологическая помощь", &["social-services"]),
    ("education", "Учёба, детский сад, школа", &["education"]),
    ("family", "Семья и дети", &["family"]),
    ("food", "Еда и одежда", &["charity"]),
];

/// Who needs help, and the target groups that suggests.
pub const WHO: &[(&str, &str, &[&str])] = &[
    ("self", "Мне", &[]),
    ("child", "Ребёнку", &["children-ovz", "parents-disabled-children", "large-families", "young-families", "mothers-tzhs"]),
    ("elderly", "Пожилому родственнику", &["elderly", "caregivers"]),
    ("family", "Семье", &["large-families", "young-families", "low-income", "foster-families"]),
];

/// Scores every situation (given in the editors' order) against the request; best first, only
/// those with a positive score.
pub fn suggest(
    situations: &[SituationDigest],
    taxonomy: &[CategoryGroup],
    request: &SuggestRequest,
    story: &[StoryMatch],
) -> Vec<SuggestedSituation> {
    let best = story.iter().map(|(_, score)| *score).fold(0.0, f32::max);
    let mut groups: HashSet<&str> = request
        .who
        .as_deref()
        .and_then(|who| WHO.iter().find(|(key, ..)| *key == who))
        .map(|(.., groups)| groups.iter().copied().collect())
        .unwrap_or_default();
    if request.disability == Some(true) {
        groups.extend(["disabled", "children-ovz", "parents-disabled-children"]);
    }
    let wanted_groups: HashSet<&str> =
        request.needs.iter().filter_map(|n| NEEDS.iter().find(|(key, ..)| key == n)).flat_map(|(.., g)| g.iter().copied()).collect();
    let group_of = |leaf: &str| taxonomy.iter().find(|g| g.children.iter().any(|c| c.slug == leaf)).map(|g| g.slug.as_str());
    let mut scored: Vec<(SuggestedSituation, f32)> = situations
        .iter()
        .filter_map(|s| {
            let mut score = 0;
            let mut reasons = Vec::new();
            let words = story.iter().find(|(slug, _)| *slug == s.slug).map_or(0.0, |(_, matched)| *matched);
            let points = if best > 0.0 { (STORY_POINTS * words / best).round() as u32 } else { 0 };
            if points > 0 {
                score += points;
                reasons.push("Совпадает с тем, что вы написали".to_owned());
            }
            let helping: Vec<&str> = s.categories.iter().filter_map(|c| group_of(c)).filter(|g| wanted_groups.contains(g)).collect();
            let needs_met = helping.iter().collect::<HashSet<_>>();
            if !needs_met.is_empty() {
                // Two points a need met, and up to two more for how much of the situation is
                // about it: «Потеря работы» is all about work, «Выпускник детского дома» partly.
                let share = (2.0 * helping.len() as f32 / s.categories.len().max(1) as f32).round() as u32;
                score += 2 * needs_met.len() as u32 + share;
                reasons.push("Помогает с тем, что вам нужно".to_owned());
            }
            let people = s.target_groups.iter().filter(|g| groups.contains(g.as_str())).count() as u32;
            if people > 0 {
                score += 2 * people;
                reasons.push("Подходит тому, кому нужна помощь".to_owned());
            }
            (score > 0).then(|| {
                let suggested =
                    SuggestedSituation { slug: s.slug.clone(), title: s.title.clone(), summary: s.summary.clone(), score, reasons };
                (suggested, words)
            })
        })
        .collect();
    // Equal points: the closer match of the words first, then the editors' order (the
    // situations come in it), not the alphabet's.
    scored.sort_by(|a, b| b.0.score.cmp(&a.0.score).then(b.1.total_cmp(&a.1)));
    scored.into_iter().map(|(suggested, _)| suggested).collect()
}

/// The category groups the request's needs point at (for directly relevant services).
pub fn needed_groups(request: &SuggestRequest) -> Vec<&'static str> {
    let mut groups: Vec<&'static str> =
        request.needs.iter().filter_map(|n| NEEDS.iter().find(|(key, ..)| key == n)).flat_map(|(.., g)| g.iter().copied()).collect();
    groups.dedup();
    groups
}
