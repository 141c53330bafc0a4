"""Refunds: money given back on a succeeded payment, through its provider or by hand.

One use case per module: `create_refund` (store or operator), `apply_refund_report` (a
confirmed provider answer), `verify_refund` (ask now), `reconcile_refunds` (follow pending
refunds), `record_manual_refund` (an operator settles a `requires_action` refund) and
`queries` (reads, store-scoped, and the operators' list of refunds awaiting a person).
"""
