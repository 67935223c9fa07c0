"""Where the product's application is mounted in Airflow's API server, and its navigation route: the plugin's
wiring declares them, the pages and the API build their links from them."""

URL_PREFIX = "/integracoes"
NAV_ROUTE = "integracoes"


def airflow_root(plugin_root: str) -> str:
    """Airflow's own root path (`[api] base_url`'s path) from the plugin's mount path."""
    return plugin_root.rstrip("/").removesuffix(URL_PREFIX)
