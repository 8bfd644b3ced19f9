"""API endpoints of the treatmentplans app (mounted by cryoneuro.api.router)."""

from ninja import Router

router = Router(tags=["treatmentplans"])
