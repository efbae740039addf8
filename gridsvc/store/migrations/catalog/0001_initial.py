import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='CatalogRevision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('revision', fields.BigIntField(default=0)),
            ],
            options={'table': 'catalog_revision', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'One row counting catalog changes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('item_list', fields.CharField(db_index=True, max_length=20)),
                ('category', fields.CharField(db_index=True, max_length=20)),
                ('admission_required', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'catalog_item', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'A public-service item, the identity of its versions (by code).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Admission',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('catalog.ServiceItem', source_field='item_id', db_constraint=True, to_field='id', related_name='admissions', on_delete=OnDelete.RESTRICT)),
                ('department', fields.CharField(max_length=200)),
                ('reason', fields.TextField(unique=False)),
                ('legal_basis', fields.TextField(unique=False)),
                ('funding_amount', fields.CharField(max_length=200)),
                ('funding_source', fields.CharField(max_length=200)),
                ('areas', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('period_start', fields.DateField()),
                ('period_end', fields.DateField()),
                ('state', fields.CharField(db_index=True, max_length=12)),
                ('applied_on', fields.DateField()),
                ('applied_by', fields.ForeignKeyField('core.User', source_field='applied_by_id', null=True, db_constraint=True, to_field='id', related_name='admission_applications', on_delete=OnDelete.SET_NULL)),
                ('applied_by_name', fields.CharField(default='', max_length=64)),
                ('decided_on', fields.DateField(null=True)),
                ('decided_by_name', fields.CharField(default='', max_length=64)),
                ('decision_reason', fields.TextField(default='', unique=False)),
                ('ended_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'catalog_admission', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'An application for an item to enter communities lists for some areas and a period.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AdmissionStep',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('admission', fields.ForeignKeyField('catalog.Admission', source_field='admission_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.CASCADE)),
                ('action', fields.CharField(max_length=12)),
                ('from_state', fields.CharField(default='', max_length=12)),
                ('to_state', fields.CharField(max_length=12)),
                ('on', fields.DateField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('by_name', fields.CharField(default='', max_length=64)),
                ('reason', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'catalog_admission_step', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'One recorded step of an admission application: who did what, on which day, and why.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceItemVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('catalog.ServiceItem', source_field='item_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField()),
                ('status', fields.CharField(db_index=True, max_length=12)),
                ('name', fields.CharField(max_length=100)),
                ('data', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('areas', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('published_on', fields.DateField(null=True)),
                ('superseded_on', fields.DateField(null=True)),
                ('revoked_on', fields.DateField(null=True)),
                ('revoke_reason', fields.TextField(default='', unique=False)),
                ('edits', fields.IntField(default=0)),
                ('edited_by', fields.CharField(default='', max_length=64)),
                ('published_by', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'catalog_item_version', 'app': 'catalog', 'unique_together': (('item', 'version'),), 'pk_attr': 'id', 'table_description': 'One version of a service item: a draft, or a published record that is never edited.'},
            bases=['Model'],
        ),
    ]
