"""Seconds per case explanation: the template, a real LLM call, and a cached LLM reply.

    .venv/bin/python bench/explain_latency.py [--calls 6]

Starts llama.cpp's server with SmolLM2-135M through scripts/llm-server.sh (built and
cached on first use) on a free loopback port, then explains the same kind of case three
ways:

    template   docmatch.reporting.explain.template_explanation, the default
    llm        GroundedExplainer, each case with a fresh marker so that no cache applies
    cached     GroundedExplainer again on cases it has already explained

and prints the median and maximum per case, and each median as a ratio of the
template's. Targets: a cached reply costs at most 20 ms more than the template (it
reads one small file); an LLM call's median is reported, not targeted, because it
depends on the model and on how busy the machine is.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from docmatch.explain import GroundedExplainer  # noqa: E402
from docmatch.models import Case, CaseDocument, Finding, FindingKind, OdooRef, Severity  # noqa: E402
from docmatch.reporting.explain import template_explanation  # noqa: E402
from docmatch.settings import load_settings  # noqa: E402

SCRIPT = REPO / "scripts" / "llm-server.sh"
CACHED_TARGET_SECONDS = 0.020


def sample_case(marker: str) -> Case:
    return Case(
        document=CaseDocument(sha256=uuid.uuid4().hex * 2, filename="invoice.pdf", doc_type="invoice"),
        matched=[OdooRef(model="purchase.order", id=1, name="P00457")],
        partner=OdooRef(model="res.partner", id=7, name="Acme Steel GmbH"),
        findings=[
            Finding(kind=FindingKind.LINE_NOT_ON_ORDER, severity=Severity.HIGH, rule="lines.on_order", line=3,
                    document_value=f"Waiting time {marker}", message="Invoice line 3 'Waiting time' for 90.00 EUR has no order line."),
            Finding(kind=FindingKind.TOTAL_MISMATCH, severity=Severity.MEDIUM, rule="totals.untaxed", document_value=1418.0,
                    odoo_value=1310.9, tolerance="0.5 %", message="Untaxed total 1418.00 EUR on the invoice, 1310.90 EUR on P00457."),
        ],
    )


def timed(explain: Callable[[Case], str], cases: list[Case]) -> list[float]:
    seconds = []
    for case in cases:
        started = time.perf_counter()
        explain(case)
        seconds.append(time.perf_counter() - started)
    return seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=6, help="cases explained per way")
    arguments = parser.parse_args()

    port, key = free_port(), f"bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(["bash", str(SCRIPT), "start", str(port), key], check=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = load_settings(
                llm_provider="vllm", llm_base_url=f"http://127.0.0.1:{port}/v1", llm_api_key=key, llm_model="docmatch-test",
                llm_timeout=180, llm_deadline=240, llm_retries=0, llm_cache_dir=Path(folder),
            )
            explainer = GroundedExplainer.from_settings(settings)
            markers = [uuid.uuid4().hex[:8] for _ in range(arguments.calls)]

            results = {
                "template": timed(template_explanation, [sample_case(marker) for marker in markers]),
                "llm": timed(explainer, [sample_case(marker) for marker in markers]),
                "cached": timed(explainer, [sample_case(marker) for marker in markers]),
            }
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", str(port)], check=False)

    baseline = statistics.median(results["template"])
    print(f"{'way':<10}{'median ms':>14}{'max ms':>14}{'x template':>14}")
    for way, seconds in results.items():
        median = statistics.median(seconds)
        print(f"{way:<10}{median * 1000:>14.3f}{max(seconds) * 1000:>14.3f}{median / baseline:>14.3g}")
    extra = statistics.median(results["cached"]) - baseline
    verdict = "met" if extra <= CACHED_TARGET_SECONDS else "MISSED"
    print(f"cached reply costs {extra * 1000:.1f} ms more than the template (target <= {CACHED_TARGET_SECONDS * 1000:.0f} ms): {verdict}")


if __name__ == "__main__":
    main()
