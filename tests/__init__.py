"""Shared test infrastructure and the cross-cutting tests; every other test lives beside its
code, in ``<app>/tests/``.

Here: ``builders.py`` (the one builder of test records), ``test_architecture.py`` (the
layers), the browser journeys that cross apps (``test_browser_*.py``) and the accessibility
check of every kind of page. The fixtures every test may use are in the root
``conftest.py``; helpers that take models as arguments are in ``utilities/testing/``.
"""
