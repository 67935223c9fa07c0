-- Sell-out per product, branch and day (Proffer): quantities and values summed in PostgreSQL.
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT to_char(v.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD') AS data,
       f.cnpj::text                                                       AS cnpj_filial,
       p.ean::text                                                        AS ean,
       sum(i.quantidade)                                                  AS quantidade,
       sum(i.valor_total)                                                 AS valor_total
FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.venda_item i ON i.venda_id = v.id
JOIN erp.produto p ON p.id = i.produto_id
GROUP BY 1, f.cnpj, p.ean
