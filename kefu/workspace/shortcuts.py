"""The keyboard shortcuts listed in the help overlay (?): the lists' (keys.js) and the
ticket page's own. Key names are not translated; what they do is."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SHORTCUTS = [
    (_("Ticket lists"), [
        (("j", "k"), _("Next / previous ticket")),
        (("x",), _("Select or unselect the ticket")),
        (("Enter",), _("Open the ticket")),
        (("/",), _("Search subjects")),
    ]),
    (_("Ticket page"), [
        (("j", "k"), _("Next / previous ticket of the list you came from")),
        (("r",), _("Reply to the customer")),
        (("n",), _("Write an internal note")),
        (("a",), _("Assign to me")),
        (("s",), _("Solve the ticket")),
    ]),
    (_("Everywhere"), [
        (("?",), _("Show this help")),
        (("Esc",), _("Close this help, leave a text field")),
    ]),
]
