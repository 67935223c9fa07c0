-- Sales with customer identity (Trivio, loyalty/cashback): one line per identified sale.
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT to_char(v.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD HH24:MI:SS') AS data_hora,
       f.cnpj                                                             AS cnpj_filial,
       v.numero                                                           AS cupom,
       c.cpf                                                              AS cpf,
       c.nome                                                             AS nome,
       v.valor_total                                                      AS valor_total,
       v.desconto                                                         AS desconto
FROM erp.venda v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.cliente c ON c.id = v.cliente_id
WHERE v.tenant_id = %(tenant_id)s
  AND v.filial_id = ANY(%(branches)s)
  AND v.emitida_em >= %(start)s
  AND v.emitida_em < %(end)s
  AND NOT v.cancelada
