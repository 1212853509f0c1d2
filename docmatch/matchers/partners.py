"""Find the Odoo partner a document comes from or is addressed to.

Evidence, strongest first: a VAT number that passes its country's check digits
(python-stdnum), the partner's name (exact after normalisation, then rapidfuzz), the
domain of an e-mail or web address, a printed postcode with the partner's street, and
last the vendor's own product codes on the lines. Our own company appears on every document too,
so a name that is one of our companies never counts as the partner.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.util import get_cc_module

from docmatch.matchers.index import MatchIndex, vat_key
from docmatch.matchers.normalize import code_key, email_domain, name_key, postcode_key, street_key
from docmatch.models import Extraction

log = logging.getLogger(__name__)

# A fuzzy name match below this score is not evidence of a partner.
NAME_SCORE_CUTOFF = 88.0
# A printed street this alike the partner's (rapidfuzz token set ratio) confirms its postcode.
STREET_SCORE_CUTOFF = 90.0

# Which side of the document is the partner, per document type: a vendor invoice
# comes from the vendor; a customer's purchase order and our delivery papers name the
# customer. Unknown types try both sides.
PARTNER_SIDES: dict[str, tuple[str, ...]] = {
    "invoice": ("vendor", "customer"),
    "credit_note": ("vendor", "customer"),
    "receipt": ("vendor", "customer"),
    "purchase_order": ("customer", "vendor"),
    "bill_of_lading": ("customer", "vendor"),
    "proof_of_delivery": ("customer", "vendor"),
    "delivery_note": ("vendor", "customer"),
    "unknown": ("vendor", "customer"),
}


@dataclass(frozen=True, slots=True)
class PartnerMatch:
    """The partner found, how, and the printed name it was found from."""

    partner_id: int | None
    method: str | None
    printed_name: str | None = None
    side: str | None = None


def valid_vat(text: str | None) -> str | None:
    """Return the compact VAT number when its country's check digits hold, else None."""
    compact = vat_key(text)
    if len(compact) < 4 or not compact[:2].isalpha():
        return None
    country = compact[:2].lower()
    module = eu_vat if country in eu_vat.MEMBER_STATES or country == "el" else get_cc_module(country, "vat")
    if module is None:
        return None
    try:
        return compact if module.is_valid(compact) else None
    except ValidationError:
        return None


def _side_values(extraction: Extraction, side: str) -> tuple[str | None, str | None, str | None]:
    def first(*names: str) -> str | None:
        for name in names:
            value = extraction.value(name)
            if value not in (None, ""):
                return str(value)
        return None

    vat = first(f"{side}_vat", f"{side}_vat_id", f"{side}_tax_id")
    name = first(f"{side}_name", side)
    email = first(f"{side}_email", f"{side}_website")
    return vat, name, email


def resolve_partner(extraction: Extraction, index: MatchIndex) -> PartnerMatch:
    """Return the partner the document names, trying each side in the type's order."""
    sides = PARTNER_SIDES.get(extraction.doc_type, PARTNER_SIDES["unknown"])
    carrier = name_key(str(extraction.value("carrier") or "")) or None
    for side in sides:
        vat, name, email = _side_values(extraction, side)
        if carrier and name_key(name) == carrier:
            # Delivery papers print the carrier prominently; it is not the partner.
            log.debug("the %s side names the carrier; skipped", side)
            continue
        found = _by_vat(vat, index) or _by_name(name, index) or _by_domain(email, index)
        if found is not None:
            partner_id, method = found
            log.debug("partner %s found on the %s side by %s", partner_id, side, method)
            return PartnerMatch(partner_id, method, name, side)
    printed = next((value for value in (_side_values(extraction, side)[1] for side in sides) if value and name_key(value) not in index.company_name_keys), None)
    by_address = _by_address(extraction, index)
    if by_address is not None:
        log.debug("partner %s found by a printed postcode and street", by_address)
        return PartnerMatch(by_address, "address", printed, None)
    by_codes = _by_vendor_codes(extraction, index)
    if by_codes is not None:
        log.debug("partner %s found by the vendor codes on the lines", by_codes)
        return PartnerMatch(by_codes, "vendor_codes", printed, None)
    log.debug("no partner found from the document's names, VAT numbers, addresses or vendor codes")
    return PartnerMatch(None, None, printed, None)


def _by_address(extraction: Extraction, index: MatchIndex) -> int | None:
    """Return the one partner whose postcode and street the document prints together.

    Many addresses share a postcode, so the street must agree too.
    Our own company's addresses are not in the index, so the address a vendor bills to
    never counts.
    """
    found: set[int] = set()
    for address in extraction.addresses:
        printed_street = street_key(address.street)
        if not printed_street:
            continue
        for partner_id, street in index.partners_by_postcode.get(postcode_key(address.postcode), []):
            if _same_street(printed_street, street):
                found.add(partner_id)
    if len(found) > 1:
        log.debug("printed addresses fit %d partners; not decided by address", len(found))
    return found.pop() if len(found) == 1 else None


def _same_street(printed: str, odoo: str) -> bool:
    """Tell whether two street keys name one street with the same house number."""
    if not odoo or fuzz.token_set_ratio(printed, odoo) < STREET_SCORE_CUTOFF:
        return False
    printed_numbers = {word for word in printed.split() if word[:1].isdigit()}
    odoo_numbers = {word for word in odoo.split() if word[:1].isdigit()}
    return odoo_numbers <= printed_numbers


def _by_vendor_codes(extraction: Extraction, index: MatchIndex) -> int | None:
    """Return the one vendor whose own product codes the lines print, when most lines agree."""
    votes: dict[int, int] = {}
    coded = 0
    for line in extraction.lines:
        partners = index.vendor_code_partners.get(code_key(line.code)) if line.code else None
        if not partners:
            continue
        coded += 1
        for partner_id in partners:
            votes[partner_id] = votes.get(partner_id, 0) + 1
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] * 2 <= coded or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def _by_vat(vat: str | None, index: MatchIndex) -> tuple[int, str] | None:
    compact = valid_vat(vat)
    if compact is None:
        if vat:
            log.debug("VAT number on the document fails its check digits; not used")
        return None
    found = index.partners_by_vat.get(compact) or index.partners_by_vat.get(compact[2:])
    if found and len(found) == 1:
        return found[0], "vat"
    return None


def _by_name(name: str | None, index: MatchIndex) -> tuple[int, str] | None:
    key = name_key(name)
    if not key or key in index.company_name_keys:
        return None
    exact = index.partners_by_name.get(key)
    if exact and len(exact) == 1:
        return exact[0], "name"
    if exact:
        return None
    best = process.extract(key, index.partner_name_choices, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SCORE_CUTOFF, limit=2)
    if not best:
        return None
    if len(best) > 1 and best[0][1] - best[1][1] < 3.0:
        log.debug("partner name is as close to two partners; not decided by name")
        return None
    return int(best[0][2]), "name"


def _by_domain(email: str | None, index: MatchIndex) -> tuple[int, str] | None:
    domain = email_domain(email)
    found = index.partners_by_domain.get(domain) if domain else None
    if found and len(found) == 1:
        return found[0], "email_domain"
    return None


def name_similarity(printed: str | None, odoo_name: str | None) -> float:
    """Score 0-100 of how alike a printed partner name and an Odoo name are."""
    first, second = name_key(printed), name_key(odoo_name)
    if not first or not second:
        return 0.0
    return float(fuzz.token_set_ratio(first, second))
