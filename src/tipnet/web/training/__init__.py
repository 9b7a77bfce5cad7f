"""Training: practice interviews on invented cases, lessons, cohorts and certificates."""
