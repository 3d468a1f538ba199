"""Our EDTF subset agrees with the `edtf` package (a test-only dependency) on every string both accept."""

from datetime import date

import pytest

edtf = pytest.importorskip("edtf")

from cold_war_cli.dataset import default_path, read_json  # noqa: E402
from cold_war_cli.dates import parse_edtf  # noqa: E402


def oracle(text):
    parsed = edtf.parse_edtf(text)
    lo, hi = parsed.lower_strict(), parsed.upper_strict()
    return date(*lo[:3]), date(*hi[:3])


SAMPLES = ["1962", "1962-10", "1962-10-27", "1960-02", "1900-02", "2000-02", "1961-06-03/1961-06-04",
           "1956-06/1956-08", "196X", "1960?", "1960-10~", "1960-10-12%", "1945/1991", "1961-06-03?/1961-06-04"]


def _dataset_dates():
    raw = read_json(default_path())
    found = set()
    for event in raw["events"]:
        found.add(event["date"])
        found.update(alt["date"] for alt in event.get("alt_dates", []))
    return sorted(found)


@pytest.mark.parametrize("text", SAMPLES)
def test_samples_match_the_oracle(text):
    ours = parse_edtf(text).range
    assert (ours.start, ours.end) == oracle(text)


def test_every_date_in_the_shipped_dataset_matches_the_oracle():
    mismatches = []
    for text in _dataset_dates():
        ours = parse_edtf(text).range
        try:
            theirs = oracle(text)
        except Exception as exc:  # the oracle must accept everything we ship
            mismatches.append((text, f"edtf refused it: {exc}"))
            continue
        if (ours.start, ours.end) != theirs:
            mismatches.append((text, (ours.start, ours.end), theirs))
    assert not mismatches
