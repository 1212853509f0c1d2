"""Keep local file paths out of the text that leaves this machine in a case or ticket.

Error messages of other libraries often carry the full path of the file they failed on
(Pillow writes "cannot identify image file '/tmp/in/scan.png'"). A Helpdesk ticket
needs the file's name, not the folders of the machine that read it, so text bound for a
case or a ticket goes through `strip_local_paths` first. docmatch also reads each
document from its stored copy, which is named by the content's SHA-256. A reader of the
ticket cannot place that name, so `document_text` puts the document's file name there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from docmatch.models import Case

# An absolute POSIX or home path of at least two parts, not inside a URL or a fraction
# such as 12/05/2024. The last part (the file name) is kept in group 1.
_POSIX_PATH = re.compile(r"(?<![\w.:/~])~?/(?:[^\s'\"/<>]+/)+([^\s'\"/<>]+)")
# A Windows path with a drive letter, such as C:\Users\ap\scan.png.
_WINDOWS_PATH = re.compile(r"(?<![\w])[A-Za-z]:\\(?:[^\s'\"\\<>]+\\)*([^\s'\"\\<>]+)")


def strip_local_paths(text: str, *, renames: Mapping[str, str] | None = None) -> str:
    """Return `text` with every absolute path cut down to its file name.

    Args:
        text: a message or explanation.
        renames: file names to replace after the cut, such as a stored copy's hash name by
            the name the document arrived with.
    """
    text = _POSIX_PATH.sub(r"\1", text)
    text = _WINDOWS_PATH.sub(r"\1", text)
    for stored_name, display_name in (renames or {}).items():
        text = text.replace(stored_name, display_name)
    return text


def document_text(case: Case, text: str) -> str:
    """Return `text` of `case` without local paths, naming the document by its file name."""
    return strip_local_paths(text, renames={case.document.sha256: case.document.filename})
