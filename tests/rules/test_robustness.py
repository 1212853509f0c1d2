"""Odd extracted values never raise: matching and rules return findings or nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docmatch.models import DOC_TYPES, ExtractedField, ExtractedLine, Extraction

from .helpers import CASE12, CatalogBuilder, findings_for


def small_catalog():
    builder = CatalogBuilder()
    builder.partner(10, "Acme Industrial Supply Ltd").product(1, "TIE-200", "Cable tie 200 mm", purchase_uom=CASE12, packagings=[("Case", 12.0), ("Broken", 0.0)])
    builder.order(1, "P00410", 10, [dict(product=1, qty=2, uom=CASE12, price=30.0)])
    return builder.build()


CATALOG = small_catalog()
scalars = st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**9, 10**9))
numbers = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
lines = st.builds(
    ExtractedLine,
    code=st.one_of(st.none(), st.sampled_from(["TIE-200", "TIE-2OO", "X", "", "  ", "TIE-...", "a b c d"])),
    description=st.one_of(st.none(), st.text(max_size=30)),
    quantity=numbers, unit_price=numbers, amount=numbers,
    uom=st.one_of(st.none(), st.sampled_from(["CS", "EA", "KG", "Broken", "Case of 0", "x 1 m CS", "", "???"])),
    received_quantity=numbers, damaged_quantity=numbers,
)
field_names = st.sampled_from(["number", "date", "po_reference", "vendor_name", "currency", "net", "tax", "total", "remarks", "carrier"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc_type=st.sampled_from(DOC_TYPES), fields=st.dictionaries(field_names, scalars, max_size=8), items=st.lists(lines, max_size=4), reference=st.booleans())
def test_odd_values_never_raise(doc_type, fields, items, reference):
    values = {name: ExtractedField(value=value if not isinstance(value, float) or value == value else None) for name, value in fields.items()}
    if reference:
        values["po_reference"] = ExtractedField(value="P00410")
    document = Extraction(doc_type=doc_type, fields=values, lines=items)
    findings = findings_for(document, CATALOG)
    assert all(finding.rule for finding in findings)
