"""Text augmentation methods (EDA-style, Wei & Zou 2019): replacing words with near
neighbours, inserting neighbours, swapping and deleting words, and reordering sentences.

A document is split into sentences (curate.text) and each sentence into words (jieba for
Chinese) and the text between them (spaces, punctuation, symbols); a word-level method edits
words only and keeps what lies between, so formulas, code and layout survive. Every choice
comes from the `random.Random` passed in.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from curate.text import WORD_PATTERN, has_han, segment_zh, split_sentences

METHODS = ("synonym", "insert", "swap", "delete", "reorder")
# Only tokens holding a letter are edited; numbers stay where they are, with the punctuation.
_LETTER = re.compile(r"[^\W\d_]")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")

Neighbours = dict[str, list[str]]


@dataclass
class Sentence:
    """A sentence of a document: where it is, the text before its first word, its words and
    the text after each word (so lead + word + gap + word + gap ... is the sentence)."""

    start: int
    end: int
    lead: str
    words: list[str]
    gaps: list[str]
    paragraph: int

    def text(self, words: list[str], gaps: list[str]) -> str:
        """The sentence with other words and gaps."""
        return self.lead + "".join(w + g for w, g in zip(words, gaps, strict=True))


def _pieces(sentence: str, words: list[str]) -> tuple[str, list[str], list[str]]:
    """(lead, words found in order, the text after each)."""
    found, starts, cursor = [], [], 0
    for word in words:
        at = sentence.find(word, cursor)
        if at < 0:
            continue
        found.append(word)
        starts.append(at)
        cursor = at + len(word)
    if not found:
        return sentence, [], []
    ends = [a + len(w) for a, w in zip(starts, found, strict=True)]
    gaps = [sentence[e:n] for e, n in zip(ends, [*starts[1:], len(sentence)], strict=True)]
    return sentence[:starts[0]], found, gaps


@dataclass
class Document:
    """A document parsed for augmentation."""

    text: str
    chinese: bool
    sentences: list[Sentence] = field(default_factory=list)

    def word_count(self) -> int:
        """Words in all sentences."""
        return sum(len(s.words) for s in self.sentences)


def parse_documents(texts: Sequence[str]) -> list[Document]:
    """Documents with their sentences located and split into words (jieba called once for all
    Chinese sentences, the regex word splitter once for the others)."""
    chinese = pl.DataFrame({"t": list(texts)}, schema={"t": pl.String}).select(
        has_han(pl.col("t")))["t"].to_list()
    docs = [Document(t, zh) for t, zh in zip(texts, chinese, strict=True)]
    pieces: list[tuple[int, str, int, int, int]] = []  # doc, sentence, start, end, paragraph
    for d, doc in enumerate(docs):
        cursor = 0
        for sentence in split_sentences(doc.text):
            start = doc.text.find(sentence, cursor)
            if start < 0:
                continue
            cursor = start + len(sentence)
            paragraph = len(_BLANK_LINE.findall(doc.text, 0, start))
            pieces.append((d, sentence, start, cursor, paragraph))
    zh_rows = [i for i, p in enumerate(pieces) if docs[p[0]].chinese]
    words: list[list[str]] = [[] for _ in pieces]
    for i, found in zip(zh_rows, segment_zh(pieces[i][1] for i in zh_rows), strict=True):
        words[i] = found
    other = [i for i, p in enumerate(pieces) if not docs[p[0]].chinese]
    if other:
        split = pl.Series([pieces[i][1] for i in other]).str.extract_all(WORD_PATTERN)
        for i, found in zip(other, split.to_list(), strict=True):
            words[i] = found or []
    for (d, sentence, start, end, paragraph), found in zip(pieces, words, strict=True):
        lead, located, gaps = _pieces(sentence, [w for w in found if _LETTER.search(w)])
        docs[d].sentences.append(Sentence(start, end, lead, located, gaps, paragraph))
    return docs


def _rebuild(doc: Document, changed: dict[int, str]) -> str:
    """The document with the sentences in `changed` (index -> new text) replaced."""
    out, cursor = [], 0
    for i, s in enumerate(doc.sentences):
        if i in changed:
            out += [doc.text[cursor:s.start], changed[i]]
            cursor = s.end
    out.append(doc.text[cursor:])
    return "".join(out)


def _texts(doc: Document, edited: dict[int, tuple[list[str], list[str]]]) -> dict[int, str]:
    return {i: doc.sentences[i].text(w, g) for i, (w, g) in edited.items()}


def _editable(doc: Document, i: int) -> tuple[list[str], list[str]]:
    return list(doc.sentences[i].words), list(doc.sentences[i].gaps)


def _edits(doc: Document, alpha: float) -> int:
    return max(1, round(alpha * doc.word_count()))


def _like(word: str, model: str) -> str:
    """`word` with the capital first letter of `model`, when it has one."""
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _replaceable(doc: Document, neighbours: Neighbours, stop: frozenset[str],
                 ) -> list[tuple[int, int]]:
    return [(i, j) for i, s in enumerate(doc.sentences) for j, w in enumerate(s.words)
            if w.lower() in neighbours and w.lower() not in stop]


def synonym(doc: Document, rng: random.Random, alpha: float, neighbours: Neighbours,
            stop: frozenset[str]) -> str | None:
    """Replace about alpha of the words (at least one) with one of their near neighbours."""
    spots = _replaceable(doc, neighbours, stop)
    if not spots:
        return None
    edited = {i: _editable(doc, i) for i, _ in spots}
    for i, j in rng.sample(spots, min(_edits(doc, alpha), len(spots))):
        words = edited[i][0]
        words[j] = _like(rng.choice(neighbours[words[j].lower()]), words[j])
    return _rebuild(doc, _texts(doc, edited))


def insert(doc: Document, rng: random.Random, alpha: float, neighbours: Neighbours,
           stop: frozenset[str]) -> str | None:
    """Insert a near neighbour of a random word at a random place of its sentence, about alpha
    of the word count times (at least once)."""
    spots = _replaceable(doc, neighbours, stop)
    if not spots:
        return None
    edited: dict[int, tuple[list[str], list[str]]] = {}
    space = "" if doc.chinese else " "
    for _ in range(_edits(doc, alpha)):
        i, j = rng.choice(spots)
        words, gaps = edited.setdefault(i, _editable(doc, i))
        at = rng.randint(0, len(words) - 1)  # before the word at `at`
        words.insert(at, rng.choice(neighbours[doc.sentences[i].words[j].lower()]))
        gaps.insert(at, space)
    return _rebuild(doc, _texts(doc, edited))


def swap(doc: Document, rng: random.Random, alpha: float, neighbours: Neighbours,
         stop: frozenset[str]) -> str | None:
    """Swap two words of a sentence, about alpha of the word count times (at least once)."""
    long = [i for i, s in enumerate(doc.sentences) if len(set(s.words)) >= 2]
    if not long:
        return None
    edited: dict[int, tuple[list[str], list[str]]] = {}
    for _ in range(_edits(doc, alpha)):
        i = rng.choice(long)
        words, _gaps = edited.setdefault(i, _editable(doc, i))
        a, b = rng.sample(range(len(words)), 2)
        words[a], words[b] = words[b], words[a]
    return _rebuild(doc, _texts(doc, edited))


def delete(doc: Document, rng: random.Random, alpha: float, neighbours: Neighbours,
           stop: frozenset[str]) -> str | None:
    """Delete each word with probability alpha (at least one word; never a sentence's last)."""
    long = [i for i, s in enumerate(doc.sentences) if len(s.words) >= 2]
    if not long:
        return None
    edited: dict[int, tuple[list[str], list[str]]] = {}
    for i in long:
        s = doc.sentences[i]
        keep = [rng.random() >= alpha for _ in s.words]
        if any(keep) and not all(keep):
            edited[i] = ([w for w, k in zip(s.words, keep, strict=True) if k],
                         _gaps_after_deleting(s, keep))
    if not edited:
        i = rng.choice(long)
        keep = [True] * len(doc.sentences[i].words)
        keep[rng.randrange(len(keep))] = False
        edited[i] = ([w for w, k in zip(doc.sentences[i].words, keep, strict=True) if k],
                     _gaps_after_deleting(doc.sentences[i], keep))
    return _rebuild(doc, _texts(doc, edited))


def _gaps_after_deleting(s: Sentence, keep: list[bool]) -> list[str]:
    """The gaps of the kept words: a deleted word takes its gap along, except that the last
    kept word takes the sentence's final gap (its end punctuation)."""
    gaps = [g for g, k in zip(s.gaps, keep, strict=True) if k]
    if gaps and not keep[-1]:
        gaps[-1] = s.gaps[-1]
    return gaps


def reorder(doc: Document, rng: random.Random, alpha: float, neighbours: Neighbours,
            stop: frozenset[str]) -> str | None:
    """Shuffle the order of the sentences within each paragraph that has several (across the
    whole document when none has)."""
    groups: dict[int, list[int]] = {}
    for i, s in enumerate(doc.sentences):
        groups.setdefault(s.paragraph, []).append(i)
    movable = [g for g in groups.values() if len(g) >= 2]
    if not movable and len(doc.sentences) >= 2:
        movable = [list(range(len(doc.sentences)))]
    texts = [doc.text[s.start:s.end] for s in doc.sentences]
    changed: dict[int, str] = {}
    for group in movable:
        order = list(group)
        for _ in range(10):
            rng.shuffle(order)
            if [texts[i] for i in order] != [texts[i] for i in group]:
                break
        changed.update({slot: texts[i] for slot, i in zip(group, order, strict=True)
                        if texts[i] != texts[slot]})
    return _rebuild(doc, changed) if changed else None


Method = Callable[[Document, random.Random, float, Neighbours, frozenset[str]], str | None]
BY_NAME: dict[str, Method] = {"synonym": synonym, "insert": insert, "swap": swap,
                              "delete": delete, "reorder": reorder}
