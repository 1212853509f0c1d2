"""Signed, expiring links to a case's evidence view.

A link carries the case's document hash and an expiry time, signed with HMAC-SHA256.
Whoever holds the link may see that one case until it expires, which is what a
reviewer clicking from a Helpdesk ticket needs; nothing else is reachable with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from pathlib import Path

from docmatch.errors import DocmatchError
from docmatch.settings import Settings

log = logging.getLogger(__name__)


class InvalidLink(DocmatchError):
    """The evidence link is malformed, tampered with or expired."""

    hint = "open the case again from its Helpdesk ticket, which carries a fresh link"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key(settings: Settings) -> bytes:
    """Return the configured key, or a random one kept in the data folder across restarts."""
    if settings.web_secret is not None:
        return settings.web_secret.get_secret_value().encode("utf-8")
    key_file = Path(settings.data_dir) / "web-link-key"
    if not key_file.is_file():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        log.info("created a new evidence-link key in the data folder")
    return key_file.read_text().strip().encode("utf-8")


def sign_case_token(document_sha256: str, *, key: bytes, ttl_seconds: float, now: float | None = None) -> str:
    """Return a token that grants access to one case until `now + ttl_seconds`."""
    expires = int((now if now is not None else time.time()) + ttl_seconds)
    payload = _b64(json.dumps({"doc": document_sha256, "exp": expires}, separators=(",", ":")).encode())
    signature = _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def verify_case_token(token: str, *, key: bytes, now: float | None = None) -> str:
    """Return the document hash the token grants access to.

    Raises:
        InvalidLink: the token is malformed, its signature does not match, or it expired.
    """
    payload, _, signature = token.partition(".")
    if not payload or not signature:
        raise InvalidLink("the evidence link is malformed")
    expected = _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, signature):
        raise InvalidLink("the evidence link's signature is invalid")
    try:
        claims = json.loads(_unb64(payload))
        document_sha256, expires = str(claims["doc"]), int(claims["exp"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidLink("the evidence link is malformed") from exc
    if (now if now is not None else time.time()) > expires:
        raise InvalidLink("the evidence link has expired")
    return document_sha256


def evidence_url(document_sha256: str, settings: Settings) -> str:
    """Return the absolute evidence link for a case, as placed in its Helpdesk ticket."""
    token = sign_case_token(document_sha256, key=signing_key(settings), ttl_seconds=settings.web_link_ttl_hours * 3600)
    return f"{settings.web_base_url.rstrip('/')}/evidence/{token}"
