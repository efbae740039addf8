"""Two indexes on the area table for reading the tree (issue 12, the dashboard's timings).

- (parent_id): the children of an area (`parent_id = ?`) were a scan of the whole table, wide
  rows and all: ~75 ms on the 60,000-grid bench city for the four districts of the city.
- (level, code, households): the communities of a subtree (`level = 'community' AND code` in a
  range) were answered from the unique index on code alone, visiting every area of the
  subtree's wide row to test its level (~78 ms for a city's 2,485 communities among 62,000
  areas); with the level first the range holds only the communities (~8 ms). With households
  it also covers the roll-up's counts per level, which a (level, code) index would have taken
  from core/0006's covering index (the planner prefers the index with the level first).

Plain CREATE INDEX, the same on SQLite and PostgreSQL.
"""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('core', '0008_appointments')]

    initial = False

    operations = [
        ops.AddIndex(model_name='Area', index=Index(fields=['parent_id'])),
        ops.AddIndex(model_name='Area', index=Index(fields=['level', 'code', 'households'])),
    ]
