"""Helpers shared by several test folders (tests/conftest.py puts tests/ on the path)."""
