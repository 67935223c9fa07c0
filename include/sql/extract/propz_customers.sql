-- Propz (CRM): the customers who bought in the period, identified by the SHA-256 of the CPF; no name,
-- e-mail or phone leaves (the partner's contract does not need them).
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT encode(sha256(convert_to(c.cpf, 'UTF8')), 'hex')                  AS cliente_hash,
       extract(year FROM c.data_nascimento)::int                          AS ano_nascimento,
       count(*)::int                                                      AS compras,
       sum(v.valor_total)                                                 AS valor_total
FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
JOIN erp.cliente c ON c.id = v.cliente_id
GROUP BY c.cpf, c.data_nascimento
