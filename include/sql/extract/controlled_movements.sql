-- Controlled-medicine movements (SNGPC): entries and dispensations of one branch in a period, one XML
-- element per movement; the regulator's schema is checked by the partner (sandbox/schemas/sngpc.xsd).
-- Parameters: tenant_id, branches (int[], one branch per file), start and end (timestamptz, end exclusive).
SELECT m.tipo                                                                        AS tipo,
       to_char(m.ocorrido_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD"T"HH24:MI:SS') AS data_hora,
       f.cnpj::text                                                                  AS cnpj_filial,
       p.ean::text                                                                   AS ean,
       p.descricao                                                                   AS descricao,
       m.lote                                                                        AS lote,
       m.quantidade                                                                  AS quantidade,
       m.receita_numero                                                              AS receita,
       m.prescritor_crm                                                              AS crm_prescritor
FROM erp.movimento_controlado m
JOIN erp.filial f ON f.id = m.filial_id
JOIN erp.produto p ON p.id = m.produto_id
WHERE m.tenant_id = %(tenant_id)s
  AND m.filial_id = ANY(%(branches)s)
  AND m.ocorrido_em >= %(start)s
  AND m.ocorrido_em < %(end)s
