"""Service levels: business calendars, SLA policies, per-ticket clocks and the breach sweep.

``calendar`` and ``china`` are pure Python and import without Django settings.
"""
