"""The demo's mailbox, support@demo.kefu.local (issue 5). No team: the demo loader (or an
administrator) assigns one; mail to a mailbox without a team lands unassigned."""

from django.db import migrations

DEMO_ADDRESS = "support@demo.kefu.local"


def create(apps, schema_editor):
    Mailbox = apps.get_model("mailin", "Mailbox")
    Mailbox.objects.get_or_create(address=DEMO_ADDRESS, defaults={"name": "kefu demo support"})


def remove(apps, schema_editor):
    Mailbox = apps.get_model("mailin", "Mailbox")
    Mailbox.objects.filter(address=DEMO_ADDRESS, inbound__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("mailin", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
