"""Indexes for the lists (issue 9, item 5).

The lists find a subtree by a range on an indexed code column (store/subtree.py), which the
existing indexes on area.code and audit_log.area_code answer. What was missing: the staff of
an area (user_area by area_id: its unique index leads with user_id) and the audit log of one
area newest first, which a (area_code, id) index reads in order instead of sorting.
"""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    # the lead re-chains this after the accounts lane's core/0002_accounts
    dependencies = [('core', '0002_accounts')]

    initial = False

    operations = [
        ops.AddIndex(model_name='UserArea', index=Index(fields=['area_id'])),
        ops.AddIndex(model_name='AuditLog', index=Index(fields=['area_code', 'id'])),
    ]
