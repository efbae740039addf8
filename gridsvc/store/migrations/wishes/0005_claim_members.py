from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """The members an organisation names when it claims a demand, and a notification's words in
    English beside the Chinese (issue 10 items 1 and 7)."""

    dependencies = [('core', '0001_initial'), ('wishes', '0004_domain')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DemandTakeMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('take', fields.ForeignKeyField('wishes.DemandTake', source_field='take_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='demand_commitments', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'demand_take_member', 'app': 'wishes', 'unique_together': (('take', 'user'),), 'pk_attr': 'id', 'table_description': 'A member an organisation names in its claim of a demand (the claim\'s count is their number).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Notification',
            name='words',
            field=fields.JSONField(null=True),
        ),
    ]
