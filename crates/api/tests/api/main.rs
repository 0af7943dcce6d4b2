//! Integration tests of the API: the real app on a random port, over real SQLite and
//! PostgreSQL databases, through the typed client and raw HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;
mod faults;
mod helpers;
mod hsds;

mod accounts;
mod authoring;
mod backoffice;
mod cabinet;
mod datapackage;
mod guide;
mod health;
mod index_sync;
mod limits;
mod meta;
mod migrations;
mod moderation;
mod openapi;
mod operations;
mod organizations;
mod pages;
mod properties;
mod quality;
mod reference;
mod replicas;
mod reports;
mod review;
mod router;
mod search;
mod seed;
mod services;
mod situations;
mod template;
