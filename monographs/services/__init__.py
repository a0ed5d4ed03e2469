"""Every write to content and screenings goes through these plain functions: the admin, the content loader, the
API and the tests call the same code. Each validates with full_clean, writes in one transaction, and schedules
its side effects (the leaflet render and the cache purge) for after the commit."""
