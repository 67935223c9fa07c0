-- The sales of a period, as every extraction of sales sees them: one tenant's branches, [start, end) in
-- timestamps, cancelled sales left out. A plain SQL function PostgreSQL inlines into the calling query
-- (the plan is the same as with the conditions written out; PARALLEL SAFE, or the planner would give up
-- parallel workers for every query using it), so the rule lives in one place.
CREATE FUNCTION erp.vendas_do_periodo(p_tenant integer, p_filiais integer[], p_inicio timestamptz,
                                      p_fim timestamptz)
RETURNS SETOF erp.venda
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT * FROM erp.venda v
    WHERE v.tenant_id = p_tenant
      AND v.filial_id = ANY(p_filiais)
      AND v.emitida_em >= p_inicio
      AND v.emitida_em < p_fim
      AND NOT v.cancelada
$$;
