"""Find the documents inside an e-mail message.

`find_attachments(message)` walks every part of a parsed message and returns the files
worth taking, the decorations it skipped and the containers it could not open:

- multipart parts are walked depth first; forwarded messages (`message/rfc822` parts,
  or `.eml` files attached as plain bytes) are walked like the outer message; a
  multipart whose boundary lines are missing is reported as a problem and kept whole;
- Outlook's `winmail.dat` (`application/ms-tnef`) is unpacked with tnefparse and its
  attachments are taken as if they were parts of the message; a container that does not
  decode completely (damaged framing, a truncated attribute, bytes after the last one) is
  reported as a problem with none of its attachments taken, never dropped in silence;
- a PDF is taken whatever its disposition: Apple Mail marks attached PDFs `inline`;
- images that decorate the message (logos, banners, signature pictures) are skipped.
  The decision uses the declared MIME type and the magic bytes together with the
  Content-ID that HTML bodies reference them by, and the size; never the disposition
  alone;
- file names encoded per RFC 2231 (split, percent-escaped) or RFC 2047 are decoded and
  normalised to NFC; making them safe for the file system is `quarantine.safe_filename`'s
  job.

Text and HTML bodies are not attachments and are left alone. Everything else with a
file name is returned, so that `quarantine.inspect` can refuse what is not a document
with a reason the report shows.
"""

from __future__ import annotations

import email
import email.policy
import logging
import struct
import unicodedata
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import EmailMessage, Message

from docmatch.ingest.registry import sniff_media_type

log = logging.getLogger(__name__)

# MIME levels followed; each forward adds two (the message/rfc822 part and its multipart),
# so this allows about eight forwards of forwards while stopping crafted nesting.
MAX_DEPTH = 20

TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
SIGNATURE_TYPES = frozenset({"application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature"})
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/tiff", "image/bmp", "image/webp"})

_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/tiff": ".tif", "image/gif": ".gif"}


@dataclass(frozen=True)
class DecorationRules:
    """When an image belongs to the message's looks rather than being a document.

    An image referenced by Content-ID is a decoration unless it is as large as a photo
    of a page; an image without Content-ID is a decoration only when it is tiny.
    """

    # Below this an image is a logo or an icon, Content-ID or not (bytes).
    tiny_image_bytes: int = 8 * 1024
    # At or above this an image is taken even with a Content-ID: phones send photographed
    # delivery notes inline (bytes).
    photo_bytes: int = 400 * 1024


@dataclass
class MailAttachment:
    """One file found in a message; `filename` is decoded and NFC, not yet made safe."""

    filename: str
    content: bytes
    declared_type: str
    content_id: str | None = None
    origin: str = "part"  # part, forwarded or tnef


@dataclass
class MailContents:
    """Result of `find_attachments`: files to take, decorations skipped, containers not opened."""

    attachments: list[MailAttachment] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Containers that did not open, each with its reason, to be quarantined.
    problems: list[tuple[MailAttachment, str]] = field(default_factory=list)
    # Every problem of the message, those without a file (too deep nesting) included.
    problem_reasons: list[str] = field(default_factory=list)


def parse_message(raw: bytes) -> EmailMessage:
    """Parse raw RFC 5322 bytes with the modern policy (decoded headers, `iter_attachments`)."""
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def find_attachments(message: Message, *, rules: DecorationRules | None = None) -> MailContents:
    """Return the files in `message`, walking nested parts, forwards and TNEF containers."""
    contents = MailContents()
    _walk(message, contents, rules or DecorationRules(), depth=0, origin="part")
    log.debug(
        "message walked: %d attachments, %d decorations skipped, %d problems",
        len(contents.attachments), len(contents.skipped), len(contents.problems),
    )
    return contents


