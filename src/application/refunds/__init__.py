"""Refunds: money given back on a succeeded payment, through its provider or by hand.

One use case per module: `create_refund` (store or operator), `settlement` (a
refund in the settlement template), `verify_refund` (ask now), `reconcile_refunds` (follow pending
refunds), `record_manual_refund` (an operator settles a `requires_action` refund) and
`queries` (reads, store-scoped, and the operators' list of refunds awaiting a person).
"""
