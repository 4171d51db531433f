"""The browser app's pieces: pages, drawing, charts and shared components (imported by app.py only)."""
