"""What every area's pages share: access rules, listings, forms, request guards, headers."""
