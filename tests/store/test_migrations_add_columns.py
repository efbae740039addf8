"""A column added to a table that already has rows must give the database a value for them: a NOT
NULL column added without a database default fails on PostgreSQL ("contains null values") as soon as
the table holds a row, which is what every deployment upgrading from the previous release has.
`default=` is Tortoise's Python-side default and does not reach the ALTER TABLE; `db_default=` does."""

from __future__ import annotations

import importlib
import pkgutil

from tortoise.migrations import operations as ops

import gridsvc.store.migrations as migrations_pkg


def _added_columns():
    for app in pkgutil.iter_modules(migrations_pkg.__path__):
        package = importlib.import_module(f"{migrations_pkg.__name__}.{app.name}")
        for mod in pkgutil.iter_modules(package.__path__):
            migration = importlib.import_module(f"{package.__name__}.{mod.name}").Migration
            for op in migration.operations:
                if isinstance(op, ops.AddField):
                    yield f"{app.name}.{mod.name} {op.model_name}.{op.name}", op.field


def test_every_added_not_null_column_has_a_database_default():
    found = list(_added_columns())
    assert found, "the migrations add columns to existing tables"
    missing = [where for where, field in found if not field.null and not field.has_db_default()]
    assert not missing, f"NOT NULL columns added without db_default (fail on a table with rows): {missing}"
