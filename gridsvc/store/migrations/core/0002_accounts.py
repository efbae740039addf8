from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """API tokens get a label and the time of their last use (GET /api/v1/auth/tokens), and
    failed logins an index by (account, address), the throttle's question. Columns are added
    nullable (SQLite adds no NOT NULL column to a table with rows), so existing tokens are kept."""

    dependencies = [('core', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(model_name='ApiToken', name='label', field=fields.CharField(null=True, max_length=100)),
        ops.AddField(model_name='ApiToken', name='last_used_at', field=fields.DatetimeField(null=True)),
        ops.AddIndex(model_name='LoginAttempt', index=Index(fields=['username', 'ip', 'at'])),
    ]
