from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('catalog', '0001_initial'), ('core', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CatalogChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('revision', fields.BigIntField(db_index=True)),
                ('item_id', fields.IntField(null=True)),
            ],
            options={'table': 'catalog_change', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'Which items a catalog revision changed (item_id null means all of them).'},
            bases=['Model'],
        ),
    ]
