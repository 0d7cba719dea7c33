"""Libraries that only some requests need, loaded when first used.

pypinyin's dictionaries (some 55 MB), WeasyPrint with its fonts (some 40 MB) and openpyxl
would otherwise be in every process from start-up: each gunicorn worker and each export
would carry them though most requests never sort a Chinese country list, make a PDF or
write a spreadsheet. ``lazy_module(name)`` is the module, loaded (by the standard
library's ``importlib.util.LazyLoader``) at its first attribute access; the import stays
at the top of the module that uses it.
"""

import importlib.util
import sys


def lazy_module(name):
    """The module ``name``, executed when an attribute of it is first read (at once if it is
    imported already)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
