"""Partner connectors: the type catalog, the configuration rules, the shared transports and one module per partner."""
