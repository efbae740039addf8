import json

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


async def fill_project_areas(apps, schema_editor) -> None:
    """Index the prefixes of the projects made before this table existed."""
    client = schema_editor.client
    rows = await client.execute_query_dict('SELECT "id", "prefixes" FROM "org_project"')
    values = []
    for row in rows:
        prefixes = row["prefixes"] if isinstance(row["prefixes"], list) else json.loads(row["prefixes"] or "[]")
        # area-code prefixes are digits: safe to write as literals on either database
        values += [f"({int(row['id'])}, '{p}')" for p in prefixes if isinstance(p, str) and p.isdigit()]
    if values:
        await client.execute_script(
            'INSERT INTO "org_project_area" ("project_id", "prefix") VALUES ' + ", ".join(values))


class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('wishes', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProjectArea',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('wishes.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='area_links', on_delete=OnDelete.CASCADE)),
                ('prefix', fields.CharField(db_index=True, max_length=24)),
            ],
            options={'table': 'org_project_area', 'app': 'wishes', 'unique_together': (('project', 'prefix'),), 'pk_attr': 'id', 'table_description': 'One service prefix of a project, so that the projects able to serve an area are found'},
            bases=['Model'],
        ),
        ops.RunPython(fill_project_areas, ops.RunPython.noop),
    ]
