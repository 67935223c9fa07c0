-- Task lifecycle: a scheduled run may open several tasks (one per missed day of a daily window), so an
-- attempt is unique per task and run; incremental windows keep their exact cutoffs.

ALTER TABLE integracao.tarefa_tentativa DROP CONSTRAINT tarefa_tentativa_dag_id_run_id_key;
ALTER TABLE integracao.tarefa_tentativa ADD CONSTRAINT tarefa_tentativa_unica UNIQUE (tarefa_id, dag_id, run_id);
CREATE INDEX tarefa_tentativa_run_idx ON integracao.tarefa_tentativa (dag_id, run_id);

ALTER TABLE integracao.tarefa
    ADD COLUMN corte_inicial timestamptz,
    ADD COLUMN corte_final timestamptz,
    ADD CONSTRAINT tarefa_corte_ordenado CHECK (corte_final IS NULL OR corte_inicial IS NULL OR corte_final > corte_inicial);

-- "Which days are already delivered" and the Tarefas tab both read an integration's tasks by status.
CREATE INDEX tarefa_integracao_situacao_idx ON integracao.tarefa (integracao_id, situacao, data_inicial);
