"""The demo set: what happened in Brennholt's Odoo and the documents that arrived.

Each scenario books records into the shared `Ledger` (orders, receipts, deliveries,
bills) and returns the document that came in about them, clean or with one seeded
mismatch. Scenarios run in the order listed, so ids and sequence numbers never change
between builds. `docmatch.demo.generate` prints the documents and writes the snapshot.
"""

from __future__ import annotations

from collections.abc import Callable

from docmatch.demo.company import DOZENS_ID, LB_ID, PARTNER_BY_KEY, PRODUCT_BY_CODE, products_of
from docmatch.demo.documents import (
    DocumentSpec,
    PrintedLine,
    bill_of_lading,
    customer_purchase_order,
    expect,
    in_packaging,
    proof_of_delivery,
    seed_currency,
    seed_damage,
    seed_date,
    seed_duplicate,
    seed_line_not_on_order,
    seed_missing_line,
    seed_other_partners_order,
    seed_price,
    seed_quantity,
    seed_shortage,
    seed_tax_rate,
    seed_total,
    seed_unit,
    seed_unknown_order,
    seed_unknown_product,
    unordered_invoice,
    vendor_credit_note,
    vendor_delivery_note,
    vendor_invoice,
)
from docmatch.demo.ledger import Item, Ledger

Scenario = Callable[[Ledger], list[DocumentSpec]]


