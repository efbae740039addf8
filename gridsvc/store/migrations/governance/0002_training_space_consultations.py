from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('governance', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Consultation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Area', source_field='community_id', db_constraint=True, to_field='id', related_name='consultations', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('matter', fields.TextField(unique=False)),
                ('raised_by', fields.CharField(max_length=20)),
                ('raised_on', fields.DateField()),
                ('status', fields.CharField(default='raised', db_index=True, max_length=20)),
                ('decision', fields.TextField(default='', unique=False)),
                ('decided_on', fields.DateField(null=True)),
                ('carried_by', fields.CharField(default='', max_length=200)),
                ('result', fields.TextField(default='', unique=False)),
                ('carried_out_on', fields.DateField(null=True)),
                ('satisfied', fields.IntField(default=0)),
                ('fair', fields.IntField(default=0)),
                ('dissatisfied', fields.IntField(default=0)),
                ('evaluation', fields.TextField(default='', unique=False)),
                ('concluded_on', fields.DateField(null=True, db_index=True)),
                ('dropped_reason', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.ForeignKeyField('core.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='consultations', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'gov_consultation', 'app': 'governance', 'pk_attr': 'id', 'table_description': 'A matter of consultation (协商议事) through its five steps (domain.governance.consultations),'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConsultationMeeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('consultation', fields.ForeignKeyField('governance.Consultation', source_field='consultation_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.CASCADE)),
                ('held_on', fields.DateField()),
                ('participants', fields.IntField()),
                ('participant_kinds', fields.CharField(max_length=200)),
                ('minutes', fields.TextField(unique=False)),
            ],
            options={'table': 'gov_consultation_meeting', 'app': 'governance', 'pk_attr': 'id', 'table_description': 'A meeting of 民议: its date, head count, kinds of participant (no names) and minutes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceSpace',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Area', source_field='community_id', db_constraint=True, to_field='id', related_name='service_spaces', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharField(max_length=10)),
                ('m2', fields.FloatField()),
            ],
            options={'table': 'gov_service_space', 'app': 'governance', 'pk_attr': 'id', 'table_description': "A community's service room (服务用房, indoor) or outdoor activity space (户外活动场地), in m²."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrainingSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('area', fields.ForeignKeyField('core.Area', source_field='area_id', db_constraint=True, to_field='id', related_name='training_sessions', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('organiser', fields.CharField(default='', max_length=100)),
                ('held_on', fields.DateField(db_index=True)),
                ('class_hours', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'gov_training_session', 'app': 'governance', 'pk_attr': 'id', 'table_description': 'A training session (培训) staff attended (002 §19), recorded by the area that keeps the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrainingAttendance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('governance.TrainingSession', source_field='session_id', db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='training_attendance', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'gov_training_attendance', 'app': 'governance', 'unique_together': (('session', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
