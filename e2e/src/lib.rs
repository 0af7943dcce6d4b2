//! Browser tests of the SPA live in `tests/browser`; this crate has no library code.
