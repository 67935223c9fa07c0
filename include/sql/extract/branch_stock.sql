-- Stock per branch and product (WebCompras): a snapshot of the quantities now, whatever the period.
-- Parameters: tenant_id, branches (int[]); start and end are not used.
SELECT f.cnpj::text     AS cnpj_filial,
       p.ean::text      AS ean,
       e.quantidade     AS quantidade
FROM erp.estoque e
JOIN erp.filial f ON f.id = e.filial_id
JOIN erp.produto p ON p.id = e.produto_id
WHERE f.tenant_id = %(tenant_id)s
  AND e.filial_id = ANY(%(branches)s)
