-- Connector contract v2: a run may produce several files (one per data set of the partner), each with
-- its own content type; an integration whose type has no connector is paused with a visible reason.
ALTER TABLE integracao.arquivo
    ADD COLUMN conjunto text NOT NULL DEFAULT 'principal',
    ADD COLUMN tipo_conteudo text NOT NULL DEFAULT 'application/octet-stream';

ALTER TABLE integracao.tipo_integracao
    ADD COLUMN disponivel boolean NOT NULL DEFAULT false;
