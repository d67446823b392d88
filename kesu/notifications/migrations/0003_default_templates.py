from django.db import migrations


def load_defaults(apps, schema_editor):
    from kesu.notifications.defaults import DEFAULTS

    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for (kind, language), texts in DEFAULTS.items():
        MessageTemplate.objects.get_or_create(kind=kind, language=language, defaults=texts)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_customer_messages")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
