"""Issue 11 leftovers, item 4: one holder per post, kept by the database. A unique index on the
open term of a post (area, tier; `ended_on` null) means that of two appointments racing past the
roster's check, one lands and the other is refused (store.rosters.appointments maps the index's
refusal to 409 `post_taken`). Partial unique indexes are the same SQL on SQLite and PostgreSQL.

Before 0010 a post could be given a second holder outside the roster (an account created or
edited with an area whose post was held, two grids merged that each had their worker). Such a
post keeps the holder appointed first; the later terms end the day the upgrade runs, with the
reason written on them, and those people leave the post and its scope as an ended term does (the
roster shows the ended terms; appoint or transfer them again where they belong). Nothing else
changes."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tortoise import migrations
from tortoise.migrations import operations as ops

END_REASON = "一个岗位只能一人担任,升级时结束 (one holder per post: ended on upgrade, core/0010)"


async def end_second_holders(apps, schema_editor) -> None:
    client = schema_editor.client
    rows = await client.execute_query_dict(
        'SELECT "id", "user_id", "area_id", "role" FROM "appointment" WHERE "ended_on" IS NULL '
        'ORDER BY "area_id", "role", "started_on", "id"')
    first: dict[tuple[int, str], int] = {}  # post -> the user who holds it first
    later = []
    for r in rows:
        post = (int(r["area_id"]), str(r["role"]))
        if post in first:
            later.append((r, first[post]))
        else:
            first[post] = int(r["user_id"])
    if not later:
        return
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    for r, holder in later:  # ids, a date and a fixed text: safe to write as literals on either database
        await client.execute_script(
            f'UPDATE "appointment" SET "ended_on" = \'{today}\', "end_reason" = \'{END_REASON}\' '
            f'WHERE "id" = {int(r["id"])}')
        if int(r["user_id"]) != holder:  # the same person twice keeps their one assignment
            await client.execute_script(
                f'DELETE FROM "user_area" WHERE "user_id" = {int(r["user_id"])} AND "area_id" = {int(r["area_id"])}')


class Migration(migrations.Migration):
    dependencies = [('core', '0009_area_tree_indexes')]

    initial = False

    operations = [
        ops.RunPython(end_second_holders, ops.RunPython.noop),
        ops.RunSQL('CREATE UNIQUE INDEX "uidx_appointment_open_post" ON "appointment" ("area_id", "role") '
                   'WHERE "ended_on" IS NULL',
                   reverse_sql='DROP INDEX "uidx_appointment_open_post"'),
    ]
