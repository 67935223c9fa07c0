"""Integrações service layer: domain rules, repositories and permissions for the API, pages and tasks."""
