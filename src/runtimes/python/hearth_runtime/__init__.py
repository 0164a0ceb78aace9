"""Parts of Hearth's Python runtime client; bootstrap.py is the entry point."""
