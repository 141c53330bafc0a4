"""The simulators' ASGI app: the four operators under their prefixes, and a home page that
lists what each is waiting for and the callbacks sent."""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Litestar, Response, get

from entrypoints.simulators import moov, moov_togo, mtn, orange, pages, wave
from entrypoints.simulators.config import SimulatorConfig
from entrypoints.simulators.ledger import Ledger


def create_simulator_app(config: SimulatorConfig, ledger: Ledger | None = None) -> Litestar:
    ledger = ledger or Ledger(config.approve_delay)

    @get("/")
    async def home() -> Response[Any]:
        waiting = "".join(
            f"<li>{pages.NAMES[t.operator]} — {t.amount} {escape(t.currency)} "
            f"<span class='muted'>{escape(t.id)}</span></li>"
            for t in ledger.open()
            if t.operator in pages.NAMES
        )
        sent = "".join(
            f"<li>{escape(d['method'])} {escape(d['url'])} → {d.get('status', d.get('error'))}</li>"
            for d in reversed(ledger.deliveries)
        )
        body = (
            "<h1>Opérateurs simulés</h1>"
            "<p>Téléphones : <a href='/mtn/phone'>MTN MoMo</a> · "
            "<a href='/moov/phone'>Moov Money</a> · "
            "<a href='/moov-tg/phone'>Moov Money Togo</a></p>"
            "<p class='muted'>Wave et Orange Money ont leur page de paiement par session.</p>"
            f"<h2>En attente</h2><ul>{waiting or '<li>rien</li>'}</ul>"
            f"<h2>Callbacks envoyés</h2><ul>{sent or '<li>aucun</li>'}</ul>"
        )
        return pages.html("Opérateurs simulés", body)

    routers = [module.build(config, ledger) for module in (wave, mtn, orange, moov, moov_togo)]
    app = Litestar(route_handlers=[home, *routers], on_shutdown=[ledger.close], openapi_config=None)
    app.state.ledger = ledger
    return app
