"""JSON API routers of /integracoes/api/v1 (the public contract)."""
