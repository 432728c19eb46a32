from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    INCIDENT = "incident", _("Incident")
    PROBLEM = "problem", _("Problem")
    TASK = "task", _("Task")
    COMPLAINT = "complaint", _("Complaint")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone")
    SOCIAL = "social", _("Social media")
    API = "api", _("API")


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public reply")
    INTERNAL = "internal", _("Internal note")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    FIELD_CHANGED = "field_changed", _("Field changed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REOPENED = "reopened", _("Reopened")
    MESSAGE_ADDED = "message_added", _("Message added")
    MERGED_INTO = "merged_into", _("Merged into another ticket")
    MERGED_FROM = "merged_from", _("Another ticket merged in")
    FOLLOW_UP = "follow_up", _("Follow-up created")
    AUTOMATION = "automation", _("Automation rule ran")
    TRIAGE = "triage", _("Auto-triage")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    BOOLEAN = "boolean", _("Yes/no")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
