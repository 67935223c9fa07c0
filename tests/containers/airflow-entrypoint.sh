#!/usr/bin/env bash
# The published Airflow image's entrypoint contract, as much of it as the deployment uses: migrate the
# metadata database when _AIRFLOW_DB_MIGRATE is true, create the first administrator when
# _AIRFLOW_WWW_USER_CREATE is true, then run `bash`/`python` commands as they are and anything else as an
# `airflow` subcommand.
set -euo pipefail
if [ "${_AIRFLOW_DB_MIGRATE:-}" = "true" ]; then
  airflow db migrate
fi
if [ "${_AIRFLOW_WWW_USER_CREATE:-}" = "true" ]; then
  airflow users create --username "${_AIRFLOW_WWW_USER_USERNAME:-admin}" --password "${_AIRFLOW_WWW_USER_PASSWORD}" \
    --firstname "${_AIRFLOW_WWW_USER_FIRSTNAME:-Airflow}" --lastname "${_AIRFLOW_WWW_USER_LASTNAME:-Admin}" \
    --email "${_AIRFLOW_WWW_USER_EMAIL:-airflowadmin@example.com}" --role "${_AIRFLOW_WWW_USER_ROLE:-Admin}" \
    || true  # already there after the first start
fi
case "${1:-}" in
  bash | python | python3 | "") exec "$@" ;;
  *) exec airflow "$@" ;;
esac
