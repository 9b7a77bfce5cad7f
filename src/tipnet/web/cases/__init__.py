"""Cases: a person's case, its timeline, support plan, consents and disclosures (issue 12)."""
