"""Tests of the receipts: the three endpoints, the PDF worker, the admin views."""
