-- Products whose data, price or stock changed in [start, end) — the incremental window's cutoffs — with
-- their current price (the branch's zone) and stock, one line per branch (Control Shop).
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT f.cnpj::text                                      AS cnpj_filial,
       p.ean::text                                       AS ean,
       p.descricao                                       AS descricao,
       p.fabricante                                      AS fabricante,
       p.ativo                                           AS ativo,
       pr.preco                                          AS preco,
       pr.preco_promocional                              AS preco_promocional,
       coalesce(e.quantidade, 0)                         AS estoque,
       to_char(greatest(p.atualizado_em, pr.atualizado_em, e.atualizado_em) AT TIME ZONE 'America/Sao_Paulo',
               'YYYY-MM-DD"T"HH24:MI:SS')                AS alterado_em
FROM erp.filial f
JOIN erp.produto p ON p.tenant_id = f.tenant_id
LEFT JOIN erp.preco pr ON pr.zona_preco_id = f.zona_preco_id AND pr.produto_id = p.id
LEFT JOIN erp.estoque e ON e.filial_id = f.id AND e.produto_id = p.id
WHERE f.tenant_id = %(tenant_id)s
  AND f.id = ANY(%(branches)s)
  AND greatest(p.atualizado_em, pr.atualizado_em, e.atualizado_em) >= %(start)s
  AND greatest(p.atualizado_em, pr.atualizado_em, e.atualizado_em) < %(end)s
