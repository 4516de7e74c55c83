"""Critical points: what working life reports going wrong on journey steps."""
