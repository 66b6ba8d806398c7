#!/usr/bin/env bash
# Back up the database at DATABASE_URL (environment, else .env) with pg_dump.
#
#   scripts/backup.sh [FILE]      (or: make backup [file=FILE])
#
# FILE defaults to backups/<dbname>-<UTC time>.dump in the project. The dump is
# written to a temporary file and renamed once pg_dump succeeded and the archive
# reads back, so a file with the final name is always a complete backup. Prints
# the path. Restore it with scripts/restore.sh.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=_postgres.sh
. "$(dirname "$0")/_postgres.sh"

case ${1:-} in
    -h | --help)
        sed -n '2,9s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
    -*) die "unknown option $1 (usage: scripts/backup.sh [FILE])" ;;
esac
[[ $# -le 1 ]] || die "usage: scripts/backup.sh [FILE]"

parse_database_url "$(database_url)"
pg_dump=$(pg_program pg_dump)
pg_restore=$(pg_program pg_restore)

# Backups hold every user's data: readable by their owner only.
umask 077
file=${1:-$PROJECT_ROOT/backups/${PG_DBNAME//[^A-Za-z0-9._-]/_}-$(date -u +%Y%m%dT%H%M%SZ).dump}
[[ ! -e $file ]] || die "$file exists; choose another file"
mkdir -p "$(dirname "$file")"

partial=$(mktemp "$(dirname "$file")/.$(basename "$file").partial.XXXXXX")
trap 'rm -f "$partial"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

printf 'backing up %s with %s\n' "$PG_TARGET" "$("$pg_dump" --version)" >&2
"$pg_dump" --format=custom --file="$partial" --dbname="$PG_URI"
"$pg_restore" --list "$partial" >/dev/null
mv -f "$partial" "$file"
printf '%s\n' "$file"
