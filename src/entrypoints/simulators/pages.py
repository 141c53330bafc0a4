"""The simulators' pages: one small HTML document each, in French, no script."""

from __future__ import annotations

from html import escape

from litestar import Response

from entrypoints.simulators.ledger import Transaction

STYLE = """
body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222}
header{padding:1rem;border-radius:.5rem;color:#fff;margin-bottom:1rem}
.amount{font-size:2rem;font-weight:700}
form{display:inline}
a{color:#1d4ed8}
button{font-size:1rem;padding:.6rem 1rem;margin:.3rem .3rem .3rem 0;border-radius:.4rem;
border:1px solid #888;background:#fff;cursor:pointer}
button.ok{background:#1a7f37;color:#fff;border-color:#1a7f37}
.muted{color:#666;font-size:.9rem} ul{list-style:none;padding:0} li{margin:.5rem 0 1.5rem}
"""
COLOURS = {"wave": "#1dc8ff", "orange": "#ff7900", "mtn": "#ffcb05", "moov": "#0057a8"}
COLOURS["moov_tg"] = COLOURS["moov"]
NAMES = {"wave": "Wave", "orange": "Orange Money", "mtn": "MTN MoMo", "moov": "Moov Money"}
NAMES["moov_tg"] = "Moov Money Togo"


def html(title: str, body: str, status: int = 200) -> Response[str]:
    document = (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )
    return Response(document, status_code=status, media_type="text/html; charset=utf-8")


def banner(operator: str, subtitle: str) -> str:
    return (
        f'<header style="background:{COLOURS[operator]}"><strong>{NAMES[operator]}</strong>'
        f" — simulateur<br><small>{escape(subtitle)}</small></header>"
    )


def amount(transaction: Transaction) -> str:
    return (
        f'<p class="amount">{transaction.amount:,} {escape(transaction.currency)}'.replace(
            ",", "\u202f"
        )
        + "</p>"
    )


def button(action: str, label: str, primary: bool = False) -> str:
    kind = ' class="ok"' if primary else ""
    return f'<form method="post" action="{escape(action)}"><button{kind}>{label}</button></form>'


def decision_buttons(base: str) -> str:
    """Approve, decline, and the two callback mishaps, posted to `<base>/<choice>`."""
    return (
        button(f"{base}/approve", "Confirmer le paiement", primary=True)
        + button(f"{base}/decline", "Refuser")
        + "<p class='muted'>Pour tester : "
        + button(f"{base}/approve?callback=lost", "Confirmer sans callback")
        + button(f"{base}/approve?callback=twice", "Confirmer, callback en double")
        + "</p>"
    )


def settled(transaction: Transaction) -> str:
    words = {"succeeded": "Paiement confirmé", "failed": "Paiement refusé", "expired": "Expiré"}
    return f"<p><strong>{words.get(transaction.state.value, 'En attente')}</strong></p>"


def back_link(url: str, label: str = "Retour au marchand") -> str:
    """The way back to the merchant's page (its success, error or cancel URL), as the
    operators' own pages end a payment."""
    return f'<p><a id="back-to-merchant" href="{escape(url)}">{escape(label)}</a></p>'


def phone(operator: str, waiting: list[Transaction], prefix: str) -> Response[str]:
    """The phone's approval prompts of a push operator (MTN, Moov)."""
    items = "".join(
        f"<li>{amount(t)}<span class='muted'>vers {escape(t.phone or '?')}</span><br>"
        f"{decision_buttons(f'{prefix}/{t.id}')}</li>"
        for t in waiting
    )
    body = banner(operator, "Téléphone simulé : demandes de paiement en attente") + (
        f"<ul>{items}</ul>" if items else "<p>Aucune demande en attente.</p>"
    )
    return html(f"{NAMES[operator]} — téléphone", body)
