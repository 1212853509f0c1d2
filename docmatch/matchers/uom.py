"""Printed units of measure, Odoo units and packagings, and conversion between them.

A document prints "CS", "KGM", "lbs" or "Stk"; Odoo stores each quantity in a unit of
measure of its own. This module turns the printed code into a factor of the product's
base unit (how many base units one printed unit is) and states in words how it got there:

    UN/ECE Recommendation 20 codes and common abbreviations  -> a kind of unit
    a kind of packaging (case, box, pallet, ...)              -> the order line's unit,
                                                                 the product's packaging
                                                                 or a unit named that way
    a kind of measure (kg, lb, L, Units, Dozens, ...)         -> an Odoo unit of the
                                                                 product's category

Conversion uses the version-neutral `Uom.ratio` (units of the category's reference unit
in one of this unit), so 16-18 (`factor`) and 19 (`relative_factor` tree) convert the
same way; only the rounding differs, and the catalog already carries it per unit.
Odoo rounds converted quantities up to the target unit's rounding, so two quantities
that differ by less than one rounding step are the same quantity.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from docmatch.matchers.normalize import code_key
from docmatch.odoo.catalog import Catalog
from docmatch.odoo.records import OrderLine, Packaging, Product, Uom
from docmatch.units import UNIT_ALIASES

_OCR_UNIT_LOOKALIKES = str.maketrans({"I": "L", "1": "L", "|": "L", "0": "O", "5": "S"})

PACKAGING_KINDS = frozenset({"case", "carton", "box", "pallet", "pack", "bag", "roll", "set"})
# Vendors use these three for the same outer carton; used only when one of them is unique.
_CASE_LIKE = frozenset({"case", "carton", "box"})

# Physical size of each measure in its dimension's reference, so a printed unit converts
# even when the Odoo database has no unit of that name (lb against a product in kg).
_MEASURES: dict[str, tuple[str, float]] = {
    "unit": ("count", 1.0), "dozen": ("count", 12.0), "pair": ("count", 2.0),
    "kg": ("mass", 1.0), "g": ("mass", 0.001), "t": ("mass", 1000.0), "lb": ("mass", 0.45359237), "oz": ("mass", 0.028349523125),
    "l": ("volume", 1.0), "ml": ("volume", 0.001), "m3": ("volume", 1000.0),
    "m": ("length", 1.0), "cm": ("length", 0.01), "mm": ("length", 0.001), "km": ("length", 1000.0), "ft": ("length", 0.3048), "in": ("length", 0.0254),
    "m2": ("area", 1.0),
}

# "Case of 12", "CS/12", "Karton (12 Stk)", "CS x 12": a bare "CS 12" is left out,
# because a quantity printed beside the unit reads the same way.
_PACK_SIZE = re.compile(r"^[A-Za-zÄÖÜäöüß]+\.?(?:\s+(?:of|à|x|zu|de)\s+|\s*[/(]\s*)(?P<count>\d+(?:[.,]\d+)?)\s*(?P<tail>[A-Za-z]+)?\.?\s*\)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class UnitReading:
    """A printed unit read as a kind and, for "Case of 12" or "CS12", a count."""

    kind: str | None
    count: float | None = None


@dataclass(frozen=True, slots=True)
class UnitResolution:
    """The conversion of a printed unit into the product's base unit, with its description."""

    factor: float | None
    conversion: str
    issue: str | None = None
    uom_id: int | None = None
    packaging_id: int | None = None


