"""`cwc export html` in a real browser: headless Chromium (Debian's `chromium`) driven by Playwright loads the exported
file from disk with every request that is not file: refused, and the tests read the rendered page. Also the page's
text itself (escaping, CSP, size) without a browser, and the TimelineJS export in TimelineJS3's own viewer."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from cold_war_cli import html_page
from tests.conftest import MINI

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CWC_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
# Where .ci/run installs the TimelineJS3 viewer (npm's @knight-lab/timelinejs); else the test installs it into a
# temporary folder.
TIMELINEJS = Path(os.environ.get("CWC_TIMELINEJS_DIR", "/opt/cwc-test/timelinejs"))
TIMELINEJS_PACKAGE = "@knight-lab/timelinejs@3.9.11"


def export(run, path: Path, *args, data=MINI) -> Path:
    result = run("export", "html", "-o", str(path), *args, data=data)
    assert result.exit_code == 0, (result.stderr, result.exception)
    return path


def shown(page, wanted=None, timeout: float = 10.0) -> int:
    """The number of events the page shows, once it equals `wanted` (or, for a callable, satisfies it). Polled
    from here: the page's Content-Security-Policy rightly forbids the eval that page.wait_for_function uses."""
    deadline = time.monotonic() + timeout
    while True:
        value = int(page.evaluate("() => document.getElementById('chart').dataset.shown"))
        ok = wanted is None or (wanted(value) if callable(wanted) else value == wanted)
        if ok or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(50)


def embedded(page_text: str):
    found = re.search(r'<script id="cwc-data" type="application/json">(.*?)</script>', page_text, re.S)
    return json.loads(found.group(1))


# ===================================================================================== the file itself


