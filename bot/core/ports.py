"""What the core needs from outside, as plain callables: understanding and tokenising text.

The composition root passes ``intents.classify`` and jieba's tokenizer; tests may pass the same
or a deterministic stand-in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from intents.model import Classification

Understand = Callable[[str, datetime], Classification]
Tokenize = Callable[[str], Sequence[str]]
