"""The default business calendar and SLA policies from the domain brief (DOMAIN.md).

Order matters (the first active match applies), so the tier-and-channel rows come
before the tier rows, and the channel rows before silver:

* platinum: 24x7 (calendar time), resolution within 4 h; live chat keeps its 1-minute
  reply; other channels 1 h first/next response (stricter than any channel default).
* gold ("between platinum and silver"): business hours, 2 h response, 12 h resolution;
  live chat keeps its 1-minute reply.
* live chat: first reply within 1 minute, next reply within 1 minute (the brief's
  "no silence longer than 30 s" is the chat widget's business; minutes are the unit here).
* social media: first response within 2 hours.
* email and web form: acknowledge within 4 hours, resolve within 24 hours.
* silver: business hours, response within 24 hours (reached for channels with no
  channel row: phone, API; on the other channels their faster defaults apply).
Standard phone and API tickets have no policy (phone is answered live).
Business time uses the China mainland calendar (official holidays and 调休).
"""

from django.db import migrations

WEEKDAY_HOURS = ["09:00-12:00", "13:30-18:00"]
CALENDAR_NAME = "中国大陆工作日历"

POLICIES = [
    # name, description, conditions, (first, next, resolution) minutes, time mode, escalation
    ("铂金客户 · 在线聊天", "Platinum, live chat: 24x7; reply within 1 minute, resolve within 4 hours.",
     {"tiers": ["platinum"], "channels": ["chat"]}, (1, 1, 240), "calendar", "vip"),
    ("铂金客户", "Platinum: 24x7 dedicated service; respond within 1 hour, resolve within 4 hours.",
     {"tiers": ["platinum"]}, (60, 60, 240), "calendar", "vip"),
    ("金卡客户 · 在线聊天", "Gold, live chat: priority queue; reply within 1 minute, resolve within 8 hours.",
     {"tiers": ["gold"], "channels": ["chat"]}, (1, 1, 480), "business", "vip"),
    ("金卡客户", "Gold: priority queue; respond within 2 hours, resolve within 12 business hours.",
     {"tiers": ["gold"]}, (120, 120, 720), "business", "vip"),
    ("在线聊天", "Live chat / IM: first reply within 1 minute.",
     {"channels": ["chat"]}, (1, 1, None), "business", "standard"),
    ("社交媒体", "Social media: respond within 2 hours.",
     {"channels": ["social"]}, (120, 120, None), "business", "standard"),
    ("邮件与网页表单", "Email and web form: acknowledge within 4 hours, resolve within 24 business hours.",
     {"channels": ["email", "web"]}, (240, 240, 1440), "business", "standard"),
    ("银卡客户", "Silver: business hours; respond within 24 business hours.",
     {"tiers": ["silver"]}, (1440, 1440, None), "business", "standard"),
]

ESCALATION = {
    "vip": {
        "at_risk": {"notify_assignee": True, "notify_lead": True},
        "breached": {"notify_assignee": True, "notify_lead": True, "raise_priority": True,
                     "reassign_to": "lead"},
    },
    "standard": {
        "at_risk": {"notify_assignee": True},
        "breached": {"notify_assignee": True, "notify_lead": True},
    },
}


def create_defaults(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name=CALENDAR_NAME,
        defaults={
            "time_zone": "Asia/Shanghai",
            "weekly_hours": {day: WEEKDAY_HOURS for day in ("mon", "tue", "wed", "thu", "fri")},
            "china_official": True,
        },
    )
    for position, (name, description, conditions, minutes, mode, escalation) in enumerate(POLICIES):
        first, next_, resolution = minutes
        SlaPolicy.objects.get_or_create(
            name=name,
            defaults={
                "description": description, "position": (position + 1) * 10, "active": True,
                "first_response_minutes": first, "next_response_minutes": next_,
                "resolution_minutes": resolution, "time_mode": mode,
                "calendar": calendar if mode == "business" else None,
                "escalation": ESCALATION[escalation], **conditions,
            },
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.filter(name__in=[p[0] for p in POLICIES]).delete()
    apps.get_model("sla", "BusinessCalendar").objects.filter(name=CALENDAR_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
