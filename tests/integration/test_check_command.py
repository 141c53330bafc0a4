"""`payments check` against fakes of each provider's API (respx, from their documented
contracts): one harmless authenticated call each, a row per check with the variable to fix,
exit code 1 when anything fails."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
import respx

from entrypoints.check import run_check
from entrypoints.cli import main
from entrypoints.settings import Settings

ORANGE = {
    "ORANGE_MONEY_CLIENT_ID": "client",
    "ORANGE_MONEY_CLIENT_SECRET": "secret",
    "ORANGE_MONEY_MERCHANT_KEY": "merchant",
    "ORANGE_MONEY_BASE_URL": "https://orange.test",
}
MTN = {
    "MTN_MOMO_SUBSCRIPTION_KEY": "sub",
    "MTN_MOMO_API_USER": "user",
    "MTN_MOMO_API_KEY": "key",
    "MTN_MOMO_BASE_URL": "https://mtn.test",
}
WAVE = {"WAVE_API_KEY": "wave_ci_prod_x", "WAVE_BASE_URL": "https://wave.test"}
MOOV = {
    "MOOV_MONEY_USERNAME": "u",
    "MOOV_MONEY_PASSWORD": "p",
    "MOOV_MONEY_URL": "https://moov.test/ws",
}

MOOV_STATUS = """<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ns2:getTransactionStatusResponse xmlns:ns2="http://api.merchant.tlc.com/">
<response><description>{text}</description><status>{status}</status></response>
</ns2:getTransactionStatusResponse></soap:Body></soap:Envelope>"""


def check(database_url: str, tmp_path: Path, **providers: str) -> tuple[int, dict[str, list[str]]]:
    settings = Settings(database_url=database_url, log_dir=tmp_path, providers=providers)
    out = io.StringIO()
    code = run_check(settings, out)
    rows: dict[str, list[str]] = {}
    for line in out.getvalue().splitlines()[1:]:
        if line and not line.startswith(("everything", " ")) and "check(s)" not in line:
            name, state, *rest = line.split()
            rows.setdefault(name, []).append(" ".join([state, *rest]))
    return code, rows


def fake_providers(mock: respx.MockRouter, refuse: str = "") -> None:
    token = httpx.Response(
        200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600}
    )
    refused = httpx.Response(401, json={"error": "invalid_client"})
    mock.post("https://orange.test/oauth/v3/token").mock(refused if refuse == "orange" else token)
    mtn_refused = httpx.Response(401, json={"error": "login_failed"})
    mock.post("https://mtn.test/collection/token/").mock(mtn_refused if refuse == "mtn" else token)
    wave = (
        httpx.Response(401, json={"code": "authorization-error"})
        if refuse == "wave"
        else httpx.Response(200, json={"result": []})
    )
    mock.get("https://wave.test/v1/checkout/sessions/search").mock(wave)
    status = ("98", "Invalid credentials") if refuse == "moov" else ("94", "Transaction not found")
    moov = MOOV_STATUS.format(status=status[0], text=status[1])
    mock.post("https://moov.test/ws").mock(httpx.Response(200, text=moov))


@pytest.mark.usefixtures("clean_db")
def test_every_provider_answers(database_url: str, tmp_path: Path) -> None:
    with respx.mock(using="stream", assert_all_called=True) as mock:
        fake_providers(mock)
        code, rows = check(database_url, tmp_path, **ORANGE, **MTN, **WAVE, **MOOV)
        sent = {call.request.url.host: call.request for call in mock.calls}
    assert code == 0, rows
    for name in ("database", "migrations", "orange_money", "mtn_momo", "wave", "moov_money"):
        assert rows[name][0].startswith("ok"), (name, rows)
    assert sent["mtn.test"].headers["Ocp-Apim-Subscription-Key"] == "sub"
    assert sent["wave.test"].headers["Authorization"] == "Bearer wave_ci_prod_x"
    assert b"getTransactionStatus" in sent["moov.test"].content


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize(
    ("refuse", "row", "variable"),
    [
        ("orange", "orange_money", "ORANGE_MONEY_CLIENT_SECRET"),
        ("mtn", "mtn_momo", "MTN_MOMO_API_KEY"),
        ("wave", "wave", "WAVE_API_KEY"),
        ("moov", "moov_money", "MOOV_MONEY_PASSWORD"),
    ],
)
def test_a_refused_credential_fails_the_check_and_names_the_variable(
    database_url: str, tmp_path: Path, refuse: str, row: str, variable: str
) -> None:
    with respx.mock(using="stream", assert_all_called=False) as mock:
        fake_providers(mock, refuse=refuse)
        code, rows = check(database_url, tmp_path, **ORANGE, **MTN, **WAVE, **MOOV)
    assert code == 1
    assert rows[row][0].startswith("FAILED") and variable in rows[row][0], rows[row]
    others = {"orange_money", "mtn_momo", "wave", "moov_money"} - {row}
    assert all(rows[name][0].startswith("ok") for name in others), rows


@pytest.mark.usefixtures("clean_db")
def test_mtn_subscription_key_refused_names_it(database_url: str, tmp_path: Path) -> None:
    with respx.mock(using="stream") as mock:
        mock.post("https://mtn.test/collection/token/").mock(
            httpx.Response(401, json={"statusCode": 401, "message": "invalid subscription key"})
        )
        code, rows = check(database_url, tmp_path, **MTN)
    assert code == 1 and "MTN_MOMO_SUBSCRIPTION_KEY" in rows["mtn_momo"][0]


@pytest.mark.usefixtures("clean_db")
def test_a_provider_that_does_not_answer_names_its_url(database_url: str, tmp_path: Path) -> None:
    with respx.mock(using="stream") as mock:
        mock.get("https://wave.test/v1/checkout/sessions/search").mock(
            side_effect=httpx.ConnectTimeout("no answer")
        )
        code, rows = check(database_url, tmp_path, **WAVE)
    assert code == 1 and "WAVE_BASE_URL" in rows["wave"][0]


def test_an_unreachable_database_fails_the_check(tmp_path: Path) -> None:
    code, rows = check("postgresql://nobody@127.0.0.1:9/none", tmp_path)
    assert code == 1
    assert rows["database"][0].startswith("FAILED") and "DATABASE_URL" in rows["database"][0]


def test_a_refused_configuration_lists_each_faulty_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setenv("LEASE_SECONDS", "-3")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "PORT" in out and "LEASE_SECONDS" in out and "FAILED" in out


@pytest.mark.usefixtures("clean_db")
def test_each_account_has_its_line_naming_its_own_variables(
    database_url: str, tmp_path: Path
) -> None:
    cameroon = {k.replace("MTN_MOMO_", "MTN_MOMO_CM_"): v for k, v in MTN.items()}
    cameroon["MTN_MOMO_CM_SUBSCRIPTION_KEY"] = "sub-cm"
    togo = {"MOOV_MONEY_TG_MERCHANT_NAME": "M", "MOOV_MONEY_TG_URL": "https://tg.test/x",
            "MOOV_MONEY_TG_CALLBACK_IPS": "203.0.113.9"}  # fmt: skip
    refused = httpx.Response(401, json={"error": "login_failed"})
    token = httpx.Response(200, json={"access_token": "t", "expires_in": 3600})

    def by_key(request: httpx.Request) -> httpx.Response:
        return refused if request.headers["Ocp-Apim-Subscription-Key"] == "sub-cm" else token

    with respx.mock(using="stream") as mock:
        mock.post("https://mtn.test/collection/token/").mock(side_effect=by_key)
        code, rows = check(database_url, tmp_path, **MTN, **cameroon, **togo)
    assert code == 1
    assert rows["mtn_momo"][0].startswith("ok"), rows
    assert rows["mtn_momo:CM"][0].startswith("FAILED"), rows
    assert "MTN_MOMO_CM_API_USER, MTN_MOMO_CM_API_KEY" in rows["mtn_momo:CM"][0]
    assert (
        rows["moov_money:TG"][0].startswith("ok") and "no harmless call" in rows["moov_money:TG"][0]
    )


@pytest.mark.usefixtures("clean_db")
def test_the_table_stands_alone_and_its_fix_says_what_to_do(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No JSON log line beside the table (the provider calls log at info level, the service's
    logging is configured by `main`), and the fix column is advice, not a bare variable."""
    for name, value in {**WAVE, "DATABASE_URL": database_url, "LOG_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    with respx.mock(using="stream", assert_all_called=False) as mock:
        fake_providers(mock, refuse="wave")
        assert main(["check"]) == 1
    said = capsys.readouterr()
    everything = said.out + said.err
    assert not [line for line in everything.splitlines() if line.lstrip().startswith("{")]
    [wave] = [line for line in said.out.splitlines() if line.startswith("wave ")]
    assert "check WAVE_API_KEY (in .env or the environment)" in wave
