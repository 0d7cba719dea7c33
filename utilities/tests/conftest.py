import pytest
from django.db.models.sql.compiler import SQLCompiler


@pytest.fixture
def compilations(monkeypatch):
    """The SELECT compilers compiled from now on (``SQLCompiler.as_sql``), in order."""
    compiled = []
    as_sql = SQLCompiler.as_sql

    def counted(compiler, *args, **kwargs):
        compiled.append(compiler)
        return as_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return compiled
