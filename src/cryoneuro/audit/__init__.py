"""Audit trail: every read and write of patient data, append-only and hash-chained."""
