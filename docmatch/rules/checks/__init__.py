"""Checks, one module per family; each adds findings to a `CheckContext`.

    document    readable at all, fields flagged for review, credit-note signs
    references  order found, partner the same, duplicates of earlier documents
    currency    currency printed and the same as the order's
    dates       document dates inside the policy's windows, in the company's time zone
    lines       line pairing, units, quantities (two- and three-way) and prices
    logistics   shipped, received and damaged quantities on delivery papers
    totals      document arithmetic, net against Odoo, tax
"""
