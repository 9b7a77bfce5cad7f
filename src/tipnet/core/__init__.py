"""Domain rules and numerics in plain Python. Never imports Django (see the import-linter contract)."""
