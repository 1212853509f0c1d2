"""Turn a rules file's validation error into a message a person can act on.

pydantic reports a misspelt key as "Extra inputs are not permitted" and a misspelt
finding kind or severity as a list of every allowed value. Here the error's location
is followed through the `PolicyFile` model to the keys or values allowed at that
place, so that the message can offer the closest one ("did you mean price?").
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from rapidfuzz import fuzz, process

# The location part pydantic gives to the key of a dict entry, as in ("severity", "x", "[key]").
_DICT_KEY = "[key]"

# A key or value is offered as "did you mean" only at this rapidfuzz ratio (0-100) or
# above. At 70 "price_mistake" (74 against price_mismatch) and "hihg" (75 against high)
# get a suggestion, while "tax" is not taken for "total" (50).
SUGGESTION_MIN_SCORE = 70.0


def describe_policy_error(error: dict[str, Any], model: type[BaseModel]) -> str:
    """Return "LOCATION: problem", with the closest allowed key or value when one is close.

    Args:
        error: one entry of `ValidationError.errors()` from validating `model`.
        model: the model the whole file was validated as.
    """
    location_parts = tuple(error["loc"])
    location = ".".join(str(part) for part in location_parts if part != _DICT_KEY)

    # A key the model does not define: offer the closest defined key, or list them all.
    if error["type"] == "extra_forbidden":
        allowed = allowed_choices(expected_type(model, location_parts[:-1]))
        closest = closest_choice(str(location_parts[-1]), allowed)
        if closest is not None:
            return f"{location}: unknown key; did you mean {closest}?"
        if allowed:
            return f"{location}: unknown key; use one of {', '.join(allowed)}"
        return f"{location}: unknown key"

    # A finding kind, severity or other fixed word that is not one of the allowed ones.
    # For a value without a close match, pydantic's message already lists every allowed word.
    if error["type"] in ("enum", "literal_error"):
        value = error.get("input")
        allowed = allowed_choices(expected_type(model, location_parts))
        closest = closest_choice(str(value), allowed)
        is_key = location_parts[-1] == _DICT_KEY
        if closest is not None:
            problem = "unknown key" if is_key else f"invalid value {value!r}"
            return f"{location}: {problem}; did you mean {closest}?"
        if is_key and allowed:
            return f"{location}: unknown key; use one of {', '.join(allowed)}"

    return f"{location}: {error['msg']}"


def closest_choice(word: str, allowed: list[str]) -> str | None:
    """Return the allowed word closest to `word`, or None when none reaches SUGGESTION_MIN_SCORE."""
    if not allowed:
        return None
    closest = process.extractOne(word, allowed, scorer=fuzz.ratio, score_cutoff=SUGGESTION_MIN_SCORE)
    return str(closest[0]) if closest is not None else None


def expected_type(model: type[BaseModel], location: tuple[Any, ...]) -> Any:
    """Return the type the model expects at `location`, or None when the path leaves the model."""
    annotation: Any = model
    for index, part in enumerate(location):
        annotation = _without_none(annotation)
        origin = get_origin(annotation)
        if part == _DICT_KEY:
            # Already resolved: the key itself came one part earlier.
            continue
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return None
            annotation = field.annotation
        elif origin is dict:
            # pydantic names a bad key as (..., key, "[key]"), a bad value as (..., key).
            key_type, value_type = get_args(annotation)
            is_key = location[index + 1 : index + 2] == (_DICT_KEY,)
            annotation = key_type if is_key else value_type
        elif origin is list:
            annotation = get_args(annotation)[0]
        else:
            return None
    return _without_none(annotation)


def allowed_choices(annotation: Any) -> list[str]:
    """Return the field names of a model or the values of an enum or Literal, and nothing for other types."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    if get_origin(annotation) is Literal:
        return [str(value) for value in get_args(annotation)]
    return []


def _without_none(annotation: Any) -> Any:
    """Return `X` for `X | None`, and any other annotation unchanged."""
    if get_origin(annotation) in (Union, type(int | None)):
        members = [member for member in get_args(annotation) if member is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation
