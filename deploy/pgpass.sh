# Sourced by backup.sh and restore.sh. `without_password URL` writes URL's password into a
# password file of this run's own (0600, removed at exit), exports PGPASSFILE, and sets PGURL to
# URL without its password: pg_dump and pg_restore never see a password on their command line,
# where any user of the machine could read it (ps, /proc/<pid>/cmdline).
without_password() {
    PGPASSFILE=$(umask 077 && mktemp)
    export PGPASSFILE
    trap 'rm -f "$PGPASSFILE"' EXIT
    PGURL=$(DATABASE_URL_GIVEN="$1" python3 - "$PGPASSFILE" <<'PY'
import os
import sys
from urllib.parse import unquote, urlsplit, urlunsplit

parts = urlsplit(os.environ["DATABASE_URL_GIVEN"])
userinfo, _, host = parts.netloc.rpartition("@")
user, _, password = userinfo.partition(":")
with open(sys.argv[1], "w") as passfile:
    escaped = unquote(password).replace("\\", "\\\\").replace(":", "\\:")
    passfile.write(f"*:*:*:*:{escaped}\n")
print(urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host)))
PY
)
}
