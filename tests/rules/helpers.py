"""Run matching and rules on a structured document in one call; re-export the builders."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from docmatch.matchers import match_document
from docmatch.models import Extraction, Finding
from docmatch.odoo.catalog import Catalog
from docmatch.rules import Policy, evaluate, load_policy


def _load_builders():
    # The test suite runs with --import-mode=importlib, where test folders cannot import
    # each other by name; the catalog builders live beside the matcher tests.
    name = "docmatch_test_builders"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent.parent / "matchers" / "builders.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_builders = _load_builders()
CatalogBuilder = _builders.CatalogBuilder
extraction = _builders.extraction
UNITS, DOZENS, KG, GRAM, LB, LITRE, CASE12 = _builders.UNITS, _builders.DOZENS, _builders.KG, _builders.GRAM, _builders.LB, _builders.LITRE, _builders.CASE12


def findings_for(document: Extraction, catalog: Catalog, *, policy: Policy | None = None, timezone: str = "Europe/Berlin", **kwargs) -> list[Finding]:
    match = match_document(document, catalog)
    return evaluate(document, match, catalog, policy or load_policy(), timezone=timezone, **kwargs)


def kinds(findings: list[Finding]) -> list[str]:
    return [finding.kind.value for finding in findings]
