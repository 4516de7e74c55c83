"""Accounts, organisations, workspaces, memberships and invitations."""
