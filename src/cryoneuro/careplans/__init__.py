"""Care plans: one multidisciplinary plan per patient."""
