from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Issue 14 §11: residential compounds (小区/院落) as an overlay inside a community."""

    dependencies = [('core', '0003_list_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Compound',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Area', source_field='community_id', db_constraint=True,
                                                     to_field='id', related_name='compounds',
                                                     on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharField(max_length=12, default='estate')),
                ('property_company', fields.CharField(max_length=100, default='')),
                ('owners_committee', fields.CharField(max_length=100, default='')),
                ('party_branch', fields.CharField(max_length=100, default='')),
                ('households', fields.IntField(null=True)),
                ('geometry', fields.BinaryField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'compound', 'app': 'core', 'pk_attr': 'id',
                     'table_description': 'A residential compound inside one community.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CompoundBuilding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('compound', fields.ForeignKeyField('core.Compound', source_field='compound_id', db_constraint=True,
                                                    to_field='id', related_name='buildings',
                                                    on_delete=OnDelete.CASCADE)),
                ('building', fields.OneToOneField('core.Area', source_field='building_id', db_constraint=True,
                                                  to_field='id', related_name='compound_link',
                                                  on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'compound_building', 'app': 'core', 'pk_attr': 'id',
                     'table_description': "A building's compound."},
            bases=['Model'],
        ),
    ]
