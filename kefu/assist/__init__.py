"""Offline service intelligence: pure Python, no Django imports.

Each module here (PII detection first) can be imported and tested on its own;
the Django apps wire it in through their services and event listeners.
"""
