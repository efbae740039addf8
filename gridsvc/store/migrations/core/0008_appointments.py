"""Issue 11 item 4: appointments, the history of who held which staff post (an area and a tier)
from when to when. Every staff member assigned today (a staff tier's UserArea row) gets an open
appointment starting on the day their account was made, the earliest day the database knows of.

The lane that adds 0007 lands at the same time: the lead relinks the dependency at merge."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

STAFF_TIERS = ("instructor", "head", "worker", "group_leader", "building_head")  # domain.roles, frozen here
_CHUNK = 1000


def _day(created_at) -> date:
    """The China date of an account's creation: a datetime (PostgreSQL) or its text (SQLite)."""
    if isinstance(created_at, str):
        created_at = datetime.fromisoformat(created_at)
    if not isinstance(created_at, datetime):
        return datetime.now(UTC).date()
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return created_at.astimezone(ZoneInfo("Asia/Shanghai")).date()


async def open_current_terms(apps, schema_editor) -> None:
    client = schema_editor.client
    tiers = ", ".join(f"'{t}'" for t in STAFF_TIERS)
    rows = await client.execute_query_dict(
        'SELECT ua."user_id", ua."area_id", u."role", u."created_at" FROM "user_area" ua '
        f'JOIN "user" u ON u."id" = ua."user_id" WHERE u."role" IN ({tiers}) ORDER BY ua."id"')
    now = datetime.now(UTC).isoformat(sep=" ")
    # ids, a role from the fixed list above and ISO dates: safe to write as literals on either database
    values = [f"({int(r['user_id'])}, {int(r['area_id'])}, '{r['role']}', '{_day(r['created_at']).isoformat()}', "
              f"'', '', '{now}')" for r in rows if r["role"] in STAFF_TIERS]
    for i in range(0, len(values), _CHUNK):
        await client.execute_script(
            'INSERT INTO "appointment" ("user_id", "area_id", "role", "started_on", "reason", "end_reason", '
            '"created_at") VALUES ' + ", ".join(values[i:i + _CHUNK]))


class Migration(migrations.Migration):
    dependencies = [('core', '0007_generations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Appointment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='appointments', on_delete=OnDelete.CASCADE)),
                ('area', fields.ForeignKeyField('core.Area', source_field='area_id', db_constraint=True, to_field='id', related_name='appointments', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharField(max_length=20)),
                ('started_on', fields.DateField()),
                ('ended_on', fields.DateField(null=True)),
                ('appointed_by', fields.ForeignKeyField('core.User', source_field='appointed_by_id', null=True, db_constraint=True, to_field='id', related_name='appointments_made', on_delete=OnDelete.SET_NULL)),
                ('ended_by', fields.ForeignKeyField('core.User', source_field='ended_by_id', null=True, db_constraint=True, to_field='id', related_name='appointments_ended', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('end_reason', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'appointment', 'app': 'core', 'indexes': [Index(fields=['area_id', 'role', 'ended_on']), Index(fields=['user_id', 'ended_on'])], 'pk_attr': 'id', 'table_description': 'One term of one person in one post, open (`ended_on` null) while they serve.'},
            bases=['Model'],
        ),
        ops.RunPython(open_current_terms, ops.RunPython.noop),
    ]
