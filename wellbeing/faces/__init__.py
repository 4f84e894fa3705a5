"""What the two faces share — request context, error rendering, language, CSRF, the words for
service errors and the report renderings (page data, PDF, CSV) — so `api` never imports `web`."""
