"""The deployment's own pages: the accessibility statement, About (licence, source, version)."""
