"""Business errors. One base class; subclasses are named by meaning, never by HTTP status."""


class PaymentError(Exception):
    """Base of every business error raised by the domain and the use cases."""


class InvalidAmount(PaymentError):
    """An amount is not a positive integer in the currency's minor unit."""


class UnsupportedCurrency(PaymentError):
    """The currency is not one the service handles."""


class CurrencyMismatch(PaymentError):
    """Two amounts in different currencies were combined."""


class ItemsTotalMismatch(PaymentError):
    """The order's items do not add up to its amount."""


class InvalidPhone(PaymentError):
    """A phone number cannot be read as a valid number for the order's country."""


class InvalidTransition(PaymentError):
    """A status change the state machine does not allow."""

    def __init__(self, entity: str, current: str, target: str) -> None:
        super().__init__(f"{entity} cannot go from {current} to {target}")
        self.entity = entity
        self.current = current
        self.target = target


class OrderNotPayable(PaymentError):
    """The order is paid, cancelled or expired, so no new payment may start."""


class PaymentInProgress(PaymentError):
    """Another payment of the order is still waiting for its outcome."""
