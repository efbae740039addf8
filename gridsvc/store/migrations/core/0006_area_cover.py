"""A covering index on the area table for the governance dashboard (issue 12, timings).

The dashboard's dominant query reads a subtree's communities and grids with their households
(a range on code, a filter on level). With (code, level, households) the database answers it
from the index alone instead of visiting each wide row (the WKB geometry): measured ~200 ms to
~45 ms on the 60,000-grid bench city. Plain CREATE INDEX, the same on SQLite and PostgreSQL.
"""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('core', '0005_language')]

    initial = False

    operations = [
        ops.AddIndex(model_name='Area', index=Index(fields=['code', 'level', 'households'])),
    ]
