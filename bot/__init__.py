"""Conversation: the platform-neutral core (``bot.core``) and one adapter per chat platform.

Adapters translate platform updates into neutral messages and render neutral replies; they never
decide. The core never imports a platform type.
"""