def read_unit(text: str | None) -> UnitReading:
    """Read a printed unit such as 'CS', 'kgs', 'Case of 12', 'CS/12' or 'Pack of 6'."""
    if not text or not text.strip():
        return UnitReading(None)
    key = code_key(text)
    if key in UNIT_ALIASES:
        return UnitReading(UNIT_ALIASES[key])
    if key.translate(_OCR_UNIT_LOOKALIKES) in UNIT_ALIASES:
        # OCR reads "lb" as "Ib" and "PCS" as "PC5".
        return UnitReading(UNIT_ALIASES[key.translate(_OCR_UNIT_LOOKALIKES)])
    words = re.findall(r"[A-Za-zÄÖÜäöüß²³]+", text)
    found = [(position, kind) for position, kind in ((position, _alias(word)) for position, word in enumerate(words)) if kind is not None]
    if not found:
        return UnitReading(None)
    # A unit word at the start is the unit ("Pack of 6 pcs"). Otherwise the last one is,
    # because description text that ran into the unit column comes first ("x 150 m CS").
    position, kind = found[0] if found[0][0] == 0 else found[-1]
    # A size counts only right after a leading unit word: "Case of 12", "CS/12".
    sized = _PACK_SIZE.match(text.strip()) if position == 0 and kind in PACKAGING_KINDS else None
    if sized and sized.group("tail") and UNIT_ALIASES.get(code_key(sized.group("tail"))) != "unit":
        sized = None  # "Pallet (40 cases)" counts cases, not units
    return UnitReading(kind, float(sized.group("count").replace(",", ".")) if sized else None)


def _alias(word: str) -> str | None:
    key = code_key(word)
    kind = UNIT_ALIASES.get(key)
    if kind is None and key.endswith("S"):
        kind = UNIT_ALIASES.get(key[:-1])
    return kind


def odoo_round(value: float, rounding: float, method: str = "HALF-UP") -> float:
    """Round `value` to a multiple of `rounding` the way Odoo's float_round does."""
    if rounding <= 0:
        return value
    steps = value / rounding
    # Remove binary noise before deciding, as Odoo does with its epsilon.
    steps = round(steps, 9)
    if method == "UP":
        rounded = math.ceil(steps) if steps >= 0 else math.floor(steps)
    elif method == "DOWN":
        rounded = math.floor(steps) if steps >= 0 else math.ceil(steps)
    else:
        rounded = math.floor(abs(steps) + 0.5) * (1 if steps >= 0 else -1)
    digits = max(0, -int(math.floor(math.log10(rounding)))) if rounding < 1 else 0
    return round(rounded * rounding, digits + 2)


def convert(quantity: float, source: Uom, target: Uom, *, rounding_method: str | None = "UP") -> float:
    """Convert `quantity` from `source` to `target` with Odoo's rounding of the target unit."""
    if source.id == target.id:
        return quantity
    converted = quantity * source.ratio / target.ratio
    if rounding_method is None:
        return converted
    return odoo_round(converted, target.rounding, rounding_method)


def same_quantity(first: float, second: float, rounding: float) -> bool:
    """True when two quantities differ by less than one rounding step of their unit."""
    return abs(first - second) <= rounding + 1e-9


def unit_label(uom: Uom | None) -> str:
    return uom.name if uom else "?"


