"""Shared presentation: the base layout, home dashboards, template helpers."""
