"""Rebuild printed rows and cells from positioned words.

Words whose vertical centres lie within half a line height form a row; within a row,
a horizontal gap wider than about one character height starts a new cell. Rows and
cells keep their words, so every value read from them keeps its box and confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from docmatch.extractors.vocabulary import fold_token
from docmatch.extractors.words import PageWords, Word, merge_boxes, value_confidence

# A gap wider than this many word heights separates two cells of a row.
CELL_GAP_HEIGHTS = 0.9
# A capital this close (in word heights, either way) to a lower-case word belongs to it.
# Kerning left "F actuurnummer" 0.005 heights apart, while a word space is 0.25 to 0.3:
# at 0.3, "1 L carton" had read as "1 Lcarton".
KERNING_GAP_HEIGHTS = 0.1
# A run of at least this many single letters is a letter-spaced word.
LETTER_SPACED_MIN = 4
# Words whose centres differ by less than this share of a line height share a row.
ROW_CENTRE_SHARE = 0.5


@dataclass(slots=True)
class Cell:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return merge_boxes(self.words)  # type: ignore[return-value]

    @property
    def confidence(self) -> float:
        return value_confidence(self.words)


@dataclass(slots=True)
class Row:
    page: int
    words: list[Word]
    cells: list[Cell] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def height(self) -> float:
        return median(word.bottom - word.top for word in self.words)


def build_rows(page: PageWords) -> list[Row]:
    """Return the rows of `page` from top to bottom, each split into cells."""
    rows: list[Row] = []
    for line in _group_lines(page.words):
        line.sort(key=lambda word: word.x0)
        line = _join_kerned_capitals(_join_letter_spacing(line))
        row = Row(page=page.number, words=line)
        row.cells = _split_cells(line)
        row.tokens = [fold_token(word.text) for word in line]
        rows.append(row)
    return rows


def _group_lines(words: list[Word]) -> list[list[Word]]:
    ordered = sorted(words, key=lambda word: (word.y_center, word.x0))
    lines: list[list[Word]] = []
    centre = 0.0
    for word in ordered:
        height = max(word.bottom - word.top, 1.0)
        if lines:
            # A dash or a middle dot is far lower than the letters beside it; OCR
            # boxes it tightly, so it takes the height of the line it may join.
            height = max(height, median(member.bottom - member.top for member in lines[-1]))
        if lines and abs(word.y_center - centre) <= ROW_CENTRE_SHARE * height:
            lines[-1].append(word)
            centre = sum(member.y_center for member in lines[-1]) / len(lines[-1])
            continue
        lines.append([word])
        centre = word.y_center
    return lines


def _join_letter_spacing(line: list[Word]) -> list[Word]:
    """Join titles set with spaced letters ("R E C H N U N G") into one word."""
    joined: list[Word] = []
    run: list[Word] = []
    for word in [*line, None]:
        if word is not None and len(word.text) == 1 and word.text.isalpha() and (not run or word.x0 - run[-1].x1 < (word.bottom - word.top)):
            run.append(word)
            continue
        if len(run) >= LETTER_SPACED_MIN:
            joined.append(Word("".join(letter.text for letter in run), run[0].x0, min(w.top for w in run), run[-1].x1, max(w.bottom for w in run), min(w.confidence for w in run), run[0].font, run[0].size))
        else:
            joined.extend(run)
        run = []
        if word is not None:
            if len(word.text) == 1 and word.text.isalpha():
                run.append(word)
            else:
                joined.append(word)
    return joined


def _join_kerned_capitals(line: list[Word]) -> list[Word]:
    """Join a capital split off its word by kerning ("F actuurnummer")."""
    joined: list[Word] = []
    for word in line:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and len(previous.text) == 1
            and previous.text.isupper()
            and word.text[:1].islower()
            and abs(word.x0 - previous.x1) < KERNING_GAP_HEIGHTS * (word.bottom - word.top)
        ):
            joined[-1] = Word(previous.text + word.text, previous.x0, min(previous.top, word.top), word.x1, max(previous.bottom, word.bottom), min(previous.confidence, word.confidence), word.font, word.size)
            continue
        joined.append(word)
    return joined


def _split_cells(line: list[Word]) -> list[Cell]:
    cells: list[Cell] = [Cell([line[0]])]
    for previous, word in zip(line, line[1:]):
        height = max(min(previous.bottom - previous.top, word.bottom - word.top), 1.0)
        if word.x0 - previous.x1 > CELL_GAP_HEIGHTS * height:
            cells.append(Cell([word]))
        else:
            cells[-1].words.append(word)
    return cells


def find_phrase(tokens: list[str], phrase: tuple[str, ...], *, start: int = 0) -> int | None:
    """Return the index in `tokens` where `phrase` starts, or None."""
    size = len(phrase)
    for index in range(start, len(tokens) - size + 1):
        if tuple(tokens[index : index + size]) == phrase:
            return index
    return None
