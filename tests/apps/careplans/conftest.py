from tests.apps.procedures.helpers import *  # noqa: F403
