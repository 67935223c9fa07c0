-- Sales with customer identity (Trivio, loyalty/cashback): one line per identified sale.
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT to_char(v.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD HH24:MI:SS') AS data_hora,
       f.cnpj                                                             AS cnpj_filial,
       v.numero                                                           AS cupom,
       c.cpf                                                              AS cpf,
       c.nome                                                             AS nome,
       v.valor_total                                                      AS valor_total,
       v.desconto                                                         AS desconto
FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.cliente c ON c.id = v.cliente_id
