"""Tests of the shared transports against the partner sandbox."""
