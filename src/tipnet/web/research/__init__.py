"""Research: capture tables and estimates of hidden victims; later linkage runs and data-book editions."""
