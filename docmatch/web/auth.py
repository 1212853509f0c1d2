"""Dashboard login: users from a file (`docmatch.web.users`), or a trusted reverse-proxy header.

With `web_auth_header` set, docmatch trusts that header as the logged-in user, which is
only safe when a reverse proxy that authenticates users sets it and clients cannot reach
docmatch directly.
"""

from __future__ import annotations

import base64
import binascii
import logging

from fastapi import HTTPException, Request

from docmatch.settings import Settings
from docmatch.web.users import UsersFileError, check_password, hash_password, read_users

__all__ = ["Authenticator", "UsersFileError", "check_password", "hash_password", "read_users"]

log = logging.getLogger(__name__)


class Authenticator:
    """A FastAPI dependency that returns the logged-in user's name or raises HTTP 401."""

    def __init__(self, settings: Settings) -> None:
        self.header = settings.web_auth_header
        self.users_file = settings.web_users_file
        self._reported: set[str] = set()

    def _report(self, error: UsersFileError) -> None:
        # Logged once per distinct problem, because every page request meets it again.
        if error.message not in self._reported:
            self._reported.add(error.message)
            log.error("dashboard login unavailable: %s", error.message)

    def _challenge(self, detail: str) -> HTTPException:
        return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": 'Basic realm="docmatch"'})

    def __call__(self, request: Request) -> str:
        if self.header:
            user = request.headers.get(self.header)
            if not user:
                raise HTTPException(status_code=401, detail=f"missing {self.header} header from the reverse proxy")
            return user
        if self.users_file is None:
            raise HTTPException(status_code=503, detail="no users configured: set DOCMATCH_WEB_USERS_FILE and run 'docmatch serve --add-user NAME', or set DOCMATCH_WEB_AUTH_HEADER")
        try:
            users = read_users(self.users_file)
        except UsersFileError as exc:
            self._report(exc)
            raise HTTPException(status_code=503, detail=f"{exc.message}; {exc.hint}") from None
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise self._challenge("login required")
        try:
            name, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise self._challenge("invalid Authorization header") from None
        stored = users.get(name)
        if stored is None or not check_password(password, stored):
            log.info("dashboard login rejected")
            raise self._challenge("invalid user name or password")
        return name
