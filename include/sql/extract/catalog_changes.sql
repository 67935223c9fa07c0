-- Products whose data, price or stock changed in the incremental window (a change committed in it: any of
-- the three rows written by a transaction of the window), with their current price (the branch's zone) and
-- stock, one line per branch (Control Shop). `alterado_em` is the latest of the rows' own change times.
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive: the change times,
-- when there is no window), snapshot_start and snapshot_end (the window).
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
  AND (erp.na_janela(p.transacao, %(snapshot_start)s::pg_snapshot, %(snapshot_end)s::pg_snapshot)
       OR erp.na_janela(pr.transacao, %(snapshot_start)s::pg_snapshot, %(snapshot_end)s::pg_snapshot)
       OR erp.na_janela(e.transacao, %(snapshot_start)s::pg_snapshot, %(snapshot_end)s::pg_snapshot))
