"""Evaluation: the complete pre-treatment assessment and its eligibility decision."""
