-- Current prices of the active products in the price zones of the integration's branches (Pricefy): a
-- snapshot, so a re-render sends the prices as they are then.
-- Parameters: tenant_id, branches (int[]); start and end are not used (the window is "today").
SELECT z.nome                 AS zona_preco,
       p.ean::text            AS ean,
       p.descricao            AS descricao,
       p.fabricante           AS fabricante,
       pr.preco               AS preco,
       pr.preco_promocional   AS preco_promocional
FROM erp.preco pr
JOIN erp.zona_preco z ON z.id = pr.zona_preco_id
JOIN erp.produto p ON p.id = pr.produto_id
WHERE z.tenant_id = %(tenant_id)s
  AND z.id IN (SELECT f.zona_preco_id FROM erp.filial f WHERE f.id = ANY(%(branches)s))
  AND p.ativo
