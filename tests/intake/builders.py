"""Build the test inputs: small PDFs and images, mails with tricky parts, TNEF containers."""

from __future__ import annotations

import io
import random
import struct
import unicodedata
import urllib.parse
from email.message import EmailMessage
from email.utils import make_msgid

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def make_pdf(title: str, *, pages: int = 1, padding: int = 0) -> bytes:
    """A small valid PDF with `title` on each page; `padding` adds an uncompressed comment."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        page.setFont("Helvetica", 14)
        page.drawString(72, 760, f"{title} page {number}")
        page.showPage()
    page.save()
    content = buffer.getvalue()
    if padding:
        # A comment after %%EOF keeps the file valid and makes it as large as a scan.
        content += b"\n%" + random.Random(title).randbytes((padding + 1) // 2).hex().encode("ascii")[:padding] + b"\n"
    return content


def make_image(kind: str = "PNG", *, size: tuple[int, int] = (120, 60), seed: int = 1) -> bytes:
    """A noisy image, so it does not compress below the size of a real logo."""
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


def new_message(subject: str = "Documents", sender: str = "supplier@example.com") -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "ap@example.com"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content("Please find the documents attached.")
    return message


def mail_with_pdfs(*names_and_contents: tuple[str, bytes], subject: str = "Documents") -> bytes:
    message = new_message(subject)
    for name, content in names_and_contents:
        message.add_attachment(content, maintype="application", subtype="pdf", filename=name)
    return message.as_bytes()


# --- TNEF -----------------------------------------------------------------------------

TNEF_SIGNATURE = 0x223E9F78
LEVEL_MESSAGE, LEVEL_ATTACHMENT = 1, 2


def _tnef_object(level: int, name: int, kind: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", checksum)


def _mapi_unicode(tag: int, text: str) -> bytes:
    encoded = (text + "\x00").encode("utf-16-le")
    padded = encoded + b"\x00" * (-len(encoded) % 4)
    return struct.pack("<HHII", 0x001F, tag, 1, len(encoded)) + padded


def build_tnef(attachments: list[tuple[str, bytes, str | None]]) -> bytes:
    """Write a TNEF stream (as Outlook's winmail.dat) holding the given attachments.

    Each attachment is (file name, bytes, Content-ID or None). The layout follows
    [MS-OXTNEF]: signature, key, version and codepage attributes, then per attachment a
    rendering attribute that opens it, its title, its data and a MAPI property block with
    the long file name and, for images shown in the body, the Content-ID.
    """
    stream = struct.pack("<IH", TNEF_SIGNATURE, 0x0001)
    stream += _tnef_object(LEVEL_MESSAGE, 0x9006, 0x0008, struct.pack("<I", 0x00010000))  # attTnefVersion
    stream += _tnef_object(LEVEL_MESSAGE, 0x9007, 0x0006, struct.pack("<II", 1252, 0))  # attOemCodepage
    stream += _tnef_object(LEVEL_MESSAGE, 0x8008, 0x0007, b"IPM.Microsoft Mail.Note\x00")  # attMessageClass
    for name, data, content_id in attachments:
        stream += _tnef_object(LEVEL_ATTACHMENT, 0x9002, 0x0006, b"\x01\x00\x00\x00" + b"\xff" * 4 + b"\x00" * 6)  # attAttachRenddata
        stream += _tnef_object(LEVEL_ATTACHMENT, 0x8010, 0x0001, name.encode("cp1252", "replace") + b"\x00")  # attAttachTitle
        stream += _tnef_object(LEVEL_ATTACHMENT, 0x800F, 0x0006, data)  # attAttachData
        properties = [_mapi_unicode(0x3707, name)]  # PR_ATTACH_LONG_FILENAME
        if content_id:
            properties.append(_mapi_unicode(0x3712, content_id))  # PR_ATTACH_CONTENT_ID
        block = struct.pack("<I", len(properties)) + b"".join(properties)
        stream += _tnef_object(LEVEL_ATTACHMENT, 0x9005, 0x0006, block)  # attAttachment
    return stream


def mail_with_tnef(tnef: bytes) -> bytes:
    message = new_message("Invoice INV-7301")
    message.add_attachment(tnef, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return message.as_bytes()


# --- unicode file names ---------------------------------------------------------------


def mail_with_rfc2231_split_name(name: str, content: bytes) -> bytes:
    """A mail whose attachment name is NFD, percent-encoded UTF-8 in two RFC 2231 segments.

    The second segment starts at the 'ß', as in the mail that lost its '.pdf'.
    """
    encoded = urllib.parse.quote(unicodedata.normalize("NFD", name).encode("utf-8"), safe="")
    split = encoded.index("%C3%9F")
    import base64

    body = base64.encodebytes(content).decode("ascii")
    raw = (
        "From: supplier@example.com\r\nTo: ap@example.com\r\nSubject: Lieferschein\r\n"
        f"Message-ID: {make_msgid(domain='example.com')}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnbei der Lieferschein.\r\n"
        "--b1\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Disposition: attachment;\r\n filename*0*=utf-8''{encoded[:split]};\r\n filename*1*={encoded[split:]}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + body.replace("\n", "\r\n") + "--b1--\r\n"
    )
    return raw.encode("ascii")


def mail_with_rfc2047_name(name: str, content: bytes) -> bytes:
    """The same attachment named with an RFC 2047 encoded word inside a quoted parameter."""
    import base64

    word = "=?UTF-8?B?" + base64.b64encode(unicodedata.normalize("NFD", name).encode("utf-8")).decode("ascii") + "?="
    body = base64.encodebytes(content).decode("ascii")
    raw = (
        "From: supplier@example.com\r\nTo: ap@example.com\r\nSubject: Lieferschein\r\n"
        f"Message-ID: {make_msgid(domain='example.com')}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b2"\r\n\r\n'
        "--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnbei der Lieferschein.\r\n"
        f'--b2\r\nContent-Type: application/pdf; name="{word}"\r\nContent-Disposition: attachment; filename="{word}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n" + body.replace("\n", "\r\n") + "--b2--\r\n"
    )
    return raw.encode("ascii")


def apple_mail_inline(pdf: bytes, logo: bytes, banner: bytes) -> bytes:
    """Apple Mail's shape: the PDF inline without Content-ID, two images inline with one."""
    message = new_message("BOL-55120")
    message.make_mixed()
    related = EmailMessage()
    related.add_related("<html><body><img src='cid:logo@x'><img src='cid:banner@x'></body></html>", subtype="html")
    message.attach(related)
    pdf_part = EmailMessage()
    pdf_part.set_content(pdf, maintype="application", subtype="pdf", disposition="inline", filename="BOL-55120.pdf")
    message.attach(pdf_part)
    for name, data, subtype, cid in (("logo.png", logo, "png", "<logo@x>"), ("banner.jpg", banner, "jpeg", "<banner@x>")):
        part = EmailMessage()
        part.set_content(data, maintype="image", subtype=subtype, disposition="inline", filename=name, cid=cid)
        message.attach(part)
    return message.as_bytes()


def forwarded(inner: bytes) -> bytes:
    """A mail that forwards `inner` as a message/rfc822 attachment."""
    from email import message_from_bytes, policy

    message = new_message("Fwd: Documents")
    message.add_attachment(message_from_bytes(inner, policy=policy.default))
    return message.as_bytes()