def test_the_page_is_one_file_with_no_address_to_fetch(run, tmp_path):
    text = export(run, tmp_path / "p.html").read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=""", text)
    assert "@import" not in text and "url(" not in text
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text).group(1)
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    script = re.search(r"<script>(.*?)</script>", text, re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    for body, directive in ((script, "script-src"), (style, "style-src")):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy


def test_the_data_is_json_that_cannot_close_its_script(run):
    record = {"t": "</script><script>alert(1)</script> & <!-- \u2028 \u2029"}
    text = html_page.script_json(record)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == record


def test_the_data_holds_every_event_with_its_sources(run, tmp_path):
    page = embedded(export(run, tmp_path / "p.html").read_text(encoding="utf-8"))
    listed = json.loads(run("events", "--json").stdout)
    assert [e["i"] for e in page["events"]] == [e["id"] for e in listed]
    for mine, theirs in zip(page["events"], listed):
        assert mine["t"] == theirs["title"] and mine["s"] == theirs["start"] and mine["e"] == theirs["end"]
        cited = [(page["sources"][c[0]][0], c[1] or None, c[2] or page["sources"][c[0]][3] or None) for c in mine["r"]]
        assert cited == [(s["title"], s["locator"], s["url"]) for s in theirs["sources"]]


def test_only_http_links_reach_the_page():
    assert html_page._http("https://history.state.gov/x") == "https://history.state.gov/x"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "file:///etc/passwd", "//evil", ""):
        assert html_page._http(bad) == ""


def test_the_shipped_dataset_page_is_under_2_mb(run, tmp_path):
    path = export(run, tmp_path / "all.html", data=None)
    assert path.stat().st_size < 2_000_000, path.stat().st_size


def test_an_unwritable_output_is_one_line(run, tmp_path):
    result = run("export", "html", "-o", str(tmp_path / "no" / "x.html"))
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1


# ===================================================================================== in Chromium


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("no Chromium found (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as driver:
        try:
            launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as exc:  # a Chromium that cannot start here (no sandbox, no display libraries)
            pytest.skip(f"Chromium at {CHROMIUM} would not start: {exc}".splitlines()[0])
        yield launched
        launched.close()


class Opened:
    def __init__(self, page, problems, refused):
        self.page, self.problems, self.refused = page, problems, refused


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(path: Path, width: int = 1280, height: int = 800, ready: str = "html[data-ready=true]") -> Opened:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        refused = []

        def gate(route):
            if route.request.url.startswith("file:"):
                route.continue_()
            else:
                refused.append(route.request.url)
                route.abort()

        context.route("**/*", gate)
        page = context.new_page()
        problems = []
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_selector(ready, state="attached", timeout=30_000)
        return Opened(page, problems, refused)

    yield opener
    for context in contexts:
        context.close()




@pytest.mark.slow
def test_the_page_draws_every_event_and_no_error(run, tmp_path, open_page):
    opened = open_page(export(run, tmp_path / "p.html"))
    page = opened.page
    assert page.inner_text("#count") == "7 of 7 events"
    assert page.locator(".ev").count() == 7
    assert page.locator(".ev .label").all_inner_texts()[0] == "Beria shot [sic]"
    assert page.locator("#axis .tick").count() >= 3
    assert opened.problems == [] and opened.refused == []


@pytest.mark.slow
def test_search_and_filters_narrow_the_events(run, tmp_path, open_page):
    page = open_page(export(run, tmp_path / "p.html")).page
    page.fill("#q", "mongoose")
    assert shown(page, 1) == 1
    assert page.locator(".ev .label").all_inner_texts() == ["Operation Mongoose authorized"]
    page.fill("#q", "")
    page.select_option("#tag", "cuba")
    assert shown(page, 2) == 2
    tagged = [e["title"] for e in json.loads(run("events", "--tag", "cuba", "--json").stdout)]
    assert len(tagged) == 2 and page.locator(".ev .label").all_inner_texts() == tagged
    page.select_option("#tag", "")
    expected = json.loads(run("events", "--actor", "khrushchev", "--json").stdout)
    page.select_option("#actor", label=f"Nikita Khrushchev ({len(expected)})")
    assert shown(page, len(expected)) == len(expected)
    assert page.inner_text("#count") == f"{len(expected)} of 7 events"
    page.select_option("#actor", "")
    page.select_option("#group", "tag")
    assert page.locator(".row.lane").count() == len({t for e in json.loads(run("events", "--json").stdout)
                                                     for t in e["tags"]})


@pytest.mark.slow
def test_a_click_opens_the_event_with_its_sources(run, tmp_path, open_page):
    page = open_page(export(run, tmp_path / "p.html")).page
    record = json.loads(run("show", "beria-executed", "--json").stdout)
    page.locator(".ev", has_text="Beria shot").click()
    panel = page.locator("#detail")
    assert panel.is_visible()
    text = panel.inner_text()
    assert record["title"] in text and record["summary"] in text
    assert record["alt_dates"][0]["date"] in text and (record["alt_dates"][0]["note"] or "") in text
    for actor in record["actors"]:
        assert actor["name"] in text
    links = panel.locator(".sources a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for source in record["sources"]:
        if source["locator"]:
            assert source["locator"] in text
        if source["url"]:
            assert source["url"] in hrefs
    page.keyboard.press("Escape")
    assert not panel.is_visible()


@pytest.mark.slow
def test_zoom_changes_the_scale(run, tmp_path, open_page):
    page = open_page(export(run, tmp_path / "p.html")).page
    width = page.evaluate("document.getElementById('canvas').scrollWidth")
    page.click("#zoom-in")
    page.click("#zoom-in")
    assert page.evaluate("document.getElementById('canvas').scrollWidth") > width * 2
    page.click("#zoom-fit")
    assert page.evaluate("document.getElementById('canvas').scrollWidth") == width


@pytest.mark.slow
def test_hostile_text_runs_no_code(run, tmp_path, open_page, monkeypatch):
    from tests.test_hostile import let_control_characters_load

    let_control_characters_load(monkeypatch)  # and any URL, so that the page's own check is tested
    raw = json.loads(MINI.read_text(encoding="utf-8"))
    raw["sources"].append({"id": "evil", "type": "web-page", "quality": "reference",
                           "title": "<img src=x onerror=\"window.pwned=1\">", "url": "javascript:window.pwned=2"})
    target = next(e for e in raw["events"] if e["id"] == "vienna-summit")
    target["title"] = "</script><script>window.pwned=3</script><b>bold</b>"
    target["summary"] = "<img src=x onerror=\"window.pwned=4\"> \u2028 end"
    target["notes"] = ["javascript:window.pwned=5", "<a href=\"javascript:window.pwned=6\">x</a>"]
    target["sources"].append({"id": "evil", "locator": "<svg onload=\"window.pwned=7\">",
                                        "url": "javascript:window.pwned=8"})
    data = tmp_path / "hostile.json"
    data.write_text(json.dumps(raw), encoding="utf-8")
    opened = open_page(export(run, tmp_path / "h.html", data=data))
    page = opened.page
    assert page.inner_text("#count") == "7 of 7 events"
    page.locator(".ev", has_text="window.pwned=3").click()
    text = page.inner_text("#detail")
    assert "</script><script>window.pwned=3</script><b>bold</b>" in text
    assert '<img src=x onerror="window.pwned=1">' in text and "javascript:window.pwned=5" in text
    assert page.locator("#detail a[href^='javascript']").count() == 0
    assert page.locator("img, svg, b, #detail script").count() == 0
    assert page.evaluate("window.pwned") is None
    assert opened.problems == [] and opened.refused == []


@pytest.mark.slow
def test_phone_width_and_print(run, tmp_path, open_page):
    page = open_page(export(run, tmp_path / "p.html"), width=375, height=740).page
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # only the chart scrolls sideways
    assert page.locator("#q").bounding_box()["width"] > 150
    page.locator(".ev").first.click()
    box = page.locator("#detail").bounding_box()
    assert box["width"] == 375 and box["y"] > 100  # a sheet over the lower part of the screen
    page.keyboard.press("Escape")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("#print-list li").count() == 7 and not page.locator("#chart").is_visible()
    assert "Office of the Historian" in page.inner_text("#print-list") or "Sources:" in page.inner_text("#print-list")


@pytest.mark.slow
def test_screenshots_for_a_person(run, tmp_path, open_page):
    page = open_page(export(run, tmp_path / "all.html", "--from", "1961", "--to", "1963", data=None)).page
    page.select_option("#group", "tag")
    page.locator(".ev", has_text="Vienna").first.click()
    shot = tmp_path / "timeline-page.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
    if os.environ.get("CWC_WRITE_DOCS"):  # CWC_WRITE_DOCS=1 pytest -k screenshots: the README's picture
        shutil.copyfile(shot, ROOT / "docs" / "timeline-page.png")


def big_dataset(count: int) -> dict:
    """`count` events built from the mini dataset's, spread over 1945 to 1991."""
    raw = json.loads(MINI.read_text(encoding="utf-8"))
    base = raw["events"]
    events = []
    for i in range(count):
        event = json.loads(json.dumps(base[i % len(base)]))
        year, month, day = 1945 + (i * 47) // count, i % 12 + 1, i % 28 + 1
        event["id"] = f"{event['id']}-{i}"
        event["date"] = f"{year:04d}-{month:02d}-{day:02d}"
        event.pop("bounds", None)
        event.pop("label", None)
        events.append(event)
    raw["events"] = events
    return raw


