from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Issue 14 §7: 驻区单位 and 爱心企业 beside social organisations, 在职党员 among volunteers,
    and the kind of claimer on each claim and demand take."""

    dependencies = [('wishes', '0003_list_indexes')]

    initial = False

    operations = [
        ops.AddField(model_name='Organisation', name='org_type',
                     field=fields.CharField(max_length=24, default='social_organisation', db_default='social_organisation',
                                            db_index=True)),
        ops.AddField(model_name='VolunteerProfile', name='party_member', field=fields.BooleanField(default=False, db_default=False)),
        ops.AddField(model_name='VolunteerProfile', name='workplace',
                     field=fields.CharField(max_length=100, default='', db_default='')),
        ops.AddField(model_name='Claim', name='claimer_kind',
                     field=fields.CharField(max_length=24, default='', db_default='')),
        ops.AddField(model_name='DemandTake', name='claimer_kind',
                     field=fields.CharField(max_length=24, default='', db_default='')),
    ]
