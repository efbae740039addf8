import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Area',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=24)),
                ('name', fields.CharField(max_length=100)),
                ('level', fields.CharField(db_index=True, max_length=12)),
                ('parent', fields.ForeignKeyField('core.Area', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('households', fields.IntField(null=True)),
                ('population', fields.IntField(null=True)),
                ('geometry', fields.BinaryField()),
                ('minx', fields.FloatField()),
                ('miny', fields.FloatField()),
                ('maxx', fields.FloatField()),
                ('maxy', fields.FloatField()),
                ('area_m2', fields.FloatField(default=0)),
                ('properties', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'area', 'app': 'core', 'indexes': [Index(fields=['level', 'minx', 'maxx'])], 'pk_attr': 'id', 'table_description': 'One node of the administrative tree (city > ... > building).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BoundaryRevision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('revision', fields.BigIntField(default=0)),
            ],
            options={'table': 'boundary_revision', 'app': 'core', 'pk_attr': 'id', 'table_description': 'One row counting boundary changes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(db_index=True, max_length=64)),
                ('ip', fields.CharField(db_index=True, max_length=64)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'login_attempt', 'app': 'core', 'pk_attr': 'id', 'table_description': 'Failed logins, counted per username and per address to throttle guessing.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('password_hash', fields.CharField(null=True, max_length=200)),
                ('role', fields.CharField(db_index=True, max_length=20)),
                ('display_name', fields.CharField(default='', max_length=100)),
                ('phone', fields.CharField(default='', max_length=20)),
                ('address', fields.CharField(default='', max_length=200)),
                ('org_id', fields.IntField(null=True, db_index=True)),
                ('supervisor', fields.ForeignKeyField('core.User', source_field='supervisor_id', null=True, db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.SET_NULL)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'user', 'app': 'core', 'pk_attr': 'id', 'table_description': 'A person who logs in, or a staff member on a contact board (no password).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_token', 'app': 'core', 'pk_attr': 'id', 'table_description': 'Bearer token for API clients, stored as a hash like sessions.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditLog',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('actor', fields.ForeignKeyField('core.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.SET_NULL)),
                ('actor_name', fields.CharField(default='', max_length=64)),
                ('action', fields.CharField(db_index=True, max_length=40)),
                ('target_type', fields.CharField(max_length=30)),
                ('target_id', fields.CharField(db_index=True, max_length=40)),
                ('area_code', fields.CharField(default='', db_index=True, max_length=24)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('ip', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'audit_log', 'app': 'core', 'pk_attr': 'id', 'table_description': 'Who changed or saw what, and when.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('csrf_token', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('ip', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'session', 'app': 'core', 'pk_attr': 'id', 'table_description': 'Server-side login session.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UserArea',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='area_links', on_delete=OnDelete.CASCADE)),
                ('area', fields.ForeignKeyField('core.Area', source_field='area_id', db_constraint=True, to_field='id', related_name='user_links', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'user_area', 'app': 'core', 'unique_together': (('user', 'area'),), 'pk_attr': 'id', 'table_description': 'The areas assigned to a user, which make up the scope of that user.'},
            bases=['Model'],
        ),
    ]
