//! Column shapes shared by the migrations, so every table spells ids and timestamps the same way.

use sea_orm_migration::{prelude::*, schema};

/// A 64-bit auto-increment primary key.
pub fn id<T: IntoIden>(name: T) -> ColumnDef {
    schema::big_pk_auto(name)
}

/// A non-null reference to another table's id.
pub fn reference<T: IntoIden>(name: T) -> ColumnDef {
    schema::big_integer(name)
}

/// A nullable reference to another table's id.
pub fn reference_null<T: IntoIden>(name: T) -> ColumnDef {
    schema::big_integer_null(name)
}

/// A UTC timestamp defaulting to now.
pub fn created<T: IntoIden>(name: T) -> ColumnDef {
    schema::timestamp_with_time_zone_default_now(name)
}

/// A foreign key that deletes the row with its parent.
pub fn cascade<T: IntoIden, U: IntoIden, C: IntoIden, D: IntoIden>(
    from_table: T,
    from_col: C,
    to_table: U,
    to_col: D,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from_table, from_col).to(to_table, to_col).on_delete(ForeignKeyAction::Cascade).take()
}

/// A foreign key that refuses to delete a referenced row.
pub fn restrict<T: IntoIden, U: IntoIden, C: IntoIden, D: IntoIden>(
    from_table: T,
    from_col: C,
    to_table: U,
    to_col: D,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from_table, from_col).to(to_table, to_col).on_delete(ForeignKeyAction::Restrict).take()
}

/// A nullable foreign key that is cleared when the referenced row goes.
pub fn set_null<T: IntoIden, U: IntoIden, C: IntoIden, D: IntoIden>(
    from_table: T,
    from_col: C,
    to_table: U,
    to_col: D,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from_table, from_col).to(to_table, to_col).on_delete(ForeignKeyAction::SetNull).take()
}
