"""Image preparation before Tesseract: no OCR runs here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from docmatch.extractors import imaging
from docmatch.extractors.ocr import PixelWord, drop_flat_words, fit_boxes_to_ink, join_split_codes, working_dpi
from docmatch.settings import load_settings
from tests.ocr.ocr_documents import build_pdf, draw_invoice, render_page


@pytest.fixture(scope="module")
def invoice_200dpi(built: Path) -> Image.Image:
    return render_page(build_pdf(built / "imaging-invoice.pdf", draw_invoice), dpi=200)


@pytest.mark.parametrize("angle", [-3.0, -1.2, 0.0, 2.0])
def test_skew_estimate_straightens_page(invoice_200dpi: Image.Image, angle: float) -> None:
    turned = np.asarray(invoice_200dpi.rotate(angle, resample=Image.BICUBIC, fillcolor=255))
    estimate = imaging.estimate_skew(turned)
    assert estimate == pytest.approx(-angle, abs=0.25)


def test_prepare_page_deskews_and_keeps_size(invoice_200dpi: Image.Image) -> None:
    turned = invoice_200dpi.rotate(2.0, resample=Image.BICUBIC, fillcolor=255)
    prepared = imaging.prepare_page(turned, dpi=300, working_dpi=300)
    assert prepared.gray.shape == (turned.height, turned.width)
    assert prepared.skew_degrees == pytest.approx(-2.0, abs=0.25)
    assert prepared.points_per_pixel == pytest.approx(72 / 300)


def test_low_resolution_is_resampled_to_working_dpi(invoice_200dpi: Image.Image) -> None:
    small = invoice_200dpi.resize((invoice_200dpi.width * 3 // 4, invoice_200dpi.height * 3 // 4))
    prepared = imaging.prepare_page(small, dpi=150, working_dpi=300)
    assert prepared.dpi == pytest.approx(300)
    assert prepared.gray.shape[1] == pytest.approx(small.width * 2, abs=2)
    # Boxes still map to the page's physical size: 150 dpi pixels are 0.48 pt.
    assert prepared.gray.shape[1] * prepared.points_per_pixel == pytest.approx(small.width * 72 / 150, rel=0.01)


def test_missing_dpi_is_worked_out_from_text_height(invoice_200dpi: Image.Image) -> None:
    """GIVEN a 200 dpi page without DPI metadata THEN the measured DPI is near 200, never 70."""
    factor, physical_dpi = imaging.resample_factor(np.asarray(invoice_200dpi), dpi=None, working_dpi=300)
    assert 150 <= physical_dpi <= 260
    assert factor >= 1.0


def test_placeholder_dpi_counts_as_unknown(tmp_path: Path) -> None:
    path = tmp_path / "screen.png"
    Image.new("L", (50, 50), 255).save(path, dpi=(72, 72))
    frames = list(imaging.iter_image_frames(path))
    assert frames[0][1] is None


def test_multipage_tiff_yields_each_frame(tmp_path: Path) -> None:
    path = tmp_path / "two.tiff"
    first = Image.new("L", (40, 30), 255)
    second = Image.new("L", (30, 40), 0)
    first.save(path, save_all=True, append_images=[second], dpi=(300, 300))
    frames = list(imaging.iter_image_frames(path))
    assert [frame.size for frame, _ in frames] == [(40, 30), (30, 40)]
    assert frames[0][1] == pytest.approx(300)


def test_unreadable_image_raises_input_error(tmp_path: Path) -> None:
    from docmatch.errors import UnreadableDocument

    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(UnreadableDocument):
        list(imaging.iter_image_frames(path))


def test_transparent_margin_becomes_white() -> None:
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (5, 5, 15, 15))
    gray = imaging.to_gray(imaging.flatten_onto_white(image))
    assert gray[0, 0] == 255
    assert gray[10, 10] == 0


def test_coloured_stamp_fades_but_black_print_stays() -> None:
    image = Image.new("RGB", (40, 40), (255, 255, 255))
    image.paste((200, 40, 50), (0, 0, 20, 40))  # red stamp ink
    image.paste((20, 20, 20), (25, 0, 30, 40))  # black print
    gray = imaging.to_gray(image)
    assert gray[20, 5] == 255
    assert gray[20, 27] < 60


def test_pgm_round_trip(tmp_path: Path) -> None:
    gray = (np.arange(12 * 7, dtype=np.uint8) * 3).reshape(7, 12)
    path = imaging.write_pgm(gray, tmp_path / "page.pgm")
    with Image.open(path) as image:
        assert np.array_equal(np.asarray(image), gray)


def _word(text: str, left: int, width: int, *, line: tuple[int, int, int] = (1, 1, 1)) -> PixelWord:
    return PixelWord(text=text, left=left, top=100, width=width, height=30, confidence=0.9, line=line)


def test_split_code_is_joined_again() -> None:
    """GIVEN "INV-2024-00481" and "7" 10 px apart on a line whose word gaps are 16 px THEN one word."""
    words = [_word("Invoice", 0, 100), _word("No:", 116, 40), _word("INV-2024-00481", 172, 260), _word("7", 442, 18)]
    joined = join_split_codes(words)
    assert [word.text for word in joined] == ["Invoice", "No:", "INV-2024-004817"]
    assert joined[-1].left == 172
    assert joined[-1].width == 460 - 172


def test_words_at_normal_spacing_stay_apart() -> None:
    words = [_word("Cable", 0, 90), _word("tie", 106, 40), _word("200", 162, 50), _word("mm", 228, 45)]
    assert [word.text for word in join_split_codes(words)] == ["Cable", "tie", "200", "mm"]


def test_words_on_different_lines_never_join() -> None:
    words = [_word("12", 0, 30, line=(1, 1, 1)), _word("34", 32, 30, line=(1, 1, 2))]
    assert len(join_split_codes(words)) == 2


def test_dark_header_bar_is_inverted() -> None:
    """GIVEN a black bar with white text across a white page THEN the bar turns light with dark text."""
    gray = np.full((1200, 900), 255, dtype=np.uint8)
    gray[300:340, 60:840] = 30
    gray[310:330, 100:140] = 250  # a white letter inside the bar
    gray[600:620, 100:140] = 0  # ordinary black print elsewhere
    assert imaging.invert_dark_bands(gray) == 1
    assert gray[305, 500] == 225
    assert gray[320, 120] == 5
    assert gray[610, 120] == 0


def test_text_lines_are_not_taken_for_bars(invoice_200dpi: Image.Image) -> None:
    gray = np.array(invoice_200dpi)
    assert imaging.invert_dark_bands(gray) == 0


def test_cutout_strip_stacks_words() -> None:
    from docmatch.extractors.ocr import _cutout_strip

    gray = np.full((400, 600), 255, dtype=np.uint8)
    words = [_word("607", 100, 40), _word("E", 300, 17)]
    strip, bands = _cutout_strip(gray, words)
    assert len(bands) == 2
    assert bands[0][1] <= bands[1][0] + 1
    assert strip.shape[0] >= sum(bottom - top for top, bottom in bands)


def test_grey_print_beside_coloured_logo() -> None:
    """GIVEN light grey labels (170) on a page with a red logo THEN the labels keep their grey level.

    A web receipt printed every label in grey 170. Fading the whole page as coloured ink
    had turned them white, and OCR read none of them.
    """
    image = Image.new("RGB", (200, 200), (255, 255, 255))
    image.paste((220, 30, 40), (0, 0, 60, 60))  # red logo
    image.paste((170, 170, 170), (100, 100, 140, 110))  # grey label
    image.paste((51, 51, 51), (100, 150, 140, 160))  # dark value
    gray = imaging.to_gray(image)
    assert gray[30, 30] == 255
    assert gray[105, 120] == 170
    assert gray[155, 120] == 51


def test_screen_rendered_text_keeps_its_coloured_edges() -> None:
    """GIVEN a screenshot of text rendered for an LCD screen THEN the orange and blue stroke edges keep their grey.

    FlipkartInvoice.png edges each stroke with an orange pixel on one side and a blue one
    on the other. Faded as coloured ink, they thinned every letter to a hairline, and
    OCR read "2218-10-18" for the order date 15-10-2015.
    """
    image = Image.new("RGB", (60, 40), (255, 255, 255))
    for left in (10, 30):  # two vertical strokes: orange edge, dark core, blue edge
        image.paste((239, 177, 115), (left, 0, left + 1, 40))
        image.paste((60, 60, 60), (left + 1, 0, left + 3, 40))
        image.paste((153, 215, 251), (left + 3, 0, left + 4, 40))
    image.paste((200, 40, 50), (45, 0, 60, 40))  # a red stamp beside them still fades
    gray = imaging.to_gray(image)
    assert gray[20, 10] == 188  # the orange edge at its plain luminance
    assert gray[20, 33] == 201  # the blue edge at its plain luminance
    assert gray[20, 11] == 60
    assert gray[20, 55] == 255


def test_sparse_page_not_stretched() -> None:
    """GIVEN a noisy page inked under 1 % (a letter head alone) THEN no contrast stretch.

    At the 1st percentile the paper noise passed for ink, the stretch turned the noise
    into speckle, and Tesseract ran past its 180 s timeout on that page.
    """
    rng = np.random.default_rng(3)
    gray = np.clip(rng.normal(250, 6, size=(1100, 800)), 0, 255).astype(np.uint8)
    gray[100:110, 100:400] = 20
    gray[130:140, 100:300] = 20
    assert (gray < 128).mean() < 0.01
    _, steps = imaging.improve_contrast(gray)
    assert "contrast stretched" not in steps


def test_washed_out_page_is_stretched() -> None:
    gray = np.full((400, 400), 235, dtype=np.uint8)
    gray[::8, :] = 150
    stretched, steps = imaging.improve_contrast(gray)
    assert steps == ["contrast stretched"]
    assert stretched.min() == 0
    assert stretched.max() == 255


def test_flat_words_from_rules_are_dropped() -> None:
    """GIVEN letters 3 px tall where the page's words are 30 px tall THEN they are dropped, and dashes stay."""
    words = [
        PixelWord("Invoice", 0, 100, 90, 30, 0.9),
        PixelWord("GmbH", 100, 100, 60, 30, 0.9),
        PixelWord("am", 170, 108, 30, 16, 0.9),
        PixelWord("-", 210, 112, 12, 3, 0.9),
        PixelWord("SBE", 0, 140, 40, 3, 0.4),
        PixelWord("IRANI", 50, 140, 60, 2, 0.1),
    ]
    assert [word.text for word in drop_flat_words(words)] == ["Invoice", "GmbH", "am", "-"]


