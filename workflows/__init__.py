"""The domain of guanjia: estates, people, tickets, clocks, timers, outbox and fees.

Plain typed Python over ports (Protocols): no web, bot, database or scheduler framework is
imported here, so every rule can be tested on a fake clock in microseconds and reused by every
channel.
"""
