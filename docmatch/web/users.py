"""The dashboard's users file: one `name:pbkdf2_sha256$iterations$salt$hash` line per user.

Salt and hash are hex. `docmatch serve --add-user NAME` writes the lines; blank lines
and lines starting with '#' are allowed. This module needs no web framework, so the
command line can use it without loading one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from docmatch.errors import ConfigurationError

PBKDF2_ITERATIONS = 600_000
# Shortest password `docmatch serve --add-user` accepts, in characters.
MIN_PASSWORD_LENGTH = 12


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


class UsersFileError(ConfigurationError):
    """The users file is missing, unreadable, or has a line that is not a user entry."""

    hint = "fix or delete that line; `docmatch serve --add-user NAME` writes a valid one"


def read_users(path: Path) -> dict[str, str]:
    """Return each user name of the users file with its stored password hash.

    Blank lines and lines starting with '#' are skipped. Every other line must be
    `name:pbkdf2_sha256$iterations$salt$hash`, because a line that silently counted for
    nothing would lock its user out without a word.

    Raises:
        UsersFileError: the file does not exist or cannot be read, or a line is not a
            user entry. The message names the file and the 1-based line number.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsersFileError(f"users file {path} does not exist", hint=f"create it with: DOCMATCH_WEB_USERS_FILE={path} docmatch serve --add-user NAME") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise UsersFileError(f"users file {path} cannot be read: {reason}", hint="check the file's permissions and that it is the file `docmatch serve --add-user` wrote") from None
    users: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, stored = line.partition(":")
        # The line itself is not repeated: it may carry a password hash.
        if not name or not _is_password_hash(stored):
            raise UsersFileError(f"users file {path}, line {number}: not a 'name:pbkdf2_sha256$iterations$salt$hash' entry")
        users[name] = stored
    return users


def _is_password_hash(stored: str) -> bool:
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != "pbkdf2_sha256" or not parts[1].isdigit() or int(parts[1]) < 1:
        return False
    try:
        return bool(bytes.fromhex(parts[2])) and bool(bytes.fromhex(parts[3]))
    except ValueError:
        return False
