"""The embedded PostgreSQL (pgserver) used when no DATABASE_URL is given, and a helper to
make fresh databases on a server (tests)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from pgserver.postgres_server import PostgresServer, get_server
from psycopg import sql

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
        _servers[data_dir] = server
    return str(server.get_uri())


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
