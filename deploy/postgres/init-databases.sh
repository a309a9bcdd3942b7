#!/bin/sh
# Runs once, when the PostgreSQL data volume is first initialised (mounted into
# /docker-entrypoint-initdb.d by docker-compose.yml). One server, one database and one
# login role per service: a service can connect only to its own database.
#
# Needs EVENTS_DB_PASSWORD, REGISTRATIONS_DB_PASSWORD and NOTIFICATIONS_DB_PASSWORD in the
# environment of the postgres container. Changing them later does not re-run this script:
# use ALTER ROLE ... PASSWORD (see deploy/README.md).
set -eu

create_service_db() {
    service="$1"
    password="$2"
    if [ -z "$password" ]; then
        echo "init-databases: the password for $service is empty" >&2
        exit 1
    fi
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
         -v role="$service" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'role', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'role') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'role') \gexec
SQL
    # PostgreSQL >= 15 no longer lets everyone create in schema public; the owner may
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$service" \
         -c "ALTER SCHEMA public OWNER TO \"$service\";"
    echo "init-databases: database and role \"$service\" ready"
}

create_service_db events "${EVENTS_DB_PASSWORD:-}"
create_service_db registrations "${REGISTRATIONS_DB_PASSWORD:-}"
create_service_db notifications "${NOTIFICATIONS_DB_PASSWORD:-}"
