"""The partner sandbox: a local stand-in for the partners' endpoints, for the demo and the tests only."""
