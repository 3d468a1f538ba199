import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cold_war_cli import terminal
from cold_war_cli.cli import cli
from cold_war_cli.dataset import load

DATA_DIR = Path(__file__).parent / "data"
MINI = DATA_DIR / "mini.json"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path_factory):
    """Tests never see the developer's terminal settings, dataset override or cache folder."""
    for name in ("CWC_DATA", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM", "CWC_NO_CACHE", "CWC_TODAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CWC_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cwc-cache"))


@pytest.fixture
def mini():
    return load(MINI)


@pytest.fixture
def mini_raw():
    return json.loads(MINI.read_text(encoding="utf-8"))


@pytest.fixture
def write_dataset(tmp_path):
    """Write a dataset (a dict, or raw text/bytes) to a file and return its path."""

    def write(content, name="events.json"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def run():
    """Invoke cwc on the mini dataset (unless data=None) through CliRunner; stdout and stderr stay apart."""

    def invoke(*args, data=MINI, env=None):
        argv = (["--data", str(data)] if data is not None else []) + [str(a) for a in args]
        return CliRunner().invoke(cli, argv, env=env or {})

    return invoke


@pytest.fixture
def as_terminal(monkeypatch):
    """Make cwc believe stdout is a terminal (the one injectable switch); never start a real pager."""
    monkeypatch.setattr(terminal, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("PAGER", "cat")
