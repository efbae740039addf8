"""Boundary generations (issue 11 item 2): `area_version` keeps every geometry an area had with
the days it was in force, `boundary_change` the codes each boundary revision changed.

Every existing area gets an open version from 1900-01-01, so `on=` answers for data stored
before this migration as it stands today (its earlier shapes were never kept)."""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

FAR_PAST = "1900-01-01"


async def open_versions(apps, schema_editor) -> None:
    """One open version per existing area; its last change time stands for `changed_at`."""
    await schema_editor.client.execute_script(
        'INSERT INTO "area_version" ("code", "level", "parent_code", "name", "geometry", "minx", "miny", "maxx", '
        '"maxy", "area_m2", "households", "population", "valid_from", "valid_to", "changed_by_id", '
        '"changed_by_name", "changed_at", "note") '
        'SELECT a."code", a."level", p."code", a."name", a."geometry", a."minx", a."miny", a."maxx", a."maxy", '
        f'a."area_m2", a."households", a."population", \'{FAR_PAST}\', NULL, NULL, \'\', a."updated_at", \'\' '
        'FROM "area" a LEFT JOIN "area" p ON p."id" = a."parent_id"')


class Migration(migrations.Migration):
    dependencies = [('core', '0006_area_cover')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AreaVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(max_length=24)),
                ('level', fields.CharField(max_length=12)),
                ('parent_code', fields.CharField(null=True, max_length=24)),
                ('name', fields.CharField(max_length=100)),
                ('geometry', fields.BinaryField()),
                ('minx', fields.FloatField()),
                ('miny', fields.FloatField()),
                ('maxx', fields.FloatField()),
                ('maxy', fields.FloatField()),
                ('area_m2', fields.FloatField(default=0)),
                ('households', fields.IntField(null=True)),
                ('population', fields.IntField(null=True)),
                ('valid_from', fields.DateField()),
                ('valid_to', fields.DateField(null=True)),
                ('changed_by_id', fields.IntField(null=True)),
                ('changed_by_name', fields.CharField(max_length=100, default='')),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.CharField(max_length=200, default='')),
            ],
            options={'table': 'area_version', 'app': 'core', 'pk_attr': 'id',
                     'indexes': [Index(fields=['code', 'valid_from']), Index(fields=['level', 'valid_from'])],
                     'table_description': "One generation of an area's boundary."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BoundaryChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('revision', fields.BigIntField(db_index=True)),
                ('code', fields.CharField(max_length=24)),
            ],
            options={'table': 'boundary_change', 'app': 'core', 'pk_attr': 'id',
                     'table_description': 'The areas a boundary revision changed.'},
            bases=['Model'],
        ),
        ops.RunPython(open_versions, ops.RunPython.noop),
    ]
