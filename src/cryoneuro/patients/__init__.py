"""Patients: a minimal, GDPR-minded record; search; the patient's own data export."""
