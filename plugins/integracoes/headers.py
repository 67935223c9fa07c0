"""The security headers every answer carries besides its content-security-policy: no framing by another site,
no guessed content type, no referrer outside the site. Shared by the plugin's gate (with its own policy) and the
API server's baseline for Airflow's pages (plugins/integracoes_plugin.py); no import here, so loading the plugin
stays cheap."""

FRAMING_AND_SNIFFING = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
)
