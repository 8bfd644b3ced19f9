"""API endpoints of the followup app (mounted by cryoneuro.api.router)."""

from ninja import Router

router = Router(tags=["followup"])
