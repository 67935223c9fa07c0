-- Product master data with the current price in each price zone of the integration's branches (Proffer):
-- a snapshot, so every day sends the prices as they are then.
-- Parameters: tenant_id, branches (int[]); start and end are not used.
SELECT p.ean::text    AS ean,
       p.descricao    AS descricao,
       p.fabricante   AS fabricante,
       p.categoria    AS categoria,
       z.nome         AS zona,
       pr.preco       AS preco
FROM erp.preco pr
JOIN erp.zona_preco z ON z.id = pr.zona_preco_id
JOIN erp.produto p ON p.id = pr.produto_id
WHERE z.tenant_id = %(tenant_id)s
  AND z.id IN (SELECT f.zona_preco_id FROM erp.filial f WHERE f.id = ANY(%(branches)s))
  AND p.ativo
