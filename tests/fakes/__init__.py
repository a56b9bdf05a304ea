"""Test doubles for the Telegram side: a fake Bot API server, update builders, a network guard."""
