"""Journeys: stages across, lanes down, steps in the cells."""
