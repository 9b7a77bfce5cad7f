"""Victim identification: the guided screening interview and its explained result (core.screening)."""
