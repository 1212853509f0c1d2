"""OCR of scanned pages and images with Tesseract, as positioned words.

`ocr_pdf_page` renders one PDF page with pypdfium2; `ocr_image_file` and
`iter_image_pages` read PNG, JPEG and multi-page TIFF files one frame at a time. Each
page is prepared (see `imaging`), written once as an uncompressed PGM and read by
Tesseract through `pytesseract.image_to_data` with the file path, so no image is
encoded twice. Word boxes come back in pixels and are converted to PDF points with the
origin at the top left. `Word.confidence` is Tesseract's word confidence divided by 100.

Orientation: Tesseract's OSD costs about two thirds of reading the page, so it runs
only when the first reading looks like a turned page (few words, low confidence). A
rotation found on one page is tried first on the next page of the same file, so a
batch scanned upside down pays for OSD once.

Every Tesseract call runs with `OMP_THREAD_LIMIT=1`. With OpenMP threads, Tesseract
5.3.0 took 9.5 s instead of 0.97 s for a 300 dpi A4 page on a 2-core machine, so
parallel work belongs in separate processes.
"""

from __future__ import annotations

import functools
import logging
import os
import statistics
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from docmatch.errors import ConfigurationError, ExtractionError
from docmatch.extractors.columns import separate_misaligned_blocks
from docmatch.extractors.imaging import (
    MIN_NATIVE_DPI,
    PreparedPage,
    find_page_scan,
    iter_image_frames,
    prepare_page,
    render_pdf_page,
    rotate_quarter_turns,
    write_pgm,
)
from docmatch.extractors.inkboxes import fit_boxes_to_ink, ink_threshold, split_at_blank_columns
from docmatch.extractors.words import PageWords, Word
from docmatch.models import BBox
from docmatch.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OcrTuning:
    """Thresholds of the OCR step; the defaults suit A4 business documents."""

    # Tesseract page segmentation mode 6 reads the page as one block of text. Mode 3
    # (automatic layout) drops columns of short numbers such as quantities, and the
    # layout is rebuilt from word boxes anyway.
    psm: int = 6
    # A first reading with a median word confidence below this, or fewer words than
    # `few_words`, is checked for a turned page with OSD.
    orientation_check_confidence: float = 0.7
    few_words: int = 6
    # Two pieces of a code or number are joined again when the gap between them is
    # narrower than `split_gap_heights` word heights. Where digits meet digits, the
    # limit is `split_gap_share` of the line's usual word gap, capped at 1.5 times
    # the first limit.
    split_gap_heights: float = 0.28
    split_gap_share: float = 0.75
    # Numbers, codes and units read with a confidence below this are read again, cut
    # out of the page one by one. Tesseract misreads short numbers beside wide gaps
    # ("60" as "607" at confidence 0) and reads the same pixels right once they stand
    # alone. At most `max_rereads` cut-outs per page, in one extra Tesseract call.
    reread_below: float = 0.6
    max_rereads: int = 30
    # Words with a letter or digit lower than this share of the page's median word
    # height are rules or specks read as text. The lowest letters, such as "a" beside
    # capitals, are about half the median.
    min_word_height_share: float = 0.3
    # Working resolution of scans under 200 dpi (see `working_dpi`). On 13 demo
    # documents scanned at 150 dpi with 2 degrees skew, 200, 250 and 300 dpi gave 97.6,
    # 96.9 and 97.3 % field accuracy. bench/ocr_pipeline.py measured about 15 % less CPU
    # at 250 than at 300 dpi (2 vCPU, Tesseract 5.3.0).
    # At 200 dpi, more words fell under `reread_below` and cost an extra Tesseract call.
    low_resolution_dpi: int = 250
    # OSD's orientation confidence below which its result is ignored.
    min_osd_confidence: float = 1.5
    # Seconds before one Tesseract call is abandoned.
    timeout: float = 180.0


DEFAULT_TUNING = OcrTuning()


@dataclass(slots=True)
class OrientationMemo:
    """The quarter-turn rotation (clockwise degrees) that the last page of a file needed."""

    rotation: int = 0
    osd_runs: int = 0


@dataclass(slots=True)
class PixelWord:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    # Tesseract's (block, paragraph, line) numbers: words sharing them sit on one line.
    line: tuple[int, int, int] = (0, 0, 0)

    @property
    def right(self) -> int:
        return self.left + self.width


