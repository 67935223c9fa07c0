-- Propz (CRM): the products sold in the period (catalogue data only).
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT p.ean, p.descricao, p.fabricante, p.categoria
FROM erp.produto p
WHERE p.tenant_id = %(tenant_id)s
  AND EXISTS (SELECT 1 FROM erp.venda_item i JOIN erp.venda v ON v.id = i.venda_id
              WHERE i.produto_id = p.id AND v.tenant_id = %(tenant_id)s AND v.filial_id = ANY(%(branches)s)
                AND v.emitida_em >= %(start)s AND v.emitida_em < %(end)s AND NOT v.cancelada)
