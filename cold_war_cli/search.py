"""Ranked search: what a person types, turned into a full-text query of the store and ranked by relevance.

A query is words and "quoted phrases". Each word matches itself as a whole word and as a prefix, the other forms
of its stem found in the index's vocabulary (invade, invaded, invasion; nationalise, nationalize), and the words of
its synonym group (data/synonyms.json: blockade, quarantine; U2, U-2 ...). A word that matches nothing at all is
taken as a misspelling of the closest word in the vocabulary (actor names are part of it), and the caller says so.
Common words (the, when, did ...) are left out unless nothing else is asked. Every asked word must match; when
together they match nothing, events matching any of them are ranked instead. Ranking is SQLite's BM25 with the
title and aliases weighted above the summary.
"""

from __future__ import annotations

import functools
import json
import os
import re

from cold_war_cli.errors import CwcError
from cold_war_cli.text import fold
from cold_war_cli.value import Value

# BM25 weights, in the order of store.FTS_COLUMNS: title, aliases, summary, tags, places, actor_names.
WEIGHTS = (10.0, 10.0, 1.0, 2.0, 2.0, 3.0)
MARK_START, MARK_END = "\x02", "\x03"  # the loader refuses control characters in data, so these mark only matches
SNIPPET_WORDS = 16
CORRECTION_CUTOFF = 0.75
MAX_FORMS = 40  # vocabulary forms one word may expand to
# BM25 ranks the best few hundred; among them an event whose title or aliases name what was asked goes first
# (its score grows by up to this share): "bay of pigs" is the invasion before the inquiry into it.
TITLE_BONUS = 1.0
TITLE_FOCUS = 0.5
EXACT_NAME = 0.5
RERANK_POOL = 200
SNIPPET_BATCH = 500  # rowids a snippet query names at a time (well below SQLite's limit on parameters)

STOP_WORDS = frozenset("""a an and are as at be by did do does for from had has have how in into is it its of on or
that the their there this to was were what when where which who whom why with about after before during
happen happened""".split())


class NoFullTextSearch(CwcError):
    """This Python's SQLite has no FTS5."""


@functools.lru_cache(maxsize=1 << 16)  # a title's words recur across the events a search ranks
def stem(word: str) -> str:
    """A folded word reduced to a key its inflections share: invade, invaded, invading and invasion give 'invad';
    nationalise and nationalization 'nationaliz'. Only ever compared with other stems, never shown."""
    word = _IRREGULAR.get(word, word)
    if len(word) <= 3 or not word.isalpha():
        return word
    w = re.sub(r"is(e|es|ed|ing|ation|ations)$", r"iz\1", word)  # British -ise spellings as American -ize
    for _ in range(2):  # missiles -> missile -> missil, as missile -> missil
        for suffix, replacement in _SUFFIXES:
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                if replacement == suffix:
                    break  # crisis, census, congress: no ending to take off
                w = w[: len(w) - len(suffix)] + replacement
                if suffix in ("e", "y"):
                    return _undouble(w)  # the last ending there is: agree -> agre, never agr
                break
        else:
            break
    return _undouble(w)


def _undouble(w: str) -> str:
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1].isalpha() and w[-1] not in "aeiou":
        return w[:-1]  # planned -> plann -> plan
    return w


# Past forms that no ending rule reaches, as the verb they come from ("shot down" is what "shoot down" asks).
_IRREGULAR = {form: verb for verb, forms in {
    "shoot": "shot", "fall": "fell fallen", "begin": "began begun", "build": "built", "fight": "fought",
    "meet": "met", "take": "took taken", "give": "gave given", "hold": "held", "win": "won", "lose": "lost",
    "break": "broke broken", "speak": "spoke spoken", "send": "sent", "leave": "left", "go": "went gone",
    "come": "came", "make": "made", "fly": "flew flown", "sink": "sank sunk", "withdraw": "withdrew withdrawn",
    "rise": "rose risen", "strike": "struck", "bring": "brought", "buy": "bought", "catch": "caught",
    "choose": "chose chosen", "draw": "drew drawn", "drive": "drove driven", "find": "found", "freeze": "froze frozen",
    "grow": "grew grown", "keep": "kept", "lead": "led", "run": "ran", "see": "saw seen", "sell": "sold",
    "stand": "stood", "steal": "stole stolen", "teach": "taught", "tell": "told", "think": "thought",
    "throw": "threw thrown", "overthrow": "overthrew overthrown", "write": "wrote written", "shake": "shook shaken",
    "forbid": "forbade forbidden", "undertake": "undertook undertaken", "arise": "arose arisen",
    "swear": "swore sworn", "hang": "hung", "seek": "sought", "split": "split", "set": "set",
}.items() for form in (verb, *forms.split())}

