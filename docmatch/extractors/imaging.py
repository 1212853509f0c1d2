"""Image preparation for OCR: load or render a page, then clean it up for Tesseract.

Every page that goes to Tesseract passes through `prepare_page`, which runs these steps:

1. flatten transparency onto white (a transparent PNG margin would otherwise read black);
2. convert to grey while fading coloured ink (stamps, blue signatures), because black print
   stays dark in every channel and coloured ink is bright in at least one;
3. resample to the working resolution when the image has no DPI metadata or less than
   200 dpi, so Tesseract never guesses a resolution (it assumes 70 dpi for images
   without one and then mis-sizes its text-line model);
4. invert dark bars with light text, such as table headers, so they read as dark on light;
5. stretch the contrast of washed-out pages and even out the background of photos
   with uneven light; clean scans are left alone, Tesseract binarises them itself;
6. straighten small skew (up to `MAX_SKEW_DEGREES`) measured on a small copy of the page.

Orientation (90/180/270 degrees) is not decided here. Tesseract's OSD costs about two
thirds of a page's OCR (0.7 s against 1.1 s on a 300 dpi A4 page with Tesseract 5.3),
so the OCR step runs it only when a first pass reads poorly.

Sizes: `PreparedPage.gray` is in pixels at `PreparedPage.dpi`; `points_per_pixel`
and the `offset` turn its pixel boxes into PDF points with the origin at the top left.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from docmatch.errors import UnreadableDocument
from docmatch.pdfium import open_pdf, render_image

log = logging.getLogger(__name__)

# Below this resolution Tesseract's accuracy falls off; such images are upsampled.
MIN_NATIVE_DPI = 200
# An image over at least this share of a PDF page is the page's scan.
SCAN_COVER_SHARE = 0.9
# Resolution assumed for images without DPI metadata once their text height is measured:
# the image is scaled so that a typical capital letter is as tall as at 300 dpi in 10 pt.
TARGET_CAP_HEIGHT_PX = 28.0
# A capital letter of 10 pt print is about 7 pt tall.
TYPICAL_CAP_HEIGHT_PT = 7.0
# Images are never scaled by more than this factor either way.
MAX_RESAMPLE_FACTOR = 4.0
# Skew beyond this is left to orientation detection; the search runs in 0.1 degree steps.
MAX_SKEW_DEGREES = 5.0
MIN_SKEW_DEGREES = 0.15
# Width in pixels of the copy on which skew and background are measured.
ANALYSIS_WIDTH_PX = 800
# A dark bar with light text: at least this share of the page wide, at most this share
# of it tall, and at least this share of its box covered by ink.
DARK_BAND_MIN_WIDTH = 0.2
DARK_BAND_MAX_HEIGHT = 0.08
DARK_BAND_MIN_FILL = 0.6
# Percentile spread (grey levels) under which the page counts as washed out. The dark
# end is the 0.2nd percentile, because a letter head alone inks under 1 % of an A4 page.
# At the 1st percentile its paper noise passed for ink, and the stretch blew the noise
# up into speckle that kept Tesseract busy past its 180 s timeout.
LOW_CONTRAST_SPREAD = 120
CONTRAST_DARK_PERCENTILE = 0.2
CONTRAST_LIGHT_PERCENTILE = 99
# Standard deviation of the estimated background under which the light counts as even.
EVEN_BACKGROUND_STD = 12.0
# A pixel counts as coloured ink when its channels spread by more than this many grey
# levels and its brightest channel is above `COLOURED_INK_BRIGHTEST` (black print is dark
# in every channel, whatever its colour noise).
COLOURED_INK_SATURATION = 35
COLOURED_INK_BRIGHTEST = 110
# Screenshots of text rendered for LCD screens (ClearType and the like) edge each stroke
# with an orange pixel on one side and a blue one on the other. A coloured pixel with one
# of the other warmth this many pixels away or closer, on the same row, is such an edge.
SUBPIXEL_EDGE_REACH = 4


@dataclass(slots=True)
class PreparedPage:
    """A grey page image ready for Tesseract, with what is needed to map boxes back."""

    gray: np.ndarray
    dpi: float
    # PDF points per pixel of `gray`, and where its top-left corner sits on the page (points).
    points_per_pixel: float
    offset: tuple[float, float] = (0.0, 0.0)
    # Size of the whole page in points (for a crop, the page, not the crop).
    page_width: float = 0.0
    page_height: float = 0.0
    skew_degrees: float = 0.0
    steps: tuple[str, ...] = ()

    def to_points(self, left: float, top: float, width: float, height: float) -> tuple[float, float, float, float]:
        """Return the pixel box (left, top, width, height) as (x0, top, x1, bottom) in points."""
        scale = self.points_per_pixel
        dx, dy = self.offset
        return (dx + left * scale, dy + top * scale, dx + (left + width) * scale, dy + (top + height) * scale)


# --- loading ------------------------------------------------------------------------


def render_pdf_page(
    path: str | Path, page_number: int, *, dpi: int, crop: tuple[float, float, float, float] | None = None, grey: bool = False
) -> tuple[Image.Image, float, float]:
    """Render page `page_number` (1-based) with pypdfium2 at `dpi`.

    `crop` is (x0, top, x1, bottom) in points. Returns the RGB image (grey with `grey`,
    which saves the colour conversion of a grey scan) and the page's width and height
    in points; the image starts at the crop's top-left corner.

    Raises:
        UnreadableDocument: the file does not open as a PDF or has no such page.
    """
    import pypdfium2 as pdfium

    try:
        with open_pdf(path) as document:
            if not 1 <= page_number <= len(document):
                raise UnreadableDocument(f"{Path(path).name} has no page {page_number} (it has {len(document)})")
            page = document[page_number - 1]
            width, height = page.get_size()
            margins = (0.0, 0.0, 0.0, 0.0)
            if crop is not None:
                x0, top, x1, bottom = crop
                # pypdfium2 takes the amount to cut from each side: left, bottom, right, top.
                margins = (max(x0, 0.0), max(height - bottom, 0.0), max(width - x1, 0.0), max(top, 0.0))
            # rev_byteorder gives RGB rather than PDFium's BGR, so no conversion copy is needed.
            image = render_image(page, scale=dpi / 72, crop=margins, may_draw_forms=True, rev_byteorder=True, grayscale=grey)
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(f"cannot render {Path(path).name}: {exc}") from exc
    if image.mode != ("L" if grey else "RGB"):
        image = image.convert("L" if grey else "RGB")
    return image, width, height


@dataclass(frozen=True, slots=True)
class PageScan:
    """The image that covers a PDF page: its resolution in dots per inch and whether it is grey."""

    dpi: float
    grey: bool


def find_page_scan(path: str | Path, page_number: int) -> PageScan | None:
    """Return the image that covers page `page_number` (1-based), or None.

    An image-only PDF carries its scan as one image over the whole page, and its pixels
    per inch of the page are the scan's resolution. Pages without such an image (born
    digital, outlines, several small images) return None.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        with open_pdf(path) as document:
            if not 1 <= page_number <= len(document):
                return None
            page = document[page_number - 1]
            page_width, page_height = page.get_size()
            for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=1):
                left, bottom, right, top = image.get_bounds()
                if (right - left) * (top - bottom) < SCAN_COVER_SHARE * page_width * page_height:
                    continue
                pixels_wide, _ = image.get_px_size()
                grey = image.get_metadata().colorspace == pdfium_c.FPDF_COLORSPACE_DEVICEGRAY
                return PageScan(dpi=pixels_wide * 72.0 / (right - left), grey=grey)
            return None
    except pdfium.PdfiumError:
        return None


