"""The settings module's docstring and the README name every environment variable the
settings read, so neither list can fall behind the code."""

import ast
import re
from pathlib import Path

from sister_cities import settings

ROOT = Path(__file__).resolve().parents[2]
READERS = {"env_bool", "env_int", "env_list", "get", "getenv"}


def variables_read():
    """The names passed to ``os.environ.get`` and the ``env_*`` helpers, plus DATABASE_URL
    (read by ``dj_database_url.config()``)."""
    tree = ast.parse(Path(settings.__file__).read_text(encoding="utf-8"))
    names = {"DATABASE_URL"}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        function = getattr(node.func, "attr", getattr(node.func, "id", None))
        first = node.args[0]
        if function in READERS and isinstance(first, ast.Constant):
            names.add(first.value)
    return names


def test_the_check_sees_the_variables():
    assert {"DEBUG", "SECRET_KEY", "REDIS_URL", "AXES_FAILURE_LIMIT"} <= variables_read()


def test_the_docstring_names_every_variable_the_settings_read():
    named = set(re.findall(r"\b[A-Z][A-Z0-9_]+\b", settings.__doc__))
    assert not variables_read() - named, sorted(variables_read() - named)


def test_the_readme_names_every_variable_the_settings_read():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(name for name in variables_read() if name not in readme)
    assert not missing, missing
