# Image for every Airflow component of the production-like deployment (docker-compose.yaml). The base is the
# published Airflow image; `make test-containers` builds it on a stand-in made from Debian packages
# (tests/containers/airflow-base.Dockerfile) with --build-arg BASE=….
ARG BASE=apache/airflow:3.3.2-python3.11
FROM ${BASE}

USER airflow
COPY --chown=airflow:root requirements.txt /opt/integracoes/requirements.txt
RUN pip install --no-cache-dir -r /opt/integracoes/requirements.txt

COPY --chown=airflow:root config /opt/integracoes/config
COPY --chown=airflow:root dags /opt/integracoes/dags
COPY --chown=airflow:root plugins /opt/integracoes/plugins
COPY --chown=airflow:root include /opt/integracoes/include
COPY --chown=airflow:root scripts /opt/integracoes/scripts

WORKDIR /opt/integracoes
ENV PYTHONPATH=/opt/integracoes \
    AIRFLOW_CONFIG=/opt/integracoes/config/airflow.cfg \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/integracoes/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/integracoes/plugins \
    AIRFLOW__FAB__CONFIG_FILE=/opt/integracoes/config/webserver_config.py
