-- First start of the docker-compose PostgreSQL: the application database next to Airflow's.
CREATE DATABASE integracoes OWNER airflow;
