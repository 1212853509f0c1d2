"""The master data of the fictional demo distributor, Brennholt Foodservice GmbH.

Brennholt is an invented food-service wholesaler in Frankfurt am Main (company
currency EUR, time zone Europe/Berlin). It buys dry goods, dairy, beverages,
disposables and nuts from five vendors and sells to hotels, canteens and bistros. Every
name, address, e-mail domain (`.example`), VAT number and barcode here is made up; VAT
numbers and barcodes carry valid check digits so that validators accept them.

The records mirror what an Odoo 17 database holds: units of measure with their real
17.0 factors, products with a sales and a purchase unit, packagings (cases, cartons,
pallets) and the vendors' own product codes (`product.supplierinfo`).
`docmatch.demo.ledger` adds orders, pickings and bills on top of these, and
`docmatch.demo.odoo17` writes everything out in `search_read` shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class UomCategory:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Unit:
    """An Odoo 16-18 unit of measure: 1 reference unit = `factor` of this unit."""

    id: int
    name: str
    category_id: int
    factor: float
    uom_type: str
    rounding: float = 0.01
    active: bool = True

    @property
    def ratio(self) -> float:
        """How many reference units one of this unit is (Dozens: 12, g: 0.001)."""
        return 1.0 / self.factor


@dataclass(frozen=True, slots=True)
class Tax:
    id: int
    name: str
    amount: float
    type_tax_use: str
    description: str


@dataclass(frozen=True, slots=True)
class Country:
    id: int
    name: str
    code: str


@dataclass(frozen=True, slots=True)
class Partner:
    """A company or contact; `key` is the short name scenarios use."""

    id: int
    key: str
    name: str
    street: str
    zip: str
    city: str
    country: Country
    vat: str | None
    email: str
    lang: str
    role: str  # "company", "vendor", "customer", "carrier" or "contact"
    ref: str | None = None
    phone: str | None = None
    parent_id: int | None = None
    currency: str = "EUR"
    tz: str = "Europe/Berlin"

    @property
    def address_lines(self) -> list[str]:
        return [self.street, f"{self.zip} {self.city}", self.country.name]


@dataclass(frozen=True, slots=True)
class Packaging:
    """A `product.packaging`: `qty` product units in one package."""

    id: int
    name: str
    qty: float
    barcode: str | None
    code: str  # the unit code a printed document uses for it: CS, CT, PAL


@dataclass(frozen=True, slots=True)
class VendorItem:
    """A vendor's code, name and price for a product (`product.supplierinfo`)."""

    id: int
    vendor: str
    code: str
    name: str
    price: float
    currency: str = "EUR"
    min_qty: float = 0.0


@dataclass(slots=True)
class Product:
    id: int
    template_id: int
    default_code: str
    name: str
    barcode: str
    category_id: int
    uom_id: int
    uom_po_id: int
    list_price: float
    standard_price: float
    sale_tax: int
    purchase_tax: int
    weight: float  # kg per product unit
    packagings: list[Packaging] = field(default_factory=list)
    vendor_items: list[VendorItem] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return f"[{self.default_code}] {self.name}"

    def vendor_item(self, vendor: str) -> VendorItem:
        for item in self.vendor_items:
            if item.vendor == vendor:
                return item
        raise KeyError(f"{self.default_code} has no vendor item for {vendor}")

    def packaging(self, code: str) -> Packaging:
        for packaging in self.packagings:
            if packaging.code == code:
                return packaging
        raise KeyError(f"{self.default_code} has no packaging {code}")


@dataclass(frozen=True, slots=True)
class Category:
    id: int
    complete_name: str


def ean13(stem: str) -> str:
    """Return the 13-digit EAN for a 12-digit stem, with its check digit."""
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(stem))
    return stem + str((10 - total % 10) % 10)


GERMANY = Country(57, "Germany", "DE")
NETHERLANDS = Country(165, "Netherlands", "NL")
AUSTRIA = Country(13, "Austria", "AT")
IRELAND = Country(102, "Ireland", "IE")
UNITED_STATES = Country(233, "United States", "US")

# --- units of measure: the Odoo 17.0 data of the uom module --------------------------

UOM_CATEGORIES = [
    UomCategory(1, "Unit"),
    UomCategory(2, "Weight"),
    UomCategory(3, "Working Time"),
    UomCategory(4, "Length / Distance"),
    UomCategory(5, "Surface"),
    UomCategory(6, "Volume"),
]

