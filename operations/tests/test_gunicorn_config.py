"""gunicorn.conf.py's hooks, called as gunicorn calls them."""

import gc
import runpy
from pathlib import Path

from django.conf import settings


def test_the_master_freezes_what_it_loaded_before_each_fork():
    """Objects loaded before the fork are frozen, so a worker's full garbage collections
    walk only what the worker made itself."""
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        config["pre_fork"](server=None, worker=None)
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert frozen > 10_000
    # Everything a worker would have loaded, not the few objects made since.
    assert frozen > len(gc.get_objects()) // 2