@dataclass(slots=True)
class Reading:
    words: list[PixelWord] = field(default_factory=list)

    @property
    def quality(self) -> float:
        """Median confidence (0-1) of the words with at least two letters or digits."""
        scores = [word.confidence for word in self.words if sum(ch.isalnum() for ch in word.text) >= 2]
        return statistics.median(scores) if scores else 0.0


# --- public entry points ------------------------------------------------------------


def ocr_pdf_page(
    path: str | Path,
    page_number: int,
    *,
    settings: Settings,
    crop: BBox | None = None,
    memo: OrientationMemo | None = None,
    tuning: OcrTuning = DEFAULT_TUNING,
) -> PageWords:
    """Render page `page_number` (1-based) of the PDF and OCR it; `crop` limits it to a box in points.

    A rotation detected on one page is tried first on the next page of the same file.
    Pass one `memo` for all pages, or leave it out: the memo of the file this process
    read last is then reused when `path` is that file.

    Raises:
        UnreadableDocument: the PDF cannot be rendered or has no such page.
        ExtractionError: Tesseract is missing, failed or timed out.
    """
    scan = find_page_scan(path, page_number) if crop is None else None
    dpi = working_dpi(scan.dpi if scan else None, settings=settings, tuning=tuning)
    image, page_width, page_height = render_pdf_page(path, page_number, dpi=dpi, crop=crop, grey=bool(scan and scan.grey))
    prepared = prepare_page(image, dpi=dpi, working_dpi=dpi)
    image.close()
    prepared.page_width, prepared.page_height = page_width, page_height
    if crop is not None:
        prepared.offset = (max(crop[0], 0.0), max(crop[1], 0.0))
    return ocr_prepared(prepared, number=page_number, settings=settings, memo=memo or _memo_for(path), tuning=tuning)


def ocr_image_file(path: str | Path, *, settings: Settings) -> list[PageWords]:
    """OCR every frame of a PNG, JPEG or TIFF image.

    Raises:
        UnreadableDocument: the file is not a readable image.
        ExtractionError: Tesseract is missing, failed or timed out.
    """
    return list(iter_image_pages(path, settings=settings))


def iter_image_pages(path: str | Path, *, settings: Settings, tuning: OcrTuning = DEFAULT_TUNING) -> Iterator[PageWords]:
    """Yield the words of each frame in turn, holding one frame in memory at a time."""
    memo = OrientationMemo()
    for number, (frame, dpi) in enumerate(iter_image_frames(path), start=1):
        prepared = prepare_page(frame, dpi=dpi, working_dpi=working_dpi(dpi, settings=settings, tuning=tuning))
        frame.close()
        yield ocr_prepared(prepared, number=number, settings=settings, memo=memo, tuning=tuning)


def ocr_prepared(prepared: PreparedPage, *, number: int, settings: Settings, memo: OrientationMemo, tuning: OcrTuning = DEFAULT_TUNING) -> PageWords:
    """OCR a prepared page, turning it first when the page reads like a rotated one."""
    with tempfile.TemporaryDirectory(prefix="docmatch-ocr-") as folder:
        workdir = Path(folder)

        # Reading with the rotation the previous page needed.
        if memo.rotation:
            prepared.gray = rotate_quarter_turns(prepared.gray, memo.rotation)
        reading = read_words(prepared, workdir, settings=settings, tuning=tuning)

        # Orientation, only when the reading looks wrong.
        if _looks_turned(reading, tuning):
            reading = _retry_with_osd(prepared, reading, workdir, settings=settings, memo=memo, tuning=tuning)

        # The page's ink threshold, which the rereads and the box fitting below share.
        threshold = ink_threshold(prepared.gray)

        # Doubtful words, read again one by one.
        reread_doubtful_words(prepared, reading, workdir, threshold=threshold, settings=settings, tuning=tuning)

    # Word heights decide rows, cells and titles, so they must follow the ink.
    fit_boxes_to_ink(prepared.gray, reading.words, threshold=threshold)

    page = _page_words(prepared, reading, number=number)
    log.debug("page %d: %d OCR words, median confidence %.2f", number, len(page.words), reading.quality)
    return page


