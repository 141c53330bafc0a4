"""The wire of Moov Money in Togo (Flooz e-commerce, reference/providers.md 4.2, a 2014
document Moov wrote [3P]): the `SendPayment` SOAP request we send, its `Receipt`, the
`sendPaymentDetails` XML-RPC callback Moov sends and the `methodResponse` it wants back.

XML is parsed with defusedxml (no DTD, no entities) and read by local name.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

NAMESPACE = "http://service.onlinepayment.tlc.com/"
ENVELOPE_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/"
HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
CALLBACK_METHOD = "sendPaymentDetails"

#: `Receipt.status` of `SendPayment`: 0 is a request received; every other is a refusal.
RECEIVED = "0"
REFUSALS = {
    "1": ("merchant_not_recognized", "Moov Togo does not recognise the merchant name"),
    "2": ("invalid_amount", "Moov Togo refused the amount"),
    "3": ("subscriber_not_registered", "The number is not registered with Flooz"),
    "4": ("payment_impossible", "Moov Togo says the payment is impossible"),
    "5": ("empty_fields", "Moov Togo found an empty field in the request"),
    "6": ("duplicate_transaction", "Moov Togo already has a request with this code"),
}

#: What Moov wants back from a callback: an XML-RPC struct `{status: 200, message: "OK"}`.
METHOD_RESPONSE_OK = (
    b'<?xml version="1.0"?><methodResponse><params><param><value><struct>'
    b"<member><name>status</name><value><i4>200</i4></value></member>"
    b"<member><name>message</name><value><string>OK</string></value></member>"
    b"</struct></value></param></params></methodResponse>"
)


class UnreadableXml(ValueError):
    """Not XML we accept (malformed, a DTD or entities, or not the expected shape)."""


@dataclass(frozen=True, slots=True)
class PaymentDetails:
    """The `sendPaymentDetails` struct: `reference` is our transactionCode (the payment id),
    `flooz_reference` Moov's `paymentRefCode`."""

    reference: str
    flooz_reference: str
    amount: int | None
    msisdn: str
    paid: bool
    expired: bool


def send_payment(merchant: str, code: str, msisdn: str, amount: int, extra: str) -> bytes:
    """The `SendPayment` envelope (document/literal)."""
    fields = "".join(
        f"<{name}>{escape(str(value))}</{name}>"
        for name, value in (
            ("merchantName", merchant),
            ("transactionCode", code),
            ("destMobileNumber", msisdn),
            ("amount", amount),
            ("extraData", extra),
        )
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{ENVELOPE_NAMESPACE}" xmlns:ser="{NAMESPACE}">'
        f"<soapenv:Header/><soapenv:Body><ser:SendPayment>{fields}</ser:SendPayment>"
        "</soapenv:Body></soapenv:Envelope>"
    ).encode()


def receipt(text: str | bytes) -> dict[str, str]:
    """The `Receipt` fields (`referenceID`, `status`, `statusMessage`, `subscriberMsisdn`)."""
    root = _parse(text)
    for element in root.iter():
        if _local(element) == "Receipt":
            return {_local(child): (child.text or "").strip() for child in element}
    raise UnreadableXml("no Receipt in the answer")


def payment_details(body: bytes) -> PaymentDetails:
    """The callback's struct. Raises `UnreadableXml` when it is not a `sendPaymentDetails`
    call with a reference."""
    root = _parse(body)
    method = next((e for e in root.iter() if _local(e) == "methodName"), None)
    if _local(root) != "methodCall" or method is None or method.text != CALLBACK_METHOD:
        raise UnreadableXml("not a sendPaymentDetails call")
    members = _members(root)
    reference = members.get("referenceCode", "")
    if not reference:
        raise UnreadableXml("no referenceCode")
    amount = members.get("amount", "")
    return PaymentDetails(
        reference=reference,
        flooz_reference=members.get("paymentRefCode", ""),
        amount=int(amount) if amount.isdigit() else None,
        msisdn=members.get("msisdn", "").lstrip("+"),
        paid=_true(members.get("paid", "")),
        expired=_true(members.get("expired", "")),
    )


def payment_details_call(details: PaymentDetails) -> bytes:
    """The callback as Moov sends it (for the simulator and the tests)."""
    values = {
        "amount": f"<i4>{details.amount}</i4>",
        "paid": f"<boolean>{int(details.paid)}</boolean>",
        "expired": f"<boolean>{int(details.expired)}</boolean>",
        "paymentRefCode": f"<string>{escape(details.flooz_reference)}</string>",
        "referenceCode": f"<string>{escape(details.reference)}</string>",
        "msisdn": f"<string>{escape(details.msisdn)}</string>",
    }
    members = "".join(
        f"<member><name>{name}</name><value>{value}</value></member>"
        for name, value in values.items()
    )
    return (
        f'<?xml version="1.0"?><methodCall><methodName>{CALLBACK_METHOD}</methodName>'
        f"<params><param><value><struct>{members}</struct></value></param></params></methodCall>"
    ).encode()


def _members(root: Element) -> dict[str, str]:
    found = {}
    for member in root.iter():
        if _local(member) != "member":
            continue
        name = next((c for c in member if _local(c) == "name"), None)
        value = next((c for c in member if _local(c) == "value"), None)
        if name is None or value is None:
            continue
        typed = next(iter(value), None)
        text = typed.text if typed is not None else value.text
        found[(name.text or "").strip()] = (text or "").strip()
    return found


def _true(text: str) -> bool:
    return text.lower() in ("1", "true")


def _parse(text: str | bytes) -> Element:
    try:
        root: Element = SafeET.fromstring(text, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as error:
        raise UnreadableXml(type(error).__name__) from error
    return root


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
