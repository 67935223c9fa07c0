-- Propz (CRM): items of the period's sales.
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT f.cnpj               AS cnpj_filial,
       v.numero             AS cupom,
       i.sequencia          AS item,
       p.ean                AS ean,
       i.quantidade         AS quantidade,
       i.preco_unitario     AS preco_unitario,
       i.desconto           AS desconto,
       i.valor_total        AS valor_total
FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.venda_item i ON i.venda_id = v.id
JOIN erp.produto p ON p.id = i.produto_id
