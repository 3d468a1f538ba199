"""The events listing's table, laid out line by line: what rich's Table draws for it (heavy head, folded overflow,
expanded to the width, a caption below), at a small fraction of the cost.

rich measures, wraps and renders every cell through a tree of renderables and segments, about a millisecond a
row: 2 seconds for the shipped data, minutes for 100,000 events. Here the column widths come from rich's own rule
for this table (only the Date column is measured; the two others share what is left by their ratios), a cell is
wrapped with rich's own `divide_line` only when it does not fit on one line, and each line is written once.
`tests/test_fast_table.py` holds the output equal to rich's. Where rich would have to shrink columns (a very narrow
terminal) `lay_out` returns None and the caller draws the table with rich.
"""

from __future__ import annotations

from math import ceil

from rich._wrap import divide_line
from rich.cells import cell_len

# rich.box.HEAVY_HEAD
TOP = ("┏", "━", "┳", "┓")
HEAD = ("┃", "┃", "┃")
HEAD_RULE = ("┡", "━", "╇", "┩")
ROW = ("│", "│", "│")
BOTTOM = ("└", "─", "┴", "┘")


class Column:
    __slots__ = ("header", "style", "min_width", "max_width", "ratio")

    def __init__(self, header: str, style: str | None = None, min_width: int | None = None,
                 max_width: int | None = None, ratio: int | None = None):
        self.header, self.style, self.ratio = header, style, ratio
        self.min_width, self.max_width = min_width, max_width


def _ratio_distribute(total: int, ratios: list[int], minimums: list[int]) -> list[int]:
    """rich._ratio.ratio_distribute: an integer total in parts by ratio, each at least its minimum."""
    ratios = [ratio if minimum else 0 for ratio, minimum in zip(ratios, minimums)]
    total_ratio, remaining, parts = sum(ratios), total, []
    for ratio, minimum in zip(ratios, minimums):
        part = max(minimum, ceil(ratio * remaining / total_ratio)) if total_ratio > 0 else remaining
        parts.append(part)
        total_ratio -= ratio
        remaining -= part
    return parts


def widths_for(columns: list[Column], fixed_cells: dict[int, list[str]], width: int) -> list[int] | None:
    """Each column's width with its padding, as rich's expanded Table computes it when nothing must shrink:
    a column without a ratio is as wide as its widest cell (header included) within its bounds, the others share
    the rest by ratio. None when rich would have to collapse columns."""
    available = width - (len(columns) + 1)  # the vertical rules
    fixed = []
    for index, column in enumerate(columns):
        if column.ratio:
            fixed.append(0)
            continue
        high = min(max(cell_len(c) for c in [column.header, *fixed_cells[index]]) + 2, available)
        if column.min_width is not None:
            high = max(high, column.min_width + 2)
        if column.max_width is not None:
            high = min(high, column.max_width + 2)
        fixed.append(high)
    flexible = [c.ratio for c in columns if c.ratio]
    shares = iter(_ratio_distribute(available - sum(fixed), flexible, [3] * len(flexible)))
    widths = [f if not c.ratio else next(shares) for f, c in zip(fixed, columns)]
    if sum(widths) != available or min(widths) < 3:
        return None
    return widths


def wrap(text: str, width: int) -> list[str]:
    """One paragraph as rich wraps it with overflow 'fold': lines of exactly `width` cells (padded, or cropped
    of the trailing space a word brings)."""
    if text.isascii() and "\t" not in text:
        if len(text) <= width:
            return [text + " " * (width - len(text))]
        pieces = _pieces(text, divide_line(text, width, fold=True))
        return [p + " " * (width - len(p)) if len(p) <= width else _fit(p.rstrip(), width) for p in pieces]
    pieces = _pieces(text, divide_line(text, width, fold=True)) if cell_len(text) > width else [text]
    return [_fit(p, width) for p in pieces]


def _pieces(text: str, offsets: list[int]) -> list[str]:
    bounds = [0, *offsets, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def _fit(piece: str, width: int) -> str:
    """A piece made exactly `width` cells: trailing spaces past the width dropped, then cropped or padded."""
    length = cell_len(piece)
    if length > width:
        stripped = piece.rstrip()
        piece = stripped + " " * max(0, width - cell_len(stripped))
        length = cell_len(piece)
        while length > width:  # a wide character at the edge: crop by cells
            piece = piece[:-1]
            length = cell_len(piece)
    return piece + " " * (width - length)


def lay_out(columns: list[Column], rows, width: int, paint, caption: str | None = None) -> str | None:
    """The whole table as text, or None where rich would have to shrink columns (see `widths_for`).

    `rows`: each a list of cells, a cell a list of (paragraph, style) pairs (one paragraph in a column without a
    ratio); paragraphs hold no tab or line break (`text.visible` makes them so). `paint(text, style)` styles a
    stretch of text; None: no colour."""
    rows = list(rows)
    fixed_cells = {i: [row[i][0][0] for row in rows] for i, c in enumerate(columns) if not c.ratio}
    widths = widths_for(columns, fixed_cells, width)
    if widths is None:
        return None
    out = [_rule(TOP, widths)]
    out += _row_lines([[(c.header, "bold")] for c in columns], [None] * len(columns), widths, HEAD, paint, bottom=True)
    out.append(_rule(HEAD_RULE, widths))
    styles = [c.style for c in columns]
    for row in rows:
        out += _row_lines(row, styles, widths, ROW, paint)
    out.append(_rule(BOTTOM, widths))
    if caption:
        total = sum(widths) + len(widths) + 1
        for line in wrap(caption, total):
            text = line.rstrip()
            left = (total - cell_len(text)) // 2
            shown = text if paint is None else paint(text, "dim italic")
            out.append(" " * left + shown + " " * (total - left - cell_len(text)))
    return "\n".join(out) + "\n"


def _rule(chars, widths: list[int]) -> str:
    left, line, cross, right = chars
    return left + cross.join(line * w for w in widths) + right


def _row_lines(cells, column_styles: list, widths: list[int], edges, paint, bottom: bool = False) -> list[str]:
    """A row's lines: its cells wrapped, the shorter ones filled below (above, for the header, as rich does)."""
    laid = []
    for paragraphs, column_style, w in zip(cells, column_styles, widths):
        if paint is None:
            lines = [line for text, _ in paragraphs for line in wrap(text, w - 2)]
        else:
            lines = [paint(" ", column_style) + paint(line, _joined(column_style, style)) + paint(" ", column_style)
                     for text, style in paragraphs for line in wrap(text, w - 2)]
        laid.append(lines)
    height = max(map(len, laid))
    left, middle, right = edges
    if height == 1:
        if paint is None:
            return [left + " " + f" {middle} ".join(lines[0] for lines in laid) + " " + right]
        return [left + middle.join(lines[0] for lines in laid) + right]
    blank = [" " * w if paint is None else paint(" " * w, s) for w, s in zip(widths, column_styles)]
    out = []
    for i in range(height):
        parts = []
        for lines, empty in zip(laid, blank):
            at = i - (height - len(lines)) if bottom else i
            if 0 <= at < len(lines):
                parts.append(f" {lines[at]} " if paint is None else lines[at])
            else:
                parts.append(empty)
        out.append(left + middle.join(parts) + right)
    return out


def _joined(first: str | None, second: str | None) -> str | None:
    if first and second:
        return f"{first} {second}"
    return first or second
