"""The staff console: one static page (no CDN, no external requests) and the label catalogue."""
