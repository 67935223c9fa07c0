# The test stand-in for the published Airflow image (apache/airflow:…-python3.11), built from Debian packages
# where no registry can be pulled: Python 3.11 in a virtualenv the `airflow` user (uid 50000, group 0) installs
# into, curl for the healthchecks, dumb-init as PID 1, and an entrypoint that keeps the published image's
# contract (tests/containers/airflow-entrypoint.sh). Airflow itself comes from the product's requirements.txt,
# which the repository's Dockerfile installs on top, as it does on the published image.
FROM localhost/integracoes-debian:bookworm

RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        python3 python3-venv ca-certificates curl dumb-init procps \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 50000 --gid 0 --create-home --home-dir /home/airflow airflow \
 && mkdir -p /opt/airflow/logs /opt/venv && chown -R airflow:0 /opt/airflow /opt/venv \
 && chmod -R g+rwX /opt/airflow

# The build machine's CA bundle: pip reaches PyPI through whatever this machine trusts.
COPY ca-bundle.crt /etc/ssl/certs/build-ca-bundle.crt
COPY airflow-entrypoint.sh /entrypoint
ENV PATH=/opt/venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    PIP_CERT=/etc/ssl/certs/build-ca-bundle.crt \
    PIP_DISABLE_PIP_VERSION_CHECK=1
USER airflow
RUN python3 -m venv /opt/venv && pip install -q --no-cache-dir --upgrade pip==25.3
WORKDIR /opt/airflow
ENTRYPOINT ["/usr/bin/dumb-init", "--", "/entrypoint"]
CMD []
