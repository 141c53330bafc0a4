#!/bin/sh
# Back up the service's database in pg_dump's custom format (compressed, restorable table by
# table with pg_restore). Usage:
#   DATABASE_URL=postgresql://payments:...@db/payments deploy/backup.sh [FILE]
# FILE defaults to $BACKUP_DIR/payments-YYYYmmddTHHMMSSZ.dump (BACKUP_DIR defaults to
# /var/backups/payments); backups older than $KEEP_DAYS days (default 14) in BACKUP_DIR are
# removed. The dump is consistent (one snapshot) and taken while the service runs.
# pg_dump must be of the server's major version or newer.
# The password never appears on a command line (any user of the machine can read those): it
# goes to pg_dump through a password file of this run's own, readable by its owner only
# (pgpass.sh).
# The folders it makes and the dump are readable by their owner only (the dump holds every
# store's data).
set -eu
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
umask 077
BACKUP_DIR=${BACKUP_DIR:-/var/backups/payments}
KEEP_DAYS=${KEEP_DAYS:-14}
FILE=${1:-$BACKUP_DIR/payments-$(date -u +%Y%m%dT%H%M%SZ).dump}

mkdir -p "$(dirname "$FILE")"
if [ -z "${1:-}" ]; then
    chmod 700 "$BACKUP_DIR"
fi

. "$(dirname "$0")/pgpass.sh"
without_password "$DATABASE_URL"

pg_dump --format=custom --compress=6 --no-owner --file="$FILE.partial" --dbname="$PGURL"
mv "$FILE.partial" "$FILE"
echo "backup written: $FILE ($(wc -c <"$FILE") bytes)"

if [ -z "${1:-}" ]; then
    find "$BACKUP_DIR" -name 'payments-*.dump' -mtime +"$KEEP_DAYS" -delete
fi
