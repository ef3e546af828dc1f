#!/bin/sh
# Runs once, when the postgres container creates its database (docker-entrypoint-initdb.d): a role
# that may only read, for the API service. The crawler's role creates the tables later; the default
# privileges below give the reader each of them as it is created.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v reader="${READER_USER:-unjobs_reader}" -v password="$READER_PASSWORD" -v owner="$POSTGRES_USER" <<'SQL'
CREATE ROLE :"reader" LOGIN PASSWORD :'password';
GRANT CONNECT ON DATABASE :"DBNAME" TO :"reader";
GRANT USAGE ON SCHEMA public TO :"reader";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"reader";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO :"reader";
SQL
