"""delivery: courier day planning, live dispatch and receipt printing in one Flask application."""