UNITS = [
    Unit(1, "Units", 1, 1.0, "reference"),
    Unit(2, "Dozens", 1, 1.0 / 12.0, "bigger"),
    Unit(3, "kg", 2, 1.0, "reference"),
    Unit(4, "g", 2, 1000.0, "smaller"),
    Unit(5, "Days", 3, 1.0, "reference"),
    Unit(6, "Hours", 3, 8.0, "smaller"),
    Unit(7, "t", 2, 0.001, "bigger"),
    Unit(8, "m", 4, 1.0, "reference"),
    Unit(9, "km", 4, 0.001, "bigger"),
    Unit(10, "cm", 4, 100.0, "smaller"),
    Unit(11, "L", 6, 1.0, "reference"),
    Unit(12, "lb", 2, 2.20462, "smaller"),
    Unit(13, "oz", 2, 35.274, "smaller"),
    Unit(14, "m²", 5, 1.0, "reference"),
]
UNIT_BY_ID = {unit.id: unit for unit in UNITS}
UNITS_ID, DOZENS_ID, KG_ID, G_ID, L_ID, LB_ID, M_ID = 1, 2, 3, 4, 11, 12, 8

# --- taxes ----------------------------------------------------------------------------

TAXES = [
    Tax(1, "19%", 19.0, "sale", "19% USt."),
    Tax(2, "7%", 7.0, "sale", "7% USt."),
    Tax(3, "19%", 19.0, "purchase", "19% VSt."),
    Tax(4, "7%", 7.0, "purchase", "7% VSt."),
    Tax(5, "0% EU G", 0.0, "purchase", "Innergemeinschaftlicher Erwerb"),
    Tax(6, "0% Import", 0.0, "purchase", "Einfuhr (Drittland)"),
]
TAX_BY_ID = {tax.id: tax for tax in TAXES}

# --- partners -------------------------------------------------------------------------

COMPANY = Partner(1, "brennholt", "Brennholt Foodservice GmbH", "Hanauer Landstraße 301", "60314", "Frankfurt am Main", GERMANY, "DE204681399", "einkauf@brennholt-foodservice.example", "de_DE", "company", phone="+49 69 555 0140")

PARTNERS = [
    COMPANY,
    Partner(7, "hansa", "Hansa Trockenwaren GmbH", "Am Speicherhafen 12", "20457", "Hamburg", GERMANY, "DE188365213", "rechnung@hansa-trockenwaren.example", "de_DE", "vendor", ref="V-1007"),
    Partner(8, "vdberg", "Van der Berg Zuivel B.V.", "Kaasmarkt 4", "2801 AB", "Gouda", NETHERLANDS, "NL855209136B01", "invoices@vdberg-zuivel.example", "en_US", "vendor", ref="V-1008"),
    Partner(9, "alpquell", "Alpquell Getränke GmbH", "Quellenweg 9", "6020", "Innsbruck", AUSTRIA, "ATU64182752", "faktura@alpquell.example", "de_DE", "vendor", ref="V-1009"),
    Partner(10, "greenline", "Greenline Packaging Ltd", "Unit 5, Harbour Business Park", "T12 X7PK", "Cork", IRELAND, "IE6388047V", "accounts@greenline-packaging.example", "en_US", "vendor", ref="V-1010"),
    Partner(11, "prairie", "Prairie Nut Company Inc.", "410 Orchard Road", "76401", "Stephenville, TX", UNITED_STATES, None, "billing@prairie-nuts.example", "en_US", "vendor", ref="V-1011", currency="USD", tz="America/Chicago"),
    Partner(20, "rheinblick", "Hotel Rheinblick GmbH", "Rheinzollstraße 8", "56068", "Koblenz", GERMANY, "DE291740355", "einkauf@hotel-rheinblick.example", "de_DE", "customer", ref="C-2020"),
    Partner(21, "westpark", "Kantine Westpark GmbH", "Westparkallee 120", "40221", "Düsseldorf", GERMANY, "DE147602306", "bestellung@kantine-westpark.example", "de_DE", "customer", ref="C-2021"),
    Partner(22, "canalhouse", "Canal House Bistro B.V.", "Prinsengracht 512", "1017 KH", "Amsterdam", NETHERLANDS, "NL860334107B01", "orders@canalhouse-bistro.example", "en_US", "customer", ref="C-2022"),
    Partner(23, "alpenblick", "Gasthof Alpenblick KG", "Dorfplatz 3", "6370", "Kitzbühel", AUSTRIA, "ATU57391021", "kueche@gasthof-alpenblick.example", "de_DE", "customer", ref="C-2023"),
    Partner(30, "speedline", "Speedline Logistik GmbH", "Cargo City Süd 551", "60549", "Frankfurt am Main", GERMANY, "DE261438586", "dispo@speedline-logistik.example", "de_DE", "carrier"),
    Partner(31, "northsea", "NorthSea Freight B.V.", "Waalhaven Z.z. 40", "3089 JH", "Rotterdam", NETHERLANDS, "NL812345678B01", "ops@northsea-freight.example", "en_US", "carrier"),
    Partner(40, "hansa-contact", "Petra Lange", "Am Speicherhafen 12", "20457", "Hamburg", GERMANY, None, "p.lange@hansa-trockenwaren.example", "de_DE", "contact", parent_id=7),
    Partner(41, "vdberg-contact", "Joost de Wit", "Kaasmarkt 4", "2801 AB", "Gouda", NETHERLANDS, None, "j.dewit@vdberg-zuivel.example", "en_US", "contact", parent_id=8),
]
PARTNER_BY_KEY = {partner.key: partner for partner in PARTNERS}
PARTNER_BY_ID = {partner.id: partner for partner in PARTNERS}