_SUFFIXES = (
    ("izations", "iz"), ("ization", "iz"), ("ations", "at"), ("ation", "at"), ("ments", ""), ("ment", ""),
    ("asions", "ad"), ("asion", "ad"), ("isions", "id"), ("ision", "id"), ("osions", "od"), ("osion", "od"),
    ("usions", "ud"), ("usion", "ud"), ("ansions", "and"), ("ansion", "and"), ("ions", ""), ("ion", ""),
    ("ings", ""), ("ing", ""), ("ians", ""), ("ian", ""), ("ies", "y"), ("ied", "y"), ("eed", "ee"), ("ed", ""),
    ("es", ""), ("ss", "ss"), ("is", "is"), ("us", "us"), ("s", ""), ("ee", "ee"), ("e", ""), ("y", ""),
)  # -ian and -y: Hungary and Hungarian, Germany and German


# ------------------------------------------------------------------------------------------ the query


class Term(Value):
    """One asked word or phrase (folded words), and what it matched."""

    __slots__ = ("words", "phrase")

    def __init__(self, words: tuple[str, ...], phrase: bool):
        self.words, self.phrase = words, phrase


_QUOTED = re.compile(r'"([^"]*)"?')


def parse(query: str) -> list[Term]:
    """Words and quoted phrases, folded; common words dropped unless the query is nothing else."""
    terms: list[Term] = []
    position = 0
    for match in _QUOTED.finditer(query):
        terms += [Term((w,), False) for w in fold(query[position : match.start()]).split()]
        words = tuple(fold(match.group(1)).split())
        if words:
            terms.append(Term(words, True))
        position = match.end()
    terms += [Term((w,), False) for w in fold(query[position:]).split()]
    meaningful = [t for t in terms if t.phrase or t.words[0] not in STOP_WORDS]
    return meaningful or terms


def _quote(words) -> str:
    return '"' + " ".join(words) + '"'


class Plan(Value):
    """The FTS5 query made of a search, and the words taken as misspellings of others."""

    __slots__ = ("match", "any_match", "corrections", "meanings")

    def __init__(self, match: str, any_match: str, corrections: tuple[tuple[str, str], ...], meanings: list):
        self.match, self.any_match, self.corrections = match, any_match, corrections
        self.meanings = meanings  # per asked term, the stemmed word sets that count as naming it


def synonym_groups(path: str | os.PathLike | None = None) -> list[tuple[tuple[str, ...], ...]]:
    """The curated synonym groups shipped with the data, each member as folded words."""
    from cold_war_cli.dataset import synonyms_path

    with open(path or synonyms_path(), encoding="utf-8") as handle:
        raw = json.load(handle)
    return [tuple(tuple(fold(member).split()) for member in group) for group in raw["groups"]]


def plan(db, terms: list[Term], groups) -> Plan:
    """Each term widened to its forms and synonyms; a word with no forms at all corrected from the vocabulary."""
    parts, corrections, meanings = [], [], []
    i = 0
    while i < len(terms):
        term = terms[i]
        taken, group = _synonyms_at(terms, i, groups)
        if group:
            parts.append("(" + " OR ".join(_expand(db, member, corrections, correct=False) for member in group) + ")")
            meanings.append([_key(member) for member in group])
            i += taken
            continue
        before = len(corrections)
        parts.append(_expand(db, term.words, corrections, correct=not term.phrase))
        words = (corrections[-1][1],) if len(corrections) > before else term.words
        meanings.append([_key(words)])
        i += 1
    return Plan(" AND ".join(parts), " OR ".join(parts), tuple(corrections), meanings)


