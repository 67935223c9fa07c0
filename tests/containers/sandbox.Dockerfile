# The partner sandbox as a container beside the deployment (tests only), on the product image it imports from:
# HTTPS control API, SFTP partners; and, run as `python -m moto.server`, the S3 stand-in for MinIO.
ARG PRODUCT=localhost/integracoes-airflow:latest
FROM ${PRODUCT}
COPY --chown=airflow:root requirements-dev.txt /opt/integracoes/requirements-dev.txt
RUN pip install --no-cache-dir -c /opt/integracoes/requirements-dev.txt aiosmtpd "moto[server]"
COPY --chown=airflow:root sandbox /opt/integracoes/sandbox
ENTRYPOINT []
