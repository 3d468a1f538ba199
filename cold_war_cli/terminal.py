"""The one place that decides what stdout is: a terminal or a pipe, how wide, and whether to colour.

Tests replace `stdout_is_terminal` (CliRunner's stdout is never a terminal).
"""

from __future__ import annotations

import os
import sys

from cold_war_cli.value import Value


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class Terminal(Value):
    __slots__ = ("is_tty", "width", "color", "height")

    def __init__(self, is_tty: bool, width: int, color: bool, height: int = 24):
        self.is_tty, self.width, self.color, self.height = is_tty, width, color, height


COLOR_MODES = ("auto", "always", "never")


def detect(color_mode: str = "auto") -> Terminal:
    """Read the terminal's state now (per call, never at import, so the environment of each run counts).

    Colour: `always` and `never` decide; `auto` follows NO_COLOR (set and not empty: no colour), then
    FORCE_COLOR (set, not empty and not 0/false: colour), then TERM=dumb (no colour), then whether stdout is a
    terminal.
    """
    is_tty = stdout_is_terminal()
    env = os.environ
    if color_mode == "always":
        color = True
    elif color_mode == "never" or env.get("NO_COLOR"):
        color = False
    elif env.get("FORCE_COLOR", "").lower() not in ("", "0", "false", "no"):
        color = True
    else:
        color = is_tty and env.get("TERM", "") not in ("dumb", "unknown")
    columns, lines = _size()
    width = columns if is_tty or env.get("COLUMNS") else 80
    return Terminal(is_tty=is_tty, width=max(width, 20), color=color, height=max(lines, 5))


def _size() -> tuple[int, int]:
    """COLUMNS and LINES when set, else the terminal's size, else 80 x 24 (shutil.get_terminal_size's rules,
    without importing shutil at every start)."""
    try:
        measured = os.get_terminal_size(sys.__stdout__.fileno())
        columns, lines = measured.columns, measured.lines
    except (AttributeError, ValueError, OSError):
        columns, lines = 0, 0
    columns = _positive(os.environ.get("COLUMNS")) or columns or 80
    lines = _positive(os.environ.get("LINES")) or lines or 24
    return columns, lines


def _positive(value: str | None) -> int:
    try:
        return max(int(value), 0) if value else 0
    except ValueError:
        return 0
