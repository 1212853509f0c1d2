"""Explanations of cases by an LLM, grounded in the findings and audited.

    explainer   make_explainer(settings): the pipeline's explainer (template or LLM)
    grounding   the prompt from verified findings; judging a reply against them
    llm         the provider client (OpenAI, Azure OpenAI, vLLM, Ollama, LiteLLM)
    redact      personal data replaced before a request leaves the machine
    audit       cache of verdicts, audit log and metrics

The template explanation itself lives in `docmatch.reporting.explain`.
"""

from docmatch.explain.explainer import GroundedExplainer, make_explainer, template_explainer

__all__ = ["GroundedExplainer", "make_explainer", "template_explainer"]
