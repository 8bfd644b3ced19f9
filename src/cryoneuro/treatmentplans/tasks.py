"""Plan computation as a background task (docs/operations/tasks.md): the plan form asks
for it (services.plan_computation_start) and polls its page; the task worker runs it."""

from __future__ import annotations

from django_tasks import task

from .services import plan_computation_run


@task()
def plan_compute(computation_id: str) -> int | None:
    """Compute and store the plan of one PlanComputation; its id, or None when the planner
    refused the inputs (the computation then holds the message)."""
    return plan_computation_run(computation_id)
