from django.db import models


class DemoLoad(models.Model):
    """Which demo data sets are already loaded, so that ``load_demo`` is idempotent."""

    key = models.CharField(max_length=100, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class PeriodicRun(models.Model):
    """One slot of a periodic job that has been queued (web.periodic): its unique
    (job, slot) pair lets any number of schedulers run, each slot is queued once."""

    job = models.CharField(max_length=50)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="web_periodic_run_once")
        ]
        ordering = ["-slot"]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M}"