@pytest.mark.slow
def test_ten_thousand_events_open_and_scroll(run, tmp_path, open_page):
    data = tmp_path / "big.json"
    data.write_text(json.dumps(big_dataset(10_000)), encoding="utf-8")
    path = export(run, tmp_path / "big.html", data=data)
    started = time.perf_counter()
    opened = open_page(path)
    opened_in = time.perf_counter() - started
    page = opened.page
    assert page.inner_text("#count") == "10000 of 10000 events"
    drawn = page.locator(".ev").count()
    assert 0 < drawn < 200, drawn  # only the rows in view are in the document
    started = time.perf_counter()
    for fraction in (0.25, 0.5, 0.75, 1.0):
        page.evaluate(f"c => {{ c.scrollTop = c.scrollHeight * {fraction}; }}", page.locator("#chart").element_handle())
        page.wait_for_timeout(50)
        assert page.locator(".ev").count() > 0
    scrolled_in = time.perf_counter() - started
    page.fill("#q", "vienna")
    searched = shown(page, lambda n: n != 10_000)
    assert 0 < searched < 10_000
    print(f"10,000 events: {path.stat().st_size / 1e6:.1f} MB, opened in {opened_in:.2f} s, "
          f"four scrolls in {scrolled_in:.2f} s")
    assert opened_in < 15 and opened.problems == []


