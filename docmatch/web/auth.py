"""Dashboard login: users from a file, or a trusted reverse-proxy header.

The users file has one `name:pbkdf2_sha256$iterations$salt$hash` line per user (salt
and hash in hex); `docmatch serve --add-user NAME` writes one. With `web_auth_header`
set, docmatch trusts that header as the logged-in user, which is only safe when a
reverse proxy that authenticates users sets it and clients cannot reach docmatch directly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import secrets
from pathlib import Path

from fastapi import HTTPException, Request

from docmatch.settings import Settings

log = logging.getLogger(__name__)

PBKDF2_ITERATIONS = 600_000


def hash_password(password: str, *, iterations: int = PBKDF2_ITERATIONS) -> str:
    """Return the users-file form of `password`: pbkdf2_sha256$iterations$salt$hash."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, expected = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), expected)


def read_users(path: Path) -> dict[str, str]:
    users: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, separator, stored = line.partition(":")
        if not separator:
            log.warning("users file line %d has no ':' and is ignored", number)
            continue
        users[name] = stored
    return users


class Authenticator:
    """A FastAPI dependency that returns the logged-in user's name or raises HTTP 401."""

    def __init__(self, settings: Settings) -> None:
        self.header = settings.web_auth_header
        self.users_file = settings.web_users_file

    def _challenge(self, detail: str) -> HTTPException:
        return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": 'Basic realm="docmatch"'})

    def __call__(self, request: Request) -> str:
        if self.header:
            user = request.headers.get(self.header)
            if not user:
                raise HTTPException(status_code=401, detail=f"missing {self.header} header from the reverse proxy")
            return user
        if self.users_file is None or not self.users_file.is_file():
            raise HTTPException(status_code=503, detail="no users configured: set DOCMATCH_WEB_USERS_FILE (see 'docmatch serve --add-user') or DOCMATCH_WEB_AUTH_HEADER")
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise self._challenge("login required")
        try:
            name, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise self._challenge("invalid Authorization header") from None
        stored = read_users(self.users_file).get(name)
        if stored is None or not check_password(password, stored):
            log.info("dashboard login rejected")
            raise self._challenge("invalid user name or password")
        return name
