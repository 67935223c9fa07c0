-- Sell-out items of one tenant's branches in a movement period (calendar days, America/Sao_Paulo).
-- Row order is the data set's declared `order_by` (include/connectors), applied around this query.
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT f.codigo                                                          AS filial,
       f.cnpj                                                            AS cnpj_filial,
       to_char(v.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD') AS data,
       v.numero                                                          AS cupom,
       i.sequencia                                                       AS item,
       p.ean                                                             AS ean,
       p.descricao                                                       AS descricao,
       i.quantidade                                                      AS quantidade,
       i.preco_unitario                                                  AS preco_unitario,
       i.desconto                                                        AS desconto,
       i.valor_total                                                     AS valor_total,
       i.codigo_promocao                                                 AS codigo_promocao
FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.venda_item i ON i.venda_id = v.id
JOIN erp.produto p ON p.id = i.produto_id
