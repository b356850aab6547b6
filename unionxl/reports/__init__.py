"""Reports out: what unionxl writes for the treasurer and the bureau."""
