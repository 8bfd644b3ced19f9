"""API endpoints of the procedures app (mounted by cryoneuro.api.router)."""

from ninja import Router

router = Router(tags=["procedures"])
