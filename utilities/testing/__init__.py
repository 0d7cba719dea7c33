"""Test helpers shared by the apps' test suites."""
