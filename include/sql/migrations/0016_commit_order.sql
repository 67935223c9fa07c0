-- Incremental windows follow commit order, not the rows' own dates. A sale an offline point of sale syncs
-- hours after its `emitida_em`, or an order committed after a window's cutoff, used to land behind a cutoff
-- already delivered and was never sent.
--
-- Every row an incremental partner reads carries the id of the transaction that last wrote it (`transacao`,
-- set on insert by its default and on update by a trigger), and a task keeps the snapshot its window ends
-- at (`pg_current_snapshot()`). A window is "visible in my snapshot, not visible in my predecessor's": every
-- committed row enters exactly one window, whatever its dates say and however long its transaction ran,
-- with no lag to guess. A transaction id is 64-bit (xid8): it never wraps around.
--
-- Rows written before this migration read as transaction 3 (the first normal id): committed before any
-- snapshot. The constant default adds the column without rewriting the table; the volatile one follows.

CREATE FUNCTION erp.marca_transacao() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.transacao := pg_current_xact_id();
    RETURN NEW;
END
$$;

ALTER TABLE erp.venda ADD COLUMN transacao xid8 NOT NULL DEFAULT '3';
ALTER TABLE erp.venda ALTER COLUMN transacao SET DEFAULT pg_current_xact_id();
CREATE TRIGGER venda_transacao BEFORE UPDATE ON erp.venda FOR EACH ROW EXECUTE FUNCTION erp.marca_transacao();
-- One tenant's window: from the predecessor's oldest running transaction to the snapshot's end.
CREATE INDEX venda_transacao_idx ON erp.venda (tenant_id, transacao);

ALTER TABLE erp.pedido_reposicao ADD COLUMN transacao xid8 NOT NULL DEFAULT '3';
ALTER TABLE erp.pedido_reposicao ALTER COLUMN transacao SET DEFAULT pg_current_xact_id();
CREATE TRIGGER pedido_reposicao_transacao BEFORE UPDATE ON erp.pedido_reposicao
    FOR EACH ROW EXECUTE FUNCTION erp.marca_transacao();
CREATE INDEX pedido_reposicao_transacao_idx ON erp.pedido_reposicao (tenant_id, transacao);

-- Catalogue changes (Control Shop): products, prices and stock. No index: a tenant's catalogue is read whole
-- per window, and an index on a column every stock movement changes would cost those updates their HOT path.
ALTER TABLE erp.produto ADD COLUMN transacao xid8 NOT NULL DEFAULT '3';
ALTER TABLE erp.produto ALTER COLUMN transacao SET DEFAULT pg_current_xact_id();
CREATE TRIGGER produto_transacao BEFORE UPDATE ON erp.produto FOR EACH ROW EXECUTE FUNCTION erp.marca_transacao();
ALTER TABLE erp.preco ADD COLUMN transacao xid8 NOT NULL DEFAULT '3';
ALTER TABLE erp.preco ALTER COLUMN transacao SET DEFAULT pg_current_xact_id();
CREATE TRIGGER preco_transacao BEFORE UPDATE ON erp.preco FOR EACH ROW EXECUTE FUNCTION erp.marca_transacao();
ALTER TABLE erp.estoque ADD COLUMN transacao xid8 NOT NULL DEFAULT '3';
ALTER TABLE erp.estoque ALTER COLUMN transacao SET DEFAULT pg_current_xact_id();
CREATE TRIGGER estoque_transacao BEFORE UPDATE ON erp.estoque FOR EACH ROW EXECUTE FUNCTION erp.marca_transacao();

-- Whether a row's transaction falls in a window: committed in `ate` and not in `antes` (NULL: the first
-- window, from the start the agent chose). `ate` NULL: no window (a manual period reads by dates alone).
CREATE FUNCTION erp.na_janela(p_transacao xid8, p_antes pg_snapshot, p_ate pg_snapshot)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT p_ate IS NULL
        OR (pg_visible_in_snapshot(p_transacao, p_ate)
            AND (p_antes IS NULL OR NOT pg_visible_in_snapshot(p_transacao, p_antes)))
$$;

-- The sales of an incremental window (or, without one, of a period): the window's bounds are written out
-- beside the test so the (tenant_id, transacao) index serves them — ids below the predecessor's xmin were all
-- committed in it, ids from the snapshot's xmax on were not yet running.
CREATE FUNCTION erp.vendas_da_janela(p_tenant integer, p_filiais integer[], p_inicio timestamptz,
                                     p_fim timestamptz, p_antes pg_snapshot, p_ate pg_snapshot)
RETURNS SETOF erp.venda
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT * FROM erp.venda v
    WHERE v.tenant_id = p_tenant
      AND v.filial_id = ANY(p_filiais)
      AND v.emitida_em >= p_inicio
      AND v.emitida_em < p_fim
      AND v.transacao >= coalesce(pg_snapshot_xmin(p_antes), '0')
      AND v.transacao < coalesce(pg_snapshot_xmax(p_ate), '18446744073709551615')
      AND erp.na_janela(v.transacao, p_antes, p_ate)
      AND NOT v.cancelada
$$;

-- A task's window: the snapshot it ends at, and its predecessor's (where it starts). A window after a task
-- delivered before this migration (no snapshot) starts at that task's time cutoff, like a first window.
ALTER TABLE integracao.tarefa
    ADD COLUMN snapshot_inicial pg_snapshot,
    ADD COLUMN snapshot_final pg_snapshot;

-- Late rows of days already delivered (include/integracoes/late_rows.py): a daily file's rows are placed in days
-- by a sale's, a purchase's or a controlled movement's own time; one committed after its day's file was read
-- is a row that file lacks. Purchases and controlled movements carry their transaction too, and each file keeps
-- the snapshot it was read in: a row of its days not committed in that snapshot came late.
ALTER TABLE erp.compra ADD COLUMN transacao xid8 NOT NULL DEFAULT '3';
ALTER TABLE erp.compra ALTER COLUMN transacao SET DEFAULT pg_current_xact_id();
CREATE TRIGGER compra_transacao BEFORE UPDATE ON erp.compra FOR EACH ROW EXECUTE FUNCTION erp.marca_transacao();
CREATE INDEX compra_transacao_idx ON erp.compra (tenant_id, transacao);
ALTER TABLE erp.movimento_controlado ADD COLUMN transacao xid8 NOT NULL DEFAULT '3';
ALTER TABLE erp.movimento_controlado ALTER COLUMN transacao SET DEFAULT pg_current_xact_id();
CREATE TRIGGER movimento_controlado_transacao BEFORE UPDATE ON erp.movimento_controlado
    FOR EACH ROW EXECUTE FUNCTION erp.marca_transacao();
CREATE INDEX movimento_controlado_transacao_idx ON erp.movimento_controlado (tenant_id, transacao);

ALTER TABLE integracao.arquivo ADD COLUMN snapshot pg_snapshot;

-- A corrective task re-sends a delivered day whose rows changed since (late rows, cancellations): its file
-- replaces the earlier one at the partner.
ALTER TABLE integracao.tarefa DROP CONSTRAINT tarefa_origem_check;
ALTER TABLE integracao.tarefa ADD CONSTRAINT tarefa_origem_check
    CHECK (origem IN ('agendada', 'manual', 'reprocessamento', 'recebimento', 'correcao'));

-- "Enviar a partir de": the first day an incremental integration sends (its first window starts there, like an
-- initial sync); NULL: the day it was registered.
ALTER TABLE integracao.integracao ADD COLUMN enviar_a_partir_de date;