def test_word_box_shrinks_to_its_ink() -> None:
    """GIVEN a box spanning the whole line and an i-dot over the word THEN the box covers dot and word only."""
    gray = np.full((120, 200), 255, dtype=np.uint8)
    gray[40:42, 20:24] = 0  # the dot of an i, two blank rows above the letters
    gray[44:60, 10:150] = 0
    gray[100:104, 10:150] = 0  # the next line's ascenders, inside the box
    word = PixelWord("Versender-Ref.", 5, 30, 160, 76, 0.9)
    fit_boxes_to_ink(gray, [word])
    assert (word.top, word.height) == (40, 20)
    assert (word.left, word.width) == (5, 160)


def test_word_box_without_ink_is_kept() -> None:
    gray = np.full((100, 100), 255, dtype=np.uint8)
    gray[80:90, 80:90] = 0
    word = PixelWord("x", 10, 10, 20, 20, 0.5)
    fit_boxes_to_ink(gray, [word])
    assert (word.top, word.height) == (10, 20)



@pytest.mark.parametrize(("native", "expected"), [(150.0, 250), (199.0, 250), (200.0, 300), (300.0, 300), (None, 300)])
def test_working_dpi_of_scans(native: float | None, expected: int) -> None:
    assert working_dpi(native, settings=load_settings(ocr_dpi=300)) == expected


