"""The audit log: who created, changed, removed, exported, shared or erased what, and when."""
