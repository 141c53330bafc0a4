"""The marketplace's money: the ledger's bookings (written in the transaction of the change
that causes them), a store's balance and entries, operators' adjustments."""
