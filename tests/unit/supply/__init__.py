"""Unit tests of supply: purchase orders, shipping notices, receipts, inventory sync, quality incidents and
supplier scorecards."""
