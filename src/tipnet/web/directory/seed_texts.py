"""Translations of the seed entries' names, hours and descriptions (filled in below)."""

TRANSLATIONS: dict[str, dict[str, dict[str, str]]] = {}