def _invoices_and_notes(ledger: Ledger) -> list[DocumentSpec]:
    docs: list[DocumentSpec] = []

    # A Dutch dairy invoice, intra-community (VAT 0%), everything received.
    vdberg = ledger.purchase("vdberg", [Item("DAI-GOUDA", 48), Item("DAI-BUTTER-250", 400, packaging="CS"), Item("DAI-CREAM-1L", 60), Item("DAI-EGG-L", 30, uom_id=DOZENS_ID)], ordered="2025-02-24 09:12")
    receipt = ledger.receive(vdberg, done="2025-03-04 07:40")
    docs.append(_summary(vendor_invoice([vdberg], name="invoice-vdberg-clean-en", number="VDB-INV-25-0412", issued="2025-03-05", layout="classic", language="en"),
                         "Clean dairy invoice in English; eggs billed in dozens as ordered."))
    docs.append(_summary(vendor_delivery_note(receipt, name="delivery-note-vdberg-clean-en", number="VDB-DN-25-1187", layout="modern", language="en"),
                         "Clean delivery note for the same receipt."))

    # A German dry-goods invoice with 7 % VAT.
    hansa = ledger.purchase("hansa", [Item("DRY-RICE-10", 20), Item("DRY-FLOUR-25", 10), Item("DRY-SUGAR", 250), Item("DRY-SALT-1", 24, packaging="CS")], ordered="2025-03-03 08:05")
    ledger.receive(hansa, done="2025-03-07 06:55")
    docs.append(_summary(vendor_invoice([hansa], name="invoice-hansa-clean-de", number="RE-2025-03117", issued="2025-03-10", layout="din", language="de"),
                         "Clean German invoice: decimal comma, dd.mm.yyyy dates, 7 % VAT."))

    # Packaging units on the invoice where the order counted single units.
    greenline = ledger.purchase("greenline", [Item("DSP-FOIL-30", 24, packaging="CS"), Item("DSP-NAPKIN-33", 40, packaging="CT"), Item("DSP-CUP-300", 200)], ordered="2025-03-05 13:30")
    ledger.receive(greenline, done="2025-03-12 10:15")
    spec = vendor_invoice([greenline], name="invoice-greenline-cases-clean-en", number="GL-INV-88107", issued="2025-03-12", layout="modern", language="en")
    in_packaging(spec, 1, PRODUCT_BY_CODE["DSP-FOIL-30"], "CS")
    in_packaging(spec, 2, PRODUCT_BY_CODE["DSP-NAPKIN-33"], "CT")
    docs.append(_summary(spec, "Clean: 2 CS at 117.60 and 5 CT at 27.20 equal the 24 and 40 units ordered."))

    # A US vendor billing in USD and pounds; the products are stocked in kg.
    prairie = ledger.purchase("prairie", [Item("NUT-PECAN", 100, uom_id=LB_ID), Item("NUT-WALNUT", 150, uom_id=LB_ID)], ordered="2025-02-10 16:20", planned="2025-03-10 12:00")
    ledger.receive(prairie, done="2025-03-11 08:30")
    docs.append(_summary(vendor_invoice([prairie], name="invoice-prairie-usd-lb-clean-en", number="PNC-20931", issued="2025-03-11", layout="classic", language="en"),
                         "Clean USD invoice in pounds for products kept in kg."))

    # A partial delivery: 60 of 100 sacks arrived, the rest waits on a backorder.
    partial = ledger.purchase("hansa", [Item("DRY-FLOUR-25", 100, packaging="PAL"), Item("DRY-PASTA-5", 40, packaging="CS")], ordered="2025-03-06 07:45")
    partial_receipt = ledger.receive(partial, {"DRY-FLOUR-25": 60, "DRY-PASTA-5": 40}, done="2025-03-13 09:20")
    docs.append(_summary(vendor_invoice([partial], name="invoice-hansa-partial-clean-de", number="RE-2025-03188", issued="2025-03-14", layout="classic", language="de"),
                         "Clean: bills the 60 sacks received, not the 100 ordered (40 on backorder)."))
    docs.append(_summary(vendor_delivery_note(partial_receipt, name="delivery-note-hansa-partial-clean-de", number="LS-2025-08841", layout="classic", language="de"),
                         "Clean partial delivery note: 60 of 100 sacks."))

    # A long order whose invoice table continues on page 2.
    long_items = [Item(product.default_code, 4 + (index % 5) * 2) for index, product in enumerate(products_of("hansa")) if product.default_code not in ("DRY-BEANS-5", "DRY-COUSCOUS-5", "DRY-SUGAR", "DRY-SALT-1")]
    long_order = ledger.purchase("hansa", long_items, ordered="2025-03-10 10:00")
    ledger.receive(long_order, done="2025-03-17 07:10")
    docs.append(_summary(vendor_invoice([long_order], name="invoice-hansa-two-pages-clean-de", number="RE-2025-03240", issued="2025-03-18", layout="din", language="de"),
                         "Clean 22-line invoice whose table continues on page 2 with carried-forward totals."))

    # Seeded mismatches on vendor invoices, one per document.
    order = ledger.purchase("vdberg", [Item("DAI-BUTTER-250", 400, packaging="CS"), Item("DAI-CREAM-1L", 60), Item("DAI-GOUDA", 36)], ordered="2025-03-11 08:00")
    ledger.receive(order, done="2025-03-18 07:30")
    vdberg_quantity_order = order
    spec = vendor_invoice([order], name="invoice-vdberg-quantity-en", number="VDB-INV-25-0466", issued="2025-03-19", layout="modern", language="en")
    docs.append(_summary(seed_quantity(spec, 2, 48), "Bills 48 L of cream where 60 L were ordered and received."))

    order = ledger.purchase("hansa", [Item("DRY-RICE-10", 30), Item("DRY-PASTA-5", 20, packaging="CS")], ordered="2025-03-12 09:30")
    ledger.receive(order, done="2025-03-19 08:00")
    spec = vendor_invoice([order], name="invoice-hansa-price-de", number="RE-2025-03301", issued="2025-03-20", layout="classic", language="de")
    docs.append(_summary(seed_price(spec, 1, 19.90), "Rice billed at 19,90 where the order says 18,40."))

    order = ledger.purchase("greenline", [Item("DSP-FOIL-30", 24), Item("DSP-CUP-300", 100)], ordered="2025-03-12 11:00")
    ledger.receive(order, done="2025-03-20 09:45")
    spec = vendor_invoice([order], name="invoice-greenline-uom-en", number="GL-INV-88190", issued="2025-03-20", layout="din", language="en")
    docs.append(_summary(seed_unit(spec, 1, "CS"), "Bills 24 CS (288 rolls) where the order said 24 units."))

    order = ledger.purchase("hansa", [Item("DRY-FLOUR-25", 80, packaging="PAL"), Item("DRY-RICE-10", 10)], ordered="2025-03-13 07:15")
    ledger.receive(order, {"DRY-FLOUR-25": 50, "DRY-RICE-10": 10}, done="2025-03-20 06:40")
    spec = vendor_invoice([order], name="invoice-hansa-exceeds-received-de", number="RE-2025-03322", issued="2025-03-21", layout="modern", language="de", quantities={"DRY-FLOUR-25": 80, "DRY-RICE-10": 10})
    docs.append(_summary(expect(spec, "billed_exceeds_received", 1), "Bills all 80 sacks ordered; only 50 arrived (30 on backorder)."))

    order = ledger.purchase("alpquell", [Item("BEV-WATER-075", 960, packaging="PAL"), Item("BEV-APPLE-1L", 120, packaging="CS")], ordered="2025-03-14 10:20")
    ledger.receive(order, done="2025-03-21 11:00")
    spec = vendor_invoice([order], name="invoice-alpquell-total-de", number="AQ-2025-1043", issued="2025-03-21", layout="din", language="de")
    docs.append(_summary(seed_total(spec, 100.0), "Lines agree with the order, but the printed total is 100,00 too high."))

    order = ledger.purchase("hansa", [Item("DRY-SUGAR", 500), Item("DRY-SALT-1", 48, packaging="CS")], ordered="2025-03-17 08:40")
    ledger.receive(order, done="2025-03-24 07:20")
    spec = vendor_invoice([order], name="invoice-hansa-tax-de", number="RE-2025-03390", issued="2025-03-24", layout="classic", language="de")
    docs.append(_summary(seed_tax_rate(spec, 0.19), "Food billed with 19 % VAT where the order lines carry 7 %."))

    order = ledger.purchase("vdberg", [Item("DAI-GOUDA", 24), Item("DAI-BUTTER-250", 200, packaging="CS")], ordered="2025-03-17 09:00")
    ledger.receive(order, done="2025-03-24 07:50")
    spec = vendor_invoice([order], name="invoice-vdberg-currency-en", number="VDB-INV-25-0501", issued="2025-03-25", layout="classic", language="en")
    docs.append(_summary(seed_currency(spec, "USD"), "Same amounts as the EUR order, but the invoice is in USD."))

    order = ledger.purchase("greenline", [Item("DSP-NAPKIN-33", 80, packaging="CT"), Item("DSP-CUP-300", 300)], ordered="2025-03-18 12:10")
    ledger.receive(order, done="2025-03-25 10:30")
    spec = vendor_invoice([order], name="invoice-greenline-duplicate-en", number="GL-INV-88213", issued="2025-03-25", layout="modern", language="en")
    docs.append(_summary(seed_duplicate(spec, ledger, order), "Invoice GL-INV-88213 is already booked in Odoo as a vendor bill."))

    order = ledger.purchase("hansa", [Item("DRY-PASTA-5", 30, packaging="CS"), Item("DRY-RICE-10", 10)], ordered="2025-03-19 07:30")
    ledger.receive(order, done="2025-03-26 06:45")
    spec = vendor_invoice([order], name="invoice-hansa-unknown-product-de", number="RE-2025-03415", issued="2025-03-26", layout="din", language="de")
    docs.append(_summary(seed_unknown_product(spec, PrintedLine("HT-49990", "Linsen Beluga 5 kg", 6, "Stk", 12.40, 74.40, 0.07)),
                         "A line with vendor code HT-49990, which no product carries."))

    order = ledger.purchase("vdberg", [Item("DAI-CREAM-1L", 40)], ordered="2025-03-19 10:00")
    ledger.receive(order, done="2025-03-26 08:10")
    spec = vendor_invoice([order], name="invoice-vdberg-line-not-on-order-en", number="VDB-INV-25-0522", issued="2025-03-27", layout="din", language="en")
    docs.append(_summary(seed_line_not_on_order(spec, PrintedLine("VDB-2250", "Butter 250 g block", 80, "EA", 1.62, 129.60, 0.0)),
                         "Adds 80 butter, a known product that this order does not contain."))

    lines = [PrintedLine("HT-43305", "Weiße Bohnen 5 kg", 12, "Stk", 8.10, 97.20, 0.07), PrintedLine("HT-44205", "Couscous mittel 5 kg", 8, "Stk", 7.10, 56.80, 0.07)]
    spec = unordered_invoice(PARTNER_BY_KEY["hansa"], lines, name="invoice-hansa-order-not-found-de", number="RE-2025-03460", issued="2025-03-28", layout="classic", language="de")
    docs.append(_summary(seed_unknown_order(spec, "P00399"), "Cites P00399, which does not exist; no open order has these products."))

    lines = [PrintedLine("GL-3300", "Paper cup 12oz/300ml (50)", 60, "EA", 2.65, 159.00, 0.0)]
    spec = unordered_invoice(PARTNER_BY_KEY["greenline"], lines, name="invoice-greenline-partner-mismatch-en", number="GL-INV-88240", issued="2025-03-28", layout="classic", language="en")
    docs.append(_summary(seed_other_partners_order(spec, vdberg_quantity_order), f"Greenline cites {vdberg_quantity_order.name}, an order placed with Van der Berg."))

    order = ledger.purchase("vdberg", [Item("DAI-EGG-L", 20, uom_id=DOZENS_ID), Item("DAI-BUTTER-250", 120, packaging="CS")], ordered="2025-03-24 08:30")
    ledger.receive(order, done="2025-03-28 07:00")
    spec = vendor_invoice([order], name="invoice-vdberg-date-en", number="VDB-INV-25-0547", issued="2025-03-28", layout="modern", language="en")
    docs.append(_summary(seed_date(spec, -45), "Dated 45 days before the order it bills."))

    # Credit notes for goods sent back.
    order = ledger.purchase("vdberg", [Item("DAI-BUTTER-250", 400, packaging="CS")], ordered="2025-02-17 08:00")
    receipt = ledger.receive(order, done="2025-02-24 07:30")
    ledger.bill(order, ref="VDB-INV-25-0388", invoice_date="2025-02-25")
    returned = ledger.return_to_vendor(receipt, {"DAI-BUTTER-250": 40}, done="2025-02-26 09:00")
    docs.append(_summary(vendor_credit_note(order, returned, name="credit-note-vdberg-clean-en", number="VDB-CN-25-0031", issued="2025-03-03", layout="classic", language="en", credited_invoice="VDB-INV-25-0388"),
                         "Clean credit for the 40 butter returned."))

    order = ledger.purchase("hansa", [Item("DRY-RICE-10", 40)], ordered="2025-02-18 09:15")
    receipt = ledger.receive(order, done="2025-02-25 07:05")
    ledger.bill(order, ref="RE-2025-02987", invoice_date="2025-02-26")
    returned = ledger.return_to_vendor(receipt, {"DRY-RICE-10": 5}, done="2025-03-04 10:30")
    spec = vendor_credit_note(order, returned, name="credit-note-hansa-price-de", number="GS-2025-0144", issued="2025-03-06", layout="din", language="de", credited_invoice="RE-2025-02987")
    docs.append(_summary(seed_price(spec, 1, 17.90), "Credits the 5 sacks returned at 17,90 where they were bought and billed at 18,40."))

    order = ledger.purchase("greenline", [Item("DSP-CUP-300", 400)], ordered="2025-02-20 14:00")
    receipt = ledger.receive(order, done="2025-02-27 09:40")
    ledger.bill(order, ref="GL-INV-87950", invoice_date="2025-02-27")
    returned = ledger.return_to_vendor(receipt, {"DSP-CUP-300": 100}, done="2025-03-05 11:20")
    spec = vendor_credit_note(order, returned, name="credit-note-greenline-quantity-en", number="GL-CN-4410", issued="2025-03-07", layout="modern", language="en", credited_invoice="GL-INV-87950", negative=True)
    docs.append(_summary(seed_quantity(spec, 1, 60), "Credits 60 cups where 100 were returned; printed with minus signs."))

    # A delivery note that claims more than was counted at the dock.
    order = ledger.purchase("greenline", [Item("DSP-CUP-300", 500), Item("DSP-NAPKIN-33", 24, packaging="CT")], ordered="2025-03-20 10:00")
    receipt = ledger.receive(order, {"DSP-CUP-300": 450, "DSP-NAPKIN-33": 24}, done="2025-03-27 08:15")
    spec = vendor_delivery_note(receipt, name="delivery-note-greenline-quantity-en", number="GL-DN-30218", layout="din", language="en")
    docs.append(_summary(seed_quantity(spec, 1, 500), "Says 500 cups delivered; the receipt counted 450 (50 on backorder)."))
    return docs


