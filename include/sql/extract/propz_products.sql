-- Propz (CRM): the products sold in the period (catalogue data only).
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT p.ean, p.descricao, p.fabricante, p.categoria
FROM erp.produto p
WHERE p.tenant_id = %(tenant_id)s
  AND EXISTS (SELECT 1
              FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
              JOIN erp.venda_item i ON i.venda_id = v.id
              WHERE i.produto_id = p.id)
