"""Getting journeys out of Polku and back in: JSON documents (and later PDF and CSV)."""
