from decimal import Decimal

from django.db import migrations

# The seeds' defaults: no money → the department head; up to 500 → the branch head; more →
# head office. The penalty table of the 4S rules; the routes of disagreement per preset.
RULES = [
    ("不涉及金额", Decimal("0"), "department"),
    ("500 元以内", Decimal("500"), "branch"),
    ("500 元以上", None, "head_office"),
]
PENALTIES = [("警告", Decimal("0"), 1), ("小过", Decimal("200"), 2), ("大过", Decimal("500"), 3)]
ROUTES = {
    "general": [
        ("向上一级申请复核", "在本答复之日起 15 日内通过客户门户或客服电话提出", "A review by the level above",
         "within 15 days of this answer, in the portal or by phone"),
        ("消费者协会调解", "向当地消费者协会申请调解", "Mediation by the consumer association", ""),
        ("市场监督管理部门", "拨打 12315 或登录全国 12315 平台投诉", "The market regulator",
         "call 12315 or use the national 12315 platform"),
        ("仲裁", "依双方约定向仲裁机构申请仲裁", "Arbitration", "as the parties agreed"),
        ("人民法院", "依法向人民法院提起诉讼", "The courts", ""),
    ],
    "bank": [
        ("向上一级申请复核", "在本答复之日起 15 日内提出", "A review by the level above",
         "within 15 days of this answer"),
        ("金融纠纷调解组织", "向当地银行业消费纠纷调解中心申请调解", "Financial dispute mediation", ""),
        ("金融监管部门", "拨打 12378 或向国家金融监督管理总局派出机构反映", "The financial regulator",
         "call 12378"),
        ("仲裁", "依双方约定向仲裁机构申请仲裁", "Arbitration", ""),
        ("人民法院", "依法向人民法院提起诉讼", "The courts", ""),
    ],
}


def load(apps, schema_editor):
    ApprovalRule = apps.get_model("handling", "ApprovalRule")
    PenaltyLevel = apps.get_model("handling", "PenaltyLevel")
    AppealRoute = apps.get_model("handling", "AppealRoute")
    for name, ceiling, level in RULES:
        ApprovalRule.objects.get_or_create(name=name, defaults={"max_amount": ceiling, "level": level})
    for name, amount, order in PENALTIES:
        PenaltyLevel.objects.get_or_create(name=name, defaults={"amount": amount, "order": order})
    for preset, routes in ROUTES.items():
        for order, (name, detail, name_en, detail_en) in enumerate(routes, start=1):
            AppealRoute.objects.get_or_create(
                preset=preset,
                name=name,
                defaults={"order": order, "detail": detail, "name_en": name_en, "detail_en": detail_en},
            )


class Migration(migrations.Migration):
    dependencies = [("handling", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
