"""Commentdesk's domain: drafts, provisions, comment tables and positions. Imports nothing from the web."""
