"""Airflow DAGs of the registered integrations with id % 16 == 5 (built by include/airflow_adapter/dag_factory.py)."""

from include.airflow_adapter.dag_factory import dags_of_shard

globals().update(dags_of_shard(5))
