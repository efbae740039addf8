from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Issue 14: who approves an admission and the papers it carries; refusals of unadmitted work."""

    dependencies = [('catalog', '0002_change_log'), ('core', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(model_name='Admission', name='department_level',
                     field=fields.CharField(max_length=10, default='district', db_default='district')),
        ops.AddField(model_name='Admission', name='approval_document',
                     field=fields.CharField(max_length=300, default='', db_default='')),
        ops.AddField(model_name='Admission', name='agreement',
                     field=fields.CharField(max_length=300, default='', db_default='')),
        ops.CreateModel(
            name='AdmissionRefusal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.CharField(max_length=12, db_index=True)),
                ('department', fields.CharField(max_length=200)),
                ('work', fields.CharField(max_length=500)),
                ('reason', fields.TextField(default='')),
                ('refused_on', fields.DateField()),
                ('recorded_by_name', fields.CharField(max_length=64, default='')),
                ('created_at', fields.DatetimeField(auto_now_add=True)),
            ],
            options={'table': 'catalog_admission_refusal', 'app': 'catalog', 'pk_attr': 'id',
                     'table_description': "A community's refusal of work that was never admitted."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SealUse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.CharField(max_length=12, db_index=True)),
                ('item_code', fields.CharField(max_length=16)),
                ('item_name', fields.CharField(max_length=100)),
                ('for_whom', fields.CharField(max_length=100)),
                ('purpose', fields.CharField(max_length=300)),
                ('used_by', fields.ForeignKeyField('core.User', source_field='used_by_id', null=True,
                                                   db_constraint=True, to_field='id', related_name='seal_uses',
                                                   on_delete=OnDelete.SET_NULL)),
                ('used_by_name', fields.CharField(max_length=64, default='')),
                ('used_at', fields.DatetimeField()),
                ('serial', fields.CharField(max_length=40, unique=True)),
                ('document_sha256', fields.CharField(max_length=64, default='')),
                ('record_sha256', fields.CharField(max_length=64)),
            ],
            options={'table': 'catalog_seal_use', 'app': 'catalog', 'pk_attr': 'id',
                     'table_description': 'One use of the community seal and its electronic-seal record.'},
            bases=['Model'],
        ),
    ]
