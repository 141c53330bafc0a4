"""The shipped proxy configurations, run for real where nginx or Caddy is installed (skipped
elsewhere): the metrics rule holds every spelling of `/metrics` (the request comes from an
address the rule is made to refuse), the rest reaches the service, nginx hides its version and
Caddy keeps the service's Referrer-Policy. The service is stood in for by a tiny upstream."""

from __future__ import annotations

import http.client
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DEPLOY = Path(__file__).parents[2] / "deploy"
SPELLINGS = ["/metrics", "/metrics/", "/metrics%2F", "/%6detrics", "//metrics", "/metrics?x=1"]


class Upstream(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"upstream {self.path}".encode()
        self.send_response(200)
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def upstream() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def _get(port: int, path: str, tls: bool) -> tuple[int, str, http.client.HTTPResponse]:
    """GET `path` exactly as written (no client normalises it)."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=10, context=context
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": "pay.example.com"})
    answer = conn.getresponse()
    body = answer.read().decode(errors="replace")
    conn.close()
    return answer.status, body, answer


def _wait(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("the proxy did not start")


def _run(command: list[str], port: int) -> Iterator[int]:
    """The proxy started with `command`, listening on `port` (yielded) until the module ends."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def nginx(upstream: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        pytest.skip("nginx is not installed here")
    work, port = tmp_path_factory.mktemp("nginx"), _port()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=pay.example.com", "-keyout", str(work / "key.pem"),
         "-out", str(work / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx.conf").read_text()
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
    site = site.replace("listen 80;", f"listen {_port()};")
    site = site.replace("listen 443 ssl http2;", f"listen {port} ssl;")
    site = site.replace(
        "/etc/letsencrypt/live/pay.example.com/fullchain.pem", str(work / "cert.pem")
    )
    site = site.replace("/etc/letsencrypt/live/pay.example.com/privkey.pem", str(work / "key.pem"))
    site = site.replace("allow 127.0.0.1;", "")  # this test's requests come from "outside"
    (work / "site.conf").write_text(site)
    temp = " ".join(
        f"{name}_temp_path {work / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (work / "main.conf").write_text(
        f"daemon off; master_process off; pid {work / 'nginx.pid'}; error_log {work / 'error.log'};"
        f"events {{}} http {{ access_log off; {temp} include {work / 'site.conf'}; }}"
    )
    yield from _run(["nginx", "-p", str(work), "-c", str(work / "main.conf")], port)


@pytest.fixture(scope="module")
def caddy(upstream: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if shutil.which("caddy") is None:
        pytest.skip("caddy is not installed here")
    work, port = tmp_path_factory.mktemp("caddy"), _port()
    site = (DEPLOY / "Caddyfile").read_text()
    site = site.replace("email ops@example.com", "admin off\n\tauto_https off")
    site = site.replace("pay.example.com {", f"http://:{port} {{")
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
    site = site.replace("private_ranges", "10.99.99.99/32")  # this test's requests: "outside"
    site = site.replace("output file /var/log/caddy/payments-access.log", "output discard")
    (work / "Caddyfile").write_text(site)
    command = ["caddy", "run", "--config", str(work / "Caddyfile"), "--adapter", "caddyfile"]
    yield from _run(command, port)


@pytest.mark.parametrize("path", SPELLINGS)
def test_nginx_holds_every_spelling_of_metrics(nginx: int, path: str) -> None:
    status, body, _ = _get(nginx, path, tls=True)
    assert status == 403 and "upstream" not in body, (path, status)


def test_nginx_passes_the_rest_on_and_hides_its_version(nginx: int) -> None:
    status, body, answer = _get(nginx, "/health", tls=True)
    assert status == 200 and body == "upstream /health"
    assert answer.getheader("Server") == "nginx"
    _, _, refused = _get(nginx, "/metrics", tls=True)
    assert refused.getheader("Server") == "nginx"


@pytest.mark.parametrize("path", SPELLINGS)
def test_caddy_holds_every_spelling_of_metrics(caddy: int, path: str) -> None:
    status, body, _ = _get(caddy, path, tls=False)
    assert status == 404 and "upstream" not in body, (path, status)


def test_caddy_passes_the_rest_on_with_the_services_referrer_policy(caddy: int) -> None:
    status, body, answer = _get(caddy, "/health", tls=False)
    assert status == 200 and body == "upstream /health"
    assert answer.getheader("Referrer-Policy") == "no-referrer"
    assert answer.getheader("Server") is None
