"""The words documents print, in English, German, French, Dutch, Spanish and Italian.

Labels are written folded: lower case, accents removed, punctuation at word ends
dropped, and the many spellings of "number" (`No.`, `Nr.`, `N°`, `#`) written `no`.
`fold_token` applies the same folding to printed words so that both sides compare.
"""

from __future__ import annotations

import re
import unicodedata

_NUMBER_WORDS = {"no", "nr", "n", "n°", "nº", "no.", "nr.", "#", "num", "nummer", "number", "numero", "número", "numéro", "nummer:", "nro", "ndeg"}


# "Einzel/€", "Amount (EUR)", "Price(₹)": the currency in a column header is not part of
# the label. A bracketed sign or two stands for one too: OCR reads "₹" as "%", "?" or "©".
_CURRENCY_SUFFIX = re.compile(r"\s*([/(\[]\s*(€|eur|usd|gbp|chf|inr|\$|£|₹)\s*[)\]]?|(?<=\w)[(\[][^\w\s]{1,2}[)\]]?)$")


def fold_token(text: str) -> str:
    """Fold one printed word for comparison with the labels below."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = _CURRENCY_SUFFIX.sub("", plain).strip(" :;.,()[]*")
    if plain in _NUMBER_WORDS or plain in {"n°", "nº", "n o"}:
        return "no"
    return plain


def fold_phrase(text: str) -> tuple[str, ...]:
    """Fold a label or a run of printed words into comparable tokens."""
    spaced = re.sub(r"([:#°º])", r" \1 ", text)
    tokens = [fold_token(token) for token in spaced.split()]
    return tuple(token for token in tokens if token)


def _phrases(*labels: str) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({fold_phrase(label) for label in labels}, key=len, reverse=True))


# --- document types: title words, strongest first --------------------------------------

DOC_TYPE_TITLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "credit_note": _phrases(
        "credit note", "credit memo", "gutschrift", "rechnungskorrektur", "stornorechnung", "avoir", "facture d'avoir",
        "creditnota", "creditfactuur", "nota de credito", "nota de crédito", "factura rectificativa", "nota di credito",
    ),
    "purchase_order": _phrases(
        "purchase order", "order confirmation", "sales order", "bestellung", "auftragsbestätigung", "bon de commande",
        "commande", "inkooporder", "bestelbon", "bestelling", "orden de compra", "pedido", "ordine d'acquisto", "ordine",
        "quotation", "order",
    ),
    "bill_of_lading": _phrases("bill of lading", "b/l", "frachtbrief", "konnossement", "connaissement", "lettre de voiture", "vrachtbrief", "cognizione", "conocimiento de embarque", "polizza di carico"),
    "proof_of_delivery": _phrases("proof of delivery", "delivery receipt", "empfangsbestätigung", "ablieferbeleg", "preuve de livraison", "afleverbewijs", "ontvangstbewijs", "prueba de entrega", "prova di consegna"),
    "delivery_note": _phrases("delivery note", "packing slip", "packing list", "dispatch note", "lieferschein", "bon de livraison", "pakbon", "leverbon", "albarán", "albaran", "nota de entrega", "documento di trasporto", "bolla di consegna", "ddt"),
    "receipt": _phrases("receipt", "kassenbon", "quittung", "kassenbeleg", "ticket de caisse", "reçu", "kassabon", "kwitantie", "recibo", "ticket", "scontrino", "ricevuta", "betaaloverzicht"),
    "invoice": _phrases("invoice", "tax invoice", "handelsrechnung", "commercial invoice", "rechnung", "facture", "factuur", "factura", "fattura", "statement", "bill"),
}

# Words that name self-billing: the buyer issues the invoice for the seller. In German
# such an invoice is titled "Gutschrift", the word for a credit note too.
SELF_BILLING_PHRASES = _phrases(
    "selbst ausgestellte rechnung", "selbstausgestellte rechnung", "gutschriftsverfahren", "gutschriftverfahren",
    "self-billing", "self billing", "self-billed", "self billed", "self-billed invoice", "autofacturation", "auto-facturation",
    "autofactura", "autofacturación", "autofattura", "autofatturazione", "zelffacturering", "selbstfakturierung",
)

# Word stems that tell the type when no title does ("Rechnungsnummer", "Invoice #").
DOC_TYPE_STEMS: dict[str, tuple[str, ...]] = {
    "credit_note": ("gutschrift", "avoir", "creditnota", "credit note"),
    "invoice": ("rechnung", "invoice", "facture", "factuur", "factura", "fattura"),
    "purchase_order": ("bestellung", "purchase order", "commande", "bestelling", "pedido"),
    "delivery_note": ("lieferschein", "delivery note", "bon de livraison", "pakbon", "albaran"),
}

# --- header field labels --------------------------------------------------------------

FIELD_LABELS: dict[str, tuple[tuple[str, ...], ...]] = {
    "number": _phrases(
        "beleg-nr", "frachtbrief-nr", "frachtbriefnummer", "lieferschein-nr", "rechnungs-nr", "gutschrift-nr", "gutschriften-nr", "auftrags-nr", "bestell-nr", "credit note no.", "pod no", "pod number", "pod nr", "ablieferbeleg nr", "ablieferbeleg no", "abliefernachweis nr", "an nr", "invoice no", "invoice number", "invoice #", "invoice id", "inv no", "document no", "document number", "bill no",
        "credit note no", "credit note number", "receipt no", "receipt number", "order no", "order number",
        "delivery note no", "delivery note number", "bol no", "b/l no", "b/l number", "bill of lading no", "reference no",
        "rechnungsnummer", "rechnungs no", "rechnung no", "rechnungsnr", "gutschriftsnummer", "gutschrift no", "belegnummer", "beleg no",
        "lieferscheinnummer", "lieferschein no", "lieferscheinnr", "bestellnummer", "bestellung no", "auftragsnummer",
        "numero de facture", "facture no", "no de facture", "numero facture", "avoir no", "numero d'avoir", "commande no", "bon de livraison no",
        "factuurnummer", "factuur no", "factuurnr", "creditnota no", "pakbon no", "ordernummer", "bestelnummer",
        "numero de factura", "factura no", "no factura", "pedido no", "albaran no", "numero fattura", "fattura no", "fattura n", "ordine no",
    ),
    "date": _phrases(
        "invoice date", "liefer- und rechnungsdatum", "issued at", "issued on", "date of issue", "date of invoice", "date", "dated", "issue date", "date issued", "order date", "date ordered", "document date", "bill date",
        "rechnungsdatum", "datum", "belegdatum", "bestelldatum", "ausstellungsdatum", "lieferscheindatum", "gutschriftsdatum",
        "date de facture", "date de facturation", "date d'emission", "date de la facture", "date de commande",
        "factuurdatum", "datum factuur", "orderdatum", "fecha", "fecha de factura", "fecha factura", "data", "data fattura", "data documento",
    ),
    "due_date": _phrases(
        "due date", "payment due", "due", "pay by", "payable by", "fällig", "fällig am", "fälligkeitsdatum", "zahlbar bis", "date d'echeance", "echeance",
        "vervaldatum", "te betalen voor", "fecha de vencimiento", "vencimiento", "scadenza", "data scadenza",
    ),
    "delivery_date": _phrases(
        "versanddatum", "ship date", "abholdatum", "pickup date", "requested delivery", "requested delivery date", "wunschtermin", "wunschliefertermin", "date de livraison souhaitee", "delivered on", "geliefert am", "zugestellt am", "livre le", "geleverd op", "entregado el", "delivery date", "liefer- bzw. leistungsdatum", "liefer- und leistungsdatum", "lieferdatum/leistungsdatum", "date of delivery", "delivery", "ship date", "shipping date", "date shipped", "service date",
        "lieferdatum", "leistungsdatum", "liefertermin", "date de livraison", "leverdatum", "leveringsdatum", "fecha de entrega", "data di consegna",
    ),
    "po_reference": _phrases(
        "po number", "po no", "kundenbestellung", "kunden-bestellung", "bestellnr. kunde", "customer po no", "ihre auftragsnummer", "your order number", "your order no.", "customer order number", "order reference no", "p.o. number", "p.o. no", "po", "p.o", "po #", "purchase order", "purchase order no", "purchase order number", "customer po",
        "reference", "your order", "your order no", "your reference", "customer order", "customer order no", "buyer order", "order reference",
        "ihre bestellung", "ihre bestellnummer", "bestellnummer", "bestellung", "bestell no", "ihr zeichen", "ihre referenz",
        "votre commande", "bon de commande", "no de commande", "commande", "votre reference", "ref commande",
        "uw bestelling", "uw referentie", "inkoopordernummer", "inkooporder", "bestelnummer", "uw ordernummer",
        "su pedido", "pedido", "numero de pedido", "orden de compra", "vostro ordine", "ordine", "riferimento ordine",
    ),
    "order_reference": _phrases(
        "versender-ref", "original invoice", "invoice reference", "related invoice", "zu rechnung", "originalrechnung", "ursprungsrechnung", "bezug rechnung", "facture liee", "facture d'origine", "oorspronkelijke factuur", "shipper ref", "shipper reference", "versender ref", "versenderreferenz", "ref. expediteur", "picking", "lieferung", "order no", "order number", "order", "sales order", "our order", "our reference", "source", "origin",
        "auftragsnummer", "auftrag", "unsere auftragsnummer", "auftrags no", "notre reference", "ordernummer", "order nummer", "referencia",
    ),
    "delivery_note_reference": _phrases("delivery note", "delivery note no", "lieferschein", "lieferschein no", "lieferscheinnummer", "bon de livraison", "pakbon", "albaran"),
    "customer_number": _phrases("customer no", "customer number", "customer id", "account number", "account no", "kundennummer", "kunden no", "numero client", "client no", "klantnummer", "numero de cliente"),
    "vendor_name": _phrases("sold by", "shipper", "versender", "absender", "expediteur", "afzender", "remitente", "mittente", "seller", "supplier", "vendor", "from", "lieferant", "verkäufer", "rechnungssteller", "rechnungsersteller", "fournisseur", "vendeur", "leverancier", "verkoper", "proveedor", "vendedor", "fornitore"),
    "customer_name": _phrases(
        "bill to", "consignee", "empfanger", "warenempfanger", "geadresseerde", "destinatario merce", "billed to", "invoice to", "sold to", "customer", "customer name", "kundenname", "kunden name", "buyer", "client", "ship to", "invoice address", "billing address",
        "invoice and shipping address", "rechnungsempfänger", "rechnungsadresse", "kunde", "käufer", "auftraggeber", "empfänger",
        "facturé à", "facture a", "adresse de facturation", "acheteur", "destinataire", "factuuradres", "klant", "koper",
        "facturar a", "cliente", "comprador", "destinatario", "intestatario",
    ),
    "carrier": _phrases("carrier", "shipped via", "ship via", "forwarder", "spediteur", "frachtführer", "transporteur", "vervoerder", "transportista", "vettore"),
    "tracking_number": _phrases("sendungsnr", "sendungs-nr", "sendungsnummer", "tracking-nr", "tracking number", "tracking no", "tracking", "pro number", "pro no", "pro #", "sendungsnummer", "sendungsverfolgung", "numero de suivi", "trackingnummer", "numero de seguimiento"),
    "remarks": _phrases("remarks", "remark", "notes", "note", "comments", "bemerkungen", "bemerkung", "hinweis", "remarques", "observations", "opmerkingen", "observaciones", "note", "osservazioni"),
}

# Labels of an order's own number; on other documents they name the order referred to.
ORDER_NUMBER_LABELS = _phrases(
    "bestell-nr", "auftrags-nr", "order no", "order number", "order", "bestellnummer", "bestellung no", "auftragsnummer", "commande no", "ordernummer", "bestelnummer", "pedido no", "ordine no",
    "purchase order", "purchase order no", "purchase order number", "sales order", "sales order no",
)
# Labels of a delivery document's own number.
DELIVERY_NUMBER_LABELS = _phrases("pod no", "pod number", "pod nr", "beleg-nr", "frachtbrief-nr", "frachtbriefnummer", "lieferschein-nr", "delivery note no", "delivery note number", "lieferscheinnummer", "lieferschein no", "lieferscheinnr", "bon de livraison no", "pakbon no", "bol no", "b/l no", "b/l number", "bill of lading no")


def number_labels(doc_type: str) -> tuple[tuple[str, ...], ...]:
    """Return the labels of the document's own number for `doc_type`."""
    own = set(FIELD_LABELS["number"])
    if doc_type != "purchase_order":
        own -= set(ORDER_NUMBER_LABELS)
    else:
        own |= set(ORDER_NUMBER_LABELS) | set(_phrases("po number", "po no", "p.o. number", "p.o. no", "po #", "purchase order no", "purchase order number", "bestellnr", "bestellnummer", "numero de commande", "bestelnummer", "numero de pedido"))
    if doc_type not in {"delivery_note", "bill_of_lading", "proof_of_delivery"}:
        own -= set(DELIVERY_NUMBER_LABELS)
    return tuple(sorted(own, key=len, reverse=True))


