"""Printed units convert into the product's base unit through Odoo's own unit data."""

from __future__ import annotations

import pytest

from docmatch.matchers.uom import UnitResolver, convert, odoo_round, read_unit, same_quantity
from docmatch.odoo.records import Uom

from .builders import CASE12, KG, LB, CatalogBuilder


@pytest.mark.parametrize(
    ("printed", "kind"),
    [("EA", "unit"), ("PCE", "unit"), ("C62", "unit"), ("pcs", "unit"), ("Stk.", "unit"), ("CS", "case"), ("cs", "case"), ("CT", "carton"),
     ("CTN", "carton"), ("BX", "box"), ("DZN", "dozen"), ("DZ", "dozen"), ("KGM", "kg"), ("kgs", "kg"), ("LBS", "lb"), ("LBR", "lb"), ("lb(s)", "lb"),
     ("LTR", "l"), ("MTR", "m"), ("PAL", "pallet"), ("PF", "pallet"), ("GRM", "g"), ("Units", "unit"), ("Dozens", "dozen")],
)
def test_unece_codes_and_abbreviations_read_as_one_kind(printed, kind):
    assert read_unit(printed).kind == kind


def test_packaging_names_carry_their_size():
    assert read_unit("Case of 12").count == 12
    assert read_unit("Pack of 6").kind == "pack"


def test_odoo_rounds_conversions_up_to_the_target_rounding():
    lb = Uom(LB, "lb", 2, 0.45359237, 0.01)
    kg = Uom(KG, "kg", 2, 1.0, 0.01)
    assert convert(100, lb, kg) == pytest.approx(45.36)
    assert convert(100, lb, kg, rounding_method=None) == pytest.approx(45.359237)
    assert odoo_round(2.341, 0.01, "HALF-UP") == pytest.approx(2.34)
    assert same_quantity(45.359237, 45.36, 0.01)
    assert not same_quantity(100, 45.36, 0.01)


@pytest.fixture(scope="module")
def resolver_and_catalog():
    builder = CatalogBuilder()
    builder.partner(10, "Acme")
    builder.product(1, "TIE-200", "Cable tie 200 mm", purchase_uom=CASE12)
    builder.product(2, "PP-RES", "PP resin pellets", uom=KG, purchase_uom=LB)
    builder.product(3, "GLV-L", "Gloves L", packagings=[("Case", 12.0), ("Pallet", 480.0)])
    builder.order(1, "P00410", 10, [dict(product=1, qty=2, uom=CASE12, price=30.0)])
    catalog = builder.build()
    return UnitResolver(catalog), catalog


def test_case_printed_against_a_case_of_twelve_order_line(resolver_and_catalog):
    resolver, catalog = resolver_and_catalog
    line = catalog.order_lines[("purchase", catalog.orders[("purchase", 1)].line_ids[0])]
    resolution = resolver.resolve("CS", catalog.products[1], order_line=line)
    assert resolution.factor == 12
    assert "Case of 12" in resolution.conversion


def test_each_printed_against_a_product_in_units(resolver_and_catalog):
    resolver, catalog = resolver_and_catalog
    assert resolver.resolve("EA", catalog.products[1]).factor == 1


def test_packaging_counts_as_its_quantity_of_units(resolver_and_catalog):
    resolver, catalog = resolver_and_catalog
    case = resolver.resolve("CS", catalog.products[3])
    pallet = resolver.resolve("PAL", catalog.products[3])
    assert (case.factor, pallet.factor) == (12, 480)
    assert "packaging Case" in case.conversion


def test_carton_falls_back_to_the_only_case_packaging(resolver_and_catalog):
    resolver, catalog = resolver_and_catalog
    resolution = resolver.resolve("CTN", catalog.products[3])
    assert resolution.factor == 12
    assert "only case" in resolution.conversion


def test_pounds_convert_into_kilograms(resolver_and_catalog):
    resolver, catalog = resolver_and_catalog
    assert resolver.resolve("LBS", catalog.products[2]).factor == pytest.approx(0.45359237)


def test_weight_printed_for_a_counted_product_is_incompatible(resolver_and_catalog):
    resolver, catalog = resolver_and_catalog
    resolution = resolver.resolve("KG", catalog.products[1])
    assert resolution.factor is None
    assert resolution.issue == "incompatible_unit"


def test_unknown_printed_unit_is_reported(resolver_and_catalog):
    resolver, catalog = resolver_and_catalog
    assert resolver.resolve("XYZ", catalog.products[1]).issue == "unknown_unit"


def test_a_unit_confirmed_for_the_vendor_before_wins():
    builder = CatalogBuilder()
    builder.partner(10, "Acme").product(3, "GLV-L", "Gloves L", packagings=[("Case", 12.0), ("Big case", 24.0)])
    catalog = builder.build()
    big = catalog.products[3].packagings[1]
    catalog.learned_units[(10, "KRT")] = ("product.packaging", big.id)
    resolution = UnitResolver(catalog).resolve("KRT", catalog.products[3], partner_id=10)
    assert resolution.factor == 24
    assert "confirmed" in resolution.conversion


def test_odoo_19_packaging_units_convert_the_same_way():
    # Odoo 19: packagings are units such as "Pack of 6" in the Units tree; the loader
    # turns relative factors into the same absolute ratios.
    builder = CatalogBuilder(version="19.0")
    builder.catalog.uoms[50] = Uom(50, "Pack of 6", 1, 6.0, 0.01)
    builder.partner(10, "Acme").product(4, "CUP", "Paper cup")
    catalog = builder.build()
    resolution = UnitResolver(catalog).resolve("PK", catalog.products[4])
    assert resolution.factor == 6


@pytest.mark.parametrize(
    ("printed", "kind", "count"),
    [("x 150 m CS", "case", None), ("2-ply, p... CT 21", "carton", None), ("CS 30", "case", None), ("Box 10", "box", None),
     ("Karton (12 Stk)", "carton", 12), ("CS/12", "case", 12), ("Pallet (40 cases)", "pallet", None), ("Pack of 6 pcs", "pack", 6)],
)
def test_unit_columns_that_caught_other_text(printed, kind, count):
    # Description text that ran into the unit column comes first; a quantity beside the
    # unit is not a pack size, and a pallet "of 40 cases" does not hold 40 units.
    reading = read_unit(printed)
    assert (reading.kind, reading.count) == (kind, count)
