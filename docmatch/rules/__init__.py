"""Rules: tolerance policies that turn differences into findings.

Entry points: `load_policy(path)` reads and validates a YAML policy (the bundled
defaults when `path` is None); `evaluate(...)` returns the findings of one document.
"""

from docmatch.rules.api import Policy, PriorDocument, evaluate, load_policy

__all__ = ["Policy", "PriorDocument", "evaluate", "load_policy"]
