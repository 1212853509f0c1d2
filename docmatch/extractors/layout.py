"""Group positioned words into lines, blocks and table rows and columns.

The groups are layoutparser objects (`Layout`, `TextBlock`, `Rectangle`), so they can be
shifted, cropped, drawn or turned into a data frame with layoutparser's own tools. No
layout model is used: the groups follow from word geometry alone, which works the
same for OCR words and for text-layer words. Coordinates are PDF points, origin at the
top left, as in `PageWords`.

layoutparser is imported on first use: it is installed without its dependencies beside
opencv-python-headless, and most commands never need it.

- `page_layout(page)`: the words, lines and blocks of a page.
- `table_grid(lines)`: rows (lines with two or more cells) and the columns that their
  cells line up in, as x intervals.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docmatch.extractors.words import PageWords, Word

if TYPE_CHECKING:
    import layoutparser as lp

# Words whose vertical centres differ by less than this share of the word height share a line.
LINE_CENTRE_SHARE = 0.5
# A gap wider than this many word heights separates two cells of a line.
CELL_GAP_HEIGHTS = 1.2
# Lines further apart than this many line heights start a new block.
BLOCK_GAP_HEIGHTS = 1.5
# Cells whose x ranges overlap by this share of the narrower one fall in one column.
COLUMN_OVERLAP_SHARE = 0.3


@dataclass(slots=True)
class PageLayout:
    """The layoutparser groups of one page."""

    words: lp.Layout
    lines: lp.Layout
    blocks: lp.Layout


@dataclass(slots=True)
class TableGrid:
    """Table rows as lists of cell blocks, and column x intervals in points."""

    rows: list[list[lp.TextBlock]] = field(default_factory=list)
    columns: list[tuple[float, float]] = field(default_factory=list)

    def column_of(self, block: lp.TextBlock) -> int | None:
        """Return the index of the column that `block` overlaps most, or None."""
        x0, _, x1, _ = block.coordinates
        best, best_overlap = None, 0.0
        for index, (left, right) in enumerate(self.columns):
            overlap = min(x1, right) - max(x0, left)
            if overlap > best_overlap:
                best, best_overlap = index, overlap
        return best


def word_block(word: Word, *, index: int) -> lp.TextBlock:
    import layoutparser as lp

    return lp.TextBlock(lp.Rectangle(word.x0, word.top, word.x1, word.bottom), text=word.text, id=index, type="word", score=word.confidence)


def page_layout(page: PageWords) -> PageLayout:
    """Return the words, lines and blocks of `page` as layoutparser layouts."""
    import layoutparser as lp

    words = [word_block(word, index=index) for index, word in enumerate(page.words)]
    lines = group_lines(words)
    blocks = group_blocks(lines)
    return PageLayout(words=lp.Layout(words, page_data={"number": page.number}), lines=lp.Layout(lines), blocks=lp.Layout(blocks))


def group_lines(words: list[lp.TextBlock]) -> list[lp.TextBlock]:
    """Join words into lines by their vertical centres, reading left to right.

    Each line's `text` contains its words joined by single spaces, or by " | " where a
    gap wider than `CELL_GAP_HEIGHTS` word heights separates two cells.
    """
    rows: list[list[lp.TextBlock]] = []
    for word in sorted(words, key=lambda block: _centre_y(block)):
        if rows and _same_line(rows[-1], word):
            rows[-1].append(word)
        else:
            rows.append([word])
    return [_line_block(sorted(row, key=lambda block: block.coordinates[0]), index=index) for index, row in enumerate(rows)]


def split_cells(line_words: list[lp.TextBlock]) -> list[lp.TextBlock]:
    """Split the words of one line (left to right) into cells at wide gaps."""
    if not line_words:
        return []
    height = statistics.median(block.height for block in line_words)
    cells: list[list[lp.TextBlock]] = [[line_words[0]]]
    for word in line_words[1:]:
        gap = word.coordinates[0] - cells[-1][-1].coordinates[2]
        if gap > CELL_GAP_HEIGHTS * height:
            cells.append([word])
        else:
            cells[-1].append(word)
    return [_merge_blocks(cell, kind="cell", index=index) for index, cell in enumerate(cells)]


def group_blocks(lines: list[lp.TextBlock]) -> list[lp.TextBlock]:
    """Join consecutive lines that sit close together and overlap horizontally into blocks."""
    blocks: list[list[lp.TextBlock]] = []
    for line in lines:
        previous = blocks[-1][-1] if blocks else None
        if previous is not None and _continues_block(previous, line):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return [_merge_blocks(group, kind="block", index=index, separator="\n") for index, group in enumerate(blocks)]


def table_grid(lines: list[lp.TextBlock]) -> TableGrid:
    """Return the lines with two or more cells as rows, and the columns their cells share."""
    rows = [cells for cells in (split_cells(line.words) for line in lines) if len(cells) >= 2]
    columns: list[tuple[float, float]] = []
    for cells in rows:
        for cell in cells:
            x0, _, x1, _ = cell.coordinates
            for index, (left, right) in enumerate(columns):
                narrower = min(x1 - x0, right - left) or 1.0
                if min(x1, right) - max(x0, left) >= COLUMN_OVERLAP_SHARE * narrower:
                    columns[index] = (min(left, x0), max(right, x1))
                    break
            else:
                columns.append((x0, x1))
    columns.sort()
    return TableGrid(rows=rows, columns=columns)


def _centre_y(block: lp.TextBlock) -> float:
    _, top, _, bottom = block.coordinates
    return (top + bottom) / 2


def _same_line(row: list[lp.TextBlock], word: lp.TextBlock) -> bool:
    centre = statistics.median(_centre_y(block) for block in row)
    height = statistics.median(block.height for block in row)
    return abs(_centre_y(word) - centre) < LINE_CENTRE_SHARE * max(height, word.height)


def _continues_block(previous: lp.TextBlock, line: lp.TextBlock) -> bool:
    px0, _, px1, pbottom = previous.coordinates
    x0, top, x1, _ = line.coordinates
    close = top - pbottom < BLOCK_GAP_HEIGHTS * max(previous.height, 1.0)
    overlapping = min(px1, x1) > max(px0, x0)
    return close and overlapping


def _line_block(words: list[lp.TextBlock], *, index: int) -> lp.TextBlock:
    cells = split_cells(words)
    line = _merge_blocks(words, kind="line", index=index)
    line.text = " | ".join(cell.text for cell in cells)
    line.words = words  # type: ignore[attr-defined]
    return line


def _merge_blocks(blocks: list[lp.TextBlock], *, kind: str, index: int, separator: str = " ") -> lp.TextBlock:
    import layoutparser as lp

    x0 = min(block.coordinates[0] for block in blocks)
    top = min(block.coordinates[1] for block in blocks)
    x1 = max(block.coordinates[2] for block in blocks)
    bottom = max(block.coordinates[3] for block in blocks)
    score = min((block.score for block in blocks if block.score is not None), default=None)
    text = separator.join(block.text for block in blocks if block.text)
    merged = lp.TextBlock(lp.Rectangle(x0, top, x1, bottom), text=text, id=index, type=kind, score=score)
    merged.words = [word for block in blocks for word in getattr(block, "words", [block])]  # type: ignore[attr-defined]
    return merged
