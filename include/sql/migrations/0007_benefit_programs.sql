-- Industry benefit programs (PBM): the program a product's sales are reported to, if any
-- (Benefícios Unifabra sends the items of these products).
ALTER TABLE erp.produto ADD COLUMN programa_beneficio text;
