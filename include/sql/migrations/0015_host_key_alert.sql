-- An SFTP server that offers another host key than the one an agent confirmed is a security event: it opens an
-- alert of its own at the first failure ('chave_sftp'), without waiting for several failures in a row.
ALTER TABLE integracao.saude DROP CONSTRAINT saude_alerta_aberto_check;
ALTER TABLE integracao.saude ADD CONSTRAINT saude_alerta_aberto_check
    CHECK (alerta_aberto IN ('falhas', 'atraso', 'chave_sftp'));
ALTER TABLE integracao.alerta DROP CONSTRAINT alerta_tipo_check;
ALTER TABLE integracao.alerta ADD CONSTRAINT alerta_tipo_check
    CHECK (tipo IN ('falhas', 'atraso', 'normalizado', 'chave_sftp'));
