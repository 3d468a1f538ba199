"""`cwc export html`: one self-contained page (no network, no CDN) with a zoomable timeline of the events.

The page is `html_page.css` and `html_page.js` (hand-written, beside this module) inlined, and the events as JSON in
a `<script type="application/json">` element. Nothing from the dataset is ever markup: the JSON escapes `<`, `>`,
`&` and the line separators, the script inserts text with `textContent` only, and links are http(s) only (checked
here and again on the page). A Content-Security-Policy forbids every fetch and lets run only the page's own script
and style, named by their SHA-256 hashes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib import resources

from cold_war_cli.records import display_date

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def page_data(data, matches) -> dict:
    """The events as the page reads them: short keys, empty fields left out, actors and sources numbered once."""
    actors: dict[str, int] = {}
    sources: dict[str, int] = {}
    actor_names: list[str] = []
    source_rows: list[list] = []

    def actor(actor_id: str) -> int:
        if actor_id not in actors:
            actors[actor_id] = len(actor_names)
            found = data.actor(actor_id)
            actor_names.append(found.name if found is not None else actor_id)
        return actors[actor_id]

    def cite(citation) -> list:
        if citation.source_id not in sources:
            sources[citation.source_id] = len(source_rows)
            source = data.sources.get(citation.source_id)
            source_rows.append([source.title if source else citation.source_id,
                                (source.author or "") if source else "",
                                (source.year or "") if source else "",
                                _http(source.url) if source else ""])
        work_url = source_rows[sources[citation.source_id]][3]
        url = _http(citation.url)
        return [sources[citation.source_id], citation.locator or "", url if url != work_url else ""]

    events = []
    for match in matches:
        e = match.event
        row = {"i": e.id, "d": display_date(e), "s": e.start.isoformat(), "e": e.end.isoformat(), "p": e.precision,
               "t": e.title, "m": e.summary, "r": [cite(c) for c in e.citations]}
        optional = {"c": e.certainty if e.certainty != "certain" else "", "k": list(e.aliases),
                    "a": [actor(a) for a in e.actor_ids], "g": list(e.tags), "l": list(e.places),
                    "n": list(e.notes),
                    "x": [[alt.date, alt.note or "", [cite(c) for c in alt.citations]] for alt in e.alt_dates]}
        row.update({key: value for key, value in optional.items() if value})
        events.append(row)
    return {"actors": actor_names, "sources": source_rows, "events": events}


def _http(url: str | None) -> str:
    """Only http(s) addresses become links (the loader refuses others; this is the second check)."""
    return url if url and url.lower().startswith(("http://", "https://")) else ""


def script_json(value) -> str:
    """JSON that cannot end its <script> element or be read as HTML: <, >, & and U+2028/9 as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text) if any(ch in text for ch in _JSON_ESCAPES) else text


def _asset(name: str) -> str:
    return resources.files("cold_war_cli").joinpath(name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def to_html(data, matches, title: str = "Cold War chronology") -> str:
    style, script = _asset("html_page.css"), _asset("html_page.js")
    policy = (f"default-src 'none'; script-src {_sha256(script)}; style-src {_sha256(style)}; img-src 'none'; "
              "base-uri 'none'; form-action 'none'")
    count = len(matches)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="cwc (cold-war-cli)">
<title>{html.escape(title)}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<div class="controls">
<input id="q" type="search" placeholder="Search titles, summaries, actors, tags" aria-label="Search">
<select id="tag" aria-label="Tag"><option value="">All tags</option></select>
<select id="actor" aria-label="Actor"><option value="">All actors</option></select>
<select id="group" aria-label="Lanes"><option value="">One row per event</option><option value="tag">Lanes by tag</option><option value="actor">Lanes by actor</option></select>
<span class="zoom"><button id="zoom-out" type="button" aria-label="Zoom out">&minus;</button><button id="zoom-fit" type="button">Fit</button><button id="zoom-in" type="button" aria-label="Zoom in">+</button></span>
<output id="count" aria-live="polite">{count} events</output>
</div>
<p class="key"><span class="swatch bar"></span> interval <span class="swatch day"></span> day <span class="swatch vague"></span> month, year or decade &nbsp;? uncertain &nbsp;~ approximate. Click an event for its sources.</p>
</header>
<main id="chart" tabindex="0" aria-label="Timeline"><div id="axis"></div><div id="canvas"></div></main>
<aside id="detail" hidden aria-live="polite"></aside>
<ol id="print-list"></ol>
<noscript><p>This page draws its timeline with JavaScript.</p></noscript>
<script id="cwc-data" type="application/json">{script_json(page_data(data, matches))}</script>
<script>{script}</script>
</body>
</html>
"""
