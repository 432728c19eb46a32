"""kefu (客服): a self-hosted customer-service platform."""

__version__ = "0.1.0"