def format_quantity(value: float) -> str:
    """Print a quantity without trailing zeros: 24, 45.36, 0.5."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def uom_kind(uom: Uom) -> UnitReading:
    return read_unit(uom.name)


class UnitResolver:
    """Resolves printed units for one catalog, remembering how each Odoo unit reads."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._kinds: dict[int, UnitReading] = {uom_id: uom_kind(uom) for uom_id, uom in catalog.uoms.items()}

    def resolve(self, printed: str | None, product: Product, *, order_line: OrderLine | None = None, partner_id: int | None = None) -> UnitResolution:
        """Return the factor from `printed` to the base unit of `product`, with how."""
        base = self.catalog.uoms.get(product.uom_id)
        if base is None or base.ratio <= 0:
            return UnitResolution(None, f"the product {product.name!r} has no usable unit of measure in the catalog", "unknown_unit")

        if not printed or not printed.strip():
            return self._assumed_unit(product, base, order_line)

        learned = self._learned(printed, product, base, partner_id)
        if learned is not None:
            return learned

        reading = read_unit(printed)
        if reading.kind in PACKAGING_KINDS:
            return self._packaging(printed, reading, product, base, order_line)
        if reading.kind is not None:
            return self._measure(printed, reading.kind, base)
        return self._named_unit(printed, product, base, order_line)

    # -- the ways a printed unit can resolve ----------------------------------------------

    def _assumed_unit(self, product: Product, base: Uom, order_line: OrderLine | None) -> UnitResolution:
        if order_line is not None and order_line.uom_id in self.catalog.uoms:
            unit = self.catalog.uoms[order_line.uom_id]
            if unit.id == base.id:
                return UnitResolution(1.0, f"no unit printed; the order line's unit {unit.name} assumed", uom_id=unit.id)
            if unit.category == base.category:
                factor = unit.ratio / base.ratio
                return UnitResolution(factor, f"no unit printed; the order line's unit {unit.name} assumed (1 {unit.name} = {format_quantity(factor)} {base.name})", uom_id=unit.id)
        return UnitResolution(1.0, f"no unit printed; the product's unit {base.name} assumed", uom_id=base.id)

    def _learned(self, printed: str, product: Product, base: Uom, partner_id: int | None) -> UnitResolution | None:
        if partner_id is None:
            return None
        target = None
        for key in (printed, printed.strip(), printed.strip().upper(), code_key(printed)):
            target = self.catalog.learned_units.get((partner_id, key))
            if target is not None:
                break
        if target is None:
            return None
        model, record_id = target
        if model == "product.packaging":
            packaging = next((pack for pack in product.packagings if pack.id == record_id), None)
            if packaging is not None:
                return UnitResolution(packaging.quantity, f"1 {printed} = {format_quantity(packaging.quantity)} {base.name} (packaging {packaging.name}, confirmed for this partner before)", packaging_id=packaging.id)
            return None
        unit = self.catalog.uoms.get(record_id)
        if unit is None or unit.category != base.category:
            return None
        factor = unit.ratio / base.ratio
        return UnitResolution(factor, f"1 {printed} = {format_quantity(factor)} {base.name} (unit {unit.name}, confirmed for this partner before)", uom_id=unit.id)

    def _packaging(self, printed: str, reading: UnitReading, product: Product, base: Uom, order_line: OrderLine | None) -> UnitResolution:
        kind = reading.kind or ""

        # The order line's own unit, when it is this packaging ("Case of 12").
        if order_line is not None:
            line_unit = self.catalog.uoms.get(order_line.uom_id)
            if line_unit is not None and line_unit.category == base.category and self._kind_fits(self._kinds.get(line_unit.id), kind, reading.count):
                factor = line_unit.ratio / base.ratio
                return UnitResolution(factor, f"1 {printed} = {format_quantity(factor)} {base.name} (the order line's unit {line_unit.name})", uom_id=line_unit.id)
            if order_line.packaging_id is not None:
                packaging = next((pack for pack in product.packagings if pack.id == order_line.packaging_id), None)
                if packaging is not None and self._kind_fits(read_unit(packaging.name), kind, reading.count):
                    return self._from_packaging(printed, packaging, base, "the order line's packaging")

        # The product's packagings of that kind.
        packagings = [pack for pack in product.packagings if self._kind_fits(read_unit(pack.name), kind, reading.count)]
        if len({pack.quantity for pack in packagings}) == 1:
            return self._from_packaging(printed, packagings[0], base, "packaging")

        # A unit of the product's category named that way.
        units = [unit for unit in self.catalog.uoms.values() if unit.category == base.category and self._kind_fits(self._kinds.get(unit.id), kind, reading.count)]
        if len({unit.ratio for unit in units}) == 1:
            factor = units[0].ratio / base.ratio
            return UnitResolution(factor, f"1 {printed} = {format_quantity(factor)} {base.name} (unit {units[0].name})", uom_id=units[0].id)

        # "Case of 12" printed in full gives its own size.
        if reading.count and not packagings and not units:
            return UnitResolution(reading.count, f"1 {printed} = {format_quantity(reading.count)} {base.name} (size printed on the document)")

        # Vendors call the same outer carton a case, a carton or a box.
        if kind in _CASE_LIKE and not packagings:
            similar = [pack for pack in product.packagings if read_unit(pack.name).kind in _CASE_LIKE]
            if len({pack.quantity for pack in similar}) == 1:
                return self._from_packaging(printed, similar[0], base, "the product's only case, carton or box packaging")

        if len(packagings) > 1 or len(units) > 1:
            return UnitResolution(None, f"{printed!r} fits several packagings of {product.name!r}", "unknown_unit")
        return UnitResolution(None, f"{printed!r} is a {kind} but {product.name!r} has no such packaging or unit", "unknown_unit")

    def _from_packaging(self, printed: str, packaging: Packaging, base: Uom, source: str) -> UnitResolution:
        if packaging.quantity <= 0:
            return UnitResolution(None, f"the packaging {packaging.name} has no quantity in Odoo", "unknown_unit", packaging_id=packaging.id)
        return UnitResolution(packaging.quantity, f"1 {printed} = {format_quantity(packaging.quantity)} {base.name} ({source} {packaging.name})", packaging_id=packaging.id)

    def _measure(self, printed: str, kind: str, base: Uom) -> UnitResolution:
        # An Odoo unit of the product's category that reads as this measure.
        for unit in self.catalog.uoms.values():
            reading = self._kinds.get(unit.id)
            if unit.category == base.category and reading is not None and reading.kind == kind and reading.count is None:
                factor = unit.ratio / base.ratio
                return UnitResolution(factor, f"1 {printed} = {format_quantity(factor)} {base.name} (unit {unit.name})", uom_id=unit.id)

        # The same dimension without an Odoo unit of that name: physical size.
        printed_measure = _MEASURES.get(kind)
        base_reading = self._kinds.get(base.id)
        base_measure = _MEASURES.get(base_reading.kind) if base_reading and base_reading.kind else None
        if printed_measure and base_measure and printed_measure[0] == base_measure[0]:
            factor = printed_measure[1] / base_measure[1]
            return UnitResolution(factor, f"1 {printed} = {format_quantity(factor)} {base.name} (standard {printed_measure[0]} conversion)")

        return UnitResolution(None, f"{printed!r} ({kind}) does not convert into {base.name}", "incompatible_unit")

    def _named_unit(self, printed: str, product: Product, base: Uom, order_line: OrderLine | None) -> UnitResolution:
        # A vendor may print the Odoo unit's own name ("Case of 12", "Rolle 50 m").
        key = code_key(printed)
        for unit in self.catalog.uoms.values():
            if code_key(unit.name) == key:
                if unit.category != base.category:
                    return UnitResolution(None, f"{printed!r} is the unit {unit.name}, which does not convert into {base.name}", "incompatible_unit")
                factor = unit.ratio / base.ratio
                return UnitResolution(factor, f"1 {printed} = {format_quantity(factor)} {base.name} (unit {unit.name})", uom_id=unit.id)
        for packaging in product.packagings:
            if code_key(packaging.name) == key:
                return self._from_packaging(printed, packaging, base, "packaging")
        return UnitResolution(None, f"the printed unit {printed!r} is not known", "unknown_unit")

    @staticmethod
    def _kind_fits(reading: UnitReading | None, kind: str, count: float | None) -> bool:
        if reading is None or reading.kind != kind:
            return False
        return count is None or reading.count is None or math.isclose(count, reading.count)


def line_factor(catalog: Catalog, order_line: OrderLine, product: Product) -> float | None:
    """Return how many product base units one unit of the order line is."""
    unit = catalog.uoms.get(order_line.uom_id)
    base = catalog.uoms.get(product.uom_id)
    if unit is None or base is None or unit.category != base.category or base.ratio <= 0 or unit.ratio <= 0:
        return None
    return unit.ratio / base.ratio
