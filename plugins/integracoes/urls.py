"""Where the product's application is mounted in Airflow's API server, and its navigation route: the plugin's
wiring declares them, the pages and the API build their links from them."""

URL_PREFIX = "/integracoes"
NAV_ROUTE = "integracoes"
