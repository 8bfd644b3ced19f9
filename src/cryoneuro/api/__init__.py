"""The JSON API (django-ninja, OpenAPI at /api/docs). Same permission table as the pages."""
