"""The unit codes documents print, shared by the extractors and the matchers.

The extractors must recognise a printed unit to put it in a line's `uom`; the matchers
must know what it means to convert it. Both read this one table, so a code the matcher
can convert ("CT", "KGM", "PF") is never dropped by the reader as an unknown word.

Keys are upper case without separators. Values are kinds of unit; `docmatch.matchers.uom`
maps each kind to Odoo units and packagings.
"""

from __future__ import annotations

# UN/ECE Recommendation 20 codes beside the abbreviations vendors actually print.
UNIT_ALIASES: dict[str, str] = {
    **dict.fromkeys(["EA", "EACH", "PCE", "PCS", "PC", "C62", "H87", "NAR", "UNIT", "UNITS", "U", "UN", "STK", "STUCK", "STUECK", "ST", "PIECE", "PIECES", "NUMBER"], "unit"),
    **dict.fromkeys(["DZ", "DZN", "DOZ", "DOZEN", "DOZENS"], "dozen"),
    **dict.fromkeys(["KG", "KGM", "KGS", "KILO", "KILOS", "KILOGRAM", "KILOGRAMS", "KILOGRAMM"], "kg"),
    **dict.fromkeys(["G", "GR", "GRM", "GRAM", "GRAMS", "GRAMM"], "g"),
    **dict.fromkeys(["T", "TNE", "TON", "TONNE", "TONNES"], "t"),
    **dict.fromkeys(["LB", "LBS", "LBR", "POUND", "POUNDS"], "lb"),
    **dict.fromkeys(["OZ", "ONZ", "OUNCE", "OUNCES"], "oz"),
    **dict.fromkeys(["L", "LT", "LTR", "LITER", "LITERS", "LITRE", "LITRES"], "l"),
    **dict.fromkeys(["ML", "MLT", "MILLILITER", "MILLILITRE"], "ml"),
    **dict.fromkeys(["M", "MTR", "METER", "METERS", "METRE", "METRES"], "m"),
    **dict.fromkeys(["CM", "CMT"], "cm"),
    **dict.fromkeys(["MM", "MMT"], "mm"),
    **dict.fromkeys(["KM", "KMT"], "km"),
    **dict.fromkeys(["FT", "FOT", "FOOT", "FEET"], "ft"),
    **dict.fromkeys(["IN", "INH", "INCH", "INCHES"], "in"),
    **dict.fromkeys(["M2", "MTK", "SQM", "M²"], "m2"),
    **dict.fromkeys(["M3", "MTQ", "CBM", "M³"], "m3"),
    **dict.fromkeys(["CS", "CAS", "CASE", "CASES", "KISTE"], "case"),
    **dict.fromkeys(["CT", "CTN", "CARTON", "CARTONS", "KARTON", "KRT"], "carton"),
    **dict.fromkeys(["BX", "BOX", "BOXES", "SCHACHTEL"], "box"),
    **dict.fromkeys(["PAL", "PF", "PX", "PLT", "PALLET", "PALLETS", "PALETTE", "PALETTEN"], "pallet"),
    **dict.fromkeys(["PK", "PA", "PACK", "PACKS", "PKG", "PACKAGE", "PAKET"], "pack"),
    **dict.fromkeys(["BG", "BAG", "BAGS", "SACK", "SA"], "bag"),
    **dict.fromkeys(["RO", "RL", "ROLL", "ROLLS", "ROLLE"], "roll"),
    **dict.fromkeys(["SET", "SETS"], "set"),
    **dict.fromkeys(["PR", "PAIR", "PAIRS", "PAAR"], "pair"),
}

# Codes that are also everyday words or stray letters in a description ("2 in 1",
# "U-profile", "number 5"): a reader takes them for a unit only inside a unit column.
AMBIGUOUS_CODES = frozenset({"IN", "U", "UN", "NUMBER", "PA", "SA", "RO", "PR", "T", "G", "L", "M", "ST", "SET", "SETS"})


def printed_unit_words() -> frozenset[str]:
    """Return the unit codes safe to read as a unit wherever they follow a quantity, lower-cased."""
    return frozenset(code.lower() for code in UNIT_ALIASES if code not in AMBIGUOUS_CODES)
