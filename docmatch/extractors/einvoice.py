"""Embedded e-invoice XML: Factur-X, ZUGFeRD 1 and 2, XRechnung (CII), Order-X and UBL.

The XML rides inside the PDF as an attachment and is read as a second source beside
the printed page. It never replaces the page: `reconcile` raises the confidence of
printed values the XML confirms, flags `xml_disagrees` on those it contradicts, and
fills a field the page did not yield only when the XML evidently describes the same
document (its number or its total agrees with the print). Real files carry XML for
another invoice, or totals a cent off, so disagreement is reported, not resolved.
"""

from __future__ import annotations

import logging
from pathlib import Path

from lxml import etree

from docmatch.models import ExtractedField, ExtractedLine, Extraction, FieldFlag

log = logging.getLogger(__name__)

# Confidence of a value read from XML and of a printed value the XML confirmed.
XML_CONFIDENCE = 0.95
# Amounts agree within this much.
AMOUNT_TOLERANCE = 0.005
_MAX_XML_BYTES = 20 * 1024 * 1024
_COMPARED = ("number", "date", "currency", "net", "tax", "total", "po_reference", "due_date")

# UNTDID 1001 document codes: 389 is a self-billed invoice, 261 a self-billed credit
# note, 326 a partial and 386 a prepayment invoice.
_CII_TYPES = {"380": "invoice", "381": "credit_note", "384": "invoice", "389": "invoice", "261": "credit_note", "326": "invoice", "386": "invoice", "220": "purchase_order", "231": "purchase_order", "230": "purchase_order"}
_UBL_ROOTS = {"Invoice": "invoice", "CreditNote": "credit_note", "Order": "purchase_order", "OrderResponse": "purchase_order", "Quotation": "unknown", "DespatchAdvice": "delivery_note"}


def read_embedded_xml(path: str | Path) -> tuple[Extraction | None, list[str]]:
    """Return the extraction of the first e-invoice XML attached to the PDF, and warnings."""
    warnings: list[str] = []
    for name, data in _xml_attachments(path, warnings):
        try:
            root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
        except etree.XMLSyntaxError as exc:
            log.warning("embedded XML %s does not parse: %s", name, exc)
            warnings.append(f"embedded XML {name} does not parse")
            continue
        extraction = parse_einvoice(root)
        if extraction is not None:
            extraction.warnings.append(f"read from embedded {name}")
            return extraction, warnings
    return None, warnings


def _xml_attachments(path: str | Path, warnings: list[str]) -> list[tuple[str, bytes]]:
    import pikepdf

    found: list[tuple[str, bytes]] = []
    try:
        with pikepdf.open(path) as pdf:
            for name, spec in pdf.attachments.items():
                if not name.lower().endswith(".xml"):
                    continue
                stream = spec.get_file()
                if stream.size > _MAX_XML_BYTES:
                    warnings.append(f"embedded XML {name} is larger than {_MAX_XML_BYTES} bytes; ignored")
                    continue
                found.append((name, stream.read_bytes()))
    except Exception as exc:  # noqa: BLE001 - attachments are optional; the page stays readable
        log.warning("could not list attachments: %s", exc)
        warnings.append("attachments could not be read")
    # Factur-X names its file factur-x.xml; prefer the known names.
    known = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml", "zugferd_invoice.xml")
    found.sort(key=lambda item: (item[0].lower() not in known, item[0]))
    return found


# --- parsing --------------------------------------------------------------------------


def parse_einvoice(root) -> Extraction | None:  # type: ignore[no-untyped-def]
    """Return the extraction of a CII or UBL document, or None for other XML."""
    local = etree.QName(root).localname
    if local in {"CrossIndustryInvoice", "CrossIndustryDocument", "SCRDMCCBDACIOMessageStructure"}:
        return _parse_cii(root)
    if local in _UBL_ROOTS:
        return _parse_ubl(root, _UBL_ROOTS[local])
    return None


def _first(node, path: str) -> str | None:  # type: ignore[no-untyped-def]
    """Return the text of the first element along `path`: local names joined by "/", "//" first to descend."""
    if node is None:
        return None
    steps = "/".join(f"*[local-name()='{part}']" for part in path.split("/") if part)
    for result in node.xpath((".//" if path.startswith("//") else "./") + steps):
        text = (result.text or "").strip()
        if text:
            return text
    return None


def _all(node, name: str) -> list:  # type: ignore[no-untyped-def]
    return node.xpath(f".//*[local-name()='{name}']")


def _field(value) -> ExtractedField:  # type: ignore[no-untyped-def]
    return ExtractedField(value=value, confidence=XML_CONFIDENCE if value is not None else 0.0, source="xml")


def _amount(text: str | None) -> float | None:
    try:
        return round(float(text), 4) if text is not None else None
    except ValueError:
        return None


def _cii_date(node) -> str | None:  # type: ignore[no-untyped-def]
    if node is None:
        return None
    text = _first(node, "//DateTimeString") or _first(node, "//DateTime") or (node.text or "").strip()
    if len(text) >= 8 and text[:8].isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:8]}"
    return text[:10] if len(text) >= 10 else None


