//! The HSDS list envelope (`Page` in the HSDS API document), which is Spring's: `size` is the
//! page size asked for, and a page past the last one is empty rather than an error.

use serde::{Deserialize, Serialize};

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub total_items: u64,
    pub total_pages: u64,
    /// From 1.
    pub page_number: u64,
    pub size: u64,
    pub first_page: bool,
    pub last_page: bool,
    pub empty: bool,
    pub contents: Vec<T>,
}

impl<T> Page<T> {
    /// Page `page_number` (from 1) of `all`, `size` to a page.
    pub fn of(all: Vec<T>, page_number: u32, size: u32) -> Self {
        let (page_number, size) = (u64::from(page_number.max(1)), u64::from(size.max(1)));
        let total_items = all.len() as u64;
        let total_pages = total_items.div_ceil(size);
        let skip = usize::try_from((page_number - 1) * size).unwrap_or(usize::MAX);
        let contents: Vec<T> = all.into_iter().skip(skip).take(size as usize).collect();
        Page {
            total_items,
            total_pages,
            page_number,
            size,
            first_page: page_number == 1,
            last_page: page_number >= total_pages,
            empty: contents.is_empty(),
            contents,
        }
    }

    /// The same page with its contents turned into something else (records into HSDS objects,
    /// made only for the page).
    pub fn map_contents<U>(self, f: impl FnOnce(Vec<T>) -> Vec<U>) -> Page<U> {
        let contents = f(self.contents);
        Page {
            total_items: self.total_items,
            total_pages: self.total_pages,
            page_number: self.page_number,
            size: self.size,
            first_page: self.first_page,
            last_page: self.last_page,
            empty: contents.is_empty(),
            contents,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_the_list_once_and_past_the_end_is_empty() {
        let all: Vec<u32> = (1..=7).collect();
        let first = Page::of(all.clone(), 1, 3);
        assert_eq!((first.total_items, first.total_pages, first.first_page, first.last_page), (7, 3, true, false));
        assert_eq!(first.contents, [1, 2, 3]);
        let last = Page::of(all.clone(), 3, 3);
        assert_eq!((last.contents.as_slice(), last.last_page, last.empty), (&[7][..], true, false));
        let past = Page::of(all, 4, 3);
        assert!(past.empty && past.last_page && !past.first_page);
        let none = Page::of(Vec::<u32>::new(), 1, 3);
        assert_eq!((none.total_pages, none.empty, none.first_page, none.last_page), (0, true, true, true));
    }
}
