"""API endpoints of the careplans app (mounted by cryoneuro.api.router)."""

from ninja import Router

router = Router(tags=["careplans"])
