"""Folding text for matching: case, accents and punctuation do not matter."""

import re
import unicodedata

# Letters that Unicode decomposition leaves alone but a reader treats as plain Latin letters.
_EXTRA = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae",
                        "œ": "oe", "Œ": "oe", "ı": "i", "ð": "d", "þ": "th", "ʼ": "'", "’": "'"})
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case, strip accents, and turn punctuation runs into single spaces."""
    if text.isascii():  # nothing to decompose or translate (completion folds every actor name, on every TAB)
        return _NON_WORD.sub(" ", text.lower().replace("'", "")).strip()
    return _fold_unicode(text)


def _fold_unicode(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold().replace("'", "")).strip()


# Characters that would move the cursor, recolour the terminal or reorder the line if printed raw.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


# Every character `visible`, `inert` or `inert_url` may change (Cc is exactly C0, DEL and C1): text without any
# is returned as it is, which spares a loop over every character of every field of a large dump.
_MAY_CHANGE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\\s]")
_MAY_DRIVE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def visible(text: str) -> str:
    """One line of text safe to print: whitespace runs become one space, control characters become escapes."""
    if not _MAY_CHANGE.search(text.replace(" ", "")):
        return text
    out = []
    for ch in text:
        if ch in "\t\n\r\v\f\u2028\u2029":
            out.append(" ")
        elif ch in _BIDI_CONTROLS or unicodedata.category(ch) == "Cc":
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def inert(text: str) -> str:
    """Text that cannot drive a terminal, for formats that keep line breaks (CSV, Markdown): control characters
    other than tab and line breaks, and bidi controls, become visible escapes. (The loader refuses all of these in a
    dataset; this is the second line of defence.)"""
    # isprintable (no Cc, no Cf: the bidi controls are Cf) is the quicker test: the pattern's search costs about
    # twice as much on the long summaries every CSV row and store build passes through here
    if text.isprintable() or not _MAY_DRIVE.search(text):
        return text
    return "".join(ch.encode("unicode_escape").decode("ascii")
                   if (ch in _BIDI_CONTROLS or unicodedata.category(ch) == "Cc") and ch not in "\t\n\r" else ch
                   for ch in text)


def inert_url(url: str) -> str:
    """A URL that cannot break a line or drive a terminal: spaces and control characters percent-encoded."""
    if not _MAY_CHANGE.search(url):
        return url
    return "".join("".join(f"%{b:02X}" for b in ch.encode("utf-8"))
                   if ch.isspace() or ch in _BIDI_CONTROLS or unicodedata.category(ch) == "Cc" else ch for ch in url)