def iter_image_frames(path: str | Path) -> Iterator[tuple[Image.Image, float | None]]:
    """Yield each frame of a PNG, JPEG or (multi-page) TIFF with its DPI, or None when unknown.

    Frames are yielded one at a time so that a long TIFF never sits in memory whole.

    Raises:
        UnreadableDocument: the file is not an image Pillow can decode.
    """
    try:
        image = Image.open(path)
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableDocument(f"cannot read image {Path(path).name}: {exc}") from exc
    with image:
        frames = getattr(image, "n_frames", 1)
        for index in range(frames):
            image.seek(index)
            frame = ImageOps.exif_transpose(image.copy())
            yield frame, _image_dpi(image)


def _image_dpi(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    if not dpi:
        return None
    try:
        value = float(dpi[0])
    except (TypeError, ValueError, IndexError):
        return None
    # Many writers store 72 or 96 as a placeholder (screens, phones); treat those as
    # unknown. PNG stores dots per metre, so 72 comes back as 71.98.
    if any(abs(value - placeholder) < 0.5 for placeholder in (72, 96)):
        return None
    if abs(value - round(value)) < 0.1:
        value = float(round(value))
    return value if value >= 30 else None


# --- preparation --------------------------------------------------------------------


def prepare_page(image: Image.Image, *, dpi: float | None, working_dpi: int) -> PreparedPage:
    """Run the preparation steps on one page image; `dpi` None means "unknown".

    Returns the page at `PreparedPage.dpi`, which is the native DPI for scans at or above
    200 dpi, else `working_dpi`. `points_per_pixel` assumes the native DPI, or for
    images without one, the DPI that the text height suggests.
    """
    steps: list[str] = []

    # Flatten and convert to grey, fading coloured ink.
    gray = to_gray(flatten_onto_white(image))

    # Resample to a resolution Tesseract reads well.
    factor, physical_dpi = resample_factor(gray, dpi=dpi, working_dpi=working_dpi)
    if not math.isclose(factor, 1.0, rel_tol=0.02):
        gray = resample(gray, factor)
        steps.append(f"resampled x{factor:.2f}")
    page_dpi = physical_dpi * factor

    # Light text on dark bars (table headers) turned dark on light, before the
    # background levelling would wash the bars out.
    bands = invert_dark_bands(gray)
    if bands:
        steps.append(f"inverted {bands} dark band(s)")

    # Contrast and background.
    gray, contrast_steps = improve_contrast(gray)
    steps.extend(contrast_steps)

    # Skew.
    angle = estimate_skew(gray)
    if abs(angle) >= MIN_SKEW_DEGREES:
        gray = rotate(gray, angle)
        steps.append(f"deskewed {angle:+.1f} deg")

    # TODO: Tesseract reads the borders of a ruled table as "|" fused with the cell text,
    # or drops whole rows, so azure-docintel-samples/invoice-english.png gives no PO
    # number and no line. Whitening long thin rules here read that image right (43 % to
    # 100 % of its hand-read values). It also lost names and line codes on the generated
    # scans (300dpi 96.7 % to 95.8 %) and cost 0.15 s of CPU per page. Rules need to be
    # removed only where they cross or box text.
    log.debug("prepared page at %.0f dpi: %s", page_dpi, ", ".join(steps) or "no changes")
    return PreparedPage(gray=gray, dpi=page_dpi, points_per_pixel=72.0 / page_dpi, skew_degrees=angle, steps=tuple(steps))


def flatten_onto_white(image: Image.Image) -> Image.Image:
    """Return `image` as RGB, or L for grey images, with transparent parts painted white."""
    if image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode in {"1", "L"}:
        return image.convert("L")
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        array = np.asarray(image, dtype=np.float64)
        peak = array.max() or 1.0
        return Image.fromarray((array * 255.0 / peak).astype(np.uint8)).convert("RGB")
    return image.convert("RGB")


def to_gray(image: Image.Image) -> np.ndarray:
    """Return the grey levels of an RGB or grey image, with coloured ink faded towards white.

    Black and grey print is dark in every channel; a red stamp or a blue signature is
    bright in at least one. Strongly coloured pixels take their brightest channel, so
    text under a stamp stays readable while the stamp fades.
    """
    import cv2

    if image.mode == "L":
        return np.array(image, dtype=np.uint8)
    rgb = np.asarray(image, dtype=np.uint8)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)

    # Most pages carry no coloured ink; a coarse look settles that cheaply.
    if not _saturation_mask(analysis_copy(rgb, interpolation=cv2.INTER_NEAREST)).any():
        return gray
    high = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV_FULL)[:, :, 2]
    # The coloured edges of screen-rendered text are part of its strokes: faded, they
    # would thin every letter to a hairline. They keep their plain grey level.
    saturated = _saturation_mask(rgb)
    saturated &= ~_subpixel_edges(rgb, saturated)
    # JPEG keeps colour at half resolution, so the rims of coloured strokes look grey:
    # the mask grows by a pixel to take them in.
    coloured = cv2.dilate(saturated.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    np.copyto(gray, high, where=coloured)
    # What is left of the coloured ink is lighter than any print, so it goes to white.
    # Grey print outside it keeps its level: a page with a coloured logo may print its
    # labels in light grey (170), which the fade would turn white.
    np.copyto(gray, cv2.LUT(gray, _FADE_LIGHT_LEVELS), where=coloured)
    return gray


# Grey levels from COLOURED_INK_FADE_LEVEL upwards become white; darker ones are stretched.
COLOURED_INK_FADE_LEVEL = 175
_FADE_LIGHT_LEVELS = np.clip(np.arange(256) * 255.0 / COLOURED_INK_FADE_LEVEL, 0, 255).astype(np.uint8)


def _saturation_mask(rgb: np.ndarray) -> np.ndarray:
    import cv2

    channels = cv2.split(rgb)
    high = cv2.max(cv2.max(channels[0], channels[1]), channels[2])
    low = cv2.min(cv2.min(channels[0], channels[1]), channels[2])
    return (cv2.subtract(high, low) > COLOURED_INK_SATURATION) & (high > COLOURED_INK_BRIGHTEST)


def _subpixel_edges(rgb: np.ndarray, saturated: np.ndarray) -> np.ndarray:
    """Mark the saturated pixels that edge screen-rendered text: warm and cool side by side on a row.

    A red stamp or a blue signature has no pixels of the other warmth beside its own,
    so it stays coloured ink.
    """
    import cv2

    red = rgb[:, :, 0]
    blue = rgb[:, :, 2]
    warm = saturated & (red > blue)
    cool = saturated & (blue > red)
    row_reach = np.ones((1, 2 * SUBPIXEL_EDGE_REACH + 1), np.uint8)
    near_warm = cv2.dilate(warm.astype(np.uint8), row_reach).astype(bool)
    near_cool = cv2.dilate(cool.astype(np.uint8), row_reach).astype(bool)
    return (warm & near_cool) | (cool & near_warm)


def resample_factor(gray: np.ndarray, *, dpi: float | None, working_dpi: int) -> tuple[float, float]:
    """Return (scale factor, physical DPI) that bring the page to a readable resolution."""
    if dpi is not None:
        if dpi >= MIN_NATIVE_DPI:
            return 1.0, dpi
        return min(max(working_dpi / dpi, 1.0), MAX_RESAMPLE_FACTOR), dpi

    # No DPI: measure the text and scale it to the size Tesseract reads best.
    cap_height = estimate_cap_height(gray)
    if cap_height is None:
        return 1.0, float(working_dpi)
    factor = min(max(TARGET_CAP_HEIGHT_PX / cap_height, 1 / MAX_RESAMPLE_FACTOR), MAX_RESAMPLE_FACTOR)
    if 0.8 <= factor <= 1.5:
        factor = 1.0
    physical_dpi = cap_height * 72.0 / TYPICAL_CAP_HEIGHT_PT
    return factor, physical_dpi


def estimate_cap_height(gray: np.ndarray) -> float | None:
    """Return the median height in pixels of letter-sized ink blobs, or None for a page without text."""
    import cv2

    ink = ink_mask(gray)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    letters = heights[(heights >= 6) & (heights <= gray.shape[0] / 20) & (widths <= heights * 3)]
    if letters.size < 20:
        return None
    return float(np.percentile(letters, 75))


def resample(gray: np.ndarray, factor: float) -> np.ndarray:
    import cv2

    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interpolation)