# Carriers as `delivery.carrier` records (module stock_delivery in 17).
CARRIERS = {"speedline": (1, "Speedline Road Freight"), "northsea": (2, "NorthSea Groupage")}

# --- products -------------------------------------------------------------------------

CATEGORIES = [
    Category(1, "All"),
    Category(4, "All / Food / Dry goods"),
    Category(5, "All / Food / Dairy"),
    Category(6, "All / Beverages"),
    Category(7, "All / Disposables"),
    Category(8, "All / Food / Nuts"),
]


# Further dry goods of Hansa Trockenwaren: code, name, Hansa's name, Hansa's code, cost, kg.
_MORE_DRY_GOODS = [
    ("DRY-LENTIL-5", "Red Lentils 5 kg", "Rote Linsen 5 kg", "HT-43105", 8.90, 5.1),
    ("DRY-CHICKPEA-5", "Chickpeas, dried, 5 kg", "Kichererbsen getrocknet 5 kg", "HT-43205", 7.60, 5.1),
    ("DRY-BEANS-5", "White Beans, dried, 5 kg", "Weiße Bohnen 5 kg", "HT-43305", 8.10, 5.1),
    ("DRY-OATS-5", "Rolled Oats 5 kg", "Haferflocken zart 5 kg", "HT-44005", 6.20, 5.1),
    ("DRY-POLENTA-5", "Polenta 5 kg", "Maisgrieß Polenta 5 kg", "HT-44105", 6.95, 5.1),
    ("DRY-COUSCOUS-5", "Couscous 5 kg", "Couscous mittel 5 kg", "HT-44205", 7.10, 5.1),
    ("DRY-SEMOLINA-10", "Durum Wheat Semolina 10 kg", "Hartweizengrieß 10 kg", "HT-44310", 11.40, 10.2),
    ("DRY-CRUMBS-5", "Breadcrumbs 5 kg", "Paniermehl 5 kg", "HT-44405", 6.60, 5.1),
    ("DRY-STARCH-2", "Corn Starch 2.5 kg", "Maisstärke 2,5 kg", "HT-44525", 4.85, 2.6),
    ("DRY-JASMINE-10", "Jasmine Rice 10 kg", "Jasminreis 10 kg", "HT-40130", 19.80, 10.2),
    ("DRY-SPAGHETTI-5", "Spaghetti 5 kg", "Spaghetti Nr. 5, 5 kg", "HT-41010", 6.90, 5.1),
    ("DRY-FUSILLI-5", "Fusilli 5 kg", "Fusilli 5 kg Beutel", "HT-41030", 7.20, 5.1),
    ("DRY-FARFALLE-5", "Farfalle 5 kg", "Farfalle 5 kg Beutel", "HT-41040", 7.45, 5.1),
    ("DRY-LASAGNE-5", "Lasagne Sheets 5 kg", "Lasagneplatten 5 kg", "HT-41060", 8.30, 5.1),
    ("DRY-BULGUR-5", "Bulgur 5 kg", "Bulgur grob 5 kg", "HT-43405", 6.75, 5.1),
    ("DRY-QUINOA-5", "Quinoa white 5 kg", "Quinoa weiß 5 kg", "HT-43505", 21.90, 5.1),
    ("DRY-RAISINS-2", "Raisins 2 kg", "Sultaninen 2 kg", "HT-45020", 7.80, 2.1),
    ("DRY-COCOA-1", "Cocoa Powder 1 kg", "Kakaopulver schwach entölt 1 kg", "HT-45110", 9.40, 1.05),
    ("DRY-YEAST-500", "Dry Yeast 500 g", "Trockenhefe 500 g", "HT-45205", 3.95, 0.52),
    ("DRY-VINEGAR-5L", "White Wine Vinegar 5 L", "Weißweinessig 5 l Kanister", "HT-46005", 5.60, 5.3),
    ("DRY-OIL-10L", "Sunflower Oil 10 L", "Sonnenblumenöl 10 l Kanister", "HT-46110", 17.90, 9.4),
]