def test_working_dpi_never_above_setting() -> None:
    assert working_dpi(150.0, settings=load_settings(ocr_dpi=200)) == 200


def test_page_scan_of_image_only_pdf(tmp_path: Path) -> None:
    """GIVEN an A4 page that is one grey image of 1240 x 1754 pixels THEN a grey 150 dpi scan."""
    path = tmp_path / "scan.pdf"
    Image.new("L", (1240, 1754), 255).save(path, resolution=150.0)
    scan = imaging.find_page_scan(path, 1)
    assert scan is not None
    assert scan.dpi == pytest.approx(150.0, abs=0.5)
    assert scan.grey is True


def test_page_scan_of_colour_image(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    Image.new("RGB", (2480, 3508), (255, 255, 255)).save(path, resolution=300.0)
    scan = imaging.find_page_scan(path, 1)
    assert scan is not None
    assert scan.dpi == pytest.approx(300.0, abs=0.5)
    assert scan.grey is False


def test_born_digital_page_has_no_scan(built: Path) -> None:
    assert imaging.find_page_scan(build_pdf(built / "no-scan.pdf", draw_invoice), 1) is None


def test_page_scan_of_missing_page_is_none(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    Image.new("L", (100, 100), 255).save(path, resolution=72.0)
    assert imaging.find_page_scan(path, 2) is None
