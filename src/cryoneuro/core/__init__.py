"""The floor under the clinic apps: what every app uses, owned by none of them.

- :mod:`cryoneuro.core.api`: API authentication/permission helpers and the one 422 body;
- :mod:`cryoneuro.core.audit`: ``audit_read(...)``, the one way to audit a read;
- :mod:`cryoneuro.core.db`: ``retry_transaction``, retrying a whole atomic block on a
  transient lock (SQLite) or a deadlock / serialization failure (PostgreSQL);
- :mod:`cryoneuro.core.models`: abstract base models (``created_at`` / ``created_by``);
- :mod:`cryoneuro.core.plugins`: the typed ``Protocol`` of each plug-in point (sections,
  export, demo, urls, api) and their discovery, one way for every app.

core sits above ``accounts`` and ``audit`` and below every other clinic app (see
docs/conventions.md, "The app map"). It is not a Django app: it has no models of its own.
"""
