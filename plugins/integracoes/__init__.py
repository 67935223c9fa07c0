"""Integrações web application (JSON API and pages) mounted by the Airflow plugin at /integracoes."""
