#!/bin/sh
# Restore a backup made by backup.sh into the database at DATABASE_URL. Usage:
#   DATABASE_URL=postgresql://payments:...@db/payments_restored deploy/restore.sh FILE
# Restore into a new, empty database (createdb payments_restored), check it
# (`payments check` with DATABASE_URL pointing at it), then point the service at it.
# With --clean the objects of the target are dropped first (restoring over the live database:
# stop `payments serve` and `payments worker` before).
set -eu
: "${DATABASE_URL:?set DATABASE_URL to the database to restore into}"
CLEAN=""
if [ "${1:-}" = "--clean" ]; then
    CLEAN="--clean --if-exists"
    shift
fi
FILE=${1:?usage: restore.sh [--clean] FILE}
# The password reaches pg_restore through a password file, never its command line (pgpass.sh).
. "$(dirname "$0")/pgpass.sh"
without_password "$DATABASE_URL"
# shellcheck disable=SC2086 # CLEAN is two flags or none
pg_restore --no-owner --exit-on-error --single-transaction $CLEAN --dbname="$PGURL" "$FILE"
echo "restored $FILE into the database"