# ===================================================================================== TimelineJS's own viewer


@pytest.fixture(scope="module")
def timelinejs(tmp_path_factory):
    def dist(folder: Path) -> Path:
        return folder / "node_modules" / "@knight-lab" / "timelinejs" / "dist"

    if (dist(TIMELINEJS) / "js" / "timeline.js").exists():
        return dist(TIMELINEJS)
    npm = shutil.which("npm")
    if not npm:
        pytest.skip("the TimelineJS3 viewer is not installed (see .ci/run) and npm is missing")
    folder = tmp_path_factory.mktemp("timelinejs")
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), TIMELINEJS_PACKAGE],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not (dist(folder) / "js" / "timeline.js").exists():
        pytest.skip(f"could not install {TIMELINEJS_PACKAGE}: {(done.stderr.strip().splitlines() or [''])[-1]}")
    return dist(folder)


@pytest.mark.slow
def test_timelinejs_shows_the_slides_with_their_sources(run, tmp_path, open_page, timelinejs, monkeypatch):
    from tests.test_hostile import let_control_characters_load

    let_control_characters_load(monkeypatch)
    raw = json.loads(MINI.read_text(encoding="utf-8"))
    raw["events"][1]["title"] = "Vienna <img src=x onerror=\"window.pwned=1\"> summit"
    data = tmp_path / "tl.json"
    data.write_text(json.dumps(raw), encoding="utf-8")
    result = run("export", "timelinejs", data=data)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    for name in ("js", "css"):
        shutil.copytree(timelinejs / name, tmp_path / name)
    (tmp_path / "page.html").write_text(f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="css/timeline.css"><script src="js/timeline.js"></script></head>
<body><div id="tl" style="width: 1000px; height: 700px"></div>
<script>window.timeline = new TL.Timeline("tl", {json.dumps(document)});</script></body></html>""", encoding="utf-8")
    opened = open_page(tmp_path / "page.html", width=1100, height=800, ready=".tl-slide-content")
    page = opened.page
    slides = page.locator(".tl-slide:not(.tl-slide-titleslide)")
    assert slides.count() == len(document["events"])
    texts = page.locator(".tl-slide .tl-text-content").all_inner_texts()
    assert sum("Sources:" in t for t in texts) == len(document["events"])
    listed = json.loads(run("events", "--json", data=data).stdout)
    for event in listed:  # each slide shows the summary and every source with its locator
        slide = next(t for t in texts if event["summary"] in t)
        for source in event["sources"]:
            assert source["title"] in slide and (source["locator"] or "") in slide, (event["id"], source)
    links = page.locator(".tl-slide .tl-text-content a")
    assert links.count() >= len(document["events"])
    assert all(links.nth(i).get_attribute("href").startswith("https://") for i in range(links.count()))
    headlines = page.locator(".tl-headline").all_inner_texts()
    assert any('Vienna <img src=x onerror="window.pwned=1"> summit' in h for h in headlines), headlines
    assert page.evaluate("window.pwned") is None
    assert opened.refused == [] or all(not u.startswith("file:") for u in opened.refused)
