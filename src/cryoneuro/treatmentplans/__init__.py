"""Treatment plans: stored, reproducible freeze plans with image-guided placement."""
