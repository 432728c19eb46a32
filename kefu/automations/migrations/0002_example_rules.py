"""The shipped example rules, created disabled for admins to enable."""

from django.db import migrations

EXAMPLES = [
    {
        "name": "已解决 7 天后自动关闭",
        "description": "Auto-close solved tickets after 7 days.",
        "event": "time_based", "time_anchor": "status", "time_status": "solved", "time_hours": 7 * 24,
        "position": 10, "match": "all", "conditions": [],
        "actions": [{"type": "set_status", "value": "closed"}],
    },
    {
        "name": "待回复 3 天后提醒客户",
        "description": "Remind the customer after 3 days pending.",
        "event": "time_based", "time_anchor": "status", "time_status": "pending", "time_hours": 3 * 24,
        "position": 20, "match": "all", "conditions": [],
        "actions": [{"type": "reply", "body": "您好，我们还在等待您的回复……如问题已解决，请告诉我们，谢谢！"}],
    },
    {
        "name": "白金客户投诉标记为紧急",
        "description": "Tag complaints from platinum customers as urgent.",
        "event": "ticket_created", "position": 10, "match": "all",
        "conditions": [
            {"field": "customer_tier", "op": "is", "value": "platinum"},
            {"any": [
                {"field": "type", "op": "is", "value": "complaint"},
                {"field": "message_text", "op": "contains", "value": "投诉"},
                {"field": "subject", "op": "contains", "value": "投诉"},
            ]},
        ],
        "actions": [{"type": "set_priority", "value": "urgent"}, {"type": "add_tags", "tags": ["投诉"]}],
    },
]


def create(apps, schema_editor):
    Rule = apps.get_model("automations", "Rule")
    for example in EXAMPLES:
        Rule.objects.get_or_create(name=example["name"], defaults={**example, "active": False})


def remove(apps, schema_editor):
    Rule = apps.get_model("automations", "Rule")
    Rule.objects.filter(name__in=[e["name"] for e in EXAMPLES], active=False).delete()


class Migration(migrations.Migration):
    dependencies = [("automations", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
