"""One adapter per chat platform: translate updates in, render outbox messages out."""