def _walk(part: Message, contents: MailContents, rules: DecorationRules, *, depth: int, origin: str) -> None:
    if depth > MAX_DEPTH:
        reason = "message nested too deeply; inner parts not read"
        if reason not in contents.problem_reasons:
            contents.problem_reasons.append(reason)
        return
    content_type = part.get_content_type()

    # A multipart whose boundaries the parser could not find keeps its parts as one
    # blob of text. Its attachments cannot be taken apart, so it is kept whole.
    if part.get_content_maintype() == "multipart" and not part.is_multipart():
        _keep_damaged(part, contents, origin=origin)
        return

    # Containers: walk what they hold.
    if part.is_multipart() and content_type != "message/rfc822":
        for child in part.get_payload():  # type: ignore[union-attr]
            _walk(child, contents, rules, depth=depth + 1, origin=origin)
        return
    if content_type == "message/rfc822":
        for inner in _payload_messages(part):
            _walk(inner, contents, rules, depth=depth + 1, origin="forwarded")
        return

    filename = decode_filename(part)
    if _is_body(part, filename):
        return
    content = _decoded_payload(part)
    content_id = (part.get("Content-ID") or "").strip() or None

    # Outlook's TNEF container and forwarded messages attached as bytes.
    if content_type in TNEF_TYPES or (filename or "").lower() == "winmail.dat":
        _unpack_tnef(content, filename or "winmail.dat", contents, rules, depth=depth)
        return
    if (filename or "").lower().endswith(".eml") and _looks_like_message(content):
        _walk(parse_message(content), contents, rules, depth=depth + 1, origin="forwarded")
        return

    _consider(MailAttachment(filename or "", content, content_type, content_id, origin), contents, rules)


def _consider(attachment: MailAttachment, contents: MailContents, rules: DecorationRules) -> None:
    """Keep `attachment` unless it decorates the message; name it when it has no name."""
    sniffed = sniff_media_type(attachment.content[:1024])
    if attachment.declared_type in SIGNATURE_TYPES:
        contents.skipped.append((attachment.filename, "message signature"))
        return
    decoration = is_decoration(attachment, sniffed, rules)
    if decoration:
        contents.skipped.append((attachment.filename, decoration))
        log.debug("skipped a decoration image (%s)", decoration)
        return
    attachment.filename = with_extension(attachment.filename, sniffed, index=len(contents.attachments) + 1)
    contents.attachments.append(attachment)


def is_decoration(attachment: MailAttachment, sniffed: str, rules: DecorationRules) -> str | None:
    """Return why an image part is a decoration, or None when it may be a document."""
    if sniffed == "application/pdf":
        return None
    is_image = attachment.declared_type in IMAGE_TYPES or sniffed.startswith("image/")
    if not is_image:
        return None
    size = len(attachment.content)
    if size < rules.tiny_image_bytes:
        return f"image of {size} bytes, below the {rules.tiny_image_bytes} byte floor for a page"
    if attachment.content_id and size < rules.photo_bytes:
        return "image embedded in the message body by Content-ID"
    return None


def decode_filename(part: Message) -> str | None:
    """Return the part's file name decoded (RFC 2231 and RFC 2047) and in NFC, or None."""
    try:
        name = part.get_filename()
    except (ValueError, LookupError, TypeError):
        # A broken parameter (unknown charset, bad continuation) must not lose the part.
        name = part.get_param("name")  # type: ignore[assignment]
        name = name if isinstance(name, str) else None
    if not name:
        return None
    if "=?" in name:
        # Encoded words inside a quoted parameter break RFC 2047, yet common mailers send them.
        try:
            name = str(make_header(decode_header(name)))
        except (ValueError, LookupError):
            pass
    # Undecodable bytes arrive as surrogate escapes; keep what is readable.
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return unicodedata.normalize("NFC", name).strip()


def with_extension(filename: str, media_type: str, *, index: int) -> str:
    """Give a nameless part a name, and a name without extension the one its bytes imply."""
    extension = _EXTENSIONS.get(media_type, "")
    if not filename:
        return f"attachment-{index}{extension or '.bin'}"
    if extension and "." not in filename.rsplit("/", 1)[-1]:
        return filename + extension
    return filename


def _keep_damaged(part: Message, contents: MailContents, *, origin: str) -> None:
    defects = ", ".join(sorted({type(defect).__name__ for defect in part.defects})) or "no part boundaries"
    reason = f"damaged MIME structure ({defects}): its attachments could not be separated"
    try:
        raw = part.as_bytes()
    except (ValueError, LookupError, UnicodeError):
        raw = _decoded_payload(part)
    contents.problems.append((MailAttachment("damaged-part.eml", raw, "message/rfc822", None, origin), reason))
    if reason not in contents.problem_reasons:
        contents.problem_reasons.append(reason)


def _is_body(part: Message, filename: str | None) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return part.get_content_maintype() == "text" and not filename and disposition != "attachment"


