"""Tests of the project as a whole: the API contract (schema, sync, caching, auth)."""
