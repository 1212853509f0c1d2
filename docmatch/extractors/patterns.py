"""Token patterns for order references and quantities with units, on spaCy's blank pipeline.

spaCy's tokenizer splits product codes at hyphens ("GX-24592-A" becomes five tokens),
so the words of a row are handed to spaCy as they were printed (`Doc(vocab, words=...)`),
with only a colon, comma or leading "#" split off. The pipeline is blank (no model is
downloaded) and built once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from docmatch.extractors.vocabulary import fold_token
from docmatch.units import printed_unit_words

# Words that announce an order reference in free text ("Your order: P00017, P00018").
ORDER_WORDS = [
    "po", "p.o", "p.o.", "purchase", "order", "orders", "bestellung", "bestellnummer", "bestellnr", "bestell-nr", "auftrag", "commande",
    "bestelling", "bestelnummer", "pedido", "ordine", "inkooporder",
]
_NUMBER_WORDS = ["no", "nr", "number", "#", "n°", "nº", "nummer", "numero", "número", "ref", "reference"]
# The unit codes the matcher converts, and printed words for units it has no code for.
UNIT_WORDS = sorted(printed_unit_words() | {
    "stk.", "st.", "stück", "kg", "g", "lb", "t", "l", "ml", "m", "h", "hrs", "set", "sets", "stuks", "pièce", "pièces", "pz", "uds",
})
_REFERENCE_SHAPE = r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9/_.\-]{2,}$"


@dataclass(frozen=True, slots=True)
class QuantityWithUnit:
    quantity: str
    unit: str


@lru_cache(maxsize=1)
def _pipeline():  # type: ignore[no-untyped-def]
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("xx")
    matcher = Matcher(nlp.vocab)
    reference = {"TEXT": {"REGEX": _REFERENCE_SHAPE}}
    matcher.add(
        "ORDER_REFERENCE",
        [
            [{"LOWER": {"IN": ["your", "our", "customer", "ihre", "votre", "uw", "su"]}, "OP": "?"}, {"LOWER": {"IN": ORDER_WORDS}}, {"LOWER": {"IN": _NUMBER_WORDS}, "OP": "*"}, {"IS_PUNCT": True, "OP": "?"}, reference],
        ],
    )
    matcher.add("QUANTITY_UNIT", [[{"LIKE_NUM": True}, {"LOWER": {"IN": UNIT_WORDS}}]])
    return nlp, matcher


def _doc(words: list[str]):  # type: ignore[no-untyped-def]
    nlp, _ = _pipeline()
    from spacy.tokens import Doc

    return Doc(nlp.vocab, words=_split_punctuation(words))


def _split_punctuation(words: list[str]) -> list[str]:
    tokens: list[str] = []
    for word in words:
        head, hash_sign, rest = word.partition("#")
        if hash_sign and head and rest:
            # "PO#P00017" reads as "PO # P00017".
            tokens.extend([head, "#"])
            word = rest
        lead = "#" if word.startswith("#") and len(word) > 1 else ""
        core = word[1:] if lead else word
        trail = core[-1] if len(core) > 1 and core[-1] in ":,;" else ""
        core = core[:-1] if trail else core
        tokens.extend(token for token in (lead, core, trail) if token)
    return tokens or [""]


def find_order_references(words: list[str]) -> list[str]:
    """Return the order references announced in `words`, in order, following lists ("P1, P2")."""
    _, matcher = _pipeline()
    doc = _doc(words)
    references: list[str] = []
    for match_id, start, end in sorted(matcher(doc), key=lambda item: item[1]):
        if doc.vocab.strings[match_id] != "ORDER_REFERENCE":
            continue
        if fold_token(doc[end - 2].text) in {"date", "datum"}:
            continue
        references.append(doc[end - 1].text)
        # Follow a list: "P00017, P00018" or "P00017 / P00018".
        index = end
        while index + 1 < len(doc) and doc[index].text in {",", "/", "&", "and", "und", "et", "en"} and re.match(_REFERENCE_SHAPE, doc[index + 1].text):
            references.append(doc[index + 1].text)
            index += 2
    return list(dict.fromkeys(references))


def find_quantities_with_units(words: list[str]) -> list[QuantityWithUnit]:
    """Return each "20 Stk." / "12 cases" pair in `words`."""
    _, matcher = _pipeline()
    doc = _doc(words)
    return [
        QuantityWithUnit(doc[start].text, doc[start + 1].text)
        for match_id, start, end in matcher(doc)
        if doc.vocab.strings[match_id] == "QUANTITY_UNIT"
    ]
