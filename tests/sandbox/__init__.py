"""Tests of the partner sandbox itself (its servers and how the stack wires them)."""