def _sales(ledger: Ledger) -> list[DocumentSpec]:
    docs: list[DocumentSpec] = []

    # Customers' purchase orders against the sale orders entered from them.
    order = ledger.sell("rheinblick", [Item("DRY-RICE-10", 10), Item("DRY-FLOUR-25", 5), Item("DAI-BUTTER-250", 80, packaging="CS"), Item("DAI-CREAM-1L", 24)], ordered="2025-03-03 10:30", client_order_ref="BE-2025-0117", commitment="2025-03-07 06:00")
    docs.append(_summary(customer_purchase_order(order, name="customer-po-rheinblick-clean-de", issued="2025-03-03", layout="din", language="de"),
                         "Clean customer order; matched through the customer's reference on the sale order."))

    order = ledger.sell("canalhouse", [Item("DAI-GOUDA", 12), Item("DAI-BUTTER-250", 40, packaging="CS"), Item("DAI-EGG-L", 180)], ordered="2025-03-06 09:00", client_order_ref="CHB-PO-5521", commitment="2025-03-11 07:00")
    spec = customer_purchase_order(order, name="customer-po-canalhouse-price-en", issued="2025-03-05", layout="classic", language="en")
    docs.append(_summary(seed_price(spec, 2, 2.29), "The customer expects butter at 2.29; the sale order says 2.49."))

    order = ledger.sell("westpark", [Item("BEV-WATER-075", 480, packaging="CS"), Item("BEV-APPLE-1L", 120, packaging="CS"), Item("DSP-NAPKIN-33", 40, packaging="CT"), Item("DSP-CUP-300", 200)], ordered="2025-03-10 08:15", client_order_ref="KW-4471", commitment="2025-03-14 05:30")
    spec = customer_purchase_order(order, name="customer-po-westpark-line-missing-de", issued="2025-03-10", layout="modern", language="de")
    docs.append(_summary(seed_missing_line(spec, 3), "The sale order has napkins that the customer's order does not list."))

    order = ledger.sell("alpenblick", [Item("BEV-WATER-075", 240, packaging="CS"), Item("DRY-PASTA-5", 20, packaging="CS")], ordered="2025-03-12 13:40", client_order_ref="GA-0325-09", commitment="2025-03-18 08:00")
    spec = customer_purchase_order(order, name="customer-po-alpenblick-quantity-de", issued="2025-03-12", layout="classic", language="de")
    docs.append(_summary(seed_quantity(spec, 2, 24), "The customer ordered 24 bags of penne; the sale order says 20."))

    # Bills of lading from the carriers against outgoing deliveries.
    order = ledger.sell("rheinblick", [Item("BEV-WATER-075", 4800, packaging="PAL"), Item("BEV-APPLE-1L", 600, packaging="PAL")], ordered="2025-03-13 09:00", client_order_ref="BE-2025-0131")
    delivery = ledger.deliver(order, done="2025-03-17 05:45", carrier="speedline", tracking_ref="SPL-7781-2290")
    docs.append(_summary(bill_of_lading(delivery, name="bill-of-lading-rheinblick-clean-de", number="FB-25-030917", layout="din", language="de"),
                         "Clean: 10 pallets of water and 1 of juice, as delivered."))

    order = ledger.sell("canalhouse", [Item("DSP-CUP-300", 960, packaging="PAL"), Item("DSP-NAPKIN-33", 80, packaging="CT")], ordered="2025-03-14 11:20", client_order_ref="CHB-PO-5560")
    delivery = ledger.deliver(order, done="2025-03-18 06:30", carrier="northsea", tracking_ref="NSF-552910")
    docs.append(_summary(bill_of_lading(delivery, name="bill-of-lading-canalhouse-clean-en", number="NSF-BL-25-0318", layout="classic", language="en"),
                         "Clean: 2 pallets of cups and 10 cartons of napkins."))

    order = ledger.sell("westpark", [Item("BEV-WATER-075", 19200, packaging="PAL")], ordered="2025-03-17 07:30", client_order_ref="KW-4502")
    delivery = ledger.deliver(order, done="2025-03-20 05:10", carrier="speedline", tracking_ref="SPL-7781-2417")
    spec = bill_of_lading(delivery, name="bill-of-lading-westpark-short-en", number="FB-25-032044", layout="modern", language="en")
    docs.append(_summary(seed_quantity(spec, 1, 38), "The carrier took 38 pallets; the delivery order shipped 40."))

    # Proofs of delivery signed by the customer.
    order = ledger.sell("alpenblick", [Item("BEV-APPLE-1L", 288, packaging="CS"), Item("DRY-PASTA-5", 16, packaging="CS")], ordered="2025-03-18 10:00", client_order_ref="GA-0325-14")
    delivery = ledger.deliver(order, done="2025-03-20 06:00", carrier="speedline", tracking_ref="SPL-7781-2450")
    spec = proof_of_delivery(delivery, name="proof-of-delivery-alpenblick-damaged-de", number="AN-25-11820", delivered="2025-03-21", layout="classic", language="de")
    docs.append(_summary(seed_damage(spec, 1, 2, "2 Kt. beschädigt"), "The consignee noted two damaged cartons of juice."))

    order = ledger.sell("canalhouse", [Item("DAI-BUTTER-250", 160, packaging="CS"), Item("DAI-GOUDA", 24)], ordered="2025-03-19 08:45", client_order_ref="CHB-PO-5581")
    delivery = ledger.deliver(order, done="2025-03-21 05:20", carrier="northsea", tracking_ref="NSF-553377")
    docs.append(_summary(proof_of_delivery(delivery, name="proof-of-delivery-canalhouse-clean-en", number="POD-553377", delivered="2025-03-22", layout="modern", language="en"),
                         "Clean proof of delivery: everything arrived."))

    order = ledger.sell("rheinblick", [Item("BEV-WATER-075", 240, packaging="CS"), Item("DAI-CREAM-1L", 36)], ordered="2025-03-20 09:30", client_order_ref="BE-2025-0144")
    delivery = ledger.deliver(order, done="2025-03-24 05:50", carrier="speedline", tracking_ref="SPL-7781-2533")
    spec = proof_of_delivery(delivery, name="proof-of-delivery-rheinblick-short-de", number="AN-25-12004", delivered="2025-03-24", layout="din", language="de")
    docs.append(_summary(seed_shortage(spec, 1, 18, "2 Kt. fehlen"), "Two of 20 cases of water never arrived."))
    return docs


