# The test stand-in for the published postgres image, from Debian's PostgreSQL 15: same contract as far as the
# deployment uses it (POSTGRES_USER/PASSWORD/DB, scripts in /docker-entrypoint-initdb.d on the first start,
# data under /var/lib/postgresql, pg_isready for the healthcheck).
FROM localhost/integracoes-debian:bookworm
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /docker-entrypoint-initdb.d /run/postgresql \
 && chown postgres:postgres /run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
