"""Reporting: explanations, terminal summary, JSON export and HTML report of cases."""