def _references(ledger: Ledger) -> list[DocumentSpec]:
    """Clean invoices that cite their orders, or print their items, in other ways."""
    docs: list[DocumentSpec] = []

    # One invoice for two orders of the same vendor.
    first = ledger.purchase("hansa", [Item("DRY-OATS-5", 12), Item("DRY-POLENTA-5", 8)], ordered="2025-03-24 08:00")
    second = ledger.purchase("hansa", [Item("DRY-SEMOLINA-10", 6), Item("DRY-CRUMBS-5", 10), Item("DRY-STARCH-2", 12)], ordered="2025-03-25 08:30")
    ledger.receive(first, done="2025-03-28 06:30")
    ledger.receive(second, done="2025-03-28 06:45")
    docs.append(_summary(vendor_invoice([first, second], name="invoice-hansa-two-orders-de", number="RE-2025-03502", issued="2025-03-31", layout="modern", language="de"),
                         f"Clean: one invoice for {first.name} and {second.name}, cited together."))

    # A reference with a suffix the vendor adds for a partial shipment.
    order = ledger.purchase("vdberg", [Item("DAI-GOUDA", 60), Item("DAI-CREAM-1L", 24)], ordered="2025-03-26 09:00")
    ledger.receive(order, done="2025-04-01 07:15")
    spec = vendor_invoice([order], name="invoice-vdberg-reference-suffix-en", number="VDB-INV-25-0590", issued="2025-04-02", layout="din", language="en")
    spec.po_reference = f"{order.name}-A"
    docs.append(_summary(spec, f"Clean: cites {order.name}-A, the vendor's suffix for the first shipment of {order.name}."))

    # A vendor that prints the buyer's own item codes instead of its own.
    order = ledger.purchase("alpquell", [Item("BEV-WATER-075", 480, packaging="CS"), Item("BEV-APPLE-1L", 60, packaging="CS")], ordered="2025-03-26 11:30")
    ledger.receive(order, done="2025-04-02 09:00")
    spec = vendor_invoice([order], name="invoice-alpquell-buyer-codes-de", number="AQ-2025-1107", issued="2025-04-02", layout="classic", language="de")
    for printed, line in zip(spec.lines, order.lines, strict=True):
        printed.code = line.product.default_code
    docs.append(_summary(spec, "Clean: the lines carry Brennholt's own item codes, not Alpquell's."))

    # Kilograms billed where the order counted pounds.
    order = ledger.purchase("prairie", [Item("NUT-PECAN", 200, uom_id=LB_ID)], ordered="2025-03-03 15:00", planned="2025-03-31 12:00")
    ledger.receive(order, done="2025-04-01 08:00")
    spec = vendor_invoice([order], name="invoice-prairie-kg-for-lb-en", number="PNC-21077", issued="2025-04-01", layout="modern", language="en")
    docs.append(_summary(seed_unit(spec, 1, "KG"), "Bills 200 KG of pecans where the order and the receipt say 200 lb."))
    return docs


def _summary(spec: DocumentSpec, text: str) -> DocumentSpec:
    spec.summary = text
    return spec


SCENARIOS: list[Scenario] = [_invoices_and_notes, _sales, _references]


def build_demo() -> tuple[Ledger, list[DocumentSpec]]:
    """Book every scenario into a fresh ledger and return it with the documents."""
    ledger = Ledger()
    documents: list[DocumentSpec] = []
    for scenario in SCENARIOS:
        documents.extend(scenario(ledger))
    return ledger, documents
