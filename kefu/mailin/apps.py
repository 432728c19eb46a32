from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailinConfig(AppConfig):
    name = "kefu.mailin"
    label = "mailin"
    verbose_name = _("inbound mail")

    def ready(self) -> None:
        from kefu.mailin.selectors import ticket_mailbox_calendar
        from kefu.sla.services import CALENDAR_SOURCES

        def mailbox_calendar(ticket):
            # Only email tickets came from a mailbox: no query for the others.
            return ticket_mailbox_calendar(ticket.pk) if ticket.channel == "email" else None

        CALENDAR_SOURCES.append(mailbox_calendar)
