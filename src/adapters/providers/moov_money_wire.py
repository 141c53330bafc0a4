"""The SOAP 1.1 side of Moov Money Benin's merchant API (reference/providers.md 4.1, all
[C-sdk]/[3P]): the token, the two envelopes we send, and their answers.

Answers are parsed with defusedxml (no DTD, no entities, no external references: an
entity-expansion payload is refused, never expanded) and read by local name, because Moov's
response namespaces vary (`http://tlc.com.ph/`, `http://api.merchant.tlc.com/`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import DefusedXmlException

#: The key Moov's SDKs ship as the default; a merchant may be given another one.
DEFAULT_ENCRYPTION_KEY = "tlc12345tlc12345tlc12345tlc12345"
REQUEST_NAMESPACE = "http://api.merchant.tlc.com/"
ENVELOPE_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/"
HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}


class UnreadableAnswer(ValueError):
    """Moov's answer is not XML we accept (malformed, or carrying a DTD or entities)."""


@dataclass(frozen=True, slots=True)
class SoapFault:
    code: str
    message: str


def encryption_key(raw: str) -> bytes:
    """The AES-256 key from MOOV_MONEY_ENCRYPTION_KEY: 32 characters, or 64 hex digits (the
    form a Togo sample writes it in). Raises ValueError naming the variable."""
    if len(raw) == 64:
        try:
            return bytes.fromhex(raw)
        except ValueError:
            pass
    key = raw.encode()
    if len(key) != 32:
        raise ValueError(
            "MOOV_MONEY_ENCRYPTION_KEY must be 32 characters (or 64 hex digits): AES-256"
        )
    return key


def token(username: str, password: str, key: bytes) -> str:
    """base64(AES-256-CBC("0:<username>:<password>", key, IV = 16 zero bytes, PKCS#7)), as
    the reference documents from the SDKs' `Encryption::generateToken` [C-sdk]. It is
    deterministic, so it is computed once."""
    padder = padding.PKCS7(128).padder()
    plaintext = padder.update(f"0:{username}:{password}".encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    return base64.b64encode(encryptor.update(plaintext) + encryptor.finalize()).decode()


def _envelope(operation: str, fields: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{ENVELOPE_NAMESPACE}" xmlns:api="{REQUEST_NAMESPACE}">'
        f"<soapenv:Header/><soapenv:Body><api:{operation}>{fields}</api:{operation}>"
        "</soapenv:Body></soapenv:Envelope>"
    ).encode()


def _fields(**values: str | int) -> str:
    return "".join(f"<{name}>{escape(str(value))}</{name}>" for name, value in values.items())


def push_with_pending(
    token: str, msisdn: str, message: str, amount: int, externaldata1: str
) -> bytes:
    """`PushWithPending`: returns at once, status 0 (done) or 100 (pending, no referenceid)."""
    fields = _fields(
        token=token,
        msisdn=msisdn,
        message=message,
        amount=amount,
        externaldata1=externaldata1,
        externaldata2="",
        fee=0,
    )
    return _envelope("PushWithPending", fields)


def transfer_flooz(
    token: str, destination: str, amount: int, referenceid: str, extendeddata: str
) -> bytes:
    """`transferFlooz` (merchant -> subscriber): the refund sent back to the payer's number.
    `walletid` is left empty: public sources name it without saying what it holds [I]."""
    fields = _fields(
        token=token,
        destination=destination,
        amount=amount,
        referenceid=referenceid,
        walletid="",
        extendeddata=extendeddata,
    )
    return _envelope("transferFlooz", fields)


def transaction_status(token: str, transid: str) -> bytes:
    """`getTransactionStatus`: `<request><transid>` carries Moov's referenceid."""
    request = f"<request>{_fields(transid=transid)}</request>"
    return _envelope("getTransactionStatus", _fields(token=token) + request)


def get_balance(token: str, msisdn: str) -> bytes:
    """`getBalance`: the balance of the wallet of `msisdn` (the merchant's own number for
    the merchant's balance [I]), main wallet."""
    request = f"<request>{_fields(msisdn=msisdn)}</request>"
    return _envelope("getBalance", _fields(token=token) + request)


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def read(text: str) -> dict[str, str] | SoapFault:
    """The fields of the answer element holding `status` (`<return>` of a push,
    `<response>` of a status query), or the SOAP fault. Raises `UnreadableAnswer`."""
    try:
        root = SafeET.fromstring(text, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as error:
        raise UnreadableAnswer(type(error).__name__) from error
    for element in root.iter():
        if _local(element) == "Fault":  # SOAP 1.1 faultcode/faultstring, 1.2 Value/Text
            parts = {_local(node): (node.text or "").strip() for node in element.iter()}
            code = parts.get("faultcode") or parts.get("Value", "")
            return SoapFault(code, parts.get("faultstring") or parts.get("Text", ""))
    for parent in root.iter():
        children = {_local(child): (child.text or "").strip() for child in parent}
        if "status" in children:
            return children
    raise UnreadableAnswer("no status in the answer")
