-- A task that only lists files a partner sent us (no period of ours was sent): it must never count as the
-- delivery of a day (the daily windows look for days without a delivered task).
ALTER TABLE integracao.tarefa DROP CONSTRAINT tarefa_origem_check;
ALTER TABLE integracao.tarefa ADD CONSTRAINT tarefa_origem_check
    CHECK (origem IN ('agendada', 'manual', 'reprocessamento', 'recebimento'));

-- What a card-sales reconciliation partner (BoaVista) says of each card payment we sent.
CREATE TABLE integracao.conciliacao_venda (
    integracao_id   integer NOT NULL REFERENCES integracao.integracao (id) ON DELETE CASCADE,
    venda_id        bigint NOT NULL REFERENCES erp.venda (id),
    nsu             varchar(12) NOT NULL,
    filial_id       integer NOT NULL REFERENCES erp.filial (id),
    data_venda      date NOT NULL,
    valor_enviado   numeric(14, 2) NOT NULL,
    valor_parceiro  numeric(14, 2),
    situacao        text NOT NULL CHECK (situacao IN ('conciliada', 'divergente', 'nao_encontrada')),
    consultada_em   timestamptz NOT NULL DEFAULT now(),
    arquivo_id      bigint NOT NULL REFERENCES integracao.arquivo (id),
    PRIMARY KEY (integracao_id, venda_id, nsu)
);
CREATE INDEX conciliacao_venda_consulta_idx ON integracao.conciliacao_venda (integracao_id, data_venda, filial_id);

-- Payments the acquirer made for card sales, as the partner reports them.
CREATE TABLE integracao.pagamento_recebido (
    integracao_id   integer NOT NULL REFERENCES integracao.integracao (id) ON DELETE CASCADE,
    venda_id        bigint NOT NULL REFERENCES erp.venda (id),
    nsu             varchar(12) NOT NULL,
    filial_id       integer NOT NULL REFERENCES erp.filial (id),
    data_venda      date NOT NULL,
    data_pagamento  date NOT NULL,
    valor_bruto     numeric(14, 2) NOT NULL,
    taxa            numeric(14, 2) NOT NULL,
    valor_liquido   numeric(14, 2) NOT NULL,
    arquivo_id      bigint NOT NULL REFERENCES integracao.arquivo (id),
    PRIMARY KEY (integracao_id, venda_id, nsu, data_pagamento)
);
CREATE INDEX pagamento_recebido_data_idx ON integracao.pagamento_recebido (integracao_id, data_pagamento, filial_id);