def _products() -> list[Product]:
    rows = [
        # id, tmpl, code, name, ean stem, categ, uom, po uom, list, cost, sale tax, purchase tax, kg/unit
        (14, 10, "DRY-RICE-10", "Basmati Rice 10 kg Sack", "400638133201", 4, UNITS_ID, UNITS_ID, 27.90, 18.40, 2, 4, 10.2),
        (15, 11, "DRY-FLOUR-25", "Wheat Flour Type 405, 25 kg Sack", "400638133202", 4, UNITS_ID, UNITS_ID, 21.50, 14.90, 2, 4, 25.3),
        (16, 12, "DRY-PASTA-5", "Penne Rigate 5 kg Bag", "400638133203", 4, UNITS_ID, UNITS_ID, 10.90, 7.35, 2, 4, 5.1),
        (17, 13, "DRY-SUGAR", "Granulated Sugar, bulk", "400638133204", 4, KG_ID, KG_ID, 1.45, 0.98, 2, 4, 1.0),
        (18, 14, "DRY-SALT-1", "Sea Salt 1 kg", "400638133205", 4, UNITS_ID, UNITS_ID, 1.79, 1.15, 2, 4, 1.02),
        (19, 15, "DAI-GOUDA", "Gouda Cheese, young, wheel", "871234500011", 5, KG_ID, KG_ID, 11.40, 7.85, 2, 5, 1.0),
        (20, 16, "DAI-BUTTER-250", "Butter 250 g", "871234500012", 5, UNITS_ID, UNITS_ID, 2.49, 1.62, 2, 5, 0.26),
        (21, 17, "DAI-CREAM-1L", "Cream 32% fat", "871234500013", 5, L_ID, L_ID, 4.20, 2.95, 2, 5, 1.03),
        (22, 18, "DAI-EGG-L", "Free-range Eggs size L", "871234500014", 5, UNITS_ID, DOZENS_ID, 0.39, 0.26, 2, 5, 0.068),
        (23, 19, "BEV-WATER-075", "Mineral Water still 0.75 L glass", "912345600021", 6, UNITS_ID, UNITS_ID, 0.99, 0.62, 1, 5, 1.25),
        (24, 20, "BEV-APPLE-1L", "Apple Juice naturally cloudy 1 L", "912345600022", 6, UNITS_ID, UNITS_ID, 1.69, 1.05, 2, 5, 1.1),
        (25, 21, "DSP-FOIL-30", "Aluminium Foil 30 cm x 150 m", "539123400031", 7, UNITS_ID, UNITS_ID, 14.90, 9.80, 1, 5, 1.4),
        (26, 22, "DSP-NAPKIN-33", "Napkins 33 x 33 cm, 2-ply, pack of 250", "539123400032", 7, UNITS_ID, UNITS_ID, 5.20, 3.40, 1, 5, 0.9),
        (27, 23, "DSP-CUP-300", "Paper Cup 300 ml, sleeve of 50", "539123400033", 7, UNITS_ID, UNITS_ID, 4.10, 2.65, 1, 5, 0.45),
        (28, 24, "NUT-PECAN", "Pecan Halves", "003456700041", 8, KG_ID, LB_ID, 16.90, 10.15, 2, 6, 1.0),
        (29, 25, "NUT-WALNUT", "Walnut Kernels, light halves", "003456700042", 8, KG_ID, LB_ID, 13.50, 8.40, 2, 6, 1.0),
    ]
    products = [
        Product(pid, tmpl, code, name, ean13(stem), categ, uom, po_uom, list_price, cost, sale_tax, purchase_tax, weight)
        for pid, tmpl, code, name, stem, categ, uom, po_uom, list_price, cost, sale_tax, purchase_tax, weight in rows
    ]
    for offset, (code, name, _vendor_name, _vendor_code, cost, weight) in enumerate(_MORE_DRY_GOODS):
        pid = 30 + offset
        products.append(Product(pid, pid - 4, code, name, ean13(f"4006381332{10 + offset:02d}"), 4, UNITS_ID, UNITS_ID, round(cost * 1.45, 2), cost, 2, 4, weight))
    by_code = {product.default_code: product for product in products}

    packagings = [
        # product, id, name, qty, unit code
        ("DRY-RICE-10", 1, "Pallet (60 sacks)", 60, "PAL"),
        ("DRY-FLOUR-25", 2, "Pallet (40 sacks)", 40, "PAL"),
        ("DRY-PASTA-5", 3, "Case of 4", 4, "CS"),
        ("DRY-SALT-1", 4, "Case of 12", 12, "CS"),
        ("DAI-BUTTER-250", 5, "Case of 40", 40, "CS"),
        ("DAI-EGG-L", 6, "Tray of 30", 30, "TRAY"),
        ("BEV-WATER-075", 7, "Case of 12", 12, "CS"),
        ("BEV-WATER-075", 8, "Pallet (40 cases)", 480, "PAL"),
        ("BEV-APPLE-1L", 9, "Case of 6", 6, "CS"),
        ("BEV-APPLE-1L", 10, "Pallet (100 cases)", 600, "PAL"),
        ("DSP-FOIL-30", 11, "Case of 12", 12, "CS"),
        ("DSP-NAPKIN-33", 12, "Carton of 8", 8, "CT"),
        ("DSP-CUP-300", 13, "Carton of 20 sleeves", 20, "CT"),
        ("DSP-CUP-300", 14, "Pallet (24 cartons)", 480, "PAL"),
    ]
    for code, pid, name, qty, unit_code in packagings:
        product = by_code[code]
        barcode = None if unit_code == "PAL" else ean13("1" + product.barcode[1:12])
        product.packagings.append(Packaging(pid, name, qty, barcode, unit_code))

    vendor_items = [
        # product, id, vendor, vendor code, vendor name, price (in the vendor's purchase unit)
        ("DRY-RICE-10", 1, "hansa", "HT-40110", "Basmati Reis 10 kg Sack", 18.40),
        ("DRY-FLOUR-25", 2, "hansa", "HT-40220", "Weizenmehl Type 405 25 kg", 14.90),
        ("DRY-PASTA-5", 3, "hansa", "HT-41050", "Penne Rigate 5 kg Beutel", 7.35),
        ("DRY-SUGAR", 4, "hansa", "HT-42001", "Kristallzucker lose", 0.98),
        ("DRY-SALT-1", 5, "hansa", "HT-42510", "Meersalz 1 kg", 1.15),
        ("DAI-GOUDA", 6, "vdberg", "VDB-1120", "Young Gouda wheel approx. 12 kg", 7.85),
        ("DAI-BUTTER-250", 7, "vdberg", "VDB-2250", "Butter 250 g block", 1.62),
        ("DAI-CREAM-1L", 8, "vdberg", "VDB-3010", "Cream 32% 1 L carton", 2.95),
        ("DAI-EGG-L", 9, "vdberg", "VDB-5012", "Free range eggs L", 3.10),
        ("BEV-WATER-075", 10, "alpquell", "AQ-075S", "Alpquell still 0,75 l Glas", 0.62),
        ("BEV-APPLE-1L", 11, "alpquell", "AQ-210", "Apfelsaft naturtrüb 1 l", 1.05),
        ("DSP-FOIL-30", 12, "greenline", "GL-7730", "Catering foil 30cm x 150m", 9.80),
        ("DSP-NAPKIN-33", 13, "greenline", "GL-5133", "Napkin 33cm 2ply white (250)", 3.40),
        ("DSP-CUP-300", 14, "greenline", "GL-3300", "Paper cup 12oz/300ml (50)", 2.65),
        ("NUT-PECAN", 15, "prairie", "PNC-PH-30", "Pecan Halves Fancy", 4.60),
        ("NUT-WALNUT", 16, "prairie", "PNC-WK-25", "English Walnut Kernels LH", 3.80),
    ]
    vendor_items += [(code, 17 + offset, "hansa", vendor_code, vendor_name, cost) for offset, (code, _name, vendor_name, vendor_code, cost, _weight) in enumerate(_MORE_DRY_GOODS)]
    for code, sid, vendor, vendor_code, vendor_name, price in vendor_items:
        currency = PARTNER_BY_KEY[vendor].currency
        by_code[code].vendor_items.append(VendorItem(sid, vendor, vendor_code, vendor_name, price, currency))
    return products


PRODUCTS = _products()
PRODUCT_BY_CODE = {product.default_code: product for product in PRODUCTS}
PRODUCT_BY_ID = {product.id: product for product in PRODUCTS}


def products_of(vendor: str) -> list[Product]:
    """Return the products `vendor` supplies, in catalog order."""
    return [product for product in PRODUCTS if any(item.vendor == vendor for item in product.vendor_items)]


def tax_rate(tax_id: int) -> float:
    return TAX_BY_ID[tax_id].amount / 100.0
