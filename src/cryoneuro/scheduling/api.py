"""API endpoints of the scheduling app (mounted by cryoneuro.api.router)."""

from ninja import Router

router = Router(tags=["scheduling"])
