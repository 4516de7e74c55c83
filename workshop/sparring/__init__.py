"""Leadership sparring: employers and growth companies spar a management team on the evidence
(journeys, critical points, staff survey), and its commitments are followed up until done."""
