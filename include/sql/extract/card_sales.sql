-- Card payments of the period's sales (BoaVista): one line per payment, for the partner to reconcile with
-- the acquirers. Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT f.cnpj::text                                                        AS cnpj_filial,
       to_char(v.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD') AS data,
       v.numero                                                            AS cupom,
       pc.valor                                                            AS valor_total,
       pc.bandeira                                                         AS bandeira,
       pc.modalidade                                                       AS modalidade,
       pc.parcelas                                                         AS parcelas,
       pc.nsu::text                                                        AS nsu,
       pc.autorizacao::text                                                AS autorizacao
FROM erp.vendas_do_periodo(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s) v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.pagamento_cartao pc ON pc.venda_id = v.id
