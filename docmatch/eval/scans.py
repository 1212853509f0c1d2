"""Turn born-digital PDFs into realistic scans, for measuring the OCR path.

Each `ScanVariant` describes one way paper comes back from a scanner, fax or phone:
resolution (150-300 dpi), skew (1-3 degrees), sensor noise, blur, JPEG artefacts, a
1-bit fax rendering, and a red "RECEIVED" stamp or a blue signature drawn over text.
`scan_pdf` renders each page with pypdfium2, degrades it with a seeded random
generator (the same seed gives the same scan) and writes an image-only PDF, a PNG, a
JPEG or a multi-page TIFF. The scans carry no text layer, so they take the OCR path.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from docmatch.pdfium import open_pdf, render_image

log = logging.getLogger(__name__)

OutputFormat = Literal["pdf", "png", "jpeg", "tiff"]


@dataclass(frozen=True, slots=True)
class ScanVariant:
    """How one scan differs from the clean page; angles in degrees, noise in grey levels."""

    name: str
    dpi: int
    skew_degrees: float = 0.0
    noise_sigma: float = 0.0
    blur_radius: float = 0.0
    jpeg_quality: int | None = None
    bilevel: bool = False
    stamp: bool = False
    signature: bool = False
    colour: bool = False
    # Uneven light, as on a phone photo: the page darkens by up to this many grey levels.
    shading: int = 0
    description: str = ""


VARIANTS: dict[str, ScanVariant] = {
    variant.name: variant
    for variant in (
        ScanVariant("300dpi", 300, skew_degrees=0.5, noise_sigma=6, description="office scanner, 300 dpi grey, slight skew"),
        ScanVariant("200dpi-jpeg", 200, skew_degrees=1.0, noise_sigma=10, blur_radius=0.5, jpeg_quality=60, description="200 dpi grey, 1 deg skew, JPEG q60"),
        ScanVariant("150dpi-2deg", 150, skew_degrees=2.0, noise_sigma=8, blur_radius=0.4, jpeg_quality=75, description="150 dpi grey, 2 deg skew, JPEG q75"),
        ScanVariant("fax", 200, skew_degrees=1.5, noise_sigma=12, bilevel=True, description="fax-like 1-bit at 200 dpi, 1.5 deg skew"),
        ScanVariant("stamped", 300, skew_degrees=1.0, noise_sigma=5, stamp=True, signature=True, colour=True, jpeg_quality=85, description="300 dpi colour, red stamp and blue signature over text"),
        ScanVariant("phone", 200, skew_degrees=3.0, noise_sigma=10, blur_radius=0.8, jpeg_quality=55, shading=70, description="phone-like: 3 deg skew, blur, uneven light, JPEG q55"),
    )
}


def scan_pdf(source: str | Path, variant: ScanVariant, target: str | Path, *, seed: int = 0, output: OutputFormat = "pdf") -> Path:
    """Write a scan of every page of `source` to `target` as `output`; return `target`.

    PDF and TIFF hold all pages; PNG and JPEG hold the first page only. The DPI is stored
    in the image metadata except for JPEG, where it is left out on purpose, as many
    phones do, so that the OCR path must work out the resolution itself.
    """
    target = Path(target)
    pages = iter_scanned_pages(source, variant, seed=seed)
    if output in {"png", "jpeg"}:
        first = next(pages)
        if output == "png":
            first.save(target, dpi=(variant.dpi, variant.dpi))
        else:
            first.convert("RGB" if first.mode == "RGB" else "L").save(target, quality=variant.jpeg_quality or 85)
        return target
    _save_multipage(list(pages), variant, target, output)
    return target


def iter_scanned_pages(source: str | Path, variant: ScanVariant, *, seed: int = 0) -> Iterator[Image.Image]:
    """Yield the scanned image of each page of the PDF `source`, one page at a time."""
    with open_pdf(source) as document:
        page_count = len(document)

    # The document is opened again for each page, so that no PDFium lock is held while
    # the caller works on the page it was given.
    for index in range(page_count):
        with open_pdf(source) as document:
            clean = render_image(document[index], scale=variant.dpi / 72, grayscale=not variant.colour)
        yield degrade(clean, variant, rng=random.Random(f"{seed}:{variant.name}:{index}"))


def degrade(clean: Image.Image, variant: ScanVariant, *, rng: random.Random) -> Image.Image:
    """Return `clean` (rendered at the variant's DPI) as the variant's scanner would return it."""
    image = clean.convert("RGB" if variant.colour else "L")

    # Marks on the paper come before the scan.
    if variant.stamp:
        image = draw_stamp(image, rng=rng, dpi=variant.dpi)
    if variant.signature:
        image = draw_signature(image, rng=rng, dpi=variant.dpi)

    # The scan itself: skew, optics, light, sensor.
    if variant.skew_degrees:
        angle = variant.skew_degrees * rng.choice((-1, 1))
        image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor="white")
    if variant.blur_radius:
        image = image.filter(ImageFilter.GaussianBlur(variant.blur_radius * variant.dpi / 150))
    if variant.shading:
        image = _shade(image, variant.shading, rng=rng)
    if variant.noise_sigma:
        image = _add_noise(image, variant.noise_sigma, rng=rng)

    # What the device stores.
    if variant.bilevel:
        image = image.convert("L").point(lambda level: 255 if level > 150 else 0).convert("1")
    elif variant.jpeg_quality:
        image = _jpeg_round_trip(image, variant.jpeg_quality)
    return image


def draw_stamp(image: Image.Image, *, rng: random.Random, dpi: int) -> Image.Image:
    """Draw a tilted red rubber stamp "RECEIVED" with a date over the upper right text."""
    unit = dpi / 72
    width, height = int(200 * unit), int(70 * unit)
    stamp = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    pen = ImageDraw.Draw(stamp)
    ink = (200, 30, 40, 170)
    pen.rounded_rectangle((2, 2, width - 3, height - 3), radius=int(8 * unit), outline=ink, width=max(int(3 * unit), 2))
    font = _font(int(22 * unit))
    pen.text((int(16 * unit), int(10 * unit)), "RECEIVED", fill=ink, font=font)
    pen.text((int(16 * unit), int(38 * unit)), f"{rng.randint(1, 28):02d} MAR 2024", fill=ink, font=_font(int(16 * unit)))
    stamp = stamp.rotate(rng.uniform(-12, 12), resample=Image.BICUBIC, expand=True)
    x = int(image.width * rng.uniform(0.5, 0.62))
    y = int(image.height * rng.uniform(0.06, 0.12))
    return _paste_ink(image, stamp, (x, y))


def draw_signature(image: Image.Image, *, rng: random.Random, dpi: int) -> Image.Image:
    """Draw a blue ballpoint scribble across a line of text in the lower half of the page."""
    unit = dpi / 72
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(layer)
    x0 = image.width * rng.uniform(0.1, 0.35)
    y0 = image.height * rng.uniform(0.35, 0.55)
    points = []
    for step in range(60):
        t = step / 59
        x = x0 + t * 180 * unit
        y = y0 + math.sin(t * rng.uniform(9, 14)) * 9 * unit + t * rng.uniform(-12, 12) * unit
        points.append((x, y))
    pen.line(points, fill=(20, 40, 170, 220), width=max(int(1.6 * unit), 2), joint="curve")
    return _paste_ink(image, layer, (0, 0))


def _paste_ink(image: Image.Image, layer: Image.Image, origin: tuple[int, int]) -> Image.Image:
    """Lay coloured ink on the page; on a grey scan the ink turns grey as a grey scanner sees it."""
    base = image.convert("RGBA")
    canvas = Image.new("RGBA", base.size, (0, 0, 0, 0))
    canvas.paste(layer, origin, layer)
    # Ink darkens the paper (multiply) rather than covering the print underneath.
    inked = Image.composite(Image.fromarray(_multiply(base, canvas)), base, canvas.getchannel("A"))
    return inked.convert(image.mode)


def _multiply(base: Image.Image, ink: Image.Image) -> np.ndarray:
    paper = np.asarray(base, dtype=np.float32) / 255.0
    colour = np.asarray(ink, dtype=np.float32) / 255.0
    mixed = paper.copy()
    mixed[..., :3] = paper[..., :3] * colour[..., :3]
    return (mixed * 255).astype(np.uint8)


def _shade(image: Image.Image, depth: int, *, rng: random.Random) -> Image.Image:
    array = np.asarray(image, dtype=np.float32)
    height, width = array.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = width * rng.uniform(0.2, 0.8), height * rng.uniform(0.2, 0.8)
    distance = np.hypot(xs - cx, ys - cy) / np.hypot(width, height)
    shade = (distance * 2 * depth).clip(0, depth)
    if array.ndim == 3:
        shade = shade[..., None]
    return Image.fromarray(np.clip(array - shade, 0, 255).astype(np.uint8))


def _add_noise(image: Image.Image, sigma: float, *, rng: random.Random) -> Image.Image:
    generator = np.random.default_rng(rng.randrange(2**32))
    array = np.asarray(image, dtype=np.float32)
    # The same grain on every channel, as a sensor's brightness noise.
    noise = generator.normal(0.0, sigma, size=array.shape[:2]).astype(np.float32)
    if array.ndim == 3:
        noise = noise[..., None]
    return Image.fromarray(np.clip(array + noise, 0, 255).astype(np.uint8))


def _jpeg_round_trip(image: Image.Image, quality: int) -> Image.Image:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.copy()


def _save_multipage(pages: list[Image.Image], variant: ScanVariant, target: Path, output: OutputFormat) -> None:
    if not pages:
        raise ValueError("the source PDF has no pages")
    first, rest = pages[0], pages[1:]
    if output == "tiff":
        compression = "group4" if variant.bilevel else "tiff_lzw"
        first.save(target, format="TIFF", save_all=True, append_images=rest, compression=compression, dpi=(variant.dpi, variant.dpi))
        return
    first.save(target, format="PDF", save_all=True, append_images=rest, resolution=float(variant.dpi))


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)