def _decoded_payload(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _payload_messages(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [item for item in payload if isinstance(item, Message)]
    if isinstance(payload, (str, bytes)):
        # A message/rfc822 part with a transfer encoding arrives undecoded.
        return [parse_message(_decoded_payload(part))]
    return []


def _looks_like_message(content: bytes) -> bool:
    head = content[:2048].lower()
    return b"\nfrom:" in b"\n" + head and (b"\nsubject:" in b"\n" + head or b"\nmime-version:" in b"\n" + head)


def _unpack_tnef(content: bytes, filename: str, contents: MailContents, rules: DecorationRules, *, depth: int) -> None:
    """Take the attachments out of a TNEF container; report the container if it does not decode completely."""
    import tnefparse

    damage = tnef_damage(content)
    if damage is None:
        try:
            container = tnefparse.TNEF(content, do_checksum=False)
        except Exception as exc:  # tnefparse raises ValueError, struct.error, IndexError and others
            damage = f"TNEF data could not be decoded ({type(exc).__name__})"
    if damage is not None:
        log.warning("a TNEF container was not unpacked: %s", damage)
        reason = f"unsupported or damaged container {filename}: {damage}"
        contents.problems.append((MailAttachment(filename, content, "application/ms-tnef"), reason))
        contents.problem_reasons.append(reason)
        return
    _take_tnef_attachments(container, contents, rules, depth=depth)


TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
# Each TNEF attribute: a level byte, attribute id and type (2 bytes each) and the data
# length (4 bytes) before the data, and after it a 2-byte checksum, the sum of the data bytes.
_TNEF_HEADER = struct.Struct("<BHHI")
_TNEF_LEVELS = (0x01, 0x02)


def tnef_damage(content: bytes) -> str | None:
    """Return why a TNEF stream is damaged, or None when every attribute is whole.

    tnefparse reads a truncated attribute as shorter data and stops quietly before
    bytes it cannot frame, so a damaged winmail.dat would yield part of a file, or
    nothing at all. This walk checks the framing first: each attribute has a known
    level, fits in the stream, carries the checksum of its data, and the last one ends
    where the stream ends.
    """
    if content[:4] != TNEF_SIGNATURE:
        return "no TNEF signature"
    offset, attributes = 6, 0
    while offset < len(content):
        if offset + _TNEF_HEADER.size > len(content):
            return f"stream ends inside the header of attribute {attributes + 1}"
        level, _name, _kind, length = _TNEF_HEADER.unpack_from(content, offset)
        if level not in _TNEF_LEVELS:
            return f"attribute {attributes + 1} has the invalid level {level:#04x}"
        start = offset + _TNEF_HEADER.size
        end = start + length
        if end + 2 > len(content):
            return f"attribute {attributes + 1} is truncated: {length} bytes declared, {max(0, len(content) - start - 2)} present"
        (checksum,) = struct.unpack_from("<H", content, end)
        # NOTE: a writer that leaves checksums at zero would be quarantined here; none is known.
        if checksum != sum(content[start:end]) & 0xFFFF:
            return f"attribute {attributes + 1} fails its checksum"
        offset, attributes = end + 2, attributes + 1
    if attributes == 0:
        return "stream holds no attributes"
    return None


def _take_tnef_attachments(container, contents: MailContents, rules: DecorationRules, *, depth: int) -> None:  # type: ignore[no-untyped-def]
    for item in container.attachments:
        embedded = getattr(item, "embed", None)
        if embedded is not None and depth < MAX_DEPTH:
            # An Outlook item attached to the message: its attachments count too.
            _take_tnef_attachments(embedded, contents, rules, depth=depth + 1)
            continue
        name = item.long_filename() or item.name
        if isinstance(name, bytes):
            name = name.decode("utf-8", "replace")
        name = unicodedata.normalize("NFC", str(name).strip("\x00").strip())
        content_id = _tnef_content_id(item)
        data = item.data if isinstance(item.data, bytes) else b""
        _consider(MailAttachment(name, data, _tnef_mime_type(item, data), content_id, "tnef"), contents, rules)


def _tnef_content_id(item) -> str | None:  # type: ignore[no-untyped-def]
    from tnefparse.properties import MAPI_ATTACH_CONTENT_ID

    for attribute in item.mapi_attrs:
        if attribute.name == MAPI_ATTACH_CONTENT_ID:
            value = attribute.data
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            return str(value).strip("\x00") or None
    return None


def _tnef_mime_type(item, data: bytes) -> str:  # type: ignore[no-untyped-def]
    from tnefparse.properties import MAPI_ATTACH_MIME_TAG

    for attribute in item.mapi_attrs:
        if attribute.name == MAPI_ATTACH_MIME_TAG:
            value = attribute.data
            if isinstance(value, bytes):
                value = value.decode("ascii", "replace")
            return str(value).strip("\x00").lower()
    return sniff_media_type(data[:1024])