def _key(words) -> frozenset[str]:
    """The stems of the words that carry meaning."""
    return frozenset(stem(w) for w in words if w not in STOP_WORDS) or frozenset(stem(w) for w in words)


def _synonyms_at(terms: list[Term], i: int, groups) -> tuple[int, tuple]:
    """The longest run of plain words from terms[i] that is a member of a synonym group, and that group."""
    for length in (3, 2, 1):
        run = terms[i : i + length]
        if len(run) < length or any(t.phrase for t in run) and length > 1:
            continue
        words = _key(w for t in run for w in t.words)
        for group in groups:
            if any(words == _key(member) for member in group):
                return length, group
    return 1, ()


def _expand(db, words: tuple[str, ...], corrections: list, correct: bool) -> str:
    if len(words) > 1:
        return _quote(words)
    word = words[0]
    forms = [row[0] for row in db.execute(
        "SELECT term FROM terms WHERE folded = ? OR stem = ? ORDER BY hits DESC LIMIT ?", (word, stem(word),
                                                                                          MAX_FORMS))]
    prefixed = db.execute("SELECT 1 FROM terms WHERE folded >= ? AND folded < ? LIMIT 1",
                          (word, word + "\U0010ffff")).fetchone()
    if not forms and not prefixed and correct:
        better = _closest(db, word)
        if better is not None:
            corrections.append((word, better))
            return _expand(db, (better,), corrections, correct=False)
    options = [_quote((word,)) + "*"] + [_quote((form,)) for form in dict.fromkeys(forms)]
    return "(" + " OR ".join(options) + ")"


def _closest(db, word: str) -> str | None:
    """The vocabulary word most like `word`, if one is close enough (more used words win ties)."""
    import difflib

    if len(word) < 3 or not word.isalpha():
        return None
    candidates = [row[0] for row in db.execute(
        "SELECT folded FROM terms WHERE length(folded) BETWEEN ? AND ? ORDER BY hits DESC",
        (len(word) - 2, len(word) + 2))]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=CORRECTION_CUTOFF)
    return close[0] if close else None


# ------------------------------------------------------------------------------------------ word filters


def words_match(db, keyword: str) -> str:
    """The FTS5 query for one --keyword: its words as a phrase whose last word may be a prefix. A single word also
    matches the indexed words it folds to (gomulka: Gomułka; the tokenizer itself only drops combining accents)."""
    words = fold(keyword).split()
    if len(words) > 1:
        return _quote(words) + "*"
    spelt = [row[0] for row in db.execute("SELECT term FROM terms WHERE folded = ? AND term != ? LIMIT ?",
                                          (words[0], words[0], MAX_FORMS))]
    return "(" + " OR ".join([_quote(words) + "*", *(_quote((term,)) + "*" for term in spelt)]) + ")"


def has_fts5(db) -> bool:
    """True if the database has its full-text index (it is built only where SQLite has FTS5)."""
    import sqlite3

    try:
        db.execute("SELECT 1 FROM events_fts LIMIT 0")
    except sqlite3.OperationalError:  # no such table (or no such module: fts5)
        return False
    return True


# ------------------------------------------------------------------------------------------ running a search


class Hit(Value):
    __slots__ = ("event", "score", "snippet", "partial")

    def __init__(self, event, score: float, snippet: str, partial: bool):
        self.event, self.score, self.partial = event, score, partial
        self.snippet = snippet  # matched words between MARK_START and MARK_END


class Found(Value):
    __slots__ = ("hits", "corrections", "any_word")

    def __init__(self, hits: list[Hit], corrections: tuple[tuple[str, str], ...], any_word: bool):
        self.hits, self.corrections = hits, corrections
        self.any_word = any_word  # no event matched every word: these match some of them


