"""The seeded-mismatch evaluation: every kind gets injected, pairs are reproducible, the run scores them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from docmatch.eval.seeded import SEEDED_KINDS, KindScore, PairResult, SeededReport, build_pair, evaluate, render_markdown


def test_pairs_cover_every_kind():
    kinds = Counter(build_pair(index, seed=1).kind for index in range(500))
    assert set(kinds) == {*SEEDED_KINDS, None}
    assert min(kinds[kind] for kind in SEEDED_KINDS) >= 10
    assert 100 <= kinds[None] <= 200


def test_pair_is_reproducible():
    first, second = build_pair(7, seed=3), build_pair(7, seed=3)
    assert first.spec.expected() == second.spec.expected()
    assert build_pair(7, seed=4).spec.expected() != first.spec.expected()


def test_injected_kind_is_in_the_expected_file():
    for index in range(60):
        pair = build_pair(index, seed=2)
        kinds = [finding.kind for finding in pair.spec.findings]
        assert kinds == ([pair.kind] if pair.kind else [])


def test_scores_count_each_kind_once_per_pair():
    report = SeededReport([
        PairResult("a", "invoice", "price_mismatch", False, ["price_mismatch", "needs_review"], 0.1),
        PairResult("b", "invoice", "price_mismatch", False, [], 0.1),
        PairResult("c", "invoice", None, False, ["price_mismatch"], 0.1),
    ])
    score = report.scores()["price_mismatch"]
    assert (score.injected, score.found, score.false_alarms) == (2, 1, 1)
    assert score.recall == 0.5
    assert score.precision == 0.5
    assert report.other_kinds() == {"needs_review": 1}
    assert KindScore().recall is None


def test_twenty_pairs_run_end_to_end(tmp_path: Path):
    """GIVEN 20 seeded pairs WHEN evaluated THEN each is printed, processed without a pipeline error and scored."""
    report = evaluate(20, seed=1, out=tmp_path)
    assert len(report.results) == 20
    assert not [result.error for result in report.results if result.error]
    assert len(list((tmp_path / "pairs").glob("*/*.pdf"))) == 20
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["pairs"] == 20
    assert set(saved["scores"]) == set(SEEDED_KINDS)
    table = render_markdown(report)
    assert table.startswith("| kind | injected |")
    assert "on the seeded line" in table
    assert "20 pairs" in table
