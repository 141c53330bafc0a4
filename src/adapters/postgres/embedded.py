"""The embedded PostgreSQL (pgserver) used when no DATABASE_URL is given, and a helper to
make fresh databases on a server (tests)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

# pgserver picks its lock directory at import: `$XDG_RUNTIME_DIR`, which only a desktop or
# systemd user session sets; elsewhere platformdirs warns and falls back to /tmp/runtime-<uid>,
# which serves the same purpose. The warning says nothing the reader can act on.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from pgserver.postgres_server import PostgresServer, get_server

# Handles kept for the life of the process. pgserver counts the processes using a data
# directory and stops the server when the last of them exits.
_servers: dict[Path, PostgresServer] = {}


def embedded_database_url(data_dir: Path) -> str:
    """URL of a PostgreSQL server whose data lives in `data_dir`, started if needed.

    A second process given the same directory reuses the running server.
    """
    data_dir = data_dir.expanduser().resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = _servers.get(data_dir)
    if server is None:
        server = get_server(data_dir, cleanup_mode="stop")
        _forget_dead_users(server)
        _servers[data_dir] = server
    return str(server.get_uri())


def _forget_dead_users(server: PostgresServer) -> None:
    """pgserver stops the server when the last process using it exits, counting them in a file;
    a process that was killed (SIGKILL, a crash) stays counted forever, and the server would
    then never be stopped. The processes that no longer exist are removed from the count."""
    with server._lock:
        users = server.global_process_id_list
        users.put([pid for pid in users.get() if _alive(pid)])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def create_database(url: str, name: str) -> str:
    """Create the empty database `name` on the server at `url`; return its URL."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url_for(url, name)


def drop_database(url: str, name: str) -> None:
    """Drop the database `name` (closing its connections); `url` points to another one."""
    with psycopg.connect(url, autocommit=True) as conn:
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(statement.format(sql.Identifier(name)))


def database_url_for(url: str, name: str) -> str:
    """The same server URL (credentials, host, query) pointing at database `name`."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
