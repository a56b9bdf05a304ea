"""Answering enquiries from the estate's FAQ: BM25 over word and character-bigram tokens.

Tokens come from the caller (the conversation core passes jieba words), plus character bigrams
computed here, which survive typos and segmentation differences. Below the confidence threshold
the caller files a staff task instead of guessing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workflows.estate import FaqEntry

Tokenize = Callable[[str], Sequence[str]]
_RUNS = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
#: Function words that say nothing about which entry is meant.
STOP = frozenset(
    """的 了 吗 呢 啊 吧 呀 么 嘛 我 你 您 他 她 我们 你们 请问 请 问
    问下 问一下 想 想问 要 想要 需要 一下 怎么 怎么办 咋办 咋整 怎么弄
    怎么样 怎样 如何 什么 啥 哪里 哪儿 哪些 哪个 多少 多久 几点 几 是
    是不是 有 有没有 没有 在 这 那 这个 那个 个 和 与 或 可以 能
    能不能 可不 会 吧 呗 就 都 还 也 又 把 被 给 让 谢谢 麻烦 一个
    现在 今天 小区 物业 家里 我家 the a an is are do
    does can how what where when i my to of
    for in on""".split()  # noqa: SIM905 - a word list reads better as text
)


def terms(text: str, tokenize: Tokenize | None) -> list[str]:
    """Content words, plus the bigrams inside longer words (for typos and partial matches)."""
    lowered = text.lower()
    words = list(tokenize(lowered)) if tokenize else _RUNS.findall(lowered)
    result: list[str] = []
    for word in words:
        word = word.strip()
        if not word or word in STOP or not _RUNS.fullmatch(word):
            continue
        if word.isascii():
            if len(word) > 1:
                result.append(word)
            continue
        result.append(word)
        if len(word) >= 3 or not tokenize:
            result += [word[i : i + 2] for i in range(len(word) - 1)]
    return result


@dataclass(frozen=True)
class Match:
    entry: FaqEntry
    score: float
    confident: bool
    coverage: float = 0.0


class FaqIndex:
    """An in-memory BM25 index of one estate's FAQ (tens to hundreds of entries)."""

    def __init__(
        self, entries: Sequence[FaqEntry], tokenize: Tokenize | None = None, *, k1: float = 1.4,
        b: float = 0.6, threshold: float = 3.0, coverage: float = 0.55,
    ) -> None:  # fmt: skip
        self._tokenize = tokenize
        self._k1, self._b, self.threshold, self.coverage = k1, b, threshold, coverage
        self._entries = list(entries)
        self._docs = [Counter(self._terms(self._document(e))) for e in self._entries]
        self._avg = sum(sum(d.values()) for d in self._docs) / max(1, len(self._docs))
        frequency: Counter[str] = Counter()
        for doc in self._docs:
            frequency.update(doc.keys())
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}
        self._unknown_idf = math.log(1 + (n + 0.5) / 0.5)  # a word no entry mentions

    @staticmethod
    def _document(entry: FaqEntry) -> str:
        keywords = " ".join(entry.keywords)
        return f"{entry.question} {entry.question} {keywords} {entry.answer[:120]}"

    def _terms(self, text: str) -> list[str]:
        return terms(text, self._tokenize)

    def search(self, question: str) -> Match | None:
        """The best entry; confident only if it scores well AND covers most of the question's
        informative words (so 'where can I learn paragliding near the estate' does not get the
        metro answer because of 'near the estate')."""
        query = set(self._terms(question))
        if not query:
            return None
        best: tuple[float, int] | None = None
        for index, doc in enumerate(self._docs):
            length = sum(doc.values())
            score = 0.0
            for term in query:
                tf = doc.get(term, 0)
                if tf:
                    norm = tf + self._k1 * (1 - self._b + self._b * length / self._avg)
                    score += self._idf[term] * tf * (self._k1 + 1) / norm
            if best is None or score > best[0]:
                best = (score, index)
        if best is None or best[0] <= 0:
            return None
        doc = self._docs[best[1]]
        # A single character says less than a word; it counts half towards coverage.
        weight = {
            t: self._idf.get(t, self._unknown_idf) * (0.5 if len(t) == 1 else 1.0) for t in query
        }
        covered = sum(w for t, w in weight.items() if t in doc) / sum(weight.values())
        confident = best[0] >= self.threshold and covered >= self.coverage
        return Match(self._entries[best[1]], best[0], confident, covered)
