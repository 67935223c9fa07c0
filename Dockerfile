# Image for every Airflow component of the production-like deployment (docker-compose.yaml).
FROM apache/airflow:3.3.2-python3.11

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
