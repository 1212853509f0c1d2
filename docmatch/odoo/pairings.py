"""Pairings a reviewer can confirm: a vendor's code means a product, a printed unit a packaging.

A finding proposes a pairing through its `evidence`:

    vendor code  {"partner_id": 7, "vendor_code": "VND-9999", "product_id": 12}
    unit         {"partner_id": 7, "printed_unit": "CS", "unit_model": "product.packaging", "unit_id": 4}
                 (or "uom_id": 3 for a unit of measure)

`partner_id` is the vendor's commercial partner. A finding with several candidate
products (`candidate_product_ids`) proposes one only when exactly one candidate is left.
The ticket lists each proposal on a line of its own (`render_pairing`), and the
reviewer's decision on the ticket confirms or rejects them all; `parse_pairings` reads
them back from the ticket description, so nothing but the ticket is needed to learn.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from docmatch.models import Case

VENDOR_CODE = "vendor_code"
UNIT = "unit"

_LINE = re.compile(r'docmatch-pairing (?P<kind>vendor_code|unit) partner=(?P<partner>\d+) text="(?P<text>[^"]*)" -> (?P<model>[a-z_.]+),(?P<id>\d+)')


@dataclass(frozen=True)
class Pairing:
    kind: str
    partner_id: int
    printed_text: str
    target_model: str
    target_id: int


def proposals(case: Case, partner_id: int | None = None) -> list[Pairing]:
    """Return the pairings the case's findings propose, each once, in finding order."""
    found: list[Pairing] = []
    for finding in case.findings:
        pairing = _from_evidence(finding.evidence, partner_id)
        if pairing is not None and pairing not in found:
            found.append(pairing)
    return found


def _from_evidence(evidence: dict[str, Any], fallback_partner: int | None) -> Pairing | None:
    partner = _int(evidence.get("partner_id")) or fallback_partner
    if not partner:
        return None
    code = evidence.get("vendor_code")
    product = _int(evidence.get("product_id"))
    candidates = evidence.get("candidate_product_ids") or []
    if product is None and isinstance(candidates, list) and len(candidates) == 1:
        product = _int(candidates[0])
    if code and product:
        return Pairing(VENDOR_CODE, partner, str(code).strip(), "product.product", product)
    unit = evidence.get("printed_unit")
    if unit and evidence.get("unit_model") and _int(evidence.get("unit_id")):
        return Pairing(UNIT, partner, str(unit).strip(), str(evidence["unit_model"]), int(evidence["unit_id"]))
    if unit and _int(evidence.get("uom_id")):
        return Pairing(UNIT, partner, str(unit).strip(), "uom.uom", int(evidence["uom_id"]))
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def render_pairing(pairing: Pairing, label: str) -> str:
    """Return one HTML list item a reviewer reads and `parse_pairings` reads back."""
    text = pairing.printed_text.replace('"', "'")
    machine = f'docmatch-pairing {pairing.kind} partner={pairing.partner_id} text="{text}" -> {pairing.target_model},{pairing.target_id}'
    return f"<li>{html.escape(label)}<br/><code>{html.escape(machine, quote=False)}</code></li>"


def parse_pairings(description: str) -> list[Pairing]:
    """Return the pairings listed in a ticket description (HTML as Odoo stores it)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", description or ""))
    return [
        Pairing(match["kind"], int(match["partner"]), match["text"], match["model"], int(match["id"]))
        for match in _LINE.finditer(text)
    ]
