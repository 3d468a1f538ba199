"""The curators' scripts: the coverage report's figures, and merging candidate files."""

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


coverage = _script("coverage")
merge = _script("merge_candidates")


def test_minimums_follow_the_breadth_issues():
    assert [coverage.minimum(y) for y in (1945, 1952, 1953, 1964, 1965, 1988, 1989, 1990, 1991)] == \
           [25, 25, 45, 45, 25, 25, 60, 40, 45]
