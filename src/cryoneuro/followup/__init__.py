"""Follow-up: schedules, questionnaires, relief tracking and re-treatment proposals."""
