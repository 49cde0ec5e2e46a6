"""Commentdesk's web edge: HTTP, HTML, settings. Thin: the work is done in `comments`."""
