"""Unit-report renderings shared by the pages and the API: what a page shows, the PDF, the CSV."""