def _node(root, *names: str):  # type: ignore[no-untyped-def]
    """Return the first descendant with one of `names`, tried in order."""
    if root is None:
        return None
    for name in names:
        nodes = _all(root, name)
        if nodes:
            return nodes[0]
    return None


def _parse_cii(root) -> Extraction:  # type: ignore[no-untyped-def]
    document = _node(root, "ExchangedDocument", "HeaderExchangedDocument")
    type_code = _first(document, "TypeCode")
    summation = _node(root, "SpecifiedTradeSettlementHeaderMonetarySummation", "SpecifiedTradeSettlementMonetarySummation")
    seller, buyer = _node(root, "SellerTradeParty"), _node(root, "BuyerTradeParty")
    fields = {
        "number": _field(_first(document, "ID")),
        "date": _field(_cii_date(_node(document, "IssueDateTime"))),
        "vendor_name": _field(_first(seller, "Name")),
        "customer_name": _field(_first(buyer, "Name")),
        "vendor_vat": _field(_vat(seller)),
        "customer_vat": _field(_vat(buyer)),
        "po_reference": _field(_first(_node(root, "BuyerOrderReferencedDocument"), "//IssuerAssignedID")),
        "currency": _field(_first(root, "//InvoiceCurrencyCode") or _first(root, "//OrderCurrencyCode") or _currency_attribute(summation)),
        "net": _field(_amount(_first(summation, "TaxBasisTotalAmount"))),
        "tax": _field(_tax_total(summation)),
        "total": _field(_amount(_first(summation, "GrandTotalAmount"))),
        "due_date": _field(_cii_date(_node(root, "DueDateDateTime"))),
        "delivery_date": _field(_cii_date(_node(root, "OccurrenceDateTime"))),
    }
    lines = [_cii_line(item) for item in _all(root, "IncludedSupplyChainTradeLineItem")]
    return Extraction(doc_type=_CII_TYPES.get(type_code or "", "invoice"), fields=fields, lines=lines, method="none")


def _vat(party) -> str | None:  # type: ignore[no-untyped-def]
    if party is None:
        return None
    for registration in _all(party, "SpecifiedTaxRegistration"):
        identifier = _node(registration, "ID")
        if identifier is not None and identifier.get("schemeID") == "VA" and identifier.text:
            return identifier.text.strip()
    return None


def _currency_attribute(summation) -> str | None:  # type: ignore[no-untyped-def]
    if summation is None:
        return None
    for node in summation:
        if node.get("currencyID"):
            return node.get("currencyID")
    return None


def _tax_total(summation) -> float | None:  # type: ignore[no-untyped-def]
    if summation is None:
        return None
    values = [_amount((node.text or "").strip()) for node in _all(summation, "TaxTotalAmount")]
    values = [value for value in values if value is not None]
    # Some files state the tax twice, once per currency; the first is the document's.
    return values[0] if values else None


def _cii_line(item) -> ExtractedLine:  # type: ignore[no-untyped-def]
    quantity_node = _node(item, "BilledQuantity", "RequestedQuantity", "AgreedQuantity")
    price_node = _node(item, "NetPriceProductTradePrice")
    price = _amount(_first(price_node, "ChargeAmount"))
    basis = _amount(_first(price_node, "BasisQuantity"))
    if price is not None and basis not in (None, 0, 1):
        price = round(price / basis, 6)  # type: ignore[operator]
    product = _node(item, "SpecifiedTradeProduct")
    line_id = _first(item, "//LineID")
    return ExtractedLine(
        position=int(line_id) if line_id and line_id.isdigit() else None,
        code=_first(product, "SellerAssignedID") or _first(product, "BuyerAssignedID") or _first(product, "GlobalID"),
        description=_first(product, "Name"),
        quantity=_amount(quantity_node.text) if quantity_node is not None else None,
        uom=quantity_node.get("unitCode") if quantity_node is not None else None,
        unit_price=price,
        amount=_amount(_first(item, "//LineTotalAmount")),
        confidence=XML_CONFIDENCE,
    )


def _parse_ubl(root, doc_type: str) -> Extraction:  # type: ignore[no-untyped-def]
    supplier = _node(root, "AccountingSupplierParty", "SellerSupplierParty")
    customer = _node(root, "AccountingCustomerParty", "BuyerCustomerParty")
    totals = _node(root, "LegalMonetaryTotal", "AnticipatedMonetaryTotal")
    fields = {
        "number": _field(_first(root, "ID")),
        "date": _field(_first(root, "IssueDate")),
        "vendor_name": _field(_party_name(supplier)),
        "customer_name": _field(_party_name(customer)),
        "po_reference": _field(_first(root, "OrderReference/ID")),
        "currency": _field(_first(root, "DocumentCurrencyCode")),
        "net": _field(_amount(_first(totals, "TaxExclusiveAmount"))),
        "tax": _field(_amount(_first(root, "TaxTotal/TaxAmount"))),
        "total": _field(_amount(_first(totals, "PayableAmount") or _first(totals, "TaxInclusiveAmount"))),
        "due_date": _field(_first(root, "DueDate")),
    }
    line_names = ("InvoiceLine", "CreditNoteLine", "LineItem", "QuotationLine", "DespatchLine")
    lines = [_ubl_line(item) for name in line_names for item in root.xpath(f"./*[local-name()='{name}'] | ./*/*[local-name()='{name}']")]
    return Extraction(doc_type=doc_type, fields=fields, lines=lines, method="none")


