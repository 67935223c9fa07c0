-- Sales items of products in an industry benefit program (Benefícios Unifabra, PBM), with the pharmacy's
-- code in the program (codigo_farmacia, from the integration's configuration).
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive), codigo_farmacia.
SELECT %(codigo_farmacia)s::text                                            AS codigo_farmacia,
       p.programa_beneficio                                                 AS programa,
       f.cnpj::text                                                         AS cnpj_filial,
       to_char(v.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD')  AS data,
       v.numero                                                             AS cupom,
       i.sequencia                                                          AS item,
       p.ean::text                                                          AS ean,
       i.quantidade                                                         AS quantidade,
       i.preco_unitario                                                     AS preco_unitario,
       i.desconto                                                           AS desconto,
       i.valor_total                                                        AS valor_total
FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.venda_item i ON i.venda_id = v.id
JOIN erp.produto p ON p.id = i.produto_id
WHERE p.programa_beneficio IS NOT NULL