def improve_contrast(gray: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Even out uneven light and stretch washed-out pages; leave clean scans alone."""
    import cv2

    steps: list[str] = []
    small = analysis_copy(gray)
    # A morphological closing with a kernel wider than a stroke removes the text and
    # leaves an estimate of the paper's brightness.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    if float(background.std()) > EVEN_BACKGROUND_STD and float(np.median(background)) > 100:
        full_background = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
        full_background = cv2.GaussianBlur(full_background, (0, 0), 5)
        gray = cv2.divide(gray, np.maximum(full_background, 1), scale=255)
        steps.append("background levelled")

    low, high = np.percentile(analysis_copy(gray), (CONTRAST_DARK_PERCENTILE, CONTRAST_LIGHT_PERCENTILE))
    if high - low < LOW_CONTRAST_SPREAD and high > low:
        stretched = (gray.astype(np.float32) - low) * (255.0 / (high - low))
        gray = np.clip(stretched, 0, 255).astype(np.uint8)
        steps.append("contrast stretched")
    return gray, steps


def invert_dark_bands(gray: np.ndarray) -> int:
    """Invert, in place, the filled dark bars that carry light text; return how many.

    Tesseract reads dark text on a light ground. A table header printed white on a dark
    bar reads as noise, and the line extractor then misses the header that tells it
    where the columns are. A bar is a blob of ink at least `DARK_BAND_MIN_WIDTH` of the
    page wide, at most `DARK_BAND_MAX_HEIGHT` of it tall and mostly filled.
    """
    import cv2

    small = analysis_copy(gray)
    scale = gray.shape[1] / small.shape[1]
    ink = ink_mask(small)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = small.shape
    inverted = 0
    for left, top, band_width, band_height, area in stats[1:]:
        if band_width < DARK_BAND_MIN_WIDTH * width or band_height > DARK_BAND_MAX_HEIGHT * height or band_height < 4:
            continue
        if area < DARK_BAND_MIN_FILL * band_width * band_height:
            continue
        x0, y0 = int(left * scale), int(top * scale)
        x1, y1 = int((left + band_width) * scale), int((top + band_height) * scale)
        region = gray[y0:y1, x0:x1]
        np.subtract(255, region, out=region)
        inverted += 1
    return inverted


def estimate_skew(gray: np.ndarray) -> float:
    """Return the angle in degrees (counter-clockwise positive) that straightens the text lines.

    Text lines blurred into bars give a sharply peaked row profile only when they lie
    flat, so the angle with the highest profile variance wins: first in 0.5 degree
    steps, then in 0.1 degree steps around the best.
    """
    import cv2

    small = analysis_copy(gray)
    ink = ink_mask(small)
    if int(np.count_nonzero(ink)) < 200:
        return 0.0
    bars = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
    # The coarse search runs on a half-size copy: a 0.5 degree step needs no detail.
    half = cv2.resize(bars, (bars.shape[1] // 2, bars.shape[0] // 2), interpolation=cv2.INTER_AREA)

    def score(image: np.ndarray, angle: float) -> float:
        profile = rotate(image, angle, border=0).sum(axis=1, dtype=np.float64)
        return float(np.var(profile))

    # TODO: a page with only a DIN 5008 letter head gets an angle 0.8 to 1.0 degrees off,
    # because the window and the reference block, half a line apart, line up with each
    # other at that angle. Scoring each text block's profile apart, with strips shifted by
    # whole pixels, fixed that page. At this 800 px copy it settles angles only to about
    # 0.1 degrees, and reading a 2.0 skew as 2.1 cost a second Tesseract call on the
    # benchmark's 150 dpi page. The blocks need scoring at sub-pixel precision.
    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 0.5)
    best = max(coarse, key=lambda angle: score(half, angle))
    fine = np.arange(best - 0.4, best + 0.41, 0.1)
    best = max(fine, key=lambda angle: score(bars, angle))
    return round(float(best), 2)


def rotate(gray: np.ndarray, angle: float, *, border: int = 255) -> np.ndarray:
    """Rotate by `angle` degrees (counter-clockwise) around the centre, keeping the size."""
    import cv2

    height, width = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def rotate_quarter_turns(gray: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate clockwise by a multiple of 90 degrees, as Tesseract's OSD reports it."""
    turns = (degrees // 90) % 4
    return np.ascontiguousarray(np.rot90(gray, k=-turns)) if turns else gray


def write_pgm(gray: np.ndarray, path: Path) -> Path:
    """Write `gray` as a binary PGM: no compression to spend time on, and Leptonica reads it."""
    height, width = gray.shape
    with open(path, "wb") as handle:
        handle.write(b"P5\n%d %d\n255\n" % (width, height))
        handle.write(np.ascontiguousarray(gray, dtype=np.uint8).tobytes())
    return path


def analysis_copy(image: np.ndarray, *, interpolation: int | None = None) -> np.ndarray:
    """Return a copy `ANALYSIS_WIDTH_PX` wide for measurements that need no detail."""
    import cv2

    height, width = image.shape[:2]
    if width <= ANALYSIS_WIDTH_PX:
        return image
    factor = ANALYSIS_WIDTH_PX / width
    size = (ANALYSIS_WIDTH_PX, max(int(height * factor), 1))
    return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR if interpolation is None else interpolation)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Return 255 where Otsu's threshold finds ink (dark), else 0."""
    import cv2

    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask
