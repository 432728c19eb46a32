from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What the web form asks the customer; each maps to a tag (and sometimes a type)."""

    ORDER = "order", _("Orders and delivery")
    RETURN = "return", _("Returns and refunds")
    PRODUCT = "product", _("Product question")
    ACCOUNT = "account", _("Account and payment")
    COMPLAINT = "complaint", _("Complaint")
    OTHER = "other", _("Other")


# Tags are data, not UI text: agents filter on them in every language.
CATEGORY_TAGS = {
    Category.ORDER: "订单物流",
    Category.RETURN: "退换货",
    Category.PRODUCT: "产品咨询",
    Category.ACCOUNT: "账户支付",
    Category.COMPLAINT: "投诉",
    Category.OTHER: "其他",
}


class ReplyOutcome(models.TextChoices):
    REPLIED = "replied", _("Reply sent")
    REOPENED = "reopened", _("Ticket reopened")
    FOLLOW_UP = "follow_up", _("Follow-up created")
