-- Propz (CRM): the customers who bought in the period, identified by the SHA-256 of the CPF; no name,
-- e-mail or phone leaves (the partner's contract does not need them).
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT encode(sha256(convert_to(c.cpf, 'UTF8')), 'hex')                  AS cliente_hash,
       extract(year FROM c.data_nascimento)::int                          AS ano_nascimento,
       count(*)::int                                                      AS compras,
       sum(v.valor_total)                                                 AS valor_total
FROM erp.venda v
JOIN erp.cliente c ON c.id = v.cliente_id
WHERE v.tenant_id = %(tenant_id)s
  AND v.filial_id = ANY(%(branches)s)
  AND v.emitida_em >= %(start)s
  AND v.emitida_em < %(end)s
  AND NOT v.cancelada
GROUP BY c.cpf, c.data_nascimento
