"""Tolerances: how large a difference may be, and how to say so in words."""

from __future__ import annotations

from dataclasses import dataclass

from docmatch.matchers.uom import format_quantity

# Float noise allowed on top of every tolerance.
EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Tolerance:
    """An allowed difference: the larger of `absolute` and `percent` of the Odoo value.

    `rule` is where the tolerance came from in the rules file, such as
    "defaults.price" or "partners.Acme Supplies.quantity".
    """

    rule: str
    percent: float = 0.0
    absolute: float = 0.0

    def allowance(self, odoo_value: float, *, floor: float = 0.0) -> float:
        """Return the largest difference accepted against `odoo_value`."""
        return max(self.absolute, abs(odoo_value) * self.percent / 100.0, floor)

    def accepts(self, document_value: float, odoo_value: float, *, floor: float = 0.0) -> bool:
        """True when the two values differ by no more than the allowance."""
        return abs(document_value - odoo_value) <= self.allowance(odoo_value, floor=floor) + EPSILON

    def describe(self, unit: str = "", *, floor: float = 0.0, floor_reason: str = "") -> str:
        """Say the tolerance in words: '±0.5 % or ±0.01 EUR, whichever is larger'."""
        suffix = f" {unit}" if unit else ""
        parts = []
        if self.percent:
            parts.append(f"±{format_quantity(self.percent)} %")
        if self.absolute:
            parts.append(f"±{format_quantity(self.absolute)}{suffix}")
        if floor and floor > self.absolute:
            parts.append(f"±{format_quantity(floor)}{suffix} ({floor_reason})" if floor_reason else f"±{format_quantity(floor)}{suffix}")
        if not parts:
            return f"exact ({self.rule})"
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1] + ", whichever is larger"
        return f"{joined} ({self.rule})"
