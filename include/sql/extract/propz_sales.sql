-- Propz (CRM): sales of the period; the customer only as the SHA-256 of the CPF (never the CPF itself).
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT f.cnpj                                                             AS cnpj_filial,
       v.numero                                                           AS cupom,
       to_char(v.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD HH24:MI:SS') AS data_hora,
       encode(sha256(convert_to(c.cpf, 'UTF8')), 'hex')                   AS cliente_hash,
       v.valor_total                                                      AS valor_total,
       v.desconto                                                         AS desconto
FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
JOIN erp.filial f ON f.id = v.filial_id
LEFT JOIN erp.cliente c ON c.id = v.cliente_id
