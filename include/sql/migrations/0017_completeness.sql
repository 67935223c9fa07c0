-- What a daily partner holds, per delivered day: the rows its files carried and the ERP rows of the day
-- committed after those files were read (a sale an offline point of sale synced late, a sale cancelled since).
-- Kept by include/integracoes/completeness.py when a day is delivered, at each wake-up and by the reconciler;
-- the Painel and the integration page read this table, never the ERP.
CREATE TABLE integracao.completude (
    integracao_id   integer NOT NULL REFERENCES integracao.integracao (id) ON DELETE CASCADE,
    dia             date NOT NULL,
    tarefa_id       bigint NOT NULL REFERENCES integracao.tarefa (id) ON DELETE CASCADE,
    linhas_enviadas bigint NOT NULL CHECK (linhas_enviadas >= 0),
    faltando        bigint NOT NULL DEFAULT 0 CHECK (faltando >= 0),
    corrigido       boolean NOT NULL DEFAULT false,
    verificado_em   timestamptz NOT NULL DEFAULT now(),
    -- When the day's "nothing will correct it" alert went out (cleared when the day matches again).
    alertado_em     timestamptz,
    PRIMARY KEY (integracao_id, dia)
);
-- The Painel's list of days short of rows.
CREATE INDEX completude_faltando_idx ON integracao.completude (dia) WHERE faltando > 0;

ALTER TABLE integracao.alerta DROP CONSTRAINT alerta_tipo_check;
ALTER TABLE integracao.alerta ADD CONSTRAINT alerta_tipo_check
    CHECK (tipo IN ('falhas', 'atraso', 'normalizado', 'chave_sftp', 'incompleto'));
