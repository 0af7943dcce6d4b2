//! Entry without a situation: general answers and free text to the best-matching situations.

use std::collections::HashSet;

use crate::{
    api::{CategoryGroup, SuggestRequest, SuggestedSituation},
    text::{fold, query_stems},
};

/// What the scorer needs of a situation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SituationDigest {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Folded text of the whole situation (title, summary, description, steps).
    pub text: String,
    pub target_groups: Vec<String>,
    /// Second-level category slugs.
    pub categories: Vec<String>,
}

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

/// Scores every situation against the request; best first, only those with a positive score.
pub fn suggest(situations: &[SituationDigest], taxonomy: &[CategoryGroup], request: &SuggestRequest) -> Vec<SuggestedSituation> {
    let stems = request.text.as_deref().map(query_stems).unwrap_or_default();
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
    let mut scored: Vec<SuggestedSituation> = situations
        .iter()
        .filter_map(|s| {
            let mut score = 0;
            let mut reasons = Vec::new();
            let title = fold(&s.title);
            let matched: Vec<&String> = stems.iter().filter(|stem| s.text.contains(stem.as_str())).collect();
            if !matched.is_empty() {
                let in_title = matched.iter().filter(|stem| title.contains(stem.as_str())).count() as u32;
                score += 3 * matched.len() as u32 + 3 * in_title;
                reasons.push("Совпадает с тем, что вы написали".to_owned());
            }
            let needs_met = s.categories.iter().filter_map(|c| group_of(c)).filter(|g| wanted_groups.contains(g)).collect::<HashSet<_>>();
            if !needs_met.is_empty() {
                score += 2 * needs_met.len() as u32;
                reasons.push("Помогает с тем, что вам нужно".to_owned());
            }
            let people = s.target_groups.iter().filter(|g| groups.contains(g.as_str())).count() as u32;
            if people > 0 {
                score += 2 * people;
                reasons.push("Подходит тому, кому нужна помощь".to_owned());
            }
            (score > 0).then(|| SuggestedSituation {
                slug: s.slug.clone(),
                title: s.title.clone(),
                summary: s.summary.clone(),
                score,
                reasons,
            })
        })
        .collect();
    scored.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.slug.cmp(&b.slug)));
    scored
}

/// The category groups the request's needs point at (for directly relevant services).
pub fn needed_groups(request: &SuggestRequest) -> Vec<&'static str> {
    let mut groups: Vec<&'static str> =
        request.needs.iter().filter_map(|n| NEEDS.iter().find(|(key, ..)| key == n)).flat_map(|(.., g)| g.iter().copied()).collect();
    groups.dedup();
    groups
}
