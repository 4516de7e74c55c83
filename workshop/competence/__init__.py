"""The staff competence survey: item bank, rounds, answers and the reports that protect small groups."""
