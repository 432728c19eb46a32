"""Service levels: business calendars (``calendar``, ``china``), and later policies and breaches.

``calendar`` and ``china`` are pure Python and import without Django settings.
"""