def _party_name(party) -> str | None:  # type: ignore[no-untyped-def]
    if party is None:
        return None
    return _first(party, "//PartyName/Name") or _first(party, "//RegistrationName")


def _ubl_line(item) -> ExtractedLine:  # type: ignore[no-untyped-def]
    quantity_node = next((node for name in ("InvoicedQuantity", "CreditedQuantity", "Quantity", "DeliveredQuantity") for node in item.xpath(f"./*[local-name()='{name}']")), None)
    line_id = _first(item, "ID")
    return ExtractedLine(
        position=int(line_id) if line_id and line_id.isdigit() else None,
        code=_first(item, "//SellersItemIdentification/ID"),
        description=_first(item, "//Item/Name") or _first(item, "//Item/Description"),
        quantity=_amount(quantity_node.text) if quantity_node is not None else None,
        uom=quantity_node.get("unitCode") if quantity_node is not None else None,
        unit_price=_amount(_first(item, "//Price/PriceAmount")),
        amount=_amount(_first(item, "LineExtensionAmount")),
        confidence=XML_CONFIDENCE,
    )


# --- reconciliation -------------------------------------------------------------------


def reconcile(printed: Extraction, embedded: Extraction) -> None:
    """Compare `printed` with `embedded` in place: confirm, flag disagreements, fill gaps."""
    agreements, disagreements = 0, []
    for name in _COMPARED:
        ours, theirs = printed.fields.get(name), embedded.fields.get(name)
        if ours is None or theirs is None or ours.value is None or theirs.value is None:
            continue
        if values_agree(name, ours.value, theirs.value):
            ours.confidence = max(ours.confidence, XML_CONFIDENCE)
            agreements += 1
            continue
        ours.flags = sorted({*ours.flags, FieldFlag.XML_DISAGREES.value})
        disagreements.append(name)
        printed.warnings.append(f"{name}: the page prints {ours.value!r}, the embedded XML says {theirs.value!r}")

    # Fill only from XML that evidently describes this document.
    if describes_same_document(printed, embedded):
        _fill_missing(printed, embedded)
    elif disagreements:
        printed.warnings.append("the embedded XML seems to describe another document; nothing was taken from it")
    _reconcile_lines(printed, embedded)
    log.info("embedded XML: %d fields agree, %d disagree", agreements, len(disagreements))


def values_agree(name: str, printed, embedded) -> bool:  # type: ignore[no-untyped-def]
    if isinstance(printed, (int, float)) and isinstance(embedded, (int, float)):
        return abs(abs(float(printed)) - abs(float(embedded))) <= AMOUNT_TOLERANCE
    left, right = _normal(str(printed)), _normal(str(embedded))
    return left == right or (name in {"vendor_name", "customer_name"} and (left in right or right in left))


def _normal(text: str) -> str:
    return "".join(char for char in text.lower() if char.isalnum())


def describes_same_document(printed: Extraction, embedded: Extraction) -> bool:
    """Return whether the XML's number or total agrees with the page's."""
    for name in ("number", "total"):
        ours, theirs = printed.fields.get(name), embedded.fields.get(name)
        if ours and theirs and ours.value is not None and theirs.value is not None and values_agree(name, ours.value, theirs.value):
            return True
    return False


def _fill_missing(printed: Extraction, embedded: Extraction) -> None:
    for name, theirs in embedded.fields.items():
        ours = printed.fields.get(name)
        if theirs.value is not None and (ours is None or (ours.value is None and not ours.alternatives)):
            printed.fields[name] = theirs.model_copy()
    if not printed.lines and embedded.lines:
        printed.lines = [line.model_copy(update={"source": "xml"}) for line in embedded.lines]
        printed.warnings.append("line items taken from the embedded XML; the page's table could not be read")


def _reconcile_lines(printed: Extraction, embedded: Extraction) -> None:
    if not embedded.lines or len(printed.lines) != len(embedded.lines) or getattr(printed.lines[0], "source", None) == "xml":
        return
    for ours, theirs in zip(printed.lines, embedded.lines):
        if ours.amount is None or theirs.amount is None:
            continue
        if abs(abs(ours.amount) - abs(theirs.amount)) <= AMOUNT_TOLERANCE:
            ours.confidence = max(ours.confidence, XML_CONFIDENCE)
        else:
            ours.flags = sorted({*ours.flags, FieldFlag.XML_DISAGREES.value})
