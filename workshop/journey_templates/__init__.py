"""The ready-made journey templates kept as files in journeys/."""