def search(dataset, query: str, wanted, limit: int | None, in_date_order: bool = False) -> Found:
    """The `limit` events best matching `query` among those passing the filters of `wanted` (a query.EventFilter;
    its own limit is not used), best first, or (in_date_order) then put in the order of its sort and reverse."""
    from cold_war_cli.query import require_full_text, where

    require_full_text(dataset.db)
    terms = parse(query)
    if not terms:
        raise ValueError("an empty query")
    made = plan(dataset.db, terms, synonym_groups())
    condition = where(wanted, dataset.db)
    weights = ", ".join(str(w) for w in WEIGHTS)
    sql = (f"SELECT e.rowid, e.json, bm25(events_fts, {weights}) AS rank FROM events_fts "
           f"JOIN events AS e ON e.rowid = events_fts.rowid "
           f"WHERE events_fts MATCH ? AND {condition.sql} ORDER BY rank, e.rowid LIMIT ?")
    pool = -1 if limit is None else max(limit * 5, RERANK_POOL)
    any_word = False
    match = made.match
    rows = dataset.db.execute(sql, (match, *condition.params, pool)).fetchall()
    if not rows and len(terms) > 1:
        any_word, match = True, made.any_match
        rows = dataset.db.execute(sql, (match, *condition.params, pool)).fetchall()
    objects = json.loads("[" + ",".join(row[1] for row in rows) + "]")
    asked = made.meanings
    every_word = set().union(*(key for meaning in asked for key in meaning))
    scored = [(round(-row[2] * (1 + _naming(obj["title"], obj.get("aliases") or (), asked, every_word)), 4),
               row[0], obj) for row, obj in zip(rows, objects)]
    scored.sort(key=lambda s: -s[0])  # stable: equal scores stay in date order
    scored = scored if limit is None else scored[:limit]
    from cold_war_cli.store import event_from

    snippets = _snippets(dataset.db, match, [rowid for _, rowid, _ in scored])
    hits = []
    for score, rowid, obj in scored:
        event = event_from(obj)
        partial = wanted.when is not None and not wanted.when.contains(event.range)
        hits.append(Hit(event, score, snippets[rowid], partial))
    if in_date_order:
        by_end = wanted.sort == "end"
        hits.sort(key=lambda h: (h.event.end, h.event.start, h.event.id) if by_end else
                  (h.event.start, h.event.end, h.event.id), reverse=wanted.reverse)
    return Found(hits, made.corrections, any_word)


def _snippets(db, match: str, rowids: list[int]) -> dict[int, str]:
    """The snippets of the events kept, made only for them: a snippet costs more than ranking an event."""
    found = {}
    for at in range(0, len(rowids), SNIPPET_BATCH):
        batch = rowids[at:at + SNIPPET_BATCH]
        found.update(db.execute(
            f"SELECT rowid, snippet(events_fts, -1, ?, ?, '…', {SNIPPET_WORDS}) FROM events_fts "
            f"WHERE events_fts MATCH ? AND rowid IN ({','.join('?' * len(batch))})",
            (MARK_START, MARK_END, match, *batch)))
    return found


def _naming(title: str, aliases, asked: list, every_word: set[str]) -> float:
    """How well the event's title or one of its aliases names what was asked, from 0 to 2: the share of the asked
    terms it names (TITLE_BONUS), the share of its own words that were asked (TITLE_FOCUS: "Bay of Pigs invasion"
    before "Taylor inquiry into the Bay of Pigs begins"), and a name made only of what was asked (EXACT_NAME).
    A term is named by any of its meanings: its words, a synonym, the word a misspelling was taken for."""
    best = 0.0
    for name in (title, *aliases):
        own = [stem(w) for w in fold(name).split() if w not in STOP_WORDS]
        if not own:
            continue
        words = set(own)
        covered = sum(1 for meaning in asked if any(key <= words for key in meaning)) / len(asked)
        focus = sum(1 for w in own if w in every_word) / len(own)
        exact = EXACT_NAME if covered == 1 and words <= every_word else 0.0
        best = max(best, TITLE_BONUS * covered + TITLE_FOCUS * focus * covered + exact)
    return best


def marked(snippet: str, start: str = "**", end: str = "**") -> str:
    """A snippet with its matches between `start` and `end` (for JSON and plain text)."""
    return snippet.replace(MARK_START, start).replace(MARK_END, end)
