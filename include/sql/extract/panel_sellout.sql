-- Sell-out per product and branch per day for the sell-out panels (Audit, IQVIA; fixed-width); the
-- panel's code of the pharmacy comes from the integration's configuration (codigo_painel).
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive), codigo_painel.
SELECT '2'                                                                  AS tipo_registro,
       %(codigo_painel)s::text                                              AS codigo_painel,
       to_char(v.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYYMMDD')   AS data,
       f.cnpj::text                                                         AS cnpj_filial,
       p.ean::text                                                          AS ean,
       sum(i.quantidade)                                                    AS quantidade,
       sum(i.valor_total)                                                   AS valor_total
FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.venda_item i ON i.venda_id = v.id
JOIN erp.produto p ON p.id = i.produto_id
GROUP BY 3, f.cnpj, p.ean
