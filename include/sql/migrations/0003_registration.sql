-- Registration: accent/case-insensitive prefix search on descriptions, unique descriptions per tenant,
-- and the catalog's descriptive columns (synced from include/connectors/catalog.py).

CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes this wrapper
-- safe to declare IMMUTABLE, so it can feed a generated column and an index.
CREATE FUNCTION integracao.normalizar_busca(texto text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, texto));

ALTER TABLE integracao.integracao
    ADD COLUMN descricao_busca text GENERATED ALWAYS AS (integracao.normalizar_busca(descricao)) STORED;

CREATE INDEX integracao_busca_idx ON integracao.integracao (descricao_busca text_pattern_ops, id);
CREATE INDEX integracao_tenant_busca_idx ON integracao.integracao (tenant_id, descricao_busca text_pattern_ops, id);
-- The description identifies an integration within its tenant.
CREATE UNIQUE INDEX integracao_descricao_unica ON integracao.integracao (tenant_id, descricao_busca);

ALTER TABLE integracao.tipo_integracao
    ADD COLUMN negocio text NOT NULL DEFAULT '',
    ADD COLUMN dados text NOT NULL DEFAULT '',
    ADD COLUMN formato text NOT NULL DEFAULT '',
    ADD COLUMN transporte text NOT NULL DEFAULT '',
    ADD COLUMN direcao text NOT NULL DEFAULT 'out' CHECK (direcao IN ('out', 'in', 'both')),
    ADD COLUMN janela text NOT NULL DEFAULT '',
    ADD COLUMN vagas_parceiro integer NOT NULL DEFAULT 4 CHECK (vagas_parceiro > 0),
    ADD COLUMN ordem smallint NOT NULL DEFAULT 0;

CREATE INDEX integracao_filial_filial_idx ON integracao.integracao_filial (filial_id);
CREATE INDEX erp_filial_tenant_idx ON erp.filial (tenant_id, nome);
