-- Purchase events with customer identity (NaapYes, Dito, Ligo): one event per identified sale committed in
-- the incremental window (erp.vendas_da_janela), its items nested as a JSON array.
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive), snapshot_start and
-- snapshot_end (the window; NULL: the period by dates).
SELECT 'venda-' || f.codigo || '-' || v.numero                               AS id_evento,
       'comprou'                                                             AS acao,
       to_char(v.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD"T"HH24:MI:SS') AS ocorrido_em,
       c.cpf                                                                 AS cliente_cpf,
       c.nome                                                                AS cliente_nome,
       c.email                                                               AS cliente_email,
       f.codigo                                                              AS filial,
       v.numero                                                              AS cupom,
       v.valor_total                                                         AS valor_total,
       (SELECT json_agg(json_build_object('ean', p.ean, 'descricao', p.descricao, 'quantidade', i.quantidade,
                                          'valor_total', i.valor_total) ORDER BY i.sequencia)
        FROM erp.venda_item i JOIN erp.produto p ON p.id = i.produto_id
        WHERE i.venda_id = v.id)                                             AS itens
FROM erp.vendas_da_janela(%(tenant_id)s::int, %(branches)s::int[], %(start)s, %(end)s,
                          %(snapshot_start)s::pg_snapshot, %(snapshot_end)s::pg_snapshot) v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.cliente c ON c.id = v.cliente_id
