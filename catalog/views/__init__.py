"""The catalog's pages: browse and compare (public), migration status, adoptions, offerings."""
