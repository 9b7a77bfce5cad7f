"""The anonymous reporting line: encrypted intake, receipts, two-way messages, triage, forwarding."""
