from django.db import migrations

# The seeds' checklist for a closed case (each question answered yes or no).
ITEMS = [
    "分类正确（类别、严重程度、风险）",
    "按时限受理、处理和答复",
    "已告知客户处理结果",
    "处理方案恰当、与调查结果相符",
    "记录完整（调查、原因、审批、签字）",
    "已按规定回访",
]


def load(apps, schema_editor):
    ChecklistItem = apps.get_model("quality", "ChecklistItem")
    for order, text in enumerate(ITEMS, start=1):
        ChecklistItem.objects.get_or_create(text=text, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