# Delivery-address labels: read as the customer only when nothing better names it.
DELIVERY_ADDRESS_LABELS = _phrases("deliver to", "delivery address", "lieferanschrift", "lieferadresse", "adresse de livraison", "afleveradres", "direccion de entrega")

# Labels of the line of a party section that contains its name.
NAME_LABELS = _phrases("name", "firma", "firmenname", "company", "company name", "nom", "raison sociale", "naam", "bedrijfsnaam", "nombre", "razon social", "ragione sociale")

# Labels docmatch does not read a field from but must not take for a value ("Deliver to").
OTHER_LABELS = _phrases(
    "deliver to", "delivery address", "shipping address", "ship to", "lieferanschrift", "lieferadresse", "adresse de livraison", "afleveradres", "leveradres",
    "direccion de entrega", "indirizzo di consegna", "invoice address", "rechnungsanschrift", "notify party", "payment terms", "zahlungsbedingungen",
    # Headings of the order box printed above the line items of many US invoice forms.
    "salesperson", "sales rep", "requisitioner", "f.o.b. point", "f.o.b.", "fob point", "terms", "shipping terms",
)

# Amount labels; `total` also matches the longer net and tax labels, so these are
# tried longest first and a row takes the first label that fits.
AMOUNT_LABELS: dict[str, tuple[tuple[str, ...], ...]] = {
    "net": _phrases(
        "subtotal", "exclusief btw", "excl. btw", "total amount without vat", "total amount of lines", "net total", "netto total", "sub total", "sub-total", "net", "net amount", "net total", "total net", "total excl vat", "total excl. vat", "total excluding vat",
        "total without taxes", "untaxed amount", "total before tax", "amount before tax", "total ht", "total h.t", "montant ht", "total hors taxes", "sous-total", "sous total",
        "zwischensumme", "nettobetrag", "netto", "summe netto", "gesamt netto", "nettosumme", "warenwert", "rechnungssumme netto", "summe positionen", "gesamtbetrag netto", "total netto",
        "subtotaal", "totaal excl btw", "totaal excl. btw", "netto bedrag", "bedrag excl btw", "base imponible", "subtotal sin iva", "importe neto", "imponibile", "totale imponibile",
        "total without tax", "total excl. tax", "total hors taxe", "total ht net", "net total (excl. vat)", "rechnungssumme ohne ust", "summe ohne ust",
        "positionssumme", "gesamtsumme netto", "nettowert", "totaal exclusief btw", "total net ht",
    ),
    "tax": _phrases(
        "tax", "zuzüglich", "zzgl", "zzgl. mwst", "plus vat", "vat total", "taxes", "vat", "sales tax", "total tax", "tax amount", "vat amount", "gst", "mwst", "ust", "umsatzsteuer", "mehrwertsteuer", "steuer", "steuerbetrag",
        "summe ust", "summe mwst", "gesamt ust", "tva", "montant tva", "total tva", "total taxes", "total tax", "total vat", "vat total", "total des taxes",
        "mwst betrag", "ust betrag", "totaal btw bedrag", "btw bedrag", "btw", "totaal btw", "iva", "total iva", "importe iva", "imposta", "totale iva",
    ),
    "total": _phrases(
        "total", "grand total", "due payable", "amount payable", "payable amount", "bedrag inclusief btw", "total incl. tax", "total amount incl. vat", "gross", "gross total", "gross amount", "total gross", "total due", "amount due", "balance due", "total amount", "total amount due", "invoice total", "total incl vat", "total incl. vat", "total for this invoice",
        "gesamtbetrag", "gesamtsumme", "rechnungsbetrag", "endbetrag", "endsumme", "bruttosumme", "gesamtbetrag brutto", "summe", "brutto", "gesamt brutto", "rechnungssumme brutto", "zahlbetrag", "zu zahlen", "bruttobetrag", "total brutto",
        "total ttc", "montant ttc", "net a payer", "montant total", "a payer", "totaal", "totaal incl btw", "totaal incl. btw", "te betalen", "totaalbedrag",
        "importe total", "total factura", "total a pagar", "totale", "totale fattura", "totale documento", "da pagare", "kokku", "kokku tasuda",
    ),
}

