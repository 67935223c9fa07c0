-- Administration by support agents: tenants that can be deactivated, the product's view of its users
-- (FAB keeps the credentials; this keeps what an agent decided and the user's language), and an audit
-- trail that can be searched by tenant and can never be rewritten.

-- A deactivated tenant's integrations pause (their own Situação is kept for when it comes back) and its
-- users who belong to no other active tenant can no longer sign in.
ALTER TABLE integracao.tenant
    ADD COLUMN ativo boolean NOT NULL DEFAULT true,
    ADD COLUMN atualizado_em timestamptz NOT NULL DEFAULT now();

-- One row per user the product manages. `ativo` is the agent's decision; FAB's own `active` flag is
-- derived from it and from the user's tenants (include/integracoes/users.py keeps them in step).
CREATE TABLE integracao.usuario (
    username        text PRIMARY KEY CHECK (btrim(username) <> ''),
    ativo           boolean NOT NULL DEFAULT true,
    idioma          text CHECK (idioma IN ('pt-BR', 'en')),
    criado_em       timestamptz NOT NULL DEFAULT now(),
    atualizado_em   timestamptz NOT NULL DEFAULT now()
);

-- The audit trail, searchable by tenant: every row names the tenant its object belongs to (null for
-- objects of no tenant, such as a support agent's account).
ALTER TABLE integracao.auditoria ADD COLUMN tenant_id integer REFERENCES integracao.tenant (id);
UPDATE integracao.auditoria a SET tenant_id = i.tenant_id
  FROM integracao.integracao i WHERE a.entidade = 'integracao' AND i.id::text = a.entidade_id;
UPDATE integracao.auditoria a SET tenant_id = z.tenant_id
  FROM erp.zona_preco z WHERE a.entidade = 'erp.preco' AND z.id::text = split_part(a.entidade_id, ':', 1);
UPDATE integracao.auditoria a SET tenant_id = f.tenant_id
  FROM erp.filial f WHERE a.entidade IN ('erp.estoque', 'erp.pedido_reposicao')
   AND f.id::text = split_part(a.entidade_id, ':', 1);
UPDATE integracao.auditoria a SET tenant_id = ar.tenant_id
  FROM (SELECT ar.id, i.tenant_id FROM integracao.arquivo ar
          JOIN integracao.tarefa t ON t.id = ar.tarefa_id
          JOIN integracao.integracao i ON i.id = t.integracao_id) ar
 WHERE a.tenant_id IS NULL AND a.arquivo_id = ar.id;
-- Rows written while applying a received file name the file; their tenant is the file's.
CREATE FUNCTION integracao.auditoria_tenant_do_arquivo() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.tenant_id IS NULL AND NEW.arquivo_id IS NOT NULL THEN
        SELECT i.tenant_id INTO NEW.tenant_id FROM integracao.arquivo ar
          JOIN integracao.tarefa t ON t.id = ar.tarefa_id
          JOIN integracao.integracao i ON i.id = t.integracao_id
         WHERE ar.id = NEW.arquivo_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER auditoria_tenant_do_arquivo BEFORE INSERT ON integracao.auditoria
    FOR EACH ROW EXECUTE FUNCTION integracao.auditoria_tenant_do_arquivo();
CREATE INDEX auditoria_registrado_idx ON integracao.auditoria (registrado_em DESC, id DESC);
CREATE INDEX auditoria_tenant_idx ON integracao.auditoria (tenant_id, registrado_em DESC);
CREATE INDEX auditoria_usuario_idx ON integracao.auditoria (username, registrado_em DESC);

-- Nothing in the product may change or remove what was recorded: the database refuses it.
CREATE FUNCTION integracao.auditoria_somente_insercao() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'integracao.auditoria is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER auditoria_somente_insercao BEFORE UPDATE OR DELETE ON integracao.auditoria
    FOR EACH ROW EXECUTE FUNCTION integracao.auditoria_somente_insercao();
CREATE TRIGGER auditoria_sem_truncate BEFORE TRUNCATE ON integracao.auditoria
    FOR EACH STATEMENT EXECUTE FUNCTION integracao.auditoria_somente_insercao();

-- A contract may end while inactive integrations of its type remain (they keep their history and files);
-- the service layer refuses to register or reactivate an integration of a type not contracted.
ALTER TABLE integracao.integracao DROP CONSTRAINT integracao_tenant_id_tipo_codigo_fkey;
