"""Payouts: money sent from the marketplace's operator accounts to a vendor's phone.

`gateway` holds the ports the payout use cases ask the providers through (send, look up,
balances) and the ledger's answer to "where is the money" (the clearing balances).
"""
