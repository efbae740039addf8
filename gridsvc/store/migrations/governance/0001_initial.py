from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('core', '0004_domain')]

    initial = True

    operations = [
        ops.CreateModel(
            name='ReportOffice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('holder', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=50)),
            ],
            options={'table': 'gov_report_office', 'app': 'governance', 'pk_attr': 'id', 'table_description': "The own office of a group of the report table (市局 基政科, a district's 社区办, 新区社区办):"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InformationReport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Area', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='information_reports', on_delete=OnDelete.RESTRICT)),
                ('office', fields.ForeignKeyField('governance.ReportOffice', source_field='office_id', null=True, db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('body', fields.TextField(default='', unique=False)),
                ('attachment', fields.CharField(default='', max_length=200)),
                ('filed_on', fields.DateField(db_index=True)),
                ('pushed', fields.BooleanField(default=False)),
                ('pushed_on', fields.DateField(null=True)),
                ('filed_by', fields.ForeignKeyField('core.User', source_field='filed_by_id', null=True, db_constraint=True, to_field='id', related_name='information_reports', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'gov_report', 'app': 'governance', 'indexes': [Index(fields=['community_id', 'filed_on'])], 'pk_attr': 'id', 'table_description': 'One information report (信息报送) filed by a community (or an office).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReportTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.IntField()),
                ('holder', fields.CharField(max_length=40)),
                ('reports', fields.IntField()),
                ('pushed', fields.IntField()),
                ('imported_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'gov_report_tally', 'app': 'governance', 'unique_together': (('year', 'holder'),), 'pk_attr': 'id', 'table_description': "A year's counts kept elsewhere and imported from the table (import-reports): added to the"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Zone',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=50)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'gov_zone', 'app': 'governance', 'pk_attr': 'id', 'table_description': 'A functional zone that is not a district of the tree (铜川新区: its communities lie in'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ZoneMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('zone', fields.ForeignKeyField('governance.Zone', source_field='zone_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('area', fields.ForeignKeyField('core.Area', source_field='area_id', unique=True, db_constraint=True, to_field='id', related_name='zone_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'gov_zone_member', 'app': 'governance', 'pk_attr': 'id', 'table_description': 'A street or community a zone manages (an area belongs to one zone at most).'},
            bases=['Model'],
        ),
    ]
