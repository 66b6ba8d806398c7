#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database at DATABASE_URL
# (environment, else .env), replacing what the backup holds.
#
#   scripts/restore.sh [--yes] FILE      (or: make restore file=FILE)
#
# Every table, sequence and the migration revision in the backup are dropped and
# recreated from it, in one transaction: on any error nothing changes. Objects the
# backup lacks (say, tables of a later migration) are left alone, so restore into
# a new, empty database when the schema has moved on. Asks for the database's name
# first unless --yes is given.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=_postgres.sh
. "$(dirname "$0")/_postgres.sh"

usage="usage: scripts/restore.sh [--yes] FILE"
yes=false
file=""
for argument in "$@"; do
    case $argument in
        -h | --help)
            sed -n '2,11s/^# \{0,1\}//p' "$0"
            exit 0
            ;;
        -y | --yes) yes=true ;;
        -*) die "unknown option $argument ($usage)" ;;
        *)
            [[ -z $file ]] || die "$usage"
            file=$argument
            ;;
    esac
done
[[ -n $file ]] || die "$usage"
[[ -f $file ]] || die "$file: no such file; nothing was restored"

parse_database_url "$(database_url)"
pg_restore=$(pg_program pg_restore)
if ! errors=$("$pg_restore" --list "$file" 2>&1 >/dev/null); then
    die "$file is not a backup made by scripts/backup.sh (pg_restore: ${errors##*: }); nothing was restored"
fi

if [[ $yes != true ]]; then
    [[ -t 0 ]] || die "this replaces the data in $PG_TARGET: pass --yes to run without a terminal; nothing was restored"
    printf 'This replaces the data in %s with %s.\nType the database name to go on: ' "$PG_TARGET" "$file" >&2
    read -r answer || answer=""
    [[ $answer == "$PG_DBNAME" ]] || die "not confirmed; nothing was restored"
fi

printf 'restoring %s into %s with %s\n' "$file" "$PG_TARGET" "$("$pg_restore" --version)" >&2
"$pg_restore" --clean --if-exists --no-owner --exit-on-error --single-transaction \
    --dbname="$PG_URI" "$file"
printf 'restored %s\n' "$file" >&2