def working_dpi(native_dpi: float | None, *, settings: Settings, tuning: OcrTuning = DEFAULT_TUNING) -> int:
    """Return the resolution at which a page scanned at `native_dpi` (None: unknown) is read.

    Scans under `MIN_NATIVE_DPI` are read at `tuning.low_resolution_dpi`, never above
    `settings.ocr_dpi`, and everything else at `settings.ocr_dpi`.
    """
    if native_dpi is not None and native_dpi < MIN_NATIVE_DPI:
        return min(settings.ocr_dpi, tuning.low_resolution_dpi)
    return settings.ocr_dpi


_last_memo: tuple[str, OrientationMemo] | None = None


def _memo_for(path: str | Path) -> OrientationMemo:
    """Return the orientation memo of `path`, new unless it is the file read last."""
    global _last_memo
    # The modification time distinguishes a new file written under the same name.
    resolved = Path(path).resolve()
    key = f"{resolved}:{resolved.stat().st_mtime_ns}"
    if _last_memo is None or _last_memo[0] != key:
        _last_memo = (key, OrientationMemo())
    return _last_memo[1]


# --- Tesseract ----------------------------------------------------------------------


def read_words(prepared: PreparedPage, workdir: Path, *, settings: Settings, tuning: OcrTuning) -> Reading:
    """Run Tesseract on the prepared page and return its words in pixels of `prepared.gray`."""
    # Side-by-side blocks with interleaved lines are pasted below the page, so that
    # page segmentation mode 6 reads their lines apart (see `columns`).
    composed = separate_misaligned_blocks(prepared.gray)
    image_path = write_pgm(composed.gray, workdir / "page.pgm")
    reading = run_image_to_data(image_path, languages=settings.ocr_languages, psm=tuning.psm, dpi=prepared.dpi, timeout=tuning.timeout)
    for word in reading.words:
        word.left, word.top = composed.move_back(word.left, word.top, word.height)
    reading.words = join_split_codes(drop_flat_words(reading.words, tuning=tuning), tuning=tuning)
    return reading


def drop_flat_words(words: list[PixelWord], *, tuning: OcrTuning = DEFAULT_TUNING) -> list[PixelWord]:
    """Drop letter or digit words far flatter than the page's text: Tesseract read them off a rule.

    A thin rule under a line of small print, blurred at 150 dpi, comes back as a row of
    "words" such as "SBE IRANI INS" two or three pixels tall. No letter is that flat,
    whereas dashes and dots are, so words without a letter or digit are kept.
    """
    heights = [word.height for word in words if any(ch.isalnum() for ch in word.text)]
    if not heights:
        return words
    floor = tuning.min_word_height_share * statistics.median(heights)
    return [word for word in words if word.height >= floor or not any(ch.isalnum() for ch in word.text)]


def run_image_to_data(image_path: Path, *, languages: str, psm: int, dpi: float, timeout: float) -> Reading:
    """Call `pytesseract.image_to_data` on a file and keep the words that carry text.

    Raises:
        ExtractionError: Tesseract is missing, failed or timed out.
    """
    import pytesseract

    check_languages(languages)
    config = f"--psm {psm} --dpi {round(dpi)}"
    data = _call_tesseract(
        lambda: pytesseract.image_to_data(str(image_path), lang=languages, config=config, output_type=pytesseract.Output.DICT, timeout=timeout),
    )
    words: list[PixelWord] = []
    for index, text in enumerate(data["text"]):
        confidence = float(data["conf"][index])
        text = (text or "").strip()
        if not text or confidence < 0:
            continue
        words.append(
            PixelWord(
                text=text,
                left=int(data["left"][index]),
                top=int(data["top"][index]),
                width=int(data["width"][index]),
                height=int(data["height"][index]),
                confidence=min(max(confidence / 100.0, 0.0), 1.0),
                line=(int(data["block_num"][index]), int(data["par_num"][index]), int(data["line_num"][index])),
            )
        )
    return Reading(words=words)


