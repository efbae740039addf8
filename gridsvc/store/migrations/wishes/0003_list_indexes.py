"""Indexes for the lists (issue 9, item 5): demands in their keyset order (starts_at, id), and
the wishes of a subtree newest first (grid_code, id), read in order instead of sorted. The
subtree itself is a range on the code (store/subtree.py)."""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('wishes', '0002_project_areas')]

    initial = False

    operations = [
        ops.AddIndex(model_name='Demand', index=Index(fields=['starts_at', 'id'])),
        ops.AddIndex(model_name='Wish', index=Index(fields=['grid_code', 'id'])),
        ops.AddIndex(model_name='Notification', index=Index(fields=['user_id', 'id'])),
    ]
