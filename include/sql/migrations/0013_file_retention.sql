-- Generated and received files are kept for a while (INTEGRACOES_FILE_RETENTION_DAYS, 90 by default), then
-- their bytes are removed from storage; the row stays (what was sent, when, its sha256) marked expired, so
-- the client sees "arquivo expirado" instead of a broken download.
ALTER TABLE integracao.arquivo ADD COLUMN expirado_em timestamptz;
-- The expiry job reads the oldest unexpired files first, a batch at a time.
CREATE INDEX arquivo_a_expirar_idx ON integracao.arquivo (criado_em) WHERE expirado_em IS NULL;
