"""What the procedures app tells the apps above it (which listen in their AppConfig.ready).

procedures sits below followup on the app map: it never imports followup. The discharge
step sends :data:`procedure_discharged` inside its own transaction, so what a listener
writes (the follow-up schedule) commits or rolls back with the discharge."""

from django.dispatch import Signal

# Sent with ``procedure``, ``user``, ``request`` (may be None) once the discharge step is
# recorded (first time or corrected).
procedure_discharged = Signal()
