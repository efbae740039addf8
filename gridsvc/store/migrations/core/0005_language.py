from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Issue 10 item 7: the interface language a person picked, kept on the account. Nullable (no
    choice yet: the browser's Accept-Language decides), which SQLite can add to a table with rows."""

    dependencies = [('core', '0004_domain')]

    initial = False

    operations = [
        ops.AddField(model_name='User', name='language', field=fields.CharField(null=True, max_length=8)),
    ]
