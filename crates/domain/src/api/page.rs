//! Paging of list endpoints.

use serde::{Deserialize, Serialize};

/// Default page size of list endpoints.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// Largest page size a client may ask for.
pub const MAX_PER_PAGE: u32 = 100;

/// One page of a list with the totals a client needs to page on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// Записи этой страницы.
    pub items: Vec<T>,
    /// Сколько всего записей подходит под фильтры.
    pub total: u64,
    /// Номер страницы, с 1.
    pub page: u32,
    /// Размер страницы.
    pub per_page: u32,
    /// Сколько всего страниц (0, если записей нет).
    pub pages: u32,
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, per_page: DEFAULT_PER_PAGE }
    }
}

impl PageRequest {
    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }

    /// How many pages `total` rows make.
    pub fn pages(&self, total: u64) -> u32 {
        u32::try_from(total.div_ceil(u64::from(self.per_page))).unwrap_or(u32::MAX)
    }

    /// Wraps a page of items; `None` when the page lies past the last one (page 1 always exists).
    pub fn wrap<T>(&self, items: Vec<T>, total: u64) -> Option<Page<T>> {
        let pages = self.pages(total);
        (self.page == 1 || self.page <= pages).then_some(Page { items, total, page: self.page, per_page: self.per_page, pages })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_up_and_page_one_always_exists() {
        let request = PageRequest { page: 1, per_page: 20 };
        assert_eq!(request.pages(0), 0);
        assert_eq!(request.pages(20), 1);
        assert_eq!(request.pages(21), 2);
        assert!(request.wrap(Vec::<u8>::new(), 0).is_some());
        let past = PageRequest { page: 3, per_page: 20 };
        assert_eq!(past.offset(), 40);
        assert!(past.wrap(Vec::<u8>::new(), 40).is_none());
        assert!(past.wrap(Vec::<u8>::new(), 41).is_some());
    }
}
