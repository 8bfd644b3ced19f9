from django.db import models


class DemoLoad(models.Model):
    """Which demo data sets are already loaded, so that ``load_demo`` is idempotent."""

    key = models.CharField(max_length=100, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