# --- line-item table columns ----------------------------------------------------------

COLUMN_LABELS: dict[str, tuple[tuple[str, ...], ...]] = {
    "position": _phrases("pos", "pos.", "position", "line", "ln", "item no", "#", "no", "lfd no", "lfd", "nr", "poste", "regel"),
    "code": _phrases(
        "art-nr", "art-nr.", "art.-nr", "art-nr-lief", "artikel-nr", "artikelnr", "item no.", "item", "item code", "code", "sku", "product code", "part no", "part number", "article", "article no", "art no", "art.nr", "artikel", "artikelnummer", "artikel no",
        "material", "referenz", "ref", "reference", "référence", "artikelcode", "codigo", "código", "referencia", "codice", "articolo", "product no", "catalog no", "ean", "gtin",
    ),
    "description": _phrases(
        "description", "item description", "product", "product description", "service", "services", "designation", "désignation", "libelle", "libellé",
        "beschreibung", "artikelbeschreibung", "bezeichnung", "leistung", "produkt", "omschrijving", "product omschrijving", "descripcion", "descripción", "concepto", "descrizione",
        "details", "item name", "articles", "artikelbezeichnung", "name",
    ),
    "quantity": _phrases(
        "qty", "quantity", "qty.", "quantities", "qty ordered", "ordered", "ordered qty", "units", "menge", "anzahl", "stück", "quantité", "qte", "qté", "aantal", "hoeveelheid",
        "cantidad", "cant", "uds", "quantita", "quantità", "qta", "hours", "stunden",
    ),
    "shipped_quantity": _phrases("versandt", "versendet", "verladen", "expedie", "verzonden", "qty shipped", "shipped", "qty shipped", "shipped qty", "delivered", "delivered qty", "geliefert", "liefermenge", "livré", "quantité livrée", "geleverd", "enviado", "entregado", "consegnato"),
    "received_quantity": _phrases("angenommen", "ontvangen", "recu", "received", "qty received", "received qty", "erhalten", "empfangen", "reçu", "reçue", "ontvangen", "recibido", "ricevuto"),
    "damaged_quantity": _phrases("damaged", "damaged qty", "beschädigt", "endommagé", "beschadigd", "dañado", "danneggiato"),
    "uom": _phrases("einh", "eh", "unit.", "u.m", "unité de mesure", "eenh", "uom", "u/m", "unit", "units of measure", "unit of measure", "einheit", "me", "mengeneinheit", "unité", "eenheid", "unidad", "ud", "um", "unità"),
    "unit_price": _phrases(
        "nettopreis", "net price", "netto-preis", "prix net", "nettoprijs", "einzel", "einzelpr", "unit price", "price", "price/unit", "rate", "unit cost", "price each", "each", "unit price excl", "einzelpreis", "preis", "e-preis", "ep", "stückpreis", "preis/einheit",
        "prix unitaire", "pu", "p.u", "pu ht", "prix unitaire ht", "prix", "prijs", "stukprijs", "eenheidsprijs", "precio", "precio unitario", "prezzo", "prezzo unitario",
    ),
    "amount": _phrases(
        "nettobetrag", "net amount", "positionsbetrag", "zeilenbetrag", "gesamtbetrag", "amount", "total", "line total", "net amount", "amount excl", "value", "gesamt", "gesamtpreis", "betrag", "summe", "netto", "montant", "montant ht", "total ht",
        "bedrag", "totaal", "importe", "total linea", "importo", "totale", "subtotal", "ext price", "extended", "price total",
    ),
    "discount": _phrases("disc", "disc.%", "disc %", "discount", "discount %", "rabatt", "rabatt %", "remise", "rem", "korting", "descuento", "dto", "sconto"),
    "tax_rate": _phrases("steuersatz", "ust-satz", "mwst-satz", "vat rate", "tax rate", "taux tva", "vat", "vat %", "tax", "taxes", "tax %", "ust", "ust %", "mwst", "mwst %", "tva", "tva %", "btw", "btw %", "iva", "iva %", "steuer"),
    "remark": _phrases("remark", "remarks", "comment", "bemerkung", "remarque", "opmerking", "observación", "nota"),
}

