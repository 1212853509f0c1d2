"""Values as Odoo's external API expects them on the wire.

Odoo stores datetimes as naive UTC and its RPC layer exchanges them as strings:
'YYYY-MM-DD HH:MM:SS' for datetimes and 'YYYY-MM-DD' for dates (`odoo/fields.py`,
`Datetime.to_string` and `Date.to_string`). A string with a 'T' or an offset is rejected
by the ORM, and a naive local time would be stored shifted by the zone offset. Odoo
also has no null: an empty field is `False`, and XML-RPC cannot marshal `None` at all.

`to_wire` turns Python values into that shape before any request is built, so no
transport ever sees a `None`, an aware datetime or a `Decimal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


def format_datetime(value: datetime) -> str:
    """Return `value` as Odoo's naive UTC datetime string.

    Raises:
        ValueError: `value` is naive. A naive datetime is ambiguous (local or UTC?), so
            callers attach their zone first, for example with `local_to_utc`.
    """
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} has no time zone; attach one before sending it to Odoo")
    return value.astimezone(timezone.utc).strftime(DATETIME_FORMAT)


def format_date(value: date) -> str:
    return value.strftime(DATE_FORMAT)


def local_to_utc(value: datetime, tz: str) -> datetime:
    """Attach the IANA zone `tz` to a naive local `value` and return it in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(timezone.utc)


def parse_datetime(value: Any) -> datetime | None:
    """Parse Odoo's naive UTC datetime string into an aware UTC datetime; False gives None."""
    if not value:
        return None
    parsed = datetime.strptime(str(value)[:19], DATETIME_FORMAT)
    return parsed.replace(tzinfo=timezone.utc)


def local_date(value: Any, tz: str) -> date | None:
    """Return the calendar date in zone `tz` of an Odoo datetime value (string or aware datetime).

    Odoo returns every datetime in UTC whatever `tz` the context names, so a purchase
    order confirmed at 00:30 in Berlin on 1 April reads back as 22:30 on 31 March.
    """
    moment = value if isinstance(value, datetime) else parse_datetime(value)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(tz)).date()


def to_wire(value: Any) -> Any:
    """Return `value` with every nested value converted for Odoo's external API.

    None becomes False, aware datetimes become naive UTC strings, dates become
    'YYYY-MM-DD', tuples become lists and Decimals become floats; bytes are refused,
    because the XML-RPC and JSON transports disagree on them (send base64 text).

    Raises:
        ValueError: a naive datetime, a bytes value or a type Odoo cannot take.
    """
    if value is None:
        return False
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, time):
        raise ValueError("Odoo has no time-of-day field type; send a datetime")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(key): to_wire(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_wire(item) for item in value]
    if isinstance(value, (bytes, bytearray)):
        raise ValueError("send binary values as base64 text (str), not bytes")
    raise ValueError(f"cannot send a {type(value).__name__} to Odoo")
