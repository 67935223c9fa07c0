-- Sell-out per product, branch and day for Linked Farma (Gruppy), with the chain's code in the network
-- (codigo_rede, from the integration's configuration) on every line.
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive), codigo_rede.
SELECT %(codigo_rede)s::text                                             AS codigo_rede,
       to_char(v.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD') AS data,
       f.cnpj::text                                                       AS cnpj_filial,
       p.ean::text                                                        AS ean,
       p.descricao                                                        AS descricao,
       sum(i.quantidade)                                                  AS quantidade,
       sum(i.valor_total)                                                 AS valor_total
FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.venda_item i ON i.venda_id = v.id
JOIN erp.produto p ON p.id = i.produto_id
GROUP BY 2, f.cnpj, p.ean, p.descricao