# Rows that carry a running total between pages; they are never line items.
CARRY_ROWS = _phrases(
    "carried forward", "brought forward", "carry forward", "balance forward", "ubertrag", "übertrag", "zwischensumme ubertrag", "a reporter", "report",
    "reporte", "transporte", "suma y sigue", "riporto", "a riportare", "transport", "overdracht",
)

# Words that name what a table's count row counts ("46 Packstücke", "Total 12 cartons"),
# besides the unit words. A row of such words and one number is no item.
COUNT_WORDS = frozenset({
    "total", "totals", "sum", "gesamt", "summe", "insgesamt", "totaal", "totale", "totaux",
    "packstucke", "packstuck", "pakete", "colli", "kolli", "colis", "packages", "parcels", "pakketten", "bultos",
    "cartons", "kartons", "items", "articles", "artikel", "positions", "positionen", "pieces", "stuck", "pallets", "paletten",
})

# Rows that end a line-item table.
TABLE_END_ROWS = tuple(
    sorted(
        {*AMOUNT_LABELS["net"], *AMOUNT_LABELS["total"], *_phrases("total", "subtotal", "summe", "gesamt", "totaal", "payment terms", "zahlungsbedingungen", "bankverbindung")},
        key=len,
        reverse=True,
    )
)

CURRENCY_SYMBOLS: dict[str, str] = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "us$": "USD", "usd": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD",
    "hk$": "HKD", "r$": "BRL", "nz$": "NZD", "s$": "SGD", "chf": "CHF", "¥": "JPY", "₹": "INR", "rs.": "INR", "₩": "KRW", "zł": "PLN", "kč": "CZK", "$": "USD",
}

ISO_CURRENCIES = frozenset(
    "EUR USD GBP CHF JPY CNY CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN HRK TRY RUB INR IDR SGD HKD KRW BRL MXN ZAR AED SAR ILS THB MYR PHP VND BHD IQD JOD KWD LYD OMR TND".split()
)

CURRENCY_LABELS = _phrases("currency", "währung", "beträge in", "betrage in", "devise", "monnaie", "valuta", "munt", "moneda", "divisa", "valuta")

LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("invoice date total amount due quantity price description order tax the and of to bill ship number payment".split()),
    "de": frozenset("rechnung datum menge preis betrag gesamt bestellung lieferschein und der die das steuer netto brutto summe bezeichnung einheit zahlbar".split()),
    "fr": frozenset("facture date montant quantité prix total commande livraison et le la les de du tva désignation paiement".split()),
    "nl": frozenset("factuur datum bedrag aantal prijs totaal bestelling levering en het de van btw omschrijving betaling".split()),
    "es": frozenset("factura fecha importe cantidad precio total pedido entrega y el la los de del iva descripción pago".split()),
    "it": frozenset("fattura data importo quantità prezzo totale ordine consegna e il la di del iva descrizione pagamento".split()),
}
