"""Tests of the JSON APIs through the Flask test client."""