def join_split_codes(words: list[PixelWord], *, tuning: OcrTuning = DEFAULT_TUNING) -> list[PixelWord]:
    """Join the pieces of a code or number that Tesseract split at a narrow gap.

    Tesseract sometimes reads "INV-2024-004817" as "INV-2024-00481" and "7". The gap
    inside such a split is narrower than the usual gap between words on that line.
    Only pieces that touch with letters or digits, one of them holding a digit, are
    joined, so prose and punctuated labels ("No:") stay apart.
    """
    lines: dict[tuple[int, int, int], list[PixelWord]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    joined: list[PixelWord] = []
    for line_words in lines.values():
        joined.extend(_join_line(sorted(line_words, key=lambda word: word.left), tuning))
    return joined


def _join_line(words: list[PixelWord], tuning: OcrTuning) -> list[PixelWord]:
    if len(words) < 2:
        return words
    gaps = [right.left - left.right for left, right in zip(words, words[1:])]
    result = [words[0]]
    for index, word in enumerate(words[1:]):
        previous = result[-1]
        height = max(previous.height, word.height)
        # Column gaps are no measure of word spacing, so only gaps below two word
        # heights count as the line's usual word gap.
        word_gaps = [gap for position, gap in enumerate(gaps) if position != index and gap < 2 * height]
        limit = tuning.split_gap_heights * height
        if word_gaps and _digits_meet(previous.text, word.text):
            limit = max(limit, min(tuning.split_gap_share * statistics.median(word_gaps), 1.5 * limit))
        if gaps[index] < limit and _code_pieces(previous.text, word.text):
            result[-1] = _merge(previous, word)
        else:
            result.append(word)
    return result


def _code_pieces(left: str, right: str) -> bool:
    return left[-1].isalnum() and right[0].isalnum() and any(ch.isdigit() for ch in left + right)


def _digits_meet(left: str, right: str) -> bool:
    return left[-1].isdigit() and right[0].isdigit()


def _merge(left: PixelWord, right: PixelWord) -> PixelWord:
    top = min(left.top, right.top)
    bottom = max(left.top + left.height, right.top + right.height)
    return PixelWord(
        text=left.text + right.text,
        left=left.left,
        top=top,
        width=right.right - left.left,
        height=bottom - top,
        confidence=min(left.confidence, right.confidence),
        line=left.line,
    )


def reread_doubtful_words(prepared: PreparedPage, reading: Reading, workdir: Path, *, threshold: float, settings: Settings, tuning: OcrTuning) -> int:
    """Read doubtful numbers, codes and units again from a strip of their cut-outs.

    Returns how many words changed.

    A word is doubtful when its confidence is low, or when its box contains two words
    Tesseract read as one (see `plan_rereads`). Each cut-out is stacked under the others
    on a white strip, so one Tesseract call reads them all. A word takes the new reading
    only when each of its cut-outs gives exactly one word, all with a higher confidence.
    """
    rereads = plan_rereads(prepared.gray, reading.words, threshold=threshold, tuning=tuning)
    if not rereads:
        return 0

    # Numbers, codes and units decide matches and read the same in every language, so
    # the strip is read with the first language alone: loading all six models costs
    # 0.5 s of CPU, loading one 0.1 s (Tesseract 5.3.0 on a small strip).
    # The pieces of a fused word are cut out black and white at the page's ink threshold.
    # Cut out grey, a lone "L" read as "LE" whenever the strip held another cut-out, and
    # as "L" in black and white (Tesseract 5.3.0).
    pieces = [piece for reread in rereads for piece in reread.pieces]
    ink_levels = [threshold if len(reread.pieces) > 1 else None for reread in rereads for _ in reread.pieces]
    strip, bands = _cutout_strip(prepared.gray, pieces, ink_levels=ink_levels)
    strip_path = write_pgm(strip, workdir / "doubtful.pgm")
    first_language = settings.ocr_languages.split("+")[0]
    strip_words = run_image_to_data(strip_path, languages=first_language, psm=6, dpi=prepared.dpi, timeout=tuning.timeout).words

    # Each band of the strip gives the readings of one cut-out, in the order of the plan.
    band_words = [[new for new in strip_words if band_top <= new.top + new.height / 2 < band_bottom] for band_top, band_bottom in bands]
    changed = 0
    replaced: dict[int, list[PixelWord]] = {}
    for reread in rereads:
        readings, band_words = band_words[: len(reread.pieces)], band_words[len(reread.pieces) :]
        if len(reread.pieces) > 1:
            replaced.update(_split_fused_word(reread, readings))
        else:
            changed += _take_better_reading(reread.word, readings[0])
    reading.words = [new for word in reading.words for new in replaced.get(id(word), [word])]
    log.debug("read %d doubtful words again, %d changed, %d split", len(rereads), changed, len(replaced))
    return changed + len(replaced)


@dataclass(slots=True)
class Reread:
    """A word to read again, and the boxes to cut out for it: the word itself, or its pieces."""

    word: PixelWord
    pieces: list[PixelWord]


def plan_rereads(gray: np.ndarray, words: list[PixelWord], *, threshold: float | None = None, tuning: OcrTuning = DEFAULT_TUNING) -> list[Reread]:
    """Choose the numbers, codes and units to read again, at most `tuning.max_rereads` cut-outs.

    A box with a blank gap far wider than any gap between letters contains two words that
    Tesseract fused. "12" and "L", printed 2 mm apart in a quantity and a unit column,
    came back as the one word "i250". Tesseract reads such a box the same way again, so
    its pieces are read apart, whatever its confidence. Other words are read again when
    their confidence is below `tuning.reread_below`.
    """
    if threshold is None:
        threshold = ink_threshold(gray)
    fused: list[Reread] = []
    doubtful: list[Reread] = []
    for word in words:
        if not _worth_rereading(word.text):
            continue
        boxes = split_at_blank_columns(gray, word, threshold=threshold)
        if boxes:
            fused.append(Reread(word, [PixelWord(word.text, left, top, right - left, bottom - top, word.confidence, word.line) for left, top, right, bottom in boxes]))
        elif word.confidence < tuning.reread_below:
            doubtful.append(Reread(word, [word]))

    planned: list[Reread] = []
    cutouts = 0
    for reread in fused + sorted(doubtful, key=lambda reread: reread.word.confidence):
        cutouts += len(reread.pieces)
        if cutouts > tuning.max_rereads:
            break
        planned.append(reread)
    return planned


def _take_better_reading(word: PixelWord, found: list[PixelWord]) -> int:
    """Give `word` the one word read from its cut-out when that is more confident; return 1 when its text changed."""
    if len(found) != 1 or found[0].confidence <= word.confidence:
        return 0
    changed = int(found[0].text != word.text)
    word.text, word.confidence = found[0].text, found[0].confidence
    return changed


def _split_fused_word(reread: Reread, readings: list[list[PixelWord]]) -> dict[int, list[PixelWord]]:
    """Return {id of the fused word: one word per piece} when every piece read as one more confident word, else {}.

    A piece that reads as nothing or as several words (a speck, say) leaves the word as
    Tesseract first read it.
    """
    if any(len(found) != 1 or found[0].confidence <= reread.word.confidence for found in readings):
        return {}
    words = []
    for piece, found in zip(reread.pieces, readings, strict=True):
        piece.text, piece.confidence = found[0].text, found[0].confidence
        words.append(piece)
    return {id(reread.word): words}


def _worth_rereading(text: str) -> bool:
    """Return True for numbers, dates, codes and unit abbreviations (up to 3 letters)."""
    return any(ch.isdigit() for ch in text) or (text.isalpha() and len(text) <= 3)


def _cutout_strip(gray: np.ndarray, words: list[PixelWord], *, ink_levels: list[float | None] | None = None) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Stack the cut-outs of `words` on a white strip; return it and each cut-out's rows.

    A cut-out with an ink level in `ink_levels` is turned black and white at that grey level.
    """
    cutouts = []
    for index, word in enumerate(words):
        margin_y, margin_x = max(word.height // 2, 4), max(word.height // 3, 3)
        top, left = max(word.top - margin_y, 0), max(word.left - margin_x, 0)
        cutout = gray[top : word.top + word.height + margin_y, left : word.right + margin_x]
        level = ink_levels[index] if ink_levels else None
        cutouts.append(cutout if level is None else np.where(cutout <= level, 0, 255).astype(np.uint8))
    gap = max(max(cutout.shape[0] for cutout in cutouts) // 2, 10)
    width = max(cutout.shape[1] for cutout in cutouts) + 2 * gap
    height = sum(cutout.shape[0] + gap for cutout in cutouts) + gap
    strip = np.full((height, width), 255, dtype=np.uint8)
    bands = []
    y = gap
    for cutout in cutouts:
        strip[y : y + cutout.shape[0], gap : gap + cutout.shape[1]] = cutout
        bands.append((y - gap // 2, y + cutout.shape[0] + gap // 2))
        y += cutout.shape[0] + gap
    return strip, bands


def detect_rotation(image_path: Path, *, dpi: float, timeout: float) -> tuple[int, float]:
    """Return (clockwise degrees to rotate, OSD orientation confidence) from Tesseract's OSD."""
    import pytesseract

    result = _call_tesseract(
        lambda: pytesseract.image_to_osd(str(image_path), config=f"--psm 0 --dpi {round(dpi)}", output_type=pytesseract.Output.DICT, timeout=timeout),
    )
    return int(result.get("rotate", 0)) % 360, float(result.get("orientation_conf", 0.0))


@functools.lru_cache(maxsize=8)
def check_languages(languages: str) -> None:
    """Fail when Tesseract lacks data for one of `languages`, once per process and setting.

    Tesseract itself only warns on its error stream about a language it cannot load and
    reads on with the others, so a misspelled or missing language would lower accuracy
    with no sign.

    Raises:
        ConfigurationError: naming the missing languages and how to install them. The
            fault is the setting, not the document, so a batch stops rather than failing
            every scan.
    """
    import pytesseract

    installed = set(_call_tesseract(pytesseract.get_languages))
    missing = [code for code in languages.split("+") if code and code not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{code}" for code in missing)
        raise ConfigurationError(
            f"Tesseract has no language data for {', '.join(missing)} (DOCMATCH_OCR_LANGUAGES={languages})",
            hint=f"install {packages}, or leave {', '.join(missing)} out of DOCMATCH_OCR_LANGUAGES; installed: {'+'.join(sorted(installed))}",
        )


def _call_tesseract(call):  # type: ignore[no-untyped-def]
    """Run a pytesseract call with one OpenMP thread and turn its errors into ours."""
    import pytesseract

    # pytesseract passes our environment to Tesseract; OpenMP threads only slow it down.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        return call()
    except pytesseract.TesseractNotFoundError as exc:
        raise ExtractionError("Tesseract is not installed or not on PATH", hint="run scripts/setup.sh, which installs tesseract-ocr and its languages") from exc
    except pytesseract.TesseractError as exc:
        if "Too few characters" in str(exc) or "Invalid resolution" in str(exc):
            raise _NoOrientation(str(exc)) from exc
        raise ExtractionError(f"Tesseract failed: {exc.message}", hint="check DOCMATCH_OCR_LANGUAGES against `tesseract --list-langs`") from exc
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise ExtractionError("Tesseract timed out on a page", hint="the page may be far larger than A4; split or downscale it") from exc
        raise


class _NoOrientation(Exception):
    """OSD found too little text to decide."""


# --- orientation --------------------------------------------------------------------


def _looks_turned(reading: Reading, tuning: OcrTuning) -> bool:
    return len(reading.words) < tuning.few_words or reading.quality < tuning.orientation_check_confidence


def _retry_with_osd(prepared: PreparedPage, reading: Reading, workdir: Path, *, settings: Settings, memo: OrientationMemo, tuning: OcrTuning) -> Reading:
    """Detect the page's orientation with OSD, and read the page again when OSD finds it turned."""
    image_path = workdir / "page.pgm"
    memo.osd_runs += 1
    try:
        rotation, confidence = detect_rotation(image_path, dpi=prepared.dpi, timeout=tuning.timeout)
    except _NoOrientation:
        log.debug("OSD found too little text to tell the orientation")
        return reading
    if rotation == 0 or confidence < tuning.min_osd_confidence:
        log.debug("OSD kept the orientation (rotate %d, confidence %.1f)", rotation, confidence)
        return reading

    original = prepared.gray
    prepared.gray = rotate_quarter_turns(original, rotation)
    turned = read_words(prepared, workdir, settings=settings, tuning=tuning)
    if turned.quality <= reading.quality and len(turned.words) <= len(reading.words):
        prepared.gray = original
        return reading
    memo.rotation = (memo.rotation + rotation) % 360
    log.info("page turned by %d degrees before OCR (OSD confidence %.1f)", rotation, confidence)
    return turned


# --- boxes to points ----------------------------------------------------------------


def _page_words(prepared: PreparedPage, reading: Reading, *, number: int) -> PageWords:
    height_px, width_px = prepared.gray.shape
    width = prepared.page_width or width_px * prepared.points_per_pixel
    height = prepared.page_height or height_px * prepared.points_per_pixel
    if (width_px > height_px) != (width > height):
        # The page was read a quarter turn from how the PDF shows it.
        width, height = height, width
    words = []
    for word in reading.words:
        x0, top, x1, bottom = prepared.to_points(word.left, word.top, word.width, word.height)
        words.append(Word(text=word.text, x0=x0, top=top, x1=x1, bottom=bottom, confidence=word.confidence, size=bottom - top))
    return PageWords(number=number, width=width, height=height, words=words, source="ocr", triage_reason=None)
